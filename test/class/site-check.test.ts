// "Check my progress" in `lab serve` sends its results to the class, as `lab check` does:
// a learner who joined a class and works from the page shows up in the instructor's report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { startLab } from '../../runner/check/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { resolveTarget, type Target } from '../../runner/target/index.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { lab, labEnv, must, serveClass, tempHome, type ServerProcess } from './helpers.ts';

let sandbox: TestSandbox;
let server: ServerProcess;
let target: Target;
let services: LearnerServices;
let instructorHome: string;
let created: { classId: string; joinCode: string; instructorToken: string };

beforeAll(async () => {
  instructorHome = tempHome();
  const instructorEnv = labEnv(instructorHome);
  created = JSON.parse(
    must(await lab(['class', 'create', 'Page learners', '--json'], instructorEnv)).stdout,
  );
  [server, sandbox] = await Promise.all([
    serveClass(['class', 'serve', '--port', '0'], instructorEnv),
    startTestSandbox(),
  ]);
  must(
    await lab(
      ['join', server.url, '--code', created.joinCode, '--name', 'Pat'],
      labEnv(sandbox.home),
    ),
  );
  const env = { ...process.env, ...sandbox.env, LAB_HOME: sandbox.home, LAB_TARGET: 'sandbox' };
  target = await resolveTarget({ home: sandbox.home, env });
  await startLab({ lab: 'day42', target, home: sandbox.home, env });
  services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
});

afterAll(async () => {
  services?.close();
  target?.close();
  await Promise.all([server?.stop(), sandbox?.stop()]);
  if (instructorHome) rmSync(instructorHome, { recursive: true, force: true });
});

const report = async () =>
  JSON.parse(
    must(
      await lab(['report', 'day42', '--class', server.url, '--format', 'json'], {
        ...labEnv(tempHome()),
        LAB_CLASS_TOKEN: created.instructorToken,
      }),
    ).stdout,
  );

describe('"Check my progress" and the class', () => {
  it('reaches the class report, not tried first, then passed once the key exists', async () => {
    const before = (await services.labs.check('day42', 'create-key')).steps;
    expect(before.find((s) => s.id === 'create-key')?.status).toBe('not-tried');
    let pat = (await report()).labs[0].learners.find((l: { name: string }) => l.name === 'Pat');
    // Not tried is not a failure: the dashboard counts failures only for attempted steps.
    expect(pat.cells['create-key'].status).toBe('not-tried');
    expect(pat.cells['create-key'].failures).toBe(0);

    // The learner creates the key (as the console page would), then checks again from the page.
    await adminClients(sandbox).iam.send(new CreateAccessKeyCommand({ UserName: 'iam-admin' }));
    const after = (await services.labs.check('day42', 'create-key')).steps;
    expect(after.find((s) => s.id === 'create-key')?.status).toBe('passed');
    pat = (await report()).labs[0].learners.find((l: { name: string }) => l.name === 'Pat');
    expect(pat.cells['create-key'].status).toBe('passed');
    expect(pat.cells['create-key'].attempts).toBe(2);
  });
});
