// Which region's event history holds a call. Since 2021-11-22 CloudTrail records the events of
// IAM and CloudFront in us-east-1 only, and `lookup-events` shows one region's history: IAM
// events are looked up with `--region us-east-1` (awsdocs/aws-cloudtrail-user-guide
// doc_source/view-cloudtrail-events-cli.md, "Important"; the AWS notice quoted in
// SummitRoute/aws_breaking_changes#51). With --endpoint-url a CLI signs IAM calls with whatever
// region its profile names, so the signing region cannot be trusted for these services.
//
// STS is different: "CloudTrail writes calls to all Regional endpoints to their respective
// Regions ... Calls to sts.eu-central-1.amazonaws.com are published in the Europe (Frankfurt)
// Region logs", and only calls to the global endpoint sts.amazonaws.com are logged as us-east-1
// (IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail", table of STS
// endpoints). Both CLIs now call the regional endpoint of the profile's region (botocore's
// sts_regional_endpoints defaults to "regional"; CLI v2 always), and sign for that region, so
// `sts get-caller-identity --profile iam-admin` (Sydney) is in ap-southeast-2's history; a call
// signed for us-east-1 (the global endpoint's signing region) stays in us-east-1.
const GLOBAL = new Set(['iam', 'cloudfront']);
export const GLOBAL_EVENTS_REGION = 'us-east-1';

export function eventRegion(service: string | undefined, signedRegion: string | undefined): string {
  if (service && GLOBAL.has(service)) return GLOBAL_EVENTS_REGION;
  return signedRegion ?? GLOBAL_EVENTS_REGION;
}
