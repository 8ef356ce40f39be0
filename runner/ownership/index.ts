// Ownership, one home: what the run created (recorded at creation, by id, in every region), and
// whether a live thing is still that (judged by those ids). Cleanup carries out this record and
// nothing else; checks record as they go and ask where else the learner made a lab resource.
// docs/cleanup.md, "Ownership", is its contract. This file only re-exports.
export { recordCreations, describe, type Recorded } from './record.ts';
export { judge, decide, describeEntry, type Verdict, type Decision } from './judge.ts';
export { identify } from './identify.ts';
export {
  listKeys,
  foreignKeys,
  keptKeysElsewhere,
  usersBeforeTheLab,
  type ContestedKeys,
} from './keys.ts';
export { labUsersOf, createsOf, regionsOf, baselineKeyIds, runStartSecond } from './lab-users.ts';
export {
  IAM_REGION,
  iamTrail,
  inRegion,
  learnerWrites,
  enabledRegions,
  knownRegions,
  runFilter,
  type RegionWrites,
  type RunRef,
} from './regions.ts';
export {
  madeElsewhere,
  elsewhereText,
  type MadeElsewhere,
  type ElsewhereContext,
} from './elsewhere.ts';
export { findProfileSections, type LearnerFiles, type SectionMatch } from './profiles.ts';
export { recordRoleProfiles } from './role-profiles.ts';
export { runRoleSessions } from './role-sessions.ts';
export { rivalRuns, contestedBy, contestedWhy, type Rival } from './claims.ts';
export type { Kept, OwnerTarget, OwnershipInput } from './types.ts';
