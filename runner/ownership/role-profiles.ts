// Config sections that assume one of the run's roles (`role_arn = <the role's ARN>`): written by
// the learner for the lab (iam-roles' `configure-profile`), useless once the role is gone. They
// hold no key, so the key-based search in profiles.ts never finds them; they are recorded here,
// and the profile-section pass of the plan removes them like any other recorded section.
import { ledgerFor, recordCreated, type Store } from '../store/index.ts';
import { parseSections, profileOf, readCliFile, settingValue } from '../resources/profile-file.ts';
import type { OwnerTarget } from './types.ts';

export async function recordRoleProfiles(
  o: { target: OwnerTarget; store: Store },
  runId: number,
): Promise<void> {
  // By ARN: account and role name (the role may already be gone, its id with it).
  const roles = new Set(
    ledgerFor(o.store, runId)
      .filter((e) => e.kind === 'iam-role')
      .map((e) => `arn:aws:iam::${o.target.accountId}:role/${e.resourceId}`),
  );
  if (!roles.size) return;
  const path = o.target.learnerFiles.configFile;
  const text = await readCliFile(path);
  if (text === undefined) return;
  for (const s of parseSections(text).sections) {
    const arn = s.settings.find(([k]) => k === 'role_arn');
    if (!arn || !roles.has(settingValue(arn[1]))) continue;
    // A section that also holds a key is not only the lab's: the key-based pass decides it.
    if (s.settings.some(([k]) => k === 'aws_access_key_id')) continue;
    recordCreated(o.store, {
      runId,
      kind: 'profile-section',
      resourceId: `${path}#${s.header}`,
      details: {
        file: 'config',
        profile: profileOf(s.header, 'config'),
        roleArn: settingValue(arn[1]),
      },
      createdBy: 'learner',
    });
  }
}
