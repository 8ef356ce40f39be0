# The warm AWS CLI's client (server.py says why). install.ts writes it as `<dir>/python3`, with
# the shebang `#!<real interpreter> -SE` and REAL/SERVER/DIR set above this text, so a script
# whose shebang names it (`aws`, or the sandbox wrapper's `python3 .aws-endpoint.py`) runs as
# `python3 script args` would, in a child forked from a server that has imported awscli.
# It runs the real interpreter instead (exec: an ordinary cold run) whenever the warm run could
# differ or cannot happen: a TTY (pager, /dev/tty, job control), interpreter options,
# LABRUNNER_COLD_AWS_CLI=1, no server yet, or a variable the server's imports read (HOME,
# AWS_DATA_PATH, …) set otherwise than in the server (the server says so: `cold`).
import json
import os
import signal
import socket
import struct
import sys
import zlib

# Variables that decide an interpreter's start-up state (locale, encodings, flags, paths): one
# server per set of their values.
_KEYS = ("LANG", "LC_ALL", "LC_CTYPE")


def cold():
    os.execv(REAL, [REAL, *sys.argv[1:]])


def start_server(path):
    # The caller's whole environment: what the imports read (HOME, ...) is then this caller's,
    # and later callers whose values differ run cold (server.py). It carries the run's marker:
    # the suite's reaper stops the server (test/helpers/run-scope.ts).
    env = dict(os.environ)
    null = os.open(os.devnull, os.O_RDWR)
    try:
        os.posix_spawn(
            REAL,
            [REAL, SERVER, path],
            env,
            file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                          (os.POSIX_SPAWN_DUP2, null, 2)],
            setsid=True,
        )
    except OSError:
        pass
    os.close(null)


def main():
    args = sys.argv[1:]
    if (
        not args
        or args[0].startswith("-")
        or os.environ.get("LABRUNNER_COLD_AWS_CLI") == "1"
        or any(os.isatty(fd) for fd in (0, 1, 2))
    ):
        cold()
    try:
        cwd = os.getcwd()
    except OSError:
        cold()
    key = repr(sorted((k, v) for k, v in os.environ.items() if k.startswith("PYTHON") or k in _KEYS))
    # A short, stable name per key (str hashes are salted per process; crc32 is not).
    path = "%s/srv-%08x.sock" % (DIR, zlib.crc32(key.encode()))
    if len(path.encode()) > 100:
        cold()  # too long for a Unix socket's address (108 bytes): no server can bind it
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        start_server(path)
        cold()  # this once; the next call finds the server
    umask = os.umask(0)
    os.umask(umask)
    body = json.dumps(
        {"argv": args, "env": dict(os.environ), "cwd": cwd, "umask": umask}
    ).encode()
    try:
        socket.send_fds(conn, [struct.pack("!I", len(body))], [0, 1, 2])
        conn.sendall(body)
    except OSError:
        # The server refused us before it read anything (nothing ran): run cold.
        conn.close()
        cold()
    reply = b""
    while True:
        try:
            chunk = conn.recv(4096)
        except InterruptedError:
            continue
        if not chunk:
            break
        reply += chunk
    if not reply:
        # The command's process died without a word (killed by a signal): as a shell shows it.
        sys.stderr.write("aws: the warm CLI's process died without an exit status\n")
        os._exit(1)
    result = json.loads(reply)
    if result.get("cold"):
        cold()  # a variable awscli reads on import differs from the server's: nothing ran
    if result.get("signal"):
        signal.signal(result["signal"], signal.SIG_DFL)
        os.kill(os.getpid(), result["signal"])
    os._exit(result["status"])


main()
