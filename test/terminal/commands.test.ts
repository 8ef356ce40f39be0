// Every interactive command in a real terminal, as a learner types it: it exits by itself with
// its documented code, the final screen holds no spinner frame, and the cursor is shown again.
// (Through pipes the spinner is off, which is why only a terminal shows these bugs.)
// One sandbox for the file: the first test starts it cold with `lab sandbox start`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stopSandbox } from '../../sandbox/index.ts';
import { freePort } from '../../sandbox/lifecycle/ports.ts';
import { cleanEnv } from '../sandbox/run-cli.ts';
import { finalScreen, labTerm } from './pty.ts';

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
    expectClean(f);
  });
});
