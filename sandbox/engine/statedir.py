"""Notice the state folder going away or being replaced while the engine runs.

Every acknowledged write is saved to the state folder (snapshots.py) before it is answered.
If someone deletes that folder (or moves another one in its place) while the sandbox runs, a
write would happen in memory and be lost at the next restart, silently. So the engine takes
the folder's identity (device and inode) at start, checks it before each write, and refuses
the write with a clear AWS-shaped 503 when it no longer holds. Reads still work.
"""

from __future__ import annotations

import os
from typing import Any, Callable
from xml.sax.saxutils import escape


def identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(os.path.join(path, "snapshots"))
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class StateFolder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.expected = identity(path)

    def lost(self) -> str | None:
        """Why writes cannot be saved any more, or None while the folder is the one we started with."""
        now = identity(self.path)
        if now is None:
            return "was deleted"
        if now != self.expected:
            return "was replaced by another folder"
        return None

    def refuse(self, why: str, start_response: Callable[..., Any]) -> list[bytes]:
        # ServiceUnavailable in the query/EC2 XML shape; the gateway re-renders it in the
        # envelope of the request's service (as it does every engine error).
        message = (
            f"The sandbox's state folder ({self.path}) {why} while the sandbox ran, so this "
            "change could not be saved and was not made. Run: lab sandbox stop, then lab sandbox start"
        )
        body = (
            "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>"
            f"<Message>{escape(message)}</Message></Error><RequestId>state-folder-lost</RequestId>"
            "</ErrorResponse>"
        ).encode()
        start_response(
            "503 Service Unavailable",
            [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))],
        )
        return [body]
