// The fidelity table (table.ts) as a test: every row through both AWS CLIs (pyenv v1 `aws`,
// Debian's v2 `/usr/bin/aws`) against one sandbox, as a learner in `lab shell` runs them (the
// sandbox's own environment: isolated CLI files where the admin is the default profile),
// compared with what AWS answers: error code and message, HTTP status, exit code, JSON output
// and the event-history record. `match` rows must match; `differs`/`unverified` rows are run and
// shown (their reason is in the table and docs/fidelity.md). Also: docs/fidelity.md is current.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProcessEnv, type SandboxInfo } from '../../sandbox/index.ts';
import { sdk, type Creds } from '../sandbox/clients.ts';
import { startGatewayFixture, type GatewayFixture } from '../sandbox/gateway-fixture.ts';
import { compare, type CliRun, type TrailDoc } from './compare.ts';
import { renderFidelityDoc, DOC_PATH } from './render.ts';
import { TABLE, type Profile, type Row } from './table.ts';
import { setupStateRules } from './state-rules-setup.ts';
import { setupNextSteps } from './next-steps-setup.ts';
import { scaled } from '../helpers/timeouts.ts';
import { debianCli } from '../helpers/warm-cli/install.ts';

// ~160 rows through two CLIs each, a sandbox restart and their setup: minutes on a busy machine.
// Measured on 2 cores: 73 rows 625 s at load ~34 (1003 s at load 47); 162 rows 599 s at load ~22.
const SLOW = scaled(400_000); // 1200 s at the default factor

