// Knowledge checks, the way learners and instructors meet them: day42's questions answered
// with the real `lab quiz` (wrong, then right), a question about the learner's own run judged
// from the sandbox's evidence, the same questions on the page served by `lab serve` in
// Chromium, a class of three whose dashboard and CSV show each question's first-try share and
// most common wrong answer — and a built site that holds no right answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { $ as zx$ } from 'zx';
import type { Browser } from 'playwright-core';
import { createSiteServer, serveAccess, listen } from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { loadLab } from '../../runner/lab/load.ts';
import { startClassServer, type RunningClassServer } from '../../runner/class/server.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { buildOnce, launchBrowser, removeTemp } from '../site/helpers.ts';
import { lab, labEnv, must, ROOT, tempHome } from '../class/helpers.ts';
import { axeBothSchemes } from '../site/axe.ts';

let sandbox: TestSandbox;
let services: LearnerServices;
let server: Server;
let url: string;
let browser: Browser;
let dist: string;
const access = serveAccess();

beforeAll(async () => {
  [sandbox, dist, browser] = await Promise.all([startTestSandbox(), buildOnce(), launchBrowser()]);
  const env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox' };
  services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
  server = createSiteServer({ distDir: dist, host: '127.0.0.1', labs: services.labs, access });
  url = await listen(server, 0, '127.0.0.1');
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
  services?.close();
  await sandbox?.stop();
  removeTemp();
});

const quiz = (args: string[], env = sandbox.env) =>
  lab(['quiz', 'day42', ...args], { ...env, NO_COLOR: '1' });

