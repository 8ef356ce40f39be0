// Setup for test/fidelity/state-rules-rows.ts: per CLI, the things those rows act on (a
// terminated instance, a running one holding a security group, an own bucket in Sydney with an
// object, a public-read bucket, policies attached or with versions, a deleted group), made with
// SDK v3 as the lab's earlier steps would have made them.
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  DeleteGroupCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecurityGroupCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { sdk, type Creds } from '../sandbox/clients.ts';

const AL2023 = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const doc = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  });

export async function setupStateRules(
  url: string,
  admin: Creds,
  values: Record<string, Record<string, string>>,
): Promise<void> {
  const { iam, ec2 } = sdk(url, admin, { region: 'us-east-1' });
  const s3 = (region: string) =>
    new S3Client({ endpoint: url, region, credentials: admin, forcePathStyle: true });
  const launch = async (groups?: string[]) =>
    (
      await ec2.send(
        new RunInstancesCommand({
          ImageId: AL2023,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          SecurityGroupIds: groups,
        }),
      )
    ).Instances![0].InstanceId!;
  for (const cli of Object.keys(values)) {
    const v = values[cli];
    v.TERMINATED_ID = await launch();
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [v.TERMINATED_ID] }));
    v.USED_SG = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `fid-used-${cli}`, Description: 'in use' }),
      )
    ).GroupId!;
    v.RUNNING_ID = await launch([v.USED_SG]);

    v.OWN_SYD_BUCKET = `fid-own-syd-${cli}`;
    await s3('ap-southeast-2').send(
      new CreateBucketCommand({
        Bucket: v.OWN_SYD_BUCKET,
        CreateBucketConfiguration: { LocationConstraint: 'ap-southeast-2' },
      }),
    );
    await s3('ap-southeast-2').send(
      new PutObjectCommand({ Bucket: v.OWN_SYD_BUCKET, Key: 'notes.txt', Body: 'notes' }),
    );
    v.PUBLIC_BUCKET = `fid-public-${cli}`;
    await s3('us-east-1').send(new CreateBucketCommand({ Bucket: v.PUBLIC_BUCKET }));
    await s3('us-east-1').send(
      new PutObjectCommand({ Bucket: v.PUBLIC_BUCKET, Key: 'hello.txt', Body: 'hi' }),
    );
    // s3-basics' try-public step done the risky way: BPA off, then a public-read policy.
    await s3('us-east-1').send(new DeletePublicAccessBlockCommand({ Bucket: v.PUBLIC_BUCKET }));
    await s3('us-east-1').send(
      new PutBucketPolicyCommand({
        Bucket: v.PUBLIC_BUCKET,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${v.PUBLIC_BUCKET}/*`,
            },
          ],
        }),
      }),
    );

    const user = `fid-pol-user-${cli}`;
    await iam.send(new CreateUserCommand({ UserName: user }));
    v.ATTACHED_POLICY = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: `fid-attached-${cli}`,
          PolicyDocument: doc('s3:ListAllMyBuckets'),
        }),
      )
    ).Policy!.Arn!;
    await iam.send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: v.ATTACHED_POLICY }));
    v.VERSIONED_POLICY = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: `fid-versioned-${cli}`,
          PolicyDocument: doc('s3:ListAllMyBuckets'),
        }),
      )
    ).Policy!.Arn!;
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: v.VERSIONED_POLICY,
        PolicyDocument: doc('s3:ListBucket'),
        SetAsDefault: true,
      }),
    );
    v.GONE_GROUP = `fid-gone-group-${cli}`;
    await iam.send(new CreateGroupCommand({ GroupName: v.GONE_GROUP }));
    await iam.send(new DeleteGroupCommand({ GroupName: v.GONE_GROUP }));
    v.BAD_TRUST_ROLE = `fid-bad-trust-${cli}`;
    v.BAD_TRUST = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::root' }, Action: 'sts:AssumeRole' },
      ],
    });
  }
}
