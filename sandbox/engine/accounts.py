"""Learner accounts for a class that hosts the sandbox (issue 21).

One engine holds many accounts: moto keeps every backend per account id, and attributes a
signed call to the account whose IAM holds the signing key (moto.iam.models.get_account_id_from,
kept by engine._fast_account_lookup). So a new account is only its two identities, created in
that account's IAM backend exactly as identities.ensure creates the sandbox's own: the learner's
admin (`sandbox-admin`) and the runner's (`labrunner`), each with AdministratorAccess and a key.
The gateway never lets a client choose the account (it strips `x-moto-*` headers).
"""

from __future__ import annotations

import secrets
from typing import Any

from identities import ADMIN_POLICY, PARTITION, USERS


def new_account_id(taken: set[str], shard: int = 0, of: int = 1) -> str:
    """A random 12-digit account id no account in this engine has (AWS ids never start with 0
    in practice; a leading zero would also be lost by any tool that reads it as a number).
    A class over several engines: engine `shard` of `of` holds the ids equal to `shard` modulo
    `of`, so the gateway routes by the account alone (sandbox/gateway/shards.ts)."""
    while True:
        candidate = secrets.randbelow(9 * 10**11) + 10**11
        candidate += (shard - candidate) % of
        if candidate < 10**12 and str(candidate) not in taken:
            return str(candidate)


def create(persist_iam: Any, shard: int = 0, of: int = 1) -> dict[str, Any]:
    """Make a fresh account with both identities; returns their keys (the caller hands them on
    once and never logs them). The IAM snapshot is written before the answer leaves."""
    from moto.iam.models import iam_backends

    account_id = new_account_id(set(iam_backends.keys()), shard, of)
    iam = iam_backends[account_id][PARTITION]
    out: dict[str, Any] = {"accountId": account_id}
    for role, name in USERS.items():
        iam.create_user(region_name="us-east-1", user_name=name)
        iam.attach_user_policy(ADMIN_POLICY, name)
        key = iam.create_access_key(name)
        out[role] = {
            "userName": name,
            "arn": iam.users[name].arn,
            "accessKeyId": key.access_key_id,
            "secretAccessKey": key.secret_access_key,
        }
    persist_iam()
    return out
