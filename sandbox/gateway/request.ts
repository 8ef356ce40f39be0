// Parse what the gateway needs from a client request: who signed it (credential scope),
// for which service, when, and which operation. The raw bytes are kept untouched for forwarding.
import type { IncomingMessage } from 'node:http';

/** How errors must be shaped for the client's SDK to parse them (`rest-xml`: S3). */
export type Protocol = 'query' | 'ec2' | 'json' | 'rest-xml';

export interface ParsedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** From the SigV4 credential scope `AKID/date/region/service/aws4_request`. */
  accessKeyId?: string;
  region?: string;
  service?: string;
  /** `X-Amz-Date` (header or presigned query) in basic ISO 8601, or the HTTP `Date` header. */
  signedAt?: { raw: string; time: number };
  /** True when the request carries any SigV4 signature (header or presigned query). */
  signed: boolean;
  /** Operation: `Action` for query/EC2, the suffix of `X-Amz-Target` for JSON. */
  action?: string;
  version?: string;
  protocol: Protocol;
  /** Form/query parameters (never logged whole: only whitelisted resource names are). */
  params: URLSearchParams;
  userAgent: string;
  sourceIp: string;
}

const SCOPE_RE = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;
const EC2_VERSION = '2016-11-15';

export function parseRequest(req: IncomingMessage, body: Buffer): ParsedRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  const contentType = String(req.headers['content-type'] ?? '');
  if (body.length > 0 && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
  }

  const auth = String(req.headers['authorization'] ?? '');
  const presigned = params.get('X-Amz-Credential');
  let accessKeyId: string | undefined;
  let region: string | undefined;
  let service: string | undefined;
  // One way of signing per request: with an Authorization header, its scope alone counts (an
  // unparseable header must not borrow a presigned query's scope, or the gateway would judge
  // one service while the engine dispatches on the header's).
  const m = auth
    ? SCOPE_RE.exec(auth)
    : presigned
      ? SCOPE_RE.exec(`Credential=${presigned}`)
      : null;
  if (m) [, accessKeyId, , region, service] = m;
  // S3's SigV2 query authentication (`aws s3 presign` of CLI v1): the key id is a parameter and
  // there is no credential scope (S3 API Reference, "Query string request authentication").
  const presignedV2 =
    !m && !auth && params.has('AWSAccessKeyId') && params.has('Signature') && params.has('Expires');
  if (presignedV2) [accessKeyId, service] = [params.get('AWSAccessKeyId')!, 's3'];

  const target = String(req.headers['x-amz-target'] ?? '');
  const version = params.get('Version') ?? undefined;
  const action = target
    ? target.slice(target.lastIndexOf('.') + 1)
    : (params.get('Action') ?? undefined);

  let protocol: Protocol = 'query';
  if (service === 'ec2' || (!service && version === EC2_VERSION)) protocol = 'ec2';
  else if (target || contentType.startsWith('application/x-amz-json')) protocol = 'json';
  // S3 is REST: no Action, no target. An unsigned request of that kind can only be S3's.
  else if (service === 's3' || (!service && !action)) protocol = 'rest-xml';

  return {
    method: req.method ?? 'GET',
    url,
    headers: req.headers,
    body,
    accessKeyId,
    region,
    service: service ?? guessService(protocol, version),
    signedAt: signedAt(req, params),
    signed: Boolean(m) || presignedV2 || auth.startsWith('AWS4-HMAC-SHA256'),
    action,
    version,
    protocol,
    params,
    userAgent: String(req.headers['user-agent'] ?? ''),
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
  };
}

// Unsigned requests name no service; the API version tells which envelope the client expects.
function guessService(protocol: Protocol, version: string | undefined): string | undefined {
  if (protocol === 'ec2') return 'ec2';
  if (protocol === 'rest-xml') return 's3';
  if (version === '2010-05-08') return 'iam';
  if (version === '2011-06-15') return 'sts';
  return undefined;
}

function signedAt(req: IncomingMessage, params: URLSearchParams) {
  const amz = (req.headers['x-amz-date'] as string | undefined) ?? params.get('X-Amz-Date');
  if (amz) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amz);
    const time = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
    return { raw: amz, time };
  }
  const date = req.headers['date'];
  if (date) return { raw: String(date), time: Date.parse(String(date)) };
  return undefined;
}

/** AWS's basic ISO 8601 form used in SigV4 (`20141106T011752Z`). */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
