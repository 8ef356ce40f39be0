// EC2 filter names. The model types Filter.Name as any string, but its documentation lists every
// filter an operation accepts (`<li> <p> <code>instance-state-name</code> - …`), and EC2 refuses
// any other: 400 InvalidParameterValue "The filter 'public-ip' is invalid" (DescribeInstances,
// boto/boto3#1299; DescribeInstanceStatus, aws/aws-cli#7225). `tag:<key>` is a family.
const cache = new Map<string, ((name: string) => boolean) | undefined>();
const ITEM = /<li>\s*<p>\s*<code>([^<]+)<\/code>\s*-/g;

export function documentedFilters(
  doc: string | undefined,
): ((name: string) => boolean) | undefined {
  if (!doc) return undefined;
  if (cache.has(doc)) return cache.get(doc);
  const names = new Set<string>();
  const prefixes: string[] = [];
  for (const m of doc.matchAll(ITEM)) {
    const name = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').trim();
    const family = /^([a-z-]+:)<[^>]+>$/.exec(name);
    if (family) prefixes.push(family[1]);
    else names.add(name);
  }
  const known =
    names.size === 0 && prefixes.length === 0
      ? undefined
      : (name: string) => names.has(name) || prefixes.some((p) => name.startsWith(p));
  cache.set(doc, known);
  return known;
}
