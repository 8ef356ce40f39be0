// Compare one CLI run with a fidelity-table row's AWS answer. Returns the differences, worded for
// a person reading a test failure ("exit: 0, AWS 255").
import type { AwsAnswer } from './table.ts';

export interface CliRun {
  cli: 'v1' | 'v2';
  exit: number;
  stdout: string;
  stderr: string;
}

/** The CloudTrailEvent document of the call, or undefined when none was recorded. */
export type TrailDoc = Record<string, unknown> & { awsRegion?: string };

const ERROR_LINE =
  /An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/;

/** A `/regex/` string is a pattern, anything else an exact value. */
export function matches(expected: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const m = /^\/(.*)\/$/s.exec(expected);
  return m ? new RegExp(m[1]).test(actual) : expected === actual;
}

/** Values at `A.B` or `Users[].UserName` (arrays flattened). */
export function at(doc: unknown, path: string): unknown[] {
  let values: unknown[] = [doc];
  for (const part of path.split('.')) {
    const many = part.endsWith('[]');
    const key = many ? part.slice(0, -2) : part;
    values = values.flatMap((v) => {
      const next = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
      if (!many) return next === undefined ? [] : [next];
      return Array.isArray(next) ? next : [];
    });
  }
  return values;
}

/** The HTTP status of the last answer, from `--debug` output (urllib3's request line; any
 * method and path: S3 is REST, `"PUT /bucket?policy HTTP/1.1" 403`). */
export function lastStatus(stderr: string): number | undefined {
  const all = [...stderr.matchAll(/"[A-Z]+ \S+ HTTP\/1\.1" (\d{3})/g)];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
}

export function compare(aws: AwsAnswer, run: CliRun, event: TrailDoc | undefined): string[] {
  const out: string[] = [];
  const exit = aws.exit[run.cli];
  if (run.exit !== exit) out.push(`exit ${run.exit}, AWS ${exit}`);
  const line = ERROR_LINE.exec(run.stderr);
  if (aws.code) {
    if (!line) out.push(`no error line (stderr: ${run.stderr.trim().split('\n').pop()})`);
    else {
      if (line[1] !== aws.code) out.push(`code ${line[1]}, AWS ${aws.code}`);
      if (aws.message && !matches(aws.message, line[3].trim()))
        out.push(`message "${line[3].trim()}", AWS "${aws.message}"`);
    }
  } else if (line && exit === 0) {
    out.push(`unexpected error: ${line[0]}`);
  }
  if (aws.status !== undefined) {
    const status = lastStatus(run.stderr);
    if (status !== aws.status) out.push(`HTTP ${status ?? 'none'}, AWS ${aws.status}`);
  }
  if (aws.stderr && !matches(aws.stderr, run.stderr)) {
    out.push(`stderr lacks ${aws.stderr} (got: ${run.stderr.trim().split('\n').pop()})`);
  }
  if (aws.json) {
    let doc: unknown;
    try {
      doc = JSON.parse(run.stdout || 'null');
    } catch {
      out.push(`stdout is not JSON: ${run.stdout.slice(0, 80)}`);
    }
    if (doc !== undefined) {
      for (const [path, pattern] of Object.entries(aws.json)) {
        const values = at(doc, path);
        if (!path.includes('[]') && values.length === 0) out.push(`${path} missing`);
        for (const v of values) {
          if (!matches(pattern, String(v))) out.push(`${path} = ${String(v)}, AWS ${pattern}`);
        }
      }
    }
  }
  if (aws.event === null && event)
    out.push(`recorded ${String(event.eventName)}, AWS records none`);
  if (aws.event) {
    const e = aws.event;
    if (!event) out.push(`no event recorded, AWS records ${e.eventName} in ${e.region}`);
    else {
      const got = {
        eventName: event.eventName,
        eventSource: event.eventSource,
        region: event.awsRegion,
        errorCode: event.errorCode,
      };
      const want = { ...e, errorCode: e.errorCode, fields: undefined, paths: undefined };
      for (const k of ['eventName', 'eventSource', 'region', 'errorCode'] as const) {
        if (got[k] !== want[k]) out.push(`event ${k} ${String(got[k])}, AWS ${String(want[k])}`);
      }
      for (const [path, pattern] of Object.entries(e.paths ?? {})) {
        const values = at(event, path);
        if (values.length === 0) out.push(`event ${path} missing, AWS ${pattern}`);
        for (const v of values) {
          if (!matches(pattern, String(v)))
            out.push(`event ${path} = ${String(v)}, AWS ${pattern}`);
        }
      }
      for (const [k, v] of Object.entries(e.fields ?? {})) {
        if (JSON.stringify(event[k]) !== JSON.stringify(v))
          out.push(`event ${k} ${JSON.stringify(event[k])}, AWS ${JSON.stringify(v)}`);
      }
      const principal = (event.userIdentity as { principalId?: string } | undefined)?.principalId;
      if (principal !== undefined && !/^A(IDA|ROA)[A-Z2-7]{17}/.test(principal))
        out.push(`event principalId ${principal}, AWS the UserId (AIDA…)`);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(String(event.eventTime)))
        out.push(`event eventTime ${String(event.eventTime)}, AWS whole seconds`);
    }
  }
  return out;
}
