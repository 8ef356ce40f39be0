// `lab quiz day42 secret-once` in a real terminal: the question as a select prompt, a wrong pick
// answered with its why and asked again, arrow keys to the right choice, the explanation, exit 0;
// the answers recorded as `lab status` shows them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB, spawnTerm } from './pty.ts';
import { lab, labEnv } from '../class/helpers.ts';

const home = mkdtempSync(join(tmpdir(), 'lab-quiz-pty-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('lab quiz in a terminal', () => {
  it('asks, explains a wrong pick, takes the arrow keys to the right one, and records both', async () => {
    const t = spawnTerm(process.execPath, [LAB, 'quiz', 'day42', 'secret-once'], {
      env: labEnv(home) as Record<string, string>,
    });
    await t.waitFor(/What can you do\?/);
    await t.waitFor(/Look it up with/);
    t.type('\r'); // the first choice: wrong
    await t.waitFor(/never returns a secret/);
    // Asked again (printed with the why): down twice to "Create a new access key…", then Enter.
    const from = t.text().indexOf('never returns a secret');
    await t.waitFor(/Look it up with/, undefined, from);
    t.type('\x1b[B');
    t.type('\x1b[B');
    t.type('\r');
    await t.waitFor(/Right\.[\s\S]*AWS returns the secret access key once/, undefined, from);
    expect((await t.exited()).code).toBe(0);
    const status = JSON.parse((await lab(['status', 'day42', '--json'], labEnv(home))).stdout);
    const q = status.labs[0].quizzes.find((x: { id: string }) => x.id === 'secret-once');
    expect(q.standing).toMatchObject({ attempts: 2, firstTry: false, right: true });
  });
});
