// docs/fidelity.md from the fidelity table. `npm run fidelity:doc` writes it; the fidelity test
// checks that the checked-in file is what this renders.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { PROFILES, TABLE, type Row } from './table.ts';
import { AUDIT_1, type Audit } from './audit.ts';
import { AUDIT_2 } from './audit-2.ts';

export const DOC_PATH = fileURLToPath(new URL('../../docs/fidelity.md', import.meta.url));

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

function awsSide(r: Row): string {
  const a = r.aws;
  const parts: string[] = [];
  if (a.code) parts.push(`${code(a.code)}${a.status ? ` (HTTP ${a.status})` : ''}`);
  if (a.message) parts.push(code(a.message));
  if (a.stderr) parts.push(`CLI prints ${code(a.stderr)}`);
  if (a.json)
    parts.push(
      Object.entries(a.json)
        .map(([k, v]) => `${code(k)} ${code(v)}`)
        .join(', '),
    );
  parts.push(
    a.exit.v1 === a.exit.v2 ? `exit ${a.exit.v1}` : `exit ${a.exit.v1} (v1) / ${a.exit.v2} (v2)`,
  );
  if (a.event === null) parts.push('no event');
  else if (a.event) {
    const e = a.event;
    parts.push(
      `event ${code(e.eventName)} in ${e.region}${e.errorCode ? `, errorCode ${code(e.errorCode)}` : ''}` +
        (e.fields
          ? `, ${Object.entries(e.fields)
              .map(([k, v]) => `${k} ${code(JSON.stringify(v))}`)
              .join(', ')}`
          : '') +
        (e.paths
          ? `, ${Object.entries(e.paths)
              .map(([k, v]) => `${code(k)} ${code(v)}`)
              .join(', ')}`
          : ''),
    );
  } else parts.push('event not verified');
  return parts.join('; ');
}

/** An independent audit's section: how it picked, its counts (computed), every difference. */
function auditSection(audit: Audit): string[] {
  const { sampled, walked } = audit;
  const ok = sampled.filter((r) => r.confirmed).length;
  const n = (f: string) => walked.filter((w) => w.found === f).length;
  const checked = sampled.length + walked.length;
  const srcFixed = sampled.filter((r) => r.sourceFixed).length;
  const fixed = walked.filter((w) => w.fixed).length;
  const matched = ok + n('match');
  const pct = (a: number, b: number) => `${Math.round((a / b) * 1000) / 10} %`;
  const verifiable = checked - n('unverifiable');
  const after = ok + srcFixed + n('match') + fixed;
  const laterRows = sampled.filter((r) => r.later).length;
  const laterWalked = walked.filter((w) => w.later && w.found !== 'unverifiable').length;
  const lines = [
    `## Independent audit, ${audit.date}`,
    '',
    audit.method,
    '',
    `- Sampled rows: **${sampled.length}** — ${ok} confirmed, ${sampled.length - ok} not confirmed as cited.`,
    `- Walked behaviours: **${walked.length}** — ${n('match')} match, ${n('differs')} differ, ${n('unverifiable')} unverifiable (as found, before this audit's fixes).`,
    `- Of everything checked: **${matched} of ${checked} (${pct(matched, checked)}) matched as found**.`,
    `- After this audit: ${srcFixed} sampled rows got a source that says their claim (${ok + srcFixed} of ${sampled.length} now confirmed) and ${fixed} walked differences were fixed in the engine (${n('match') + fixed} of ${walked.length - n('unverifiable')} verifiable behaviours match): **${after} of ${verifiable} (${pct(after, verifiable)})** of what could be checked.`,
  ];
  if (audit.followUp) {
    const later = after + laterRows + laterWalked;
    lines.push(
      `- Follow-up (${audit.followUp}): ${laterRows} more sampled rows sourced and ${laterWalked} more walked differences fixed (marked "later" below): **${later} of ${verifiable} (${pct(later, verifiable)})**.`,
    );
  }
  const later = (x: { later?: string }) => (x.later ? ` Later: ${x.later}.` : '');
  return [
    ...lines,
    '',
    '| sampled row | confirmed | note |',
    '| --- | --- | --- |',
    ...sampled.map(
      (r) => `| ${r.id} | ${r.confirmed ? 'yes' : '**no**'} | ${cell(r.note + later(r))} |`,
    ),
    '',
    '| walked behaviour | as found | what was done |',
    '| --- | --- | --- |',
    ...walked.map(
      (w) =>
        `| ${cell(code(`aws ${w.command}`))} | ${w.found === 'match' ? 'match' : `**${w.found}**`} | ${cell(w.outcome + later(w))} |`,
    ),
    '',
  ];
}

