import { defineCommand } from 'citty';
import type { AccountEvent } from '../../sandbox/index.ts';
import { LabError } from '../errors.ts';
import { color, printJson } from '../ui.ts';

// `lab class learners|activity|reset|end`: the instructor's side of a class that hosts the
// sandbox (docs/class.md). Each talks to the class server with the instructor token, as
// `lab report` does. Exit codes: 0 done, 1 an account still holds something after a reset or
// the end (the command lists it), 2 usage or environment.

const SERVER_ARGS = {
  class: { type: 'string', description: 'Class server URL (or LAB_CLASS_URL)' },
  token: {
    type: 'string',
    description: 'Instructor token (prefer LAB_CLASS_TOKEN: arguments show up in `ps`)',
  },
  json: { type: 'boolean', description: 'Print one JSON object (for scripts)' },
} as const;

type Holds = Record<string, Record<string, Record<string, string[]>>>;
interface Learner {
  learnerId: string;
  name: string;
  accountId: string | null;
  joinedAt: number;
  resetAt: number | null;
}

async function instructor(args: { class?: string; token?: string }) {
  const url = args.class ?? process.env.LAB_CLASS_URL;
  const token = args.token ?? process.env.LAB_CLASS_TOKEN;
  if (!url) {
    throw new LabError('usage', 'Which class server? Pass --class <url> (or set LAB_CLASS_URL).');
  }
  if (!token) {
    throw new LabError(
      'class_token_missing',
      'This needs the instructor token.',
      'Set LAB_CLASS_TOKEN to the token `lab class create` printed (or pass --token).',
    );
  }
  const { ClassClient } = await import('../class/client.ts');
  // Ending a class of hundreds wipes every account: longer than a report takes.
  const client = new ClassClient({ url, token, timeoutMs: 120_000 });
  const me = await client.me();
  if (me.role !== 'instructor') {
    throw new LabError(
      'class_forbidden',
      'This is a learner token; this needs the instructor token.',
    );
  }
  const base = `/api/v1/classes/${encodeURIComponent(me.classId)}`;
  const learners = () =>
    client.request<{ endedAt: number | null; learners: Learner[] }>('GET', `${base}/learners`);
  /** A learner by name (any case), learner id or account id. */
  const find = async (who: string) => {
    const all = (await learners()).learners;
    const w = who.trim().toLowerCase();
    const hit = all.filter(
      (l) => l.learnerId === who || l.accountId === who || l.name.toLowerCase() === w,
    );
    if (hit.length !== 1) {
      throw new LabError(
        'usage',
        hit.length ? `Several learners match "${who}".` : `No learner "${who}" in this class.`,
        `Learners: ${all.map((l) => l.name).join(', ') || 'none yet'} (\`lab class learners\`).`,
      );
    }
    return hit[0];
  };
  return { client, base, learners, find, className: me.className ?? me.classId };
}

/** "iam us-east-1 users: a, b" lines of what an account still holds. */
function remainsLines(h: Holds): string[] {
  return Object.entries(h).flatMap(([svc, regions]) =>
    Object.entries(regions).flatMap(([region, kinds]) =>
      Object.entries(kinds)
        .filter(([, ids]) => ids.length)
        .map(([kind, ids]) => `${svc} ${region} ${kind}: ${ids.join(', ')}`),
    ),
  );
}

export const learners = defineCommand({
  meta: { name: 'learners', description: "A hosted class's learners and their sandbox accounts" },
  args: SERVER_ARGS,
  async run({ args }) {
    const i = await instructor(args);
    const out = await i.learners();
    if (args.json) return printJson(out);
    if (out.endedAt) console.log(color.dim(`(This class has ended.)`));
    for (const l of out.learners) {
      console.log(`${l.name}\t${l.accountId ?? '(no account)'}${l.resetAt ? '\t(reset)' : ''}`);
    }
  },
});

