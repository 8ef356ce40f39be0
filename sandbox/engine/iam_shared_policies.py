"""One copy of the AWS managed policies' text for all accounts (issue 21, memory per account).

moto builds every account's ~1,500 AWS managed policies from its bundled data, parsing the
2 MB JSON again and serialising each policy document anew for each account
(moto/iam/models.py IAMBackend._init_aws_policies, AWSManagedPolicy.from_data). The documents
and dates are read-only (AWS managed policies cannot be changed), so the parse is done once and
each policy's document string and dates are shared by every account's copy. Only the per-account
objects remain (they carry the account and its attachment count). Same objects, same answers.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


def install() -> None:
    from moto.iam import models
    from moto.settings import load_iam_aws_managed_policies

    if getattr(models.IAMBackend, "_labrunner_shared_policies", False):
        return
    parsed: dict[str, Any] = {}
    shared: dict[str, tuple[str, datetime, datetime]] = {}

    def from_data(cls: Any, name: str, account_id: str, region_name: str, data: dict[str, Any]) -> Any:
        key = f"{data.get('Path')}{name}"
        hit = shared.get(key)
        if hit is None:
            hit = shared[key] = (
                json.dumps(data.get("Document")),
                datetime.fromisoformat(data["CreateDate"]),
                datetime.fromisoformat(data["UpdateDate"]),
            )
        return cls(
            name,
            account_id=account_id,
            region=region_name,
            default_version_id=data.get("DefaultVersionId"),
            path=data.get("Path"),
            document=hit[0],
            create_date=hit[1],
            update_date=hit[2],
        )

    def _init_aws_policies(self: Any) -> list[Any]:
        if not load_iam_aws_managed_policies():
            return []
        if not parsed:
            parsed.update(json.loads(models.aws_managed_policies_data))
        return [
            models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, d)
            for name, d in parsed.items()
        ]

    models.AWSManagedPolicy.from_data = classmethod(from_data)
    models.IAMBackend._init_aws_policies = _init_aws_policies
    models.IAMBackend._labrunner_shared_policies = True
