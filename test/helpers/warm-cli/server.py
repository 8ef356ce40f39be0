"""A warm AWS CLI for the test suite: the real CLI code, one fresh forked process per command.

Every `aws` process spends most of its CPU importing awscli/botocore (0.55-0.9 s per call on a
2-core machine; the real CLIs were ~45 % of the suite's CPU). This server, started with the
interpreter of the CLI script's shebang, imports them once, then forks one child per command:
the child takes the caller's stdin/stdout/stderr (passed over the socket), environment, cwd,
umask and argv, and runs the script as `python script args` would (runpy, run_name
'__main__'). The parent never runs CLI code, so each child starts from the same pristine state.

Usage: python server.py <socket path>   (started by client.py; see docs/testing.md)
"""

import atexit
import fcntl
import gc
import io
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import traceback

_ENV_AT_START = dict(os.environ)

# One server per socket, decided before the imports (0.3-0.5 s of CPU): the lock is held for
# life; parallel first calls each start a server, and all but one leave here at once.
_LOCK = None
if __name__ == "__main__":
    _LOCK = os.open(sys.argv[1] + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(_LOCK, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        sys.exit(0)

# What the child would have imported anyway (awscli.clidriver.main loads awscli.handlers on
# every call); imported once here. Measured: bench/README.md ("Warm AWS CLI").
# Some modules read the environment on import (awscli/customizations/assumerole.py:
# CACHE_DIR = expanduser('~/.aws/cli/cache'); botocore's BOTO_DISABLE_CRT, ...): a child would
# keep the values this process had. So every variable read during the imports is recorded, and
# a caller whose value differs for any of them is told to run cold (client.py).
class _Recording(dict):
    def __init__(self, real):
        super().__init__()
        self.real, self.read = real, set()

    def __getitem__(self, k):
        self.read.add(k)
        return self.real[k]

    def __contains__(self, k):
        self.read.add(k)
        return k in self.real

    def get(self, k, default=None):
        self.read.add(k)
        return self.real.get(k, default)

    def __setitem__(self, k, v):
        self.real[k] = v

    def __delitem__(self, k):
        del self.real[k]

    def __iter__(self):
        self.read.add("*")
        return iter(self.real)

    def copy(self):
        self.read.add("*")
        return self.real.copy()

    def __len__(self):
        return len(self.real)

    def keys(self):
        self.read.add("*")
        return self.real.keys()

    def items(self):
        self.read.add("*")
        return self.real.items()


_real_environ, os.environ = os.environ, _Recording(os.environ)
try:
    import awscli.clidriver  # noqa: F401
    import awscli.handlers  # noqa: F401
finally:
    _IMPORT_READ = os.environ.read
    os.environ = _real_environ

# Every object alive now goes to the collector's permanent generation: a child's collections then
# skip them, instead of writing to every page of the inherited heap (a copy-on-write fault each;
# dear on a hypervisor). Nothing is collected differently in a child: these objects live for the
# server's life anyway. `aws sts` against a closed port: 0.25 s -> 0.16 s of CPU per command
# (bench/README.md, "Stop 18").
gc.collect()
gc.freeze()

# Environment variables the imports above set (awscli/__init__.py sets AWS_DATA_PATH): a fresh
# process sets them the same way, so each child gets them on top of the caller's environment.
# A caller that sets AWS_DATA_PATH itself runs cold: the import reads it (_differs).
_IMPORT_ENV = {k: v for k, v in os.environ.items() if _ENV_AT_START.get(k) != v}
_IDLE_SECONDS = 1800  # nobody called for this long: the suite is gone
_REAP_SECONDS = 2


def _recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError("client closed the connection")
        data += chunk
    return data


def _std_stream(fd, name, old):
    """sys.stdin/stdout/stderr over `fd`, built as the interpreter builds them (create_stdio in
    Python/pylifecycle.c): binary buffered (not a TTY: client.py runs cold on a TTY), newline
    "\\n", the encoding/errors the same start-up environment gave this process (the server is
    keyed by those variables), stderr line-buffered."""
    mode = "rb" if fd == 0 else "wb"
    buf = io.open(fd, mode, -1, closefd=False)
    buf.raw.name = name
    stream = io.TextIOWrapper(
        buf, old.encoding, old.errors, "\n", line_buffering=(fd == 2), write_through=False
    )
    stream.mode = "r" if fd == 0 else "w"
    return stream


def _exit_status(exc):
    """The status the interpreter exits with for an uncaught exception (and prints it)."""
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        # Python prints a non-int exit code to stderr and exits 1 (handle_system_exit).
        try:
            sys.stderr.write(str(code) + "\n")
        except Exception:
            pass
        return 1
    return None


def _print_uncaught(exc, script):
    """Print a traceback as the interpreter does, without this file's and runpy's frames."""
    tb = exc.__traceback__
    while tb is not None and not (
        tb.tb_frame.f_code.co_name == "<module>" and tb.tb_frame.f_code.co_filename == script
    ):
        tb = tb.tb_next
    sys.excepthook(type(exc), exc, tb if tb is not None else exc.__traceback__)


def _flush_std():
    """As Py_FinalizeEx's flush_std_files: a failed stdout flush is reported, status 120."""
    status = 0
    for s in (sys.stdout, sys.stderr):
        try:
            if s is not None and not s.closed:
                s.flush()
        except Exception:
            if s is sys.stdout:
                status = 120
                try:
                    sys.stderr.write("Exception ignored in: %r\n" % (s,))
                    traceback.print_exc()
                except Exception:
                    pass
    return status


def _read_request(conn):
    head, fds, _flags, _addr = socket.recv_fds(conn, 4, 3)
    if len(fds) != 3 or len(head) != 4:
        for fd in fds:
            os.close(fd)
        raise EOFError("no request")
    return json.loads(_recv_exact(conn, struct.unpack("!I", head)[0])), fds


def _differs(env):
    """A variable read during the imports whose value the caller has different (or all)."""
    if "*" in _IMPORT_READ:
        return "*"
    for k in _IMPORT_READ:
        if env.get(k) != _ENV_AT_START.get(k):
            return k
    return None


def _child(conn, req, fds):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)

    # The client was killed (a test's timeout): this command dies with it, as the process would.
    def watch():
        try:
            conn.recv(1)
        finally:
            os._exit(143)

    threading.Thread(target=watch, daemon=True).start()

    os.environ.clear()
    os.environ.update(req["env"])
    os.environ.update(_IMPORT_ENV)
    os.chdir(req["cwd"])
    os.umask(req["umask"])
    script = req["argv"][0]
    sys.argv = list(req["argv"])
    sys.orig_argv = [sys.executable, *req["argv"]]
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    sys.stdin = sys.__stdin__ = _std_stream(0, "<stdin>", sys.__stdin__)
    sys.stdout = sys.__stdout__ = _std_stream(1, "<stdout>", sys.__stdout__)
    sys.stderr = sys.__stderr__ = _std_stream(2, "<stderr>", sys.__stderr__)
    if "random" in sys.modules:
        sys.modules["random"].seed()  # a fresh process seeds from the OS; forks would share

    import runpy

    status, signum = 0, 0
    try:
        runpy.run_path(script, run_name="__main__")
    except BaseException as exc:  # noqa: B036 - the interpreter's own top level
        status = _exit_status(exc)
        if status is None:
            _print_uncaught(exc, script)
            status = 1
            if isinstance(exc, KeyboardInterrupt):
                signum = signal.SIGINT  # Python re-raises an uncaught Ctrl-C as the signal
    # The interpreter's shutdown order: non-daemon threads, atexit, then the std streams.
    try:
        threading._shutdown()
    except Exception:
        pass
    atexit._run_exitfuncs()
    flushed = _flush_std()
    if status == 0 and flushed:
        status = flushed
    # The caller's pipes close when its process does: release our copies before answering.
    for fd in (0, 1, 2):
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        conn.sendall(json.dumps({"status": status, "signal": int(signum)}).encode())
    finally:
        os._exit(0)


def _peer_uid(conn):
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def serve(path):
    # We hold the lock (above): a socket left here is a stale one (a killed server).
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    listener.bind(path)
    os.umask(old)
    listener.listen(64)
    # Children are reaped here (not SIGCHLD=SIG_IGN): their CPU then counts in this process's
    # os.times(), appended to $LABRUNNER_WARM_CLI_CPU_LOG (if set) when the suite stops the
    # server (SIGTERM): the figures in bench/README.md.
    listener.settimeout(_REAP_SECONDS)
    signal.signal(signal.SIGTERM, lambda *_: _leave(path))
    me = os.getuid()
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < _IDLE_SECONDS:
        _reap()
        try:
            conn, _ = listener.accept()
        except (socket.timeout, InterruptedError):
            continue
        idle_since = time.monotonic()
        # Another local user must never run code as us (a config's credential_process runs
        # commands): the socket's directory is 0700 and the socket 0600, and the peer is checked.
        if _peer_uid(conn) != me:
            conn.close()
            continue
        try:
            conn.settimeout(5)  # a caller sends at once; never let one hold the server
            req, fds = _read_request(conn)
            conn.settimeout(None)
        except (OSError, EOFError, ValueError):
            conn.close()
            continue
        if _differs(req["env"]):
            for fd in fds:
                os.close(fd)
            try:
                conn.sendall(b'{"cold": true}')
            except OSError:
                pass
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            listener.close()
            os.close(_LOCK)
            try:
                _child(conn, req, fds)
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        conn.close()
    _leave(path)


def _reap():
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def _leave(path):
    _reap()
    t = os.times()
    log = os.environ.get("LABRUNNER_WARM_CLI_CPU_LOG")
    if log:
        cpu = {"children": t.children_user + t.children_system, "server": t.user + t.system}
        try:
            with open(log, "a") as f:
                f.write(json.dumps({"socket": path, **cpu}) + "\n")
        except OSError:
            pass
    os._exit(0)

if __name__ == "__main__":
    serve(sys.argv[1])
