// `lab serve`'s smaller doors (issue 16): a JSON body that is not an object is a 400 on every
// route, never a 500; no address of this server redirects to another site.
import type { Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer, listen, serveAccess } from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { rawRequest } from './raw-http.ts';

const access = serveAccess();
let dir: string;
let services: LearnerServices;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lab-serve-input-'));
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'labs', 'day42'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>labs</title>');
  writeFileSync(join(dist, 'labs', 'day42', 'index.html'), '<!doctype html><title>day42</title>');
  // No sandbox in this home: a request that got past its body would fail with 503, not 400.
  services = learnerServices({ home: join(dir, 'home'), labsDir: labsRoot(), say: () => {} });
  server = createSiteServer({
    distDir: dist,
    host: '127.0.0.1',
    labs: services.labs,
    console: services.console,
    access,
  });
  url = (await listen(server, 0, '127.0.0.1')).replace(/\/$/, '');
});

afterAll(() => {
  server?.closeAllConnections();
  server?.close();
  services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lab serve input', () => {
  it('answers 400 to a JSON body that is not an object, or has a field of the wrong type', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/labs/day42/check'],
      ['POST', '/api/labs/day42/cleanup'],
      ['POST', '/api/console/users/sandbox-admin/keys'],
      ['PATCH', '/api/console/users/sandbox-admin/keys/AKIAEXAMPLE'],
      ['DELETE', '/api/console/users/sandbox-admin/keys/AKIAEXAMPLE'],
    ];
    const bodies = ['null', '[]', '[{"step":"x"}]', '42', '"x"', 'true', '{"step":', '{'];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const r = await fetch(url + path, {
          method,
          headers: { 'content-type': 'application/json', 'x-lab-token': access.token },
          body,
        });
        expect(r.status, `${method} ${path} ${body}`).toBe(400);
        expect((await r.json()).code).toBe('invalid_json');
      }
    }
    const wrong: [string, string, unknown][] = [
      ['POST', '/api/labs/day42/check', { step: 42 }],
      ['POST', '/api/labs/day42/cleanup', { confirm: ['123456789012'] }],
      ['POST', '/api/console/users/sandbox-admin/keys', { acknowledge: 'yes' }],
      ['PATCH', '/api/console/users/sandbox-admin/keys/AKIAEXAMPLE', { status: null }],
      ['DELETE', '/api/console/users/sandbox-admin/keys/AKIAEXAMPLE', { confirm: 1 }],
    ];
    for (const [method, path, body] of wrong) {
      const r = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json', 'x-lab-token': access.token },
        body: JSON.stringify(body),
      });
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
    }
  });

  it('never redirects to another site', async () => {
    for (const target of [
      '//labs',
      '//evil.test/?token=x',
      '//evil.test',
      '/\\evil.test',
      '//evil.test/labs',
      '/%2F%2Fevil.test',
      '/labs?next=//evil.test',
    ]) {
      const r = await rawRequest(url, { target });
      const location = r.headers.location;
      if (location === undefined) continue;
      // A redirect, if any, stays on this server: a path, never `//host` or a scheme.
      expect(location, target).toMatch(/^\/(?![/\\])/);
    }
    // The directory redirect itself still works.
    const dir = await rawRequest(url, { target: '/labs/day42' });
    expect(dir.status).toBe(301);
    expect(dir.headers.location).toBe('/labs/day42/');
  });
});
