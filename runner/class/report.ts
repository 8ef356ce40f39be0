// The instructor report, computed from the per-step progress rows the store
// aggregates at ingest (so a report reads one row per learner × step, not every
// result): who finished, who is stuck where and why, how long steps take, and
// — first, because it is a live security risk — whose lab keys still exist.
import type {
  ClassStore,
  LearnerRow,
  ProgressRow,
  QuizAnswerRow,
  VerificationRow,
} from './store/index.ts';
import type { StepOrder } from './labs.ts';

export type CellStatus = 'passed' | 'failed' | 'pending' | 'not-tried' | 'not-started';
export type Verification = 'verified' | 'self-reported' | 'contradicted';

export interface Cell {
  /** Passed once = done (a later re-check of an earlier step may fail: its key was deleted). */
  status: CellStatus;
  firstAt: number | null;
  passedAt: number | null;
  attempts: number;
  failures: number;
  lastStatus: ProgressRow['lastStatus'] | null;
  lastAt: number | null;
  evidence: string | null;
  /** Set by `lab report --verify`, or by the class server itself in a hosted class (server-verify.ts). */
  verification?: Verification;
  verifiedEvidence?: string;
}

export interface LearnerReport {
  id: string;
  name: string;
  iamUser: string | null;
  /** A class that hosts the sandbox: the learner's account there. */
  accountId?: string;
  state: 'finished' | 'stuck' | 'in-progress' | 'not-started';
  /** The first step in order not yet passed. */
  currentStep: string | null;
  completedAt: number | null;
  lastActivity: number | null;
  keysAtRisk: boolean;
  /** Set by `lab report --verify`: what the account itself says about the lab key. */
  keyCheck?: 'exists' | 'gone';
  cells: Record<string, Cell>;
  /** Knowledge checks answered, by question id. */
  quizzes?: Record<string, QuizCell>;
}

export interface StuckPoint {
  step: string;
  /** Learners whose current step this is and whose last attempt failed. */
  learnersStuck: number;
  failedAttempts: number;
  reasons: { reason: string; count: number }[];
}

export interface LabReport {
  lab: string;
  steps: string[];
  /** Learners at risk first, then by name. */
  keysAtRisk: { id: string; name: string; since: number | null; verified: boolean }[];
  completion: { completed: number; learners: number; rate: number };
  stuck: StuckPoint[];
  medianStepMs: Record<string, number | null>;
  learners: LearnerReport[];
  /** Completion times, ascending (the dashboard charts them). */
  completions: number[];
  /** Knowledge checks, per question: what the instructor should address. */
  quizzes: QuizFigure[];
}

export interface QuizFigure {
  quiz: string;
  /** Learners who answered it at least once. */
  answered: number;
  /** Of those, right at their first answer. */
  rightFirstTry: number;
  /** Answered right by now (at any try). */
  right: number;
  /** The wrong answer given most often (a misconception), with how many times. */
  commonWrong: { answer: string; count: number } | null;
}

/** One learner's answers to one question. */
export interface QuizCell {
  attempts: number;
  firstTry: boolean;
  right: boolean;
  firstAnswer: string;
  /** Every wrong answer given, in order. */
  wrong: string[];
}

export interface ClassReport {
  class: { id: string; name: string };
  generatedAt: number;
  labs: LabReport[];
}

// One collator for every sort: String#localeCompare builds one per call (slow for 10,000 rows).
const byName = new Intl.Collator('en').compare;

/** Steps whose passing creates a credential, and the step that removes it. */
export const KEY_RULE = { create: 'create-key', remove: 'cleanup' } as const;

export interface ReportOptions {
  lab?: string;
  stepOrder: StepOrder;
  now?: number;
  /** Summary only: no evidence text, no failure reasons. */
  summary?: boolean;
}

export async function buildReport(
  store: ClassStore,
  classId: string,
  opts: ReportOptions,
): Promise<ClassReport | undefined> {
  const r = await reportLabs(store, classId, opts);
  if (!r) return undefined;
  const labs: LabReport[] = [];
  for await (const lab of r.labs) labs.push(lab);
  return { ...r, labs };
}

/**
 * The report with its labs computed one at a time, as they are read (`lab report --format
 * json` of a whole class streams them: one lab's 6,000 cells in memory, not 60,000).
 */
export async function reportLabs(
  store: ClassStore,
  classId: string,
  opts: ReportOptions,
): Promise<
  { class: ClassReport['class']; generatedAt: number; labs: AsyncIterable<LabReport> } | undefined
