// Public surface of the progress store (SQLite under the lab home).
export { openStore, storePath, type Store } from './db.ts';
export {
  startRun,
  currentRun,
  latestRun,
  getRun,
  listRuns,
  setRunStatus,
  setRunBaseline,
  type Run,
  type RunStatus,
} from './runs.ts';
export {
  recordCreated,
  replaceDetails,
  markRemoved,
  ledgerFor,
  type LedgerEntry,
  type LedgerKind,
} from './ledger.ts';
export {
  recordResults,
  latestResults,
  resultHistory,
  progressSummary,
  type StoredResult,
  type ResultInput,
  type LabProgress,
} from './results.ts';
