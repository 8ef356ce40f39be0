// Public surface of the automatic cleanup: plan → confirm → execute → verify.
export { runCleanup, formatPlan, cleanupExitCode, noRunError } from './run.ts';
export type { RunCleanupOptions } from './run.ts';
export { planCleanup } from './plan.ts';
export { labUsersOf, runStartSecond, baselineKeyIds, listKeys } from '../ownership/index.ts';
export { executePlan, deleteUser } from './execute.ts';
export { verifyCleanup } from './verify.ts';
export { assertSafeAccount, confirmAccount, ROOT_IN_USE, ROOT_KEYS_PRESENT } from './safety.ts';
export { expiredRuns, limitMinutes, DEFAULT_LIMIT_MINUTES } from './expired.ts';
export { findProfileSections } from '../ownership/index.ts';
export {
  removeProfileSections,
  removeSections,
  parseSections,
  writeAtomic,
} from '../resources/profile-file.ts';
export type {
  CleanupAction,
  CleanupPlan,
  CleanupReport,
  CleanupTarget,
  Kept,
  PlanInput,
} from './types.ts';
