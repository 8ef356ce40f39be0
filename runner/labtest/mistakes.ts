// `lab test`'s mistakes phase: every mistake a lab declares (labs/<lab>/mistakes.mjs, or a
// `mistakes` export of solve.mjs) is made in the sandbox, from where its step starts; the step's
// check must answer with the declared verdict (never passed, never "not tried": the learner
// tried), and what the learner does next — the hint, followed — must reach a pass.
//
// One sandbox for all of them. Mistakes run in README order; after a recovery its step is done,
// so the next mistake of a later step goes on from there (solve.mjs does the steps between).
// A second mistake of the same step, or any that went wrong, needs its step's start again: the
// sandbox is reset (a new account, ~3 s) and solve.mjs replays the steps before it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { $ as zx } from 'zx';
import { labsRoot } from '../lab/paths.ts';
import { LabFileError } from '../lab/error-map.ts';
import type { Env } from '../paths.ts';
import type { StepVerdict } from '../lab/define.ts';
import type { Mistake, RecoverContext } from '../sdk/define.ts';
import { checkLab, startLab, type RunnableLab } from '../check/index.ts';
import { resolveTarget, type Target } from '../target/index.ts';
import { resetSandbox, type SandboxInfo } from '../../sandbox/index.ts';
import { learnerEnv } from './learner-env.ts';
import { fillCommand, hintCommands } from './hint.ts';
import type { SolveStep } from './run.ts';

export interface StepMistake {
  step: string;
  mistake: Mistake;
}

/** The lab's mistakes in README order, validated (file:line problems), or [] when it has none. */
export async function loadMistakes(
  lab: string,
  stepIds: string[],
  labsDir?: string,
  env?: Env,
): Promise<StepMistake[]> {
  const dir = join(labsRoot(labsDir, env), lab);
  let file = join(dir, 'solve.mjs');
  let mod = existsSync(file)
    ? ((await import(pathToFileURL(file).href)) as { mistakes?: unknown })
    : {};
  if (mod.mistakes === undefined) {
    file = join(dir, 'mistakes.mjs');
    if (!existsSync(file)) return [];
    mod = (await import(pathToFileURL(file).href)) as { mistakes?: unknown };
  }
  const source = await readFile(file, 'utf8');
  const { mistakeProblems } = await import('../sdk/validate.ts');
  const problems =
    mod.mistakes === undefined
      ? [
          {
            file,
            line: 1,
            message: 'mistakes.mjs does not export `mistakes`',
            fix: 'add `export const mistakes = { <step id>: [ … ] }` (docs/lab-format.md, "Mistakes")',
          },
        ]
      : mistakeProblems(mod.mistakes, file, source, stepIds);
  if (problems.length) throw new LabFileError(problems);
  const all = mod.mistakes as Record<string, Mistake[]>;
  return stepIds.flatMap((step) => (all[step] ?? []).map((mistake) => ({ step, mistake })));
}

export interface MistakesRun {
  lab: string;
  def: RunnableLab;
  solve: Record<string, SolveStep>;
  mistakes: StepMistake[];
  /** The test's sandbox (reset here as needed) and its home. */
  info: SandboxInfo;
  home: string;
  env: Env;
  labsDir?: string;
  verdict: (phase: string, ok: boolean, detail: string) => void;
  say?: (text: string) => void;
}

/** Does `v` say what the mistake declares? Empty when it does, else why not. */
export function verdictMismatch(v: StepVerdict, want: Mistake['verdict']): string {
  if (v.status === 'passed') return `PASSED (${v.evidence ?? ''}): the check accepts the mistake`;
  if (v.status === 'not-tried')
    return `says "not tried" (${v.evidence ?? ''}) right after an attempt`;
  const text = `${v.status}: ${v.evidence ?? ''}`;
  if (v.status !== want.status) return `${text}, not ${want.status}`;
  if (!(v.evidence ?? '').includes(want.evidence))
    return `${text}; its evidence does not mention "${want.evidence}"`;
  if (want.hint && !(v.hint ?? '').includes(want.hint))
    return `${text}; its hint (${v.hint ?? ''}) does not mention "${want.hint}"`;
  return '';
}

const firstLine = (e: unknown) =>
  (e instanceof Error ? e.message : String(e)).split('\n').find((l) => l.trim()) ?? String(e);

