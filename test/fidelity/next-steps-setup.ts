// Setup for the next-step rows (test/fidelity/next-steps-*.ts): per CLI, the things those rows
// act on, made with SDK v3 as the lab's earlier steps would have made them, so that rows which
// change state never race a row that reads the same thing (rows run in parallel).
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { sdk, type Creds } from '../sandbox/clients.ts';

const AL2023 = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
    },
  ],
});

export async function setupNextSteps(
  url: string,
  admin: Creds,
  values: Record<string, Record<string, string>>,
  tmp: string,
): Promise<void> {
  const { iam, ec2 } = sdk(url, admin, { region: 'us-east-1' });
  const s3 = new S3Client({
    endpoint: url,
    region: 'us-east-1',
    credentials: admin,
    forcePathStyle: true,
  });
  const launch = async () =>
    (
      await ec2.send(
        new RunInstancesCommand({
          ImageId: AL2023,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
        }),
      )
    ).Instances![0].InstanceId!;
  const localFile = path.join(tmp, 'hello.txt');
  fs.writeFileSync(localFile, 'hello\n');
  for (const cli of Object.keys(values)) {
    const v = values[cli];
    v.LOCAL_FILE = localFile;
    v.OUT_FILE = path.join(tmp, `out-${cli}.txt`);
    // iam-groups' tear-down, done in the right order: each step on things of its own.
    v.RM_GROUP = `fid-rm-group-${cli}`;
    v.RM_USER = `fid-rm-user-${cli}`;
    await iam.send(new CreateGroupCommand({ GroupName: v.RM_GROUP }));
    await iam.send(new CreateUserCommand({ UserName: v.RM_USER }));
    await iam.send(new AddUserToGroupCommand({ GroupName: v.RM_GROUP, UserName: v.RM_USER }));
    v.BARE_USER = `fid-bare-user-${cli}`;
    await iam.send(new CreateUserCommand({ UserName: v.BARE_USER }));
    v.DETACH_GROUP = `fid-detach-group-${cli}`;
    await iam.send(new CreateGroupCommand({ GroupName: v.DETACH_GROUP }));
    await iam.send(
      new AttachGroupPolicyCommand({ GroupName: v.DETACH_GROUP, PolicyArn: READ_ONLY }),
    );
    v.EMPTY_GROUP = `fid-empty-group-${cli}`;
    await iam.send(new CreateGroupCommand({ GroupName: v.EMPTY_GROUP }));
    // iam-roles' remove-role step, in the right order.
    v.DETACH_ROLE = `fid-detach-role-${cli}`;
    v.BARE_ROLE = `fid-bare-role-${cli}`;
    v.DEL_ROLE = `fid-del-role-${cli}`;
    for (const r of [v.DETACH_ROLE, v.BARE_ROLE, v.DEL_ROLE]) {
      await iam.send(new CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: TRUST }));
    }
    await iam.send(new AttachRolePolicyCommand({ RoleName: v.DETACH_ROLE, PolicyArn: READ_ONLY }));
    // s3-basics: a bucket to copy into, one to empty, one already empty.
    v.CP_BUCKET = `fid-cp-${cli}`;
    v.RM_BUCKET = `fid-rm-${cli}`;
    v.EMPTY_BUCKET = `fid-empty-${cli}`;
    for (const b of [v.CP_BUCKET, v.RM_BUCKET, v.EMPTY_BUCKET]) {
      await s3.send(new CreateBucketCommand({ Bucket: b }));
    }
    await s3.send(new PutObjectCommand({ Bucket: v.RM_BUCKET, Key: 'hello.txt', Body: 'hi' }));
    // ec2-first-instance: a key pair and a group with the ssh rule (made once already), a group
    // nothing uses, instances running / to stop / stopped / to terminate.
    v.KP = `fid-kp-made-${cli}`;
    await ec2.send(new CreateKeyPairCommand({ KeyName: v.KP }));
    v.DEL_KP = `fid-kp-del-${cli}`;
    await ec2.send(new CreateKeyPairCommand({ KeyName: v.DEL_KP }));
    v.RULE_SG = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `fid-rule-${cli}`, Description: 'SSH' }),
      )
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: v.RULE_SG,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '203.0.113.10/32' }],
          },
        ],
      }),
    );
    v.RULE_SG_NAME = `fid-rule-${cli}`;
    v.UNUSED_SG = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `fid-unused-${cli}`, Description: 'x' }),
      )
    ).GroupId!;
    v.LIVE_ID = await launch();
    v.STOP_ID = await launch();
    v.START_ID = await launch();
    await ec2.send(new StopInstancesCommand({ InstanceIds: [v.START_ID] }));
    v.TERM_ID = await launch();
  }
}
