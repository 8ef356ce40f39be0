"""Account principals in role trust policies, as AWS evaluates them.

A trust policy may name an account ("arn:aws:iam::123456789012:root", or the bare account id):
AWS then lets any identity of that account assume the role when the identity's own policies
allow sts:AssumeRole on it. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
moto 5.2 compares the caller's ARN with the principal literally, so such a role could never be
assumed (the iam-roles lab's role is one). moto already requires the identity-based allow as
well, so matching the caller's account here gives exactly AWS's rule; nothing else changes.
"""

from __future__ import annotations

import re
from typing import Any

ACCOUNT_PRINCIPAL = re.compile(r"^(?:arn:aws:iam::)?(\d{12})(?::root)?$")
CALLER_ACCOUNT = re.compile(r"^arn:aws:(?:iam|sts)::(\d{12}):")


def install() -> None:
    from moto.iam import access_control

    statement = access_control.IAMPolicyStatement
    literal = statement._check_principal

    def _check_principal(self: Any, principal: str) -> bool:
        if literal(self, principal):
            return True
        caller = CALLER_ACCOUNT.match(principal or "")
        expected = self._statement.get("Principal")
        aws = expected.get("AWS") if isinstance(expected, dict) else None
        if not caller or aws is None:
            return False
        for p in aws if isinstance(aws, list) else [aws]:
            account = ACCOUNT_PRINCIPAL.match(str(p))
            if account and account.group(1) == caller.group(1):
                return True
        return False

    statement._check_principal = _check_principal
