// Read the learner's AWS CLI files exactly as the SDK does (the same loader,
// from @smithy/core): `[profile x]` in config, `[x]` in credentials, values in
// the credentials file winning. Never spawns `aws` (one call costs ~0.5 s).
import { loadSharedConfigFiles } from '@smithy/core/config';

export interface LearnerFiles {
  configFile: string;
  credentialsFile: string;
}

export interface Profile {
  name: string;
  accessKeyId?: string;
  /** Held in memory only, to sign the check's STS call; never printed or stored. */
  secretAccessKey?: string;
  sessionToken?: string;
  region?: string;
  /** A program that prints the credentials (credential_process), when the profile uses one. */
  credentialProcess?: string;
  /** A role profile: the role the CLI assumes (`role_arn`) and whose keys it uses to do so. */
  roleArn?: string;
  sourceProfile?: string;
  /** The file and section heading that hold the access key id (for the ledger and cleanup). */
  keySource?: { file: string; section: string };
}

/** Every profile in the learner's files, by name. Missing files count as empty. */
export async function readProfiles(files: LearnerFiles): Promise<Map<string, Profile>> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    filepath: files.credentialsFile,
    configFilepath: files.configFile,
    ignoreCache: true,
  });
  const out = new Map<string, Profile>();
  for (const name of new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])) {
    const conf = configFile[name] ?? {};
    const cred = credentialsFile[name] ?? {};
    const inCreds = cred.aws_access_key_id !== undefined;
    const accessKeyId = cred.aws_access_key_id ?? conf.aws_access_key_id;
    out.set(name, {
      name,
      accessKeyId,
      secretAccessKey: inCreds ? cred.aws_secret_access_key : conf.aws_secret_access_key,
      sessionToken: inCreds ? cred.aws_session_token : conf.aws_session_token,
      region: conf.region ?? cred.region,
      credentialProcess: conf.credential_process ?? cred.credential_process,
      roleArn: conf.role_arn ?? cred.role_arn,
      sourceProfile: conf.source_profile ?? cred.source_profile,
      keySource: accessKeyId
        ? inCreds
          ? { file: files.credentialsFile, section: name }
          : { file: files.configFile, section: name === 'default' ? 'default' : `profile ${name}` }
        : undefined,
    });
  }
  return out;
}

/** The profiles holding `accessKeyId` (the learner may have named the profile anything). */
export async function profilesWithKey(
  files: LearnerFiles,
  accessKeyId: string,
): Promise<Profile[]> {
  return [...(await readProfiles(files)).values()].filter((p) => p.accessKeyId === accessKeyId);
}
