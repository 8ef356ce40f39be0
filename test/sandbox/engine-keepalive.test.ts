// The engine keeps HTTP/1.1 connections alive (sandbox/engine/httpserver.py): a keep-alive
// client, such as the gateway, sends many requests over one TCP connection instead of opening
// one per request (werkzeug's development server, which moto_server uses, closes every one).
import { CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../sandbox/gateway/server.ts';
import { sdk, type Creds } from './clients.ts';
import {
  REGION,
  startEngine,
  testModelsDir,
  withEngineSecret,
  type EngineProcess,
} from './gateway-fixture.ts';

let tmp: string;
let engine: EngineProcess;
let port: number;
let runner: Creds & { arn: string };
let learner: Creds;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-keepalive-'));
  engine = await startEngine(path.join(tmp, 'engine'));
  port = Number(new URL(engine.url).port);
  const ids = JSON.parse(fs.readFileSync(path.join(tmp, 'engine', 'identities.json'), 'utf8'));
  runner = ids.runner;
  learner = ids.learner;
});

afterAll(async () => {
  if (engine && engine.proc.exitCode === null) {
    engine.proc.kill('SIGTERM');
    await new Promise((r) => engine.proc.once('exit', r));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A keep-alive agent that counts the TCP connections it opens. */
function countingAgent() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const counted = agent as unknown as { createConnection: (...a: unknown[]) => net.Socket };
  const create = counted.createConnection.bind(agent);
  const stats = { opened: 0 };
  counted.createConnection = (...a: unknown[]) => {
    stats.opened++;
    return create(...a);
  };
  return { agent, stats };
}

function get(agent: http.Agent | undefined, p: string, headers: http.OutgoingHttpHeaders = {}) {
  return new Promise<{ res: http.IncomingMessage; body: string; reused: boolean }>(
    (resolve, reject) => {
      const r = http.request({ host: '127.0.0.1', port, path: p, agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ res, body, reused: r.reusedSocket }));
      });
      r.on('error', reject);
      r.end();
    },
  );
}

/** A raw exchange on one socket: returns everything the engine sent until it closed or went quiet. */
function raw(request: string, quietMs = 400) {
  return new Promise<{ text: string; closed: boolean }>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed });
    };
    s.on('data', (c) => {
      text += c.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => done(false), quietMs);
    });
    s.on('end', () => done(true));
    s.on('error', reject);
  });
}