/** The Markdown, formatted as `npm run format` would (the file is checked by prettier too). */
export async function renderFidelityDoc(table: readonly Row[]): Promise<string> {
  const count = (v: Row['verdict']) => table.filter((r) => r.verdict === v).length;
  const labs = [...new Set(table.map((r) => r.lab))];
  const lines = [
    '# Sandbox fidelity: what a learner sees, next to AWS',
    '',
    '<!-- Generated from test/fidelity/table.ts by `npm run fidelity:doc`; edit the table, not this file. -->',
    '',
    `Every command a lab teaches, and the mistakes a learner naturally makes with it, run through`,
    `both AWS CLIs (v1 and v2) against the sandbox and compared with what AWS answers: the error`,
    `code and message, the HTTP status, the CLI's exit code, the JSON output and the record in`,
    `event history (\`aws cloudtrail lookup-events\`). \`test/fidelity/fidelity.test.ts\` runs the`,
    `table in \`npm test\`: a **match** row must match with both CLIs.`,
    '',
    `**${table.length} rows (labs: ${labs.join(', ')}): ${count('match')} match, ${count('differs')} differ (explained), ${count('unverified')} unverified (explained).**`,
    '',
    'Profiles the rows run with:',
    '',
    ...Object.entries(PROFILES).map(([k, v]) => `- \`${k}\`: ${v}`),
    '',
    '| # | lab / step | command | mistake | AWS answers | source | sandbox |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...table.map(
      (r, i) =>
        `| ${i + 1} | ${r.lab} / ${r.step} | ${cell(code(`aws ${r.command.join(' ')}`))}${r.skewMinutes ? ` (clock ${r.skewMinutes} min fast)` : ''} | ${cell(r.mistake ?? '—')} | ${cell(awsSide(r))} | ${cell(r.source)} | ${r.verdict === 'match' ? 'match' : `**${r.verdict}**: ${cell(r.why ?? '')}`}${r.clis ? ` (${r.clis.only} only: ${cell(r.clis.why)})` : ''} |`,
    ),
    '',
    '## Adding rows for a new lab',
    '',
    'Add one row per command the lab teaches and one per natural mistake (wrong secret, inactive or',
    'deleted key, a quota, a missing region, an unknown profile, a skewed clock, a denied action) to',
    '`test/fidelity/table.ts`, each with the source of the AWS answer (AWS documentation, the',
    'botocore model, a captured output). If the lab needs another identity, add a profile to',
    '`PROFILES` and to `writeProfiles` in the test. Run `npm run fidelity:doc` and',
    '`npx vitest run test/fidelity`. A row the sandbox cannot match is `differs` (or `unverified`',
    "when AWS's answer is not known for sure) with the reason in `why`.",
    '',
    ...auditSection(AUDIT_1),
    ...auditSection(AUDIT_2),
  ];
  const options = (await prettier.resolveConfig(DOC_PATH)) ?? {};
  return prettier.format(lines.join('\n'), { ...options, filepath: DOC_PATH });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  fs.writeFileSync(DOC_PATH, await renderFidelityDoc(TABLE));
  console.log(`wrote ${DOC_PATH}`);
}
