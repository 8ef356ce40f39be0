// The lab SDK: the one module a lab.ts imports from labrunner (docs/lab-format.md is its
// contract). Labs may also import AWS SDK v3 clients' commands, and nothing else of the runner.
export {
  defineLab,
  defineMistakes,
  type LabDef,
  type StepDef,
  type StepEvidence,
  type Mistake,
  type RecoverContext,
  type LearnerShell,
} from './define.ts';
export { passed, failed, pending, notTried } from './verdicts.ts';
export { answer, notYet, type QuizEvidence } from './quiz.ts';
export { ignoreNotFound, isNotFound } from '../aws/index.ts';
export {
  learnerCalls,
  learnerDid,
  callsWithKey,
  keysCreatedFor,
  roleSessionCalls,
  learnerProfiles,
  ifLocal,
  missing,
  whatItGot,
  sinceStart,
  hhmmss,
  targetKeyId,
  agent,
} from './evidence.ts';
export { grantsForService } from '../check/policies.ts';
// Where else (outside the lab's region) the learner made a lab resource, for the verdict to say.
export { madeElsewhere, elsewhereText, type MadeElsewhere } from '../ownership/index.ts';
export { RESOURCE_KINDS, type ResourceKindName } from './kinds.ts';
export type { StepVerdict, StepStatus } from '../lab/define.ts';
export type { CheckContext, SetupContext, RunInfo, Clock } from '../check/context.ts';
export type { TrailEvent } from '../aws/index.ts';
export type { Profile } from '../target/profiles.ts';
