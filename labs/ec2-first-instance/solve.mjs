#!/usr/bin/env node
// ec2-first-instance, done the way a learner does it: the real `aws` CLI, one step at a time.
// `lab test ec2-first-instance` imports `steps` and runs each between a failing and a passing
// check. ctx = { $, env, state }: `$` is zx's $ bound to the sandbox environment (the admin);
// the intern's secret lives only in `state` and reaches `aws configure` on stdin.
const KEY = 'lab-ec2-key';
const GROUP = 'lab-ec2-ssh';
const INTERN = 'lab-ec2-intern';
const AMI = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const NOT_YET = /InvalidClientTokenId|AuthFailure/;

async function must(step, p) {
  const out = await p.nothrow();
  if (out.exitCode !== 0) throw new Error(`ec2-first-instance ${step}: ${out.stderr.trim()}`);
  return out;
}
const text = async (step, p) => (await must(step, p)).stdout.trim();

// The README's `ID=$(…)`, as written there: the instance the later steps use. The checks follow
// the same one (the newest launch still pending or running), also after a retried launch.
export const captureId = ($) =>
  text(
    'launch',
    $`aws ec2 describe-instances --filters Name=key-name,Values=${KEY} Name=instance-state-name,Values=pending,running --query ${'sort_by(Reservations[].Instances[], &LaunchTime)[-1].InstanceId'} --output text`,
  );
// `SG=$(…)` likewise, for a step done by another way than this file's (a mistake's recovery).
const groupId = async ($, state) =>
  (state.sg ??= await text(
    'ssh-group',
    $`aws ec2 describe-security-groups --group-names ${GROUP} --query ${'SecurityGroups[0].GroupId'} --output text`,
  ));
const instanceId = async ($, state) => (state.id ??= await captureId($));

export const steps = {
  async 'create-key-pair'({ $ }) {
    // The private key is read and dropped: a test has no use for it.
    await must('create-key-pair', $`aws ec2 create-key-pair --key-name ${KEY} --query KeyPairId`);
  },

  async 'ssh-group'({ $, state }) {
    state.sg = await text(
      'ssh-group',
      $`aws ec2 create-security-group --group-name ${GROUP} --description ${'SSH from one address'} --query GroupId --output text`,
    );
    await must(
      'ssh-group',
      $`aws ec2 authorize-security-group-ingress --group-id ${state.sg} --protocol tcp --port 22 --cidr 203.0.113.10/32`,
    );
  },

  async launch({ $, state }) {
    const out = await text(
      'launch',
      $`aws ec2 run-instances --image-id ${AMI} --instance-type t3.micro --key-name ${KEY} --security-group-ids ${await groupId($, state)} --query ${'Instances[0].[InstanceId,State.Name]'} --output text`,
    );
    const [id, st] = out.split(/\s+/);
    if (st !== 'pending') throw new Error(`ec2-first-instance launch: state ${st}, not pending`);
    state.id = await captureId($);
    if (state.id !== id)
      throw new Error(`ec2-first-instance launch: ID=$(…) gives ${state.id}, not ${id}`);
  },

  async inspect({ $, state }) {
    const out = await text(
      'inspect',
      $`aws ec2 describe-instances --instance-ids ${await instanceId($, state)} --query ${'Reservations[0].Instances[0].[State.Name,PublicIpAddress]'} --output text`,
    );
    if (!/^running\s+\d+\.\d+\.\d+\.\d+$/.test(out)) {
      throw new Error(`ec2-first-instance inspect: ${out}`);
    }
  },

  async stop({ $, state }) {
    await must('stop', $`aws ec2 stop-instances --instance-ids ${await instanceId($, state)}`);
  },

  async 'denied-launch'({ $, state }) {
    const key = JSON.parse(
      await text('denied-launch', $`aws iam create-access-key --user-name ${INTERN} --output json`),
    ).AccessKey;
    const region = await text('denied-launch', $`aws configure get region`);
    const answers = `${key.AccessKeyId}\n${key.SecretAccessKey}\n${region}\njson\n`;
    await must('denied-launch', $({ input: answers })`aws configure --profile ${INTERN}`);
    let out;
    for (let attempt = 1; ; attempt++) {
      out =
        await $`aws ec2 run-instances --image-id ${AMI} --instance-type t3.micro --profile ${INTERN}`.nothrow();
      if (!NOT_YET.test(out.stderr) || attempt === 8) break;
      await new Promise((r) => setTimeout(r, 1500));
    }
    const m = /Encoded authorization failure message: (\S+)/.exec(out.stderr);
    if (out.exitCode === 0 || !out.stderr.includes('UnauthorizedOperation') || !m) {
      throw new Error(`ec2-first-instance denied-launch: not refused as expected: ${out.stderr}`);
    }
    const doc = JSON.parse(
      await text(
        'denied-launch',
        $`aws sts decode-authorization-message --encoded-message ${m[1]} --query DecodedMessage --output text`,
      ),
    );
    if (doc.allowed !== false || doc.context?.action !== 'ec2:RunInstances') {
      throw new Error(`ec2-first-instance denied-launch: decoded ${JSON.stringify(doc)}`);
    }
  },

  async terminate({ $, state }) {
    await must(
      'terminate',
      $`aws ec2 terminate-instances --instance-ids ${await instanceId($, state)}`,
    );
  },

  async 'clean-up'({ $, state }) {
    await must('clean-up', $`aws ec2 delete-security-group --group-id ${await groupId($, state)}`);
    await must('clean-up', $`aws ec2 delete-key-pair --key-name ${KEY}`);
  },
};
