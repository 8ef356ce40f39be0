// g. Engine down: the gateway answers 503 ServiceUnavailable, AWS-shaped, saying what to run;
// once the engine is back (lab sandbox start), the same clients work again.
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSandbox } from '../../sandbox/index.ts';
import { aws, CLIS, failure, sdk } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';

const MESSAGE = 'The labrunner sandbox engine is not running. Run: lab sandbox start';
let fx: GatewayFixture;

beforeAll(async () => {
  fx = await startGatewayFixture();
});
afterAll(() => fx?.stop());

it('answers 503 ServiceUnavailable with what to run, then recovers', async () => {
  const c = sdk(fx.url, fx.admin);
  await c.iam.send(new ListUsersCommand({}));
  fx.killEngine(); // returns once the engine is gone

  expect(await failure(c.iam.send(new ListUsersCommand({})))).toMatchObject({
    name: 'ServiceUnavailable',
    status: 503,
    message: MESSAGE,
  });
  expect(await failure(c.ec2.send(new DescribeInstancesCommand({})))).toMatchObject({
    name: 'ServiceUnavailable',
    status: 503,
    message: MESSAGE,
  });
  for (const bin of CLIS) {
    const r = await aws(bin, ['--endpoint-url', fx.url, 'iam', 'list-users'], {
      ...fx.cliEnv(),
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(r.code).toBeGreaterThan(0);
    expect(r.stderr).toMatch(
      /An error occurred \(ServiceUnavailable\) when calling the ListUsers operation( \(reached max retries: \d+\))?: /,
    );
    expect(r.stderr).toContain(MESSAGE);
  }

  await ensureSandbox({ home: fx.sandbox!.home, port: Number(new URL(fx.url).port) });
  expect((await c.iam.send(new ListUsersCommand({}))).Users!.length).toBeGreaterThan(0);
  const { lines } = await fx.readActivity((ls) =>
    ls.some((l) => l.errorCode === 'ServiceUnavailable'),
  );
  expect(lines.find((l) => l.errorCode === 'ServiceUnavailable')).toMatchObject({
    eventName: 'ListUsers',
    errorMessage: MESSAGE,
  });
});
