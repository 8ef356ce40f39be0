// e. Request id and Date on every response. SDK v3 takes `$metadata.requestId` only from the
// `x-amzn-RequestId` header, and corrects clock skew from `Date`. moto sends the header on most
// answers but not on its HTML 500 pages; every answer the gateway renders itself carries one
// (envelope.ts), and Node's server adds `Date` to every response (sendDate).
import type { IncomingHttpHeaders } from 'node:http';
import { newRequestId } from '../envelope.ts';

/** The request id to answer with: the engine's own (it matches the body), else a new one. */
export function requestIdOf(engineHeaders: IncomingHttpHeaders): string {
  const id = engineHeaders['x-amzn-requestid'];
  return (Array.isArray(id) ? id[0] : id) || newRequestId();
}
