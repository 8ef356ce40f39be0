// The real `lab class serve` for the class benchmarks (class.mjs, dashboard.mjs): a child
// process on a free port, resolved once it prints its address.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../test/helpers/postgres.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export function serveClass(home, env = {}) {
  return new Promise(async (resolve, reject) => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/lab.mjs'), 'class', 'serve', '--port', String(port)],
      {
        env: { ...process.env, LAB_HOME: home, NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout.on('data', (d) => {
      if (/Class server: http/.test(String(d))) resolve({ url: `http://127.0.0.1:${port}`, child });
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}
