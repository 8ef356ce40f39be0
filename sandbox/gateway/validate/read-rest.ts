// Read an S3 (REST-XML) request back into its operation's input shape: URI labels (Bucket, Key),
// query-string and header members by their locationName, as botocore's RestXMLSerializer wrote
// them, and whether the payload member (PutBucketPolicy's policy, an XML configuration) is there.
import type { ParsedRequest } from '../request.ts';
import type { S3Operation } from '../s3/operation.ts';
import type { ServiceModel } from './models.ts';
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
      // Present, and no deeper: S3 judges the fields of its XML bodies itself, each with its
      // own error (./answer.ts), so only a missing body is this module's to refuse.
      out[name] = model.shapes[m.shape].type === 'string' ? req.body.toString('utf8') : {};
    }
  }
  return out;
}
