// The runner's own IAM user (`labrunner`, which checks, setup and cleanup sign with) is not part
// of the account a lab describes: on AWS the runner uses the learner's own credentials and adds
// no user. So `aws iam list-users` leaves it out for every caller but the runner itself, and a
// learner sees exactly the users they (and the lab's setup) created, as the lab's expected
// output shows. It is hidden, not gone: `iam get-user --user-name labrunner` answers, and its
// calls appear in event history under its name (docs/fidelity.md explains why).
import type { Call } from './types.ts';

/** The ListUsers body without the members whose UserName is one of `hidden`. */
export function hideServiceUsers(call: Call, body: string, hidden: readonly string[]): string {
  if (call.req.action !== 'ListUsers' || call.req.protocol !== 'query') return body;
  if (call.principal?.userName && hidden.includes(call.principal.userName)) return body;
  return body.replace(/\s*<member>([\s\S]*?)<\/member>/g, (member: string, inner: string) => {
    const name = /<UserName>([^<]*)<\/UserName>/.exec(inner)?.[1];
    return name && hidden.includes(name) ? '' : member;
  });
}
