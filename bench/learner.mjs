// Do a lab the way a learner does, so that every step passes before a benchmark times its
// check: `lab start`, then each step of the lab's solve.mjs with the real CLI, `lab check`
// after each (a check records what it verified while the learner's key is still live).
import { $ } from 'zx';
import { loadSolve } from '../runner/labtest/run.ts';

/**
 * `lab(...args)` runs the lab command as the benchmark types it and returns `{ stdout }`;
 * it must accept exit 1 from `lab check` (steps not done yet).
 */
export async function doLab(id, env, lab) {
  lab('start', id);
  const steps = await loadSolve(id);
  const z = $({ env, quiet: true });
  const state = {};
  for (const step of Object.keys(steps)) {
    await steps[step]({ $: z, env, state });
    lab('check', id, '--no-cleanup');
  }
  const all = JSON.parse(lab('check', id, '--json', '--no-cleanup').stdout);
  if (!all.steps.every((s) => s.status === 'passed'))
    throw new Error(`${id}: not all passed: ${JSON.stringify(all.steps)}`);
}
