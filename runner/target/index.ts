// Where checks look: the local sandbox (default) or a real AWS account.
// One place decides the identity, region and the learner's CLI files; the clients and the
// mapping of SDK errors are runner/aws's (this layer only says whom they talk to).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LabError } from '../errors.ts';
import type { Clients } from '../lab/define.ts';
import type { SandboxInfo } from '../../sandbox/index.ts';
import type { Env } from '../paths.ts';
import { makeClients, destroyClients, environmentError, type ErrorContext } from '../aws/index.ts';
import { readProfiles, type LearnerFiles } from './profiles.ts';
import { readSandboxInfo } from '../../sandbox/index.ts';

export { readProfiles, profilesWithKey, type Profile, type LearnerFiles } from './profiles.ts';

export type TargetKind = 'sandbox' | 'aws';

export interface Target {
  kind: TargetKind;
  accountId: string;
  /** The runner's own identity (sandbox runner user, or whoever --profile is on AWS). */
  callerArn: string;
  /**
   * The identity the learner works as: the sandbox's admin (`sandbox-admin`), or on AWS the
   * profile's identity (the runner signs as the learner there). Calls by other identities are
   * never the learner's evidence, and what they create is never the run's to delete.
   */
  learnerArn: string;
  /** True when the runner's identity is the account root: warn loudly, refuse cleanup. */
  isRoot: boolean;
  /** First line of output: "local sandbox, account 123456789012" or "AWS account 123…, profile foo". */
  label: string;
  region: string;
  /** AWS profile name used for the runner's identity (AWS target only). */
  profile?: string;
  /** The sandbox gateway (sandbox target only). */
  endpoint?: string;
  clients: Clients;
  /** The learner's CLI files: the sandbox's isolated pair, or AWS_CONFIG_FILE/… or ~/.aws. */
  learnerFiles: LearnerFiles;
  /** Clients signed as the learner's profile `name` (read from learnerFiles), same endpoint. */
  clientsForProfile(name: string): Promise<Clients>;
  /** Clients for the runner's identity in another region (CloudTrail event history is regional). */
  clientsForRegion(region: string): Clients;
  /** Map an SDK error to a LabError (exit 2) if it is about the environment. */
  environmentError(e: unknown): LabError | undefined;
  /**
   * The first denial of the runner's own calls so far (as a LabError), even one a check caught:
   * the engine stops on it rather than report a step the runner could not inspect.
   */
  runnerDenial(): LabError | undefined;
  /** Close every client's sockets. */
  close(): void;
}

export interface ResolveOptions {
  target?: string;
  profile?: string;
  region?: string;
  env?: Env;
  home: string;
  /** Injected for tests; defaults to sandbox/index.ts readSandboxInfo. */
  readSandboxInfo?: (home: string) => Promise<SandboxInfo | undefined> | SandboxInfo | undefined;
}

export function targetKind(target: string | undefined, env: Env): TargetKind {
  const t = target ?? env.LAB_TARGET ?? 'sandbox';
  if (t !== 'sandbox' && t !== 'aws') {
    throw new LabError(
      'bad_target',
      `Unknown target "${t}".`,
      'Use --target sandbox or --target aws.',
    );
  }
  return t;
}

export async function resolveTarget(o: ResolveOptions): Promise<Target> {
  const env = o.env ?? process.env;
  return targetKind(o.target, env) === 'sandbox' ? sandboxTarget(o) : awsTarget(o, env);
}

async function loadSandboxInfo(o: ResolveOptions): Promise<SandboxInfo | undefined> {
  if (o.readSandboxInfo) return o.readSandboxInfo(o.home);
  // Cheap: reads three small JSON files, starts and writes nothing.
  return readSandboxInfo(o.home);
}

async function sandboxTarget(o: ResolveOptions): Promise<Target> {
  const info = await loadSandboxInfo(o);
  if (!info) {
    throw new LabError(
      'sandbox_down',
      'The local sandbox is not running.',
      'Start it: `lab sandbox start` (or `lab start <lab>`, which starts it too).',
    );
  }
  const region = o.region ?? info.region;
  const ctx = {
    kind: 'sandbox' as const,
    endpoint: info.endpoint,
    callerArn: info.runner.arn,
    hosted: info.classUrl !== undefined,
  };
  let denied: Error | undefined;
  const onRunnerDenied = (e: Error) => void (denied ??= e);
  const forRegion = (r: string) =>
    makeClients({ region: r, endpoint: info.endpoint, credentials: info.runner, onRunnerDenied });
  const clients = forRegion(region);
  const learnerFiles = { configFile: info.configFile, credentialsFile: info.credentialsFile };
  return {
    kind: 'sandbox',
    accountId: info.accountId,
    callerArn: info.runner.arn,
    learnerArn: info.learner.arn,
    isRoot: false,
    label: `local sandbox, account ${info.accountId}`,
    region,
    endpoint: info.endpoint,
    clients,
    learnerFiles,
    ...ownedClients(clients, forRegion, {
      learnerFiles,
      region,
      endpoint: info.endpoint,
      ctx,
      denied: () => denied,
    }),
  };
}

