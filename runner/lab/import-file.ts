// Import a lab's own file (lab.ts) by its path. Normally `import()`. Inside `lab`'s start-up
// snapshot (runner/snapshot/) there is no ESM loader for code compiled into the snapshot
// ("A dynamic import callback was not specified"): the labs bundled into it are taken from
// its table, and any other file (a lab added since, LAB_LABS_DIR) goes through require(), which
// loads ES modules synchronously in Node >= 22.12 and type-strips .ts as import() does.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Set by runner/snapshot/entry.ts only: absolute file → the module bundled into the snapshot. */
export const BUNDLED = Symbol.for('labrunner.snapshot.modules');

export async function importFile(file: string): Promise<unknown> {
  const bundled = (globalThis as { [BUNDLED]?: Map<string, () => Promise<unknown>> })[BUNDLED];
  if (!bundled) return import(pathToFileURL(file).href);
  const own = bundled.get(file);
  return own ? own() : createRequire(file)(file);
}
