// Encoded authorization failure messages. When AWS denies some calls (EC2's RunInstances,
// StopInstances, CreateSecurityGroup…) the error ends with "Encoded authorization failure
// message: <opaque text>", which only `sts decode-authorization-message` (and the
// sts:DecodeAuthorizationMessage permission) turns back into the decision document (STS API
// Reference, DecodeAuthorizationMessage). Here the document is sealed with AES-256-GCM under a
// key kept in the sandbox state directory (0600), so a message stays opaque, survives a restart,
// and decodes only through STS; base64url text, as AWS's messages are.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The decision document, in the shape DecodeAuthorizationMessage returns (as JSON). */
export interface AuthorizationDecision {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: { items: unknown[] };
  failures: { items: unknown[] };
  context: {
    principal: { id: string; name?: string; arn: string };
    action: string;
    resource: string;
    conditions: { items: { key: string; values: { items: { value: string }[] } }[] };
  };
}

export interface AuthMessages {
  encode(decision: AuthorizationDecision): string;
  /** undefined when the text is not a message this sandbox encoded. */
  decode(message: string): AuthorizationDecision | undefined;
}

const KEY_FILE = 'authorization-message.key';

export function openAuthMessages(stateDir: string): AuthMessages {
  const file = path.join(stateDir, KEY_FILE);
  let key: Buffer;
  try {
    key = fs.readFileSync(file);
    if (key.length !== 32) throw new Error('bad key length');
  } catch {
    key = randomBytes(32);
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(file, key, { mode: 0o600 });
  }
  return {
    encode(decision) {
      const iv = randomBytes(12);
      // A message never starts with '-' or '_': the CLIs' argument parsers take a value that
      // starts with '-' for an option, so the command the lab teaches
      // (`--encoded-message <message>`) would fail about one time in 32.
      iv[0] &= 0x7f;
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(JSON.stringify(decision)), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    decode(message) {
      try {
        const raw = Buffer.from(message.trim(), 'base64url');
        if (raw.length < 29) return undefined;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
        return JSON.parse(text.toString('utf8')) as AuthorizationDecision;
      } catch {
        return undefined;
      }
    },
  };
}
