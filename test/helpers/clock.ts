// Waits on the clock itself, for tests where the thing waited for *is* time: IAM's CreateDate
// and CloudTrail's eventTime have whole seconds (as on AWS), so "after" means "a later second".

/** Resolve just after the next whole second begins (10 ms past it): never a fixed 1.1 s. */
export function nextSecond(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
}
