// An inline policy of a user, group or role ("<type>:<name>|<policy name>"). It has no id of its
// own: it is the run's only through the Put…Policy event the ledger recorded.
import { str } from './iam-user.ts';
import {
  TYPES,
  allPrincipals,
  deleteInline,
  eventFor,
  inlineOf,
  principalOf,
  splitRef,
} from './principals.ts';
import type { ResourceKind } from '../types.ts';

export const inlinePolicy: ResourceKind = {
  kind: 'inline-policy',
  noun: 'inline policy',
  order: 20,
  identity: [],
  createdBy: TYPES.map((type) => ({
    event: eventFor('Put', type),
    name: (e) => {
      const p = principalOf(e, type);
      const n = str(e.requestParameters?.policyName);
      return p && n ? `${p}|${n}` : undefined;
    },
  })),
  async lookup(ctx, id) {
    const { type, name, policy } = splitRef(id);
    const names = await inlineOf(ctx.clients.iam, type, name);
    return names?.includes(policy) ? { ids: {} } : undefined;
  },
  async delete(ctx, id) {
    const { type, name, policy } = splitRef(id);
    await deleteInline(ctx.clients.iam, type, name, policy);
  },
  async snapshot(ctx) {
    const out: string[] = [];
    for (const [type, name] of await allPrincipals(ctx.clients.iam)) {
      for (const p of (await inlineOf(ctx.clients.iam, type, name)) ?? [])
        out.push(`inline policy ${p} of ${type} ${name}`);
    }
    return out;
  },
  describe: (id) => {
    const { type, name, policy } = splitRef(id);
    return `inline policy ${policy} of ${type} ${name}`;
  },
};
