// The mistakes contract without a sandbox: mistakes.mjs problems carry file:line and a fix; a
// hint's commands are what `lab test` types when it follows the hint; a mistake's verdict is
// judged as lab test judges it (passed and "not tried" are never right for an attempt).
import { describe, expect, it } from 'vitest';
import { mistakeProblems } from '../../../runner/sdk/validate.ts';
import { fillCommand, hintCommands } from '../../../runner/labtest/hint.ts';
import { verdictMismatch } from '../../../runner/labtest/mistakes.ts';

const SOURCE = `export const mistakes = {
  'create-group': [
    {
      name: 'typo in the group name',
      async act() {},
      verdict: { status: 'passed', evidence: 'lab-reader' },
    },
  ],
  'create-grup': [
    {
      name: 'same name twice',
      async act() {},
      verdict: { status: 'failed', evidence: 'x' },
    },
  ],
};
`;

describe('mistakes.mjs problems', () => {
  const act = async () => {};
  it('a status other than failed, and a step that does not exist, each with its line and fix', () => {
    const problems = mistakeProblems(
      {
        'create-group': [
          {
            name: 'typo in the group name',
            act,
            verdict: { status: 'passed', evidence: 'lab-reader' },
          },
        ],
        'create-grup': [
          { name: 'same name twice', act, verdict: { status: 'failed', evidence: 'x' } },
        ],
      },
      '/labs/x/mistakes.mjs',
      SOURCE,
      ['create-group', 'attach-policy'],
    );
    expect(problems).toEqual([
      expect.objectContaining({
        line: 4,
        message: expect.stringMatching(/^`create-group\[0\]\.verdict\.status` must be "failed"/),
      }),
      expect.objectContaining({
        line: 9,
        message: 'mistakes for `create-grup`, which is not a step',
        fix: 'use one of `create-group`, `attach-policy`',
      }),
    ]);
  });

  it('a missing act and two mistakes of one step with one name', () => {
    const one = { name: 'twice', act, verdict: { status: 'failed', evidence: 'e' } };
    expect(
      mistakeProblems({ s: [{ name: 'no act', verdict: one.verdict }] }, 'f', '', ['s'])[0].message,
    ).toBe('`s[0].act` must be a function');
    expect(mistakeProblems({ s: [one, one] }, 'f', '', ['s'])[0].message).toBe(
      'two mistakes of `s` are named "twice"',
    );
    expect(mistakeProblems({ s: [one] }, 'f', '', ['s'])).toEqual([]);
  });
});

describe('following a hint', () => {
  it('types the aws commands the hint quotes, in order, and nothing else', () => {
    expect(
      hintCommands(
        'Detach its policy: run `aws iam detach-role-policy --role-name r --policy-arn a`, then `aws iam delete-role --role-name r`. See `lab hint`.',
      ),
    ).toEqual([
      'aws iam detach-role-policy --role-name r --policy-arn a',
      'aws iam delete-role --role-name r',
    ]);
  });

  it('fills placeholders, and refuses one left open or a command that asks questions', () => {
    expect(
      fillCommand('aws ec2 x --cidr <your-address>/32', { '<your-address>': '203.0.113.10' }),
    ).toBe('aws ec2 x --cidr 203.0.113.10/32');
    expect(() => fillCommand('aws ec2 x --cidr <your-address>/32')).toThrow(
      /has the placeholder <your-address>: give its value in the mistake's `fill`/,
    );
    expect(() => fillCommand('aws configure --profile lab-reader')).toThrow(/asks questions/);
    expect(fillCommand('aws configure set region ap-southeast-2 --profile p')).toBe(
      'aws configure set region ap-southeast-2 --profile p',
    );
  });
});

describe('a mistake’s verdict', () => {
  const want = { status: 'failed' as const, evidence: 'NoSuchEntity' };
  it('passed and not-tried are refused whatever they say', () => {
    expect(verdictMismatch({ status: 'passed', evidence: 'NoSuchEntity' }, want)).toMatch(
      /^PASSED .*: the check accepts the mistake$/,
    );
    expect(
      verdictMismatch({ status: 'not-tried', evidence: 'no such call recorded' }, want),
    ).toMatch(/says "not tried" .* right after an attempt/);
  });
  it('failed must carry the declared fragment', () => {
    expect(
      verdictMismatch(
        { status: 'failed', evidence: 'AttachGroupPolicy failed: NoSuchEntity' },
        want,
      ),
    ).toBe('');
    expect(verdictMismatch({ status: 'failed', evidence: 'something else' }, want)).toMatch(
      /does not mention "NoSuchEntity"/,
    );
  });
});
