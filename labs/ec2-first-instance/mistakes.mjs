// ec2-first-instance: the wrong ways learners take, per step. `lab test ec2-first-instance`
// makes each one from where its step starts, checks the verdict it gets, then follows the hint
// to a pass (docs/lab-format.md, "Mistakes"). ctx = { $, env, state } as in solve.mjs.
const KEY = 'lab-ec2-key';
const GROUP = 'lab-ec2-ssh';
const INTERN = 'lab-ec2-intern';
const AMI = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

const text = async (p) => (await p).stdout.trim();
const groupId = ($) =>
  text(
    $`aws ec2 describe-security-groups --group-names ${GROUP} --query ${'SecurityGroups[0].GroupId'} --output text`,
  );
const launch = async ($, type) =>
  text(
    $`aws ec2 run-instances --image-id ${AMI} --instance-type ${type} --key-name ${KEY} --security-group-ids ${await groupId($)} --query ${'Instances[0].InstanceId'} --output text`,
  );

export const mistakes = {
  'create-key-pair': [
    {
      name: 'typo in the key pair name',
      async act({ $ }) {
        await $`aws ec2 create-key-pair --key-name lab-ec2-kye --query KeyPairId`;
      },
      verdict: { status: 'failed', evidence: 'you created the key pair lab-ec2-kye' },
    },
  ],

  'ssh-group': [
    {
      name: 'SSH open to the whole internet (0.0.0.0/0)',
      async act({ $ }) {
        const id = await text(
          $`aws ec2 create-security-group --group-name ${GROUP} --description ${'SSH from one address'} --query GroupId --output text`,
        );
        await $`aws ec2 authorize-security-group-ingress --group-id ${id} --protocol tcp --port 22 --cidr 0.0.0.0/0`;
      },
      verdict: { status: 'failed', evidence: 'SSH is open to 0.0.0.0/0' },
      // The hint removes the open rule, then asks for the learner's own address.
      fill: { '<your-address>': '203.0.113.10' },
    },
  ],

  launch: [
    {
      name: 'retry: launched twice, two instances running',
      async act({ $ }) {
        await launch($, 't3.micro');
        await launch($, 't3.micro');
      },
      verdict: { status: 'failed', evidence: 'instances with lab-ec2-key running' },
    },
    {
      name: 'not a free-tier type (t3.large), then launched again',
      async act({ $ }) {
        await launch($, 't3.large');
      },
      verdict: { status: 'failed', evidence: 'is t3.large' },
    },
  ],

  inspect: [
    {
      name: 'describe-instances with a mistyped instance id',
      async act({ $ }) {
        await $`aws ec2 describe-instances --instance-ids i-0123456789abcdef0`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'InvalidInstanceID.NotFound' },
    },
  ],

  'denied-launch': [
    {
      name: 'wrong profile: run-instances as the admin, which launches',
      async act({ $, state }) {
        const key = JSON.parse(
          await text($`aws iam create-access-key --user-name ${INTERN} --output json`),
        ).AccessKey;
        const region = await text($`aws configure get region`);
        const answers = `${key.AccessKeyId}\n${key.SecretAccessKey}\n${region}\njson\n`;
        await $({ input: answers })`aws configure --profile ${INTERN}`;
        state.internKey = key.AccessKeyId;
        await $`aws ec2 run-instances --image-id ${AMI} --instance-type t3.micro`;
      },
      verdict: { status: 'failed', evidence: 'not as lab-ec2-intern' },
      // The hint: terminate the admin's instance and run it as the intern; then, as the step
      // says, decode the refusal's message as the admin.
      async recover({ $, followHint }) {
        await followHint({ rounds: 1 });
        const out =
          await $`aws ec2 run-instances --image-id ${AMI} --instance-type t3.micro --profile ${INTERN}`.nothrow();
        const m = /Encoded authorization failure message: (\S+)/.exec(out.stderr);
        if (!m) throw new Error(`run-instances as the intern: ${out.stderr}`);
        await $`aws sts decode-authorization-message --encoded-message ${m[1]}`;
      },
    },
  ],
};
