"""A bucket asked for in the wrong region, as S3 answers it (moto 5.2.1 serves every bucket from
every region, so a call signed for us-east-1 worked on a bucket in ap-southeast-2 and was
recorded in us-east-1's event history).

On AWS each region's endpoint serves only its own buckets. A request for a bucket of another
region, signed for the endpoint's region, is answered 301 `PermanentRedirect` `The bucket you are
attempting to access must be addressed using the specified endpoint. Please send all future
requests to this endpoint.`, with `<Endpoint>` and `<Bucket>` in the body and the bucket's
region in the `x-amz-bucket-region` header (a captured answer in yanganto/s3rs#18; aws/aws-cli#564
and #851 show the CLI printing it before clients learnt to follow it). HEAD has no body, only the
status and the header.

The clients follow it by themselves: botocore's S3RegionRedirectorv2 (both AWS CLIs) re-signs
for the region in `x-amz-bucket-region` and sends the request again, once, to the same endpoint
(a custom one included); SDK v3 does the same with `followRegionRedirects: true`. The learner
sees nothing but the answer, and the event is recorded in the bucket's region, where the call
was finally signed for. A presigned URL cannot be re-signed: `curl` shows the XML.

The redirect comes before authentication and authorisation, as on AWS (tools learn a bucket's
region this way), so it tells a caller with any signature which region a bucket is in; a
request with no signature never reaches the engine (gateway/fixes/s3-anonymous.ts).

The sandbox endpoint stands for the regional endpoint of the region a request is signed for
(SigV4: the credential scope in `Authorization` or `X-Amz-Credential`). Not judged: requests with
no region (SigV2, unsigned), CreateBucket (an endpoint creates buckets for other regions, with
moto's LocationConstraint rules), GetBucketLocation (the question this answers), and a bucket
that does not exist (NoSuchBucket, as moto says).
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

_SCOPE_RE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/s3/aws4_request")
_QUERY_SCOPE_RE = re.compile(r"^[^/]+/\d{8}/([^/]+)/s3/aws4_request$")
MESSAGE = (
    "The bucket you are attempting to access must be addressed using the specified endpoint. "
    "Please send all future requests to this endpoint."
)


def signed_region(request: Any) -> str | None:
    """The region of a SigV4 signature (header or presigned query); None for SigV2 or unsigned."""
    m = _SCOPE_RE.search(request.headers.get("Authorization", ""))
    if m:
        return m.group(1)
    args = getattr(request, "args", None)
    credential = args.get("X-Amz-Credential", "") if args is not None else ""
    m = _QUERY_SCOPE_RE.match(credential)
    return m.group(1) if m else None


def _redirect(bucket: str, region: str, head: bool) -> tuple[int, dict[str, str], str]:
    # moto fills in <RequestId> and x-amzn-requestid; the gateway adds S3's HostId/x-amz-id-2.
    headers = {"x-amz-bucket-region": region, "content-type": "application/xml"}
    if head:
        return 301, headers, ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>PermanentRedirect</Code><Message>{MESSAGE}</Message>"
        f"<Endpoint>{escape(bucket)}.s3.{escape(region)}.amazonaws.com</Endpoint>"
        f"<Bucket>{escape(bucket)}</Bucket><RequestId></RequestId><HostId></HostId></Error>"
    )
    return 301, headers, body


def wrong_region(response: Any, request: Any, bucket_call: bool) -> tuple[int, dict[str, str], str] | None:
    """The redirect to answer instead of serving `request`, or None to serve it."""
    method = request.method.upper()
    if method == "OPTIONS":
        return None
    if bucket_call:
        args = getattr(request, "args", {})
        if method == "PUT" and not any(args.keys()):  # CreateBucket
            return None
        if method == "GET" and "location" in args:  # GetBucketLocation
            return None
    region = signed_region(request)
    if not region or not response.bucket_name:
        return None
    bucket = response.backend.buckets.get(response.bucket_name)
    if bucket is None or bucket.region_name == region:
        return None
    return _redirect(response.bucket_name, bucket.region_name, head=method == "HEAD")


def install() -> None:
    from moto.s3.responses import S3Response

    if getattr(S3Response, "_labrunner_regions", False):
        return
    bucket_response = S3Response._bucket_response
    key_response = S3Response._key_response

    def _bucket_response(self: Any, request: Any, full_url: str) -> Any:
        return wrong_region(self, request, True) or bucket_response(self, request, full_url)

    def _key_response(self: Any, request: Any, full_url: str) -> Any:
        return wrong_region(self, request, False) or key_response(self, request, full_url)

    S3Response._bucket_response = _bucket_response
    S3Response._key_response = _key_response
    S3Response._labrunner_regions = True
