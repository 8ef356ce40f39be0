// Invalid inputs generated from botocore's models for every operation the labs use: the
// operations named in labs/*/solve.mjs (`aws <service> <command>`) and in the fidelity table's
// rows (every file in test/fidelity/: `command: ['<service>', '<command>', …]`). For each operation's
// input members: a required member left out, a value outside its enum, a string longer than its
// max (or shorter than its min), a number out of range, a string that breaks its pattern, and for
// EC2 an undocumented filter name. Each case starts from a valid input (also generated), so the
// one broken member is the only reason to refuse it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  modelStore,
  type Member,
  type ServiceModel,
} from '../../sandbox/gateway/validate/models.ts';
import { javaPattern } from '../../sandbox/gateway/validate/pattern.ts';
import { MEMBER_RULES, SHAPE_OVERRIDES } from '../../sandbox/gateway/validate/overrides.ts';
import { documentedFilters } from '../../sandbox/gateway/validate/ec2-filters.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type Input = Record<string, unknown>;

export interface Case {
  service: string;
  operation: string;
  member: string;
  kind: 'required' | 'enum' | 'maxLength' | 'minLength' | 'min' | 'max' | 'pattern' | 'filter';
  input: Input;
  /** The generated valid input the case broke one member of. */
  base: Input;
  /** Where the member travels (S3: header, querystring, uri, payload). */
  location?: string;
}

// `aws s3 <command>`: the S3 API calls the high-level commands make (awscli/customizations/s3).
const S3_COMMANDS: Record<string, string[]> = {
  mb: ['CreateBucket'],
  rb: ['DeleteBucket'],
  ls: ['ListBuckets', 'ListObjectsV2'],
  cp: ['PutObject', 'GetObject'],
  rm: ['DeleteObject'],
  presign: ['GetObject'],
};
const SERVICE: Record<string, string> = {
  iam: 'iam',
  sts: 'sts',
  ec2: 'ec2',
  s3api: 's3',
  cloudtrail: 'cloudtrail',
};

