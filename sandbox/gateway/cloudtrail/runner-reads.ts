// The runner's read-only calls (what `lab check` asks to see the account: ListAccessKeys,
// LookupEvents, GetAccountSummary…) are not written to event history. On AWS the runner signs
// with the learner's own profile, so its checks are the learner's own calls; in the sandbox they
// are machinery, as the health probes are: a learner's `lookup-events` after a whole lab shows
// their calls and the lab's setup and cleanup (the runner's writes, which stay recorded), nothing
// else. A runner read is one made by the sandbox's own hidden identity
// (fixes/hide-service-users.ts), or one the runner makes with a learner's key (day42's check of
// the iam-admin profile calls GetCallerIdentity with it): every runner client names itself in
// its user agent (`labrunner/<version>`, runner/aws/clients.ts). A learner's own tools do not.
import type { Call } from '../fixes/types.ts';

const READ_ONLY = /^(Get|List|Describe|Lookup|Head)/;
const RUNNER_AGENT = /(^|\s)labrunner\/\S+/;

export function isRunnerRead(call: Call, serviceUsers: readonly string[] | undefined): boolean {
  if (!READ_ONLY.test(call.req.action ?? '')) return false;
  const name = call.principal?.userName;
  if (name && serviceUsers?.includes(name)) return true;
  return RUNNER_AGENT.test(call.req.userAgent ?? '');
}
