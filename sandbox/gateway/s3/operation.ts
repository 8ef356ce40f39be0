// Which S3 operation a REST request is, from its method, path, query and Host (botocore's
// s3/2006-03-01 model: each operation's `http.method` and `requestUri`, e.g. PutBucketPolicy is
// `PUT /{Bucket}?policy`). S3 has no Action parameter, so CloudTrail's eventName comes from here.
//
// Data events (object-level calls such as GetObject, PutObject, DeleteObject, and object
// listings) are not in CloudTrail event history: "The CloudTrail Event history doesn't record
// data events" (S3 User Guide, "Amazon S3 CloudTrail events"). Bucket-level calls are
// management events and are recorded.
import type { ParsedRequest } from '../request.ts';

export interface S3Operation {
  name: string;
  bucket?: string;
  key?: string;
  /** An object-level (data plane) call: never in event history. */
  dataEvent: boolean;
}

// Sub-resource query flags → operation suffix (GET → Get…, PUT → Put…, DELETE → Delete…).
const BUCKET_SUBRESOURCES: [string, string][] = [
  ['policyStatus', 'BucketPolicyStatus'],
  ['policy', 'BucketPolicy'],
  ['publicAccessBlock', 'PublicAccessBlock'],
  ['location', 'BucketLocation'],
  ['versioning', 'BucketVersioning'],
  ['tagging', 'BucketTagging'],
  ['acl', 'BucketAcl'],
  ['cors', 'BucketCors'],
  ['encryption', 'BucketEncryption'],
  ['website', 'BucketWebsite'],
  ['ownershipControls', 'BucketOwnershipControls'],
  ['lifecycle', 'BucketLifecycleConfiguration'],
  ['notification', 'BucketNotificationConfiguration'],
  ['logging', 'BucketLogging'],
  ['object-lock', 'ObjectLockConfiguration'],
  ['accelerate', 'BucketAccelerateConfiguration'],
  ['requestPayment', 'BucketRequestPayment'],
  ['replication', 'BucketReplication'],
];
const VERB: Record<string, string> = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' };
// Virtual-hosted style: `<bucket>.s3[.region].amazonaws.com`, or `<bucket>.localhost` as the
// CLIs and SDKs address a custom endpoint named `localhost`.
const VIRTUAL_HOST = /^(.+?)\.(s3[.-][^:]*amazonaws\.com|s3\.amazonaws\.com|localhost)(:\d+)?$/i;

export function s3Operation(req: ParsedRequest): S3Operation {
  const [rawPath] = req.url.split('?');
  const segments = rawPath.replace(/^\/+/, '').split('/');
  const host = String(req.headers.host ?? '');
  const virtual = VIRTUAL_HOST.exec(host)?.[1];
  let bucket: string | undefined;
  let key: string | undefined;
  if (virtual && !virtual.startsWith('s3')) {
    bucket = virtual;
    key = rawPath.replace(/^\/+/, '') || undefined;
  } else {
    bucket = segments[0] || undefined;
    key = segments.slice(1).join('/') || undefined;
  }
  if (bucket) bucket = safeDecode(bucket);
  if (key) key = safeDecode(key);
  const q = req.params;
  const method = req.method.toUpperCase();
  const op = (name: string, dataEvent: boolean): S3Operation => ({ name, bucket, key, dataEvent });

  if (!bucket)
    return op(method === 'GET' ? 'ListBuckets' : `${VERB[method] ?? method}Service`, false);
  if (key) return op(objectOperation(method, q, req.headers), true);
  if (method === 'HEAD') return op('HeadBucket', false);
  if (method === 'POST' && q.has('delete')) return op('DeleteObjects', true);
  for (const [flag, suffix] of BUCKET_SUBRESOURCES) {
    if (q.has(flag) && VERB[method]) return op(`${VERB[method]}${suffix}`, false);
  }
  if (method === 'GET') {
    if (q.has('versions')) return op('ListObjectVersions', true);
    if (q.has('uploads')) return op('ListMultipartUploads', true);
    return op(q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', true);
  }
  if (method === 'PUT') return op('CreateBucket', false);
  if (method === 'DELETE') return op('DeleteBucket', false);
  return op(`${method}Bucket`, false);
}

function objectOperation(
  method: string,
  q: URLSearchParams,
  headers: ParsedRequest['headers'],
): string {
  if (method === 'GET') {
    if (q.has('tagging')) return 'GetObjectTagging';
    if (q.has('acl')) return 'GetObjectAcl';
    if (q.has('uploadId')) return 'ListParts';
    return 'GetObject';
  }
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'PUT') {
    if (q.has('partNumber')) return headers['x-amz-copy-source'] ? 'UploadPartCopy' : 'UploadPart';
    if (q.has('tagging')) return 'PutObjectTagging';
    if (q.has('acl')) return 'PutObjectAcl';
    return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
  }
  if (method === 'DELETE') {
    if (q.has('uploadId')) return 'AbortMultipartUpload';
    if (q.has('tagging')) return 'DeleteObjectTagging';
    return 'DeleteObject';
  }
  if (method === 'POST') {
    if (q.has('uploads')) return 'CreateMultipartUpload';
    if (q.has('uploadId')) return 'CompleteMultipartUpload';
    if (q.has('restore')) return 'RestoreObject';
  }
  return `${method}Object`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
