// s3-basics: a bucket in ap-southeast-2, an object, a presigned link that works, Block Public
// Access refusing a public policy, the bucket emptied and deleted. Bucket-level calls are in
// the event history (management events); object calls are data events, which event history
// never shows, so object steps are checked on the bucket's contents instead.
import {
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import {
  defineLab,
  failed,
  hhmmss,
  ignoreNotFound,
  learnerCalls,
  missing,
  notTried,
  passed,
  whatItGot,
  type CheckContext,
  answer,
  notYet,
} from '../../runner/sdk/index.ts';

const REGION = 'ap-southeast-2';
const OBJECT = 'hello.txt';
const LINK = 'shared-url.txt';
const bucketOf = (ctx: CheckContext) => `lab-s3-basics-${ctx.target.accountId}`;
const s3 = (ctx: CheckContext) => ctx.target.clientsForRegion(REGION).s3;
const DENIED = /AccessDenied/;

/**
 * The learner's calls named `eventName` on this lab's bucket, successful or not. A bucket call
 * lands in the bucket's region: S3 redirects a call signed for another region and the CLI
 * follows it, signed again for the bucket's region (in the sandbox too: engine/s3_regions.py).
 * A CreateBucket is signed for whichever region the learner named, so look in the profile's
 * region as well.
 */
async function bucketCalls(ctx: CheckContext, eventName: string, anyBucket = false) {
  const bucket = bucketOf(ctx);
  const regions = [...new Set([REGION, ctx.target.region])];
  const evs = (
    await Promise.all(regions.map((region) => learnerCalls(ctx, eventName, { region })))
  ).flat();
  return evs
    .filter((e) => anyBucket || e.requestParameters?.bucketName === bucket)
    .sort((a, b) => b.time.getTime() - a.time.getTime());
}

const exists = async (ctx: CheckContext) =>
  Boolean(await ignoreNotFound(s3(ctx).send(new HeadBucketCommand({ Bucket: bucketOf(ctx) }))));

// What was seen inside the bucket is noted on its ledger entry (ctx.remember merges details):
// object calls are data events, absent from event history, so once the learner has deleted the
// bucket (the last step) these notes are the proof that the earlier steps were done.
type Seen = { objectSeen?: string; linkWorked?: string };
const seen = (ctx: CheckContext): Seen =>
  (ctx.ledger('s3-bucket').find((e) => e.resourceId === bucketOf(ctx))?.details ?? {}) as Seen;
const note = (ctx: CheckContext, facts: Seen) => ctx.remember('s3-bucket', bucketOf(ctx), facts);

/** The learner's successful DeleteBucket of the lab's bucket, when it is gone now. */
async function deletedByLearner(ctx: CheckContext) {
  if (await exists(ctx)) return undefined;
  return (await bucketCalls(ctx, 'DeleteBucket')).find((e) => !e.errorCode);
}

export default defineLab({
  id: 's3-basics',
  creates: ['s3-bucket'],
  regions: ['ap-southeast-2'],

  steps: {
    'create-bucket': {
      async check(ctx) {
        const bucket = bucketOf(ctx);
        const calls = await bucketCalls(ctx, 'CreateBucket', true);
        const made = calls.find((e) => !e.errorCode && e.requestParameters?.bucketName === bucket);
        const expected = `a bucket ${bucket} in ${REGION}, created by you during this lab`;
        const mb = `\`aws s3 mb s3://${bucket} --region ${REGION}\``;
        if (!made) {
          // A typo in the name: a bucket made, but not this lab's.
          const other = calls.find((e) => !e.errorCode);
          if (other) {
            const name = String(other.requestParameters?.bucketName);
            return failed({
              expected,
              evidence: `you created the bucket ${name} at ${hhmmss(other.time)}; this lab's bucket is ${bucket}`,
              hint: `Delete it (\`aws s3 rb s3://${name}\`) and run ${mb}.`,
            });
          }
          return missing(ctx, { expected, attempts: calls, hint: `Run ${mb}.` });
        }
        const loc = await ignoreNotFound(
          s3(ctx).send(new GetBucketLocationCommand({ Bucket: bucket })),
        );
        const deleted = loc ? undefined : await deletedByLearner(ctx);
        if (deleted && deleted.time >= made.time) {
          return passed(
            `CreateBucket ${bucket} at ${hhmmss(made.time)} (deleted at ${hhmmss(deleted.time)}, as the last step asks)`,
          );
        }
        if (!loc) {
          return failed({
            expected,
            evidence: `CreateBucket at ${hhmmss(made.time)}, but ${bucket} does not exist now`,
            hint: `Create it again: ${mb}.`,
          });
        }
        const region = loc.LocationConstraint || 'us-east-1';
        if (region !== REGION) {
          return failed({
            expected,
            evidence: `${bucket} is in ${region}`,
            hint: `Delete it (\`aws s3 rb s3://${bucket}\`) and make it again in ${REGION}: ${mb}.`,
          });
        }
        ctx.remember('s3-bucket', bucket, { event: made.id, by: made.callerArn ?? '' });
        return passed(`CreateBucket ${bucket} at ${hhmmss(made.time)}; location ${region}`);
      },
    },

    upload: {
      after: ['create-bucket'],
      async check(ctx) {
        const bucket = bucketOf(ctx);
        const expected = `an object ${OBJECT} in ${bucket}`;
        const list = await ignoreNotFound(
          s3(ctx).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: OBJECT })),
        );
        const obj = list?.Contents?.find((o) => o.Key === OBJECT);
        if (!list) {
          const deleted = await deletedByLearner(ctx);
          const full = (await bucketCalls(ctx, 'DeleteBucket')).find(
            (e) => e.errorCode === 'BucketNotEmpty',
          );
          const when = seen(ctx).objectSeen;
          if (deleted && (when || full)) {
            return passed(
              when
                ? `${OBJECT} seen at ${hhmmss(new Date(when))}; the bucket is deleted now`
                : `the bucket held objects (DeleteBucket refused: BucketNotEmpty at ${hhmmss(full!.time)}); it is deleted now`,
            );
          }
        }
        if (!obj) {
          const hint = `Run \`aws s3 cp hello.txt s3://${bucket}/${OBJECT}\`.`;
          // Object uploads are data events, absent from the event history: the bucket's contents
          // are the only sign of an attempt. An object under another key is one (a typo).
          const others = (
            await ignoreNotFound(s3(ctx).send(new ListObjectsV2Command({ Bucket: bucket })))
          )?.Contents?.map((o) => o.Key!);
          if (others?.length) {
            return failed({
              expected,
              evidence: `${bucket} holds ${others.slice(0, 3).join(', ')}, no ${OBJECT}`,
              hint,
            });
          }
          return notTried({
            expected,
            evidence: list ? `${bucket} is empty` : `there is no bucket ${bucket} yet`,
            hint: list ? hint : 'Do step create-bucket first.',
          });
        }
        note(ctx, { objectSeen: obj.LastModified!.toISOString() });
        return passed(`${OBJECT} (${obj.Size} bytes) uploaded at ${hhmmss(obj.LastModified!)}`);
      },
    },

    'share-link': {
      after: ['upload'],
      async check(ctx) {
        const bucket = bucketOf(ctx);
        const expected = `a presigned URL for ${OBJECT}, kept in s3://${bucket}/${LINK}, that still downloads it`;
        const hint = `Run \`aws s3 presign s3://${bucket}/${OBJECT} --expires-in 600 --region ${REGION} > ${LINK}\`, then \`aws s3 cp ${LINK} s3://${bucket}/${LINK}\`.`;
        const saved = await ignoreNotFound(
          s3(ctx).send(new GetObjectCommand({ Bucket: bucket, Key: LINK })),
        );
        const url = (await saved?.Body?.transformToString())?.trim();
        const worked = seen(ctx).linkWorked;
        if (!url && worked && (await deletedByLearner(ctx))) {
          return passed(
            `the saved link downloaded ${OBJECT} at ${hhmmss(new Date(worked))}; the bucket is deleted now`,
          );
        }
        // Not saved yet: nothing shows an attempt (presigning is local, object calls are data events).
        if (!url) return notTried({ expected, evidence: `no ${LINK} in ${bucket}`, hint });
        if (!/X-Amz-Signature=|Signature=/.test(url) || !url.includes(`/${OBJECT}`)) {
          return failed({
            expected,
            evidence: `${LINK} holds no presigned URL for ${OBJECT}`,
            hint,
          });
        }
        // The link is tried the way its recipient would: plain HTTP, no credentials.
        const res = await fetch(url).catch((e: Error) => e);
        // CLI v1 signs links with Signature Version 2 (`AWSAccessKeyId=…&Signature=…`, even with
        // --region) unless the profile says s3v4, and buckets made since June 24, 2020 refuse
        // SigV2 (AWS's announcement; sandbox/gateway/fixes/s3-sigv2.ts quotes it).
        const sigV2 = /[?&]AWSAccessKeyId=/.test(url);
        if (res instanceof Error || res.status !== 200) {
          const why =
            res instanceof Error
              ? res.message
              : res.status === 301
                ? `HTTP 301 PermanentRedirect (it is signed for another region than ${REGION})`
                : sigV2 && res.status === 400
                  ? 'HTTP 400 InvalidRequest: it is signed with Signature Version 2 (AWS CLI v1), which buckets made since June 2020 refuse'
                  : `HTTP ${res.status}`;
          return failed({
            expected,
            evidence: `the saved link answers ${why}`,
            hint: sigV2
              ? `With AWS CLI v1, run \`aws configure set default.s3.signature_version s3v4\` once, then make the link again: ${hint}`
              : hint,
          });
        }
        note(ctx, { linkWorked: new Date().toISOString() });
        return passed(`the saved link downloads ${OBJECT} without credentials (HTTP 200)`);
      },
    },

    'try-public': {
      after: ['create-bucket'],
      async check(ctx) {
        const bucket = bucketOf(ctx);
        const expected = `a public bucket policy on ${bucket} refused by Block Public Access, and no policy on the bucket`;
        const calls = await bucketCalls(ctx, 'PutBucketPolicy');
        const policy = await s3(ctx)
          .send(new GetBucketPolicyCommand({ Bucket: bucket }))
          .then(
            (p) => p.Policy,
            () => undefined,
          );
        const put = `\`aws s3api put-bucket-policy --bucket ${bucket} --policy file://public-policy.json\``;
        const blockOn = `\`aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\``;
        const accepted = calls.find((e) => !e.errorCode);
        if (policy) {
          return failed({
            expected,
            evidence: `${bucket} has a bucket policy${accepted ? ` (PutBucketPolicy succeeded at ${hhmmss(accepted.time)})` : ''}`,
            hint: `Turn Block Public Access back on (${blockOn}), remove the policy (\`aws s3api delete-bucket-policy --bucket ${bucket}\`), then try again: ${put}.`,
          });
        }
        // The newest attempt decides: a refusal after an accepted policy (removed since, with
        // Block Public Access back on) is the step done, as its hint says.
        const last = calls[0];
        if (last && last.errorCode && DENIED.test(last.errorCode)) {
          return passed(
            `PutBucketPolicy refused (${last.errorCode}) at ${hhmmss(last.time)}${accepted ? ` (after an accepted one at ${hhmmss(accepted.time)}, removed since)` : ''}`,
          );
        }
        if (last && !last.errorCode) {
          return failed({
            expected,
            evidence: `PutBucketPolicy succeeded at ${hhmmss(last.time)} (the policy is removed now, but nothing refused it since)`,
            hint: `With Block Public Access on (${blockOn}), try again: ${put}.`,
          });
        }
        return missing(ctx, {
          expected,
          attempts: calls,
          hint: `Write public-policy.json as this step shows, then run ${put} and read the refusal.`,
        });
      },
    },

    'delete-bucket': {
      async check(ctx) {
        const bucket = bucketOf(ctx);
        const expected = `${bucket} emptied and deleted by you`;
        const deletes = await bucketCalls(ctx, 'DeleteBucket');
        if (await exists(ctx)) {
          const verdict = {
            expected,
            evidence: deletes[0]?.errorCode ? whatItGot(deletes[0]) : `${bucket} still exists`,
            hint: `A bucket must be empty before it can go: run \`aws s3 rm s3://${bucket} --recursive\`, then \`aws s3 rb s3://${bucket}\`.`,
          };
          // No DeleteBucket yet: the bucket is meant to exist until this step.
          return deletes.length ? failed(verdict) : notTried(verdict);
        }
        const gone = deletes.find((e) => !e.errorCode);
        if (!gone) {
          return missing(ctx, {
            expected,
            hint: 'Create the bucket first (step create-bucket), then delete it as this step shows.',
          });
        }
        return passed(`DeleteBucket ${bucket} at ${hhmmss(gone.time)}`);
      },
    },
  },
  // Questions about the learner's own run (README.md's `::: quiz <id> evidence`).
  quiz: {
    /** The error code S3 answered the learner's PutBucketPolicy on the lab's bucket with. */
    async 'public-refused'(ctx) {
      const code = (await bucketCalls(ctx, 'PutBucketPolicy')).find((e) => e.errorCode)?.errorCode;
      if (!code) {
        return notYet(
          'This question is about step 4 (try-public): try to put the public policy first.',
        );
      }
      return answer(code);
    },
  },
});
