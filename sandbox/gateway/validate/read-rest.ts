// Read an S3 (REST-XML) request back into its operation's input shape: URI labels (Bucket, Key),
// query-string and header members by their locationName, and the payload member, either raw
// (PutBucketPolicy's policy) or an XML document read element by element (CreateBucketConfiguration,
// PublicAccessBlockConfiguration…), as botocore's RestXMLSerializer wrote it.
import type { ParsedRequest } from '../request.ts';
import type { S3Operation } from '../s3/operation.ts';
import type { Member, ServiceModel, Shape } from './models.ts';
import type { Value } from './check.ts';

export function readRest(
  model: ServiceModel,
  input: string,
  req: ParsedRequest,
  op: S3Operation,
): Record<string, Value> {
  const shape = model.shapes[input];
  const out: Record<string, Value> = {};
  for (const [name, m] of Object.entries(shape?.members ?? {})) {
    const where = m.locationName ?? name;
    if (m.location === 'uri') {
      const v = where === 'Bucket' ? op.bucket : where === 'Key' ? op.key : undefined;
      if (v !== undefined) out[name] = v;
    } else if (m.location === 'querystring') {
      const v = req.params.get(where);
      if (v !== null) out[name] = v;
    } else if (m.location === 'header') {
      const v = req.headers[where.toLowerCase()];
      if (v !== undefined) out[name] = Array.isArray(v) ? v.join(',') : v;
    } else if (shape.payload === name && req.body.length > 0) {
      const target = model.shapes[m.shape];
      if (target.type === 'structure') {
        const root = parseXml(req.body.toString('utf8'));
        if (root) out[name] = fromXml(model, m, root);
      } else if (target.type === 'string') {
        out[name] = req.body.toString('utf8');
      }
    }
  }
  return out;
}

interface Element {
  name: string;
  children: Element[];
  text: string;
}

function fromXml(model: ServiceModel, member: Member, el: Element): Value {
  const shape: Shape = model.shapes[member.shape];
  if (shape.type === 'structure') {
    const out: Record<string, Value> = {};
    for (const [name, m] of Object.entries(shape.members ?? {})) {
      const tag = m.locationName ?? name;
      const list = model.shapes[m.shape].type === 'list';
      const found = el.children.filter((c) => c.name === tag);
      if (!found.length) continue;
      if (list && (model.shapes[m.shape].flattened || m.flattened)) {
        out[name] = found.map((c) => fromXml(model, model.shapes[m.shape].member!, c));
      } else {
        out[name] = fromXml(model, m, found[0]);
      }
    }
    return out;
  }
  if (shape.type === 'list') {
    const tag = shape.member!.locationName ?? 'member';
    return el.children.filter((c) => c.name === tag).map((c) => fromXml(model, shape.member!, c));
  }
  return decode(el.text.trim());
}

const TOKEN = /<(\/?)([A-Za-z_][\w:.-]*)[^>]*?(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->|([^<]+)/g;

/** A small XML reader for S3's request bodies (elements and text; attributes and namespaces ignored). */
function parseXml(xml: string): Element | undefined {
  const stack: Element[] = [{ name: '#document', children: [], text: '' }];
  for (const m of xml.matchAll(TOKEN)) {
    const [, close, name, selfClose, text] = m;
    const top = stack[stack.length - 1];
    if (text !== undefined) top.text += text;
    else if (!name) continue;
    else if (close) {
      if (stack.length > 1) stack.pop();
    } else {
      const el: Element = { name: name.replace(/^.*:/, ''), children: [], text: '' };
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  return stack[0].children[0];
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
