// The warm AWS CLI (test/helpers/warm-cli) is the same CLI: each command below runs cold (the
// real script, started by the kernel as a learner's is) and warm (forked from the server), for
// both CLIs, and stdout, stderr and the exit status must be identical. Plus: which process ran
// a command (a credential_process prints its parent's command line: the server's fork keeps
// the server's), the cases that must run cold, a killed client, and another uid refused.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { scaled } from '../helpers/timeouts.ts';
import { installWarmCli, shebangInterpreter } from '../helpers/warm-cli/install.ts';
import { cleanEnv } from '../sandbox/run-cli.ts';

const pyenvAws = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).stdout.trim();
const REAL = { v1: pyenvAws, v2: '/usr/bin/aws' } as const;
const root = mkdtempSync(join(tmpdir(), 'warm-cli-'));
const WARM = {
  v1: join(installWarmCli(join(root, 'v1'), REAL.v1), 'aws'),
  v2: join(installWarmCli(join(root, 'v2'), REAL.v2), 'aws'),
};
const SERVER = 'warm-cli/server.py';

interface Out {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(bin: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Out> {
  return new Promise((resolve) => {
    const c = execFile(bin, args, { env, timeout: scaled(60_000) }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    c.stdin!.end(input ?? '');
  });
}

/** Pids of the server processes for `dir`, and their children (the commands running). */
function serverOf(dir: string): { pid: number; children: number[] }[] {
  const out: { pid: number; children: number[] }[] = [];
  for (const p of spawnSync('pgrep', ['-f', `${SERVER} ${dir}/`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)) {
    const kids = existsSync(`/proc/${p}/task/${p}/children`)
      ? readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
      : [];
    const own = Number(p);
    // pgrep also matches the children (their command line is the server's)
    if (!kids.length || !out.some((s) => s.children.includes(own)))
      out.push({ pid: own, children: kids.map(Number) });
  }
  return out.filter((s) => !out.some((o) => o.children.includes(s.pid)));
}

let sb: TestSandbox;
let env: Record<string, string>;
const probe = join(root, 'parent.txt');

beforeAll(async () => {
  sb = await startTestSandbox();
  env = { ...cleanEnv(sb.env), AWS_MAX_ATTEMPTS: '1' };
  // The first call starts the server (and runs cold); wait until both listen.
  for (const v of ['v1', 'v2'] as const) {
    await run(WARM[v], ['--version'], env);
    const deadline = Date.now() + scaled(30_000);
    while (!serverOf(dirname(WARM[v])).length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(serverOf(dirname(WARM[v])).length, v).toBe(1);
  }
});
afterAll(async () => {
  for (const v of ['v1', 'v2'] as const)
    for (const s of serverOf(dirname(WARM[v]))) process.kill(s.pid, 'SIGTERM');
  await sb?.stop();
});

describe.each(['v1', 'v2'] as const)('%s: cold and warm give the same result', (v) => {
  const ep = () => ['--endpoint-url', sb.env.AWS_ENDPOINT_URL!];
  const cases: [string, () => string[], string?][] = [
    ['JSON success', () => [...ep(), 'sts', 'get-caller-identity']],
    [
      'text + --query',
      () => [...ep(), 'iam', 'list-roles', '--output', 'text', '--query', 'Roles[].RoleName'],
    ],
    ['service error', () => [...ep(), 'iam', 'get-user', '--user-name', 'nobody-here']],
    ['usage error', () => ['s3api', 'get-object', '--bucket']],
    ['unknown command', () => ['iam', 'list-usrs']],
    ['--version', () => ['--version']],
    [
      'stdin input',
      () => [...ep(), 'sts', 'get-caller-identity', '--cli-input-json', 'file:///dev/stdin'],
      '{}',
    ],
  ];
  it.each(cases)('%s', async (_name, args, input) => {
    const cold = await run(REAL[v], args(), env, input);
    const warm = await run(WARM[v], args(), env, input);
    expect(warm).toEqual(cold);
    expect(cold.code).not.toBeNull();
  });

  it('configure set writes the same file with the same mode (umask 027)', async () => {
    const res: { out: Out; text: string; mode: number }[] = [];
    for (const bin of [REAL[v], WARM[v]]) {
      const cfg = join(mkdtempSync(join(root, 'cfg-')), 'config');
      const out = await run(
        '/bin/sh',
        [
          '-c',
          'umask 027; exec "$0" "$@"',
          bin,
          'configure',
          'set',
          'region',
          'eu-west-3',
          '--profile',
          'p',
        ],
        { ...env, AWS_CONFIG_FILE: cfg },
      );
      res.push({ out, text: readFileSync(cfg, 'utf8'), mode: statSync(cfg).mode & 0o777 });
    }
    expect(res[1]).toEqual(res[0]);
    expect(res[0].text).toContain('region = eu-west-3');
  });

  it("warm runs in the server's fork; a TTY and the opt-out run cold", async () => {
    const cfg = join(root, `cp-${v}`);
    writeFileSync(
      cfg,
      `[profile cp]\ncredential_process = sh -c "tr '\\\\000' ' ' < /proc/$PPID/cmdline > ${probe}; echo '{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIAXXXX\\", \\"SecretAccessKey\\": \\"x\\"}'"\n`,
    );
    const e = { ...env, AWS_CONFIG_FILE: cfg, AWS_PROFILE: 'cp' };
    const args = [...ep(), 'sts', 'get-caller-identity'];
    const parent = async (bin: string, extra: NodeJS.ProcessEnv = {}, tty = false) => {
      if (tty)
        await run('script', ['-qec', [bin, ...args].join(' '), '/dev/null'], { ...e, ...extra });
      else await run(bin, args, { ...e, ...extra });
      return readFileSync(probe, 'utf8');
    };
    expect(await parent(WARM[v])).toContain(SERVER);
    expect(await parent(REAL[v])).not.toContain(SERVER);
    expect(await parent(WARM[v], { LABRUNNER_COLD_AWS_CLI: '1' })).not.toContain(SERVER);
    const tty = await parent(WARM[v], {}, true);
    expect(tty).not.toContain(SERVER);
    expect(tty).toContain(join(dirname(WARM[v]), 'aws')); // it was the warm `aws`, run cold
    // awscli reads HOME on import (assumerole's cache folder, ...): another HOME runs cold,
    // or v1 would cache a role's session in the server's ~/.aws/cli/cache.
    const home = mkdtempSync(join(root, 'home-'));
    expect(await parent(WARM[v], { HOME: home })).not.toContain(SERVER);
  });

  it('a killed client takes its command down with it (no orphan)', async () => {
    const dir = dirname(WARM[v]);
    // Waits on stdin, which stays open: the command runs until it is stopped.
    const c = spawn(
      WARM[v],
      [...ep(), 'sts', 'get-caller-identity', '--cli-input-json', 'file:///dev/stdin'],
      {
        env,
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    const busy = async (want: boolean) => {
      const deadline = Date.now() + scaled(20_000);
      while (Date.now() < deadline) {
        if ((serverOf(dir)[0]?.children.length ?? 0) > 0 === want) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    };
    expect(await busy(true)).toBe(true);
    c.kill('SIGKILL');
    expect(await busy(false)).toBe(true);
  });
});

it('the v2.9 role profile through the sandbox wrapper (aws-endpoint.py) is the same warm', async () => {
  const [wrapper, ...rest] = env.PATH.split(':');
  const home = mkdtempSync(join(root, 'home-'));
  writeFileSync(
    join(home, 'config'),
    '[profile r]\nrole_arn = arn:aws:iam::000000000000:role/none-such\nsource_profile = default\n',
  );
  const e = { ...env, AWS_CONFIG_FILE: join(home, 'config'), AWS_PROFILE: 'r' };
  const cold = await run('aws', ['sts', 'get-caller-identity'], {
    ...e,
    PATH: [wrapper, '/usr/bin', ...rest].join(':'),
  });
  const warm = await run('aws', ['sts', 'get-caller-identity'], {
    ...e,
    PATH: [wrapper, dirname(WARM.v2), '/usr/bin', ...rest].join(':'),
  });
  expect(warm).toEqual(cold);
  expect(cold.stderr).not.toContain('amazonaws.com'); // the AssumeRole went to the sandbox
});

it('refuses a connection from another uid (the socket opened to all only for this test)', () => {
  const dir = mkdtempSync(join(root, 'other-'));
  chmodSync(root, 0o711); // the way in (the CLIs' own folders stay 0700)
  chmodSync(dir, 0o755);
  const sock = join(dir, 's.sock');
  const py = shebangInterpreter('/usr/bin/aws');
  const server = spawn(py, [join(import.meta.dirname, '../helpers/warm-cli/server.py'), sock], {
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + scaled(30_000);
    while (!existsSync(sock) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
    chmodSync(sock, 0o666);
    const script = join(dir, 'marker.py');
    writeFileSync(script, `open(${JSON.stringify(join(dir, 'ran'))}, 'w').write('x')\n`, {
      mode: 0o644,
    });
    // As `python3 script` through the server: sends the request with fds 0/1/2, prints the reply.
    const caller = `import json, os, socket, struct
s = socket.socket(socket.AF_UNIX); s.connect(${JSON.stringify(sock)})
b = json.dumps({"argv": [${JSON.stringify(script)}], "env": dict(os.environ), "cwd": "/", "umask": 18}).encode()
socket.send_fds(s, [struct.pack("!I", len(b))], [0, 1, 2]); s.sendall(b)
print("reply:", s.recv(100))`;
    const other = spawnSync(py, ['-c', caller], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      cwd: '/',
    });
    expect(other.stdout + other.stderr).toMatch(/reply: b''|Connection reset|Broken pipe/);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    const me = spawnSync(py, ['-c', caller], { encoding: 'utf8', cwd: '/' });
    expect(me.stdout).toContain('"status": 0');
    expect(existsSync(join(dir, 'ran'))).toBe(true); // the same request from our uid runs
  } finally {
    server.kill('SIGTERM');
  }
});
