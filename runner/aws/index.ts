// AWS plumbing shared by check, cleanup, class and labtest: event history, error mapping.
// Clients and identities are built by runner/target (one place decides who the runner is).
export { lookupEvents, byRunner, targetKeyId, hhmmss, type TrailEvent } from './events.ts';
export { isNoSuchEntity, ignoreGone } from './errors.ts';
export { isRunsCall, learnerArnOf } from './run-calls.ts';
