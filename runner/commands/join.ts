import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';
import { labHome } from '../paths.ts';
import { color, printJson } from '../ui.ts';

// `lab join`: become a learner of a class. The learner token is stored 0600 in
// the lab home; from then on every `lab check` result also goes to the class.
export default defineCommand({
  meta: {
    name: 'join',
    description: 'Join a class: your `lab check` results go to its instructor',
  },
  args: {
    url: {
      type: 'positional',
      description: 'The class server URL the instructor gave you',
      required: false,
    },
    code: { type: 'string', description: 'The join code' },
    name: { type: 'string', description: 'Your name as the instructor will see it' },
    'iam-user': {
      type: 'string',
      description: 'Your IAM user in the class account, if the instructor gave you one',
    },
    flush: { type: 'boolean', description: 'Only send results still queued for your class' },
    json: {
      type: 'boolean',
      description:
        'Print one JSON object: {classId, className, learnerId, name, requestedName, left, earlierResults} (--flush: {sent, pending, setAside})',
    },
  },
  async run({ args }) {
    const home = labHome(process.env);
    const { flushOutbox, setAsideNotice, SYNC_TIMEOUT_MS } = await import('../class/outbox.ts');
    if (args.flush) {
      const out = await flushOutbox(home, { timeoutMs: SYNC_TIMEOUT_MS });
      if (!out.joined)
        throw new LabError(
          'class_not_joined',
          'This lab home has not joined a class.',
          'Run `lab join <url> --code <code> --name <name>` first.',
        );
      if (out.setAside) console.error(setAsideNotice(out));
      if (out.error)
        throw new LabError(
          'class_sync_failed',
          `Sent ${out.sent}; ${out.pending} still queued: ${out.error}`,
          'They stay queued; try again later.',
        );
      if (args.json) {
        printJson({ sent: out.sent, pending: out.pending, setAside: out.setAside ?? 0 });
        return;
      }
      console.log(`Sent ${out.sent} queued result(s); ${out.pending} left.`);
      return;
    }
    if (!args.url || !args.code || !args.name) {
      throw new LabError(
        'usage',
        '`lab join` needs the server URL, --code and --name.',
        'Example: lab join http://10.0.0.5:4380 --code K7QX-M2PA-9TZD --name "Ada Lovelace"',
      );
    }
    const { ClassClient } = await import('../class/client.ts');
    const { writeMembership, readMembership } = await import('../class/membership.ts');
    const { validate, JoinIn } = await import('../class/schema.ts');
    const body = inFlagTerms(() =>
      validate(JoinIn, { code: args.code, name: args.name, iamUser: args['iam-user'] }),
    );
    const previous = readMembership(home);
    const { normalizeUrl } = await import('../class/client.ts');
    // Joining again from this home: the learner token says who we are, so the class gives
    // back the same learner (and, in a hosted class, the same account with fresh keys).
    const again = previous && normalizeUrl(previous.url) === normalizeUrl(args.url);
    const client = new ClassClient({ url: args.url, token: again ? previous.token : undefined });
    const joined = await client.join(body.code, body.name, body.iamUser);
    writeMembership(home, {
      url: client.base,
      classId: joined.classId,
      className: joined.className,
      learnerId: joined.learnerId,
      name: joined.name ?? body.name,
      token: joined.token,
      joinedAt: new Date().toISOString(),
    });
    // A class that hosts the sandbox: this home now uses the learner's account there.
    const hosted = joined.sandbox ? await attachHosted(home, client.base, joined.sandbox) : null;
    const name = joined.name ?? body.name;
    const left = previous && previous.classId !== joined.classId ? previous.className : null;
    // Labs done (or begun) before joining: the class gets those results with their own times.
    const { localHistory } = await import('../class/history.ts');
    const { enqueue } = await import('../class/outbox.ts');
    const earlier = localHistory(home);
    let earlierOut: { sent: number; pending: number; error?: string } = { sent: 0, pending: 0 };
    if (earlier.length) {
      enqueue(home, joined.classId, earlier, Date.now());
      earlierOut = await flushOutbox(home, { timeoutMs: SYNC_TIMEOUT_MS });
    }
    if (args.json) {
      // Never the learner token: it stays in class.json (0600), where `lab check` reads it.
      printJson({
        classId: joined.classId,
        className: joined.className,
        learnerId: joined.learnerId,
        name,
        requestedName: body.name,
        left,
        earlierResults: earlier.length,
        ...(hosted ? { sandbox: hosted } : {}),
      });
      return;
    }
    if (left) {
      console.log(color.dim(`(You left class ${left}.)`));
    }
    console.log(`Joined ${color.bold(joined.className)} as ${name}.`);
    if (name !== body.name) {
      console.log(
        color.dim(`(Another learner in this class already goes by that name, so you are ${name}.)`),
      );
    }
    if (earlier.length) {
      console.log(
        earlierOut.error
          ? `Your ${earlier.length} earlier check result(s) are queued for the class (${earlierOut.error}); they go out with the next check or \`lab class sync\`.`
          : `Sent your ${earlier.length} earlier check result(s) to the class, with the times you did them.`,
      );
    }
    console.log('Every `lab check` now also sends its results to the class (queued when offline).');
    if (hosted) {
      console.log(
        `Your sandbox is the class's: account ${hosted.accountId} at ${hosted.endpoint}. \`lab shell\`, \`lab check\` and \`lab sandbox env\` use it; nothing runs on this machine.`,
      );
    }
  },
});

const FLAG: Record<string, string> = { code: '--code', name: '--name', iamUser: '--iam-user' };

/** The server's field checks, with their errors told in terms of this command's flags. */
function inFlagTerms<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof LabError) || e.code !== 'invalid_payload') throw e;
    const [field, ...rest] = e.message.split(': ');
    throw new LabError(
      'usage',
      `${FLAG[field!] ?? field}: ${rest.join(': ')}`,
      'Example: lab join http://10.0.0.5:4380 --code K7QX-M2PA-9TZD --name "Ada Lovelace"',
    );
  }
}

/** Write the hosted account into the lab home (never ~/.aws); the answer names no secret. */
async function attachHosted(
  home: string,
  classUrl: string,
  s: import('../class/hosted.ts').HostedJoin,
): Promise<{ accountId: string; endpoint: string }> {
  const { attachRemoteSandbox } = await import('../../sandbox/index.ts');
  await attachRemoteSandbox(home, {
    endpoint: s.endpoint,
    accountId: s.accountId,
    learner: s.learner,
    runner: s.runner,
    classUrl,
  });
  return { accountId: s.accountId, endpoint: s.endpoint };
}
