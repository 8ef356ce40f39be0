// Request validation from AWS's own service models (botocore's service-2.json): every request the
// gateway forwards is read back into its operation's input shape for its protocol and checked
// against the shape's constraints, before the engine sees it; a violation gets the error that
// service gives (./answer.ts). Generic: no operation has hand-written checks; the few places where
// a service is stricter than its model are data with a quoted source (./overrides.ts).
import type { AwsError } from '../envelope.ts';
import type { Call } from '../fixes/types.ts';
import { answer } from './answer.ts';
import { checkInput, type CheckContext, type Value } from './check.ts';
import { modelStore, type Member, type ServiceModel } from './models.ts';
import { MEMBER_RULES, SHAPE_OVERRIDES } from './overrides.ts';
import { readQuery } from './read-query.ts';
import { readRest } from './read-rest.ts';

export { checkModelsDir, ModelsMissingError } from './models.ts';

// Operations the gateway answers itself, with the service's own error names (LookupEvents:
// InvalidMaxResultsException… in cloudtrail/lookup-events.ts).
const OWN = new Set(['cloudtrail.LookupEvents']);

export type Validator = (call: Call) => AwsError | undefined;

export function requestValidator(modelsDir: string): Validator {
  const models = modelStore(modelsDir);
  return (call) => {
    const { req } = call;
    const service = req.service;
    const model = models(service);
    const name = req.action;
    if (!model || !name || OWN.has(`${service}.${name}`)) return undefined;
    const op = model.operations[name];
    if (!op?.input) return undefined;
    const input = readInput(model, op.input.shape, call);
    if (!input) return undefined;
    const ctx = context(model, service!, name, req.protocol === 'ec2');
    return answer(req.protocol, service, checkInput(ctx, op.input.shape, input));
  };
}

function readInput(
  model: ServiceModel,
  shape: string,
  { req, s3 }: Call,
): Record<string, Value> | undefined {
  switch (req.protocol) {
    case 'query':
      return readQuery(model, shape, req.params, false);
    case 'ec2':
      return readQuery(model, shape, req.params, true);
    case 'rest-xml':
      return s3 ? readRest(model, shape, req, s3) : undefined;
    case 'json': {
      if (!req.body.length) return {};
      try {
        const v = JSON.parse(req.body.toString('utf8')) as unknown;
        return v && typeof v === 'object' && !Array.isArray(v)
          ? (v as Record<string, Value>)
          : undefined;
      } catch {
        return undefined; // a malformed body is a SerializationException, not a validation error
      }
    }
  }
}

function context(model: ServiceModel, service: string, op: string, ec2: boolean): CheckContext {
  const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
  return {
    model,
    ec2,
    shapeOf: (name) => {
      const o = SHAPE_OVERRIDES[`${service}.${name}`];
      return o ? { ...model.shapes[name], ...o } : model.shapes[name];
    },
    memberRule: (member) => MEMBER_RULES[`${service}.${op}.${member}`],
    wireOf: (name: string, m: Member) =>
      ec2
        ? (m.queryName ?? (m.locationName ? cap(m.locationName) : name))
        : (m.locationName ?? name),
  };
}
