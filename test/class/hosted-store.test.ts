// issue 21: the class store's record of hosted accounts, on SQLite and PostgreSQL alike. A
// learner who joins again from the same lab home (their learner token, the same code, the same
// name) is the same learner with the same account; the report shows each learner's account;
// the server's verdicts mark the cells; a reset forgets them; no secret is ever stored.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildReport } from '../../runner/class/report.ts';
import { storeKinds } from './store-kinds.ts';

const { stores, lastSqlite } = storeKinds('labrunner-hosted-store-');
const steps = async () => ['create-key', 'configure'];

describe.each(stores)('hosted accounts in the class store on %s', (kind, open) => {
  it('gives a learner who joins again the same learner and account; a stranger gets neither', async () => {
    const s = await open();
    try {
      const c = await s.createClass('Hosted');
      const ada = (await s.join(c.joinCode, 'Ada', undefined, 1000))!;
      await s.hosted.record(c.classId, ada.learnerId, '418273645501', 1000);
      // `lab join` again from Ada's home: her token, the code, her name (any case).
      const again = await s.rejoin(ada.token, c.joinCode.toLowerCase(), 'ada');
      expect(again).toMatchObject({ learnerId: ada.learnerId, name: 'Ada', classId: c.classId });
      expect((await s.hosted.account(again!.learnerId))?.accountId).toBe('418273645501');
      // The wrong code, another name, or an instructor token is not Ada coming back.
      expect(await s.rejoin(ada.token, 'AAAA-BBBB-CCCC', 'Ada')).toBeUndefined();
      expect(await s.rejoin(ada.token, c.joinCode, 'Eve')).toBeUndefined();
      expect(await s.rejoin(c.instructorToken, c.joinCode, 'Ada')).toBeUndefined();
      // A second "Ada" elsewhere is "Ada (2)", and her own token brings her back as that.
      const ada2 = (await s.join(c.joinCode, 'Ada', undefined, 2000))!;
      expect(ada2.name).toBe('Ada (2)');
      expect((await s.rejoin(ada2.token, c.joinCode, 'Ada'))?.learnerId).toBe(ada2.learnerId);
      // One account per learner, one learner per account.
      await expect(
        s.hosted.record(c.classId, ada2.learnerId, '418273645501', 2000),
      ).rejects.toThrow();
      await s.hosted.record(c.classId, ada2.learnerId, '509182736450', 2000);
      expect((await s.hosted.accounts(c.classId)).map((a) => a.accountId)).toEqual([
        '418273645501',
        '509182736450',
      ]);
      // The instructor's views name each learner's account.
      const report = await buildReport(s, c.classId, { lab: 'day42', stepOrder: steps });
      const accounts = Object.fromEntries(
        report!.labs[0].learners.map((l) => [l.name, l.accountId]),
      );
      expect(accounts).toEqual({ Ada: '418273645501', 'Ada (2)': '509182736450' });
    } finally {
      await s.close();
    }
  });

  it("marks cells with the server's verdicts, forgets them on reset, and ends a class once", async () => {
    const s = await open();
    try {
      const c = await s.createClass('Hosted');
      const bo = (await s.join(c.joinCode, 'Bo', undefined, 1000))!;
      await s.hosted.record(c.classId, bo.learnerId, '300000000001', 1000);
      const now = Date.now();
      await s.recordResults(
        { classId: c.classId, learnerId: bo.learnerId },
        [
          { key: 'k1', lab: 'day42', step: 'create-key', status: 'passed', at: now },
          { key: 'k2', lab: 'day42', step: 'configure', status: 'passed', at: now },
        ],
        now,
      );
      await s.hosted.saveVerifications(c.classId, [
        {
          learnerId: bo.learnerId,
          lab: 'day42',
          step: 'create-key',
          verdict: 'verified',
          evidence: 'a key was created for iam-admin',
          at: now,
        },
        {
          learnerId: bo.learnerId,
          lab: 'day42',
          step: 'configure',
          verdict: 'contradicted',
          evidence: 'not found in the account',
          at: now,
        },
      ]);
      const cells = async () =>
        (await buildReport(s, c.classId, { lab: 'day42', stepOrder: steps }))!.labs[0].learners[0]
          .cells;
      expect((await cells())['create-key']).toMatchObject({
        status: 'passed',
        verification: 'verified',
      });
      expect((await cells()).configure).toMatchObject({
        status: 'passed',
        verification: 'contradicted',
      });
      await s.hosted.reset(bo.learnerId, now + 1);
      expect((await cells())['create-key'].verification).toBeUndefined();
      expect((await s.hosted.account(bo.learnerId))?.resetAt).toBe(now + 1);

      expect(await s.hosted.endedAt(c.classId)).toBeNull();
      await s.hosted.end(c.classId, 5000);
      await s.hosted.end(c.classId, 9000); // a second end keeps the first time
      expect(await s.hosted.endedAt(c.classId)).toBe(5000);
    } finally {
      await s.close();
    }
    if (kind === 'sqlite') {
      // Nothing in the file looks like a secret access key or a key id.
      const bytes = readFileSync(lastSqlite()).toString('latin1');
      expect(bytes).not.toMatch(/AKIA[A-Z0-9]{16}/);
    }
  });
});