> {
  const cls = await store.getClass(classId);
  if (!cls) return undefined;
  const [learners, names] = await Promise.all([
    store.learners(classId),
    opts.lab ? [opts.lab] : store.labs(classId),
  ]);
  async function* labs(): AsyncIterable<LabReport> {
    for (const lab of [...names].sort()) {
      const [rows, reasons, answers, verdicts] = await Promise.all([
        store.progress(classId, lab, !opts.summary),
        opts.summary ? [] : store.failureReasons(classId, lab),
        opts.summary ? [] : store.quizAnswers(classId, lab),
        store.hosted.verifications(classId, lab),
      ]);
      const steps = (await opts.stepOrder(lab)) ?? seenOrder(rows);
      const report = labReport(lab, steps, learners, rows, reasons, answers);
      yield verdicts.length ? withVerdicts(report, verdicts) : report;
    }
  }
  return {
    class: { id: cls.id, name: cls.name },
    generatedAt: opts.now ?? Date.now(),
    labs: labs(),
  };
}

/** The server's own verdicts (hosted class): each cell says whether the account proves it. */
function withVerdicts(r: LabReport, verdicts: VerificationRow[]): LabReport {
  const by = new Map(verdicts.map((v) => [`${v.learnerId}\u0000${v.step}`, v]));
  for (const l of r.learners) {
    for (const [step, c] of Object.entries(l.cells)) {
      const v = by.get(`${l.id}\u0000${step}`);
      if (!v) continue;
      c.verification = v.verdict;
      c.verifiedEvidence = v.evidence ?? undefined;
    }
  }
  return r;
}

function seenOrder(rows: ProgressRow[]): string[] {
  const first = new Map<string, number>();
  for (const r of rows) first.set(r.step, Math.min(first.get(r.step) ?? Infinity, r.firstAt));
  return orderSeen(first);
}

/** Steps of a lab not on disk: in the order learners first met them (then by name). */
export function orderSeen(first: Map<string, number>): string[] {
  return [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)! || byName(a, b));
}

export function labReport(
  lab: string,
  steps: string[],
  learners: LearnerRow[],
  rows: ProgressRow[],
  reasons: { step: string; reason: string; count: number }[],
  answers: QuizAnswerRow[] = [],
): LabReport {
  const byLearner = new Map<string, Map<string, ProgressRow>>();
  for (const r of rows) {
    let m = byLearner.get(r.learnerId);
    if (!m) byLearner.set(r.learnerId, (m = new Map()));
    m.set(r.step, r);
  }
  const out: LearnerReport[] = learners.map((l) => learnerReport(l, steps, byLearner.get(l.id)));
  const quizCells = quizCellsOf(answers);
  for (const l of out) {
    const mine = quizCells.get(l.id);
    if (mine) l.quizzes = mine;
  }
  return summarize(lab, steps, out, reasons);
}

/** Answers in order per learner and question → each learner's standing per question. */
function quizCellsOf(answers: QuizAnswerRow[]): Map<string, Record<string, QuizCell>> {
  const out = new Map<string, Record<string, QuizCell>>();
  for (const a of answers) {
    const mine = out.get(a.learnerId) ?? {};
    out.set(a.learnerId, mine);
    const cell = (mine[a.quiz] ??= {
      attempts: 0,
      firstTry: a.correct,
      right: false,
      firstAnswer: a.answer,
      wrong: [],
    });
    cell.attempts++;
    cell.right ||= a.correct;
    if (!a.correct) cell.wrong.push(a.answer.trim());
  }
  return out;
}

/** Per question: who answered, right at the first try, and the most common wrong answer. */
function quizFigures(learners: LearnerReport[]): QuizFigure[] {
  const ids = [...new Set(learners.flatMap((l) => Object.keys(l.quizzes ?? {})))].sort();
  return ids.map((quiz) => {
    const cells = learners.map((l) => l.quizzes?.[quiz]).filter((c): c is QuizCell => !!c);
    const wrong = new Map<string, number>();
    for (const c of cells) for (const w of c.wrong) wrong.set(w, (wrong.get(w) ?? 0) + 1);
    const common = [...wrong].sort((a, b) => b[1] - a[1] || byName(a[0], b[0]))[0];
    return {
      quiz,
      answered: cells.length,
      rightFirstTry: cells.filter((c) => c.firstTry).length,
      right: cells.filter((c) => c.right).length,
      commonWrong: common ? { answer: common[0], count: common[1] } : null,
    };
  });
}

