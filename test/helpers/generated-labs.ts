// Throwaway lab folders for site tests and benchmarks: valid labs in the real
// format (frontmatter + `::: step` containers), written to a temp labs dir.
import { mkdirSync, mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function labSource(id: string, steps = 5): string {
  const body = Array.from({ length: steps }, (_, i) => {
    const n = i + 1;
    return `::: step step-${n}
## Step ${n} of ${id}

Run this command and look at what it prints.

\`\`\`sh
aws iam list-users --profile lab-${n}
\`\`\`

::: expected
\`\`\`json
{ "Users": [] }
\`\`\`
:::

::: variants
::: sandbox
Use \`lab shell\` first.
:::
::: aws
Use your own profile.
:::
:::

::: hint Stuck?
Check the profile name.
:::
:::
`;
  }).join('\n');
  return `---
id: ${id}
title: Generated lab ${id}
summary: A generated lab used to measure and test the site build.
minutes: 10
services: [IAM]
permissions: [Read IAM users]
cost: Free
---

# About ${id}

An introduction paragraph with \`inline code\`.

${body}`;
}

/** A temp labs dir with `count` generated labs (lab001, lab002, …), plus copies of `extra` lab dirs. */
export function generatedLabsDir(count: number, extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-site-labs-'));
  for (let i = 1; i <= count; i++) {
    const id = `lab${String(i).padStart(3, '0')}`;
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'README.md'), labSource(id));
  }
  for (const src of extra) cpSync(src, join(dir, src.split('/').pop()!), { recursive: true });
  return dir;
}
