// Read a Query-protocol request (form parameters) back into the operation's input shape, the
// way botocore's serializers wrote it (botocore/serialize.py):
//  * IAM and STS (`query`): a structure member is `Name` (or its locationName), a list is
//    `Name.member.N` (flattened: `Name.N`), a map is `Name.entry.N.key` / `.value`;
//  * EC2 (`ec2`): a member's name is its queryName, else its locationName capitalised, else its
//    own name, and every list is flattened: `InstanceId.1`, `Filter.1.Name`, `Filter.1.Value.1`.
// Parameters the shape does not name are ignored (they are the engine's business).
import type { Member, ServiceModel, Shape } from './models.ts';
import type { Value } from './check.ts';

export function readQuery(
  model: ServiceModel,
  input: string,
  params: URLSearchParams,
  ec2: boolean,
): Record<string, Value> {
  // Every dotted prefix of every parameter: "is anything under this key?" in one lookup.
  const present = new Set<string>();
  for (const key of params.keys()) {
    let i = key.indexOf('.');
    while (i > 0) {
      present.add(key.slice(0, i));
      i = key.indexOf('.', i + 1);
    }
    present.add(key);
  }
  const name = (member: Member, own: string) =>
    ec2
      ? (member.queryName ?? (member.locationName ? cap(member.locationName) : own))
      : (member.locationName ?? own);

  function structure(shape: Shape, prefix: string): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const [own, member] of Object.entries(shape.members ?? {})) {
      const key = prefix ? `${prefix}.${name(member, own)}` : name(member, own);
      if (present.has(key)) out[own] = read(member, key);
    }
    return out;
  }

  function read(member: Member, key: string): Value {
    const shape = model.shapes[member.shape];
    if (shape.type === 'structure') return structure(shape, key);
    if (shape.type === 'list') {
      // An empty list is sent as the bare key with an empty value.
      if (params.get(key) === '') return [];
      let prefix = key;
      if (!ec2 && !(shape.flattened || member.flattened)) {
        prefix = `${key}.${shape.member!.locationName ?? 'member'}`;
      }
      const items: Value[] = [];
      for (let n = 1; present.has(`${prefix}.${n}`); n++) {
        items.push(read(shape.member!, `${prefix}.${n}`));
      }
      return items;
    }
    if (shape.type === 'map') {
      const prefix = shape.flattened ? key : `${key}.entry`;
      const k = shape.key?.locationName ?? 'key';
      const v = shape.value?.locationName ?? 'value';
      const out: Record<string, Value> = {};
      for (let n = 1; present.has(`${prefix}.${n}`); n++) {
        const mapKey = params.get(`${prefix}.${n}.${k}`) ?? '';
        out[mapKey] = read(shape.value!, `${prefix}.${n}.${v}`);
      }
      return out;
    }
    return params.get(key) ?? null;
  }

  const shape = model.shapes[input];
  return shape ? structure(shape, '') : {};
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
