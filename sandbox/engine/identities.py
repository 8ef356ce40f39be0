"""The sandbox account's two built-in identities, created straight in moto's backend.

`sandbox-admin` is the learner's "console login"; `labrunner` is the runner's own
identity (checks, setup, cleanup). Both get the AWS managed AdministratorAccess policy
and one access key. Creating them through the backend objects means moto never has to
accept an unauthenticated request (enforcement is on from the very first call).
"""

from __future__ import annotations

import json
import os
from typing import Any

from snapshots import atomic_write

ACCOUNT_ID = "123456789012"  # moto's default account: keys resolve to it without headers
PARTITION = "aws"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
USERS = {"learner": "sandbox-admin", "runner": "labrunner"}


def identities_path(state_dir: str) -> str:
    return os.path.join(state_dir, "identities.json")


def _iam() -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[ACCOUNT_ID][PARTITION]


def _valid(saved: dict[str, Any]) -> bool:
    """True when every saved key still exists in the (loaded) backend with the same secret."""
    iam = _iam()
    for role in USERS:
        ident = saved.get(role) or {}
        key = iam.access_keys.get(ident.get("accessKeyId", ""))
        if key is None or key.secret_access_key != ident.get("secretAccessKey"):
            return False
    return True


def ensure(state_dir: str, persist_iam: Any) -> dict[str, Any]:
    """Load identities.json, or create both users (first boot / lost state) and write it.

    The IAM snapshot is written before identities.json, so the file never names a key
    that a crash could lose.
    """
    path = identities_path(state_dir)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
        if _valid(saved):
            return saved
    iam = _iam()
    out: dict[str, Any] = {"accountId": ACCOUNT_ID}
    for role, name in USERS.items():
        if name in iam.users:
            # Lost identities.json but kept state: start this user's keys afresh.
            for key in list(iam.users[name].access_keys):
                iam.delete_access_key(key.access_key_id, name)
        else:
            iam.create_user(region_name="us-east-1", user_name=name)
        if ADMIN_POLICY not in iam.users[name].managed_policies:
            iam.attach_user_policy(ADMIN_POLICY, name)
        key = iam.create_access_key(name)
        out[role] = {
            "userName": name,
            "arn": iam.users[name].arn,
            "accessKeyId": key.access_key_id,
            "secretAccessKey": key.secret_access_key,
        }
    persist_iam()
    atomic_write(path, (json.dumps(out, indent=2) + "\n").encode(), 0o600)
    return out


def whois(access_key_id: str) -> dict[str, Any] | None:
    """Who owns an access key (never the secret). None when no account knows it."""
    from moto.iam.models import iam_backends

    for account_id, account in list(iam_backends.items()):
        for backend in list(account.values()):
            key = backend.access_keys.get(access_key_id)
            if key is None:
                continue
            user_id = None
            if key.user_name:
                user = backend.users.get(key.user_name)
                arn = user.arn if user else f"arn:aws:iam::{account_id}:user/{key.user_name}"
                name = key.user_name
                user_id = user.id if user else None
            else:
                arn, user_id, session = _assumed_role(account_id, access_key_id, key)
                name = None
            return {
                "accessKeyId": access_key_id,
                "status": key.status,
                "userName": name,
                "arn": arn,
                "accountId": account_id,
                # CloudTrail's userIdentity.principalId: the user's unique id (AIDA…), or for a
                # role session `AROA…:session-name` (CloudTrail userIdentity element reference).
                "userId": user_id,
                **({"session": session} if not key.user_name and session else {}),
            }
    return None


def _assumed_role(
    account_id: str, access_key_id: str, key: Any
) -> tuple[str | None, str | None, dict[str, Any] | None]:
    """The session's ARN, principal id (`AROA…:session`) and issuer (CloudTrail's sessionContext:
    the role's ARN, id and name, and when the session was issued)."""
    try:
        from moto.sts.models import sts_backends

        role = sts_backends[account_id]["global"].get_assumed_role_from_access_key(access_key_id)
        if role is not None:
            issued = getattr(role, "issued_at", None)
            expiration = getattr(role, "expiration", None)  # moto: naive UTC datetime
            session = {
                "issuerArn": role.role_arn,
                "issuerId": role.user_id.split(":", 1)[0],
                "issuerName": role.role_arn.split("/")[-1],
                **({"createdAt": issued} if issued else {}),
                # When the session's credentials stop working (the gateway refuses them after).
                **({"expiresAt": expiration.strftime("%Y-%m-%dT%H:%M:%SZ")} if expiration else {}),
            }
            return role.arn, role.user_id, session
    except Exception:  # noqa: BLE001 - best effort: fall back to the role the key was issued for
        pass
    return getattr(key, "role_arn", None), None, None
