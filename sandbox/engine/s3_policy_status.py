"""GetBucketPolicyStatus as S3 answers it (moto 5.2.1 does not implement it).

`aws s3api get-bucket-policy-status` on a bucket without a policy is 404 NoSuchBucketPolicy "The
bucket policy does not exist" (a CloudTrail record of GetBucketPolicyStatus with errorCode
NoSuchBucketPolicy in turbot/steampipe-plugin-aws#1136; getmoto/moto#10214: "NoSuchBucketPolicy
when the bucket has no policy (matches AWS)"; S3 API Reference, Error responses:
NoSuchBucketPolicy 404). With a policy, `PolicyStatus.IsPublic` says whether the policy grants
access to everyone: S3 User Guide, "The meaning of public": a bucket policy is public unless it
grants access only to fixed values (an Allow to Principal "*" without a condition that fixes the
caller is public). moto fell through to the object listing, which the CLI printed as
`"PolicyStatus": {}` for every bucket.
"""

from __future__ import annotations

from typing import Any

from s3_public_read import _public_statements


def install() -> None:
    from moto.s3.exceptions import NoSuchBucketPolicy
    from moto.s3.responses import S3Response

    if getattr(S3Response, "_labrunner_policy_status", False):
        return
    bucket_get = S3Response._bucket_response_get

    def _bucket_response_get(self: Any, bucket_name: str, querystring: dict[str, Any]) -> Any:
        if "policyStatus" not in querystring:
            return bucket_get(self, bucket_name, querystring)
        # Authorised as a read of the bucket's policy (moto's action map has no PolicyStatus).
        self._set_action("BUCKET", "GET", {"policy": [""]})
        self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
        policy = self.backend.get_bucket_policy(bucket_name)
        if not policy:
            raise NoSuchBucketPolicy(bucket_name=bucket_name)
        public = any(
            st.get("Effect") == "Allow" and not st.get("Condition") for st in _public_statements(policy)
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<IsPublic>{'true' if public else 'false'}</IsPublic></PolicyStatus>"
        )
        return 200, {"Content-Type": "application/xml"}, body

    S3Response._bucket_response_get = _bucket_response_get
    S3Response._labrunner_policy_status = True
