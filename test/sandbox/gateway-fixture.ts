// A real engine (sandbox/engine/engine.py: moto with IAM enforcement) and a real gateway
// (in-process, so a test can give it a clock), on free ports in a temp state dir.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGateway, type Gateway, type GatewayOptions } from '../../sandbox/gateway/server.ts';
import type { Identity } from '../../sandbox/index.ts';

const ENGINE = path.resolve(import.meta.dirname, '../../sandbox/engine/engine.py');
export const REGION = 'eu-west-1';

export interface GatewayFixture {
  gateway: Gateway;
  engineUrl: string;
  stateDir: string;
  admin: Identity;
  runner: Identity;
  /** Environment for the real `aws` CLI: isolated files, the admin's keys, no ~/.aws. */
  cliEnv(creds?: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv;
  killEngine(): void;
  stop(): Promise<void>;
}

export async function startEngine(stateDir: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(
    'python3',
    [ENGINE, '--host', '127.0.0.1', '--port', '0', '--state-dir', stateDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
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
  return { url, proc };
}

export async function startGatewayFixture(
  extra: Partial<Pick<GatewayOptions, 'clock'>> = {},
): Promise<GatewayFixture> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-gw-'));
  const engine = await startEngine(stateDir);
  const ids = JSON.parse(fs.readFileSync(path.join(stateDir, 'identities.json'), 'utf8'));
  const gateway = await createGateway({ engineUrl: engine.url, stateDir, ...extra });
  const cliDir = path.join(stateDir, 'cli');
  fs.mkdirSync(cliDir);
  fs.writeFileSync(path.join(cliDir, 'config'), `[default]\nregion = ${REGION}\noutput = json\n`);
  fs.writeFileSync(path.join(cliDir, 'credentials'), '');
  let killed = false;
  return {
    gateway,
    engineUrl: engine.url,
    stateDir,
    admin: ids.learner,
    runner: ids.runner,
    cliEnv(creds = ids.learner) {
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
    killEngine() {
      killed = true;
      engine.proc.kill('SIGKILL');
    },
    async stop() {
      await gateway.close();
      if (!killed) {
        engine.proc.kill('SIGTERM');
        await new Promise((r) => engine.proc.once('exit', r));
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
