#!/usr/bin/env node
// What the gateway's hop to the engine costs by transport: one HTTP/1.1 keep-alive request per
// call from a Node client to a Node server that answers a fixed 400-byte body (about an STS
// answer), over loopback TCP and over a Unix domain socket, side by side in alternating blocks.
// It isolates the part of the gateway's per-request cost that is transport and HTTP handling
// (bench/README.md, "Gateway overhead": the floor at one client), with no moto in the way.
//   node bench/gateway-transport.mjs [--requests 2000] [--rounds 5]
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
  },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const BODY = Buffer.alloc(400, 'x');

function serve(listenArg) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': BODY.length });
      res.end(BODY);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(listenArg, () => resolve(server)));
}

function call(agent, target) {
  return new Promise((resolve, reject) => {
    const r = http.request({ ...target, agent, method: 'POST', path: '/' }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    r.on('error', reject);
    r.end('Action=GetCallerIdentity&Version=2011-06-15');
  });
}

async function block(target) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) await call(agent, target);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { secs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-transport-'));
const sock = path.join(dir, 'engine.sock');
const tcp = await serve({ host: '127.0.0.1', port: 0 });
const uds = await serve(sock);
const targets = {
  'loopback TCP': { host: '127.0.0.1', port: tcp.address().port },
  'Unix socket': { socketPath: sock },
};
const totals = Object.fromEntries(Object.keys(targets).map((k) => [k, { secs: 0, cpuMs: 0 }]));
for (const t of Object.values(targets)) await block(t); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, t] of Object.entries(targets)) {
    const b = await block(t);
    totals[name].secs += b.secs;
    totals[name].cpuMs += b.cpuMs;
  }
}
tcp.close();
uds.close();
fs.rmSync(dir, { recursive: true, force: true });

const n = REQUESTS * ROUNDS;
console.log(
  `\n${os.cpus().length} CPUs, node ${process.version}, ${ROUNDS} × ${REQUESTS} requests, one client`,
);
console.log('\n| transport | µs per round trip | req/s | client + server CPU µs/req |');
console.log('|---|---:|---:|---:|');
for (const [name, t] of Object.entries(totals)) {
  console.log(
    `| ${name} | ${((t.secs / n) * 1e6).toFixed(0)} | ${(n / t.secs).toFixed(0)} | ${((t.cpuMs / n) * 1000).toFixed(0)} |`,
  );
}
const l = os.loadavg();
console.log(`\nload average during the run: ${l.map((x) => x.toFixed(2)).join(' / ')}`);
