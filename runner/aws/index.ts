// AWS plumbing shared by check, cleanup, class, serve and labtest, below all of them: SDK
// clients, error mapping (environment problems, the runner's own denials, "already gone"),
// event history. Nothing here decides which account, profile or region: runner/target does,
// and builds its clients with makeClients. This file only re-exports.
export {
  makeClients,
  destroyClients,
  preloadClients,
  USER_AGENT,
  type ClientOptions,
} from './clients.ts';
export {
  RUNNER_READ_PERMISSIONS,
  isDenial,
  isRunnerDenial,
  denialError,
  callTag,
  type CallTag,
  type DenialContext,
} from './denied.ts';
export { environmentError, type ErrorContext } from './environment-errors.ts';
export { isNoSuchEntity, ignoreGone, isNotFound, ignoreNotFound } from './errors.ts';
export {
  lookupEvents,
  lookupEventsBy,
  byRunner,
  targetKeyId,
  hhmmss,
  type TrailEvent,
} from './events.ts';
export { isRunsCall, learnerArnOf, afterStart } from './run-calls.ts';
