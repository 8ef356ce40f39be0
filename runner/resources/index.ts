// Public surface of the resource registry (used by cleanup, labtest and the lab SDK's types).
export { KINDS, KIND_NAMES, kindOf } from './registry.ts';
export { snapshotAccount, diffSnapshots, type AccountSnapshot } from './snapshot.ts';
export type { Identity, KindContext, Live, ResourceKind } from './types.ts';
export { deleteUser } from './kinds/user-dependents.ts';
