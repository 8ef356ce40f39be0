"""Harness for snapshot-load-race.test.ts: a snapshot load racing moto's own creation of an
account's backend, interleaved deterministically (no sleeps).

A restarted engine loads EC2's snapshot in the background (engine.py load_pending) while the
first EC2 request builds moto's Flask app, which creates `ec2_backends[<the sandbox account>]`
by check-then-set (BackendDict._create_account_specific_backend). Here thread "moto" is held
inside that window (between the check and the set) until the load has either finished or is
waiting for moto's backend_lock; then both go on. Prints JSON: whether the saved group is
still there.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../sandbox/engine"))

import snapshots  # noqa: E402
from moto.core import base_backend  # noqa: E402
from moto.core.base_backend import AccountSpecificBackend  # noqa: E402
from moto.ec2.models import ec2_backends  # noqa: E402

ACCOUNT = "123456789012"  # the sandbox's account (identities.py), moto's DEFAULT_ACCOUNT_ID
BOUND = 120.0  # only against a hang; every wait below ends on an event


class WatchedRLock:
    """moto's backend_lock, telling when a second thread has to wait for it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.contended = threading.Event()

    def __enter__(self) -> bool:
        if not self._lock.acquire(blocking=False):
            self.contended.set()
            self._lock.acquire()
        return True

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()


def main() -> None:
    state = tempfile.mkdtemp(prefix="lab-snapshot-race-")
    os.makedirs(os.path.join(state, "snapshots"))
    group = ec2_backends[ACCOUNT]["us-east-1"].create_security_group("kept", "saved before the restart")
    snapshots.save(state, "ec2")
    dict.clear(ec2_backends)  # a restarted engine: nothing loaded yet

    lock = WatchedRLock()
    base_backend.backend_lock = lock  # moto reads the module global on every use
    in_window = threading.Event()
    load_done = threading.Event()
    moto_thread = threading.Thread(target=lambda: ec2_backends[ACCOUNT], name="moto")
    original_init = AccountSpecificBackend.__init__

    def held_init(self: AccountSpecificBackend, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)
        if threading.current_thread() is moto_thread:
            in_window.set()  # moto checked: no backend for the account; it has not set one yet
            either = threading.Event()
            for ev in (load_done, lock.contended):
                threading.Thread(target=lambda e=ev: (e.wait(BOUND), either.set()), daemon=True).start()
            either.wait(BOUND)

    AccountSpecificBackend.__init__ = held_init  # type: ignore[method-assign]
    moto_thread.start()
    in_window.wait(BOUND)
    loader = threading.Thread(target=lambda: (snapshots.load(state, "ec2"), load_done.set()), name="load")
    loader.start()
    loader.join(BOUND)
    moto_thread.join(BOUND)
    AccountSpecificBackend.__init__ = original_init  # type: ignore[method-assign]

    groups = ec2_backends[ACCOUNT]["us-east-1"].groups
    kept = any(group.id in by_id for by_id in groups.values())
    shutil.rmtree(state, ignore_errors=True)
    print(json.dumps({"groupId": group.id, "kept": kept, "loadWaitedForMoto": lock.contended.is_set()}))


if __name__ == "__main__":
    main()
