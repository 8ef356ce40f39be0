// The gateway: a thin pipeline in front of the engine (moto).
//   parse → pre-checks → forward (signed bytes intact) → fix the response → record activity.
// Everything a learner would see differently from AWS is fixed in ./fixes/, one file per fix.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openActivityLog, type ActivityLog } from './activity-log.ts';
import { lookupEvents, isLookupEvents } from './cloudtrail/lookup-events.ts';
import { engineClient, isEngineDown, readBody } from './engine.ts';
import {
  newRequestId,
  readError,
  renderError,
  type AwsError,
  type GatewayResponse,
} from './envelope.ts';
import {
  engineDown,
  errorFixes,
  principalChecks,
  requestChecks,
  requestIdOf,
  type Call,
} from './fixes/index.ts';
import { forwardedHeaders } from './fixes/engine-headers.ts';
import { hideServiceUsers } from './fixes/hide-service-users.ts';
import { identityCache } from './identities.ts';
import { bucketTakenElsewhere, engineFor } from './shards.ts';
import { openAuthMessages } from './auth-messages.ts';
import { isRunnerRead } from './cloudtrail/runner-reads.ts';
import { activityRecord } from './record.ts';
import {
  decodeAuthorizationMessage,
  isDecodeAuthorizationMessage,
} from './sts/decode-authorization-message.ts';
import { createAccessKeyElements } from './parameters.ts';
import { assumeRoleElements } from './sts/assume-role-elements.ts';
import { parseRequest } from './request.ts';
import { EC2_CREATIONS, ec2ResponseElements } from './ec2/response-elements.ts';
import { IAM_RESPONSE_ELEMENTS } from './iam/response-elements.ts';
import { STATE_CHANGES, stateChangeElements } from './ec2/state-changes.ts';
import { s3Operation } from './s3/operation.ts';
import { s3Passthrough } from './s3/passthrough.ts';
import { isRegionRedirect, regionRedirect } from './s3/redirect.ts';
import { withoutCors } from './cors.ts';
import { isSandboxHost } from './host.ts';
import { canonicalPath, isControlPath, servesMethod, servesPath, SERVICES } from './surface.ts';
import { checkModelsDir, requestValidator } from './validate/index.ts';
import { accountThrottle, throttledError } from './throttle.ts';

export interface GatewayOptions {
  /** The engine's base URL, e.g. http://127.0.0.1:5000 */
  engineUrl: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where activity.jsonl lives. */
  stateDir: string;
  /** Wall clock in ms since the epoch (request expiry, event times); injectable for tests. */
  clock?: () => number;
  /** The per-start secret the engine requires on every request (it trusts only the gateway). */
  engineSecret: string;
  /** botocore's `data` directory (service models), found by sandbox/lifecycle/botocore.ts. */
  modelsDir: string;
  /** A class sandbox over several engines: each one's URL, index = shard (./shards.ts). */
  shardUrls?: string[];
}

export interface Gateway {
  url: string;
  port: number;
  activity: ActivityLog;
  /** Stop listening, flush the activity log. */
  close(): Promise<void>;
}