it('SDK v3 clients send every call over one connection to the engine', async () => {
  const { agent, stats } = countingAgent();
  const c = sdk(engine.url, runner, { requestHandler: { httpAgent: agent } });
  for (const client of Object.values(c)) withEngineSecret(client, engine.secret);
  try {
    expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(runner.arn);
    await c.iam.send(new CreateUserCommand({ UserName: 'keepalive-user' })); // a write + snapshot
    expect(
      (await c.iam.send(new GetUserCommand({ UserName: 'keepalive-user' }))).User!.UserName,
    ).toBe('keepalive-user');
    const users = (await c.iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    expect(users).toContain('keepalive-user');
    expect((await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length).toBeGreaterThan(0);
    // An error answer (no such user) leaves the connection usable too.
    const denied = await c.iam.send(new GetUserCommand({ UserName: 'nobody' })).catch((e) => e);
    expect(denied.name).toMatch(/^NoSuchEntity/);
    expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(runner.arn);
    expect(stats.opened).toBe(1);
  } finally {
    agent.destroy();
  }
});

it('answers without Connection: close and reuses the socket; honours Connection: close', async () => {
  const { agent, stats } = countingAgent();
  try {
    const first = await get(agent, '/_labrunner/health');
    const second = await get(agent, '/_labrunner/health');
    expect(first.res.statusCode).toBe(200);
    expect(first.res.headers.connection).toBeUndefined();
    expect(first.res.headers['keep-alive']).toBe('timeout=30');
    expect(JSON.parse(second.body)).toMatchObject({ ok: true, accountId: '123456789012' });
    expect([first.reused, second.reused]).toEqual([false, true]);

    const closing = await get(agent, '/_labrunner/health', { connection: 'close' });
    expect(closing.res.headers.connection).toBe('close');
    const after = await get(agent, '/_labrunner/health');
    expect(after.reused).toBe(false); // the engine closed it, as asked
    expect(stats.opened).toBe(2);
  } finally {
    agent.destroy();
  }
});

it('HEAD, HTTP/1.0 and chunked bodies keep the stream in step', async () => {
  // HEAD: headers only, then the next request on the same connection is answered.
  const head = await raw(
    'HEAD /_labrunner/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /_labrunner/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
  );
  const answers = head.text.split('HTTP/1.1 200 OK').slice(1);
  expect(answers).toHaveLength(2);
  expect(answers[0]).not.toContain('"ok"');
  expect(answers[1]).toContain('"ok": true');
  expect(head.closed).toBe(false);

  // HTTP/1.0 without keep-alive: answered, then closed by the engine.
  const old = await raw('GET /_labrunner/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n', 5000);
  expect(old.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(old.text).toMatch(/\r\nConnection: close\r\n/i);
  expect(old.closed).toBe(true);

  // A signed call whose body arrives chunked (no Content-Length) is decoded and answered.
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const signer = new SignatureV4({
    credentials: runner,
    region: REGION,
    service: 'sts',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/',
    headers: {
      host: `127.0.0.1:${port}`,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    },
    body,
  });
  // Its own agent, destroyed at the end: Node's global agent keeps an idle socket for 5 s, which
  // the next test would count among the gateway's engine connections until it expired.
  const agent = new http.Agent({ keepAlive: true });
  const text = await new Promise<string>((resolve, reject) => {
    const r = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { ...signed.headers, 'x-labrunner-secret': engine.secret },
      },
      (res) => {
        let t = '';
        res.on('data', (c) => (t += c));
        res.on('end', () => resolve(`${res.statusCode} ${t}`));
      },
    );
    r.on('error', reject);
    r.write(body.slice(0, 10)); // no Content-Length and two writes: Node sends it chunked
    r.end(body.slice(10));
  }).finally(() => agent.destroy());
  expect(Object.keys(signed.headers).map((h) => h.toLowerCase())).not.toContain('content-length');
  expect(text).toMatch(/^200 /);
  expect(text).toContain(`<Arn>${runner.arn}</Arn>`);
});

it('a gateway in front forwards many calls over the same engine connection', async () => {
  const gateway: Gateway = await createGateway({
    engineUrl: engine.url,
    engineSecret: engine.secret,
    stateDir: path.join(tmp, 'gateway'),
    modelsDir: testModelsDir(),
  });
  try {
    const c = sdk(gateway.url, learner);
    const seen: string[][] = [];
    for (let i = 0; i < 8; i++) {
      await c.iam.send(new ListUsersCommand({}));
      seen.push(engineConnections());
    }
    // The engine's client connections (socket inodes) are the same after every call: the
    // gateway's agent reuses them. With a server that closes, each call would use a new one.
    expect(seen[0].length).toBeGreaterThan(0);
    for (const s of seen) expect(s).toEqual(seen[0]);
  } finally {
    await gateway.close();
  }
});

/**
 * Inodes of the engine's connected TCP sockets to its own port (Linux /proc). Throws when
 * engine.proc is not the process that listens (a `python3` wrapper on PATH that runs the
 * script in another process, as the warm CLI's client once did): its sockets are not there.
 */
function engineConnections(): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${engine.proc.pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${engine.proc.pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed while listing
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const connected: string[] = [];
  let listening = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local address is ours, state 01 = ESTABLISHED, inode belongs to the engine
      if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && inodes.has(f[9])) {
        if (f[3] === '01') connected.push(f[9]);
        if (f[3] === '0A') listening = true;
      }
    }
  }
  if (!listening) throw new Error(`pid ${engine.proc.pid} does not listen on the engine's port`);
  return connected.sort();
}
