"""How moto authenticates and authorises a request, made to work the way S3 clients sign.

Three gaps between moto 5.2.1 and AWS, each closed by wrapping one moto function:

1. The signed query string. moto rebuilds the request URL from werkzeug's `request.url`,
   an IRI: werkzeug 3 `uri_to_iri` decodes every `%XX` in the query except `& = + #`, so
   `prefix=a%2Fb` reaches the signature check as `prefix=a/b`. The client signed the encoded
   form (SigV4: "URI-encode each parameter name and value", Signature Version 4 docs, "Create
   a canonical request"), so every `aws s3 ls s3://b/dir/` and `s3api list-objects-v2 --prefix
   a/b` failed with SignatureDoesNotMatch. The raw QUERY_STRING is used instead.

2. Presigned URLs. moto reads the key id only from the Authorization header, so a presigned
   URL (SigV4 `X-Amz-Credential`/`X-Amz-Signature`, or the SigV2 `AWSAccessKeyId`/`Signature`/
   `Expires` the v1 CLI's `aws s3 presign` still produces) crashed it. Here the query signature
   is verified with the key's secret (S3 API Reference, "Authenticating Requests: Using Query
   Parameters" for SigV4, "Query string request authentication alternative" for SigV2), then
   moto authorises the key's owner as for any signed request.

3. Same-account S3 denials. moto says "Access Denied"; S3 now names the caller, the action,
   the resource and the reason for a request from the same account: `User: <arn> is not
   authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::bucket" because no
   identity-based policy allows the s3:ListBucket action` (S3 User Guide, "Troubleshoot access
   denied (403 Forbidden) errors"; ListAllMyBuckets names no resource).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote, unquote, urlparse

# Query parameters that are signed into a SigV2 string-to-sign (S3 sub-resources).
_V2_SUBRESOURCES = {
    "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber",
    "policy", "requestPayment", "tagging", "torrent", "uploadId", "uploads", "versionId",
    "versioning", "versions", "website", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "response-content-language", "response-content-type",
    "response-expires",
}


def _raw_query(environ: dict[str, Any]) -> str:
    return environ.get("QUERY_STRING", "")


def _pairs(query: str) -> list[tuple[str, str]]:
    out = []
    for part in query.split("&"):
        if part:
            k, _, v = part.partition("=")
            out.append((unquote(k.replace("+", "%20")), unquote(v.replace("+", "%20"))))
    return out


def _aws_quote(s: str) -> str:
    return quote(s, safe="-_.~")


class Presigned:
    """The signature a presigned URL carries, and how to check it."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.params = dict(_pairs(_raw_query(environ)))
        self.v4 = "X-Amz-Signature" in self.params and "X-Amz-Credential" in self.params
        self.v2 = not self.v4 and {"AWSAccessKeyId", "Signature", "Expires"} <= self.params.keys()

    @property
    def present(self) -> bool:
        return self.v4 or self.v2

    def authorization(self) -> str:
        """A header moto can read the key id and credential scope from."""
        if self.v4:
            return f"AWS4-HMAC-SHA256 Credential={self.params['X-Amz-Credential']}, SignedHeaders=host, Signature=presigned"
        key = self.params["AWSAccessKeyId"]
        day = time.strftime("%Y%m%d", time.gmtime())
        return f"AWS4-HMAC-SHA256 Credential={key}/{day}/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=presigned"

    def key_id(self) -> str:
        if self.v4:
            return self.params["X-Amz-Credential"].split("/", 1)[0]
        return self.params["AWSAccessKeyId"]

    def expired(self, now: float) -> bool:
        # SigV4 expiry (X-Amz-Date + X-Amz-Expires) is judged by the gateway before it forwards.
        return self.v2 and now > float(self.params.get("Expires") or 0)

    def valid(self, secret: str) -> bool:
        if self.v4:
            return hmac.compare_digest(self._v4_signature(secret), self.params["X-Amz-Signature"])
        return hmac.compare_digest(self._v2_signature(secret), self.params["Signature"])

    def _raw_path(self) -> str:
        raw = self.environ.get("RAW_URI") or self.environ.get("PATH_INFO", "/")
        path = urlparse(raw).path if "://" in raw[:8] else raw.split("?", 1)[0]
        return path or "/"

    def _v4_signature(self, secret: str) -> str:
        p = self.params
        query = "&".join(
            f"{_aws_quote(k)}={_aws_quote(v)}"
            for k, v in sorted(_pairs(_raw_query(self.environ)))
            if k != "X-Amz-Signature"
        )
        signed = p.get("X-Amz-SignedHeaders", "host").split(";")
        headers = "".join(f"{h}:{self._header(h)}\n" for h in signed)
        payload = self._header("x-amz-content-sha256") or "UNSIGNED-PAYLOAD"
        canonical = "\n".join(
            [self.environ["REQUEST_METHOD"], self._raw_path(), query, headers, ";".join(signed), payload]
        )
        _key, day, region, service, _ = p["X-Amz-Credential"].split("/")
        scope = f"{day}/{region}/{service}/aws4_request"
        to_sign = "\n".join(
            ["AWS4-HMAC-SHA256", p["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()]
        )
        k = f"AWS4{secret}".encode()
        for part in (day, region, service, "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        return hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()

    def _v2_signature(self, secret: str) -> str:
        sub = sorted((k, v) for k, v in _pairs(_raw_query(self.environ)) if k in _V2_SUBRESOURCES)
        resource = self._raw_path()
        if sub:
            resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in sub)
        to_sign = "\n".join(
            [
                self.environ["REQUEST_METHOD"],
                self._header("content-md5"),
                self._header("content-type"),
                self.params["Expires"],
                resource,
            ]
        )
        digest = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def _header(self, name: str) -> str:
        if name == "host":
            return self.environ.get("HTTP_HOST", "")
        key = name.upper().replace("-", "_")
        value = self.environ.get(key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}", "")
        return " ".join(value.split())


def install() -> None:
    """Wrap moto's authenticator (idempotent)."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam import access_control

    def get_account_id_from(key_id: str) -> str:
        # Looked up at call time: engine._fast_account_lookup replaces moto's.
        from moto.iam import models

        return models.get_account_id_from(key_id)

    if getattr(ActionAuthenticatorMixin, "_labrunner_s3_auth", False):
        return

    def authenticate_and_authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
            ActionAuthenticatorMixin.request_count += 1
            return
        if self.headers.get("X-Amz-Target") in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
            return
        from flask import has_request_context, request

        environ = request.environ if has_request_context() else {}
        path = urlparse(self.uri).path
        # (1) the query string exactly as the client sent (and signed) it
        query = _raw_query(environ) if environ else urlparse(self.uri).query
        if query:
            path += "?" + query
        headers = self.headers
        presigned = Presigned(environ) if environ and "Authorization" not in headers else None
        if presigned is not None and presigned.present:
            headers = dict(headers)
            headers["Authorization"] = presigned.authorization()
            # moto took the account from the Authorization header, which a presigned request
            # has not: the URL acts as its signer, in the signer's account (one engine holds a
            # hosted class's accounts, issue 21), as "the credentials used by the presigned URL
            # are those of the IAM principal who generated the URL" (S3 User Guide, presigned URLs).
            self.current_account = get_account_id_from(presigned.key_id())
        else:
            presigned = None
        iam_request = iam_request_cls(
            account_id=self.current_account,
            method=self.method,
            path=path,
            data=self.data,
            body=self.raw_body,
            headers=headers,
            action=self._get_action(),
        )
        if presigned is None:
            iam_request.check_signature()
        else:
            # (2) the query signature, with the key's own secret
            if not presigned.valid(iam_request._access_key.create_credentials().secret_key):
                iam_request._raise_signature_does_not_match()
            if presigned.expired(time.time()):
                from moto.s3.exceptions import S3ClientError

                raise S3ClientError("AccessDenied", "Request has expired")
        iam_request.check_action_permitted(resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize
    _install_s3_denial(access_control)
    ActionAuthenticatorMixin._labrunner_s3_auth = True


def _install_s3_denial(access_control: Any) -> None:
    """(3) S3's same-account denial wording: who, what, on which resource, and why."""
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.exceptions import S3ClientError

    class S3Denied(S3ClientError):
        def __init__(self, message: str) -> None:
            super().__init__("AccessDenied", message)

    def check_action_permitted(self: Any, resource: str) -> None:
        explicit = False
        permitted = False
        for policy in self._access_key.collect_policies():
            result = IAMPolicy(policy).is_action_permitted(self._action, resource)
            if result == PermissionResult.DENIED:
                explicit = True
                break
            if result == PermissionResult.PERMITTED:
                permitted = True
        if permitted and not explicit:
            return
        on = "" if resource in ("*", "arn:aws:s3:::*") else f' on resource: "{resource}"'
        reason = (
            "with an explicit deny in an identity-based policy"
            if explicit
            else f"because no identity-based policy allows the {self._action} action"
        )
        raise S3Denied(f"User: {self._access_key.arn} is not authorized to perform: {self._action}{on} {reason}")

    access_control.S3IAMRequest.check_action_permitted = check_action_permitted
