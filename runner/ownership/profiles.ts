// Ownership of the learner's CLI files: which sections belong to a key the cleanup deletes.
//
// A section is removed when it holds one of those keys (`aws_access_key_id`).
// The other half of the same profile (`[profile x]` in config for `[x]` in
// credentials) is removed too, but only when it holds nothing but what
// `aws configure` writes (region, output, the key itself): a profile section
// with anything else in it (sso, role_arn, endpoint_url, nested s3 settings)
// is the learner's own work and is kept, and the report says so.
import { parseSections, profileOf, readCliFile, settingValue } from '../resources/profile-file.ts';

export interface LearnerFiles {
  configFile: string;
  credentialsFile: string;
}

export type FileKind = 'config' | 'credentials';

export interface SectionMatch {
  file: FileKind;
  path: string;
  /** The header as written, without brackets: `profile lab`, `lab`, `default`. */
  header: string;
  profile: string;
  keyId: string;
  /** Why it goes: it holds the key, or it is the rest of that key's profile. */
  reason: 'holds-key' | 'same-profile';
}

export interface SectionKept {
  path: string;
  header: string;
  why: string;
}

const CONFIGURE_ONLY = new Set([
  'region',
  'output',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
]);

/** The sections to remove for `keyIds`, read from the files as they are now. */
export async function findProfileSections(
  files: LearnerFiles,
  keyIds: Set<string>,
): Promise<{ remove: SectionMatch[]; kept: SectionKept[] }> {
  const texts = {
    credentials: await readCliFile(files.credentialsFile),
    config: await readCliFile(files.configFile),
  };
  const paths = { credentials: files.credentialsFile, config: files.configFile };
  const remove: SectionMatch[] = [];
  const kept: SectionKept[] = [];
  const profileKey = new Map<string, string>();
  const kinds: FileKind[] = ['credentials', 'config'];

  for (const file of kinds) {
    const text = texts[file];
    if (text === undefined) continue;
    for (const s of parseSections(text).sections) {
      const profile = profileOf(s.header, file);
      const id = s.settings.find(([k]) => k === 'aws_access_key_id');
      const keyId = id && settingValue(id[1]);
      if (profile === undefined || !keyId || !keyIds.has(keyId)) continue;
      remove.push({
        file,
        path: paths[file],
        header: s.header,
        profile,
        keyId,
        reason: 'holds-key',
      });
      profileKey.set(profile, keyId);
    }
  }
  for (const file of kinds) {
    const text = texts[file];
    if (text === undefined) continue;
    for (const s of parseSections(text).sections) {
      const profile = profileOf(s.header, file);
      if (profile === undefined || !profileKey.has(profile)) continue;
      if (remove.some((r) => r.file === file && r.header === s.header)) continue;
      const foreign = s.settings.filter(([k]) => !CONFIGURE_ONLY.has(k)).map(([k]) => k);
      if (foreign.length > 0 || s.nested) {
        kept.push({
          path: paths[file],
          header: s.header,
          why: `profile ${profile} lost its key, but [${s.header}] also holds ${foreign.join(', ') || 'nested settings'}, so it is yours to edit`,
        });
        continue;
      }
      const keyId = profileKey.get(profile)!;
      remove.push({
        file,
        path: paths[file],
        header: s.header,
        profile,
        keyId,
        reason: 'same-profile',
      });
    }
  }
  return { remove, kept };
}
