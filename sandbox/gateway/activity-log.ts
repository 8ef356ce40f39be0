// The activity log: one JSON line per call in <state-dir>/activity.jsonl (0600). It is the
// sandbox's CloudTrail event history. It never holds a secret: no bodies, no signatures, no
// secret access keys; only who called what, when, from where, the error code and message, and
// the parts of an answer CloudTrail records (responseElements: ids, an AssumeRole session token).
import fs from 'node:fs';
import path from 'node:path';
import type { SessionIssuer } from './identities.ts';

export interface ActivityRecord {
  eventId: string;
  /** ISO 8601 with milliseconds. */
  eventTime: string;
  requestId: string;
  service: string;
  eventName: string;
  region: string;
  accessKeyId?: string;
  principal?: {
    arn: string;
    userName: string | null;
    accountId: string;
    userId?: string;
    session?: SessionIssuer;
  };
  accountId: string;
  userAgent: string;
  sourceIp: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly: boolean;
  /** Names of the resources the call named (user names, policy ARNs, instance ids). */
  resources: { type: string; name: string }[];
  /** Identifier parameters only (see parameters.ts): never a password, a body or a secret. */
  requestParameters?: Record<string, unknown>;
  /**
   * CreateAccessKey: the new key's id, user, status and date; AssumeRole: the session's key id,
   * session token, expiry and assumed-role user (never a secret access key); EC2 creations: ids.
   */
  responseElements?: Record<string, unknown>;
}

export interface ActivityLog {
  append(rec: ActivityRecord): void;
  /** All records, oldest first (includes ones not yet flushed to disk). */
  all(): readonly ActivityRecord[];
  /** Write out everything buffered; resolves when it is on disk. */
  flush(): Promise<void>;
  /** Flush and close; used on a normal stop. */
  close(): Promise<void>;
}

export const ACTIVITY_FILE = 'activity.jsonl';
const FLUSH_MS = 10;

export async function openActivityLog(stateDir: string): Promise<ActivityLog> {
  const file = path.join(stateDir, ACTIVITY_FILE);
  await fs.promises.mkdir(stateDir, { recursive: true });
  const { records, torn } = await load(file);
  const handle = await fs.promises.open(file, 'a', 0o600);
  await handle.chmod(0o600); // the file may predate us with a looser mode

  // Appends are batched: the request path only pushes a line; one write every FLUSH_MS carries
  // everything that arrived meanwhile (no sync I/O on the hot path, and under load one write
  // per batch instead of one per request). A normal stop flushes; a crash loses <= FLUSH_MS.
  let pending: string[] = torn ? ['\n'] : [];
  let writing: Promise<void> = Promise.resolve();
  let scheduled = false;

  function writeOut(): Promise<void> {
    scheduled = false;
    if (pending.length === 0) return writing;
    const chunk = pending.join('');
    pending = [];
    writing = writing
      .then(() => handle.appendFile(chunk, 'utf8'))
      .catch((err: unknown) => {
        process.stderr.write(`labrunner gateway: cannot write ${file}: ${String(err)}\n`);
      });
    return writing;
  }

  return {
    append(rec) {
      records.push(rec);
      pending.push(JSON.stringify(rec) + '\n');
      if (!scheduled) {
        scheduled = true;
        setTimeout(writeOut, FLUSH_MS);
      }
    },
    all: () => records,
    flush: () => writeOut(),
    async close() {
      await writeOut();
      await handle.close();
    },
  };
}

async function load(file: string): Promise<{ records: ActivityRecord[]; torn: boolean }> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], torn: false };
    throw err;
  }
  const out: ActivityRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as ActivityRecord);
    } catch {
      // A crash can leave a torn last line; the records before it are intact.
    }
  }
  // Start our first append on a fresh line so a torn line cannot swallow it.
  return { records: out, torn: text.length > 0 && !text.endsWith('\n') };
}
