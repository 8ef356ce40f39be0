// The gateway's public surface is exactly the AWS API of the services the sandbox serves.
//
// Every decision is taken on the path as the engine would finally see it, never on the raw
// bytes: the engine (httpserver.py) percent-decodes the path once, and moto's dispatcher then
// routes any PATH_INFO that *starts with* `/moto-api` to its control API (state dump, reset)
// and `/latest/meta-data/`, `/latest/api/` to a fake instance-metadata service
// (moto/moto_server/werkzeug_app.py, get_application). So `/%6Doto-api/reset`, `//moto-api`,
// `/x/../moto-api`, `\moto-api` and `/%256Doto-api` are all the same request to refuse.
//
// The allow rule, in order:
//   1. the path must canonicalise (no control characters, decoding settles);
//   2. it must not be an engine control path in any spelling (CONTROL below);
//   3. the request must be signed (header or presigned query; fixes/missing-auth.ts) for a
//      service in SERVICES, and its path must fit that service's rule.
// A new service (S3) is one line in SERVICES: its rule says which paths are its API.

/** How a served service's requests address it. */
export type PathRule = 'root' | 'any';

/**
 * Services the sandbox serves, keyed by SigV4 signing name (the credential scope's service).
 * IAM, STS, EC2 (query protocol) and CloudTrail (JSON 1.1) are all `POST /` or `GET /?Action=`
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf "Making Query Requests";
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html). S3 addresses
 * buckets and keys by path (`/bucket/key`), so its rule is `any` path that is not a control one.
 */
export const SERVICES: Record<string, PathRule> = {
  iam: 'root',
  sts: 'root',
  ec2: 'root',
  cloudtrail: 'root',
  s3: 'any',
};

/** HTTP methods each kind of API uses (query/JSON: GET and POST; S3's REST API: these five). */
const METHODS: Record<PathRule, Set<string>> = {
  root: new Set(['GET', 'POST']),
  any: new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']),
};

/** Path prefixes the engine treats as its own (moto's dispatcher uses `startswith`, no slash). */
const CONTROL = ['/moto-api', '/_labrunner', '/favicon.ico', '/latest/meta-data', '/latest/api'];

// More rounds than this and the client is playing games; no AWS SDK double-encodes a path
// more than twice (S3 keys are encoded once by the SDK, once more inside presigned URLs).
const MAX_DECODE_ROUNDS = 4;

/**
 * The request target's path as every layer below could read it: percent-decoded until it stops
 * changing, backslashes as slashes, repeated slashes collapsed, dot segments resolved, lower
 * case. Undefined when it cannot be canonicalised (a control character, or decoding that never
 * settles): such a request is refused.
 */
export function canonicalPath(target: string): string | undefined {
  // Origin form only: AWS clients never send the absolute form (RFC 9112 §3.2.2) to an
  // endpoint, and the engine would take its authority as the Host.
  let path = target;
  const q = path.search(/[?#]/);
  if (q >= 0) path = path.slice(0, q);
  if (!path.startsWith('/') && !path.startsWith('\\')) return undefined;
  for (let round = 0; ; round++) {
    const next = path.replace(/%([0-9a-f]{2})/gi, (_, h: string) =>
      String.fromCharCode(parseInt(h, 16)),
    );
    if (next === path) break;
    if (round === MAX_DECODE_ROUNDS) return undefined;
    path = next;
  }
  // C0 controls and DEL: no API path needs them raw, and NUL truncates in C code. (Bytes
  // 0x80-0xff stay: they are UTF-8 of non-ASCII S3 keys, decoded here byte by byte.)
  if (/[\u0000-\u001f\u007f]/.test(path)) return undefined;
  const out: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return ('/' + out.join('/')).toLowerCase();
}

/** Is this canonical path one the engine would route to its own control surfaces? */
export function isControlPath(canonical: string): boolean {
  return CONTROL.some((p) => canonical.startsWith(p));
}

/** Is `method` one the served `service`'s API uses? (S3 answers others 405 MethodNotAllowed.) */
export function servesMethod(service: string | undefined, method: string): boolean {
  const rule = service ? SERVICES[service] : undefined;
  return !!rule && METHODS[rule].has(method);
}

/** Does a signed request for `service` at `canonical` belong to a served service's API? */
export function servesPath(service: string | undefined, canonical: string): boolean {
  const rule = service ? SERVICES[service] : undefined;
  if (rule === 'root') return canonical === '/';
  return rule === 'any';
}
