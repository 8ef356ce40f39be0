#!/usr/bin/env node
// The instructor's pages at 1,000 learners × the five labs, as Chromium asks for them.
//
//   node bench/dashboard.mjs [--store sqlite|postgres|both] [--learners 1000] [--runs 7]
//
// Seeds a class (every learner somewhere in every lab, failures on the way, ~half the
// day42 keys still live), starts the real `lab class serve`, and measures, per page:
//   - the server's answer, end to end, with the encoding Chromium sends
//     (`gzip, deflate, br, zstd`) and with none, median of --runs, and the bytes sent;
//   - the open dashboard's 30 s refresh: a delta with nothing new, and after 20 learners
//     sent results (the full page it replaced is the "page" row above);
//   - first contentful paint in Chromium (signed in, cold cache), median of --runs;
//   - Brotli at quality 11 (what the server used before) against quality 4 and gzip on
//     the biggest page's bytes, in this process: the cost compression alone adds.
// Prints figures; bench/README.md records a run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  gunzipSync,
  gzipSync,
  zstdCompressSync,
  zstdDecompressSync,
} from 'node:zlib';
import { chromium } from 'playwright-core';
import { openClassStore } from '../runner/class/store/index.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';
import { serveClass } from './class-server.mjs';

const { values: opt } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    learners: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '7' },
  },
});
const ROOT = new URL('..', import.meta.url).pathname;
const L = Number(opt.learners);
const RUNS = Number(opt.runs);
const CHROMIUM_ACCEPT = 'gzip, deflate, br, zstd';
const LABS = {
  day42: ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup'],
  'ec2-first-instance': [
    'create-key-pair',
    'ssh-group',
    'launch',
    'inspect',
    'stop',
    'denied-launch',
    'terminate',
    'clean-up',
  ],
  'iam-groups': ['create-group', 'attach-policy', 'add-user', 'prove-rights', 'tear-down'],
  'iam-roles': [
    'create-role',
    'attach-policy',
    'configure-profile',
    'assume-role',
    'session-limits',
    'remove-role',
  ],
  's3-basics': ['create-bucket', 'upload', 'share-link', 'try-public', 'delete-bucket'],
};

/** The body as the browser reads it (the pages' text is used below: stamps, the biggest page). */
function decode(body, enc) {
  if (enc === 'zstd') return zstdDecompressSync(body);
  if (enc === 'br') return brotliDecompressSync(body);
  if (enc === 'gzip') return gunzipSync(body);
  return body;
}

let rnd = 42;
const rand = (n) => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31), rnd % n);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function resultsFor(round = 0) {
  const out = [];
  const T0 = Date.now() - 14 * 86_400_000;
  for (const [lab, steps] of Object.entries(LABS)) {
    const reached = rand(steps.length + 1);
    let t = T0 + rand(10 * 86_400) * 1000;
    steps.forEach((step, s) => {
      const fails = s < reached ? rand(2) : s === reached ? 1 + rand(2) : 0;
      for (let f = 0; f < fails; f++) {
        out.push({
          key: `${round}-${lab}-${s}-f${f}`,
          lab,
          step,
          status: 'failed',
          evidence: `reason ${rand(3)}`,
          at: (t += 60_000),
        });
      }
      if (s < reached) {
        out.push({
          key: `${round}-${lab}-${s}-p`,
          lab,
          step,
          status: 'passed',
          evidence: 'ok',
          at: (t += 60_000),
        });
      }
    });
  }
  return out;
}

