"""Principals in a role's trust policy are checked as IAM checks them (moto 5.2.1 stores any
string, so `arn:aws:iam:::root` — an account ARN with the account left out — made a role that
could never be assumed).

IAM refuses a trust policy whose AWS principal is not a valid principal: 400
MalformedPolicyDocument `Invalid principal in policy: "AWS":"<the principal>"` (IAM User Guide,
"AWS JSON policy elements: Principal": "you must specify the account ID" / valid principal
forms; the exact text as IAM answers CreateRole in public captures, e.g. `Invalid principal in
policy: "AWS":"arn:aws:iam::123456789012:root"` for a placeholder account, and for a role that
does not exist). Valid here: `*`, a 12-digit account id, `arn:aws:iam::<12 digits>:root`, and
ARNs of users, roles, assumed roles and federated users with a 12-digit account; a user or role
of this account must exist (IAM resolves it to its unique id when the policy is saved). Service
and Federated principals are left to moto.
"""

from __future__ import annotations

import json
import re
from typing import Any

ACCOUNT_ID = re.compile(r"^\d{12}$")
ARN = re.compile(
    r"^arn:aws[\w-]*:(?:iam::(\d{12}):(root|user/.+|role/.+|group/.+|saml-provider/.+|oidc-provider/.+)"
    r"|sts::(\d{12}):(assumed-role/.+/.+|federated-user/.+))$"
)


def _aws_principals(document: str) -> list[str]:
    try:
        doc = json.loads(document)
    except (TypeError, ValueError):
        return []  # moto's own validator answers a document that is not JSON
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for st in statements:
        principal = st.get("Principal") if isinstance(st, dict) else None
        aws = principal.get("AWS") if isinstance(principal, dict) else None
        if aws is None:
            continue
        found.extend(str(p) for p in (aws if isinstance(aws, list) else [aws]))
    return found


def invalid_principal(backend: Any, document: str) -> str | None:
    """The first AWS principal IAM would refuse, or None."""
    for p in _aws_principals(document):
        if p == "*" or ACCOUNT_ID.match(p):
            continue
        m = ARN.match(p)
        if not m:
            return p
        account, resource = m.group(1), m.group(2)
        if resource and account == backend.account_id:
            kind, _, name = resource.partition("/")
            name = name.rsplit("/", 1)[-1]  # a path may come before the name
            if kind == "user" and name not in backend.users:
                return p
            if kind == "role" and not any(r.name == name for r in backend.roles.values()):
                return p
            if kind == "group":
                return p  # a group is never a principal (IAM User Guide, Principal element)
    return None


def install() -> None:
    from moto.iam.exceptions import MalformedPolicyDocument
    from moto.iam.models import IAMBackend

    if getattr(IAMBackend, "_labrunner_trust_principals", False):
        return
    create_role = IAMBackend.create_role
    update = IAMBackend.update_assume_role_policy

    def check(self: Any, document: str) -> None:
        # A trust policy that is not JSON at all: moto stored it and made a role no one could
        # assume; IAM refuses it (IAM API Reference CreateRole / UpdateAssumeRolePolicy, Errors:
        # MalformedPolicyDocument 400 "The request was rejected because the policy document was
        # malformed"). The sentence below is not from a source (no capture of IAM's text was
        # found); the fidelity row compares the code and status only.
        try:
            json.loads(document)
        except (TypeError, ValueError):
            raise MalformedPolicyDocument("This policy contains invalid Json")
        bad = invalid_principal(self, document)
        if bad is not None:
            raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{bad}"')

    def _create_role(self: Any, role_name: str, assume_role_policy_document: str, *a: Any, **kw: Any) -> Any:
        check(self, assume_role_policy_document)
        return create_role(self, role_name, assume_role_policy_document, *a, **kw)

    def _update(self: Any, role_name: str, policy_document: str) -> None:
        self.get_role(role_name)  # NoSuchEntity first, as before
        check(self, policy_document)
        update(self, role_name, policy_document)

    IAMBackend.create_role = _create_role
    IAMBackend.update_assume_role_policy = _update
    IAMBackend._labrunner_trust_principals = True
