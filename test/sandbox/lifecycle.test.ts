// Lifecycle through the public surface and the real `lab` CLI: idempotent start, status,
// stale pids, a busy port, missing moto, file permissions.
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
  readdirSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  ensureSandbox,
  freePort,
  isSandboxError,
  readSandboxInfo,
  sandboxStatus,
  stopSandbox,
} from '../../sandbox/index.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { readRun, writeRun } from '../../sandbox/lifecycle/state.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { cleanEnv, lab } from './run-cli.ts';

const mode = (p: string) => statSync(p).mode & 0o777;
const tempHome = () => mkdtempSync(join(tmpdir(), 'lab-life-'));

describe('a running sandbox', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  test('start is idempotent: same processes, same identities, same endpoint', async () => {
    const before = readRun(layout(sb.home));
    const again = await ensureSandbox({ home: sb.home });
    const after = readRun(layout(sb.home));
    expect(after.engine?.pid).toBe(before.engine?.pid);
    expect(after.gateway?.pid).toBe(before.gateway?.pid);
    expect(again.endpoint).toBe(sb.endpoint);
    expect(again.learner.accessKeyId).toBe(sb.learner.accessKeyId);
    const r = await lab(['sandbox', 'start'], cleanEnv({ LAB_HOME: sb.home }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Sandbox running at ${sb.endpoint}`);
    expect(readRun(layout(sb.home)).engine?.pid).toBe(before.engine?.pid);
  });

  test('status reports both processes and the account (exit 0 while running)', async () => {
    const s = await sandboxStatus({ home: sb.home });
    expect(s.running).toBe(true);
    expect(s.accountId).toBe(sb.accountId);
    expect(s.engine).toMatchObject({ alive: true, healthy: true });
    expect(s.gateway).toMatchObject({ alive: true, healthy: true });
    expect(s.endpoint).toBe(sb.endpoint);
    const json = await lab(['sandbox', 'status', '--json'], cleanEnv({ LAB_HOME: sb.home }));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ running: true, accountId: sb.accountId });
    const text = await lab(['sandbox', 'status'], cleanEnv({ LAB_HOME: sb.home }));
    expect(text.stdout).toMatch(/Sandbox: running at http:\/\/127\.0\.0\.1:\d+/);
    expect(text.stdout).toContain(`gateway  pid ${s.gateway.pid}`);
    expect(text.stdout).toContain(`engine   pid ${s.engine.pid}`);
  });

  test('files holding secrets are 0600 and the sandbox dirs 0700', () => {
    const l = layout(sb.home);
    for (const f of [l.identities, l.credentialsFile, l.configFile, l.runFile]) {
      expect(mode(f), f).toBe(0o600);
    }
    const snaps = join(l.engineState, 'snapshots');
    const files = readdirSync(snaps);
    expect(files).toContain('iam.pickle');
    for (const f of files) expect(mode(join(snaps, f)), f).toBe(0o600);
    for (const d of [l.dir, l.engineState, l.awsDir, snaps]) expect(mode(d), d).toBe(0o700);
    // The secret is in the isolated credentials file and nowhere in the logs.
    expect(readFileSync(l.credentialsFile, 'utf8')).toContain(sb.learner.secretAccessKey);
    for (const log of [l.engineLog, l.gatewayLog]) {
      const text = readFileSync(log, 'utf8');
      expect(text).not.toContain(sb.learner.secretAccessKey);
      expect(text).not.toContain(sb.runner.secretAccessKey);
    }
  });

  test('a port in use by this sandbox is not "busy" for it, but is for another home', async () => {
    const port = Number(new URL(sb.endpoint).port);
    const other = tempHome();
    const err = await ensureSandbox({ home: other, port }).catch((e) => e);
    expect(isSandboxError(err)).toBe(true);
    expect(err.code).toBe('port_busy');
    // Nothing was started for the other home.
    expect(readRun(layout(other)).engine).toBeUndefined();
  });
});

describe('stale state and errors', () => {
  test('stale pids (dead, or reused by an unrelated process) are detected and replaced', async () => {
    const home = tempHome();
    const port = await freePort();
    const info = await ensureSandbox({ home, port });
    try {
      await stopSandbox({ home });
      // A crash leaves run.json behind; its engine pid now belongs to an unrelated live
      // process (pid reuse) and its gateway pid to nobody.
      const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
      const deadPid = await new Promise<number>((resolve) => {
        const p = spawn('true');
        p.once('exit', () => resolve(p.pid!));
      });
      writeRun(layout(home), {
        engine: { pid: stranger.pid!, port: 1, host: '127.0.0.1' },
        gateway: { pid: deadPid, port, host: '127.0.0.1', enginePort: 1 },
      });
      const s = await sandboxStatus({ home });
      expect(s.running).toBe(false);
      expect(s.engine.alive).toBe(false);
      expect(s.gateway.alive).toBe(false);
      const stopped = await lab(['sandbox', 'status'], cleanEnv({ LAB_HOME: home }));
      expect(stopped.code).toBe(1);
      expect(stopped.stdout).toContain('Sandbox: stopped');

      const again = await ensureSandbox({ home, port });
      expect(again.learner.accessKeyId).toBe(info.learner.accessKeyId);
      expect(stranger.exitCode).toBeNull(); // we never signal a process that is not ours
      stranger.kill();
      const me = await adminClients(again).sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(info.learner.arn);
    } finally {
      await stopSandbox({ home });
    }
  });

  test('a busy port is a clear error naming the port and how to pick another', async () => {
    const home = tempHome();
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const r = await lab(
        ['sandbox', 'start', '--port', String(port)],
        cleanEnv({ LAB_HOME: home }),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(r.stderr).toContain('--port');
      expect(r.stderr).toContain('LAB_SANDBOX_PORT');
      const s = await sandboxStatus({ home });
      expect(s.engine.alive || s.gateway.alive).toBe(false);
    } finally {
      blocker.close();
      await stopSandbox({ home });
    }
  });

  test('without moto: exit 2 and the exact install command', async () => {
    const home = tempHome();
    const env = cleanEnv({ LAB_HOME: home, LAB_MOTO_PYTHON: '/usr/bin/python3' });
    const r = await lab(['sandbox', 'start', '--port', String(await freePort())], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("python3 -m pip install 'moto[server]'");
    const missing = await ensureSandbox({
      home,
      port: await freePort(),
      env: { ...process.env, LAB_MOTO_PYTHON: join(home, 'no-such-python') },
    }).catch((e) => e);
    expect(missing.code).toBe('moto_missing');
    expect(missing.hint).toContain("python3 -m pip install 'moto[server]'");
  });

  test('the Python that ran moto is remembered: `PATH=/usr/bin:$PATH` does not break the next start', async () => {
    const home = tempHome();
    const port = String(await freePort());
    const env = cleanEnv({ LAB_HOME: home });
    expect((await lab(['sandbox', 'start', '--port', port], env)).code).toBe(0);
    expect((await lab(['sandbox', 'stop'], env)).code).toBe(0);
    // What a learner types to reach Debian's `aws` first; that PATH's python3 has no moto.
    const debianFirst = { ...env, PATH: `/usr/bin:/bin:${env.PATH}` };
    expect(
      execFileSync('sh', ['-c', 'command -v python3'], { env: debianFirst, encoding: 'utf8' }),
    ).toBe('/usr/bin/python3\n');
    try {
      const r = await lab(['sandbox', 'start', '--port', port], debianFirst);
      expect(r.code, r.stderr).toBe(0);
      // Remembered by absolute path (the interpreter itself, not a pyenv shim).
      const remembered = readFileSync(layout(home).motoPythonFile, 'utf8').trim();
      expect(remembered).toMatch(/^\/.*python[\d.]*$/);
      expect(remembered).not.toContain('/shims/');
    } finally {
      await lab(['sandbox', 'stop'], env);
    }
  });

  test('moto installed in its own Python (pipx, venv) is found through moto_server on PATH', async () => {
    const home = tempHome();
    // The interpreter that has moto, named only by the #! line of a moto_server script; the
    // python3 on this PATH (Debian's) has no moto.
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
    }).trim();
    const bin = join(home, 'pipx-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'moto_server'), `#!${python}\nfrom moto.server import main\nmain()\n`, {
      mode: 0o755,
    });
    const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
    try {
      const info = await ensureSandbox({ home, port: await freePort(), env });
      const me = await adminClients(info).sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(info.learner.arn);
    } finally {
      await stopSandbox({ home });
    }
  });

  test('unreadable saved state: start says so and how to start afresh; reset recovers', async () => {
    const home = tempHome();
    const port = await freePort();
    await ensureSandbox({ home, port });
    await stopSandbox({ home });
    writeFileSync(join(layout(home).engineState, 'snapshots', 'iam.pickle'), 'not a snapshot');
    const env = cleanEnv({ LAB_HOME: home });
    try {
      const r = await lab(['sandbox', 'start'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('cannot load the saved iam state');
      expect(r.stderr).toContain('lab sandbox reset --yes');
      const reset = await lab(['sandbox', 'reset', '--yes'], env);
      expect(reset.code, reset.stderr).toBe(0);
      const info = readSandboxInfo(home)!;
      const me = await adminClients(info).sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(info.learner.arn);
    } finally {
      await stopSandbox({ home });
    }
  });

  test('readSandboxInfo does not start anything, and is undefined before the first start', async () => {
    const home = tempHome();
    expect(readSandboxInfo(home)).toBeUndefined();
    const s = await sandboxStatus({ home });
    expect(s).toMatchObject({ running: false, initialised: false });
    writeFileSync(join(home, 'marker'), '');
    expect(readdirSync(home)).toEqual(['marker']);
  });
});
