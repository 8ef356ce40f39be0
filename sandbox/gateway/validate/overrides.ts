// Where AWS's service is stricter than its botocore model, and the difference is quoted. Kept to
// the cases a learner meets; everything else comes from the model alone.

/** `<service>.<shape>`: replaces parts of a shape wherever the operation's input uses it. */
export const SHAPE_OVERRIDES: Record<string, { enum?: string[] }> = {
  // IAM's statusType also lists `Expired` (an output-only state of some credentials); as input,
  // IAM accepts Active and Inactive only: "1 validation error detected: Value 'inactive' at
  // 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active,
  // Inactive]" (AWS's answer to `update-access-key --status inactive`, recorded by issue 18's
  // audit with both CLIs).
  'iam.statusType': { enum: ['Active', 'Inactive'] },
};

/** `<service>.<operation>.<member>`: a top-level member's bound the model leaves out. */
export const MEMBER_RULES: Record<string, { min?: number; max?: number }> = {
  // EC2 checks DescribeInstances' page size itself; the model types it as any Integer. AWS:
  // "Value ( 1 ) for parameter maxResults is invalid. Expecting a value greater than 5."
  // (aws/aws-sdk-ruby#2575; 5 itself is accepted there).
  'ec2.DescribeInstances.MaxResults': { min: 5 },
};
