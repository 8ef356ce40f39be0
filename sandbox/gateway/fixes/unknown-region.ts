// A mistyped region (`--region ap-southest-2`). On AWS the CLI builds the endpoint from the
// region (`ec2.ap-southest-2.amazonaws.com`), cannot resolve it, and fails before anything is
// sent: `Could not connect to the endpoint URL: "https://ec2.ap-southest-2.amazonaws.com/"`, exit
// 255 (botocore EndpointConnectionError; e.g. cloudavail/aws-missing-tools#97). With the
// sandbox's custom endpoint the request does arrive, signed for that region; moto crashed on it
// (a 500 the CLI retried for 5-7 s). The gateway answers at once with a 400 (not retried) that
// carries the same text and says what to check. Closest honest behaviour: the code is botocore's
// exception name, and the exit code is the CLI's for a service error (254 on v2, 255 on v1).
// IAM is global (iam.amazonaws.com whatever the region), so its calls are not judged here.
// Known regions: botocore's endpoints.json (known-regions.json; regenerate as in docs/gateway.md).
import known from '../known-regions.json' with { type: 'json' };
import type { PreCheck } from './types.ts';

const REGIONS = new Set<string>([...Object.values(known.regions).flat(), 'aws-global']);
const GLOBAL_SERVICES = new Set(['iam']);

export const unknownRegion: PreCheck = ({ req }) => {
  if (!req.region || REGIONS.has(req.region) || GLOBAL_SERVICES.has(req.service ?? '')) {
    return undefined;
  }
  const endpoint = `https://${req.service ?? 'ec2'}.${req.region}.amazonaws.com/`;
  return {
    status: 400,
    neverSent: true,
    code: 'EndpointConnectionError',
    message:
      `Could not connect to the endpoint URL: "${endpoint}" ` +
      `(${req.region} is not an AWS Region: check --region, AWS_REGION or the profile's region)`,
  };
};
