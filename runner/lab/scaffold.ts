// `lab dev new <id>`: a new lab folder that passes `lab dev check` as it is, and whose one
// example step is checked from the event history (and passes `lab test`). Edit from there.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from '../errors.ts';

const SDK = resolve(dirname(fileURLToPath(import.meta.url)), '../sdk/index.ts');
const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export async function scaffoldLab(root: string, id: string): Promise<string[]> {
  if (!ID.test(id)) {
    throw new LabError(
      'bad_lab_id',
      `"${id}" is not a lab id.`,
      'Use lowercase letters, digits and single hyphens, e.g. `lab dev new s3-basics`.',
    );
  }
  const dir = join(root, id);
  if (existsSync(dir)) {
    throw new LabError(
      'lab_exists',
      `${dir} already exists.`,
      'Pick another id, or edit that lab.',
    );
  }
  await mkdir(dir, { recursive: true });
  let sdk = relative(dir, SDK).split('\\').join('/');
  if (!sdk.startsWith('.')) sdk = `./${sdk}`;
  const files: [string, string][] = [
    [
      'README.md',
      `---
id: ${id}
title: '${id}: a new lab'
summary: One or two sentences for the lab index (what the learner does and learns).
minutes: 15
services: [STS]
permissions:
  - 'STS: GetCallerIdentity (every identity may call it)'
  - 'CloudTrail: read the event history (LookupEvents), which \`lab check\` uses as evidence'
cost: Free.
targets: [sandbox, aws]
---

An introduction: why this lab, what the learner will have done at the end.

::: step who-am-i

## Ask AWS who you are

\`\`\`sh
aws sts get-caller-identity
\`\`\`

::: hint Nothing happens
Check that you are in \`lab shell\` (sandbox) or that your profile is set (AWS).
:::

:::
`,
    ],
    [
      'lab.ts',
      `// ${id}: one check per \`::: step\` in README.md, from the event history (see docs/lab-format.md).
import { agent, defineLab, hhmmss, learnerDid, missing, passed } from '${sdk}';

export default defineLab({
  id: '${id}',
  // Every kind of resource the lab or the learner may create (cleanup removes exactly those).
  creates: [],

  steps: {
    'who-am-i': {
      async check(ctx) {
        const e = await learnerDid(ctx, 'GetCallerIdentity');
        if (e) return passed(\`GetCallerIdentity at \${hhmmss(e.time)} (\${agent(e)})\`);
        return missing(ctx, {
          expected: 'a GetCallerIdentity call made by you during this lab',
          hint: 'Run \`aws sts get-caller-identity\`.',
        });
      },
    },
  },
});
`,
    ],
    [
      'solve.mjs',
      `// ${id}, done the way a learner does it, with the real \`aws\` CLI (used by \`lab test ${id}\`).
export const steps = {
  async 'who-am-i'({ $ }) {
    await $\`aws sts get-caller-identity\`;
  },
};
`,
    ],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