// Calls that change which keys exist or are active: the whois cache must forget them.
const KEY_CHANGES = new Set([
  'CreateAccessKey',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'DeleteUser',
]);
const DEFAULT_ACCOUNT = '123456789012';
// Successful calls whose answer CloudTrail records in part (responseElements), never a secret.
const RESPONSE_ELEMENTS: Record<string, (body: string) => Record<string, unknown> | undefined> = {
  CreateAccessKey: createAccessKeyElements,
  AssumeRole: assumeRoleElements,
  ...IAM_RESPONSE_ELEMENTS,
  // Stop/Start/Terminate: each instance's current and previous state (ec2/state-changes.ts).
  ...Object.fromEntries([...STATE_CHANGES].map((a) => [a, stateChangeElements])),
};

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const clock = opts.clock ?? Date.now;
  checkModelsDir(opts.modelsDir); // a gateway that cannot validate must not start
  const validate = requestValidator(opts.modelsDir);
  const engine = engineFor({
    engineUrl: opts.engineUrl,
    secret: opts.engineSecret,
    stateDir: opts.stateDir,
    shardUrls: opts.shardUrls,
  });
  const own = { host: opts.host, port: 0 }; // the port is known once listening
  const ids = identityCache(engine);
  const activity = await openActivityLog(opts.stateDir);
  const authMessages = openAuthMessages(opts.stateDir);
  const throttle = accountThrottle(opts.stateDir);
  type Health = { accountId: string; serviceUsers?: string[] };
  const health = () =>
    engine.getJson<Health>('/_labrunner/health').catch(() => undefined as Health | undefined);
  const account = (await health())?.accountId ?? DEFAULT_ACCOUNT;
  // The engine may still be starting when the gateway is (they start in parallel): ask again
  // until it answers.
  let serviceUsers: string[] | undefined;
  const hiddenUsers = async () => (serviceUsers ??= (await health())?.serviceUsers);

  function record(
    call: Call,
    requestId: string,
    err?: AwsError,
    responseElements?: Record<string, unknown>,
  ) {
    // S3 object-level calls are data events, which CloudTrail event history never shows.
    if (call.s3?.dataEvent) return;
    if (isRunnerRead(call, serviceUsers)) return;
    const outcome = {
      requestId,
      status: err?.status,
      errorCode: err?.code,
      errorMessage: err?.message,
      responseElements,
    };
    activity.append(activityRecord(call, outcome, account));
  }

  function send(res: http.ServerResponse, r: GatewayResponse) {
    res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
    res.end(r.body);
  }

  function reject(res: http.ServerResponse, call: Call, err: AwsError, requestId = newRequestId()) {
    const r = renderError(call.req.protocol, call.req.service, err, requestId);
    send(res, r);
    if (err.neverSent) return;
    record(call, requestId, { ...err, code: r.headers['x-amzn-errortype'] ?? err.code });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const parsed = parseRequest(req, await readBody(req));
    const call: Call = { req: parsed, now: clock(), authMessages };
    if (parsed.protocol === 'rest-xml') {
      // S3 names its operation by method, path and query: the activity log needs the name.
      call.s3 = s3Operation(parsed);
      parsed.action = call.s3.name;
    }
    // The surface (./surface.ts, ./host.ts): refused before anything is asked of the engine,
    // and not recorded (nothing reached the account).
    const refuse = (err: AwsError) =>
      send(res, renderError(parsed.protocol, parsed.service, err, newRequestId()));
    if (!isSandboxHost(req.headers.host, own)) {
      return refuse({
        status: 421,
        code: 'MisdirectedRequest',
        message: `This sandbox answers only to 127.0.0.1:${own.port} or localhost:${own.port}, not to the host name ${JSON.stringify(req.headers.host ?? '')} (a web page's DNS rebinding looks like this).`,
      });
    }
    const path = canonicalPath(parsed.url);
    if (path === undefined) {
      return refuse({
        status: 400,
        code: 'InvalidURI',
        message: 'Could not parse the request path.',
      });
    }
    if (isControlPath(path)) {
      return refuse({ status: 404, code: 'NotFound', message: 'Not Found' });
    }
    for (const check of requestChecks) {
      const err = check(call);
      if (err) return reject(res, call, err);
    }
    if (!servesPath(parsed.service, path)) {
      if (parsed.service && SERVICES[parsed.service]) {
        return refuse({ status: 404, code: 'NotFound', message: 'Not Found' });
      }
      return reject(res, call, {
        status: 400,
        code: 'UnsupportedService',
        message: `The labrunner sandbox does not serve ${JSON.stringify(parsed.service ?? '')} (it serves ${Object.keys(SERVICES).join(', ')}).`,
      });
    }
    if (!servesMethod(parsed.service, parsed.method)) {
      return refuse({
        status: 405,
        code: 'MethodNotAllowed',
        message: 'The specified method is not allowed against this resource.',
      });
    }
    call.principal = parsed.accessKeyId ? await ids.lookup(parsed.accessKeyId) : undefined;
    if (serviceUsers === undefined && call.principal) await hiddenUsers();
    for (const check of principalChecks) {
      const err = check(call);
      if (err) return reject(res, call, err);
    }
    // A class's per-learner rate limit (./throttle.ts), by the account the key belongs to. Not
    // recorded: a runaway loop must not fill the activity log (or the instructor's view of it).
    if (call.principal && !throttle.take(call.principal.accountId, call.principal.userName)) {
      return refuse(throttledError(parsed.protocol));
    }
    // AWS authenticates before it validates: a key the engine does not know goes on to the
    // engine's InvalidClientTokenId, whatever the request says.
    const invalid = call.principal && validate(call);
    if (invalid) return reject(res, call, invalid);

    const taken = await bucketTakenElsewhere(engine, parsed, call.s3);
    if (taken) return reject(res, call, taken);

    let upstream: http.IncomingMessage;
    try {
      upstream = await engine.forward(parsed);
    } catch (err) {
      if (isEngineDown(err)) return reject(res, call, engineDown());
      throw err;
    }
    const status = upstream.statusCode ?? 500;
    const requestId = requestIdOf(upstream.headers);

    if (isLookupEvents(parsed)) {
      // moto has no LookupEvents, but it authenticates and authorises the signed request
      // (cloudtrail:LookupEvents) before it finds that out: a 4xx is the caller's auth error,
      // its "not implemented" 500 (or a 2xx, should moto ever implement it) means the caller
      // may look events up, and the gateway answers.
      const body = await readBody(upstream);
      if (status < 400 || status === 500) {
        // Each account sees its own history only (one engine may hold a class's accounts).
        const mine = activity
          .all()
          .filter((r) => r.accountId === (call.principal?.accountId ?? account));
        const out = lookupEvents(parsed.body, mine, call.now, parsed.region);
        if ('error' in out) return reject(res, call, out.error, requestId);
        send(res, {
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
          body: out.body,
        });
        return record(call, requestId);
      }
      return fixError(res, call, status, body, requestId, upstream.headers);
    }

    if (isDecodeAuthorizationMessage(parsed)) {
      // moto authorises sts:DecodeAuthorizationMessage, then has no such operation (500): as for
      // LookupEvents, a 4xx is the caller's auth error and anything else means the gateway answers.
      const body = await readBody(upstream);
      if (status < 400 || status === 500) {
        const out = decodeAuthorizationMessage(parsed, authMessages, requestId);
        if ('error' in out) return reject(res, call, out.error, requestId);
        send(res, {
          status: 200,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
          body: Buffer.from(out.body),
        });
        return record(call, requestId);
      }
      return fixError(res, call, status, body, requestId, upstream.headers);
    }

    if (call.s3 && isRegionRedirect(status, upstream.headers)) {
      return send(res, regionRedirect(upstream.headers, await readBody(upstream), requestId));
    }
    if (status < 400) {
      // Success streams through untouched but for the engine-only headers (fixes/engine-headers.ts).
      const headers = withoutCors(forwardedHeaders(upstream.headers, requestId, Boolean(call.s3)));
      if (KEY_CHANGES.has(parsed.action ?? '')) ids.invalidate();
      if (parsed.protocol === 'ec2' && EC2_CREATIONS.has(parsed.action ?? '')) {
        // Buffered (small) to record the created ids; the key material goes to the client only.
        const body = await readBody(upstream);
        res.writeHead(status, headers);
        res.end(body);
        return record(
          call,
          requestId,
          undefined,
          ec2ResponseElements(parsed.action!, body.toString('utf8')),
        );
      }
      const elements = RESPONSE_ELEMENTS[parsed.action ?? ''];
      if (elements) {
        // Buffered (it is small) to record the new key's or session's id; the secret goes to the
        // client only.
        const body = await readBody(upstream);
        res.writeHead(status, headers);
        res.end(body);
        return record(call, requestId, undefined, elements(body.toString('utf8')));
      }
      if (parsed.action === 'ListUsers') {
        const body = Buffer.from(
          hideServiceUsers(
            call,
            (await readBody(upstream)).toString('utf8'),
            (await hiddenUsers()) ?? [],
          ),
        );
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.end(body);
        return record(call, requestId);
      }
      res.writeHead(status, headers);
      // An engine dying mid-answer must not leave the client waiting forever.
      upstream.on('error', () => res.destroy());
      upstream.pipe(res);
      return record(call, requestId);
    }
    return fixError(res, call, status, await readBody(upstream), requestId, upstream.headers);
  }

  // Every engine error is re-rendered in the service's own envelope (moto uses IAM's
  // <ErrorResponse><Errors> shape for EC2 and XML for JSON services), after the fixes.
  function fixError(
    res: http.ServerResponse,
    call: Call,
    status: number,
    raw: Buffer,
    requestId: string,
    headers: http.IncomingHttpHeaders,
  ) {
    const body = raw.toString('utf8');
    const gap = headers['x-labrunner-engine-gap'];
    const crash = headers['x-labrunner-engine-crash'];
    const answer = {
      status,
      body,
      ...readError(body),
      gap: typeof gap === 'string' ? gap : undefined,
      crash: typeof crash === 'string' ? crash : undefined,
    };
    let err: AwsError | undefined;
    for (const fix of errorFixes) if ((err = fix(call, answer))) break;
    if (
      !err &&
      call.req.protocol === 'rest-xml' &&
      (body === '' || /^<\?xml[^>]*>\s*<Error>/.test(body))
    ) {
      // moto already answers S3 errors in S3's own envelope (with BucketName, Key…): keep it.
      send(res, s3Passthrough(status, raw, requestId));
      return record(call, requestId, {
        status,
        code: answer.code ?? http.STATUS_CODES[status]?.replace(/\W/g, '') ?? 'Error',
        message: answer.message ?? '',
      });
    }
    err ??= {
      status,
      code: answer.code ?? http.STATUS_CODES[status]?.replace(/\W/g, '') ?? 'InternalFailure',
      message: answer.message ?? http.STATUS_CODES[status] ?? 'Error',
      type: status >= 500 ? 'Receiver' : 'Sender',
    };
    reject(res, call, err, requestId);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Never a stack trace to the client: log it here, answer like AWS would.
      process.stderr.write(
        `labrunner gateway: ${err instanceof Error ? err.stack : String(err)}\n`,
      );
      if (res.headersSent) return res.destroy();
      const r = renderError(
        'query',
        undefined,
        {
          status: 500,
          type: 'Receiver',
          code: 'InternalFailure',
          message:
            'The request processing has failed because of an unknown error, exception or failure.',
        },
        newRequestId(),
      );
      send(res, r);
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  own.port = port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    activity,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      engine.close();
      await activity.close();
    },
  };
}
