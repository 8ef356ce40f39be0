// CloudTrail's readOnly flag. Reads are the Get/List/Describe/Lookup/Head calls; AWS also marks
// STS's AssumeRole read-only (it changes nothing in the account: captured AssumeRole
// records carry `"readOnly": true`, e.g. the AWSBackup service role's AssumeRole events in a
// CloudTrail log export quoted in a public Stelligent-U lab write-up).
const READ_PREFIXES = /^(Get|List|Describe|Lookup|Head)/;
const READS_NAMED_OTHERWISE = new Set(['AssumeRole']);

export function isReadOnly(eventName: string): boolean {
  return READ_PREFIXES.test(eventName) || READS_NAMED_OTHERWISE.has(eventName);
}
