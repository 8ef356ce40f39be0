// Every interactive command in a real terminal, as a learner types it: it exits by itself with
// its documented code, the final screen holds no spinner frame, and the cursor is shown again.
// (Through pipes the spinner is off, which is why only a terminal shows these bugs.)
// One sandbox for the file: the first test starts it cold with `lab sandbox start`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sandboxStatus, stopSandbox } from '../../sandbox/index.ts';
import { freePort } from '../../sandbox/lifecycle/ports.ts';
import { cleanEnv, lab } from '../sandbox/run-cli.ts';
import { finalScreen, LAB, labTerm, spawnTerm, SPINNER_FRAMES } from './pty.ts';
import { learnerHome, openShell } from './shell-session.ts';

let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-term-'));
  env = cleanEnv({ LAB_HOME: home, LAB_SANDBOX_PORT: String(await freePort()) });
});
afterAll(async () => {
  await stopSandbox({ home }).catch(() => {});
  rmSync(home, { recursive: true, force: true });
});

/** The contract every command keeps on a terminal. */
function expectClean(f: Awaited<ReturnType<typeof finalScreen>>) {
  expect(f.spinnerLeft, f.screen).toBe(false);
  expect(f.cursorShown, 'cursor left hidden').toBe(true);
}

describe('in a terminal', () => {
  test('lab sandbox start (cold): exits 0, spinner gone, cursor back', async () => {
    const f = await finalScreen(labTerm(['sandbox', 'start'], env));
    expect(f.exit.code, f.screen).toBe(0);
    expect(f.screen).toMatch(/Sandbox running at http:\/\/127\.0\.0\.1:\d+/);
    expectClean(f);
  });

  test('Ctrl-C during a cold sandbox start: exit 130, says what it left and how to stop it', async () => {
    const other = mkdtempSync(join(tmpdir(), 'lab-term-ctrlc-'));
    try {
      const e = { ...env, LAB_HOME: other, LAB_SANDBOX_PORT: String(await freePort()) };
      const t = labTerm(['sandbox', 'start'], e);
      await t.waitFor(/Starting the sandbox/);
      t.type('\x03');
      const f = await finalScreen(t);
      expect(f.exit.code, f.screen).toBe(130);
      expect(f.screen).toMatch(/Interrupted: the sandbox may still be starting.*lab sandbox stop/s);
      expectClean(f);
      // What it names works: `lab sandbox stop` finds the half-started processes.
      const stop = await finalScreen(labTerm(['sandbox', 'stop'], e));
      expect(stop.exit.code, stop.screen).toBe(0);
      expect((await sandboxStatus({ home: other })).engine.alive).toBe(false);
    } finally {
      await stopSandbox({ home: other }).catch(() => {});
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('lab sandbox start --json (cold): one JSON document is all the terminal ever got', async () => {
    const other = mkdtempSync(join(tmpdir(), 'lab-term-json-'));
    try {
      const e = { ...env, LAB_HOME: other, LAB_SANDBOX_PORT: String(await freePort()) };
      const t = labTerm(['sandbox', 'start', '--json'], e);
      const f = await finalScreen(t);
      expect(f.exit.code, f.screen).toBe(0);
      // Everything written, scrollback and erased frames included: a spinner that drew and
      // then erased itself would still be in it (the text-mode start above shows one).
      const all = t.text();
      expect(all).not.toMatch(SPINNER_FRAMES);
      expect(all).not.toMatch(/Starting/);
      const doc = JSON.parse(all); // exactly one document: a second one, or a line, fails
      const endpoint = `http://127.0.0.1:${e.LAB_SANDBOX_PORT}`;
      expect(doc).toMatchObject({ state: 'running', endpoint, accountId: expect.any(String) });
      expect(doc).toMatchObject({ home: other, region: 'us-east-1' });
      expect(doc.gateway.pid).toEqual(expect.any(Number));
      expectClean(f);

      // The other sandbox documents (through pipes, as a script reads them) agree with it.
      const envDoc = JSON.parse((await lab(['sandbox', 'env', '--json'], e)).stdout);
      expect(envDoc.env).toEqual({
        AWS_CONFIG_FILE: doc.configFile,
        AWS_SHARED_CREDENTIALS_FILE: doc.credentialsFile,
        AWS_ENDPOINT_URL: endpoint,
      });
      expect(envDoc.pathPrepend).toBe(doc.binDir);
      expect(envDoc.unset).toContain('AWS_SECRET_ACCESS_KEY');
      const status = await lab(['sandbox', 'status', '--json'], e);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'running', endpoint });
      // No secret access key (the admin's or labrunner's own) in any of them.
      const secrets = [
        ...readFileSync(join(other, 'sandbox', 'engine', 'identities.json'), 'utf8').matchAll(
          /"secretAccessKey":\s*"([^"]+)"/g,
        ),
      ].map((m) => m[1]);
      expect(secrets.length).toBe(2);
      for (const out of [all, JSON.stringify(envDoc), status.stdout]) {
        for (const secret of secrets) expect(out.includes(secret)).toBe(false);
      }

      const stop = await lab(['sandbox', 'stop', '--json'], e);
      expect(stop.code, stop.stderr).toBe(0);
      expect(JSON.parse(stop.stdout)).toMatchObject({
        state: 'stopped',
        wasRunning: true,
        stopped: ['gateway', 'engine'],
      });
      expect((await sandboxStatus({ home: other })).gateway.alive).toBe(false);
    } finally {
      await stopSandbox({ home: other }).catch(() => {});
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('lab start day42: exits 0 by itself', async () => {
    const f = await finalScreen(labTerm(['start', 'day42'], env));
    expect(f.exit.code, f.screen).toBe(0);
    expect(f.screen).toMatch(/day42 started at/);
    expectClean(f);
  });

  test('lab check day42: prints the verdicts and exits 1 (not done yet) by itself', async () => {
    const f = await finalScreen(labTerm(['check', 'day42'], env));
    expect(f.exit.code, f.screen).toBe(1);
    expect(f.screen).toMatch(/0\/5 steps complete/);
    expect(f.screen).not.toMatch(/Checking day42/); // the progress line is erased, not left
    expectClean(f);
  });

  test("lab check day42 | cat: no spinner over the other program's output", async () => {
    // stdout is cat's pipe, stderr the terminal: cat prints the results on the terminal while a
    // spinner on stderr would redraw (and erase) a line under them, leaving a frame in the text.
    const t = spawnTerm('/bin/sh', ['-c', `"${process.execPath}" "${LAB}" check day42 | cat`], {
      env,
    });
    const f = await finalScreen(t);
    expect(f.exit.code, f.screen).toBe(0); // sh's status: cat's
    expect(f.screen).toMatch(/^local sandbox, account \d{12}$/m);
    expect(f.screen).toMatch(/0\/5 steps complete/);
    expect(f.screen).not.toMatch(SPINNER_FRAMES);
    expect(f.screen).not.toMatch(/steps checked…/); // the spinner's own text
    expectClean(f);
  });

  test('lab check day42 --json: one JSON document on the screen, nothing else', async () => {
    const f = await finalScreen(labTerm(['check', 'day42', '--json'], env));
    expect(f.exit.code, f.screen).toBe(1);
    const doc = JSON.parse(f.screen.replace(/\n/g, ''));
    expect(doc.lab).toBe('day42');
    expect(doc.steps.map((s: { status: string }) => s.status)).not.toContain('passed');
    expectClean(f);
  });

  test('lab check day42 --watch: Ctrl-C while waiting ends it with exit 1', async () => {
    const t = labTerm(['check', 'day42', '--watch', '--interval', '30'], env);
    await t.waitFor(/Checking again in 30 s/);
    t.type('\x03');
    const f = await finalScreen(t);
    expect(f.exit.code, f.screen).toBe(1);
    expect(f.screen).toMatch(/0\/5 steps complete/);
    expectClean(f);
  });

  test('lab check day42 --watch in a terminal redraws its block in place: one block on screen', async () => {
    const t = labTerm(['check', 'day42', '--watch', '--interval', '1'], env);
    // The third pass: two redraws over the first block.
    const first = await t.waitFor(/— (\d\d:\d\d:\d\d) UTC/);
    const from = t.text().indexOf(first[0]) + first[0].length;
    await t.waitFor(/— \d\d:\d\d:\d\d UTC[\s\S]*Checking again/, 30_000, from);
    t.type('\x03');
    const f = await finalScreen(t);
    expect(f.exit.code, f.screen).toBe(1);
    expect(f.screen.match(/0\/5 steps complete/g), f.screen).toHaveLength(1);
    expect(f.screen.match(/○ list-users/g), f.screen).toHaveLength(1);
    expectClean(f);
  });

  test('lab serve: Ctrl-C stops it, exit 0, and it says so', async () => {
    // A build marker newer than the sources: no Astro build in this test (test/site covers it).
    const out = join(home, 'dist');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'index.html'), '<!doctype html><title>labs</title>');
    const t = labTerm(['serve', '--port', '0', '--out', out], env);
    const [, url] = await t.waitFor(/Lab site: (http:\S+)/);
    expect((await fetch(url)).status).toBe(200);
    t.type('\x03');
    const f = await finalScreen(t);
    expect(f.exit.code, f.screen).toBe(0);
    expect(f.screen).toMatch(/Stopped the lab site\./);
    expectClean(f);
  });

  test('lab cleanup day42: exits 0 by itself and says what the account shows', async () => {
    const f = await finalScreen(labTerm(['cleanup', 'day42'], env));
    expect(f.exit.code, f.screen).toBe(0);
    expect(f.screen).toMatch(/nothing the lab created remains/);
    expectClean(f);
  });

  test('lab cleanup --target aws: the account id typed back at its prompt, then exit 0', async () => {
    // "AWS" here is the sandbox reached through AWS_ENDPOINT_URL with its admin's CLI files
    // (the default profile there): the real-account path, with its typed confirmation.
    const sandbox = join(home, 'sandbox', 'aws');
    const aws = {
      ...env,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${env.LAB_SANDBOX_PORT}`,
      AWS_CONFIG_FILE: join(sandbox, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(sandbox, 'credentials'),
    };
    const start = await finalScreen(labTerm(['start', 'day42', '--target', 'aws'], aws));
    expect(start.exit.code, start.screen).toBe(0);
    // Ctrl-C at the question: exit 130, and it says that nothing was changed.
    const no = labTerm(['cleanup', 'day42', '--target', 'aws'], aws);
    await no.waitFor(/Type the account id \d{12} to delete the above: $/m);
    no.type('\x03');
    const stopped = await finalScreen(no);
    expect(stopped.exit.code, stopped.screen).toBe(130);
    expect(stopped.screen).toMatch(
      /Interrupted: the cleanup was not confirmed; nothing was changed\./,
    );
    expectClean(stopped);
    const t = labTerm(['cleanup', 'day42', '--target', 'aws'], aws);
    const [, account] = await t.waitFor(/Type the account id (\d{12}) to delete the above: $/m);
    t.type(`${account}\r`);
    const f = await finalScreen(t);
    expect(f.exit.code, f.screen).toBe(0);
    expect(f.screen).toMatch(/nothing the lab created remains/);
    expectClean(f);
  });

  test('lab shell in zsh: the learner ~/.zshrc runs, the wrapper and lab stay first, exit is clean', async () => {
    const learner = mkdtempSync(join(tmpdir(), 'lab-learner-zsh-'));
    // As on a Mac: ~/.zshrc puts a version manager's shims first and sets its own prompt.
    writeFileSync(
      join(learner, '.zshrc'),
      `export PATH="/root/.pyenv/shims:$PATH"\nPROMPT='$ '\nexport LEARNER_RC=read\n`,
    );
    const sh = await openShell(
      cleanEnv({
        HOME: learner,
        SHELL: '/usr/bin/zsh',
        LAB_HOME: home,
        LAB_SANDBOX_PORT: env.LAB_SANDBOX_PORT,
      }),
    );
    try {
      const bin = join(home, 'sandbox', 'bin');
      expect((await sh.run('echo $ZSH_VERSION $LEARNER_RC')).out).toMatch(/^\d+\.\d+\S* read/);
      expect((await sh.run('whence -p aws lab')).out.trim().split('\n')).toEqual([
        join(bin, 'aws'),
        join(bin, 'lab'),
      ]);
      expect((await sh.run('env | grep -E "^AWS_(PROFILE|REGION|DEFAULT_REGION)="')).code).toBe(1);
      expect((await sh.run('aws sts get-caller-identity --query Arn --output text')).out).toMatch(
        /user\/sandbox-admin/,
      );
      // A PATH change typed later: the wrapper is back in front at the next prompt (precmd).
      await sh.run('export PATH=/usr/bin:$PATH');
      expect((await sh.run('whence -p aws')).out.trim()).toBe(join(bin, 'aws'));
      sh.term.type('exit\r');
      expect((await sh.term.exited()).code).toBe(0);
      expect(sh.term.cursorShown()).toBe(true);
    } finally {
      sh.term.kill('SIGKILL');
      rmSync(learner, { recursive: true, force: true });
    }
  });

  test('lab shell is an honest machine: aws stays the sandbox, profiles and regions as on a laptop', async () => {
    const learner = learnerHome('/root/.pyenv/shims');
    const other = mkdtempSync(join(tmpdir(), 'lab-term-other-'));
    const sh = await openShell(
      cleanEnv({ HOME: learner, LAB_HOME: home, LAB_SANDBOX_PORT: env.LAB_SANDBOX_PORT }),
    );
    try {
      const bin = join(home, 'sandbox', 'bin');
      // ~/.bashrc put pyenv's shims first: the wrapper (and `lab`) are in front all the same.
      expect((await sh.run('type -p aws lab')).out.trim().split('\n')).toEqual([
        join(bin, 'aws'),
        join(bin, 'lab'),
      ]);
      // Nothing in the environment beats the profiles: no profile, no region variables.
      expect((await sh.run('env | grep -E "^AWS_(PROFILE|REGION|DEFAULT_REGION)="')).code).toBe(1);
      const list = await sh.run('aws configure list');
      expect(list.out).toMatch(/region\s+us-east-1\s+config-file/);
      // A profile without a region: the CLI's own complaint, as against real AWS.
      await sh.run('aws configure set aws_access_key_id AKIAEXAMPLE --profile noregion');
      await sh.run('aws configure set aws_secret_access_key example --profile noregion');
      const noRegion = await sh.run('aws ec2 describe-instances --profile noregion');
      expect(noRegion.code).not.toBe(0);
      expect(noRegion.out).toMatch(/You must specify a region/);
      // `lab shell` inside it: says so, opens no second shell.
      const level = (await sh.run('echo $SHLVL')).out.trim();
      const nested = await sh.run('lab shell');
      expect(nested.code, nested.out).toBe(0);
      expect(nested.out).toMatch(/This is a sandbox shell already/);
      expect((await sh.run('echo $SHLVL')).out.trim()).toBe(level);
      // Ctrl-C at the prompt belongs to the shell: lab shell stays.
      await sh.interrupt();
      expect((await sh.run('aws sts get-caller-identity --query Arn --output text')).out).toMatch(
        /user\/sandbox-admin/,
      );
      // A second lab home's environment in the same shell: aws answers (no wrapper loop).
      const second = await sh.run(
        `eval "$(LAB_HOME=${other} lab sandbox env --port ${await freePort()})" && aws sts get-caller-identity --query Account --output text && type -p aws`,
        90_000,
      );
      expect(second.code, second.out).toBe(0);
      expect(second.out).toMatch(/\d{12}\n/);
      expect(second.out).toContain(join(other, 'sandbox', 'bin', 'aws'));
      // A PATH change typed later: the wrapper is back in front at the next prompt.
      await sh.run('export PATH=/usr/bin:$PATH');
      expect((await sh.run('type -p aws')).out.trim()).toBe(join(bin, 'aws'));
      sh.term.type('exit\r');
      const exit = await sh.term.exited();
      expect(exit.code).toBe(0);
      const screen = await sh.term.screen();
      expect(SPINNER_FRAMES.test(screen), screen).toBe(false);
      expect(sh.term.cursorShown()).toBe(true);
    } finally {
      sh.term.kill('SIGKILL');
      await stopSandbox({ home: other }).catch(() => {});
      rmSync(other, { recursive: true, force: true });
      rmSync(learner, { recursive: true, force: true });
    }
  });
});
