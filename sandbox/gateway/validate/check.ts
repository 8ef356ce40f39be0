// Check a request's input against its shape's constraints, as AWS's request validation does:
// required members, enum values, numeric min/max, string and list lengths, string patterns.
// Returns every violation, in member order; ./answer.ts turns them into each protocol's error.
import type { Member, ServiceModel, Shape } from './models.ts';
import { documentedFilters } from './ec2-filters.ts';
import { javaPattern } from './pattern.ts';

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

export interface Violation {
  kind: 'required' | 'enum' | 'pattern' | 'minLength' | 'maxLength' | 'min' | 'max' | 'filter';
  /** Coral's member path (`status`, `tags.1.member.key`), as IAM/STS/JSON messages name it. */
  path: string;
  /** The member's own name as EC2 names it in messages (locationName, else the member name). */
  ec2Name: string;
  /** The name of the parameter on the wire (`Filter.1.Name`, `x-amz-acl`). */
  wire: string;
  /** Where an S3 member travels: its messages differ for headers and XML bodies. */
  location?: Member['location'] | 'payload';
  value?: Value;
  sensitive: boolean;
  /** The bound, the enum values, or the pattern that failed. */
  limit?: number | string[] | string;
}

export interface CheckContext {
  model: ServiceModel;
  /** Shape and member overrides (./overrides.ts): where AWS's service is stricter than its model. */
  shapeOf(name: string): Shape;
  memberRule(member: string): Partial<Shape> | undefined;
  /** Wire name of a top-level member (query key, header, XML element). */
  wireOf(member: string, m: Member): string;
  ec2: boolean;
}

export function checkInput(ctx: CheckContext, input: string, value: Record<string, Value>) {
  const out: Violation[] = [];
  const shape = ctx.shapeOf(input);
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    // Most members are absent: skip them before building anything (EC2 inputs have dozens).
    if (value[name] === undefined && !shape.required?.includes(name)) continue;
    const rule = ctx.memberRule(name);
    walk(ctx, member, rule, value[name], {
      path: lowerCamel(name),
      ec2Name: member.locationName ?? name,
      wire: ctx.wireOf(name, member),
      location: member.location ?? (shape.payload === name ? 'payload' : undefined),
      required: shape.required?.includes(name) ?? false,
      out,
    });
  }
  return out;
}

interface Where {
  path: string;
  ec2Name: string;
  wire: string;
  location?: Violation['location'];
  required: boolean;
  out: Violation[];
}

function walk(
  ctx: CheckContext,
  member: Member,
  rule: Partial<Shape> | undefined,
  value: Value | undefined,
  w: Where,
): void {
  if ((value === undefined || value === null) && !w.required) return;
  const shape = rule ? { ...ctx.shapeOf(member.shape), ...rule } : ctx.shapeOf(member.shape);
  const add = (kind: Violation['kind'], limit?: Violation['limit']) =>
    w.out.push({
      kind,
      path: w.path,
      ec2Name: w.ec2Name,
      wire: w.wire,
      location: w.location,
      value,
      sensitive: Boolean(shape.sensitive),
      limit,
    });
  if (value === undefined || value === null) {
    if (w.required) add('required');
    return;
  }
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return;
      if (shape.pattern) {
        const re = javaPattern(shape.pattern);
        if (re && !re.test(value)) add('pattern', shape.pattern);
      }
      // Lengths count characters as Java does (UTF-16 code units), like String.length().
      if (shape.min !== undefined && value.length < shape.min) add('minLength', shape.min);
      if (shape.max !== undefined && value.length > shape.max) add('maxLength', shape.max);
      if (shape.enum && !shape.enum.includes(value)) add('enum', shape.enum);
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'string' && (value.trim() === '' || Number.isNaN(n))) return;
      if (shape.min !== undefined && n < shape.min) add('min', shape.min);
      if (shape.max !== undefined && n > shape.max) add('max', shape.max);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return;
      if (shape.min !== undefined && value.length < shape.min) add('minLength', shape.min);
      if (shape.max !== undefined && value.length > shape.max) add('maxLength', shape.max);
      if (ctx.ec2 && member.shape === 'FilterList') {
        const known = documentedFilters(member.documentation);
        if (known) {
          for (const f of value) {
            const name = (f as Record<string, Value>)?.Name;
            if (typeof name === 'string' && !known(name)) {
              w.out.push({ ...base(w, shape), kind: 'filter', value: name });
            }
          }
        }
      }
      value.forEach((item, i) =>
        walk(ctx, shape.member!, undefined, item, {
          ...w,
          path: `${w.path}.${i + 1}.member`,
          wire: `${w.wire}.${i + 1}`,
          required: false,
        }),
      );
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      const entries = Object.entries(value);
      if (shape.min !== undefined && entries.length < shape.min) add('minLength', shape.min);
      if (shape.max !== undefined && entries.length > shape.max) add('maxLength', shape.max);
      for (const [k, v] of entries) {
        walk(ctx, shape.key!, undefined, k, { ...w, path: `${w.path}.${k}.key`, required: false });
        walk(ctx, shape.value!, undefined, v, {
          ...w,
          path: `${w.path}.${k}.member`,
          required: false,
        });
      }
      return;
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        walk(ctx, m, undefined, value[name], {
          ...w,
          path: `${w.path}.${lowerCamel(name)}`,
          ec2Name: m.locationName ?? name,
          wire: `${w.wire}.${ctx.ec2 ? (m.queryName ?? cap(m.locationName ?? name)) : (m.locationName ?? name)}`,
          required: shape.required?.includes(name) ?? false,
        });
      }
      return;
    }
  }
}

function base(w: Where, shape: Shape): Omit<Violation, 'kind'> {
  return {
    path: w.path,
    ec2Name: w.ec2Name,
    wire: w.wire,
    location: w.location,
    sensitive: Boolean(shape.sensitive),
  };
}

export const lowerCamel = (s: string) => s[0].toLowerCase() + s.slice(1);
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
