// Find a lab's definition (labs/<id>/lab.ts). Only lab.ts is imported on the
// check path: README.md (and markdown-it) are not needed to run checks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.ts';
import { labsRoot } from '../lab/paths.ts';
import type { LabDefinition } from '../lab/define.ts';
import { displayPath, LabFileError } from '../lab/error-map.ts';
import { importFile } from '../lab/import-file.ts';
import { isDefinition } from '../sdk/contract.ts';
import type { Env } from '../paths.ts';
import type { CheckContext, SetupContext } from './context.ts';

export interface RunnableLab extends LabDefinition<CheckContext> {
  setup?: (ctx: SetupContext) => Promise<Record<string, unknown> | void>;
}

export async function loadDefinition(
  lab: string,
  opts: { labsDir?: string; env?: Env } = {},
): Promise<RunnableLab> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(lab)) {
    throw new LabError('unknown_lab', `"${lab}" is not a lab id.`, 'See the labs with `lab list`.');
  }
  const file = join(labsRoot(opts.labsDir, opts.env), lab, 'lab.ts');
  if (!existsSync(file)) {
    throw new LabError('unknown_lab', `There is no lab "${lab}".`, 'See the labs with `lab list`.');
  }
  let mod: { default?: RunnableLab };
  try {
    mod = (await importFile(file)) as { default?: RunnableLab };
  } catch (e) {
    throw new LabError(
      'bad_lab',
      `${displayPath(file)} fails to import: ${String((e as Error)?.message ?? e).split('\n')[0]}`,
      'Run `lab dev check` for the line and a fix.',
    );
  }
  if (!mod.default?.steps) {
    throw new LabError('bad_lab', `${file} does not export a defineLab({...}) as default.`);
  }
  // The definition is the author's contract: validate it before running anything.
  if (!isDefinition(mod.default)) {
    const { definitionProblems } = await import('../sdk/validate.ts');
    const problems = definitionProblems(mod.default, file);
    if (problems.length) throw new LabFileError(problems);
  }
  labFiles.set(mod.default, file);
  return mod.default;
}

const labFiles = new WeakMap<object, string>();

/** The lab.ts a loaded definition came from (for errors naming lab.ts:line). */
export const labFileOf = (def: object): string => labFiles.get(def) ?? 'lab.ts';
