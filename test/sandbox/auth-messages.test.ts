// Encoded authorization failure messages, as a learner pastes them into
// `aws sts decode-authorization-message --encoded-message <message>`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openAuthMessages,
  type AuthorizationDecision,
} from '../../sandbox/gateway/auth-messages.ts';

const decision: AuthorizationDecision = {
  allowed: false,
  explicitDeny: false,
  matchedStatements: { items: [] },
  failures: { items: [] },
  context: {
    principal: {
      id: 'AIDAEXAMPLE',
      name: 'lab-ec2-intern',
      arn: 'arn:aws:iam::123456789012:user/lab-ec2-intern',
    },
    action: 'ec2:RunInstances',
    resource: 'arn:aws:ec2:ap-southeast-2:123456789012:instance/*',
    conditions: { items: [] },
  },
};

describe('encoded authorization messages', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-authmsg-'));

  it('never start with a character the CLIs would read as an option, and decode back', () => {
    const messages = openAuthMessages(dir);
    // Before the fix, about 1 in 32 started with '-' or '_': 2,000 draws find one all but surely.
    const encoded = Array.from({ length: 2000 }, () => messages.encode(decision));
    expect(encoded.filter((m) => /^[-_]/.test(m))).toEqual([]);
    expect(new Set(encoded).size).toBe(encoded.length);
    expect(messages.decode(encoded[0]!)).toEqual(decision);
  });

  it('survive a restart and refuse text they did not make', () => {
    const m = openAuthMessages(dir).encode(decision);
    const again = openAuthMessages(dir);
    expect(again.decode(m)).toEqual(decision);
    const flipped = m[40] === 'A' ? 'B' : 'A';
    expect(again.decode(m.slice(0, 40) + flipped + m.slice(41))).toBeUndefined();
    expect(again.decode('not a message')).toBeUndefined();
  });
});