/** `[service, operation]` for every `aws` command in the solve scripts and the fidelity rows. */
export function labOperations(models: (s: string) => ServiceModel | undefined): [string, string][] {
  const commands: [string, string][] = [];
  for (const lab of readdirSync(path.join(ROOT, 'labs'))) {
    let text: string;
    try {
      text = readFileSync(path.join(ROOT, 'labs', lab, 'solve.mjs'), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/\baws\s+([a-z0-9]+)\s+([a-z][a-z0-9-]*)/g))
      commands.push([m[1], m[2]]);
  }
  // Every file of the fidelity table: its rows live in several (table.ts, next-steps-*.ts…).
  const fidelity = path.join(ROOT, 'test/fidelity');
  for (const file of readdirSync(fidelity).filter((f) => f.endsWith('.ts'))) {
    const rows = readFileSync(path.join(fidelity, file), 'utf8');
    for (const m of rows.matchAll(/command:\s*\[\s*'([a-z0-9]+)',\s*'([a-z][a-z0-9-]*)'/g)) {
      commands.push([m[1], m[2]]);
    }
  }
  const ops = new Map<string, [string, string]>();
  for (const [svc, cmd] of commands) {
    if (svc === 's3') {
      for (const op of S3_COMMANDS[cmd] ?? []) ops.set(`s3.${op}`, ['s3', op]);
      continue;
    }
    const service = SERVICE[svc];
    if (!service) continue; // `aws configure …` and other CLI-only commands
    const model = models(service);
    const wanted = cmd.replace(/-/g, '').toLowerCase();
    const op = Object.keys(model?.operations ?? {}).find((o) => o.toLowerCase() === wanted);
    if (!op) throw new Error(`aws ${svc} ${cmd}: no such operation in botocore's ${service} model`);
    ops.set(`${service}.${op}`, [service, op]);
  }
  return [...ops.values()].sort();
}

const CANDIDATES = ['lab-validate-x', 'lab', '/', '/lab/', 'v1', 'AKIAIOSFODNN7EXAMPLE'];
const BAD_CHARS = ['#', ' ', '\u0101', '\u0001', '-', 'a'];

export function casesFor(modelsDir: string): { ops: [string, string][]; cases: Case[] } {
  const models = modelStore(modelsDir);
  const ops = labOperations(models);
  const cases: Case[] = [];
  for (const [service, operation] of ops) {
    const model = models(service)!;
    const shapeOf = (name: string) => ({
      ...model.shapes[name],
      ...SHAPE_OVERRIDES[`${service}.${name}`],
    });
    const input = model.operations[operation].input;
    if (!input) continue;
    const top = model.shapes[input.shape];
    const base = valid(model, shapeOf, input) as Input;
    for (const [name, member] of Object.entries(top.members ?? {})) {
      const shape = {
        ...shapeOf(member.shape),
        ...MEMBER_RULES[`${service}.${operation}.${name}`],
      };
      const location = member.location ?? (top.payload === name ? 'payload' : undefined);
      const add = (kind: Case['kind'], value: unknown) => {
        const broken = { ...base };
        if (value === undefined) delete broken[name];
        else broken[name] = value;
        cases.push({ service, operation, member: name, kind, input: broken, base, location });
      };
      // S3's URI labels cannot be left out: the SDK refuses before sending.
      if (top.required?.includes(name) && location !== 'uri') add('required', undefined);
      if (shape.type === 'string') {
        if (shape.enum) add('enum', 'not-a-valid-value');
        if (shape.max !== undefined && shape.max < 4096 && !shape.enum) {
          add('maxLength', 'a'.repeat(shape.max + 1));
        }
        // Empty headers and labels never reach S3 from the SDK.
        if (shape.min !== undefined && shape.min > 0 && service !== 's3') {
          add('minLength', 'a'.repeat(shape.min - 1));
        }
        const re = shape.pattern ? javaPattern(shape.pattern) : null;
        if (re) {
          const len = Math.max(shape.min ?? 1, 1);
          const bad = BAD_CHARS.map((c) => c.repeat(len)).find((s) => !re.test(s));
          if (bad && (shape.max === undefined || len <= shape.max)) add('pattern', bad);
        }
      }
      if (['integer', 'long'].includes(shape.type)) {
        if (shape.min !== undefined) add('min', shape.min - 1);
        if (shape.max !== undefined) add('max', shape.max + 1);
      }
      if (
        service === 'ec2' &&
        member.shape === 'FilterList' &&
        documentedFilters(member.documentation)
      ) {
        add('filter', [{ Name: 'nonsense', Values: ['x'] }]);
      }
    }
  }
  return { ops, cases };
}

/** A value every constraint of `member`'s shape accepts (required members only, recursively). */
export function valid(
  model: ServiceModel,
  shapeOf: (name: string) => ReturnType<typeof Object.assign>,
  member: Member,
): unknown {
  const shape = shapeOf(member.shape);
  switch (shape.type) {
    case 'structure': {
      const out: Input = {};
      for (const name of shape.required ?? [])
        out[name] = valid(model, shapeOf, shape.members[name]);
      return out;
    }
    case 'list':
      return Array.from({ length: Math.max(shape.min ?? 1, 1) }, () =>
        valid(model, shapeOf, shape.member),
      );
    case 'map':
      return {};
    case 'string': {
      if (shape.enum) return shape.enum[0];
      const re = shape.pattern ? javaPattern(shape.pattern) : null;
      const n = Math.max(shape.min ?? 1, 1);
      const fits = (s: string) =>
        s.length >= (shape.min ?? 0) &&
        (shape.max === undefined || s.length <= shape.max) &&
        (!re || re.test(s));
      const found = [...CANDIDATES, 'a'.repeat(n), '1'.repeat(n)].find(fits);
      if (found === undefined) throw new Error(`no valid value generated for ${member.shape}`);
      return found;
    }
    case 'integer':
    case 'long':
      return shape.min ?? 1;
    case 'boolean':
      return true;
    case 'timestamp':
      return new Date();
    case 'blob':
      return 'x';
    default:
      return 'x';
  }
}
