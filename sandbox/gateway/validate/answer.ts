// Violations → the error each protocol answers with, in AWS's words.
//  * IAM, STS (query) and JSON services validate with AWS's common request validation:
//    400 ValidationError (JSON: ValidationException) "1 validation error detected: Value 'inactive'
//    at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active,
//    Inactive]"; several: "2 validation errors detected: …; …" (STS AssumeRole with an empty
//    role ARN, newscorpaus/consigliere#18); a missing member "Value null at '…' failed to satisfy
//    constraint: Member must not be null" (pulumi/pulumi-aws#2357); numbers are quoted ("Value '0'
//    at 'maxItems' … Member must have value greater than or equal to 1", aws/aws-sdk-js#2193);
//    a sensitive member's value is left out ("Value at 'username'", ks888/LambStatus#6).
//    IAM names its own name rule instead: "The specified value for roleName is invalid. It must
//    contain only alphanumeric characters and/or the following: +=,.@_-" (GetRole / AttachRolePolicy
//    given a role ARN — too long and the wrong characters, yet only this message:
//    aws-samples/one-observability-demo#469, shashankprasanna/torchserve-examples#7).
//  * EC2 reports the first problem only, in its own words: MissingParameter "The request must
//    contain the parameter ImageId" (cognitect-labs/aws-api#68; "…parameter InstanceId",
//    aws/aws-sdk-java#1131), InvalidParameterValue "Invalid value 't3.nano' for InstanceType."
//    (getmoto/moto#1695, CloudSlang/cs-actions#308), "Value ( 1 ) for parameter maxResults is
//    invalid. Expecting a value greater than 5." (aws/aws-sdk-ruby#2575), "The filter 'public-ip'
//    is invalid" (boto/boto3#1299).
//  * S3: a bad header or query value is 400 InvalidArgument with the ArgumentName/ArgumentValue
//    (`x-amz-acl: privatee`, versity/versitygw#1367, #1379). S3's Message is empty there, which
//    crashes aws-cli v1's S3 error hook ("argument of type 'NoneType' is not iterable",
//    awscli/customizations/s3errormsg.py reads the message as a string): the sandbox names the
//    argument in the Message instead, a deliberate difference (docs/gateway.md). A missing
//    body is 400 MissingRequestBodyError; fields inside an XML body are left to the engine.
import type { AwsError } from '../envelope.ts';
import type { Protocol } from '../request.ts';
import type { Value, Violation } from './check.ts';

const IAM_NAME = '[\\w+=,.@-]+';

export function answer(
  protocol: Protocol,
  service: string | undefined,
  found: Violation[],
): AwsError | undefined {
  if (protocol === 'rest-xml') {
    // S3 judges its XML bodies field by field, each with its own code (an unknown
    // LocationConstraint is InvalidLocationConstraint, not a schema error): those stay the
    // engine's. Headers, query strings and a missing body are checked here.
    found = found.filter(
      (v) => v.location !== 'payload' || (v.kind === 'required' && !v.path.includes('.')),
    );
  }
  if (!found.length) return undefined;
  if (protocol === 'ec2') return ec2(found[0]);
  if (protocol === 'rest-xml') return s3(found[0]);
  const name = service === 'iam' && found.find((v) => v.kind === 'pattern' && v.limit === IAM_NAME);
  const message = name
    ? `The specified value for ${name.path} is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-`
    : `${found.length} validation error${found.length > 1 ? 's' : ''} detected: ${found.map(coral).join('; ')}`;
  return {
    status: 400,
    type: 'Sender',
    code: protocol === 'json' ? 'ValidationException' : 'ValidationError',
    message,
  };
}

function coral(v: Violation): string {
  if (v.kind === 'required') {
    return `Value null at '${v.path}' failed to satisfy constraint: Member must not be null`;
  }
  const shown = v.sensitive ? 'Value' : `Value '${show(v.value)}'`;
  return `${shown} at '${v.path}' failed to satisfy constraint: ${constraint(v)}`;
}

function constraint(v: Violation): string {
  switch (v.kind) {
    case 'enum':
      return `Member must satisfy enum value set: [${(v.limit as string[]).join(', ')}]`;
    case 'pattern':
      return `Member must satisfy regular expression pattern: ${String(v.limit)}`;
    case 'minLength':
      return `Member must have length greater than or equal to ${String(v.limit)}`;
    case 'maxLength':
      return `Member must have length less than or equal to ${String(v.limit)}`;
    case 'min':
      return `Member must have value greater than or equal to ${String(v.limit)}`;
    case 'max':
      return `Member must have value less than or equal to ${String(v.limit)}`;
    default:
      return 'Member is invalid';
  }
}

function show(value: Value | undefined): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value && typeof value === 'object') return '{…}';
  return String(value);
}

function ec2(v: Violation): AwsError {
  const bad = (message: string): AwsError => ({
    status: 400,
    code: 'InvalidParameterValue',
    message,
  });
  switch (v.kind) {
    case 'required':
      return {
        status: 400,
        code: 'MissingParameter',
        message: `The request must contain the parameter ${v.ec2Name}`,
      };
    case 'filter':
      return bad(`The filter '${show(v.value)}' is invalid`);
    case 'enum':
      return bad(`Invalid value '${show(v.value)}' for ${v.ec2Name}.`);
    case 'min':
      return bad(
        `Value ( ${show(v.value)} ) for parameter ${v.ec2Name} is invalid. Expecting a value greater than ${String(v.limit)}.`,
      );
    case 'max':
      return bad(
        `Value ( ${show(v.value)} ) for parameter ${v.ec2Name} is invalid. Expecting a value less than ${String(v.limit)}.`,
      );
    default:
      return bad(`Value ( ${show(v.value)} ) for parameter ${v.ec2Name} is invalid.`);
  }
}

function s3(v: Violation): AwsError {
  if (v.location === 'payload') {
    return { status: 400, code: 'MissingRequestBodyError', message: 'Request Body is empty' };
  }
  return {
    status: 400,
    code: 'InvalidArgument',
    message: `Invalid value for ${v.wire}: ${show(v.value ?? '')}`,
    extra: { ArgumentName: v.wire, ArgumentValue: show(v.value ?? '') },
  };
}
