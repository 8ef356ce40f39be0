// CORS: the gateway approves no cross-origin reads.
//
// moto wraps every service in flask-cors with its defaults, which echo any request's `Origin`
// back in `Access-Control-Allow-Origin` (and send `*` when there is none): any web page the
// learner visits could then read the sandbox's answers. AWS's endpoints for IAM, STS, EC2 and
// CloudTrail do answer CORS for browser SDK calls, but only to requests signed with valid keys
// (https://docs.aws.amazon.com/AWSEC2/latest/devguide/cors-support.html; aws-sdk-js
// apis/metadata.json marks these services `cors: true`). No lab calls the sandbox from a
// browser (the site's console goes through `lab serve`, same origin), so the sandbox takes the
// stricter side: no `Access-Control-*` header ever leaves the gateway, and a preflight
// (`OPTIONS`, unsigned) gets AWS's 403 MissingAuthenticationToken without approval. A page on
// another origin can still fire a request blind, but never read an answer; what such a blind
// request can do is bounded by the signature every forwarded request needs.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Drop the engine's CORS approval from headers about to go to the client. */
export function withoutCors(headers: IncomingHttpHeaders | OutgoingHttpHeaders) {
  for (const k of Object.keys(headers)) {
    if (k.startsWith('access-control-')) delete headers[k];
    // flask-cors adds `Vary: Origin` for its echo; nothing varies by origin any more.
    else if (k === 'vary' && String(headers[k]).toLowerCase() === 'origin') delete headers[k];
  }
  return headers;
}
