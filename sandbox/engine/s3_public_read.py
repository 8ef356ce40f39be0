"""Anonymous S3 requests are judged by the bucket policy and Block Public Access, as S3 does.

An unsigned request reaches S3 as the anonymous principal. It is allowed when the bucket
policy allows the action to everyone (Principal `*` or `{"AWS": "*"}`) and Block Public Access
does not restrict the bucket: "RestrictPublicBuckets … restricts access to an access point or
bucket with a public policy to only AWS service principals and authorized users within the
bucket owner's account" (S3 User Guide, "Blocking public access to your Amazon S3 storage",
Block public access settings). Otherwise S3 answers 403 AccessDenied `Access Denied` (S3 API
Reference, Error responses). moto 5.2.1 crashes on a request without Authorization, and the
gateway used to refuse every unsigned S3 request, so with Block Public Access off and a
public-read policy an anonymous GET still got 403: the risk s3-basics warns about was invisible.
"""

from __future__ import annotations

import json
from typing import Any


def _public_statements(policy: bytes | str | None) -> list[dict[str, Any]]:
    if not policy:
        return []
    try:
        doc = json.loads(policy)
    except (TypeError, ValueError):
        return []
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    out = []
    for st in statements:
        principal = st.get("Principal") if isinstance(st, dict) else None
        aws = principal.get("AWS") if isinstance(principal, dict) else None
        if principal == "*" or aws == "*" or (isinstance(aws, list) and "*" in aws):
            out.append(st)
    return out


def anonymous_allowed(bucket: Any, action: str, resource: str) -> bool:
    """Whether the anonymous principal may do `action` on `resource` in `bucket`."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    block = bucket.public_access_block
    if block is not None and block.restrict_public_buckets:
        return False
    statements = _public_statements(bucket.policy)
    if not statements:
        return False
    doc = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return IAMPolicy(doc).is_action_permitted(action, resource) == PermissionResult.PERMITTED


def _bucket(name: str) -> Any:
    from moto.s3.models import s3_backends

    for partitions in list(dict.values(s3_backends)):
        for backend in list(dict.values(partitions)):
            found = getattr(backend, "buckets", {}).get(name)
            if found is not None:
                return found
    return None


def install() -> None:
    """Wrap moto's authenticator, after s3_auth.install() (idempotent)."""
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam.access_control import S3IAMRequest
    from moto.s3.exceptions import S3ClientError

    if getattr(ActionAuthenticatorMixin, "_labrunner_s3_public", False):
        return
    signed = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def authenticate_and_authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if iam_request_cls is not S3IAMRequest or self.headers.get("Authorization") or _presigned(self):
            return signed(self, iam_request_cls, resource)
        name = resource.split(":::", 1)[-1].split("/", 1)[0]
        bucket = _bucket(name) if name not in ("", "*") else None
        if bucket is None:
            # ListBuckets has no anonymous answer but a denial, and nobody creates a bucket
            # anonymously (the gateway already refuses unsigned writes: fixes/s3-anonymous.ts).
            if name in ("", "*") or self.method not in ("GET", "HEAD"):
                raise S3ClientError("AccessDenied", "Access Denied")
            return  # a read of a bucket that does not exist: moto answers NoSuchBucket, as S3 does
        action = self._get_action()
        action = f"s3:{action[0] if isinstance(action, list) else action}"
        if not anonymous_allowed(bucket, action, resource):
            raise S3ClientError("AccessDenied", "Access Denied")

    # moto judges a bucket policy for `s3:HeadObject`, an action IAM does not have: HeadObject
    # needs s3:GetObject (S3 API Reference, HeadObject, Permissions), so `aws s3 cp` (which
    # heads the object first) was refused what a public-read policy allows.
    from moto.s3.models import FakeBucket

    get_permission = FakeBucket.get_permission

    def _get_permission(self: Any, action: str, resource: str) -> Any:
        return get_permission(self, "s3:GetObject" if action == "s3:HeadObject" else action, resource)

    FakeBucket.get_permission = _get_permission

    # moto's own object pre-check answers a refused anonymous request 403 with an empty body;
    # S3 sends its <Error> document (S3 API Reference, Error responses).
    from moto.s3.responses import S3Response

    key_response = S3Response._key_response

    def _key_response(self: Any, request: Any, full_url: str) -> Any:
        out = key_response(self, request, full_url)
        if isinstance(out, tuple) and len(out) == 3 and out[0] == 403 and not out[2]:
            raise S3ClientError("AccessDenied", "Access Denied")
        return out

    S3Response._key_response = _key_response
    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize
    ActionAuthenticatorMixin._labrunner_s3_public = True


def _presigned(response: Any) -> bool:
    query = getattr(response, "querystring", None) or {}
    return any(k in query for k in ("X-Amz-Signature", "X-Amz-Credential", "Signature", "AWSAccessKeyId"))
