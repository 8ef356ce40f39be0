// Hand-signed requests for what the SDK will not send (unknown actions, malformed bodies, dates).
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { REGION } from './gateway-fixture.ts';
import type { Creds } from './clients.ts';

export async function signedFetch(
  url: string,
  creds: Creds,
  service: string,
  body: string,
  headers: Record<string, string> = {},
  signingDate?: Date,
): Promise<Response> {
  const u = new URL(url);
  const signer = new SignatureV4({ credentials: creds, region: REGION, service, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      headers: {
        host: u.host,
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        ...headers,
      },
      body,
    },
    { signingDate },
  );
  return fetch(url, { method: 'POST', headers: signed.headers, body });
}
