"""CreateBucket refuses a name S3's naming rules forbid: 400 InvalidBucketName.

S3 User Guide, "General purpose bucket naming rules": "Bucket names must be between 3 (min) and 63
(max) characters long. Bucket names can consist only of lowercase letters, numbers, periods (.),
and hyphens (-). Bucket names must begin and end with a letter or number. Bucket names must not
contain two adjacent periods. Bucket names must not be formatted as an IP address (for example,
192.168.5.4). Bucket names must not start with the prefix xn--. … sthree-. … amzn-s3-demo-.
Bucket names must not end with the suffix -s3alias. … --ol-s3. … .mrap. … --x-s3."
The answer, as the CLI prints it for s3-basics' create-bucket step with a capital letter:
"make_bucket failed: s3://SAM-tutorial-test-12345 An error occurred (InvalidBucketName) when
calling the CreateBucket operation: The specified bucket is not valid." (chenr2/AWS-SAM-
Tutorial#2); S3 API Reference, Error responses: InvalidBucketName "The specified bucket is not
valid." 400. moto 5.2.1 checks the length only, so `aws s3 mb s3://UpperCase` made a bucket.
"""

from __future__ import annotations

import re
from typing import Any

_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3")


def valid(name: str) -> bool:
    return (
        bool(_CHARS.match(name))
        and ".." not in name
        and not _IP.match(name)
        and not name.startswith(_PREFIXES)
        and not name.endswith(_SUFFIXES)
    )


def install() -> None:
    from moto.s3.exceptions import InvalidBucketName
    from moto.s3.models import S3Backend

    if getattr(S3Backend, "_labrunner_bucket_names", False):
        return
    create_bucket = S3Backend.create_bucket

    def _create_bucket(self: Any, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
        if not valid(bucket_name):
            raise InvalidBucketName()
        return create_bucket(self, bucket_name, *args, **kwargs)

    S3Backend.create_bucket = _create_bucket
    S3Backend._labrunner_bucket_names = True
