// Cleanup is idempotent: an IAM entity that is already gone counts as removed.
// SDK v3 names the error `NoSuchEntityException`; the wire code is `NoSuchEntity`.
export function isNoSuchEntity(e: unknown): boolean {
  const err = e as { name?: string; Code?: string } | undefined;
  return (
    err?.name === 'NoSuchEntityException' ||
    err?.name === 'NoSuchEntity' ||
    err?.Code === 'NoSuchEntity'
  );
}

/** Run an IAM call; NoSuchEntity means the thing is already gone, which is what we wanted. */
export async function ignoreGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNoSuchEntity(e)) return undefined;
    throw e;
  }
}
