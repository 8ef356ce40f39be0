// A cleanup in a real AWS account, asked through `lab serve`'s API, cannot be confirmed by a
// caller that only talks to the API (issue 16: the plan told the caller the account id, and
// posting it back ran the cleanup). "AWS" is the sandbox reached through AWS_ENDPOINT_URL with
// its admin's CLI files, as test/terminal/commands.test.ts does for `lab cleanup --target aws`.
// The confirmation is a one-time code printed only in `lab serve`'s own terminal.
import type { Server } from 'node:http';
import { GetUserCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer, listen, serveAccess } from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { resolveTarget } from '../../runner/target/index.ts';
import { startLab } from '../../runner/check/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { buildOnce, removeTemp } from '../site/helpers.ts';

let sandbox: TestSandbox;
let services: LearnerServices;
let server: Server;
let url: string;
const access = serveAccess();
/** What `lab serve` printed in its own terminal. */
const printed: string[] = [];
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  let out: string;
  [sandbox, out] = await Promise.all([startTestSandbox(), buildOnce()]);
  const cli = layout(sandbox.home);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...sandbox.env,
    AWS_ENDPOINT_URL: sandbox.endpoint,
    AWS_CONFIG_FILE: cli.configFile,
    AWS_SHARED_CREDENTIALS_FILE: cli.credentialsFile,
  };
  delete env.LAB_TARGET;
  delete env.AWS_PROFILE;
  // The SDK's credential chain reads the files named in this process's environment.
  for (const k of ['AWS_ENDPOINT_URL', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
    saved[k] = process.env[k];
    process.env[k] = env[k];
  }
  const target = await resolveTarget({ home: sandbox.home, env, target: 'aws' });
  expect(target.kind).toBe('aws');
  await startLab({ lab: 'day42', target, home: sandbox.home, env }); // `lab start day42 --target aws`
  target.close();
  services = learnerServices({
    home: sandbox.home,
    labsDir: labsRoot(),
    target: 'aws',
    env,
    say: (line) => printed.push(line),
  });
  server = createSiteServer({ distDir: out, host: '127.0.0.1', labs: services.labs, access });
  url = await listen(server, 0, '127.0.0.1');
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  server?.closeAllConnections();
  server?.close();
  services?.close();
  await sandbox?.stop();
  removeTemp();
});

const cleanup = async (body: unknown) => {
  const r = await fetch(`${url}api/labs/day42/cleanup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-lab-token': access.token },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, text, json: JSON.parse(text) };
};
const userExists = () =>
  adminClients(sandbox)
    .iam.send(new GetUserCommand({ UserName: 'iam-admin' }))
    .then(
      () => true,
      () => false,
    );

describe('the AWS cleanup asked through the API', () => {
  it('is confirmed only by the code printed in the lab serve terminal, never by what the API said', async () => {
    const asked = await cleanup({});
    expect(asked.status).toBe(200);
    expect(asked.json.cleanup.state).toBe('confirm');
    expect(asked.json.cleanup.accountId).toBeUndefined();
    const code = /type this code on the page: (\w{4}-\w{4})/.exec(printed.join('\n'))![1];
    // Nothing any API answer holds confirms it: not the code (absent), not the account id
    // (which the plan and ARNs may carry), not anything else the caller could read.
    expect(asked.text).not.toContain(code);
    expect(asked.text).not.toContain(code.replace('-', ''));
    const account = /AWS account (\d{12})/.exec(printed.join('\n'))![1];
    const progress = await (
      await fetch(`${url}api/labs/day42/progress`, { headers: { 'x-lab-token': access.token } })
    ).text();
    expect(progress).not.toContain(code);
    for (const guess of [account, ` ${account} `, 'yes', asked.json.cleanup.plan.join('\n')]) {
      const r = await cleanup({ confirm: guess });
      expect(r.json.cleanup.state, guess).toBe('confirm');
      expect(r.json.cleanup.message).toMatch(/nothing was changed/);
      expect(await userExists()).toBe(true);
    }
    // The code printed before those tries is void (one try per code); the latest works, once.
    expect((await cleanup({ confirm: code })).json.cleanup.state).toBe('confirm');
    expect(await userExists()).toBe(true);
    const fresh = /type this code on the page: (\w{4}-\w{4})/.exec(printed.at(-1)!)![1];
    const done = await cleanup({ confirm: fresh });
    expect(done.json.cleanup.state).toBe('done');
    expect(await userExists()).toBe(false);
  });
});
