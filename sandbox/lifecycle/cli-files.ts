// The isolated AWS CLI files (`<sandbox>/aws/config`, `credentials`) and the `aws` wrapper.
// The learner's ~/.aws is never read or written: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
// point here. Other profiles the learner adds (`aws configure --profile bob`) are kept.
//
// The files look like an admin's laptop: the sandbox admin is the `default` profile (region
// us-east-1 in the profile, not in the environment), so `aws configure`, `aws configure list`,
// `--profile` and a profile without a region behave as they do against real AWS. The same keys
// are also the named profile `sandbox-admin`, which is always rewritten: after a plain
// `aws configure` replaced `default` (as the lab warns it would), `--profile sandbox-admin`
// still reaches the admin.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'ini';
import type { Identity } from '../types.ts';
import type { Layout } from './layout.ts';
import { PROFILE } from './read.ts';
import { WRAPPER_MARKER } from './wrapper-marker.ts';

export { PROFILE };

/**
 * Create or update the `sandbox-admin` profile, and `default` when the files have none yet
 * (a `default` the learner configured stays theirs); leave every other profile as it is.
 */
export function writeCliFiles(l: Layout, learner: Identity, region: string, fresh = false): void {
  mkdirSync(l.awsDir, { recursive: true, mode: 0o700 });
  chmodSync(l.awsDir, 0o700);
  const config = { region, output: 'json' };
  const keys = {
    aws_access_key_id: learner.accessKeyId,
    aws_secret_access_key: learner.secretAccessKey,
  };
  updateIni(l.configFile, { [`profile ${PROFILE}`]: config, default: config }, fresh);
  updateIni(l.credentialsFile, { [PROFILE]: keys, default: keys }, fresh);
}

