"""IAM snapshots without the AWS managed policies nobody attached (issue 21, scale).

moto gives every account's IAM backend its own copy of the ~1,500 AWS managed policies, in a
list (aws_managed_policies) and in the managed_policies dict. snapshots.py already stores each
one as a short reference, but 3,000 references per account are still pickled (a Python callback
each) on every IAM write: with the 100 accounts of a class that hosts the sandbox, one snapshot
was 15 MB and 2-3 s of pickling under the engine's write lock, so every learner waited for every
other learner's writes. AWS managed policies are read-only, so an unattached one is fully
described by moto's bundled data: the snapshot keeps only the attached ones (the references
users, roles and groups hold) and the customer's own, and loading rebuilds the rest in moto's
order, sharing each object with the references already loaded.
"""

from __future__ import annotations

import copyreg
from typing import Any, Callable

# While snapshots.load() runs: (account_id, partition, index) -> the one policy object.
policy_for: Callable[[str, str, int], Any] | None = None


def reduce_backend(backend: Any) -> Any:
    """Pickle reducer for moto's IAMBackend (registered in snapshots._Pickler's dispatch table)."""
    from moto.iam.models import AWSManagedPolicy

    # The object first, its state after (the 6-tuple's state setter): the backend is part of a
    # cycle (its AccountSummary points back at it), which only this order can rebuild.
    state = dict(backend.__dict__)
    trimmed = bool(state.get("aws_managed_policies"))
    if trimmed:
        del state["aws_managed_policies"]
        state["managed_policies"] = {
            arn: p
            for arn, p in backend.managed_policies.items()
            if type(p) is not AWSManagedPolicy or p.attachment_count
        }
    return (copyreg.__newobj__, (type(backend),), (state, trimmed), None, None, _set_state)


def _set_state(obj: Any, packed: tuple[dict[str, Any], bool]) -> None:
    from snapshots import _templates

    state, trimmed = packed
    obj.__dict__.update(state)
    if trimmed:
        assert policy_for is not None, "IAM snapshots load through snapshots.load()"
        account, partition = state["account_id"], state.get("partition", "aws")
        aws = [policy_for(account, partition, i) for i in range(len(_templates()))]
        managed = {p.arn: p for p in aws}
        managed.update(state["managed_policies"])  # attached AWS ones are the same objects
        obj.aws_managed_policies = aws
        obj.managed_policies = managed
