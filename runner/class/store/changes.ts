// What changed in a class since the dashboard last looked: its open page asks every 30 s and
// gets only the learners whose results arrived since (routes/dashboard.ts), not the whole
// page again (a 1,000-learner lab page is ~1 MB of HTML).
//
// A page's stamp is the class's version (how many results and learners it holds: a number
// that grows with every commit, so "nothing changed" is exact) and the server's time when
// that version was read. A result's `received_at` is set when its request arrives, and a
// group commit (store/ingest.ts) may land it a moment later, so "what arrived since" looks
// back OVERLAP_MS before that time: a row sent twice is harmless, a row missed is not.
import type { Sql } from './sql.ts';

export const OVERLAP_MS = 5_000;

export interface ChangeStamp {
  version: number;
  at: number;
}

export const stampText = (s: ChangeStamp) => `${s.version}.${s.at}`;

export function parseStamp(text: string | null | undefined): ChangeStamp | undefined {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(text ?? '');
  return m ? { version: Number(m[1]), at: Number(m[2]) } : undefined;
}

/** The class's version now, read at `now`. */
export async function changeStamp(sql: Sql, classId: string, now: number): Promise<ChangeStamp> {
  const [r] = await sql.arrays<[number | string, number | string]>(
    `SELECT (SELECT COUNT(*) FROM results WHERE class_id = ?),
            (SELECT COUNT(*) FROM learners WHERE class_id = ?)`,
    [classId, classId],
  );
  return { version: Number(r?.[0] ?? 0) + Number(r?.[1] ?? 0), at: now };
}

/** Learners of `lab` with a result received, or who joined, since a stamp's time (with the overlap). */
export async function learnersChangedSince(
  sql: Sql,
  classId: string,
  lab: string,
  since: ChangeStamp,
): Promise<Set<string>> {
  const from = since.at - OVERLAP_MS;
  const rows = await sql.arrays<[string]>(
    `SELECT DISTINCT learner_id FROM results WHERE class_id = ? AND lab = ? AND received_at >= ?
     UNION SELECT id FROM learners WHERE class_id = ? AND created_at >= ?`,
    [classId, lab, from, classId, from],
  );
  return new Set(rows.map((r) => r[0]));
}