async function run(kind, databaseUrl) {
  const home = mkdtempSync(join(tmpdir(), 'lab-bench-dash-'));
  const store = await openClassStore({ databaseUrl, sqlitePath: join(home, 'class', 'class.db') });
  const cls = await store.createClass('bench');
  const learners = [];
  for (let i = 0; i < L; i++) learners.push(await store.join(cls.joinCode, `learner ${i}`));
  let seeded = 0;
  for (let i = 0; i < L; i += 8) {
    await Promise.all(
      learners.slice(i, i + 8).map((l) => {
        const results = resultsFor();
        seeded += results.length;
        return store.recordResults({ classId: cls.classId, learnerId: l.learnerId }, results);
      }),
    );
  }
  await store.close();
  const { url, child } = await serveClass(home, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const cookie = `lab_class_${cls.classId.replace(/[^\w]/g, '_')}=${cls.instructorToken}`;
  // The server's answer as sent: node:http, which decodes nothing, so the time is the
  // server's (to the last byte on the wire) and the bytes are the wire's. fetch (undici)
  // decoded 5.4 MB in this process and counted that too (the whole-class JSON: ~430 ms
  // through fetch where curl saw ~180 ms, at load 12–15).
  const get = (path, encoding) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(
        url + path,
        {
          headers: {
            cookie,
            'accept-encoding': encoding,
            authorization: `Bearer ${cls.instructorToken}`,
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (d) => chunks.push(d));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            if (res.statusCode !== 200)
              return reject(new Error(`${path}: ${res.statusCode} ${body}`));
            const enc = res.headers['content-encoding'] ?? null;
            resolve({
              ms: performance.now() - t0,
              bytes: body.length,
              text: decode(body, enc),
              enc,
            });
          });
        },
      );
      req.on('error', reject);
    });
  const line = (label, a, b) =>
    console.log(
      `${kind.padEnd(8)} ${label.padEnd(34)} Chromium's encoding (${a.enc ?? 'none'}): median ${a.ms.toFixed(0).padStart(4)} ms, ${(a.bytes / 1024).toFixed(0)} KB · identity: ${b.ms.toFixed(0).padStart(4)} ms · ${(b.bytes / 1024).toFixed(0)} KB`,
    );
  const time = async (label, path) => {
    await get(path, CHROMIUM_ACCEPT); // warm up
    const a = [];
    const b = [];
    let enc;
    let wire = 0;
    for (let i = 0; i < RUNS; i++) {
      const x = await get(path, CHROMIUM_ACCEPT);
      enc = x.enc;
      wire = x.bytes;
      a.push(x.ms);
      b.push((await get(path, 'identity')).ms);
    }
    const last = await get(path, 'identity');
    line(label, { ms: median(a), enc, bytes: wire }, { ms: median(b), bytes: last.bytes });
    return last.text;
  };
  console.log(
    `${kind.padEnd(8)} seeded ${L} learners × ${Object.keys(LABS).length} labs: ${seeded} results`,
  );
  const dash = `/class/${cls.classId}/dashboard`;
  await time('dashboard overview (5 labs)', dash);
  let biggest = Buffer.alloc(0);
  for (const lab of Object.keys(LABS)) {
    const page = await time(`dashboard ${lab}`, `${dash}?lab=${lab}`);
    if (page.length > biggest.length) biggest = page;
  }
  const api = `/api/v1/classes/${cls.classId}/report`;
  await time('report day42, JSON', `${api}?lab=day42`);
  await time('report day42, CSV', `${api}?lab=day42&format=csv`);
  await time('report day42, HTML', `${api}?lab=day42&format=html`);
  await time('report all labs, JSON', api);

  // The open page's refresh: nothing new, then 20 learners' new results.
  const stampOf = async () => {
    const html = String((await get(`${dash}?lab=day42`, 'identity')).text);
    return /data-stamp="([^"]+)"/.exec(html)[1];
  };
  const stamp = await stampOf();
  await time('refresh: delta, nothing new', `${dash}/delta?lab=day42&since=${stamp}`);
  const fresh = await openClassStore({ databaseUrl, sqlitePath: join(home, 'class', 'class.db') });
  for (const l of learners.slice(0, 20)) {
    await fresh.recordResults({ classId: cls.classId, learnerId: l.learnerId }, resultsFor(1));
  }
  await fresh.close();
  await time('refresh: delta, 20 learners new', `${dash}/delta?lab=day42&since=${stamp}`);

  // First contentful paint, signed in, cold cache each time.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    for (const [label, path] of [
      ['overview', dash],
      ['day42 (1,000 rows)', `${dash}?lab=day42`],
      ['ec2-first-instance', `${dash}?lab=ec2-first-instance`],
    ]) {
      const fcp = [];
      for (let i = 0; i < RUNS; i++) {
        const ctx = await browser.newContext();
        await ctx.addCookies([
          {
            name: cookie.split('=')[0],
            value: cls.instructorToken,
            url: `${url}/class/${cls.classId}/`,
          },
        ]);
        const page = await ctx.newPage();
        await page.goto(url + path, { waitUntil: 'load' });
        fcp.push(
          await page.evaluate(
            () =>
              new Promise((resolve) =>
                new PerformanceObserver((list) => {
                  const e = list.getEntriesByName('first-contentful-paint')[0];
                  if (e) resolve(e.startTime);
                }).observe({ type: 'paint', buffered: true }),
              ),
          ),
        );
        await ctx.close();
      }
      console.log(
        `${kind.padEnd(8)} first contentful paint, ${label.padEnd(20)} median ${median(fcp).toFixed(0)} ms (min ${Math.min(...fcp).toFixed(0)}, max ${Math.max(...fcp).toFixed(0)})`,
      );
    }
  } finally {
    await browser.close();
  }

  // What compression alone costs on the biggest page.
  const q = (quality) => () =>
    brotliCompressSync(biggest, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: quality,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    });
  for (const [label, f] of [
    ['brotli q11 (before)', q(11)],
    ['brotli q4 (no zstd)', q(4)],
    [
      'zstd level 1 (now)',
      () => zstdCompressSync(biggest, { params: { [constants.ZSTD_c_compressionLevel]: 1 } }),
    ],
    ['gzip level 6', () => gzipSync(biggest)],
  ]) {
    const ms = [];
    let size = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      size = f().length;
      ms.push(performance.now() - t0);
    }
    console.log(
      `${kind.padEnd(8)} compress ${(biggest.length / 1024).toFixed(0)} KB page, ${label.padEnd(20)} median ${median(ms).toFixed(0).padStart(4)} ms → ${(size / 1024).toFixed(0)} KB`,
    );
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}

const kinds = opt.store === 'both' ? ['sqlite', 'postgres'] : [opt.store];
let pg;
try {
  for (const kind of kinds) {
    let dbUrl;
    if (kind === 'postgres') {
      if (process.env.DATABASE_URL) dbUrl = process.env.DATABASE_URL;
      else {
        pg ??= await startTestPostgres();
        dbUrl = await pg.createDatabase();
      }
    }
    await run(kind, dbUrl);
  }
} finally {
  await pg?.stop();
}
console.log(
  `load average: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