/** The half of a Target that hands out clients and errors: every client it makes closes with it. */
function ownedClients(
  clients: Clients,
  forRegion: (region: string) => Clients,
  o: {
    learnerFiles: LearnerFiles;
    region: string;
    endpoint?: string;
    ctx: ErrorContext;
    denied: () => Error | undefined;
  },
): Pick<
  Target,
  'clientsForProfile' | 'clientsForRegion' | 'environmentError' | 'runnerDenial' | 'close'
> {
  const extra: Clients[] = [];
  const own = (c: Clients) => (extra.push(c), c);
  return {
    clientsForProfile: async (name) =>
      own(await profileClients(o.learnerFiles, name, o.region, o.endpoint)),
    clientsForRegion: (r) => own(forRegion(r)),
    environmentError: (e) => environmentError(e, o.ctx),
    runnerDenial: () => {
      const denied = o.denied();
      return denied ? environmentError(denied, o.ctx) : undefined;
    },
    close: () => [clients, ...extra].forEach(destroyClients),
  };
}

/** Clients signed with the static key of a learner profile (the SDK would read the same values). */
async function profileClients(
  files: LearnerFiles,
  name: string,
  fallbackRegion: string,
  endpoint?: string,
): Promise<Clients> {
  const p = (await readProfiles(files)).get(name);
  if (!p?.accessKeyId || !p.secretAccessKey) {
    throw new LabError(
      'no_profile',
      `The profile "${name}" has no access key in ${files.credentialsFile}.`,
    );
  }
  return makeClients({
    region: p.region ?? fallbackRegion,
    endpoint,
    credentials: {
      accessKeyId: p.accessKeyId,
      secretAccessKey: p.secretAccessKey,
      ...(p.sessionToken ? { sessionToken: p.sessionToken } : {}),
    },
  });
}

async function awsTarget(o: ResolveOptions, env: Env): Promise<Target> {
  const learnerFiles = {
    configFile: env.AWS_CONFIG_FILE || join(env.HOME || homedir(), '.aws', 'config'),
    credentialsFile:
      env.AWS_SHARED_CREDENTIALS_FILE || join(env.HOME || homedir(), '.aws', 'credentials'),
  };
  const profile = o.profile ?? env.AWS_PROFILE;
  const profileName = profile ?? 'default';
  const known = await readProfiles(learnerFiles);
  const region =
    o.region ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    known.get(profileName)?.region ??
    'us-east-1';
  const usingEnvKeys = !profile && !!env.AWS_ACCESS_KEY_ID;
  const source = usingEnvKeys ? 'credentials from AWS_ACCESS_KEY_ID' : `profile ${profileName}`;
  const ctx: ErrorContext = {
    kind: 'aws',
    profile: profileName,
    namedProfile: profile,
    source,
    endpoint: env.AWS_ENDPOINT_URL || undefined,
    profiles: [...known.keys()],
    files: learnerFiles,
  };
  let denied: Error | undefined;
  const onRunnerDenied = (e: Error) => void (denied ??= e);
  // No credentials given: the SDK's default chain (env, SSO, profile files, instance roles).
  const forRegion = (r: string) => makeClients({ region: r, profile, onRunnerDenied });
  const clients = forRegion(region);
  let caller: { Account?: string; Arn?: string };
  try {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    caller = await clients.sts.send(new GetCallerIdentityCommand({}));
  } catch (e) {
    destroyClients(clients);
    // The SDK's chain says only "Could not load credentials from any providers" when a
    // credential_process failed or returned expired credentials: find out which.
    const proc = !usingEnvKeys ? known.get(profileName)?.credentialProcess : undefined;
    if (proc && (e as Error)?.name === 'CredentialsProviderError') {
      const { credentialProcessError } = await import('./process-creds.ts');
      throw credentialProcessError(profileName, proc, env) ?? environmentError(e, ctx) ?? e;
    }
    throw environmentError(e, ctx) ?? e;
  }
  const accountId = caller.Account ?? '';
  const callerArn = caller.Arn ?? '';
  ctx.callerArn = callerArn;
  return {
    kind: 'aws',
    accountId,
    callerArn,
    learnerArn: callerArn,
    isRoot: /:root$/.test(callerArn),
    label: `AWS account ${accountId}, ${source}`,
    region,
    profile: profileName,
    clients,
    learnerFiles,
    ...ownedClients(clients, forRegion, { learnerFiles, region, ctx, denied: () => denied }),
  };
}

/** The loud warning printed whenever the runner's identity is the account root. */
export const ROOT_WARNING =
  'WARNING: you are using the ROOT user of this AWS account. Never use root access keys: ' +
  'create an IAM user or role for everyday work. labrunner will not run cleanup as root.';
