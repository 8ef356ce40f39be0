"""AssumeRole on another account's role is judged by that role's trust policy, as AWS does.

moto 5.2.1 looks the role up in the *caller's* IAM backend (IAMRequestBase.backend is the
caller's account) to decide whether AssumeRole needs the trust check. A role of another account
is not there, so the check was skipped and any caller whose own policy allows sts:AssumeRole
got a session in any account: in a class that hosts the sandbox (issue 21) a learner could
assume every role of every other learner. AWS requires both sides: "the resource-based policy
in the trusting account must specify the principal of the trusted account" and the principal's
identity-based policy must allow the call (IAM User Guide, Cross-account policy evaluation
logic, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
Here the role is found in the account its ARN names, and its trust policy decides.
"""

from __future__ import annotations

import re
from typing import Any

ROLE_ACCOUNT = re.compile(r"^arn:[\w-]+:iam::(\d{12}):role/")


def _role_backend(request: Any, role_arn: str) -> Any:
    """The IAM backend of the account that owns `role_arn` (the caller's when it names none)."""
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    m = ROLE_ACCOUNT.match(role_arn or "")
    account = m.group(1) if m else request.account_id
    # Only accounts that exist: indexing a BackendDict would create one.
    if account not in list(iam_backends.keys()):
        return None
    return iam_backends[account][get_partition(request._region)]


def install() -> None:
    from moto.iam import access_control
    from moto.iam.exceptions import NotFoundException
    from moto.iam.utils import REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK

    base = access_control.IAMRequestBase

    def _is_assuming_role_operation(self: Any, resource_arn: str) -> bool:
        if ":role" not in resource_arn.lower():
            return False
        backend = _role_backend(self, resource_arn)
        if backend is None:
            # No such account: no such role. AWS still answers AccessDenied (it never says
            # whether a role exists to a caller it does not trust).
            return self._action in REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK
        try:
            backend.get_role_by_arn(resource_arn)
        except NotFoundException:
            return self._action in REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK and backend is not self.backend
        return self._action in REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK

    def _check_role_trust_relationship(self: Any, role_arn: str) -> bool:
        backend = _role_backend(self, role_arn)
        try:
            role = backend.get_role_by_arn(role_arn) if backend is not None else None
        except NotFoundException:
            role = None
        if role is None:
            return False
        policy = access_control.IAMPolicy(role.assume_role_policy_document)
        conditions = access_control.format_incoming_conditional_values(self._data)
        result = policy.is_action_permitted(self._action, role_arn, self._access_key.arn, conditions)
        return result == access_control.PermissionResult.PERMITTED

    base._is_assuming_role_operation = _is_assuming_role_operation
    base._check_role_trust_relationship = _check_role_trust_relationship
