import { defineCommand } from 'citty';
import { join } from 'node:path';
import { LabError } from '../errors.ts';
import { labHome } from '../paths.ts';
import { labsRoot } from '../lab/paths.ts';
import { color, progress } from '../ui.ts';
import { onInterrupt } from '../interrupt.ts';
import { SANDBOX_ARGS, engineCount, learnerRate } from '../class/hosted-args.ts';

export default defineCommand({
  meta: {
    name: 'serve',
    description:
      'Serve the lab site locally, with live progress, "Check my progress" and the sandbox console',
  },
  args: {
    port: {
      type: 'string',
      description: 'Port to listen on (0 picks a free one)',
      default: '4321',
    },
    host: {
      type: 'string',
      description: 'Interface to listen on; keep 127.0.0.1 unless you know why',
      default: '127.0.0.1',
    },
    'allow-host': {
      type: 'string',
      description:
        'Host names (comma-separated, `name` or `name:port`) besides loopback this server answers to, e.g. the LAN name you open it by; any other Host is refused (DNS rebinding)',
    },
    target: { type: 'string', description: 'sandbox (default) or aws' },
    profile: { type: 'string', description: 'AWS profile for the runner identity (target aws)' },
    region: { type: 'string', description: 'AWS region to check in' },
    labs: { type: 'string', description: 'Labs folder (default: the repository labs/)' },
    out: { type: 'string', description: 'Where the built site is (default: dist/)' },
    class: {
      type: 'boolean',
      description:
        'Also serve the class server: API under /api/v1/, dashboards under /class/ (docs/class.md)',
    },
    terminal: {
      type: 'boolean',
      default: true,
      description:
        'Offer a terminal (`lab shell`) in the lab page, on loopback only (--no-terminal: none)',
    },
    'terminal-idle': {
      type: 'string',
      description:
        "Minutes the page terminal's shell keeps running with no page open (it outlives reloads and tabs)",
      default: '30',
    },
    url: {
      type: 'boolean',
      description:
        'Print the address (with its #token) of the lab serve already running on --port, read from its 0600 file in the lab home, and exit',
    },
    db: {
      type: 'string',
      description:
        'With --class: SQLite file (default <lab home>/class/class.db); DATABASE_URL selects PostgreSQL',
    },
    ...SANDBOX_ARGS,
  },
  async run({ args }) {
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new LabError('bad_port', `--port ${args.port} is not a port number.`, 'Use 0–65535.');
    }
    if (args.sandbox && !args.class) {
      throw new LabError(
        'usage',
        '--sandbox hosts the sandbox for a class: it needs --class.',
        'Run `lab serve --class --sandbox`.',
      );
    }
    const idleMin = Number(args['terminal-idle']);
    if (!(idleMin > 0 && idleMin <= 7 * 24 * 60)) {
      throw new LabError(
        'bad_terminal_idle',
        `--terminal-idle ${args['terminal-idle']} is not a number of minutes.`,
        'Use a number above 0, e.g. --terminal-idle 30 (at most a week: 10080).',
      );
    }
    if (args.url) {
      // The learner lost the printed address: their own files have it (runner/serve/access.ts).
      const { runningServers } = await import('../serve/access.ts');
      const found = runningServers(labHome());
      const pick =
        found.find((r) => new URL(r.url).port === String(port)) ??
        (found.length === 1 && args.port === '4321' ? found[0] : undefined);
      if (!pick) {
        throw new LabError(
          'serve_not_running',
          found.length
            ? `No server of this lab home listens on port ${port}; ${found.length} do on ${found.map((r) => new URL(r.url).port).join(', ')}.`
            : 'No server of this lab home is running.',
          found.length ? 'Pass its --port.' : 'Start one with `lab serve`.',
        );
      }
      console.log(`${pick.url}#token=${pick.token}`);
      return;
    }
    // Loaded here so `lab --help` stays fast.
    const {
      createSiteServer,
      listen,
      buildSite,
      staleReason,
      embeddedTerminal,
      PROJECT_ROOT,
      serveAccess,
      writeTokenFile,
      removeTokenFile,
    } = await import('../serve/index.ts');
    const { isLoopback } = await import('../http/index.ts');
    const { learnerServices } = await import('../serve/learner.ts');
    const labsDir = labsRoot(args.labs);
    const outDir = args.out ?? join(PROJECT_ROOT, 'dist');

    const why = staleReason({ outDir, labsDir });
    if (why) {
      const p = progress(`Building the site (${why})…`);
      try {
        await buildSite({ outDir, labsDir });
      } finally {
        p.stop();
      }
    }

    const home = labHome();
    const learner = learnerServices({
      home,
      labsDir,
      target: args.target,
      profile: args.profile,
      region: args.region,
      say: (line) => console.log(color.yellow(line)),
    });
    // --class: the class server's routes, mounted before the site's own (runner/class/).
    const hosted =
      args.class && args.sandbox
        ? await (
            await import('../class/hosted-start.ts')
          ).startHostedSandbox({
            home,
            host: args.host,
            allowPlainHttp: args['allow-plain-http'],
            learnerRate: learnerRate(args['learner-rate']),
            engines: engineCount(args.engines),
            say: (m) => console.error(m),
          })
        : undefined;
    const classServer = args.class
      ? await (
          await import('../class/server.ts')
        ).classHandler({
          home,
          databaseUrl: process.env.DATABASE_URL,
          dbPath: args.db,
          api: hosted ? { sandbox: hosted.sandbox } : undefined,
        })
      : undefined;
    // This instance's token (runner/serve/access.ts): the page and the learner's programs
    // hold it, nothing else does. A real terminal in the page (loopback only) needs it too.
    const access = serveAccess();
    const terminal =
      args.terminal === false
        ? undefined
        : embeddedTerminal({ listenHost: args.host, home, access, idleMs: idleMin * 60_000 });
    const allowHosts = (args['allow-host'] ?? '')
      .split(',')
      .map((h: string) => h.trim())
      .filter(Boolean);
    const server = createSiteServer({
      distDir: outDir,
      host: args.host,
      access,
      allowHosts,
      labs: learner.labs,
      console: learner.console,
      mount: classServer ? [classServer.handler] : [],
      terminal,
    });
    let url: string;
    try {
      url = await listen(server, port, args.host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LabError(
        'serve_listen',
        `Cannot listen on ${args.host}:${port} (${code ?? (e as Error).message}).`,
        code === 'EADDRINUSE'
          ? 'Another program uses that port: pass --port <n> (or 0).'
          : undefined,
      );
    }
    console.log(
      learner.kind === 'sandbox'
        ? 'Target: local sandbox'
        : 'Target: your AWS account (--target aws)',
    );
    const listenPort = Number(new URL(url).port);
    // The token travels in the fragment: browsers never send it to a server or in a Referer.
    const address = () => `${url}#token=${access.token}`;
    const record = () =>
      writeTokenFile(home, listenPort, { url, token: access.token, pid: process.pid });
    const tokenPath = record();
    access.onRotate(() => {
      record();
      console.log(
        `Signed out from a page: the old address no longer works. New address: ${color.bold(address())}`,
      );
    });
    console.log(`Lab site: ${color.bold(address())}`);
    console.log(
      color.dim(
        `Open that address (its #token is new at every start; your scripts find it in ${tokenPath}). "Sign out" on the page revokes it.`,
      ),
    );
    // Say what is on and off: the terminal is a shell, so its absence must not be a surprise,
    // and a server other machines reach must say what they can do with it (issue 12).
    const exposed = !isLoopback(args.host);
    if (terminal) {
      console.log(
        color.dim(
          `Terminal in the page: on (loopback only), in the page opened from that address; its shell outlives the page and ends after ${idleMin} min with no page open (--terminal-idle).`,
        ),
      );
    } else {
      console.log(
        `Terminal in the page: off (${
          args.terminal === false
            ? '--no-terminal'
            : `it is offered on loopback only, and this server listens on ${args.host}`
        }).`,
      );
    }
    if (exposed) {
      const can = learner.console
        ? 'run checks and the automatic cleanup, and use the sandbox console, which creates access keys and shows their secrets'
        : 'run checks and the automatic cleanup in your account';
      const names = ['localhost', '127.0.0.1', ...allowHosts].join(', ');
      console.log(
        color.yellow(
          `warning: listening on ${args.host}: other machines, and web pages in any browser that can reach it (a page can point its own name at this address: DNS rebinding), can reach port ${listenPort}. ` +
            `Whoever holds the address above can ${can}, and it travels in clear over plain HTTP. ` +
            `Only the host names ${names} are answered (add yours with --allow-host). Keep the default --host 127.0.0.1 unless you know why.`,
        ),
      );
    }
    if (classServer) {
      console.log(`Class server: ${url}api/v1/ (store: ${classServer.store.kind})`);
      const { dashboardLines } = await import('../class/server.ts');
      for (const line of await dashboardLines(classServer.store, url)) console.log(line);
      for (const line of hosted?.lines ?? []) console.log(line);
    }
    console.log(color.dim('Press Ctrl+C to stop.'));
    await new Promise<void>((resolve) => {
      const off = onInterrupt(() => {
        off();
        learner.close();
        terminal?.close();
        removeTokenFile(home, listenPort);
        void classServer?.store.close();
        hosted?.sandbox.ops?.unlimit?.(); // the home's own sandbox is not a class's any more
        server.close(() => resolve());
        server.closeAllConnections();
      });
    });
    console.log('Stopped the lab site.');
  },
});