describe('knowledge checks', () => {
  it('the built site shows the questions and holds no right answer nor explanation', async () => {
    const day42 = await loadLab(join(labsRoot(), 'day42'));
    expect(day42.quizzes.map((q) => q.id)).toEqual([
      'secret-once',
      'env-wins',
      'denied-code',
      'key-rights',
      'deactivate-first',
    ]);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(html|js|css|json)$/.test(p)) files.push(readFileSync(p, 'utf8'));
      }
    };
    walk(dist);
    const all = files.join('\n');
    expect(all).toContain('data-quiz="secret-once"');
    const secrets = day42.quizzes.flatMap((q) => [
      q.explain,
      ...q.choices.map((c) => c.why),
      ...q.sources,
    ]);
    for (const s of secrets.filter((x) => x.length >= 20)) {
      // Any 30 characters of an explanation, a choice's why or a source note would give it away.
      expect(all, s).not.toContain(s.replace(/`/g, '').slice(0, 30));
    }
    expect(all).not.toMatch(/\[x\]/);
  });

  it('lab quiz: a wrong answer gets its why, the right one the explanation; lab status records both', async () => {
    const wrong = await quiz(['secret-once', '--answer', '1', '--json']);
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({
      correct: false,
      feedback: expect.stringContaining('never returns a secret'),
      explain: null,
      attempts: 1,
      firstTry: false,
    });
    const right = await quiz(['secret-once', '--answer', '3']);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain('✓ secret-once: right');
    expect(right.stdout).toContain('AWS returns the secret access key once');
    const bad = await quiz(['secret-once', '--answer', '9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('choice numbers from 1 to 3');
    const status = JSON.parse(must(await lab(['status', 'day42', '--json'], sandbox.env)).stdout);
    expect(status.labs[0].quizzes.find((q: { id: string }) => q.id === 'secret-once')).toEqual({
      id: 'secret-once',
      after: 'create-key',
      standing: expect.objectContaining({ attempts: 2, firstTry: false, right: true }),
    });
    const plain = must(await lab(['status', 'day42'], { ...sandbox.env, NO_COLOR: '1' })).stdout;
    expect(plain).toMatch(/questions\s+1\/5 answered right \(0 at the first try\)/);
  });

  it('a question about your own run: first "do the step", then judged from what EC2 answered you', async () => {
    must(await lab(['start', 'day42'], { ...sandbox.env, NO_COLOR: '1' }));
    const early = await quiz(['denied-code', '--answer', 'UnauthorizedOperation']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('step 4 (denied-ec2)');
    const { steps } = await import(`${ROOT}labs/day42/solve.mjs`);
    const $ = zx$({ env: sandbox.env, quiet: true, verbose: false });
    const state = {};
    for (const id of ['create-key', 'configure', 'list-users', 'denied-ec2']) {
      await steps[id]({ $, env: sandbox.env, state });
    }
    const wrong = await quiz(['denied-code', '--answer', 'AccessDenied']);
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(wrong.stdout).toContain('not what your own run shows');
    const right = await quiz(['denied-code', '--answer', 'unauthorizedoperation']);
    expect(right.code, right.stderr).toBe(0);
  });

  it('on the page: answered from the keyboard, one wrong first, judged by lab serve', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${url}labs/day42/#token=${access.token}`);
      const form = page.locator('#quiz-key-rights');
      const result = form.locator('.lab-quiz-result');
      await form.getByRole('radio', { name: /Access keys only work for IAM/ }).focus();
      await page.keyboard.press('Space');
      await form.getByRole('button', { name: 'Check answer' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => result.textContent()).toMatch(/Not right yet\..*sign requests/s);
      await form.getByRole('radio', { name: /The key acts as/ }).check();
      await form.getByRole('button', { name: 'Check answer' }).click();
      await expect
        .poll(() => result.textContent())
        .toMatch(/Right\..*not a permission of its own/s);
      expect(await result.getAttribute('role')).toBe('status');
      // The questions, answered and not, with their feedback: no serious axe finding, either
      // colour scheme, wide and on a phone.
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        expect(await axeBothSchemes(page), `${width}px`).toEqual({ light: [], dark: [] });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          width,
        );
      }
      const mine = JSON.parse(must(await lab(['quiz', 'day42', '--json'], sandbox.env)).stdout);
      expect(mine.questions.find((q: { id: string }) => q.id === 'key-rights')).toMatchObject({
        attempts: 2,
        firstTry: false,
        right: true,
      });
    } finally {
      await page.close();
    }
  });

  it('a class of three: the dashboard and the CSV show the first-try share and the common wrong answer', async () => {
    const home = tempHome();
    let srv: RunningClassServer | undefined;
    try {
      srv = await startClassServer({ home });
      const cls = await srv.store.createClass('Quiz class');
      // Ann right at once; Ben and Cy both first pick "list-access-keys" (choice 1).
      const answers: Record<string, string[]> = { Ann: ['3'], Ben: ['1', '3'], Cy: ['1', '2'] };
      for (const [name, given] of Object.entries(answers)) {
        const lh = tempHome();
        must(await lab(['join', srv.url, '--code', cls.joinCode, '--name', name], labEnv(lh)));
        for (const a of given)
          await lab(['quiz', 'day42', 'secret-once', '--answer', a], labEnv(lh));
      }
      const csv = must(
        await lab(['report', 'day42', '--class', srv.url, '--format', 'csv'], {
          ...labEnv(tempHome()),
          LAB_CLASS_TOKEN: cls.instructorToken,
        }),
      ).stdout;
      expect(csv).toContain('day42,(class),,,,quiz:secret-once,1/3 right at the first try');
      expect(csv).toMatch(
        /most common wrong answer: Look it up with `aws iam list-access-keys[^\n]*\(×2\)/,
      );
      expect(csv).toMatch(/day42,Ben,,[^,]*,no,quiz:secret-once,right,,2,1,/);
      expect(csv).toMatch(/day42,Cy,,[^,]*,no,quiz:secret-once,wrong,,2,2,/);
      const dash = await fetch(`${srv.url}/class/${cls.classId}/dashboard?lab=day42`, {
        headers: { authorization: `Bearer ${cls.instructorToken}` },
      });
      const html = await dash.text();
      expect(html).toContain('<h3>Knowledge checks</h3>');
      expect(html).toMatch(
        /<th scope="row">secret-once<\/th><td>3<\/td><td>1 \(33%\)<\/td><td>2<\/td>/,
      );
    } finally {
      await srv?.close();
    }
  });
});
