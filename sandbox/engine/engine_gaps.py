"""Tell the gateway when moto could not serve a request: it does not implement it, or it crashed.

moto raises NotImplementedError for an operation (or an EC2 filter, or a parameter) it lacks; the
exception escapes its Flask app and used to become the same plain 500 as any crash
(httpserver.py), which the CLIs and SDKs retry. Caught here instead, it becomes a 500 marked
`X-Labrunner-Engine-Gap: <what is missing>`, so the gateway answers at once with AWS's error for an
unsupported call (sandbox/gateway/fixes/engine-gap.ts). The header never reaches a client: the
gateway re-renders every engine error.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any, Callable

HEADER = "X-Labrunner-Engine-Gap"
CRASH_HEADER = "X-Labrunner-Engine-Crash"


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


def crashed(
    start_response: Callable[..., Any], error: BaseException, what: str, log: Callable[[str], None]
) -> list[bytes]:
    """Any other exception of moto's (a bug: a KeyError, a TypeError…): the traceback goes to the
    engine log, for us; the answer is a bare 500 marked `X-Labrunner-Engine-Crash: <exception
    class>`, which the gateway answers at once in the protocol's own InternalFailure /
    InternalError shape, never retried and never with the traceback (fixes/engine-gap.ts)."""
    log(f"ERROR the engine failed on {what}:\n{traceback.format_exc().rstrip()}")
    body = b"Internal Server Error\n"
    start_response(
        "500 Internal Server Error",
        [
            ("Content-Type", "text/plain"),
            ("Content-Length", str(len(body))),
            (CRASH_HEADER, type(error).__name__),
        ],
        sys.exc_info(),  # moto may have started its own answer before it failed: replace it
    )
    return [body]
