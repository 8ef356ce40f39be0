// Two ways to get a real engine and a real gateway for gateway tests:
//  * startGatewayFixture(): the whole sandbox as `lab sandbox start` runs it (engine.py + the
//    detached gateway process, via test/helpers/sandbox.ts) in a temp LAB_HOME on a free port;
//  * startGatewayFixture({ clock }): engine.py plus an in-process gateway whose clock the test
//    controls (request expiry).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGateway } from '../../sandbox/gateway/server.ts';
import type { Identity } from '../../sandbox/index.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { botocoreDataDir } from '../../sandbox/lifecycle/botocore.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { scaled } from '../helpers/timeouts.ts';

const ENGINE = path.resolve(import.meta.dirname, '../../sandbox/engine/engine.py');
export const REGION = 'eu-west-1';

export interface ActivityLine {
  eventName: string;
  accessKeyId?: string;
  errorCode?: string;
  errorMessage?: string;
  requestId: string;
  userAgent: string;
  principal?: { arn: string; userName: string };
  resources: { type: string; name: string }[];
  [k: string]: unknown;
}

export interface GatewayFixture {
  url: string;
  admin: Identity;
  activityFile: string;
  /** Environment for the real `aws` CLI: isolated empty files, explicit keys, no ~/.aws. */
  cliEnv(creds?: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv;
  /** The activity log as written to disk, once `ready(lines)` holds (appends are async). */
  readActivity(
    ready?: (lines: ActivityLine[]) => boolean,
  ): Promise<{ text: string; lines: ActivityLine[] }>;
  /** The full sandbox, when started through the lifecycle. */
  sandbox?: TestSandbox;
  killEngine(): void;
  /** Stop the engine (SIGTERM, as `lab sandbox stop`) and start it again on its state folder. */
  restartEngine?(): Promise<void>;
  stop(): Promise<void>;
}

export interface EngineProcess {
  url: string;
  proc: ChildProcess;
  /** The per-start secret the engine requires (sandbox/lifecycle/secret.ts). */
  secret: string;
}

/** botocore's models, from the same python3 the test engines run on (as `lab sandbox start` finds them). */
let modelsDir: string | undefined;
export function testModelsDir(): string {
  return (modelsDir ??= botocoreDataDir('python3'));
}

export async function startEngine(
  stateDir: string,
  /** Same port and secret: a restart the running gateway does not notice. */
  again?: { port: number; secret: string },
): Promise<EngineProcess> {
  const secret = again?.secret ?? randomBytes(32).toString('base64url');
  const proc = spawn(
    'python3',
    [ENGINE, '--host', '127.0.0.1', '--port', String(again?.port ?? 0), '--state-dir', stateDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LAB_ENGINE_SECRET: secret },
    },
  );
  const errLines: string[] = [];
  proc.stderr!.on('data', (c: Buffer) => errLines.push(c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (line) => {
      const m = /^ready (\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`engine exited ${code}: ${errLines.join('')}`)));
  });
  return { url, proc, secret };
}

/**
 * Make an SDK v3 client talk to the engine directly, as the gateway does: the secret header is
 * added after signing (the gateway adds it to requests the client signed without it).
 */
export function withEngineSecret<C extends { middlewareStack: { add: Function } }>(
  client: C,
  secret: string,
): C {
  client.middlewareStack.add(
    (next: (a: unknown) => unknown) => (args: { request: { headers: Record<string, string> } }) => {
      args.request.headers['x-labrunner-secret'] = secret;
      return next(args);
    },
    { step: 'deserialize', name: 'labrunnerEngineSecret' },
  );
  return client;
}

export async function startGatewayFixture(
  opts: { clock?: () => number } = {},
): Promise<GatewayFixture> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-gw-'));
  const cliDir = path.join(tmp, 'cli');
  fs.mkdirSync(cliDir);
  fs.writeFileSync(path.join(cliDir, 'config'), `[default]\nregion = ${REGION}\noutput = json\n`);
  fs.writeFileSync(path.join(cliDir, 'credentials'), '');
  const common = (admin: Identity, activityFile: string) => ({
    admin,
    activityFile,
    cliEnv(creds: { accessKeyId: string; secretAccessKey: string } = admin) {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
      return {
        ...env,
        HOME: cliDir,
        AWS_CONFIG_FILE: path.join(cliDir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(cliDir, 'credentials'),
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_DEFAULT_REGION: REGION,
        AWS_PAGER: '',
      };
    },
    readActivity: (ready?: (lines: ActivityLine[]) => boolean) => readActivity(activityFile, ready),
  });

  if (!opts.clock) {
    const sandbox = await startTestSandbox({ home: path.join(tmp, 'home') });
    return {
      ...common(sandbox.learner, path.join(layout(sandbox.home).gatewayState, 'activity.jsonl')),
      url: sandbox.endpoint,
      sandbox,
      killEngine: () => sandbox.kill('engine'),
      async stop() {
        await sandbox.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
      },
    };
  }

  const stateDir = path.join(tmp, 'state');
  let engine = await startEngine(stateDir);
  const ids = JSON.parse(fs.readFileSync(path.join(stateDir, 'identities.json'), 'utf8'));
  const gateway = await createGateway({
    engineUrl: engine.url,
    stateDir,
    clock: opts.clock,
    engineSecret: engine.secret,
    modelsDir: testModelsDir(),
  });
  let killed = false;
  return {
    ...common(ids.learner, path.join(stateDir, 'activity.jsonl')),
    url: gateway.url,
    killEngine() {
      killed = true;
      engine.proc.kill('SIGKILL');
    },
    async restartEngine() {
      const exited = new Promise((r) => engine.proc.once('exit', r));
      engine.proc.kill('SIGTERM');
      await exited;
      engine = await startEngine(stateDir, {
        port: Number(new URL(engine.url).port),
        secret: engine.secret,
      });
    },
    async stop() {
      await gateway.close();
      if (!killed) {
        engine.proc.kill('SIGTERM');
        await new Promise((r) => engine.proc.once('exit', r));
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

async function readActivity(file: string, ready: (lines: ActivityLine[]) => boolean = () => true) {
  const deadline = Date.now() + scaled(5000);
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ActivityLine);
    if (ready(lines) || Date.now() > deadline) return { text, lines };
    await new Promise((r) => setTimeout(r, 50));
  }
}
