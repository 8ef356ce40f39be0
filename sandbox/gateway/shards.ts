// A class sandbox spread over several engines (issue 21, "beyond one engine"). Each account
// lives in exactly one engine, fixed when it is made: engine k of n holds the accounts whose id
// is k modulo n (the engine draws such an id: engine/accounts.py). The gateway routes every
// signed request by its key's account, read from the key id itself, so routing needs no table,
// no lookup and no shared state, and survives any restart:
//   moto encodes the owner's account in every access key id it issues, as AWS does
//   (moto/iam/utils.py generate_access_key_id_from_account_id: prefix, base32 of
//   account // 2 + 2^39 in 8 characters, then one character from the alphabet's first half for
//   an even account and its second half for an odd one).
// Requests without a key (anonymous S3 reads of a public bucket) go to the engine holding the
// bucket; private endpoints (`/_labrunner/*`) to the engine they concern.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { engineClient, readBody, type EngineClient } from './engine.ts';
import type { AwsError } from './envelope.ts';
import type { ParsedRequest } from './request.ts';
import { s3Operation } from './s3/operation.ts';
import { SHARDS_FILE, shardOf, type ShardsFile } from './shards-file.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const OFFSET = 2n ** 39n;

/** The account a moto-issued access key id (AKIA…, ASIA…) belongs to; undefined if not one. */
export function accountOfKey(accessKeyId: string): string | undefined {
  if (!/^(AKIA|ASIA)[A-Z2-7]{9}/.test(accessKeyId)) return undefined;
  let n = 0n;
  for (const ch of accessKeyId.slice(4, 12)) n = n * 32n + BigInt(ALPHABET.indexOf(ch));
  const odd = ALPHABET.indexOf(accessKeyId[12]) >= 16 ? 1n : 0n;
  const account = (n - OFFSET) * 2n + odd;
  return account >= 0n && account < 10n ** 12n ? String(account).padStart(12, '0') : undefined;
}

export { shardOf };

export interface ShardedEngine extends EngineClient {
  /** The engine holding a bucket of this name, by asking each; undefined when none has it. */
  bucketShard(name: string): Promise<number | undefined>;
  /** The shard a request goes to. */
  shardFor(req: Pick<ParsedRequest, 'accessKeyId'>): number;
  count: number;
}

/** One EngineClient over several engines (index = shard), routing by the key's account. */
export function shardedEngine(urls: string[], secret: string): ShardedEngine {
  const engines = urls.map((u) => engineClient(u, secret));
  const byKey = (key: string | undefined) => {
    const account = key ? accountOfKey(key) : undefined;
    return account ? shardOf(account, engines.length) : 0;
  };
  const self: ShardedEngine = {
    count: engines.length,
    shardFor: (req) => byKey(req.accessKeyId),
    async bucketShard(name) {
      const answers = await Promise.all(
        engines.map((e) =>
          e
            .getJson<{ accountId: string }>(`/_labrunner/bucket?name=${encodeURIComponent(name)}`)
            .catch(() => undefined),
        ),
      );
      const i = answers.findIndex((a) => a !== undefined);
      return i < 0 ? undefined : i;
    },
    async forward(req: ParsedRequest): Promise<http.IncomingMessage> {
      if (!req.accessKeyId && req.protocol === 'rest-xml') {
        const bucket = s3Operation(req).bucket;
        const shard = bucket ? await self.bucketShard(bucket) : undefined;
        return engines[shard ?? 0].forward(req);
      }
      return engines[self.shardFor(req)].forward(req);
    },
    getJson<T>(path: string) {
      // whois names the key: ask the engine holding its account.
      const key = /[?&]accessKeyId=([^&]*)/.exec(path)?.[1];
      return engines[byKey(key && decodeURIComponent(key))].getJson<T>(path);
    },
    close() {
      for (const e of engines) e.close();
    },
  };
  return self;
}

/**
 * The gateway's engine: the one it was started with, or — while <state>/shards.json lists
 * several (lab class serve --sandbox --engines N) — all of them, sharded. The file is read again
 * at most once a second, so a running gateway follows `--engines` without a restart.
 */
export function engineFor(o: {
  engineUrl: string;
  secret: string;
  stateDir: string;
  shardUrls?: string[];
}): EngineClient {
  const single = engineClient(o.engineUrl, o.secret);
  if (o.shardUrls?.length) return shardedEngine(o.shardUrls, o.secret);
  const file = path.join(o.stateDir, SHARDS_FILE);
  let current: EngineClient = single;
  let key = '';
  let readAt = -Infinity;
  const now = () => {
    const t = performance.now();
    if (t - readAt < 1000) return current;
    readAt = t;
    let urls: string[] = [];
    try {
      urls = (JSON.parse(fs.readFileSync(file, 'utf8')) as ShardsFile).engines ?? [];
    } catch {
      // no file: one engine
    }
    const k = urls.length > 1 ? urls.join(' ') : '';
    if (k !== key) {
      if (current !== single) current.close();
      current = k ? shardedEngine(urls, o.secret) : single;
      key = k;
    }
    return current;
  };
  const sharded = (): Partial<ShardedEngine> => now() as Partial<ShardedEngine>;
  return {
    forward: (req) => now().forward(req),
    getJson: (p) => now().getJson(p),
    close: () => {
      if (current !== single) current.close();
      single.close();
    },
    // Present only while sharded (bucketTakenElsewhere asks for them).
    get bucketShard() {
      return sharded().bucketShard;
    },
    get shardFor() {
      return sharded().shardFor;
    },
  } as EngineClient;
}

/**
 * S3 bucket names are global ("The bucket namespace is shared by all users of the system",
 * S3 API Reference, BucketAlreadyExists): one engine knows only its own accounts' buckets, so a
 * CreateBucket whose name another engine holds is answered here, as S3 answers it.
 */
export async function bucketTakenElsewhere(
  engine: EngineClient,
  req: ParsedRequest,
  s3?: { name: string; bucket?: string },
): Promise<AwsError | undefined> {
  const sharded = engine as Partial<ShardedEngine>;
  if (!sharded.bucketShard || s3?.name !== 'CreateBucket' || !s3.bucket) return undefined;
  const at = await sharded.bucketShard(s3.bucket);
  if (at === undefined || at === sharded.shardFor!(req)) return undefined;
  return {
    status: 409,
    code: 'BucketAlreadyExists',
    message:
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
    extra: { BucketName: s3.bucket },
  };
}
