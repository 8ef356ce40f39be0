// Public surface of the class server (docs/class.md, docs/class-api.md): the HTTP
// handler and server, the store, reports and their renderers, and the learner's
// outbox that `lab check` publishes to.
export { classApi, DEFAULT_RATE, type ClassApiOptions } from './api.ts';
export {
  startClassServer,
  classHandler,
  openServerStore,
  ensureAdminToken,
  classHome,
  classDbPath,
  adminTokenPath,
  type RunningClassServer,
} from './server.ts';
export { openClassStore, ClassStore, type Principal, type ProgressRow } from './store/index.ts';
export { buildReport, summarize, type ClassReport, type LabReport } from './report.ts';
export { reportCsv } from './render/csv.ts';
export { reportTable } from './render/table.ts';
export { dashboardHtml } from './render/html.ts';
export { publishResults, flushOutbox, outboxPath, type PublishOutcome } from './outbox.ts';
export { ClassClient } from './client.ts';
export { readMembership, writeMembership, membershipPath, type Membership } from './membership.ts';
export { verifyReport } from './verify.ts';
