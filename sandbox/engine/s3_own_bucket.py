"""CreateBucket on a bucket the caller already owns never touches it, also after a restart.

S3 API Reference, Errors: BucketAlreadyOwnedByYou "The bucket you tried to create already
exists, and you own it. Amazon S3 returns this error in all AWS Regions except in the North
Virginia Region. For legacy compatibility, if you re-create an existing bucket that you already
own in the North Virginia Region, Amazon S3 returns 200 OK and resets the bucket access control
lists (ACLs)." moto 5.2.1 gives exactly these answers, but decides "exists" from a name registry
(`s3_backends.bucket_accounts`) that lives beside the backends and is not part of the saved
state: after a sandbox restart the registry was empty, so `aws s3 mb` on the learner's bucket
made a new, empty bucket in its place and the learner's objects were gone. The registry is
rebuilt here from the buckets themselves whenever a name is missing from it.
"""

from __future__ import annotations

from typing import Any


def _owner(backends: Any, name: str) -> tuple[str, str] | None:
    for account_id, partitions in list(dict.items(backends)):
        for partition, backend in list(dict.items(partitions)):
            if name in getattr(backend, "buckets", {}):
                return (partition, account_id)
    return None


def install() -> None:
    from moto.s3.models import S3Backend, s3_backends

    if getattr(S3Backend, "_labrunner_own_bucket", False):
        return
    create_bucket = S3Backend.create_bucket

    def _create_bucket(self: Any, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
        if bucket_name not in s3_backends.bucket_accounts:
            owner = _owner(s3_backends, bucket_name)
            if owner is not None:  # a bucket loaded from a snapshot: known again
                s3_backends.bucket_accounts[bucket_name] = owner
        return create_bucket(self, bucket_name, *args, **kwargs)  # BucketAlreadyExists → moto's answers

    S3Backend.create_bucket = _create_bucket
    S3Backend._labrunner_own_bucket = True
