// The runner's read-only calls (what `lab check` asks to see the account: ListAccessKeys,
// LookupEvents, GetAccountSummary…) are not written to event history. On AWS the runner signs
// with the learner's own profile, so its checks are the learner's own calls; in the sandbox they
// come from the sandbox's own hidden identity (fixes/hide-service-users.ts) and are machinery, as
// the health probes are: a learner's `lookup-events` after a whole lab shows their calls and the
// lab's setup and cleanup (the runner's writes, which stay recorded), nothing else.
import type { Call } from '../fixes/types.ts';

const READ_ONLY = /^(Get|List|Describe|Lookup|Head)/;

export function isRunnerRead(call: Call, serviceUsers: readonly string[] | undefined): boolean {
  const name = call.principal?.userName;
  return !!name && !!serviceUsers?.includes(name) && READ_ONLY.test(call.req.action ?? '');
}
