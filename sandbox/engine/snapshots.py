"""Persistence of moto's in-memory state: one pickle snapshot per moto service.

moto keeps every resource in module-level BackendDicts (account -> region -> backend).
We pickle that mapping for a service after each acknowledged mutation and load it back
before serving, so state survives `lab sandbox stop`/`start` and `kill -9`.

Why snapshots and not journal-and-replay: replaying calls needs seeded ids and a replay
that fails identically; a snapshot restores the exact objects (keys and their secrets,
attachments, ids) and costs a few milliseconds for the services a lab touches.
"""

from __future__ import annotations

import copyreg
import io
import json
import os
import pickle
import tempfile
import threading
import time
from typing import Any

SNAPSHOT_SUFFIX = ".pickle"
_LOCK = type(threading.Lock())
_RLOCK = type(threading.RLock())


class SnapshotError(Exception):
    """A snapshot on disk that this moto cannot load."""


def _aws_managed_policy_class() -> Any:
    from moto.iam.models import AWSManagedPolicy

    return AWSManagedPolicy


class _Pickler(pickle.Pickler):
    """Pickles AWS managed policies by reference (arn + attachment count).

    moto loads ~1,500 AWS managed policies into every IAM backend (MOTO_IAM_LOAD_MANAGED_POLICIES);
    they are read-only in AWS, so storing them would make every IAM snapshot ~3 MB of constants.
    The only mutable field moto keeps on them is attachment_count, which we keep.
    """

    def __init__(self, file: io.BytesIO, managed_cls: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._managed_cls = managed_cls
        self._index: dict[str, int] | None = None
        # Some backends (SQS, …) hold locks; a lock's state means nothing after a restart,
        # so store a fresh one.
        self.dispatch_table = copyreg.dispatch_table.copy()
        self.dispatch_table[_LOCK] = lambda lock: (threading.Lock, ())
        self.dispatch_table[_RLOCK] = lambda lock: (threading.RLock, ())
        if managed_cls is not None:
            # Only attached AWS managed policies are stored (snapshot_iam.py).
            from moto.iam.models import IAMBackend

            import snapshot_iam

            self.dispatch_table[IAMBackend] = snapshot_iam.reduce_backend

    def persistent_id(self, obj: Any) -> Any:  # noqa: D401 - pickle hook
        if self._managed_cls is None or type(obj) is not self._managed_cls:
            return None
        if self._index is None:
            self._index = _policy_index()
        # An index into moto's bundled policy data, not the arn: ~1,500 arns per backend
        # would otherwise be most of the snapshot.
        i = self._index[_template_key(obj.arn)]
        return ("aws-managed-policy", obj.account_id, obj.partition, i, obj.attachment_count)


_TEMPLATES: dict[str, tuple[str, dict[str, Any]]] | None = None
_PARTITION_REGION = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
    "aws-eusc": "eusc-de-east-1",
}


def _template_key(arn: str) -> str:
    return arn.split(":", 5)[5]  # "policy/<path>/<name>", the same in every partition


def _templates() -> dict[str, tuple[str, dict[str, Any]]]:
    """moto's bundled AWS managed policy data, keyed like _template_key, in file order."""
    global _TEMPLATES
    if _TEMPLATES is None:
        from moto.iam.aws_managed_policies import aws_managed_policies_data

        _TEMPLATES = {}
        for name, data in json.loads(aws_managed_policies_data).items():
            _TEMPLATES[f"policy{data.get('Path') or '/'}{name}"] = (name, data)
    return _TEMPLATES


def _policy_index() -> dict[str, int]:
    """template key -> position in moto's bundled data. A live IAM backend lists its AWS
    managed policies in that same order, so read it from there (no 2 MB JSON parse)."""
    from moto.iam.models import iam_backends

    for account in list(iam_backends.values()):
        for backend in list(dict.values(account)):
            if backend.aws_managed_policies:
                return {
                    _template_key(p.arn): i for i, p in enumerate(backend.aws_managed_policies)
                }
    return {key: i for i, key in enumerate(_templates())}


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file)
        self._policies: dict[tuple[str, str, int], Any] = {}
        self._list: list[tuple[str, dict[str, Any]]] | None = None

    def persistent_load(self, pid: Any) -> Any:
        kind, account_id, partition, index, count = pid
        if kind != "aws-managed-policy":
            raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
        policy = self.policy(account_id, partition, index)
        policy.attachment_count = count
        return policy

    def policy(self, account_id: str, partition: str, index: int) -> Any:
        # Every reference to one policy must come back as one object (the backend's
        # dict, its list and each user/role/group that attached it share it).
        key = (account_id, partition, index)
        policy = self._policies.get(key)
        if policy is None:
            if self._list is None:
                self._list = list(_templates().values())
            name, data = self._list[index]
            region = _PARTITION_REGION.get(partition, "us-east-1")
            policy = _aws_managed_policy_class().from_data(name, account_id, region, data)
            self._policies[key] = policy
        return policy


