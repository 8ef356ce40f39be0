// Starting a class server: where its data lives, its admin token, and a
// node:http server around the class API. `lab class serve` and
// `lab serve --class` both come here.
import type { Server } from 'node:http';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { LabError } from '../errors.ts';
import { guard, newApp, nodeServer, type App } from '../http/index.ts';
import { compress } from '../http/compress.ts';
import { classApi, type ClassApiOptions } from './api.ts';
import { openClassStore, type ClassStore } from './store/index.ts';
import { hashToken, newToken } from './tokens.ts';

/** The class server's directory inside a lab home. */
export function classHome(home: string): string {
  return join(home, 'class');
}

/** Default SQLite file of the class store. */
export function classDbPath(home: string): string {
  return join(classHome(home), 'class.db');
}

export function adminTokenPath(home: string): string {
  return join(classHome(home), 'admin-token');
}

/**
 * The admin token lets `lab class create --server <url>` create classes over
 * HTTP. Generated on first start, kept 0600 next to the store; the server keeps
 * only its hash in memory.
 */
export function ensureAdminToken(home: string): string {
  const file = adminTokenPath(home);
  mkdirSync(classHome(home), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    writeFileSync(file, newToken('admin') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/** Open the store a class server (or `lab class create` on the server machine) uses. */
export async function openServerStore(opts: {
  home: string;
  databaseUrl?: string;
  dbPath?: string;
}): Promise<ClassStore> {
  try {
    return await openClassStore({
      databaseUrl: opts.databaseUrl || undefined,
      sqlitePath: opts.dbPath ?? classDbPath(opts.home),
    });
  } catch (e) {
    const where = opts.databaseUrl
      ? 'PostgreSQL at DATABASE_URL'
      : (opts.dbPath ?? classDbPath(opts.home));
    throw new LabError(
      'class_store_unavailable',
      `Cannot open the class store (${where}): ${(e as Error).message}`,
      opts.databaseUrl
        ? 'Check DATABASE_URL (postgres://user@host:port/db) and that the server is up.'
        : 'Check that the directory is writable, or pass --db <path>.',
    );
  }
}

/** Build the class handler with the home's admin token, for mounting in another server. */
export async function classHandler(opts: {
  home: string;
  databaseUrl?: string;
  dbPath?: string;
  api?: Partial<ClassApiOptions>;
}): Promise<{ handler: App; store: ClassStore }> {
  const store = await openServerStore(opts);
  const admin = ensureAdminToken(opts.home);
  const handler = classApi({ store, adminTokenHash: hashToken(admin), ...opts.api });
  return { handler, store };
}

export interface RunningClassServer {
  url: string;
  server: Server;
  store: ClassStore;
  close(): Promise<void>;
}

/** Serve the class API + dashboard alone on host:port (port 0 = any free port). */
export async function startClassServer(opts: {
  home: string;
  databaseUrl?: string;
  dbPath?: string;
  host?: string;
  port?: number;
  /** `host[:port]` people use to reach the server (see runner/http/guard.ts). */
  publicHost?: string;
  api?: Partial<ClassApiOptions>;
}): Promise<RunningClassServer> {
  const { handler, store } = await classHandler(opts);
  const host = opts.host ?? '127.0.0.1';
  const app = newApp('lab class serve');
  app.use(guard({ listenHost: host, publicHost: opts.publicHost }));
  // As `lab serve` does: a 1,000-learner dashboard is ~1 MB of HTML, ~40 KB compressed.
  app.use(compress());
  app.route('/', handler);
  app.notFound((c) =>
    c.text(
      'Not found. The class API is under /api/v1/, dashboards under /class/<id>/dashboard.\n',
      404,
    ),
  );
  const server = nodeServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  }).catch(async (e) => {
    await store.close();
    throw new LabError(
      'class_listen_failed',
      `Cannot listen on ${host}:${opts.port}: ${e.message}`,
      'Pick another --port.',
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    server,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
    },
  };
}

/**
 * What a starting server prints about its dashboards: each class's address (sign in there
 * with its instructor token), or how to make the first class.
 */
export async function dashboardLines(store: ClassStore, base: string): Promise<string[]> {
  const root = base.replace(/\/+$/, '');
  const classes = await store.classes();
  if (classes.length === 0) {
    return [
      `Dashboards: none yet. Create a class: lab class create "<name>" --server ${root} (or on this machine without --server); it prints the dashboard address.`,
    ];
  }
  return [
    'Dashboards (sign in with the class instructor token):',
    ...classes.map((c) => `  ${c.name}: ${root}/class/${c.id}/dashboard`),
  ];
}
