import { defineCommand } from 'citty';
import { readFileSync, existsSync } from 'node:fs';
import { LabError } from '../errors.ts';
import { labHome } from '../paths.ts';
import { color, printJson } from '../ui.ts';
import { onInterrupt } from '../interrupt.ts';
import { SANDBOX_ARGS, engineCount, learnerRate } from '../class/hosted-args.ts';

// `lab class …`: the instructor's side of a class (create, serve) and the
// learner's manual outbox flush (sync). docs/class.md explains the workflow.

const create = defineCommand({
  meta: {
    name: 'create',
    description:
      'Create a class: prints the instructor token (shown once) and the join code for learners',
  },
  args: {
    name: { type: 'positional', description: 'Class name, e.g. "DevOps cohort 7"', required: true },
    server: {
      type: 'string',
      description:
        'Create it on a running class server (needs its admin token: LAB_CLASS_ADMIN_TOKEN, or the server’s lab home)',
    },
    db: {
      type: 'string',
      description:
        'Without --server: the class store to write to (default <lab home>/class/class.db; DATABASE_URL selects PostgreSQL)',
    },
    url: { type: 'string', description: 'The URL learners will use, printed in the join line' },
    json: { type: 'boolean', description: 'Print one JSON object (for scripts)' },
  },
  async run({ args }) {
    const home = labHome(process.env);
    let created: { classId: string; name: string; joinCode: string; instructorToken: string };
    let url = args.url ?? args.server;
    if (args.server) {
      const { ClassClient } = await import('../class/client.ts');
      const { adminTokenPath } = await import('../class/server.ts');
      const file = adminTokenPath(home);
      const admin =
        process.env.LAB_CLASS_ADMIN_TOKEN ||
        (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
      if (!admin) {
        throw new LabError(
          'class_admin_token_missing',
          'Creating a class on a server needs the server admin token.',
          `Set LAB_CLASS_ADMIN_TOKEN to the content of ${file} on the server machine, or run this command there without --server.`,
        );
      }
      created = await new ClassClient({ url: args.server, token: admin }).createClass(args.name);
    } else {
      const { openServerStore } = await import('../class/server.ts');
      const { validate, CreateClassIn } = await import('../class/schema.ts');
      const { name } = validate(CreateClassIn, { name: args.name });
      const store = await openServerStore({
        home,
        databaseUrl: process.env.DATABASE_URL,
        dbPath: args.db,
      });
      try {
        created = await store.createClass(name);
      } finally {
        await store.close();
      }
    }
    if (args.json) {
      console.log(JSON.stringify(created));
      return;
    }
    const base = url ? url.replace(/\/+$/, '') : '<server url>';
    console.log(`Class ${color.bold(created.name)} created (id ${created.classId}).`);
    console.log('');
    console.log(`Join code:  ${color.bold(created.joinCode)}`);
    console.log(`Learners:   lab join ${base} --code ${created.joinCode} --name "<your name>"`);
    console.log('');
    console.log(`Instructor token (shown once: keep it like a password):`);
    console.log(`  ${created.instructorToken}`);
    console.log(`Dashboard:  ${base}/class/${created.classId}/dashboard`);
    console.log(`Report:     LAB_CLASS_TOKEN=<instructor token> lab report --class ${base}`);
  },
});

const serve = defineCommand({
  meta: {
    name: 'serve',
    description:
      'Serve only the class API and dashboards (`lab serve --class` adds them to the lab site)',
  },
  args: {
    port: { type: 'string', description: 'Port (0 picks a free one)', default: '4380' },
    host: {
      type: 'string',
      description: 'Interface; use 0.0.0.0 so learners on other machines can reach it',
      default: '127.0.0.1',
    },
    db: {
      type: 'string',
      description:
        'SQLite file (default <lab home>/class/class.db); DATABASE_URL selects PostgreSQL',
    },
    ...SANDBOX_ARGS,
  },
  async run({ args }) {
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new LabError('bad_port', `--port ${args.port} is not a port number.`, 'Use 0–65535.');
    }
    const { startClassServer } = await import('../class/server.ts');
    const hosted = args.sandbox
      ? await (
          await import('../class/hosted-start.ts')
        ).startHostedSandbox({
          home: labHome(process.env),
          host: args.host,
          allowPlainHttp: args['allow-plain-http'],
          learnerRate: learnerRate(args['learner-rate']),
          engines: engineCount(args.engines),
          say: (m) => console.error(m),
        })
      : undefined;
    const srv = await startClassServer({
      home: labHome(process.env),
      databaseUrl: process.env.DATABASE_URL,
      dbPath: args.db,
      host: args.host,
      port,
      api: hosted ? { sandbox: hosted.sandbox } : undefined,
    });
    console.log(`Class server: ${color.bold(srv.url)} (store: ${srv.store.kind})`);
    for (const line of hosted?.lines ?? []) console.log(line);
    const { dashboardLines } = await import('../class/server.ts');
    for (const line of await dashboardLines(srv.store, srv.url)) console.log(line);
    console.log(color.dim('Press Ctrl+C to stop.'));
    await new Promise<void>((resolve) => {
      const off = onInterrupt(() => {
        off();
        hosted?.sandbox.ops?.unlimit?.(); // the home's own sandbox is not a class's any more
        void srv.close().then(resolve);
      });
    });
  },
});

const sync = defineCommand({
  meta: { name: 'sync', description: 'Send check results still queued for your class' },
  args: {
    json: {
      type: 'boolean',
      description:
        'Print one JSON object: {sent, pending, setAside} (and sandbox: {accountId, endpoint} when a reset account got new keys)',
    },
  },
  async run({ args }) {
    const { flushOutbox, setAsideNotice, SYNC_TIMEOUT_MS } = await import('../class/outbox.ts');
    const out = await flushOutbox(labHome(process.env), { timeoutMs: SYNC_TIMEOUT_MS });
    if (!out.joined) {
      throw new LabError(
        'class_not_joined',
        'This lab home has not joined a class.',
        'Run `lab join <url> --code <code> --name <name>`.',
      );
    }
    if (out.setAside) console.error(setAsideNotice(out));
    if (out.error) {
      throw new LabError(
        'class_sync_failed',
        `Sent ${out.sent}; ${out.pending} still queued: ${out.error}`,
        'They stay queued; try again later.',
      );
    }
    // A hosted account the instructor reset: its fresh keys come with the sync.
    const { refreshHostedKeys } = await import('../class/hosted-sync.ts');
    const fresh = await refreshHostedKeys(labHome(process.env));
    if (args.json) {
      printJson({
        sent: out.sent,
        pending: out.pending,
        setAside: out.setAside ?? 0,
        ...(fresh ? { sandbox: fresh } : {}),
      });
      return;
    }
    console.log(`Sent ${out.sent} queued result(s); ${out.pending} left.`);
    if (fresh) {
      console.log(
        `Your class account ${fresh.accountId} was reset by the instructor: new keys are in this lab home (\`lab start <lab>\` again).`,
      );
    }
  },
});

export default defineCommand({
  meta: {
    name: 'class',
    description:
      'Classes: create one, serve the class server, sync queued results; a hosted class: learners, activity, reset, end',
  },
  subCommands: {
    create,
    serve,
    sync,
    learners: () => import('./class-hosted.ts').then((m) => m.learners),
    activity: () => import('./class-hosted.ts').then((m) => m.activity),
    reset: () => import('./class-hosted.ts').then((m) => m.reset),
    end: () => import('./class-hosted.ts').then((m) => m.end),
  },
});
