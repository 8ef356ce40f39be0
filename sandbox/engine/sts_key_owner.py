"""STS GetAccessKeyInfo answers with the account that owns the key, as AWS does.

STS API Reference, GetAccessKeyInfo: "When you pass an access key ID to this operation, it
returns the ID of the Amazon Web Services account to which the keys belong." moto 5.2.1 answers
the caller's own account for any key it cannot find, so a learner checking a stranger's key id
was told it was theirs.

* A key the sandbox knows (a user's key, or a session's ASIA key, in any account): its owner.
* Any other key: the account encoded in the key id itself, which is what AWS answers for it.
  AWS key ids carry their account: characters 5-20 are base32; the first 6 decoded bytes,
  masked with 0x7fffffffff80 and shifted right by 7, are the account id (Tal Be'ery, "A short
  note on AWS KEY ID", 2023, and Aidan Steele, "AWS Access Key ID formats", 2020: GetAccessKeyInfo
  on ASIAY34FZKBOKMUTVV7A returns 609629065308, and still returns it with the last characters
  changed — no lookup, no checksum).
"""

from __future__ import annotations

import base64
from typing import Any


def encoded_account(key_id: str) -> str | None:
    body = key_id[4:]
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except (ValueError, base64.binascii.Error):
        return None
    if len(raw) < 6:
        return None
    return f"{(int.from_bytes(raw[:6], 'big') & 0x7FFFFFFFFF80) >> 7:012d}"


def install() -> None:
    from moto.iam.models import iam_backends
    from moto.sts.models import STSBackend

    if getattr(STSBackend, "_labrunner_key_owner", False):
        return

    def get_access_key_info(self: Any, access_key_id: str) -> dict[str, str]:
        for account_id, partitions in list(iam_backends.items()):
            for backend in list(dict.values(partitions)):
                if access_key_id in backend.access_keys:
                    return {"Account": account_id}
        account = encoded_account(access_key_id)
        return {"Account": account if account is not None else self.account_id}

    STSBackend.get_access_key_info = get_access_key_info
    STSBackend._labrunner_key_owner = True
