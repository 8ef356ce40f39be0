"""Notice the state folder going away or being replaced while the engine runs.

Every acknowledged write is saved to the state folder (snapshots.py) before it is answered.
If someone deletes that folder (or moves another one in its place) while the sandbox runs, a
write would happen in memory and be lost at the next restart, silently. So the engine takes
the folder's identity (device and inode) at start, checks it before each write, and refuses
the write with a clear AWS-shaped 503 when it no longer holds. Reads still work.

A folder that is there but cannot be written (made read-only, a full disk) is the same loss
seen later: the write would be answered 200 and gone after a crash (issue 16). So each write
first proves the folder takes a file (a probe created and removed: microseconds next to the
snapshot itself), and a snapshot that still fails makes the answer a 503, never a 200.
"""

from __future__ import annotations

import os
import threading
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

    def unwritable(self) -> str | None:
        """Why a write could not be saved now (read-only, full), or None if a file can be made."""
        # One probe name per thread: the engine answers requests on several threads, and two
        # writes probing one shared name removed each other's file (ENOENT, a false 503).
        probe = os.path.join(
            self.path, "snapshots", f".write-probe-{os.getpid()}-{threading.get_ident()}"
        )
        try:
            fd = os.open(probe, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"x")
            finally:
                os.close(fd)
            os.unlink(probe)
        except OSError as e:
            return f"cannot be written to ({e.strerror or e})"
        return None

    def refuse(
        self, why: str, start_response: Callable[..., Any], exc_info: Any = None
    ) -> list[bytes]:
        # ServiceUnavailable in the query/EC2 XML shape; the gateway re-renders it in the
        # envelope of the request's service (as it does every engine error).
        if why.startswith("cannot be written"):
            message = (
                f"The sandbox's state folder ({self.path}) {why}, so this change could not be "
                "saved. Make the folder writable (and free some disk space), then try again."
            )
        else:
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
            exc_info,
        )
        return [body]
