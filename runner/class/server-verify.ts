// The class server verifies (issue 21): in a class that hosts the sandbox, every learner's
// account is on the server, so the server itself reads each learner's evidence there — their
// keys and their event history — and marks what they reported as verified, or as not backed by
// the account. A client can send any "passed" it likes; it cannot make the account show it.
//
// The account is read with the same rules `lab report --verify` applies to a shared class
// account (verify.ts: verifyLearner), for the lab's user in the learner's own account, with a
// short-lived key of the server's hidden identity there (sandbox account_ops.py). Its reads are
// the runner's, so they never appear in the learner's own history. Labs whose steps that
// verifier does not know stay self-reported.
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import type { Clients } from '../lab/define.ts';
import { destroyClients, lookupEvents, makeClients, type TrailEvent } from '../aws/index.ts';
import { buildReport } from './report.ts';
import type { StepOrder } from './labs.ts';
import { needOps, type HostedSandbox } from './hosted.ts';
import type { ClassStore, VerificationRow } from './store/index.ts';
import { verifyLearner } from './verify.ts';

/** The lab's user whose key the learner makes and uses (labs/day42/evidence.ts USER). */
const LAB_USER = 'iam-admin';
/** Regions a learner's EC2 denial is looked for in: IAM's home and the lab's (day42 REGION). */
const EC2_REGIONS = ['us-east-1', 'ap-southeast-2'];

export interface ServerVerifier {
  /** Verify this learner's reported steps of these labs soon (debounced, one learner at a time). */
  schedule(classId: string, learnerId: string, labs: string[]): void;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
}

export function serverVerifier(o: {
  store: ClassStore;
  sandbox: HostedSandbox;
  /** The gateway as the server reaches it (loopback). */
  endpoint: string;
  stepOrder: StepOrder;
  now: () => number;
  log?: (line: string) => void;
}): ServerVerifier {
  const queued = new Map<string, { classId: string; labs: Set<string> }>();
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const log = o.log ?? ((l: string) => console.error(l));

  const drain = async () => {
    while (queued.size) {
      const [learnerId, job] = queued.entries().next().value!;
      queued.delete(learnerId);
      try {
        await verifyOne(job.classId, learnerId, [...job.labs]);
      } catch (e) {
        // Never a key in the message: the SDK's errors name codes and ids only.
        log(`class server: could not verify learner ${learnerId}: ${(e as Error).message}`);
      }
    }
  };

  async function verifyOne(classId: string, learnerId: string, labs: string[]) {
    const account = await o.store.hosted.account(learnerId);
    if (!account) return;
    const ops = needOps(o.sandbox);
    const since = new Date((account.resetAt ?? account.createdAt) - 60_000);
    const rows: VerificationRow[] = [];
    let clients: { iam: Clients['iam']; trails: Clients['cloudtrail'][] } | undefined;
    let all: Clients[] = [];
    try {
      for (const lab of labs) {
        const report = await buildReport(o.store, classId, {
          lab,
          stepOrder: o.stepOrder,
          now: o.now(),
        });
        const labReport = report?.labs[0];
        const learner = labReport?.learners.find((l) => l.id === learnerId);
        if (!labReport || !learner || !labReport.steps.includes('create-key')) continue;
        if (!clients) {
          const key = await ops.verifierKey(account.accountId);
          if (!key) return; // the account is gone (reset or ended since)
          all = EC2_REGIONS.map((region) =>
            makeClients({ region, endpoint: o.endpoint, credentials: key }),
          );
          clients = { iam: all[0].iam, trails: all.map((c) => c.cloudtrail) };
        }
        const facts = await readFacts(clients, since);
        const checked = verifyLearner(learner, LAB_USER, facts, since);
        for (const [step, cell] of Object.entries(checked.cells)) {
          // Only what the learner claimed needs the account's word.
          if (learner.cells[step]?.status !== 'passed' || !cell.verification) continue;
          if (cell.verification === 'self-reported') continue;
          rows.push({
            learnerId,
            lab,
            step,
            verdict: cell.verification,
            evidence: cell.verifiedEvidence ?? null,
            at: o.now(),
          });
        }
      }
    } finally {
      for (const c of all) destroyClients(c);
      if (clients) await ops.dropVerifier(account.accountId);
    }
    await o.store.hosted.saveVerifications(classId, rows);
  }

  let scheduled = false;
  return {
    schedule(classId, learnerId, labs) {
      const job = queued.get(learnerId) ?? { classId, labs: new Set<string>() };
      for (const l of labs) job.labs.add(l);
      queued.set(learnerId, job);
      // A check sends its steps in one request, an outbox flush in a few: wait for the rest.
      clearTimeout(timer);
      scheduled = true;
      timer = setTimeout(() => {
        scheduled = false;
        running = running.then(drain);
      }, 300);
    },
    async idle() {
      do {
        while (scheduled) await new Promise((r) => setTimeout(r, 50));
        await running;
      } while (scheduled || queued.size);
    },
  };
}

async function readFacts(c: { iam: Clients['iam']; trails: Clients['cloudtrail'][] }, since: Date) {
  const [iamTrail] = c.trails;
  const [created, deleted, deactivated, listUsers, ...describe] = await Promise.all([
    lookupEvents(iamTrail, 'CreateAccessKey', since, 20),
    lookupEvents(iamTrail, 'DeleteAccessKey', since, 20),
    lookupEvents(iamTrail, 'UpdateAccessKey', since, 20),
    lookupEvents(iamTrail, 'ListUsers', since, 20),
    ...c.trails.map((t) => lookupEvents(t, 'DescribeInstances', since, 20)),
  ]);
  let keys: { id: string; status?: string; created?: Date }[] = [];
  try {
    const r = await c.iam.send(new ListAccessKeysCommand({ UserName: LAB_USER }));
    keys = (r.AccessKeyMetadata ?? []).map((k) => ({
      id: k.AccessKeyId!,
      status: k.Status,
      created: k.CreateDate,
    }));
  } catch (e) {
    if ((e as { name?: string }).name !== 'NoSuchEntityException') throw e;
  }
  return {
    keys,
    created,
    deleted,
    deactivated,
    listUsers,
    describe: (describe as TrailEvent[][]).flat(),
  };
}
