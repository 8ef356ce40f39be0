// A managed policy attached to a user, group or role ("<type>:<name>|<policy arn>"). AWS gives
// an attachment no id: it is the run's only through the Attach…Policy event the ledger recorded.
import { str } from './iam-user.ts';
import {
  TYPES,
  allPrincipals,
  attachedTo,
  detach,
  eventFor,
  principalOf,
  splitRef,
} from './principals.ts';
import type { ResourceKind } from '../types.ts';

export const policyAttachment: ResourceKind = {
  kind: 'policy-attachment',
  noun: 'policy attachment',
  order: 20,
  identity: [],
  createdBy: TYPES.map((type) => ({
    event: eventFor('Attach', type),
    name: (e) => {
      const p = principalOf(e, type);
      const arn = str(e.requestParameters?.policyArn);
      return p && arn ? `${p}|${arn}` : undefined;
    },
  })),
  async lookup(ctx, id) {
    const { type, name, policy } = splitRef(id);
    const arns = await attachedTo(ctx.clients.iam, type, name);
    return arns?.includes(policy) ? { ids: {} } : undefined;
  },
  async delete(ctx, id) {
    const { type, name, policy } = splitRef(id);
    await detach(ctx.clients.iam, type, name, policy);
  },
  async snapshot(ctx) {
    const out: string[] = [];
    for (const [type, name] of await allPrincipals(ctx.clients.iam)) {
      for (const arn of (await attachedTo(ctx.clients.iam, type, name)) ?? [])
        out.push(`${arn} attached to ${type} ${name}`);
    }
    return out;
  },
  describe: (id) => {
    const { type, name, policy } = splitRef(id);
    return `${policy.split('/').pop()} attached to ${type} ${name}`;
  },
  removing: (id) => {
    const { type, name, policy } = splitRef(id);
    return `detach ${policy.split('/').pop()} from ${type} ${name}`;
  },
};
