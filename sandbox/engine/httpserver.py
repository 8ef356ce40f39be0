"""A small HTTP/1.1 keep-alive WSGI server for the engine, standard library only.

Why not werkzeug's development server (what `moto_server` uses): it answers every request
with `Connection: close` (werkzeug/serving.py, "Always close the connection"), because it
cannot drain a request body before the next request line. So every call through the gateway
paid a new loopback TCP connection and a new thread. This server reads each request body
completely (Content-Length, or chunked decoded) before calling the app, buffers the app's
answer and sends it with an exact Content-Length, so the connection stays usable.

moto's app is called unchanged; the environ follows PEP 3333 plus the two non-standard keys
moto reads (RAW_URI, REQUEST_URI), as werkzeug's server provides them.
"""

from __future__ import annotations

import io
import socket
import socketserver
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import unquote_to_bytes

# An idle keep-alive connection is closed after this long, so its thread ends. Clients are
# told (`Keep-Alive: timeout=30`, informational); Node's agent drops a pooled socket once it
# sees it closed, and the gateway retries a request that met a socket closing at that instant.
IDLE_TIMEOUT = 30
MAX_LINE = 65536
MAX_BODY = 1 << 30  # 1 GiB; the engine is loopback-only, this only stops a runaway client
# Hop-by-hop headers (RFC 9110 §7.6.1) describe this connection, and the body is re-framed:
# the server sets these itself, whatever the app said.
SERVER_SET = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "server",
    "date",
}
NO_BODY_STATUS = {204, 304}

Log = Callable[[str], None]


