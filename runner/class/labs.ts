// Step order of a lab, for reports: the order of `steps` in labs/<lab>/lab.ts
// (the same order as the `::: step` markers in its README). A lab the server
// does not have on disk falls back to the order in which learners first met
// each step.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const LABS_DIR = fileURLToPath(new URL('../../labs/', import.meta.url));
const cache = new Map<string, Promise<string[] | undefined>>();

export type StepOrder = (lab: string) => Promise<string[] | undefined>;

/** Step ids of `lab` from its definition, or undefined when the lab is not in labs/. */
export const stepsFromLabs: StepOrder = (lab) => {
  let p = cache.get(lab);
  if (!p) {
    p = load(lab);
    cache.set(lab, p);
  }
  return p;
};

async function load(lab: string): Promise<string[] | undefined> {
  // Lab ids are validated (a-z0-9._-) before they get here; still, no path tricks.
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(lab) || lab.includes('..')) return undefined;
  const file = join(LABS_DIR, lab, 'lab.ts');
  if (!existsSync(file)) return undefined;
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const def = [mod.default, ...Object.values(mod)].find(
      (v): v is { steps: Record<string, unknown> } =>
        typeof v === 'object' && v !== null && 'steps' in v,
    );
    return def ? Object.keys(def.steps) : undefined;
  } catch {
    return undefined;
  }
}