/** Merge `sections` into the INI file; `default` only where the file has no such section. */
function updateIni(path: string, sections: Record<string, Record<string, string>>, fresh: boolean) {
  const doc = !fresh && existsSync(path) ? parse(readFileSync(path, 'utf8')) : {};
  const before = JSON.stringify(doc);
  for (const [name, values] of Object.entries(sections)) {
    if (name === 'default' && doc.default) continue;
    doc[name] = { ...(doc[name] ?? {}), ...values };
  }
  if (existsSync(path) && !fresh && before === JSON.stringify(doc)) return;
  writeFileSync(path, stringify(doc, { whitespace: true }), { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync's mode applies only when it creates the file
}

/**
 * `<sandbox>/bin/aws`: runs the real `aws` — `$LAB_AWS_CLI` when `lab shell --cli` (or `lab
 * sandbox env --cli`) chose one, else the first `aws` on PATH — never a labrunner wrapper (each
 * carries the marker line below). Before anything runs, every wrapper folder leaves PATH: with
 * two lab homes' bin folders on PATH (two sandboxes' environments, `lab test` inside `lab shell`)
 * wrappers that skipped only their own folder called each other without end, and a pyenv shim
 * looks `aws` up on PATH again (with `PYENV_VERSION=system`, `pyenv shell system`), found the
 * wrapper, which found the shim, for ever. A pyenv shim is resolved to the binary it would run
 * (`pyenv which aws`), so the version check below is about that binary.
 * AWS CLI v1 >= 1.29 and v2 >= 2.13 read
 * AWS_ENDPOINT_URL; older ones (Debian 12's 2.9) ignore it and would call real AWS, so for those
 * the wrapper runs a Python CLI through aws-endpoint.py (every client gets the endpoint, as in a
 * newer CLI) and passes `--endpoint-url "$AWS_ENDPOINT_URL"` to any other. The version check is cached
 * per real binary (rerun when that binary changes), because `aws --version` takes ~0.5 s.
 */
/** Beside the wrapper: runs an old Python CLI as if it honoured AWS_ENDPOINT_URL. */
const ENDPOINT_SHIM = '.aws-endpoint.py';
const ENDPOINT_SHIM_SOURCE = readFileSync(new URL('./aws-endpoint.py', import.meta.url), 'utf8');

export { WRAPPER_MARKER };
export const AWS_WRAPPER = `#!/bin/sh
${WRAPPER_MARKER}
# labrunner sandbox: make \`aws\` honour AWS_ENDPOINT_URL even where the CLI is too old for it.
self_dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
clean=
old_ifs=$IFS; IFS=:
for d in $PATH; do
  [ -n "$d" ] || continue
  if [ -f "$d/aws" ] && grep -q '^${WRAPPER_MARKER}$' "$d/aws" 2>/dev/null; then continue; fi
  clean="\${clean:+$clean:}$d"
done
IFS=$old_ifs
PATH=$clean; export PATH
if [ -n "$LAB_AWS_CLI" ]; then
  real=$LAB_AWS_CLI
  if [ ! -x "$real" ] || grep -q '^${WRAPPER_MARKER}$' "$real" 2>/dev/null; then
    echo "aws: LAB_AWS_CLI=$real is not an AWS CLI (lab shell --cli v1|v2|<path> chooses one)" >&2
    exit 127
  fi
else
  real=$(command -v aws 2>/dev/null) || real=
fi
if [ -z "$real" ]; then
  echo "aws: the AWS CLI is not installed (see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)" >&2
  exit 127
fi
pyenv_bin=$(head -c 1024 "$real" 2>/dev/null | sed -n 's/^exec "\\(.*libexec\\/pyenv\\)" exec .*/\\1/p' | head -n 1)
if [ -n "$pyenv_bin" ]; then
  # A pyenv shim: the binary it runs for the current PYENV_VERSION (none: let it say so).
  resolved=$(PYENV_ROOT=\${PYENV_ROOT:-$(dirname -- "$(dirname -- "$pyenv_bin")")} "$pyenv_bin" which aws 2>/dev/null) && real=$resolved
fi
if [ -z "$AWS_ENDPOINT_URL" ]; then exec "$real" "$@"; fi
for a in "$@"; do
  case "$a" in --endpoint-url|--endpoint-url=*) exec "$real" "$@" ;; esac
done
cache="$self_dir/.endpoint-support$(printf '%s' "$real" | tr '/ ' '__')"
if [ ! -f "$cache" ] || [ "$real" -nt "$cache" ]; then
  ver=$("$real" --version 2>&1 | head -n 1)
  ver=\${ver#aws-cli/}; ver=\${ver%% *}
  major=\${ver%%.*}; minor=\${ver#*.}; minor=\${minor%%.*}
  support=yes
  case "$major.$minor" in
    *[!0-9.]* | .* | *.) ;; # unknown version string: assume a current CLI
    *)
      if [ "$major" -eq 1 ] && [ "$minor" -lt 29 ]; then support=no; fi
      if [ "$major" -eq 2 ] && [ "$minor" -lt 13 ]; then support=no; fi
      ;;
  esac
  echo "$support" > "$cache" 2>/dev/null || true
else
  support=$(cat "$cache")
fi
if [ "$support" = no ]; then
  # A Python CLI (Debian's): run it so that every client it makes uses AWS_ENDPOINT_URL, as a
  # newer CLI does, the STS client of a role_arn profile included (aws-endpoint.py). Any other:
  # --endpoint-url, which reaches the command's own client only.
  shebang=$(head -n 1 "$real" 2>/dev/null)
  case "$shebang" in
    '#!'*python*) exec \${shebang#??} "$self_dir/${ENDPOINT_SHIM}" "$real" "$@" ;;
  esac
  exec "$real" --endpoint-url "$AWS_ENDPOINT_URL" "$@"
fi
exec "$real" "$@"
`;

export function writeAwsWrapper(l: Layout): string {
  mkdirSync(l.binDir, { recursive: true, mode: 0o700 });
  const path = `${l.binDir}/aws`;
  if (!existsSync(path) || readFileSync(path, 'utf8') !== AWS_WRAPPER) {
    writeFileSync(path, AWS_WRAPPER, { mode: 0o755 });
    chmodSync(path, 0o755);
  }
  const shim = `${l.binDir}/${ENDPOINT_SHIM}`;
  if (!existsSync(shim) || readFileSync(shim, 'utf8') !== ENDPOINT_SHIM_SOURCE) {
    writeFileSync(shim, ENDPOINT_SHIM_SOURCE, { mode: 0o644 });
  }
  return path;
}
