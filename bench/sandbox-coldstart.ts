// Sandbox start-up: time from `ensureSandbox` (what `lab sandbox start` runs) to the first
// successful signed call through the gateway.
//   cold: an empty LAB_HOME (first boot: moto imports, identities bootstrap, first snapshot)
//   warm: a LAB_HOME with state (20 users with keys and policies, an EC2 security group), stopped
// Usage: node bench/sandbox-coldstart.ts [runs=5]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  ensureSandbox,
  freePort,
  sandboxDirs,
  stopSandbox,
  type SandboxInfo,
} from '../sandbox/index.ts';

const runs = Number(process.argv[2] ?? 5);

function clients(info: SandboxInfo) {
  const cfg = {
    endpoint: info.endpoint,
    region: info.region,
    credentials: info.runner,
    maxAttempts: 1,
  };
  return { sts: new STSClient(cfg), iam: new IAMClient(cfg), ec2: new EC2Client(cfg) };
}

interface Sample {
  ensure: number;
  firstCall: number;
  total: number;
  iam: number;
  ec2: number;
  engineLog: string;
}

async function once(home: string): Promise<Sample> {
  const port = await freePort();
  const t0 = performance.now();
  const info = await ensureSandbox({ home, port });
  const t1 = performance.now();
  const c = clients(info);
  await c.sts.send(new GetCallerIdentityCommand({}));
  const t2 = performance.now();
  await c.iam.send(new ListUsersCommand({}));
  const t3 = performance.now();
  await c.ec2.send(new DescribeInstancesCommand({}));
  const t4 = performance.now();
  const log = readFileSync(sandboxDirs(home).engineLog, 'utf8').trim().split('\n');
  const startup = log.filter((l) => l.includes('startup:')).pop() ?? '';
  await stopSandbox({ home });
  return {
    ensure: t1 - t0,
    firstCall: t2 - t1,
    total: t2 - t0,
    iam: t3 - t2,
    ec2: t4 - t3,
    engineLog: startup.replace(/^.*startup: /, ''),
  };
}

async function seed(home: string) {
  const info = await ensureSandbox({ home, port: await freePort() });
  const { iam, ec2 } = clients(info);
  for (let i = 0; i < 20; i++) {
    await iam.send(new CreateUserCommand({ UserName: `bench-${i}` }));
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: `bench-${i}`,
        PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      }),
    );
    await iam.send(new CreateAccessKeyCommand({ UserName: `bench-${i}` }));
  }
  await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bench', Description: 'bench' }));
  await stopSandbox({ home });
  // The engine logs every snapshot it writes (one per acknowledged write).
  const rows = readFileSync(sandboxDirs(home).engineLog, 'utf8')
    .split('\n')
    .map((l) => /snapshot (\w+): (\d+) bytes, pickle ([\d.]+) ms, write ([\d.]+) ms/.exec(l))
    .filter((m) => m !== null);
  console.log(`\nsnapshot per acknowledged write, while seeding (${rows.length} writes)`);
  for (const svc of [...new Set(rows.map((m) => m[1]))]) {
    const mine = rows.filter((m) => m[1] === svc);
    console.log(
      `  ${svc.padEnd(4)} ${mine.length} writes, size ${fmtKb(mine.map((m) => Number(m[2])))}; ` +
        `pickle ${fmt(mine.map((m) => Number(m[3])))}; write+fsync ${fmt(mine.map((m) => Number(m[4])))}`,
    );
  }
}

const fmtKb = (xs: number[]) =>
  `${(stats(xs).median / 1024).toFixed(0)} KB (max ${(stats(xs).max / 1024).toFixed(0)})`;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
const fmt = (xs: number[]) => {
  const { median, min, max } = stats(xs);
  return `${median.toFixed(0).padStart(5)} ms  (min ${min.toFixed(0)}, max ${max.toFixed(0)})`;
};

function report(name: string, samples: Sample[]) {
  console.log(`\n${name} (${samples.length} runs, median/min/max)`);
  console.log(`  ensureSandbox (both processes ready)   ${fmt(samples.map((s) => s.ensure))}`);
  console.log(`  then first call (sts:GetCallerIdentity) ${fmt(samples.map((s) => s.firstCall))}`);
  console.log(`  = start to first successful call        ${fmt(samples.map((s) => s.total))}`);
  console.log(`  next: first iam:ListUsers              ${fmt(samples.map((s) => s.iam))}`);
  console.log(`  next: first ec2:DescribeInstances      ${fmt(samples.map((s) => s.ec2))}`);
  console.log(`  engine's own phases (last run): ${samples[samples.length - 1].engineLog}`);
}

console.log(
  `node ${process.version}, ${runs} runs each, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const cold: Sample[] = [];
for (let i = 0; i < runs; i++) {
  const home = mkdtempSync(join(tmpdir(), 'lab-bench-cold-'));
  try {
    cold.push(await once(home));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
report('cold start (empty state)', cold);

const home = mkdtempSync(join(tmpdir(), 'lab-bench-warm-'));
try {
  await seed(home);
  const warm: Sample[] = [];
  for (let i = 0; i < runs; i++) warm.push(await once(home));
  report('warm start (20 users + keys + policies, an EC2 security group)', warm);
} finally {
  rmSync(home, { recursive: true, force: true });
}
console.log(
  `\nload average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
