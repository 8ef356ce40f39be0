// Public surface of the check engine (used by `lab check`, `lab start`, the site server).
export {
  runChecks,
  checkLab,
  cleanupDue,
  type CheckResult,
  type CheckOutcome,
  type RunChecksOptions,
} from './engine.ts';
export { startLab, type StartResult } from './start.ts';
export { loadDefinition, type RunnableLab } from './load.ts';
export {
  systemClock,
  type Clock,
  type CheckContext,
  type SetupContext,
  type RunInfo,
} from './context.ts';
