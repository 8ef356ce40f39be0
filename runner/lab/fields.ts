// An example line per frontmatter field, for error messages (no zod here: error-map.ts is on
// the `lab check` path).
import type { LabMeta } from './schema.ts';

/** An example value per field, used by error messages to say how to fix a field. */
export const FIELD_EXAMPLES: Record<keyof LabMeta, string> = {
  id: 'id: day42',
  title: 'title: "Day 42: IAM programmatic access and the AWS CLI"',
  summary: 'summary: Create an access key, configure the AWS CLI and see IAM apply to API calls.',
  minutes: 'minutes: 45',
  level: 'level: beginner',
  services: 'services: [IAM, EC2]',
  permissions: 'permissions: ["Manage IAM users and their access keys"]',
  cost: 'cost: Free (IAM has no charge)',
  prerequisites: 'prerequisites: [day41]',
  targets: 'targets: [sandbox, aws]',
  region: 'region: ap-southeast-2',
  timeLimitMinutes: 'timeLimitMinutes: 120',
  tags: 'tags: [security, cli]',
  order: 'order: 2',
};
