// `lab serve --class`: the lab site and the class server on one port, through
// the real CLI (a prebuilt site folder, so no Astro build is needed here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishResults } from '../../runner/class/outbox.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { lab, labEnv, must, serveClass, tempHome, type ServerProcess } from './helpers.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

describe.each(['sqlite', 'postgres'])('lab serve --class (%s)', (store) => {
  let server: ServerProcess;
  let env: Record<string, string>;
  let site: string;
  beforeAll(async () => {
    env = labEnv(tempHome(), {
      DATABASE_URL: store === 'postgres' ? await pg.createDatabase() : undefined,
    });
    site = tempHome('lab-site-');
    mkdirSync(site, { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Labs</title><h1>Labs</h1>');
    server = await serveClass(['serve', '--class', '--port', '0', '--out', site], env);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(site, { recursive: true, force: true });
  });

  it('serves the site and the class API and dashboard side by side', async () => {
    expect(await (await fetch(`${server.url}/`)).text()).toContain('<h1>Labs</h1>');
    expect(await (await fetch(`${server.url}/api/v1/health`)).json()).toMatchObject({ store });

    const cls = JSON.parse(must(await lab(['class', 'create', 'Served', '--json'], env)).stdout);
    const learner = tempHome();
    must(await lab(['join', server.url, '--code', cls.joinCode, '--name', 'Sam'], labEnv(learner)));
    const sent = await publishResults(learner, 'day42', [
      { id: 'create-key', status: 'passed', evidence: 'key Active' },
      { id: 'configure', status: 'failed', evidence: 'no profile holds that key' },
    ]);
    expect(sent).toMatchObject({ sent: 2, pending: 0 });

    const dash = `${server.url}/class/${cls.classId}/dashboard`;
    expect((await fetch(dash)).status).toBe(401);
    const page = await fetch(dash, { headers: { authorization: `Bearer ${cls.instructorToken}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Lab access keys still live (1)');
    expect(html).toContain('stuck at configure');
    const table = must(
      await lab(['report', 'day42', '--class', server.url], {
        ...labEnv(tempHome()),
        LAB_CLASS_TOKEN: cls.instructorToken,
      }),
    ).stdout;
    expect(table).toMatch(/Sam \[key live\]\s+stuck at configure/);
  });

  it('prints where each class dashboard is, and how to make the first class', async () => {
    const home = tempHome();
    const fresh = await serveClass(
      ['serve', '--class', '--port', '0', '--out', site],
      labEnv(home, { DATABASE_URL: env.DATABASE_URL }),
    );
    try {
      const out = await fresh.printed(/Dashboards/);
      if (store === 'sqlite')
        expect(out).toContain('Dashboards: none yet. Create a class: lab class create');
    } finally {
      await fresh.stop();
    }
    const cls = JSON.parse(must(await lab(['class', 'create', 'Evening', '--json'], env)).stdout);
    const again = await serveClass(['serve', '--class', '--port', '0', '--out', site], env);
    try {
      const out = await again.printed(new RegExp(`${cls.classId}/dashboard`));
      expect(out).toContain(`  Evening: ${again.url}/class/${cls.classId}/dashboard`);
    } finally {
      await again.stop();
    }
  });
});
