// "Ignore not-found" helpers: reading something the learner has not created yet (or already
// deleted) is a normal state for a check, not an error. Any other error still escapes (and the
// runner reports it as the check's, naming the step and lab.ts:line).
const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'NoSuchBucket',
  'NoSuchKey',
  'NotFound',
  'InvalidInstanceID.NotFound',
  'InvalidGroup.NotFound',
  'InvalidKeyPair.NotFound',
  'ResourceNotFoundException',
]);

export function isNotFound(e: unknown): boolean {
  const x = e as { name?: string; Code?: string } | undefined;
  return NOT_FOUND.has(x?.name ?? '') || NOT_FOUND.has(x?.Code ?? '');
}

/** The call's result, or undefined when what it reads does not exist. */
export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
