"""S3 Block Public Access as AWS applies it to new buckets (moto 5.2.1 has the setting but
neither turns it on nor enforces it).

* Since April 2023 every new bucket has all four Block Public Access settings on (S3 User
  Guide, "Blocking public access to your Amazon S3 storage": "New buckets ... have S3 Block
  Public Access enabled by default"); `get-public-access-block` shows them, where moto answered
  NoSuchPublicAccessBlockConfiguration.
* With BlockPublicPolicy on, S3 refuses a bucket policy that grants public access: 403
  AccessDenied `User: <arn> is not authorized to perform: s3:PutBucketPolicy on resource:
  "arn:aws:s3:::<bucket>" because public policies are blocked by the BlockPublicPolicy block
  public access setting.` (wording as in public captures, e.g. Terraform and CLI logs).

"Public" here is the common case S3 documents first ("The meaning of public"): an Allow
statement whose Principal is `*` (or `{"AWS": "*"}`) and that has no Condition. A condition
that pins the policy to fixed values (source IP, VPC, account) makes AWS judge it non-public;
this sandbox treats any Condition so, which errs towards accepting the policy.
"""

from __future__ import annotations

import json
import re
from typing import Any

_KEY_RE = re.compile(r"Credential=([A-Z0-9]+)/")


def _is_public(policy: bytes | str) -> bool:
    try:
        doc = json.loads(policy)
    except (ValueError, TypeError):
        return False
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for st in statements:
        if not isinstance(st, dict) or st.get("Effect") != "Allow" or st.get("Condition"):
            continue
        principal = st.get("Principal")
        if principal == "*":
            return True
        if isinstance(principal, dict):
            aws = principal.get("AWS")
            if aws == "*" or (isinstance(aws, list) and "*" in aws):
                return True
    return False


def _caller_arn() -> str:
    """The ARN of the request's signer (the denial names it)."""
    try:
        from flask import has_request_context, request

        import identities

        if has_request_context():
            m = _KEY_RE.search(request.headers.get("Authorization", ""))
            found = identities.whois(m.group(1)) if m else None
            if found:
                return str(found.get("arn"))
    except Exception:  # noqa: BLE001 - the wording degrades, the denial does not
        pass
    return "unknown"


def install() -> None:
    from moto.s3.exceptions import S3ClientError
    from moto.s3.models import PublicAccessBlock, S3Backend

    if getattr(S3Backend, "_labrunner_bpa", False):
        return
    create_bucket = S3Backend.create_bucket
    put_bucket_policy = S3Backend.put_bucket_policy

    def create_with_block(self: Any, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
        bucket = create_bucket(self, bucket_name, *args, **kwargs)
        if bucket.public_access_block is None:
            bucket.public_access_block = PublicAccessBlock("true", "true", "true", "true")
        return bucket

    def put_policy_unless_blocked(self: Any, bucket_name: str, policy: bytes) -> None:
        bucket = self.get_bucket(bucket_name)
        block = bucket.public_access_block
        if block is not None and block.block_public_policy and _is_public(policy):
            raise S3ClientError(
                "AccessDenied",
                f"User: {_caller_arn()} is not authorized to perform: s3:PutBucketPolicy on resource: "
                f'"arn:aws:s3:::{bucket_name}" because public policies are blocked by the '
                "BlockPublicPolicy block public access setting.",
            )
        put_bucket_policy(self, bucket_name, policy)

    S3Backend.create_bucket = create_with_block
    S3Backend.put_bucket_policy = put_policy_unless_blocked
    S3Backend._labrunner_bpa = True
