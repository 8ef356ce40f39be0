// Does an IAM user hold any permission for a service? Read from the user's
// attached and inline policies and those of its groups (SimulatePrincipalPolicy
// would be simpler, but the sandbox engine lacks it; this also says *which*
// policy grants it, which is what the learner needs to hear).
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';

// AWS managed policies are immutable and known to grant nothing outside IAM and
// a few read-only organisation calls: skipping their documents saves two round trips.
const NO_OTHER_SERVICE = new Set([
  'arn:aws:iam::aws:policy/IAMFullAccess',
  'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
  'arn:aws:iam::aws:policy/IAMUserChangePassword',
  'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials',
]);

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
}

const list = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

function glob(pattern: string, action: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
    'i',
  );
  return re.test(action);
}

/** Does this policy document allow any action of `service` (e.g. "ec2")? */
export function allowsService(document: string, service: string): boolean {
  // IAM returns policy documents URL-encoded (RFC 3986); the SDK does not decode them.
  let doc: { Statement?: Statement | Statement[] };
  try {
    doc = JSON.parse(document);
  } catch {
    doc = JSON.parse(decodeURIComponent(document));
  }
  const probe = `${service}:DescribeInstances`;
  const statements = Array.isArray(doc.Statement)
    ? doc.Statement
    : doc.Statement
      ? [doc.Statement]
      : [];
  return statements.some((s) => {
    if (s.Effect !== 'Allow') return false;
    if (s.Action !== undefined) {
      return list(s.Action).some(
        (a) => a === '*' || a.toLowerCase().startsWith(`${service}:`) || glob(a, probe),
      );
    }
    // Allow + NotAction grants everything not listed.
    return !list(s.NotAction).some((a) => glob(a, probe) || a.toLowerCase() === `${service}:*`);
  });
}

async function managedGrants(iam: IAMClient, arn: string, service: string): Promise<boolean> {
  if (NO_OTHER_SERVICE.has(arn)) return false;
  const p = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const v = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.Policy?.DefaultVersionId }),
  );
  return allowsService(v.PolicyVersion?.Document ?? '{}', service);
}

/** The policies that give `userName` any `service` permission, as "kind name" strings; [] if none. */
export async function grantsForService(
  iam: IAMClient,
  userName: string,
  service: string,
): Promise<string[]> {
  const [attached, inline, groups] = await Promise.all([
    iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName })),
    iam.send(new ListUserPoliciesCommand({ UserName: userName })),
    iam.send(new ListGroupsForUserCommand({ UserName: userName })),
  ]);
  const checks: Promise<string | undefined>[] = [];
  for (const p of attached.AttachedPolicies ?? []) {
    checks.push(
      managedGrants(iam, p.PolicyArn!, service).then((g) =>
        g ? `attached policy ${p.PolicyName}` : undefined,
      ),
    );
  }
  for (const name of inline.PolicyNames ?? []) {
    checks.push(
      iam
        .send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }))
        .then((r) =>
          allowsService(r.PolicyDocument ?? '{}', service) ? `inline policy ${name}` : undefined,
        ),
    );
  }
  for (const g of groups.Groups ?? []) {
    const group = g.GroupName!;
    checks.push(
      (async () => {
        const [ga, gi] = await Promise.all([
          iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: group })),
          iam.send(new ListGroupPoliciesCommand({ GroupName: group })),
        ]);
        for (const p of ga.AttachedPolicies ?? []) {
          if (await managedGrants(iam, p.PolicyArn!, service))
            return `policy ${p.PolicyName} of group ${group}`;
        }
        for (const name of gi.PolicyNames ?? []) {
          const r = await iam.send(
            new GetGroupPolicyCommand({ GroupName: group, PolicyName: name }),
          );
          if (allowsService(r.PolicyDocument ?? '{}', service))
            return `inline policy ${name} of group ${group}`;
        }
        return undefined;
      })(),
    );
  }
  return (await Promise.all(checks)).filter((x): x is string => !!x);
}