class BadRequest(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "labrunner-engine"
    sys_version = ""
    timeout = IDLE_TIMEOUT  # socket timeout, set by StreamRequestHandler.setup
    disable_nagle_algorithm = True  # one write per response, sent at once

    server: "KeepAliveWSGIServer"

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(MAX_LINE + 1)
        except OSError:  # TimeoutError, ConnectionResetError, …
            # Idle past the keep-alive timeout, or the client went away: end quietly.
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > MAX_LINE:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            self.close_connection = True
            return
        # Parses the request line and headers, honours `Connection: close|keep-alive` and the
        # HTTP version (1.0 closes unless it asks for keep-alive), answers `Expect:
        # 100-continue`, and sends 400/431/505 itself on malformed requests.
        if not self.parse_request():
            self.close_connection = True
            return
        try:
            self.run_wsgi()
        except OSError:  # timeout or reset while reading the body or writing the answer
            self.close_connection = True

    def read_body(self) -> bytes:
        te = self.headers.get("Transfer-Encoding")
        if te is not None:
            if te.strip().lower() != "chunked":
                raise BadRequest(501, f"Transfer-Encoding {te!r} is not supported")
            if self.headers.get("Content-Length") is not None:
                # RFC 9112 §6.3: chunked wins, and the connection must close afterwards.
                self.close_connection = True
            return self.read_chunked()
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            return b""  # RFC 9112 §6.3: a request without either header has no body
        values = {v.strip() for v in ",".join(lengths).split(",")}
        if len(values) != 1 or not next(iter(values)).isdigit():
            raise BadRequest(400, "invalid Content-Length")
        length = int(next(iter(values)))
        if length > MAX_BODY:
            raise BadRequest(413, "request body too large")
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise ConnectionError("client closed the connection inside the request body")
        return body

    def read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                raise ConnectionError("client closed the connection inside a chunked body")
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadRequest(400, "invalid chunk size") from None
            if size < 0:
                raise BadRequest(400, "invalid chunk size")
            if size == 0:
                break
            total += size
            if total > MAX_BODY:
                raise BadRequest(413, "request body too large")
            data = self.rfile.read(size)
            if len(data) != size:
                raise ConnectionError("client closed the connection inside a chunk")
            if self.rfile.read(2) != b"\r\n":
                raise BadRequest(400, "chunk not followed by CRLF")
            parts.append(data)
        while True:  # trailer fields, ignored, up to the empty line
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n", b""):
                break
        return b"".join(parts)

    def make_environ(self, body: bytes) -> dict[str, Any]:
        target = self.path
        host_from_target = None
        lowered = target[:8].lower()
        if lowered.startswith("http://") or lowered.startswith("https://"):
            # Absolute form (RFC 9112 §3.2.2): the authority is the host.
            rest = target.split("://", 1)[1]
            host_from_target, _, tail = rest.partition("/")
            target = "/" + tail
        path, _, query = target.partition("?")
        # PEP 3333: PATH_INFO is the URL-decoded path, its bytes as a latin-1 str. The request
        # line was read as latin-1, so encoding back gives the bytes the client sent.
        path_info = unquote_to_bytes(path.encode("latin-1")).decode("latin-1")
        server_host, server_port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "SERVER_SOFTWARE": self.server_version,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            # Non-standard but read by moto (raw path, for S3 keys with encoded characters).
            "REQUEST_URI": self.path,
            "RAW_URI": self.path,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1],
            "SERVER_NAME": server_host,
            "SERVER_PORT": str(server_port),
            "SERVER_PROTOCOL": self.request_version,
        }
        for key, value in self.headers.items():
            if "_" in key:
                continue  # `X_Foo` would be indistinguishable from `X-Foo` (header smuggling)
            key = key.upper().replace("-", "_")
            value = value.replace("\r\n", "")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        # The body is read whole: the app sees its real length, never the transfer coding.
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        if body or "CONTENT_LENGTH" in environ:
            environ["CONTENT_LENGTH"] = str(len(body))
        if host_from_target:
            environ["HTTP_HOST"] = host_from_target
        return environ

    def run_wsgi(self) -> None:
        try:
            body = self.read_body()
        except BadRequest as e:
            # The rest of the stream cannot be framed any more: answer and close.
            self.close_connection = True
            self.send_error(e.code, explain=str(e))
            return
        environ = self.make_environ(body)
        try:
            code, reason, headers, payload = self.call_app(environ)
        except Exception:  # noqa: BLE001 - one failed request must not end the connection's thread
            self.server.log(f"ERROR on {self.command} {self.path}:\n{traceback.format_exc().rstrip()}")
            code, reason = 500, "Internal Server Error"
            headers, payload = [("Content-Type", "text/plain")], b"Internal Server Error\n"
        self.write_response(code, reason, headers, payload)

    def call_app(self, environ: dict[str, Any]) -> tuple[int, str, list[tuple[str, str]], bytes]:
        state: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if exc_info is None and "status" in state:
                raise AssertionError("start_response called twice without exc_info")
            # Nothing is sent before the app returns, so an error may always replace the headers.
            state["status"], state["headers"] = status, headers
            return chunks.append  # the legacy write() callable

        result = self.server.app(environ, start_response)
        try:
            for chunk in result:
                if chunk:
                    chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if "status" not in state:
            raise RuntimeError("the application returned without calling start_response")
        code_text, _, reason = state["status"].partition(" ")
        return int(code_text), reason, list(state["headers"]), b"".join(chunks)

    def write_response(self, code: int, reason: str, headers: list[tuple[str, str]], payload: bytes) -> None:
        head_only = self.command == "HEAD"
        no_body = head_only or code in NO_BODY_STATUS or 100 <= code < 200
        lines = [
            f"{self.protocol_version} {code} {reason}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
        ]
        app_length = None
        for name, value in headers:
            lower = name.lower()
            if lower == "content-length":
                app_length = value
            if lower in SERVER_SET:
                continue
            lines.append(f"{name}: {value}")
        if head_only or code == 304:
            # HEAD and 304 describe the body a GET would get: keep the app's length, if any.
            if app_length is not None:
                lines.append(f"Content-Length: {app_length}")
        elif not no_body:
            lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection:
            lines.append("Connection: close")
        else:
            if self.request_version == "HTTP/1.0":
                lines.append("Connection: keep-alive")
            lines.append(f"Keep-Alive: timeout={IDLE_TIMEOUT}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(data if no_body else data + payload)  # one write: no Nagle stall

    def version_string(self) -> str:
        return self.server_version

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass  # per-request lines would grow the log without bound

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log(f"{self.address_string()} {format % args}")


class KeepAliveWSGIServer(ThreadingHTTPServer):
    """One daemon thread per connection (it serves that connection's requests in turn)."""

    daemon_threads = True
    block_on_close = False  # shutdown must not wait for idle keep-alive connections
    request_queue_size = 128  # listen backlog (socketserver's default is 5)

    def __init__(self, host: str, port: int, app: Callable[..., Any], log: Log) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.log = log
        super().__init__((host, port), KeepAliveHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind also calls socket.getfqdn(), a reverse DNS lookup we never use.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def make_server(host: str, port: int, app: Callable[..., Any], log: Log) -> KeepAliveWSGIServer:
    """Bind (raises OSError when the port is busy) and return a server for serve_forever()."""
    return KeepAliveWSGIServer(host, port, app, log)
