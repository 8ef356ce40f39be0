// Schema of the class store, applied at start. Append-only: entry i moves the
// schema from version i to i+1 (kept in class_meta). Written once, in the SQL
// that SQLite and PostgreSQL both accept: times are integer milliseconds since
// the epoch (BIGINT), ids are text chosen by the server.
export const MIGRATIONS: string[] = [
  `CREATE TABLE classes (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     join_code_hash TEXT NOT NULL UNIQUE,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE learners (
     id TEXT PRIMARY KEY,
     class_id TEXT NOT NULL REFERENCES classes(id),
     name TEXT NOT NULL,
     iam_user TEXT,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX learners_class ON learners (class_id);
   CREATE TABLE tokens (
     hash TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     class_id TEXT REFERENCES classes(id),
     learner_id TEXT REFERENCES learners(id),
     created_at BIGINT NOT NULL
   );
   CREATE TABLE results (
     class_id TEXT NOT NULL,
     learner_id TEXT NOT NULL REFERENCES learners(id),
     idem_key TEXT NOT NULL,
     lab TEXT NOT NULL,
     step TEXT NOT NULL,
     status TEXT NOT NULL,
     evidence TEXT,
     hint TEXT,
     reason TEXT,
     at BIGINT NOT NULL,
     received_at BIGINT NOT NULL,
     PRIMARY KEY (learner_id, idem_key)
   );
   CREATE INDEX results_failures ON results (class_id, lab, status, step, reason);
   CREATE INDEX results_learner ON results (learner_id, lab, step, at);
   CREATE TABLE progress (
     class_id TEXT NOT NULL,
     learner_id TEXT NOT NULL,
     lab TEXT NOT NULL,
     step TEXT NOT NULL,
     first_at BIGINT NOT NULL,
     passed_at BIGINT,
     last_passed_at BIGINT,
     attempts INTEGER NOT NULL,
     failures INTEGER NOT NULL,
     last_status TEXT NOT NULL,
     last_at BIGINT NOT NULL,
     last_evidence TEXT,
     PRIMARY KEY (learner_id, lab, step)
   );
   CREATE INDEX progress_class_lab ON progress (class_id, lab);`,
  // The whole-class overview (store/overview.ts) aggregates progress per learner × lab and
  // per lab × step: a covering index lets it read only the index, in learner order.
  // progress_class_lab stays for the reports that read whole rows.
  `CREATE INDEX progress_overview ON progress (class_id, lab, learner_id, step, passed_at,
     last_status, last_passed_at, first_at, last_at, failures);`,
  // The open dashboard asks what arrived since it last looked (store/changes.ts).
  `CREATE INDEX results_received ON results (class_id, lab, received_at);`,
  // Knowledge-check answers travel as results marked `quiz` (never folded into progress).
  `ALTER TABLE results ADD COLUMN quiz INTEGER NOT NULL DEFAULT 0;`,
  // A class that hosts the sandbox (store/hosted.ts): each learner's account, never a secret
  // (keys are asked of the engine afresh when a learner joins again); the server's own verdicts
  // on a learner's steps, read from that account; and when the class was ended.
  `CREATE TABLE hosted_accounts (
     learner_id TEXT PRIMARY KEY REFERENCES learners(id),
     class_id TEXT NOT NULL REFERENCES classes(id),
     account_id TEXT NOT NULL UNIQUE,
     created_at BIGINT NOT NULL,
     keys_issued_at BIGINT NOT NULL,
     reset_at BIGINT
   );
   CREATE INDEX hosted_accounts_class ON hosted_accounts (class_id);
   CREATE TABLE verifications (
     class_id TEXT NOT NULL,
     learner_id TEXT NOT NULL REFERENCES learners(id),
     lab TEXT NOT NULL,
     step TEXT NOT NULL,
     verdict TEXT NOT NULL,
     evidence TEXT,
     at BIGINT NOT NULL,
     PRIMARY KEY (learner_id, lab, step)
   );
   CREATE INDEX verifications_class ON verifications (class_id, lab);
   ALTER TABLE classes ADD COLUMN ended_at BIGINT;`,
];
