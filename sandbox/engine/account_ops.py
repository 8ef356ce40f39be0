"""The instructor's operations on a class's learner accounts (issue 21), for the class server.

Served on the engine's private `/_labrunner/accounts/<id>/…` endpoints (engine.Engine.private),
which only a holder of the per-start secret reaches; the gateway refuses `/_labrunner/*` from
clients, so no learner can call them.

* keys: a fresh key for each of the account's two identities (re-made if a reset removed them),
  every older key of theirs deleted. A learner who joins again gets this, so the server never
  needs to keep a secret: it asks for new keys instead of handing out old ones.
* verifier: a short-lived key of a third hidden identity (`labrunner-class`) with which the
  class server reads the account's evidence; deleted again by `drop_verifier`.
* wipe: the account removed from every moto backend that holds it (every service, every
  region), S3's global bucket-name registry included. Its keys go with IAM, so a revoked key
  then gets InvalidClientTokenId, as a deleted key does on AWS.
* inventory: what the account still holds, service by service — the proof after a wipe.
"""

from __future__ import annotations

from typing import Any

from identities import ADMIN_POLICY, PARTITION, USERS

VERIFIER = "labrunner-class"


def _iam(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id][PARTITION]


def _fresh_key(iam: Any, name: str) -> dict[str, str]:
    if name not in iam.users:
        iam.create_user(region_name="us-east-1", user_name=name)
    if ADMIN_POLICY not in iam.users[name].managed_policies:
        iam.attach_user_policy(ADMIN_POLICY, name)
    for old in list(iam.users[name].access_keys):
        iam.delete_access_key(old.access_key_id, name)
    key = iam.create_access_key(name)
    return {
        "userName": name,
        "arn": iam.users[name].arn,
        "accessKeyId": key.access_key_id,
        "secretAccessKey": key.secret_access_key,
    }


def issue_keys(account_id: str) -> dict[str, Any]:
    """New keys for the learner's admin and the runner; their earlier keys stop working."""
    iam = _iam(account_id)
    out: dict[str, Any] = {"accountId": account_id}
    for role, name in USERS.items():
        out[role] = _fresh_key(iam, name)
    return out


def verifier_key(account_id: str) -> dict[str, Any]:
    """A key for the class server's reads of this account (one at a time: older ones go)."""
    if not holds(account_id):
        return {}
    return _fresh_key(_iam(account_id), VERIFIER)


def drop_verifier(account_id: str) -> None:
    if not holds(account_id):
        return
    iam = _iam(account_id)
    if VERIFIER in iam.users:
        for old in list(iam.users[VERIFIER].access_keys):
            iam.delete_access_key(old.access_key_id, VERIFIER)


def _backend_dicts() -> list[Any]:
    from moto.core.base_backend import BackendDict

    seen: dict[int, Any] = {}
    for bd in list(BackendDict._instances):  # noqa: SLF001 - moto's registry of live services
        seen.setdefault(id(bd), bd)
    return list(seen.values())


def holds(account_id: str) -> bool:
    from moto.iam.models import iam_backends

    return account_id in dict.keys(iam_backends)


def wipe(account_id: str) -> list[str]:
    """Remove the account from every service; returns the services whose state changed."""
    from moto.s3.models import s3_backends

    changed = []
    for bd in _backend_dicts():
        if account_id in dict.keys(bd):
            dict.__delitem__(bd, account_id)
            changed.append(bd.service_name)
    # Bucket names are global (moto keeps name -> (partition, account)): free this account's.
    for name, (_partition, owner) in list(s3_backends.bucket_accounts.items()):
        if owner == account_id:
            s3_backends.bucket_accounts.pop(name, None)
    return sorted(set(changed))


def _names(mapping: Any) -> list[str]:
    return sorted(str(k) for k in mapping)


def _iam_inventory(backend: Any) -> dict[str, Any]:
    users = {n: u for n, u in backend.users.items()}
    return {
        "users": _names(users),
        "accessKeys": sorted(k.access_key_id for u in users.values() for k in u.access_keys),
        "roles": _names(backend.roles),
        "groups": _names(backend.groups),
        "policies": sorted(
            p.arn for p in backend.managed_policies.values() if p.arn.split(":")[4] != "aws"
        ),
        "instanceProfiles": _names(backend.instance_profiles),
    }


def _ec2_inventory(backend: Any) -> dict[str, Any]:
    instances = [
        i.id
        for reservation in backend.reservations.values()
        for i in reservation.instances
        if getattr(i, "_state", None) is None or i._state.name != "terminated"  # noqa: SLF001
    ]
    groups = [
        g.id for by_vpc in backend.groups.values() for g in by_vpc.values() if g.name != "default"
    ]
    return {
        "instances": sorted(instances),
        "keyPairs": _names(backend.keypairs),
        "securityGroups": sorted(groups),
        "volumes": _names(backend.volumes),
    }


def inventory(account_id: str) -> dict[str, Any]:
    """What the account still holds: per service and region, the things in it (IAM, S3, EC2
    itemised; any other service that holds state for the account is named with its regions)."""
    out: dict[str, Any] = {}
    for bd in _backend_dicts():
        if account_id not in dict.keys(bd):
            continue
        account = dict.__getitem__(bd, account_id)
        regions = list(dict.keys(account))
        if bd.service_name == "iam":
            items = {
                r: _iam_inventory(dict.__getitem__(account, r))
                for r in regions
                if any(_iam_inventory(dict.__getitem__(account, r)).values())
            }
        elif bd.service_name == "s3":
            items = {
                r: {"buckets": _names(dict.__getitem__(account, r).buckets)}
                for r in regions
                if dict.__getitem__(account, r).buckets
            }
        elif bd.service_name == "ec2":
            items = {
                r: inv
                for r in regions
                if any((inv := _ec2_inventory(dict.__getitem__(account, r))).values())
            }
        else:
            items = {r: {"state": ["present"]} for r in regions}
        if items:
            out[bd.service_name] = items
    return {"accountId": account_id, "holds": out}
