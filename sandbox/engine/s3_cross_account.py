"""A bucket of another account is reached only through its bucket policy, as in S3.

moto 5.2.1 authorises an S3 request by the caller's identity-based policies alone, so a
learner whose AdministratorAccess allows s3:* could list, read, overwrite and delete every
other learner's buckets in a class that hosts the sandbox (issue 21). AWS needs both: "To allow
cross-account access, you attach a resource-based policy to the resource that you want to
share. You must also attach an identity-based policy to the identity that acts as the
principal in the request." (IAM User Guide, Cross-account policy evaluation logic,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
So, after the identity check, a request on a bucket owned by another account must also be
allowed by a statement of that bucket's policy naming the caller (its ARN, its account, or
everyone when Block Public Access does not restrict the bucket). The denial says only
`Access Denied`: S3 words the detailed reason for requests from the bucket owner's own account.
"""

from __future__ import annotations

import json
import re
from typing import Any

ACCOUNT_PRINCIPAL = re.compile(r"^(?:arn:aws:iam::)?(\d{12})(?::root)?$")
CALLER_ACCOUNT = re.compile(r"^arn:aws:(?:iam|sts)::(\d{12}):")


def _names_caller(statement: dict[str, Any], caller_arn: str, public_ok: bool) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return public_ok
    aws = principal.get("AWS") if isinstance(principal, dict) else None
    m = CALLER_ACCOUNT.match(caller_arn)
    for p in aws if isinstance(aws, list) else [aws] if aws is not None else []:
        p = str(p)
        if p == "*":
            if public_ok:
                return True
            continue
        if p == caller_arn:
            return True
        account = ACCOUNT_PRINCIPAL.match(p)
        if account and m and account.group(1) == m.group(1):
            return True
    return False


def policy_allows(bucket: Any, caller_arn: str, action: str, resource: str) -> bool:
    """Whether `bucket`'s policy allows `caller_arn` `action` on `resource` (no explicit deny)."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if not bucket.policy:
        return False
    try:
        doc = json.loads(bucket.policy)
    except (TypeError, ValueError):
        return False
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    block = bucket.public_access_block
    public_ok = not (block is not None and block.restrict_public_buckets)
    mine = [s for s in statements if isinstance(s, dict) and _names_caller(s, caller_arn, public_ok)]
    if not mine:
        return False
    result = IAMPolicy(json.dumps({"Version": "2012-10-17", "Statement": mine})).is_action_permitted(
        action, resource
    )
    return result == PermissionResult.PERMITTED


def install() -> None:
    """Wrap S3's check, after s3_auth.install() has set its same-account wording (idempotent)."""
    from moto.iam import access_control
    from moto.s3.exceptions import S3ClientError

    from s3_public_read import _bucket

    cls = access_control.S3IAMRequest
    if getattr(cls, "_labrunner_cross_account", False):
        return
    identity_check = cls.check_action_permitted

    def check_action_permitted(self: Any, resource: str) -> None:
        identity_check(self, resource)
        name = resource.split(":::", 1)[-1].split("/", 1)[0] if ":::" in resource else ""
        if name in ("", "*") or self._action == "s3:CreateBucket":
            # ListBuckets is the caller's own; CreateBucket on a taken name is S3's
            # BucketAlreadyExists, answered by moto after this check.
            return
        bucket = _bucket(name)
        if bucket is None or bucket.account_id == self.account_id:
            return  # a bucket that does not exist (moto answers NoSuchBucket), or the caller's
        if not policy_allows(bucket, self._access_key.arn, self._action, resource):
            raise S3ClientError("AccessDenied", "Access Denied")

    cls.check_action_permitted = check_action_permitted
    cls._labrunner_cross_account = True
