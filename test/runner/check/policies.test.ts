// Which policy documents grant EC2: the rule behind denied-ec2's "you granted EC2 rights".
import { describe, it, expect } from 'vitest';
import { allowsService } from '../../../runner/check/policies.ts';

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('allowsService', () => {
  it('sees ec2 actions, wildcards and "*"', () => {
    expect(
      allowsService(
        doc({ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }),
        'ec2',
      ),
    ).toBe(true);
    expect(
      allowsService(
        doc({ Effect: 'Allow', Action: ['iam:*', 'EC2:Describe*'], Resource: '*' }),
        'ec2',
      ),
    ).toBe(true);
    expect(allowsService(doc({ Effect: 'Allow', Action: '*', Resource: '*' }), 'ec2')).toBe(true);
    expect(allowsService(doc({ Effect: 'Allow', Action: 'ec2:Run*', Resource: '*' }), 'ec2')).toBe(
      true,
    );
  });

  it('ignores IAM-only, Deny, and NotAction that excludes ec2', () => {
    expect(allowsService(doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }), 'ec2')).toBe(
      false,
    );
    expect(allowsService(doc({ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }), 'ec2')).toBe(
      false,
    );
    expect(allowsService(doc({ Effect: 'Allow', NotAction: 'ec2:*', Resource: '*' }), 'ec2')).toBe(
      false,
    );
  });

  it('treats Allow + NotAction of other services as granting ec2', () => {
    expect(allowsService(doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), 'ec2')).toBe(
      true,
    );
  });

  it('reads URL-encoded documents as IAM returns them', () => {
    const encoded = encodeURIComponent(doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }));
    expect(allowsService(encoded, 'ec2')).toBe(true);
  });
});
