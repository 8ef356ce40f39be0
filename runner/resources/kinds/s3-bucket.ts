// S3 bucket. S3 gives a bucket no id of its own; its creation date (ListBuckets) is the identity,
// so a same-named bucket made later is not this one. Deleting needs it empty first: every object
// version and delete marker goes, then the bucket (S3 User Guide, "Deleting a bucket": a bucket
// must be empty; DeleteBucket otherwise answers 409 BucketNotEmpty).
import type { ResourceKind } from '../types.ts';
import { ignoreMissing, s3Of } from './aws-clients.ts';

// Loaded when a call runs, not with the module: every `lab check` imports the resource registry
// (ownership), and @aws-sdk/client-s3 takes longer to load than a whole check of day42.
const s3Sdk = () => import('@aws-sdk/client-s3');

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export const s3Bucket: ResourceKind = {
  kind: 's3-bucket',
  noun: 'S3 bucket',
  order: 50,
  identity: ['creationDate'],
  regional: true,
  createdBy: [{ event: 'CreateBucket', name: (e) => str(e.requestParameters?.bucketName) }],
  async lookup(ctx, name) {
    const out = await s3Of(ctx).send(new (await s3Sdk()).ListBucketsCommand({}));
    const b = out.Buckets?.find((x) => x.Name === name);
    return b && { ids: { creationDate: b.CreationDate!.toISOString() }, created: b.CreationDate };
  },
  async delete(ctx, Bucket) {
    const s3 = s3Of(ctx);
    for (;;) {
      const page = await ignoreMissing(
        s3.send(new (await s3Sdk()).ListObjectVersionsCommand({ Bucket })),
      );
      if (!page) return; // the bucket is gone already
      const Objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key!,
        VersionId: v.VersionId && v.VersionId !== 'null' ? v.VersionId : undefined,
      }));
      if (!Objects.length) break;
      await s3.send(
        new (await s3Sdk()).DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }),
      );
    }
    await ignoreMissing(s3.send(new (await s3Sdk()).DeleteBucketCommand({ Bucket })));
  },
  async snapshot(ctx) {
    if (!ctx.clients.s3) return [];
    const out = await ctx.clients.s3.send(new (await s3Sdk()).ListBucketsCommand({}));
    return (out.Buckets ?? []).map((b) => `S3 bucket ${b.Name} (${b.CreationDate?.toISOString()})`);
  },
  describe: (name) => `S3 bucket ${name}`,
};
