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

_ARNS: dict[str, frozenset[str]] = {}


def _aws_arns(aws: list[Any]) -> frozenset[str]:
    """The AWS managed policy ARNs of a partition (the same in every account)."""
    partition = aws[0].arn.split(":", 2)[1]
    if partition not in _ARNS:
        _ARNS[partition] = frozenset(p.arn for p in aws)
    return _ARNS[partition]


# While snapshots.load() runs: (account_id, partition, index) -> the one policy object.
policy_for: Callable[[str, str, int], Any] | None = None


def reduce_backend(backend: Any) -> Any:
    """Pickle reducer for moto's IAMBackend (registered in snapshots._Pickler's dispatch table)."""

    # The object first, its state after (the 6-tuple's state setter): the backend is part of a
    # cycle (its AccountSummary points back at it), which only this order can rebuild.
    state = dict(backend.__dict__)
    aws = state.get("aws_managed_policies")
    trimmed = bool(aws)
    if trimmed:
        del state["aws_managed_policies"]
        managed = backend.managed_policies
        # Set arithmetic and the few attachment points (users, groups, roles: moto's only
        # ones), not a Python loop over ~1,500 policies per account: that loop alone was most
        # of a 100-account snapshot's time.
        customer = managed.keys() - _aws_arns(aws)
        tail = list(managed)[len(managed) - len(customer) :] if customer else []
        if set(tail) != customer:  # the customer's own normally follow AWS's, in creation order
            tail = [arn for arn in managed if arn in customer]
        kept = {arn: managed[arn] for arn in tail}
        for holder in (*backend.users.values(), *backend.groups.values(), *backend.roles.values()):
            for arn, policy in holder.managed_policies.items():
                kept.setdefault(arn, policy)
        state["managed_policies"] = kept

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
