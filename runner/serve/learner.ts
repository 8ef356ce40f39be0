// What `lab serve` serves to one learner: progress from the local store, checks
// run here with the runner's identity (checkLab, the same as `lab check`),
// and — on the sandbox — the console acting as the learner's console login.
import { basename } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { labDirs } from '../lab/index.ts';
import { progressSummary, openStore, latestRun } from '../store/index.ts';
import { resolveTarget, targetKind, type Target, type TargetKind } from '../target/index.ts';
import { checkLab, cleanupDue, loadDefinition } from '../check/index.ts';
import { publishResults } from '../class/outbox.ts';
import { readSandboxInfo } from '../../sandbox/index.ts';
import type { Env } from '../paths.ts';
import { LabError } from '../errors.ts';
import { HttpError } from '../http/index.ts';
import type { LabsApiOptions } from './api.ts';
import { cleanupFromPage } from './cleanup.ts';
import { cleanupCodes } from './confirm.ts';
import { storeWatcher } from './live.ts';
import pkg from '../../package.json' with { type: 'json' };

/**
 * The console's user agent. It is deliberately NOT `labrunner/…`: checks ignore calls
 * whose agent contains `labrunner/` (the runner inspecting the account), but what the
 * learner does in the console is the learner's own work and must count, as a click in
 * the AWS console would.
 */
export const CONSOLE_USER_AGENT = `labrunner-console/${pkg.version}`;

export interface LearnerOptions {
  home: string;
  labsDir: string;
  target?: string;
  profile?: string;
  region?: string;
  env?: Env;
  /** Print a line in `lab serve`'s own terminal (the AWS cleanup's one-time code). */
  say?: (line: string) => void;
}

export interface LearnerServices {
  kind: TargetKind;
  labs: LabsApiOptions;
  console?: { iam: () => IAMClient };
  close(): void;
}

export function learnerServices(o: LearnerOptions): LearnerServices {
  const env = o.env ?? process.env;
  const kind = targetKind(o.target, env);

  // Resolved on first use and again after a failure: the sandbox may start after `lab serve`.
  let target: Promise<Target> | undefined;
  const getTarget = () =>
    (target ??= resolveTarget({ ...o, env }).catch((e) => {
      target = undefined;
      throw e;
    }));

  // One check per lab at a time: a double click must not record the same pass twice.
  const running = new Map<string, Promise<unknown>>();
  const serial = <T>(lab: string, fn: () => Promise<T>): Promise<T> => {
    const next = (running.get(lab) ?? Promise.resolve()).catch(() => {}).then(fn);
    running.set(lab, next);
    return next;
  };

  const watcher = storeWatcher(() => openStore(o.home));
  const codes = cleanupCodes({ say: o.say ?? ((line) => console.log(line)) });
  const labs: LabsApiOptions = {
    info: { served: true, target: kind, console: kind === 'sandbox' },
    labIds: async () => (await labDirs(o.labsDir)).map((d) => basename(d)),
    progress(lab) {
      const store = openStore(o.home);
      try {
        const p = progressSummary(store).find((s) => s.lab === lab);
        return {
          started: !!p?.run,
          run: p?.run ? { status: p.run.status, startedAt: p.run.startedAt } : null,
          steps: (p?.steps ?? []).map((s) => ({
            id: s.step,
            status: s.status,
            evidence: s.evidence ?? undefined,
            expected: s.expected ?? undefined,
            hint: s.hint ?? undefined,
          })),
        };
      } finally {
        store.close();
      }
    },
    check: (lab, step) =>
      serial(lab, async () => {
        const target = await getTarget();
        const checked = await checkLab({
          lab,
          step,
          target,
          home: o.home,
          labsDir: o.labsDir,
          env,
        });
        // The same as `lab check`: a learner who joined a class sends these results there too.
        await publishResults(o.home, lab, checked.results, { runId: checked.run.id });
        // The same rule as `lab check`: clean up now, and show the plan and the proof.
        if (!cleanupDue(checked, step)) return { steps: checked.results };
        const cleanup = await cleanupFromPage({ ...checked, target, home: o.home, env, codes });
        return { steps: checked.results, cleanup };
      }),
    cleanup: (lab, confirm) =>
      serial(lab, async () => {
        const target = await getTarget();
        const store = openStore(o.home);
        let run;
        try {
          run = latestRun(store, lab, target.kind, target.accountId);
        } finally {
          store.close();
        }
        if (!run || run.status === 'cleaned') {
          throw new HttpError(409, 'nothing_to_clean', `No run of ${lab} is waiting for cleanup.`, {
            hint: `\`lab status\` lists your runs; \`lab start ${lab}\` starts one.`,
          });
        }
        const def = await loadDefinition(lab, { labsDir: o.labsDir, env });
        return cleanupFromPage({ run, def, target, home: o.home, env, confirm, codes });
      }),
    watch: (onChange) => watcher.subscribe(onChange),
    quiz: async (lab, quiz, answer) => {
      const { answerQuiz } = await import('../quiz/index.ts');
      const { findLab } = await import('../lab/index.ts');
      const { publishQuizAnswer } = await import('../class/outbox.ts');
      try {
        const r = await answerQuiz({
          lab: await findLab(lab, o.labsDir),
          quiz,
          answer,
          home: o.home,
          env,
          labsDir: o.labsDir,
          target: getTarget,
          publish: (a) => publishQuizAnswer(o.home, a),
        });
        return {
          correct: r.correct,
          feedback: r.feedback,
          ...(r.explain ? { explain: r.explain } : {}),
          attempts: r.standing.attempts,
        };
      } catch (e) {
        // A wrong shape of answer or a question the run cannot answer yet: the learner's to fix.
        if (e instanceof LabError && ['usage', 'quiz_not_yet', 'unknown_quiz'].includes(e.code)) {
          throw new HttpError(e.code === 'unknown_quiz' ? 404 : 400, e.code, e.message, {
            hint: e.hint,
          });
        }
        throw e;
      }
    },
  };

  let iam: { key: string; client: IAMClient } | undefined;
  const consoleIam = () => {
    const info = readSandboxInfo(o.home);
    if (!info) {
      throw new LabError(
        'sandbox_down',
        'The local sandbox is not set up.',
        'Run `lab start <lab>` (or `lab sandbox start`) in a terminal.',
      );
    }
    const key = `${info.endpoint} ${info.learner.accessKeyId}`;
    if (iam?.key !== key) {
      iam?.client.destroy();
      iam = {
        key,
        client: new IAMClient({
          region: info.region,
          endpoint: info.endpoint,
          credentials: {
            accessKeyId: info.learner.accessKeyId,
            secretAccessKey: info.learner.secretAccessKey,
          },
          customUserAgent: CONSOLE_USER_AGENT,
          maxAttempts: 2,
        }),
      };
    }
    return iam.client;
  };

  return {
    kind,
    labs,
    console: kind === 'sandbox' ? { iam: consoleIam } : undefined,
    close() {
      iam?.client.destroy();
      target?.then((t) => t.close()).catch(() => {});
    },
  };
}
