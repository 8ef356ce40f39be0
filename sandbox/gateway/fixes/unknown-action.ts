// Unknown operations. AWS answers 400 InvalidAction "Could not find operation <Action> for
// version <Version>" for an Action its API does not have (and 400 MissingAction when the
// parameter is absent); JSON services answer 400 UnknownOperationException. moto 5.2.1 raises
// NotImplementedError and returns an HTML 500 page for all of them.
// The operation lists come from botocore's service models (known-operations.json; regenerate
// with the command in docs/gateway.md).
import known from '../known-operations.json' with { type: 'json' };
import type { PreCheck } from './types.ts';

const OPERATIONS = new Map<string, Set<string>>(
  Object.entries(known).map(([svc, m]) => [svc, new Set(m.operations)]),
);
const VERSIONS = new Map<string, string>(Object.entries(known).map(([svc, m]) => [svc, m.version]));

export const unknownAction: PreCheck = ({ req }) => {
  const ops = OPERATIONS.get(req.service ?? '');
  if (!ops) return undefined; // a service we do not know the operations of: let the engine judge
  if (req.protocol === 'json') {
    if (req.action && ops.has(req.action)) return undefined;
    return { status: 400, code: 'UnknownOperationException', message: '' };
  }
  if (!req.action) {
    return { status: 400, code: 'MissingAction', message: 'Missing Action' };
  }
  if (!ops.has(req.action) || (req.version && req.version !== VERSIONS.get(req.service ?? ''))) {
    const version = req.version ?? '';
    return {
      status: 400,
      code: 'InvalidAction',
      message: `Could not find operation ${req.action} for version ${version}`,
    };
  }
  return undefined;
};
