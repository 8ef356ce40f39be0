"""A role session belongs to the role it was issued for, not to whatever role has that name now.

AWS gives every role a unique id (AROA…) and a role deleted and created again under the same
name gets a new one: "If you delete a role and then create a new role with the same name, the new
role has a different unique ID" (IAM User Guide, reference_identifiers, "Unique identifiers").
A session's identity carries the id of the role it was issued for (AssumedRoleUser.AssumedRoleId
and GetCallerIdentity's UserId are `role-id:session-name`, STS API Reference; CloudTrail's
principalId `AROA…:session`), and "permissions assigned to temporary security credentials are
evaluated each time they are used" (IAM User Guide, id_credentials_temp_control-access_disable-
perms): a session of a deleted role has no role, hence no permissions, and is refused.

moto 5.2.1 looks the session's role up by *name* on every use: a session cached by the CLI from
a deleted and recreated lab-viewer answered get-caller-identity with the new role's RoleId and
acted with the new role's policies; with the role just deleted, its calls got NoSuchEntity
("The role with name lab-viewer cannot be found"). Here the session keeps the id of its role at
issue, answers with it, and acts with that role's policies only while that very role exists
(otherwise none: AccessDenied, worded by the gateway as AWS words an implicit deny).
GetCallerIdentity needs no permission and still answers (STS API Reference, GetCallerIdentity).
"""

from __future__ import annotations

import time
from typing import Any


def _role(account_id: str, partition: str, role_arn: str) -> Any:
    from moto.iam.models import iam_backends

    try:
        return iam_backends[account_id][partition].get_role_by_arn(arn=role_arn)
    except Exception:  # noqa: BLE001 - no such role (moto lets AssumeRole name any ARN)
        return None


def install() -> None:
    from moto.iam.access_control import AssumedRoleAccessKey
    from moto.sts.models import AssumedRole, sts_backends

    original_init = AssumedRole.__init__
    original_user_id = AssumedRole.user_id

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        role = _role(self.account_id, self.partition, self.role_arn)
        self.issuing_role_id = role.id if role is not None else None
        # CloudTrail's sessionContext.attributes.creationDate, in whole seconds.
        self.issued_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def user_id(self: Any) -> str:
        issued = getattr(self, "issuing_role_id", None)
        return f"{issued}:{self.session_name}" if issued else original_user_id.fget(self)

    AssumedRole.__init__ = __init__
    AssumedRole.user_id = property(user_id)

    collect_policies = AssumedRoleAccessKey.collect_policies

    def _collect_policies(self: Any) -> list[Any]:
        session = next(
            (
                s
                for s in sts_backends[self.account_id][self.partition].assumed_roles
                if s.access_key_id == self._access_key_id
            ),
            None,
        )
        issued = getattr(session, "issuing_role_id", None)
        role = _role(self.account_id, self.partition, session.role_arn) if session else None
        if role is None or (issued is not None and role.id != issued):
            return []  # the session's role is gone (perhaps replaced): no permissions
        return collect_policies(self)

    AssumedRoleAccessKey.collect_policies = _collect_policies
