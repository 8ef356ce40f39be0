"""Run a Python AWS CLI that predates AWS_ENDPOINT_URL as if it honoured it.

AWS CLI v1 >= 1.29 and v2 >= 2.13 send every call to AWS_ENDPOINT_URL when it is set, including
the STS AssumeRole a profile with role_arn makes for its credentials (AWS SDKs and Tools
Reference Guide, "Service-specific endpoints"). Older CLIs ignore the variable; `--endpoint-url`
reaches only the command's own client, so a role profile's AssumeRole went to the real STS.
Debian 12's CLI (2.9) is a Python script, so the sandbox's `aws` wrapper runs it through this
file: every botocore client the CLI creates without an endpoint of its own gets
AWS_ENDPOINT_URL, as a newer CLI would do.

Usage (by the wrapper): python3 aws-endpoint.py /usr/bin/aws <aws arguments...>
"""

import inspect
import os
import runpy
import sys

try:
    import awscli  # noqa: F401  (v2 vendors botocore; importing awscli makes `botocore` its copy)
except ImportError:
    pass
from botocore import session as _session

_create_client = _session.Session.create_client
_signature = inspect.signature(_create_client)


def _create_client_with_endpoint(self, *args, **kwargs):
    bound = _signature.bind(self, *args, **kwargs)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint and bound.arguments.get("endpoint_url") is None:
        bound.arguments["endpoint_url"] = endpoint
    return _create_client(*bound.args, **bound.kwargs)


_session.Session.create_client = _create_client_with_endpoint

if __name__ == "__main__":
    cli = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(cli, run_name="__main__")