/** One CLI run's bound: 90 s at the default factor. */
const RUN_MS = scaled(30_000);
const CLIS = { v1: 'aws', v2: debianCli() } as const;
type Cli = keyof typeof CLIS;
const PARALLEL = 6;
const ENDPOINT_SHIM = fileURLToPath(
  new URL('../../sandbox/lifecycle/aws-endpoint.py', import.meta.url),
);
/** The interpreter in Debian's /usr/bin/aws shebang (`#!/usr/bin/python3`), as the wrapper reads it. */
const pythonOfV2 = () =>
  fs
    .readFileSync(CLIS.v2, 'utf8')
    .split('\n')[0]
    .replace(/^#!\s*/, '');

let fx: GatewayFixture;
let skewMs = 0;
let tmp: string;
const envs = new Map<Profile, Record<string, string>>();
/** Per-CLI values for the placeholders in commands ({KEY_TO_DELETE}…). */
const values: Record<Cli, Record<string, string>> = { v1: {}, v2: {} };
const runs = new Map<string, CliRun>();
/** Every event a run recorded (a role profile's run has the CLI's AssumeRole first). */
const events = new Map<string, TrailDoc[]>();
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/lab-viewer`;
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
/** While writing rows: FIDELITY_ROWS=<regex> runs only the rows whose id matches. */
const ROWS = process.env.FIDELITY_ROWS
  ? TABLE.filter((r) => new RegExp(process.env.FIDELITY_ROWS!).test(r.id))
  : TABLE;
const clisOf = (row: Row): Cli[] => (row.clis ? [row.clis.only] : ['v1', 'v2']);
/** A role profile's run gets a HOME of its own: the CLI caches the session in ~/.aws/cli/cache. */
const homeOf = (row: Row, cli: Cli) => path.join(tmp, 'home', marker(row, cli));

const marker = (row: Row, cli: Cli) => `fidelity-${row.id}-${cli}`;

function runCli(row: Row, cli: Cli): Promise<CliRun> {
  const args = row.command.map((a) => a.replace(/\{(\w+)\}/g, (_, k: string) => values[cli][k]));
  const debug = row.aws.status !== undefined ? ['--debug'] : [];
  const env: Record<string, string> = { ...envs.get(row.as)!, AWS_EXECUTION_ENV: marker(row, cli) };
  if (row.as === 'role-session') {
    fs.mkdirSync(homeOf(row, cli), { recursive: true });
    env.HOME = homeOf(row, cli);
  }
  // A role profile's own AssumeRole reaches the sandbox only through AWS_ENDPOINT_URL, which
  // Debian's v2 2.9 predates: `lab shell`'s aws wrapper runs it through aws-endpoint.py (as its
  // shebang's Python), and so does this test; everything else gets --endpoint-url.
  const [bin, argv] =
    row.as === 'role-session' && cli === 'v2'
      ? [pythonOfV2(), [ENDPOINT_SHIM, CLIS.v2, ...debug, ...args]]
      : [CLIS[cli], ['--endpoint-url', fx.url, ...debug, ...args]];
  return new Promise((resolve, reject) => {
    execFile(bin, argv, { env, timeout: RUN_MS, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        return reject(new Error(`${CLIS[cli]} not found: .ci/run installs both AWS CLIs`));
      }
      resolve({ cli, exit: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
    }),
  );
}

/** One config dir per profile variant: `iam-admin` holds the variant's credentials. */
function writeProfiles(admin: Creds, keys: Record<string, Creds>) {
  const base = (
    name: string,
    iamAdmin: Creds | undefined,
    region: string | undefined,
    /** Another lab user's profile (region us-east-1), as the lab has the learner configure it. */
    other?: { profile: string; creds: Creds },
    extraConfig = '',
  ) => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, 'sandbox'), { recursive: true });
    // As `lab sandbox start` writes them: the admin is the default profile (and sandbox-admin).
    const config =
      `[default]\nregion = us-east-1\noutput = json\n` +
      `[profile sandbox-admin]\nregion = us-east-1\noutput = json\n` +
      `[profile iam-admin]\n${region ? `region = ${region}\n` : ''}output = json\n` +
      (other ? `[profile ${other.profile}]\nregion = us-east-1\noutput = json\n` : '') +
      extraConfig;
    const section = (n: string, c: Creds) =>
      `[${n}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n`;
    fs.writeFileSync(path.join(dir, 'config'), config);
    fs.writeFileSync(
      path.join(dir, 'credentials'),
      section('default', admin) +
        section('sandbox-admin', admin) +
        (iamAdmin ? section('iam-admin', iamAdmin) : '') +
        (other ? section(other.profile, other.creds) : ''),
    );
    const info = {
      home: dir,
      endpoint: fx.url,
      region: 'us-east-1',
      accountId: '123456789012',
      learner: fx.admin,
      runner: fx.admin,
      configFile: path.join(dir, 'config'),
      credentialsFile: path.join(dir, 'credentials'),
    } as SandboxInfo;
    // Exactly what `lab shell` / `eval "$(lab sandbox env)"` give a learner.
    envs.set(name as Profile, { ...sandboxProcessEnv(info), AWS_PAGER: '' });
  };
  base('sandbox-admin', keys.good, 'ap-southeast-2');
  base('iam-admin', keys.good, 'ap-southeast-2');
  base('unknown-profile', keys.good, 'ap-southeast-2');
  base(
    'wrong-secret',
    { ...keys.good, secretAccessKey: wrongSecret(keys.good.secretAccessKey) },
    'ap-southeast-2',
  );
  base('inactive-key', keys.inactive, 'ap-southeast-2');
  base('deleted-key', keys.deleted, 'ap-southeast-2');
  base('no-region', keys.good, undefined);
  base('no-rights', keys.good, 'ap-southeast-2', { profile: 'lab-ec2-intern', creds: keys.intern });
  base('group-member', keys.good, 'ap-southeast-2', { profile: 'lab-reader', creds: keys.reader });
  // iam-roles' configure-profile step, as the lab has the learner type it.
  base(
    'role-session',
    keys.good,
    'ap-southeast-2',
    undefined,
    `[profile lab-viewer]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nregion = us-east-1\n`,
  );
}

/** The same secret with its first character changed (to a character it is not). */
function wrongSecret(secret: string): string {
  return (secret[0] === 'x' ? 'y' : 'x') + secret.slice(1);
}

async function allEvents(region: string): Promise<TrailDoc[]> {
  const ct = sdk(fx.url, fx.admin, { region }).cloudtrail;
  const docs: TrailDoc[] = [];
  let NextToken: string | undefined;
  do {
    const out = await ct.send(new LookupEventsCommand({ MaxResults: 50, NextToken }));
    for (const e of out.Events ?? []) docs.push(JSON.parse(e.CloudTrailEvent!) as TrailDoc);
    NextToken = out.NextToken;
  } while (NextToken);
  return docs;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fidelity-'));
  fx = await startGatewayFixture({ clock: () => Date.now() - skewMs });
  const { iam } = sdk(fx.url, fx.admin, { region: 'us-east-1' });
  const key = async (user: string): Promise<Creds> => {
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
    return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  };
  const user = async (name: string, policy?: string) => {
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (policy) await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy }));
  };
  // The lab's setup: iam-admin with IAMFullAccess. Its keys: one deleted, one working, one
  // deactivated (so two exist: a third is refused).
  await user('iam-admin', 'arn:aws:iam::aws:policy/IAMFullAccess');
  const deleted = await key('iam-admin');
  await iam.send(
    new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: deleted.accessKeyId }),
  );
  const good = await key('iam-admin');
  const inactive = await key('iam-admin');
  await iam.send(
    new UpdateAccessKeyCommand({
      UserName: 'iam-admin',
      AccessKeyId: inactive.accessKeyId,
      Status: 'Inactive',
    }),
  );
  // Rows that change state work on users of their own, one per CLI.
  for (const cli of Object.keys(CLIS) as Cli[]) {
    values[cli].NEW_KEY_USER = `fid-new-${cli}`;
    await user(values[cli].NEW_KEY_USER);
    const clean = `fid-clean-${cli}`;
    values[cli].CLEANUP_USER = clean;
    await user(clean);
    const gone = await key(clean);
    await iam.send(new DeleteAccessKeyCommand({ UserName: clean, AccessKeyId: gone.accessKeyId }));
    values[cli].GONE_KEY = gone.accessKeyId;
    values[cli].KEY_TO_DEACTIVATE = (await key(clean)).accessKeyId;
    values[cli].KEY_TO_DELETE = (await key(clean)).accessKeyId;
  }
  // s3-basics and ec2-first-instance: a user with no permissions; per-CLI buckets (one with an
  // object in it, one in Sydney), key pair and group names.
  await user('lab-ec2-intern');
  const intern = await key('lab-ec2-intern');
  const s3 = new S3Client({
    endpoint: fx.url,
    region: 'us-east-1',
    credentials: fx.admin,
    forcePathStyle: true,
  });
  const sydney = new S3Client({
    endpoint: fx.url,
    region: 'ap-southeast-2',
    credentials: fx.admin,
    forcePathStyle: true,
  });
  for (const cli of Object.keys(CLIS) as Cli[]) {
    values[cli].NEW_BUCKET = `fid-new-${cli}`;
    values[cli].FULL_BUCKET = `fid-full-${cli}`;
    values[cli].NEW_KEY_PAIR = `fid-kp-${cli}`;
    values[cli].NEW_GROUP = `fid-sg-${cli}`;
    const ssh = await sdk(fx.url, fx.admin, { region: 'us-east-1' }).ec2.send(
      new CreateSecurityGroupCommand({ GroupName: `fid-ssh-${cli}`, Description: 'SSH' }),
    );
    values[cli].SSH_GROUP_ID = ssh.GroupId!;
    await s3.send(new CreateBucketCommand({ Bucket: values[cli].FULL_BUCKET }));
    values[cli].SYD_BUCKET = `fid-syd-${cli}`;
    await sydney.send(
      new CreateBucketCommand({
        Bucket: values[cli].SYD_BUCKET,
        CreateBucketConfiguration: { LocationConstraint: 'ap-southeast-2' },
      }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: values[cli].FULL_BUCKET, Key: 'hello.txt', Body: 'hi' }),
    );
    values[cli].PUBLIC_POLICY = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${values[cli].FULL_BUCKET}/*`,
        },
      ],
    });
  }
  // iam-groups: users and groups DeleteUser/DeleteGroup must refuse (DeleteConflict), per CLI.
  for (const cli of Object.keys(CLIS) as Cli[]) {
    values[cli].KEYED_USER = `fid-keyed-${cli}`;
    await user(values[cli].KEYED_USER);
    await key(values[cli].KEYED_USER);
    values[cli].MEMBER_USER = `fid-member-${cli}`;
    values[cli].FULL_GROUP = `fid-readers-${cli}`;
    values[cli].POLICY_GROUP = `fid-policy-${cli}`;
    await user(values[cli].MEMBER_USER);
    for (const g of [values[cli].FULL_GROUP, values[cli].POLICY_GROUP]) {
      await iam.send(new CreateGroupCommand({ GroupName: g }));
      await iam.send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: READ_ONLY }));
    }
    await iam.send(
      new AddUserToGroupCommand({
        GroupName: values[cli].FULL_GROUP,
        UserName: values[cli].MEMBER_USER,
      }),
    );
  }
  // iam-roles, per CLI: a trust policy for create-role, a role for attach-role-policy and one
  // with a policy attached (delete-role must refuse).
  const trustDoc = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  for (const cli of Object.keys(CLIS) as Cli[]) {
    values[cli].TRUST = trustDoc;
    values[cli].NEW_ROLE = `fid-new-role-${cli}`;
    values[cli].PLAIN_ROLE = `fid-plain-role-${cli}`;
    values[cli].ATTACHED_ROLE = `fid-attached-role-${cli}`;
    for (const r of [values[cli].PLAIN_ROLE, values[cli].ATTACHED_ROLE]) {
      await iam.send(new CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: trustDoc }));
    }
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: values[cli].ATTACHED_ROLE, PolicyArn: READ_ONLY }),
    );
  }
  // iam-roles: the role lab-viewer as its create-role and attach-policy steps make it.
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'lab-viewer',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-viewer', PolicyArn: READ_ONLY }));
  // iam-groups: lab-reader, whose only permissions come from its group lab-readers.
  await iam.send(new CreateGroupCommand({ GroupName: 'lab-readers' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'lab-readers', PolicyArn: READ_ONLY }));
  await user('lab-reader');
  await iam.send(new AddUserToGroupCommand({ GroupName: 'lab-readers', UserName: 'lab-reader' }));
  const reader = await key('lab-reader');
  writeProfiles(fx.admin, { good, inactive, deleted, intern, reader });
  await setupStateRules(fx.url, fx.admin, values);
  await setupNextSteps(fx.url, fx.admin, values, tmp);
  // A learner's sandbox is stopped and started between sessions: the rows run after a restart
  // (state survives it; CreateBucket on an own bucket must not replace it afterwards).
  await fx.restartEngine!();

  const jobs = ROWS.flatMap((row) => clisOf(row).map((cli) => ({ row, cli })));
  // Unskewed rows in parallel.
  await pool(
    jobs.filter((j) => !j.row.skewMinutes),
    PARALLEL,
    async ({ row, cli }) => void runs.set(marker(row, cli), await runCli(row, cli)),
  );
  // Skewed rows: one batch per skew, the gateway's clock moved back by it.
  for (const minutes of new Set(ROWS.map((r) => r.skewMinutes).filter(Boolean))) {
    skewMs = minutes! * 60_000;
    try {
      await pool(
        jobs.filter((j) => j.row.skewMinutes === minutes),
        PARALLEL,
        async ({ row, cli }) => void runs.set(marker(row, cli), await runCli(row, cli)),
      );
    } finally {
      skewMs = 0;
    }
  }
  for (const region of ['us-east-1', 'ap-southeast-2']) {
    for (const doc of await allEvents(region)) {
      const m = /exec-env\/(fidelity-\S+)/.exec(String(doc.userAgent));
      if (m) events.set(m[1], [...(events.get(m[1]) ?? []), doc]);
    }
  }
}, SLOW);

