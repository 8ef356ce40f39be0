// The sandbox console's API: the few IAM screens a lab walks through in the AWS
// console (Users → a user → Security credentials → access keys). It acts as the
// learner's console login, so its calls count as the learner's (see docs/site.md).
// The one secret it ever handles — a new key's secret access key — goes out in the
// creation response only: never logged, never stored, sent with Cache-Control: no-store.
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { Hono } from 'hono';
import { LabError } from '../errors.ts';
import { environmentError } from '../aws/index.ts';
import { HttpError, json, readJSON, type AppEnv } from '../http/index.ts';

const iso = (d?: Date) => (d ? d.toISOString() : null);

/**
 * AWS errors the learner caused (a third key, a key that is gone) become 4xx with AWS's
 * words; a sandbox that is not answering becomes 503 saying how to start it (the error
 * layer renders a LabError as 503 with its hint; no stack trace in the server's terminal).
 */
function awsError(e: unknown): never {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  if (status && status >= 400 && status < 500) {
    const code = err.name ?? 'aws_error';
    throw new HttpError(code === 'NoSuchEntity' ? 404 : 409, code, err.message ?? code);
  }
  const env = environmentError(e, { kind: 'sandbox' });
  if (env?.code === 'sandbox_down') {
    throw new LabError(
      'sandbox_down',
      'The local sandbox is not running.',
      'Start it in a terminal with `lab start <lab>` (or `lab sandbox start`), then reload this page.',
    );
  }
  throw env ?? e;
}

export function consoleApi(o: { iam: () => IAMClient }): Hono<AppEnv> {
  const send = async <T>(cmd: any): Promise<T> => {
    try {
      return (await o.iam().send(cmd)) as T;
    } catch (e) {
      awsError(e);
    }
  };
  const app = new Hono<AppEnv>();

  app.get('/api/console/users', async (c) => {
    const r = await send<any>(new ListUsersCommand({}));
    const users = (r.Users ?? []).map((u: any) => ({
      userName: u.UserName,
      arn: u.Arn,
      createDate: iso(u.CreateDate),
    }));
    return json(c, 200, { users });
  });

  app.get('/api/console/users/:user', async (c) => {
    const UserName = c.req.param('user');
    const user = await send<any>(new GetUserCommand({ UserName }));
    const keys = await send<any>(new ListAccessKeysCommand({ UserName }));
    const policies = await send<any>(new ListAttachedUserPoliciesCommand({ UserName }));
    // "Last used" as the console shows it in the key table and the delete dialog.
    const lastUsed = await Promise.all(
      (keys.AccessKeyMetadata ?? []).map((k: any) =>
        send<any>(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId })).then(
          (r) => r.AccessKeyLastUsed,
          () => undefined,
        ),
      ),
    );
    return json(c, 200, {
      userName: user.User.UserName,
      arn: user.User.Arn,
      createDate: iso(user.User.CreateDate),
      policies: (policies.AttachedPolicies ?? []).map((p: any) => p.PolicyName),
      keys: (keys.AccessKeyMetadata ?? []).map((k: any, i: number) => ({
        accessKeyId: k.AccessKeyId,
        status: k.Status,
        createDate: iso(k.CreateDate),
        lastUsed: lastUsed[i]?.LastUsedDate
          ? {
              date: iso(lastUsed[i].LastUsedDate),
              service: lastUsed[i].ServiceName ?? null,
              region: lastUsed[i].Region ?? null,
            }
          : null,
      })),
    });
  });

  app.post('/api/console/users/:user/keys', async (c) => {
    const body = await readJSON(c);
    if (body.acknowledge !== true) {
      throw new HttpError(
        400,
        'not_acknowledged',
        'Confirm that you understand the alternatives to long-term access keys first.',
      );
    }
    const r = await send<any>(new CreateAccessKeyCommand({ UserName: c.req.param('user') }));
    // The only response that ever carries a secret; json() marks it no-store.
    return json(c, 201, {
      userName: r.AccessKey.UserName,
      accessKeyId: r.AccessKey.AccessKeyId,
      secretAccessKey: r.AccessKey.SecretAccessKey,
      status: r.AccessKey.Status,
      createDate: iso(r.AccessKey.CreateDate),
    });
  });

  app.patch('/api/console/users/:user/keys/:key', async (c) => {
    const { user, key } = c.req.param();
    const body = await readJSON(c);
    if (body.status !== 'Active' && body.status !== 'Inactive') {
      throw new HttpError(400, 'bad_status', '`status` must be "Active" or "Inactive".');
    }
    await send(
      new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: key, Status: body.status }),
    );
    return json(c, 200, { accessKeyId: key, status: body.status });
  });

  app.delete('/api/console/users/:user/keys/:key', async (c) => {
    const { user, key } = c.req.param();
    const body = await readJSON(c);
    // As in the AWS console: the key id typed back is the confirmation.
    if (body.confirm !== key) {
      throw new HttpError(
        400,
        'not_confirmed',
        'To delete the key, type its access key id exactly.',
      );
    }
    // The AWS console only deletes an inactive key: deactivate first, as the lab teaches.
    const keys = await send<any>(new ListAccessKeysCommand({ UserName: user }));
    const found = (keys.AccessKeyMetadata ?? []).find((k: any) => k.AccessKeyId === key);
    if (!found) throw new HttpError(404, 'NoSuchEntity', `The access key ${key} does not exist.`);
    if (found.Status === 'Active') {
      throw new HttpError(409, 'deactivate_first', 'Deactivate the key before you delete it.');
    }
    await send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: key }));
    return json(c, 200, { accessKeyId: key, deleted: true });
  });

  return app;
}
