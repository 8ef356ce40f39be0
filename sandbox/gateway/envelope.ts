// AWS error envelopes, one per protocol, so every SDK and the CLI parse gateway errors the way
// they parse AWS's. Shapes: see shared/reference/aws-wire.md ("Errors").
import { randomUUID } from 'node:crypto';
import type { Protocol } from './request.ts';

export interface AwsError {
  status: number;
  code: string;
  message: string;
  /** Query protocol only: `Sender` (client's fault) or `Receiver` (service's fault). */
  type?: 'Sender' | 'Receiver';
  /** The client would have failed before reaching AWS (unknown region): no activity record. */
  neverSent?: boolean;
  /** S3 only: extra elements of its <Error> (InvalidArgument's ArgumentName, ArgumentValue). */
  extra?: Record<string, string>;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const NAMESPACES: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

export function newRequestId(): string {
  return randomUUID();
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// JSON services name some errors differently from the query services (botocore models:
// CloudTrail's UnrecognizedClientException, InvalidSignatureException, AccessDeniedException).
const JSON_CODES: Record<string, string> = {
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  AccessDenied: 'AccessDeniedException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
};

export function renderError(
  protocol: Protocol,
  service: string | undefined,
  err: AwsError,
  requestId: string,
): GatewayResponse {
  if (protocol === 'json') {
    const code = JSON_CODES[err.code] ?? err.code;
    return {
      status: err.status,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': code,
        'x-amzn-requestid': requestId,
      },
      body: Buffer.from(JSON.stringify({ __type: code, message: err.message })),
    };
  }
  const code = xmlEscape(err.code);
  const message = xmlEscape(err.message);
  let xml: string;
  if (protocol === 'rest-xml') {
    // S3: a bare <Error> with RequestId and HostId, and the id in `x-amz-request-id` too
    // (S3 API Reference, "Error responses" / "Common response headers").
    return {
      status: err.status,
      headers: {
        'content-type': 'application/xml',
        'x-amz-request-id': requestId,
        'x-amzn-requestid': requestId,
      },
      body: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<Error><Code>${code}</Code><Message>${message}</Message>` +
          Object.entries(err.extra ?? {})
            .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
            .join('') +
          `<RequestId>${requestId}</RequestId><HostId>${hostId(requestId)}</HostId></Error>`,
      ),
    };
  }
  if (protocol === 'ec2') {
    // EC2: no namespace, errors wrapped in <Errors>, and `RequestID` with a capital ID.
    xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
      `<RequestID>${requestId}</RequestID></Response>`;
  } else {
    const ns = NAMESPACES[service ?? ''] ?? NAMESPACES.iam;
    xml =
      `<ErrorResponse xmlns="${ns}">\n  <Error>\n    <Type>${err.type ?? 'Sender'}</Type>\n` +
      `    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  }
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: Buffer.from(xml),
  };
}

/** S3's extended request id (`x-amz-id-2`): opaque base64 in AWS answers. */
export function hostId(requestId: string): string {
  return Buffer.from(`labrunner-sandbox/${requestId}`).toString('base64');
}

/** Pull code and message out of any XML or JSON error body moto produces. */
export function readError(body: string): { code?: string; message?: string } {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const j = JSON.parse(trimmed) as Record<string, unknown>;
      const type = String(j.__type ?? j.code ?? '');
      return {
        code: type ? type.slice(type.lastIndexOf('#') + 1) : undefined,
        message: (j.message ?? j.Message) as string | undefined,
      };
    } catch {
      return {};
    }
  }
  return {
    code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
    message: xmlUnescape(/<Message>([\s\S]*?)<\/Message>/.exec(body)?.[1]),
  };
}

function xmlUnescape(s: string | undefined): string | undefined {
  return s
    ?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
