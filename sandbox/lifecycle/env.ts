// The environment that points `aws` (and SDKs) at the sandbox with the isolated CLI files.
import { delimiter } from 'node:path';
import type { SandboxInfo } from '../types.ts';
import { layout } from './layout.ts';

/**
 * Variables to set for `aws` to use the sandbox: the isolated CLI files (whose `default` profile
 * is the sandbox admin, see cli-files.ts) and the endpoint. PATH puts the `aws` wrapper first.
 * No AWS_PROFILE, AWS_REGION or AWS_DEFAULT_REGION: they would beat the profiles' own settings,
 * and the labs teach exactly those (`aws configure --profile …`, a call without --region).
 */
export function sandboxEnv(
  info: SandboxInfo,
  base: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const l = layout(info.home);
  return {
    AWS_CONFIG_FILE: info.configFile,
    AWS_SHARED_CREDENTIALS_FILE: info.credentialsFile,
    AWS_ENDPOINT_URL: info.endpoint,
    PATH: [l.binDir, ...(base.PATH ?? '').split(delimiter).filter((d) => d && d !== l.binDir)].join(
      delimiter,
    ),
  };
}

/**
 * Variables that would override the profiles or the endpoint if the learner's shell has them
 * (environment credentials beat any profile in every AWS CLI and SDK; AWS_PROFILE would name a
 * profile of their real ~/.aws; AWS_REGION would beat every profile's region). Unset them in
 * the sandbox.
 */
export const OVERRIDING_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CA_BUNDLE',
];

/** A full process environment for a child that should talk to the sandbox: base minus AWS_*, plus sandboxEnv. */
export function sandboxProcessEnv(
  info: SandboxInfo,
  base: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || k.startsWith('AWS_')) continue;
    out[k] = v;
  }
  return { ...out, ...sandboxEnv(info, base) };
}