def _pristine_iam(backend: Any) -> bool:
    """An IAM backend nobody wrote to. moto creates one per partition on every signed
    request (get_account_id_from walks all partitions); those are recreated on demand,
    so storing them would only multiply the snapshot by six."""
    return not (
        backend.users
        or backend.roles
        or backend.groups
        or backend.access_keys
        or backend.instance_profiles
        or backend.inline_policies
        or backend.account_aliases
        or backend.saml_providers
        or backend.open_id_providers
        or backend.virtual_mfa_devices
        or backend.account_password_policy
        or any(not p.arn.split(":")[4] == "aws" for p in backend.managed_policies.values())
    )


def _backend_dict(service: str) -> Any:
    from moto.backends import get_backend

    return get_backend(service)  # type: ignore[arg-type]


def snapshot_path(state_dir: str, service: str) -> str:
    return os.path.join(state_dir, "snapshots", service + SNAPSHOT_SUFFIX)


def atomic_write(path: str, data: bytes, mode: int = 0o600) -> None:
    """temp file + fsync + rename + fsync(dir): a reader sees the old or the new file, never half."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def save(state_dir: str, service: str) -> dict[str, float]:
    """Snapshot one service's BackendDict. Returns timings for the log (no secrets)."""
    started = time.perf_counter()
    backends = _backend_dict(service)
    buf = io.BytesIO()
    accounts = dict(backends)
    managed = None
    if service == "iam":
        managed = _aws_managed_policy_class()
        accounts = {
            account_id: _without_pristine(account_backend)
            for account_id, account_backend in accounts.items()
        }
    _Pickler(buf, managed).dump(accounts)
    pickled = time.perf_counter()
    atomic_write(snapshot_path(state_dir, service), buf.getvalue())
    done = time.perf_counter()
    return {
        "bytes": float(buf.tell()),
        "pickle_ms": (pickled - started) * 1000,
        "write_ms": (done - pickled) * 1000,
    }


def _without_pristine(account_backend: Any) -> Any:
    """A shallow copy of an AccountSpecificBackend without its untouched partitions."""
    import copy

    trimmed = copy.copy(account_backend)
    for partition in [p for p, b in account_backend.items() if p != "aws" and _pristine_iam(b)]:
        dict.__delitem__(trimmed, partition)
    return trimmed


def saved_services(state_dir: str) -> list[str]:
    """Services with a snapshot on disk, iam first (the identities live there)."""
    directory = os.path.join(state_dir, "snapshots")
    if not os.path.isdir(directory):
        return []
    for name in os.listdir(directory):
        if name.startswith(".tmp-"):  # a write cut short by kill -9: the old snapshot stands
            os.unlink(os.path.join(directory, name))
    names = [n[: -len(SNAPSHOT_SUFFIX)] for n in os.listdir(directory) if n.endswith(SNAPSHOT_SUFFIX)]
    return sorted(names, key=lambda s: (s != "iam", s))


def load(state_dir: str, service: str) -> None:
    """Load one snapshot into moto's live BackendDict (before any request uses that service)."""
    from moto.core import base_backend
    from moto.core.base_backend import BackendDict

    import snapshot_iam

    path = snapshot_path(state_dir, service)
    try:
        with open(path, "rb") as f:
            unpickler = _Unpickler(io.BytesIO(f.read()))
            snapshot_iam.policy_for = unpickler.policy
            try:
                accounts = unpickler.load()
            finally:
                snapshot_iam.policy_for = None
    except Exception as e:  # noqa: BLE001 - turned into one actionable message
        raise SnapshotError(
            f"cannot load the saved {service} state ({path}): {e!r}. Snapshots hold moto's own "
            "objects, so a different moto version may not read them. `lab sandbox reset --yes` "
            "starts afresh (it deletes everything in the sandbox)."
        ) from e
    live = _backend_dict(service)
    # Keep the module-level object (moto modules hold references to it); swap its contents,
    # under moto's own backend_lock. moto creates an account's backend on first use by
    # check-then-set under that lock (BackendDict._create_account_specific_backend), and a
    # request does so before it waits for this load: the first EC2 request builds its Flask
    # app from `ec2_backends[DEFAULT_ACCOUNT_ID]` (werkzeug_app.create_backend_app), which is
    # the sandbox's account. A swap landing between moto's check and its set was overwritten
    # by an empty backend: every instance, group and key pair gone after a restart, and gone
    # for good at the next snapshot (test/sandbox/snapshot-load-race.test.ts). Under the lock,
    # moto either sees the loaded backend or its empty one is replaced by it.
    with base_backend.backend_lock:
        for account_id, account_backend in accounts.items():
            dict.__setitem__(live, account_id, account_backend)
        if accounts and live not in BackendDict._instances:
            BackendDict._instances.append(live)