export const activity = defineCommand({
  meta: {
    name: 'activity',
    description: "One learner's account activity (their event history), newest first",
  },
  args: {
    learner: { type: 'positional', description: 'Name, learner id or account id', required: true },
    limit: { type: 'string', description: 'At most this many calls (default 50)', default: '50' },
    ...SERVER_ARGS,
  },
  async run({ args }) {
    const i = await instructor(args);
    const l = await i.find(args.learner);
    const n = Number(args.limit);
    if (!Number.isInteger(n) || n < 1)
      throw new LabError('usage', `--limit ${args.limit} is not a count.`);
    const out = await i.client.request<{ learner: Learner; events: AccountEvent[] }>(
      'GET',
      `${i.base}/learners/${encodeURIComponent(l.learnerId)}/activity?limit=${n}`,
    );
    if (args.json) return printJson(out);
    console.log(
      `${out.learner.name}, account ${out.learner.accountId}: ${out.events.length} call(s), newest first`,
    );
    for (const e of out.events) {
      const result = e.result === 'ok' ? color.green('ok') : color.red(e.result);
      console.log(
        `  ${e.time.replace('T', ' ').slice(0, 19)}  ${e.service}:${e.call}  ${e.region}  ${e.by}  ${result}`,
      );
    }
  },
});

export const reset = defineCommand({
  meta: {
    name: 'reset',
    description:
      "Reset one learner's sandbox account: everything in it removed, their keys revoked; their next `lab join` gets fresh keys (asks for --yes)",
  },
  args: {
    learner: { type: 'positional', description: 'Name, learner id or account id', required: true },
    yes: { type: 'boolean', description: 'Yes, empty this account' },
    ...SERVER_ARGS,
  },
  async run({ args }) {
    const i = await instructor(args);
    const l = await i.find(args.learner);
    if (!args.yes) {
      throw new LabError(
        'usage',
        `This removes everything in ${l.name}'s account ${l.accountId ?? ''} and revokes their keys.`,
        `Run \`lab class reset "${l.name}" --yes\` to do it.`,
      );
    }
    const out = await i.client.request<{
      learner: Learner;
      removed: string[];
      remains: Holds;
      clean: boolean;
    }>('POST', `${i.base}/learners/${encodeURIComponent(l.learnerId)}/reset`, {});
    if (!out.clean) process.exitCode = 1;
    if (args.json) return printJson(out);
    const left = remainsLines(out.remains);
    console.log(
      left.length
        ? color.red(
            `Account ${out.learner.accountId} of ${l.name} still holds:\n  ${left.join('\n  ')}`,
          )
        : `Account ${out.learner.accountId} of ${l.name} reset: nothing remains (${out.removed.join(', ') || 'it was empty'} emptied); their old keys are revoked.`,
    );
    if (!left.length)
      console.log(`${l.name} gets a fresh admin user and keys by running \`lab join\` again.`);
  },
});

export const end = defineCommand({
  meta: {
    name: 'end',
    description:
      'End a hosted class: every learner account emptied and every key revoked, then proven empty (asks for --yes)',
  },
  args: {
    yes: { type: 'boolean', description: 'Yes, end the class' },
    ...SERVER_ARGS,
  },
  async run({ args }) {
    const i = await instructor(args);
    if (!args.yes) {
      throw new LabError(
        'usage',
        `This ends ${i.className}: every learner's sandbox account is emptied and every key revoked, and no one can join any more.`,
        'Run `lab class end --yes` to do it.',
      );
    }
    const out = await i.client.request<{
      endedAt: number;
      accounts: { name: string; accountId: string; remains: Holds }[];
      clean: boolean;
    }>('POST', `${i.base}/end`, {});
    if (!out.clean) process.exitCode = 1;
    if (args.json) return printJson(out);
    for (const a of out.accounts) {
      const left = remainsLines(a.remains);
      console.log(
        left.length
          ? color.red(`${a.name} (${a.accountId}) still holds: ${left.join('; ')}`)
          : `${a.name} (${a.accountId}): nothing remains`,
      );
    }
    console.log(
      out.clean
        ? `${i.className} ended: ${out.accounts.length} account(s) empty, every key revoked.`
        : color.red('Some accounts still hold things (above); run `lab class end --yes` again.'),
    );
  },
});
