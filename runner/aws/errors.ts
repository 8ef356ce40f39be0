// "Not found" from AWS, in one place. A check reading something the learner has not created yet
// (or already deleted) is in a normal state, not an error; cleanup counts an entity that is
// already gone as removed. SDK v3 names the error by the model's exception (`NoSuchEntityException`),
// the wire code is `NoSuchEntity`; S3 and EC2 have their own codes.
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

type Named = { name?: string; Code?: string } | undefined;

/** Any service's "does not exist". */
export function isNotFound(e: unknown): boolean {
  const x = e as Named;
  return NOT_FOUND.has(x?.name ?? '') || NOT_FOUND.has(x?.Code ?? '');
}

/** IAM's "does not exist" only. */
export function isNoSuchEntity(e: unknown): boolean {
  const x = e as Named;
  return (
    x?.name === 'NoSuchEntityException' || x?.name === 'NoSuchEntity' || x?.Code === 'NoSuchEntity'
  );
}

async function unless<T>(p: Promise<T>, absent: (e: unknown) => boolean): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (absent(e)) return undefined;
    throw e;
  }
}

/** The call's result, or undefined when what it reads does not exist (any other error escapes). */
export const ignoreNotFound = <T>(p: Promise<T>) => unless(p, isNotFound);

/** Run an IAM call; NoSuchEntity means the thing is already gone, which is what we wanted. */
export const ignoreGone = <T>(p: Promise<T>) => unless(p, isNoSuchEntity);