/** Run every mistake; one verdict each, named `mistake <step>: <name>`. Returns the target left open. */
export async function runMistakes(o: MistakesRun): Promise<Target | undefined> {
  const ids = Object.keys(o.def.steps);
  const port = Number(new URL(o.info.endpoint).port);
  let target: Target | undefined;
  let storeHome = '';
  let state: Record<string, unknown> = {};
  let done = -1; // steps done in the current account; -1: it needs a fresh start
  let fresh = 0;
  let cmdEnv: Record<string, string> = {};
  let $ = zx({ quiet: true });

  const check = async (step: string) =>
    (
      await checkLab({
        lab: o.lab,
        target: target!,
        home: storeHome,
        step,
        env: o.env,
        labsDir: o.labsDir,
        learner: 'lab-test',
      })
    ).results[0]!;

  const startAfresh = async () => {
    target?.close();
    const info = await resetSandbox({ home: o.home, port });
    target = await resolveTarget({ home: o.home, target: 'sandbox', env: {} });
    // Each start keeps its own progress store: a new run, nothing of the last one in it.
    storeHome = join(o.home, `mistakes-${++fresh}`);
    await startLab({
      lab: o.lab,
      target,
      home: storeHome,
      env: o.env,
      labsDir: o.labsDir,
      learner: 'lab-test',
    });
    cmdEnv = learnerEnv(info, o.env, o.home);
    $ = zx({ env: cmdEnv, cwd: o.home, quiet: true, verbose: false });
    state = {};
    done = 0;
  };

  for (const { step, mistake: m } of o.mistakes) {
    const phase = `mistake ${step}: ${m.name}`;
    const at = ids.indexOf(step);
    const t0 = performance.now();
    try {
      if (done < 0 || done > at) await startAfresh();
      for (; done < at; done++) {
        try {
          await o.solve[ids[done]!]!({ $, env: cmdEnv, state });
        } catch (e) {
          throw new Error(`solve.mjs's step ${ids[done]} failed on the way: ${firstLine(e)}`);
        }
      }
      done = -1; // until the recovery proves the step done
      try {
        await m.act({ $, env: cmdEnv, state });
      } catch (e) {
        throw new Error(`its act threw: ${firstLine(e)}`);
      }
      const got = await check(step);
      const wrong = verdictMismatch(got, m.verdict);

      const refusals: string[] = [];
      const followHint = async (o: { fill?: Record<string, string>; rounds?: number } = {}) => {
        let v = await check(step);
        const seen = new Set<string>();
        refusals.length = 0;
        for (let round = 0; round < (o.rounds ?? 4) && v.status !== 'passed'; round++) {
          const cmds = hintCommands(v.hint ?? '');
          if (!cmds.length) throw new Error(`the hint quotes no \`aws …\` command: ${v.hint}`);
          if (seen.has(v.hint!))
            throw new Error(`the same hint again after following it: ${v.hint}`);
          seen.add(v.hint!);
          for (const cmd of cmds) {
            const line = fillCommand(cmd, o.fill ?? m.fill);
            // stdin closed: a command that prompts fails instead of waiting for ever. A refusal
            // may be the lesson (a change denied), so the check judges, not the exit code.
            const out = await $({ nothrow: true, input: '', timeout: '120s' })`bash -c ${line}`;
            if (out.exitCode !== 0)
              refusals.push(`\`${cmd}\`: ${firstLine(out.stderr || out.stdout)}`);
          }
          v = await check(step);
        }
        return v;
      };
      const ctx: RecoverContext = {
        $,
        env: cmdEnv,
        state,
        verdict: got,
        solve: o.solve,
        followHint,
      };
      let after: StepVerdict;
      try {
        await (m.recover ? m.recover(ctx) : followHint());
        after = await check(step);
      } catch (e) {
        throw new Error(
          `${wrong ? `${wrong}; ` : `${got.status} (${got.evidence}); `}recovery: ${firstLine(e)}`,
        );
      }
      const ok = !wrong && after.status === 'passed';
      if (after.status === 'passed') done = at + 1;
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      o.verdict(
        phase,
        ok,
        [
          wrong || `${got.status}: ${got.evidence}`,
          after.status === 'passed'
            ? `the recovery passes (${secs} s)`
            : `the recovery ends ${after.status.toUpperCase()}: ${after.evidence ?? ''} (hint: ${after.hint ?? ''})${refusals.length ? `; on the way, ${refusals.join('; ')}` : ''}`,
        ].join('; '),
      );
    } catch (e) {
      done = -1;
      o.verdict(phase, false, firstLine(e));
    }
  }
  return target;
}
