"""Identifiers, request ids and timestamps shaped like AWS's, patched into moto at start.

moto 5.2.1 gives IAM users, groups and instance profiles 20 lowercase characters
(`6ihska2n067sttrjqtjm`), managed policies `A` + 20, and answers with 52-character request
ids. AWS gives unique ids a four-letter prefix per kind and 17 more characters of
[A-Z2-7] (21 in all: `AIDAJ45Q7YFFAREXAMPLE`), request ids as UUIDs
(`16fc956c-311e-4199-bee1-1680236e9698`), and IAM dates in whole seconds
(`2013-03-07T05:14:48Z`).

Sources:
  * IAM identifiers, "Understanding unique ID prefixes" (AIDA user, AGPA group, AROA role,
    ANPA managed policy, AIPA instance profile, ASCA certificate, APKA public key):
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
  * aws-cli awscli/examples/iam/list-users.rst and sts/get-caller-identity.rst (UserId AIDA…,
    CreateDate whole seconds); aws-azure-login#251 (a UUID request id).
moto's own generator for role ids (AROA + account bits + random, 21 characters) is reused for
every kind, so ids stay unique and deterministic under /moto-api/seed as moto's are.
"""

from __future__ import annotations

import uuid
from typing import Any

# Kind → AWS's unique-id prefix (IAM identifiers doc, table of prefixes).
PREFIXES = {"User": "AIDA", "Group": "AGPA", "InstanceProfile": "AIPA", "Policy": "ANPA"}
ID_LENGTH = 21


def patch() -> None:
    import moto.core.responses as core_responses
    import moto.iam.models as iam_models
    from moto.core.utils import utcnow
    from moto.iam.utils import generate_access_key_id_from_account_id

    def aws_id(account_id: str, prefix: str) -> str:
        if not str(account_id).isdigit():  # AWS managed policies belong to account "aws"
            account_id = iam_models.DEFAULT_ACCOUNT_ID
        return generate_access_key_id_from_account_id(account_id, prefix, ID_LENGTH)

    for cls_name, prefix in PREFIXES.items():
        cls = getattr(iam_models, cls_name)
        original = cls.__init__

        def __init__(self: Any, *args: Any, _original: Any = original, _prefix: str = prefix, **kwargs: Any) -> None:
            _original(self, *args, **kwargs)
            account = getattr(self, "account_id", None) or iam_models.DEFAULT_ACCOUNT_ID
            self.id = aws_id(account, _prefix)

        cls.__init__ = __init__

    # IAM writes whole seconds (CreateDate, LastUsedDate, UploadDate…); moto keeps microseconds.
    iam_models.utcnow = lambda: utcnow().replace(microsecond=0)

    # x-amzn-RequestId and the body's <RequestId>: a UUID, as AWS sends.
    def request_id(headerdict: dict[str, Any] | None = None) -> str:
        rid = str(uuid.uuid4())
        if isinstance(headerdict, dict):
            headerdict["x-amzn-requestid"] = rid
        return rid

    core_responses.gen_amzn_requestid_long = request_id
