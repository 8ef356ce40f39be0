"""AssumeRole's rules on the role itself, as AWS applies them (moto 5.2.1 lacks both).

1. A role that does not exist is refused.

moto 5.2.1 issues credentials for any role ARN ("Note that the role does not need to exist",
moto/sts/models.py), so iam-roles' `aws sts assume-role --role-arn …:role/lab-veiwer` (a typo)
printed a session. AWS answers 403 AccessDenied, worded as for a role the caller may not assume:
"Since an sts:AssumeRole on a non-existing role yields an AccessDenied" (getmoto/moto#6793);
"Misleading error message when role doesn't exist … AccessDenied: Not authorized to perform
sts:AssumeRole" (uswitch/kiam#33, whose thread quotes the current text); fakecloud's fix "AssumeRole
on a non-existent role is denied … returning AccessDenied, matching AWS" (faiscadev/fakecloud#1579).
The text names the caller and the role ARN, with no reason after it: "User:
arn:aws:iam::…:user/gudsen is not authorized to perform: sts:AssumeRole on resource:
aws:iam::…:role/gudsen_role (Service: AWSSecurityTokenService; Status Code: 403; Error Code:
AccessDenied …)" (amzn/selling-partner-api-models#891), "An error occurred (AccessDenied) when
calling the AssumeRole operation: User: arn:aws:sts::629146268066:assumed-role/… is not
authorized to perform: sts:AssumeRole on resource: arn:aws:iam::629146268066:role/EksAdminRole-
mycluster" (aws/karpenter-provider-aws#4680).

Only roles of the sandbox's own accounts are judged: a role ARN of an account the engine does not
hold is left to moto (it cannot tell whether such a role exists).

2. A session longer than the role allows is refused: `--duration-seconds 43200` on a role whose
maximum session duration is the default hour is 400 ValidationError "The requested
DurationSeconds exceeds the MaxSessionDuration set for this role." (STS API Reference,
AssumeRole, DurationSeconds: "If you specify a value higher than this setting or the
administrator setting (whichever is lower), the operation fails"; the text as STS sends it:
kreuzwerker/awsu#27, "status code: 400"; aws-azure-login/aws-azure-login#93). moto issued a
12-hour session.
"""

from __future__ import annotations

import re
from typing import Any

ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/")


def install() -> None:
    from moto.core.exceptions import AccessDeniedError
    from moto.iam.models import iam_backends
    from moto.sts.exceptions import STSValidationError
    from moto.sts.responses import TokenResponse

    if getattr(TokenResponse, "_labrunner_assume_role", False):
        return

    class RoleNotAssumable(AccessDeniedError):
        def __init__(self, caller_arn: str, role_arn: str) -> None:
            super().__init__(caller_arn, "sts:AssumeRole")
            # The whole sentence: the gateway adds a reason only to moto's bare form.
            self.message = (
                f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            )
            from xmltodict import unparse

            error = {"Code": "AccessDenied", "Message": self.message, "Type": "Sender"}
            self.description = unparse({"ErrorResponse": {"Errors": {"Error": error}}}, full_document=True)

    assume_role = TokenResponse.assume_role

    def _assume_role(self: Any) -> Any:
        role_arn = self._get_param("RoleArn") or ""
        m = ROLE_ARN.match(role_arn)
        if m and m.group(1) in iam_backends:
            backend = iam_backends[m.group(1)][self.partition]
            try:
                role = backend.get_role_by_arn(arn=role_arn)
            except Exception:  # noqa: BLE001 - moto's NotFound: no such role
                _, caller_arn, _ = self.backend.get_caller_identity(self.get_access_key(), self.region)
                raise RoleNotAssumable(caller_arn, role_arn) from None
            wanted = self._get_int_param("DurationSeconds", 3600)
            if wanted > int(getattr(role, "max_session_duration", None) or 3600):
                raise STSValidationError(
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                )
        return assume_role(self)

    TokenResponse.assume_role = _assume_role
    TokenResponse._labrunner_assume_role = True
