// What every benchmark here prints: medians with their spread, and the machine it ran on.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** "median 123 ms  (min 100, max 150)" */
export function spread(xs) {
  const ms = (x) => x.toFixed(0);
  return `median ${ms(median(xs)).padStart(5)} ms  (min ${ms(Math.min(...xs))}, max ${ms(Math.max(...xs))})`;
}

/** A labelled line: name padded to `width`, then its spread. */
export function row(name, xs, width = 44) {
  return `${name.padEnd(width)} ${spread(xs)}`;
}

/** node, the aws CLI the environment finds, cores and load: figures mean little without them. */
export function machine(env = process.env) {
  const v = spawnSync('aws', ['--version'], { env, encoding: 'utf8' });
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  return `node ${process.version}; ${(v.stdout || v.stderr || 'no aws CLI').trim()}; ${cpus().length} cores, load ${load}`;
}
