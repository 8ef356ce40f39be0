// Evidence never holds a secret by contract (checks describe what they saw,
// not credentials). The class path still refuses to carry anything shaped like
// an AWS secret access key (40 base64 characters): the learner's outbox strips
// it before queueing, and the server strips it again before storing.
const SECRETISH = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;

export function stripSecrets(text: string | undefined | null): string | undefined {
  if (text == null) return undefined;
  return text.replace(SECRETISH, '[redacted]');
}

/**
 * The failure reason a report groups by: the evidence with what differs per
 * learner (key ids, account ids, times, numbers) replaced, so twelve learners
 * with the same mistake show up as one reason counted twelve times.
 */
export function reasonOf(evidence: string | undefined | null): string | undefined {
  if (!evidence) return undefined;
  return evidence
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '<key id>')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z?/g, '<time>')
    .replace(/\b\d{12}\b/g, '<account>')
    .replace(/\b\d+(\.\d+)?\b/g, '<n>')
    .slice(0, 300);
}