afterAll(async () => {
  await fx?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The run's event named as the row expects (a role profile's run records AssumeRole too). */
function eventOf(row: Row, cli: Cli): TrailDoc | undefined {
  const docs = events.get(marker(row, cli)) ?? [];
  return docs.find((d) => d.eventName === row.aws.event?.eventName) ?? docs[0];
}

describe.each(ROWS.map((r) => [r.id, r] as const))('%s', (_id, row) => {
  if (row.clis) {
    it(`runs with ${row.clis.only} only, and says why`, () => {
      expect(row.clis!.why).toBeTruthy();
    });
  }
  it.each(clisOf(row))(`${row.verdict === 'match' ? 'matches AWS' : row.verdict} (%s)`, (cli) => {
    const diffs = compare(row.aws, runs.get(marker(row, cli))!, eventOf(row, cli));
    if (row.verdict === 'match') {
      expect(diffs, `${row.command.join(' ')} as ${row.as}`).toEqual([]);
    } else {
      // Shown, not required: the table says why it cannot match.
      expect(row.why, 'a differs/unverified row says why').toBeTruthy();
    }
  });
});

describe('AssumeRole in event history (iam-roles)', () => {
  it("records the session the CLI got (its key id and token), never the session's secret", () => {
    const rows = ROWS.filter((r) => r.as === 'role-session');
    expect(rows.length).toBeGreaterThan(0);
    const all = JSON.stringify([...events.values()]);
    for (const row of rows) {
      for (const cli of clisOf(row)) {
        // What the CLI cached from AssumeRole's answer: the one place the secret is.
        const dir = path.join(homeOf(row, cli), '.aws', 'cli', 'cache');
        const files = fs.readdirSync(dir);
        expect(files.length, `${row.id} ${cli}: a cached session`).toBe(1);
        const cached = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8')) as {
          Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
        };
        const assume = (events.get(marker(row, cli)) ?? []).find(
          (d) => d.eventName === 'AssumeRole',
        ) as { responseElements?: { credentials?: Record<string, string> } } | undefined;
        expect(assume?.responseElements?.credentials?.accessKeyId).toBe(
          cached.Credentials.AccessKeyId,
        );
        expect(assume?.responseElements?.credentials?.sessionToken).toBe(
          cached.Credentials.SessionToken,
        );
        expect(all).not.toContain(cached.Credentials.SecretAccessKey);
      }
    }
  });
});

describe('docs/fidelity.md', () => {
  it('is rendered from the table (run: npm run fidelity:doc)', async () => {
    expect(fs.readFileSync(DOC_PATH, 'utf8')).toBe(await renderFidelityDoc(TABLE));
  });

  it('has a source for every row and a reason for every row that is not a match', () => {
    for (const r of TABLE) {
      expect(r.source, r.id).toBeTruthy();
      if (r.verdict !== 'match') expect(r.why, r.id).toBeTruthy();
    }
    expect(new Set(TABLE.map((r) => r.id)).size).toBe(TABLE.length);
  });
});
