"""Tell the gateway when moto could not serve a request because it does not implement it.

moto raises NotImplementedError for an operation (or an EC2 filter, or a parameter) it lacks; the
exception escapes its Flask app and used to become the same plain 500 as any crash
(httpserver.py), which the CLIs and SDKs retry. Caught here instead, it becomes a 500 marked
`X-Labrunner-Engine-Gap: <what is missing>`, so the gateway answers at once with AWS's error for an
unsupported call (sandbox/gateway/fixes/engine-gap.ts). The header never reaches a client: the
gateway re-renders every engine error.
"""

from __future__ import annotations

from typing import Any, Callable

HEADER = "X-Labrunner-Engine-Gap"


def answer(start_response: Callable[..., Any], error: NotImplementedError, log: Callable[[str], None]) -> list[bytes]:
    # ASCII, one line, short: it travels in a header and ends up in the learner's message.
    reason = " ".join(str(error).split())[:300].encode("ascii", "replace").decode() or "not implemented"
    log(f"not implemented by moto: {reason}")
    body = b"Not Implemented\n"
    start_response(
        "500 Internal Server Error",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), (HEADER, reason)],
    )
    return [body]
