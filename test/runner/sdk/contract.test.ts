// runner/sdk/contract.ts passes exact definitions and verdicts without loading zod; the zod
// schemas in validate.ts stay the contract. The plain checks may be stricter, never looser:
// whatever they accept, the schemas accept too, on shapes near the real ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDefinition, isVerdict } from '../../../runner/sdk/contract.ts';
import { labDefinitionSchema, verdictSchema } from '../../../runner/sdk/validate.ts';
import { RESOURCE_KINDS } from '../../../runner/sdk/kinds.ts';

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(() => undefined),
  fc.array(fc.string(), { maxLength: 3 }),
);

const verdictLike = fc.record(
  {
    status: fc.oneof(fc.constantFrom('passed', 'failed', 'pending', 'not-tried', 'ok'), anyValue),
    evidence: anyValue,
    expected: anyValue,
    hint: anyValue,
    passed: anyValue,
  },
  { requiredKeys: [] },
);

const stepId = fc.constantFrom('a', 'b', 'c-d');
const stepLike = fc.record(
  {
    check: fc.oneof(
      fc.constant(async () => ({ status: 'passed' })),
      anyValue,
    ),
    after: fc.oneof(fc.array(fc.oneof(stepId, fc.string()), { maxLength: 2 }), anyValue),
    title: anyValue,
  },
  { requiredKeys: [] },
);
const definitionLike = fc.record(
  {
    id: fc.oneof(fc.constantFrom('iam-groups', 'day42', 'Bad_Id', '-x'), anyValue),
    creates: fc.oneof(
      fc.array(fc.oneof(fc.constantFrom(...RESOURCE_KINDS), fc.string()), { maxLength: 3 }),
      anyValue,
    ),
    regions: anyValue,
    setup: fc.oneof(
      fc.constant(async () => undefined),
      anyValue,
    ),
    steps: fc.oneof(fc.dictionary(stepId, stepLike, { maxKeys: 3 }), anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);

describe('the plain contract checks are never looser than the schemas', () => {
  it('verdicts', () => {
    fc.assert(
      fc.property(verdictLike, (v) => {
        if (isVerdict(v)) expect(verdictSchema.safeParse(v).success, JSON.stringify(v)).toBe(true);
      }),
      { seed: 11, numRuns: 3000 },
    );
  });

  it('definitions', () => {
    let accepted = 0;
    fc.assert(
      fc.property(definitionLike, (d) => {
        if (!isDefinition(d)) return;
        accepted++;
        expect(labDefinitionSchema.safeParse(d).success).toBe(true);
      }),
      { seed: 11, numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(0); // the generator reaches valid definitions
  });

  it("accept the labs' real definitions and the SDK's verdicts", async () => {
    const { passed, failed, pending, notTried } = await import('../../../runner/sdk/index.ts');
    for (const v of [
      passed('x'),
      failed({ expected: 'e', evidence: 'f', hint: 'h' }),
      pending({ evidence: 'p' }),
      notTried({ expected: 'e', hint: 'h' }),
    ])
      expect(isVerdict(v), JSON.stringify(v)).toBe(true);
    for (const id of ['day42', 'iam-groups', 'iam-roles', 's3-basics', 'ec2-first-instance']) {
      const def = (await import(`../../../labs/${id}/lab.ts`)).default;
      expect(isDefinition(def), id).toBe(true);
    }
  });
});
