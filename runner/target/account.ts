// A Target for reading someone else's sandbox account from the outside: the class server of a
// class that hosts the sandbox runs a lab's own checks against a learner's account with a
// short-lived key of its hidden identity there (runner/class/server-verify.ts). The learner's
// machine is not here: their CLI files cannot be read, so anything a check asks of them throws
// LocalEvidenceElsewhere — the step's evidence is on the learner's machine, and the server
// must say so (self-reported) rather than call the step failed.
import { LabError } from '../errors.ts';
import type { Credentials } from '../../sandbox/index.ts';
import { makeClients, destroyClients, environmentError, type ErrorContext } from '../aws/index.ts';
import type { Clients } from '../lab/define.ts';
import type { Target } from './index.ts';
import type { LearnerFiles } from './profiles.ts';

/** A check asked for the learner's local evidence (CLI files), which the server cannot see. */
export class LocalEvidenceElsewhere extends Error {
  override name = 'LocalEvidenceElsewhere';
  constructor(what: string) {
    super(`${what} is on the learner's machine`);
  }
}

export function accountTarget(o: {
  accountId: string;
  /** The account's learner identity (the hosted account's admin user). */
  learnerArn: string;
  /** Who the server reads as (the hidden verifier identity). */
  caller: Credentials & { arn: string };
  endpoint: string;
  region: string;
}): Target {
  let denied: Error | undefined;
  const onRunnerDenied = (e: Error) => void (denied ??= e);
  const made: Clients[] = [];
  const forRegion = (region: string) => {
    const c = makeClients({
      region,
      endpoint: o.endpoint,
      credentials: { accessKeyId: o.caller.accessKeyId, secretAccessKey: o.caller.secretAccessKey },
      onRunnerDenied,
    });
    made.push(c);
    return c;
  };
  const clients = forRegion(o.region);
  const ctx: ErrorContext = { kind: 'sandbox', endpoint: o.endpoint, callerArn: o.caller.arn };
  const elsewhere = (): never => {
    throw new LocalEvidenceElsewhere("the learner's AWS CLI files");
  };
  return {
    kind: 'sandbox',
    accountId: o.accountId,
    callerArn: o.caller.arn,
    learnerArn: o.learnerArn,
    isRoot: false,
    label: `hosted account ${o.accountId}`,
    region: o.region,
    endpoint: o.endpoint,
    clients,
    get learnerFiles(): LearnerFiles {
      return elsewhere();
    },
    clientsForProfile: async () => elsewhere(),
    clientsForRegion: forRegion,
    environmentError: (e) => environmentError(e, ctx),
    runnerDenial: (): LabError | undefined => (denied ? environmentError(denied, ctx) : undefined),
    close: () => made.forEach(destroyClients),
  };
}