/** Recompute every derived figure from the learners' cells (also after --verify changed some). */
export function summarize(
  lab: string,
  steps: string[],
  learners: LearnerReport[],
  reasons: { step: string; reason: string; count: number }[],
): LabReport {
  for (const l of learners) derive(l, steps);
  const active = learners.filter((l) => l.state !== 'not-started');
  const completions = active
    .map((l) => l.completedAt)
    .filter((t): t is number => t != null)
    .sort((a, b) => a - b);
  const stuck: StuckPoint[] = steps
    .map((step) => ({
      step,
      learnersStuck: active.filter((l) => l.state === 'stuck' && l.currentStep === step).length,
      failedAttempts: active.reduce((n, l) => n + (l.cells[step]?.failures ?? 0), 0),
      reasons: reasons
        .filter((r) => r.step === step)
        .map((r) => ({ reason: r.reason, count: r.count })),
    }))
    .filter((s) => s.learnersStuck > 0 || s.failedAttempts > 0)
    .sort((a, b) => b.learnersStuck - a.learnersStuck || b.failedAttempts - a.failedAttempts);
  const keysAtRisk = learners
    .filter((l) => l.keysAtRisk)
    .map((l) => ({
      id: l.id,
      name: l.name,
      since: l.cells[KEY_RULE.create]?.passedAt ?? null,
      verified: l.keyCheck === 'exists',
    }));
  const order = { stuck: 0, 'in-progress': 1, finished: 2, 'not-started': 3 } as const;
  learners.sort(
    (a, b) =>
      Number(b.keysAtRisk) - Number(a.keysAtRisk) ||
      order[a.state] - order[b.state] ||
      byName(a.name, b.name),
  );
  return {
    lab,
    steps,
    keysAtRisk,
    completion: {
      completed: completions.length,
      learners: active.length,
      rate: active.length ? completions.length / active.length : 0,
    },
    stuck,
    quizzes: quizFigures(learners),
    medianStepMs: Object.fromEntries(
      steps.map((s, i) => [s, median(stepDurations(active, steps, i))]),
    ),
    learners,
    completions,
  };
}

function learnerReport(
  l: LearnerRow,
  steps: string[],
  mine: Map<string, ProgressRow> | undefined,
): LearnerReport {
  const cells: Record<string, Cell> = {};
  for (const step of steps) {
    const r = mine?.get(step);
    cells[step] = r
      ? {
          status: r.passedAt != null ? 'passed' : r.lastStatus,
          firstAt: r.firstAt,
          passedAt: r.passedAt,
          attempts: r.attempts,
          failures: r.failures,
          lastStatus: r.lastStatus,
          lastAt: r.lastAt,
          evidence: r.lastEvidence,
        }
      : emptyCell();
  }
  const report: LearnerReport = {
    id: l.id,
    name: l.name,
    iamUser: l.iamUser,
    ...(l.accountId ? { accountId: l.accountId } : {}),
    state: 'not-started',
    currentStep: null,
    completedAt: null,
    lastActivity: mine ? Math.max(...[...mine.values()].map((r) => r.lastAt)) : null,
    keysAtRisk: false,
    cells,
  };
  // Key risk needs the latest pass of each step, which only the raw rows hold.
  const created = mine?.get(KEY_RULE.create)?.lastPassedAt ?? null;
  const removed = mine?.get(KEY_RULE.remove)?.lastPassedAt ?? null;
  report.keysAtRisk =
    steps.includes(KEY_RULE.create) && created != null && (removed == null || removed < created);
  return report;
}

function emptyCell(): Cell {
  return {
    status: 'not-started',
    firstAt: null,
    passedAt: null,
    attempts: 0,
    failures: 0,
    lastStatus: null,
    lastAt: null,
    evidence: null,
  };
}

function derive(l: LearnerReport, steps: string[]): void {
  // A step nobody tried yet does not make the learner "started" (nor stuck).
  const started = steps.some(
    (s) => l.cells[s] && !['not-started', 'not-tried'].includes(l.cells[s].status),
  );
  const current = steps.find((s) => l.cells[s]?.status !== 'passed') ?? null;
  l.currentStep = current;
  if (!started) l.state = 'not-started';
  else if (current == null) l.state = 'finished';
  else l.state = l.cells[current].lastStatus === 'failed' ? 'stuck' : 'in-progress';
  l.completedAt =
    current == null && started ? Math.max(...steps.map((s) => l.cells[s].passedAt ?? 0)) : null;
  // What the account says about the key overrides what the learner last reported.
  if (l.keyCheck) l.keysAtRisk = l.keyCheck === 'exists';
}

/**
 * Time from the previous step's pass (or the learner's first check) to this step's first pass.
 * A step first passed by the same check as the step before it has no time of its own (the
 * learner did both before checking): it is left out, not counted as 0 s — otherwise one
 * whole-lab check at the end made every later step's median 0 s (issue 12).
 */
function stepDurations(learners: LearnerReport[], steps: string[], i: number): number[] {
  const out: number[] = [];
  for (const l of learners) {
    const at = l.cells[steps[i]]?.passedAt;
    if (at == null) continue;
    const start =
      i > 0
        ? l.cells[steps[i - 1]]?.passedAt
        : Math.min(...steps.map((s) => l.cells[s].firstAt ?? Infinity), at);
    // The first step passed by the learner's very first check has no time either (the class
    // never hears when the lab started): 0 s would read as "took no time" (issue 12).
    if (start == null || at <= start) continue;
    out.push(at - start);
  }
  return out;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2);
}
