#!/usr/bin/env node
// Class server benchmark: (1) ingest rate with 200 concurrent learner clients,
// each sending its `lab check` results (6 steps per request, as the outbox
// does) to a real server process (`lab class serve`) over loopback HTTP;
// (2) report time for 1,000 learners × 10 labs × 6 steps. Both stores.
//
//   node bench/class.mjs [--store sqlite|postgres|both] [--seconds 10] [--clients 200]
//
// PostgreSQL: a throwaway server (test/helpers/postgres.ts), or DATABASE_URL if set.
// Prints figures; bench/README.md records a run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openClassStore } from '../runner/class/store/index.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';
import { serveClass } from './class-server.mjs';

const { values: opt } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '200' },
    learners: { type: 'string', default: '1000' },
    labs: { type: 'string', default: '10' },
    steps: { type: 'string', default: '6' },
  },
});
const ROOT = new URL('..', import.meta.url).pathname;
const SECONDS = Number(opt.seconds);
const CLIENTS = Number(opt.clients);
const L = Number(opt.learners);
const LABS = Number(opt.labs);
const STEPS = Number(opt.steps);

async function ingest(kind, databaseUrl) {
  const home = mkdtempSync(join(tmpdir(), 'lab-bench-class-'));
  const store = await openClassStore({ databaseUrl, sqlitePath: join(home, 'class', 'class.db') });
  const cls = await store.createClass('bench');
  const tokens = [];
  for (let i = 0; i < CLIENTS; i++)
    tokens.push((await store.join(cls.joinCode, `learner ${i}`)).token);
  await store.close();
  const { url, child } = await serveClass(home, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const stepIds = Array.from({ length: STEPS }, (_, i) => `step-${i}`);
  let results = 0;
  let requests = 0;
  let errors = 0;
  const latencies = [];
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    tokens.map(async (token, c) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const at = Date.now();
        const body = JSON.stringify({
          results: stepIds.map((step, s) => ({
            key: `c${c}-n${n}-${step}`,
            lab: 'day42',
            step,
            status: s <= n % STEPS ? 'passed' : 'failed',
            evidence: s <= n % STEPS ? 'ok' : 'AKIAIOSFODNN7EXAMPLE still exists (Active)',
            at,
          })),
        });
        const r0 = performance.now();
        const res = await fetch(`${url}/api/v1/results`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        const out = await res.json();
        latencies.push(performance.now() - r0);
        requests++;
        if (res.status === 200) results += out.accepted;
        else errors++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  // Every accepted result is in the store, once.
  const check = await openClassStore({ databaseUrl, sqlitePath: join(home, 'class', 'class.db') });
  const stored = await check.countResults(cls.classId);
  await check.close();
  rmSync(home, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.floor((latencies.length - 1) * p)].toFixed(1);
  console.log(
    `${kind.padEnd(8)} ingest: ${CLIENTS} clients, ${elapsed.toFixed(1)} s: ${results} results (${requests} requests, ${errors} errors, ${stored} stored) = ${Math.round(results / elapsed)} results/s; latency p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms`,
  );
}

async function report(kind, databaseUrl) {
  const home = mkdtempSync(join(tmpdir(), 'lab-bench-class-'));
  const store = await openClassStore({ databaseUrl, sqlitePath: join(home, 'class', 'class.db') });
  const cls = await store.createClass('bench');
  const t0 = performance.now();
  let seeded = 0;
  // Each learner: per lab, progressed through a random number of steps, with a failure or two
  // before each pass and on the step they are at.
  let rnd = 42;
  const rand = (n) => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31), rnd % n);
  const learners = [];
  for (let i = 0; i < L; i++) learners.push(await store.join(cls.joinCode, `learner ${i}`));
  const T0 = Date.parse('2026-11-01T09:00:00Z');
  const pool = 8;
  for (let i = 0; i < L; i += pool) {
    await Promise.all(
      learners.slice(i, i + pool).map((l) => {
        const results = [];
        for (let lab = 0; lab < LABS; lab++) {
          const reached = rand(STEPS + 1);
          let t = T0 + rand(30 * 86_400) * 1000;
          for (let s = 0; s < STEPS; s++) {
            const fails = s < reached ? rand(2) : s === reached ? 1 + rand(2) : 0;
            for (let f = 0; f < fails; f++) {
              results.push({
                key: `${lab}-${s}-f${f}`,
                lab: `lab-${lab}`,
                step: `step-${s}`,
                status: 'failed',
                evidence: `reason ${rand(3)}`,
                at: (t += 60_000),
              });
            }
            if (s < reached) {
              results.push({
                key: `${lab}-${s}-p`,
                lab: `lab-${lab}`,
                step: `step-${s}`,
                status: 'passed',
                evidence: 'ok',
                at: (t += 60_000),
              });
            } else if (s > reached) {
              results.push({
                key: `${lab}-${s}-n`,
                lab: `lab-${lab}`,
                step: `step-${s}`,
                status: 'pending',
                at: t,
              });
            }
          }
        }
        seeded += results.length;
        return store.recordResults({ classId: cls.classId, learnerId: l.learnerId }, results);
      }),
    );
  }
  const seedS = (performance.now() - t0) / 1000;
  await store.close();
  const { url, child } = await serveClass(home, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const get = async (path) => {
    const r0 = performance.now();
    const res = await fetch(url + path, {
      headers: { authorization: `Bearer ${cls.instructorToken}` },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${text}`);
    return { ms: performance.now() - r0, bytes: text.length };
  };
  const base = `/api/v1/classes/${cls.classId}/report`;
  // The machine is shared: wall time stretches with its load. The server process's own CPU
  // time per request (Linux /proc, 10 ms ticks) says what the report costs.
  const cpuMs = () => {
    try {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      return NaN;
    }
  };
  const time = async (label, path) => {
    await get(path); // warm up (step order lookups, statement caches)
    const runs = [];
    const cpu0 = cpuMs();
    for (let i = 0; i < 5; i++) runs.push(await get(path));
    const cpu = (cpuMs() - cpu0) / 5;
    runs.sort((a, b) => a.ms - b.ms);
    const med = runs[2];
    console.log(
      `${kind.padEnd(8)} report ${label}: median ${med.ms.toFixed(0)} ms (min ${runs[0].ms.toFixed(0)}, max ${runs[4].ms.toFixed(0)}), server CPU ${cpu.toFixed(0)} ms/request, ${(med.bytes / 1024).toFixed(0)} KB`,
    );
  };
  console.log(
    `${kind.padEnd(8)} seeded ${L} learners × ${LABS} labs × ${STEPS} steps: ${seeded} results in ${seedS.toFixed(1)} s`,
  );
  await time('one lab, JSON', `${base}?lab=lab-3`);
  await time('one lab, CSV', `${base}?lab=lab-3&format=csv`);
  await time('one lab, HTML dashboard', `${base}?lab=lab-3&format=html`);
  await time(`all ${LABS} labs, dashboard overview`, `/class/${cls.classId}/dashboard`);
  await time(`all ${LABS} labs, JSON (every cell)`, base);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}

const kinds = opt.store === 'both' ? ['sqlite', 'postgres'] : [opt.store];
let pg;
try {
  for (const kind of kinds) {
    let url;
    if (kind === 'postgres') {
      if (process.env.DATABASE_URL) url = process.env.DATABASE_URL;
      else {
        pg ??= await startTestPostgres();
        url = await pg.createDatabase();
      }
    }
    await ingest(kind, url);
    if (kind === 'postgres' && !process.env.DATABASE_URL) url = await pg.createDatabase();
    await report(kind, url);
  }
} finally {
  await pg?.stop();
}
