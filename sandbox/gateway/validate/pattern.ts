// botocore's patterns are the services' Java regular expressions, matched against the whole value
// (Pattern.matches: IAM refuses a role ARN as a role name though `[\w+=,.@-]+` occurs inside it).
// Compiled without the `u` flag so `\uXXXX` and escapes mean what Java reads (botocore's
// `\u10000-\u10FFFF` is `\u1000`, then `0-\u10FF`… in Java too); `(?s)` becomes the `s` flag and
// `\p{…}` classes need `u`. A pattern JavaScript cannot read is skipped, never guessed.
const cache = new Map<string, RegExp | null>();

export function javaPattern(pattern: string): RegExp | null {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let source = pattern;
  let flags = '';
  if (source.startsWith('(?s)')) {
    source = source.slice(4);
    flags += 's';
  }
  if (/\\p\{/.test(source)) flags += 'u';
  let re: RegExp | null = null;
  for (const f of [flags, flags.replace('u', '')]) {
    try {
      re = new RegExp(`^(?:${source})$`, f);
      break;
    } catch {
      // `u` refuses identity escapes such as `\:`; retry without it
    }
  }
  cache.set(pattern, re);
  return re;
}
