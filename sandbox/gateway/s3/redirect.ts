// A bucket asked for in another region than its own: the engine answers 301 PermanentRedirect
// with the bucket's region in `x-amz-bucket-region` (../../engine/s3_regions.py, with the AWS
// sources). Sent on as S3 sends it; the client follows it by itself (re-signed for that region),
// and only that followed call is an event: the redirect itself is not recorded, since it was
// answered by an endpoint that does not serve the bucket (where AWS would log it, if at all, is
// not documented; the bucket's own region has the followed call).
import type { IncomingHttpHeaders } from 'node:http';
import { hostId, type GatewayResponse } from '../envelope.ts';
import { s3Passthrough } from './passthrough.ts';

export function isRegionRedirect(status: number, headers: IncomingHttpHeaders): boolean {
  return status === 301 && typeof headers['x-amz-bucket-region'] === 'string';
}

export function regionRedirect(
  headers: IncomingHttpHeaders,
  body: Buffer,
  requestId: string,
): GatewayResponse {
  const withHostId = body
    .toString('utf8')
    .replace(/<HostId>[^<]*<\/HostId>/, `<HostId>${hostId(requestId)}</HostId>`);
  const r = s3Passthrough(301, Buffer.from(withHostId), requestId);
  r.headers['x-amz-bucket-region'] = String(headers['x-amz-bucket-region']);
  return r;
}
