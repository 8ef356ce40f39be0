#!/usr/bin/env node
// Gateway overhead: the same signed calls sent directly to the engine (moto) and through the
// gateway, side by side in one run. p50/p99 latency and requests/s at 1 and 32 concurrent clients.
//   node bench/gateway.mjs [--requests 200] [--rounds 10]   (requests per block, alternating blocks)
// Starts its own engine (sandbox/engine/engine.py) and gateway process (sandbox/gateway/main.ts)
// on free ports in a temp dir; prints a Markdown table (results go in bench/README.md).
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
  },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);

// The engine serves only requests carrying its per-start secret (sandbox/lifecycle/secret.ts);
// direct calls here add it as the gateway does, so both sides do the same work.
const SECRET = randomBytes(32).toString('base64url');

function startProcess(cmd, args) {
  const env = { ...process.env, LAB_ENGINE_SECRET: SECRET };
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let err = '';
  proc.stderr.on('data', (c) => (err += c));
  const ready = new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      const m = /^ready (\S+)/.exec(l);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${err}`)));
  });
  return { proc, ready };
}

const OPS = {
  'sts GetCallerIdentity': { service: 'sts', body: 'Action=GetCallerIdentity&Version=2011-06-15' },
  'iam ListUsers': { service: 'iam', body: 'Action=ListUsers&Version=2010-05-08' },
  // Issue 11: EC2 (query protocol) and S3 (REST: a bucket listing with %2F in its query, a small
  // object read, an object write; S3 object calls are data events and are not recorded).
  'ec2 DescribeInstances': {
    service: 'ec2',
    body: 'Action=DescribeInstances&Version=2016-11-15',
  },
  's3 ListObjectsV2 (prefix a/b)': {
    service: 's3',
    method: 'GET',
    path: '/bench-bucket',
    query: { 'list-type': '2', prefix: 'a/b' },
    body: '',
  },
  's3 GetObject (1 KiB)': { service: 's3', method: 'GET', path: '/bench-bucket/a/b/1k', body: '' },
  's3 PutObject (1 KiB)': {
    service: 's3',
    method: 'PUT',
    path: '/bench-bucket/a/b/put',
    body: 'x'.repeat(1024),
  },
};
// What the S3 rows need first: the bucket and the object they read.
const SETUP = [
  { service: 's3', method: 'PUT', path: '/bench-bucket', body: '' },
  { service: 's3', method: 'PUT', path: '/bench-bucket/a/b/1k', body: 'x'.repeat(1024) },
];

// Signed once per target (the Host header is signed, so direct and gateway differ): the client's
// signing cost stays out of the measurement. The run is well inside the 5-minute expiry window.
async function presign(url, creds, op, direct = false) {
  const u = new URL(url);
  const plain = new SignatureV4({
    credentials: creds,
    region: 'us-east-1',
    service: op.service,
    sha256: Sha256,
  });
  const rest = op.service === 's3';
  const signer = rest
    ? new SignatureV4({
        credentials: creds,
        region: 'us-east-1',
        service: 's3',
        sha256: Sha256,
        uriEscapePath: false, // S3 signs the path as sent (no double encoding)
      })
    : plain;
  const headers = rest
    ? { host: u.host, 'x-amz-content-sha256': createHash('sha256').update(op.body).digest('hex') }
    : { host: u.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const signed = await signer.sign({
    method: op.method ?? 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: op.path ?? '/',
    query: op.query,
    headers,
    body: op.body,
  });
  const qs = op.query ? `?${new URLSearchParams(op.query).toString().replace(/\+/g, '%20')}` : '';
  return {
    url: u,
    method: op.method ?? 'POST',
    path: (op.path ?? '/') + qs,
    headers: {
      ...signed.headers,
      'content-length': String(Buffer.byteLength(op.body)),
      ...(direct ? { 'x-labrunner-secret': SECRET } : {}),
    },
    body: op.body,
  };
}

function send(agent, req) {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        hostname: req.url.hostname,
        port: req.url.port,
        path: req.path,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

// One block of `total` requests from `concurrency` clients: every latency, and the wall time.
async function block(req, concurrency, total) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const s = process.hrtime.bigint();
        await send(agent, req);
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  agent.destroy();
  return { lat, secs: Number(process.hrtime.bigint() - t0) / 1e9, n: total };
}

/** Pool blocks: percentiles over every latency, throughput = requests / time. */
function summarise(blocks) {
  const lat = blocks.flatMap((b) => b.lat).sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  const n = blocks.reduce((a, b) => a + b.n, 0);
  const secs = blocks.reduce((a, b) => a + b.secs, 0);
  return { p50: q(0.5), p99: q(0.99), rps: n / secs };
}

// CPU time (user + system) a process has used, in ms; Linux /proc only, else NaN. On a shared
// machine this is steadier than wall-clock figures: it is the gateway's own cost per request.
function cpuMs(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return NaN;
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-bench-'));
  const engine = startProcess('python3', [
    path.join(root, 'sandbox/engine/engine.py'),
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--state-dir',
    path.join(dir, 'engine'),
  ]);
  const engineUrl = await engine.ready;
  const gateway = startProcess(process.execPath, [
    path.join(root, 'sandbox/gateway/main.ts'),
    '--port',
    '0',
    '--engine',
    engineUrl,
    '--state-dir',
    path.join(dir, 'gateway'),
    // botocore's service models, as `lab sandbox start` finds them (sandbox/lifecycle/botocore.ts).
    '--models',
    execFileSync('python3', [
      '-c',
      'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))',
    ])
      .toString()
      .trim(),
  ]);
  const gatewayUrl = await gateway.ready;
  const creds = JSON.parse(
    fs.readFileSync(path.join(dir, 'engine', 'identities.json'), 'utf8'),
    // Signed as the learner: the runner's reads skip the activity log (cloudtrail/runner-reads.ts)
    // and its list-users is not filtered, so it would understate what a learner's call costs.
  ).learner;
  const rows = [];
  try {
    for (const op of SETUP) await send(new http.Agent(), await presign(gatewayUrl, creds, op));
    for (const [name, op] of Object.entries(OPS)) {
      const direct = await presign(engineUrl, creds, op, true);
      const via = await presign(gatewayUrl, creds, op);
      await block(direct, 4, 200); // warm-up: imports, caches, pooled sockets
      await block(via, 4, 200);
      for (const c of [1, 32]) {
        const d = [];
        const g = [];
        let gwCpu = 0;
        let engineCpu = 0;
        // Many short alternating blocks, so drift (GC, other load on a shared machine) hits
        // direct and gateway alike; figures pool all blocks of a side.
        for (let i = 0; i < ROUNDS; i++) {
          const e0 = cpuMs(engine.proc.pid);
          d.push(await block(direct, c, REQUESTS));
          engineCpu += cpuMs(engine.proc.pid) - e0;
          const g0 = cpuMs(gateway.proc.pid);
          g.push(await block(via, c, REQUESTS));
          gwCpu += cpuMs(gateway.proc.pid) - g0;
        }
        const n = ROUNDS * REQUESTS;
        rows.push({
          name,
          c,
          d: summarise(d),
          g: summarise(g),
          cpu: { gateway: gwCpu / n, engine: engineCpu / n },
        });
      }
    }
  } finally {
    gateway.proc.kill('SIGTERM');
    engine.proc.kill('SIGTERM');
  }
  const f = (x) => x.toFixed(2);
  console.log(
    `\n${os.cpus().length} CPUs (${os.cpus()[0].model}), node ${process.version}, ${ROUNDS} alternating blocks of ${REQUESTS} requests per side and cell\n`,
  );
  console.log(
    '| call | clients | direct p50 ms | gateway p50 ms | p50 overhead ms | direct p99 ms | gateway p99 ms | direct req/s | gateway req/s | throughput ratio | gateway CPU ms/req | engine CPU ms/req |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { name, c, d, g, cpu } of rows) {
    console.log(
      `| ${name} | ${c} | ${f(d.p50)} | ${f(g.p50)} | ${f(g.p50 - d.p50)} | ${f(d.p99)} | ${f(g.p99)} | ${d.rps.toFixed(0)} | ${g.rps.toFixed(0)} | ${((g.rps / d.rps) * 100).toFixed(1)} % | ${f(cpu.gateway)} | ${f(cpu.engine)} |`,
    );
  }
  console.log(
    `\nload average during the run (1/5/15 min): ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
