// Which region's event history holds a call. Since 2021-11-22 CloudTrail records the events of
// IAM, STS (global endpoint) and CloudFront in us-east-1 only, and `lookup-events` shows one
// region's history: IAM events are looked up with `--region us-east-1`
// (awsdocs/aws-cloudtrail-user-guide doc_source/view-cloudtrail-events-cli.md, "Important";
// the AWS notice quoted in SummitRoute/aws_breaking_changes#51).
// With --endpoint-url a CLI signs IAM calls with whatever region its profile names, so the
// signing region cannot be trusted for these services.
const GLOBAL = new Set(['iam', 'sts', 'cloudfront']);
export const GLOBAL_EVENTS_REGION = 'us-east-1';

export function eventRegion(service: string | undefined, signedRegion: string | undefined): string {
  if (service && GLOBAL.has(service)) return GLOBAL_EVENTS_REGION;
  return signedRegion ?? GLOBAL_EVENTS_REGION;
}
