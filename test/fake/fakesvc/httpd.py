"""HTTP/1.1 listeners (keep-alive, Expect: 100-continue, chunked request
bodies), the Request/Response objects, and the execution of fault actions
(which must happen outside the state lock so a hang never blocks others)."""

import http.server
import select
import socket
import struct
import sys
import time
import traceback
from urllib.parse import parse_qs, urlsplit

from . import util

REASONS = dict((s.value, s.phrase) for s in http.HTTPStatus)
REASONS.update({529: "Site is overloaded", 499: "Client Closed Request"})

MAX_BODY = 64 * 1024 * 1024


class Request:
    def __init__(self, service, index, method, target, headers, body):
        parts = urlsplit(target)
        self.service = service          # notion | pinecone_control | pinecone_data | openai
        self.index = index              # pinecone data plane: index name of the listener
        self.method = method
        self.path = parts.path
        self.raw_query = parts.query
        self.query = parse_qs(parts.query, keep_blank_values=True)
        self.headers = headers          # email.message.Message (case-insensitive get)
        self.body = body
        self.seq = 0
        self.request_id = None
        self.entry = None
        self.started = time.monotonic()

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def q1(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default


class Response:
    def __init__(self, status, body=b"", headers=None, content_type="application/json"):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.headers = list(headers or [])
        if content_type and not self.has("content-type"):
            self.headers.insert(0, ("Content-Type", content_type))

    @classmethod
    def json(cls, status, obj, headers=None):
        return cls(status, util.dumps(obj), headers, "application/json; charset=utf-8")

    def has(self, name):
        name = name.lower()
        return any(k.lower() == name for k, _ in self.headers)

    def set(self, name, value):
        low = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != low]
        self.headers.append((name, str(value)))

    def setdefault(self, name, value):
        if not self.has(name):
            self.headers.append((name, str(value)))

    def get(self, name):
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None


class FakeServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host, port, app, service, index=None):
        self.app = app
        self.service = service
        self.index = index
        super().__init__((host, port), Handler)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as production HTTP servers set it: the head and the body of
    # a response go out in two writes, and with Nagle's algorithm the body
    # would wait for the client's delayed ACK of the head (40 ms on Linux).
    disable_nagle_algorithm = True
    server_version = "amprenta-fake/1.0"
    timeout = 600  # idle keep-alive connections are dropped after this

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):  # quiet; the request log is the record
        if self.server.app.verbose:
            sys.stderr.write("%s %s\n" % (self.server.service, fmt % args))

    def do_GET(self):
        self._handle()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- body / response plumbing ------------------------------------------------
    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ConnectionError("eof in chunked body")
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while True:
                        trailer = self.rfile.readline(65537)
                        if trailer in (b"\r\n", b"\n", b""):
                            break
                    break
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _write_head(self, resp, content_length=None):
        self.send_response(resp.status, REASONS.get(resp.status, ""))
        for k, v in resp.headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body) if content_length is None else content_length))
        self.end_headers()

    def _send(self, resp):
        self._write_head(resp)
        if self.command != "HEAD":
            self.wfile.write(resp.body)
        self.wfile.flush()

    def _drop(self, mode):
        """Close the connection without (more of) a response; RST if mode == rst."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            if mode == "rst":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    # -- main entry ----------------------------------------------------------------
    def _handle(self):
        app = self.server.app
        try:
            body = self._read_body()
        except (ValueError, ConnectionError, OSError):
            self.close_connection = True
            return
        path = urlsplit(self.path).path
        if path == "/__fake" or path.startswith("/__fake/"):
            try:
                resp = app.control(self.server, self.command, self.path, self.headers, body)
            except Exception:  # never kill the listener
                traceback.print_exc(file=sys.stderr)
                resp = Response.json(500, {"error": "control handler crashed"})
            self._send(resp)
            return

        req = Request(self.server.service, self.server.index, self.command, self.path,
                      self.headers, body)
        rule = app.begin(req)
        action = rule["action"] if rule else None
        try:
            if action is None:
                resp = app.process(req)
                app.finish(req, resp.status)  # log first: a client may read the log right after
                self._send(resp)
            else:
                self._run_fault(app, req, action)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            self.close_connection = True
            app.finish(req, None, outcome="client_gone")

    def _run_fault(self, app, req, action):
        atype = action["type"]
        if atype == "delay":
            app.stopping.wait(action.get("ms", 0) / 1000.0)
            resp = app.process(req)
            app.finish(req, resp.status, outcome="delayed")
            self._send(resp)
            return

        real = app.process(req) if action["apply"] else None

        if atype in ("status", "apply_then_status"):
            resp = app.fault_response(req, action)
            app.finish(req, resp.status, outcome="fault_status")
            self._send(resp)
        elif atype in ("reset", "apply_then_reset"):
            app.finish(req, None, outcome="reset")
            self._drop(action.get("mode", "rst"))
        elif atype == "hang":
            app.finish(req, None, outcome="hanging")
            self._hang(app, action.get("max_ms"))
            app.finish(req, None, outcome="hang")
            self._drop("close")
        elif atype == "partial":
            resp = real if real is not None else app.fault_response(req, action)
            half = resp.body[: len(resp.body) // 2]
            app.finish(req, resp.status, outcome="partial")
            self._write_head(resp)
            self.wfile.write(half)
            self.wfile.flush()
            self._drop("close")
        elif atype == "malformed":
            resp = self._malformed(app, req, action, real)
            app.finish(req, resp.status, outcome="malformed")
            self._send(resp)
        elif atype == "slow_body":
            resp = real if real is not None else app.fault_response(req, action)
            app.finish(req, resp.status, outcome="slow_body")
            self._write_head(resp)
            self.wfile.flush()
            rate = float(action["bytes_per_s"])
            step = max(1, int(rate / 20))
            pos = 0
            while pos < len(resp.body):
                if app.stopping.is_set():
                    break
                self.wfile.write(resp.body[pos:pos + step])
                self.wfile.flush()
                pos += step
                if pos < len(resp.body):
                    time.sleep(step / rate)

    def _malformed(self, app, req, action, real):
        variant = action["variant"]
        base = app.decorate(req, Response(200, b""))
        if variant == "truncated_json":
            base.body = action.get("body", '{"object": "page", "id": ').encode("utf-8")
            base.set("Content-Type", "application/json")
        elif variant == "wrong_content_type":
            base.body = real.body if real is not None else b'{"object":"list","results":[]}'
            base.set("Content-Type", action.get("content_type", "text/html; charset=utf-8"))
        else:  # empty
            base.body = b""
            base.set("Content-Type", "application/json")
        return base

    def _hang(self, app, max_ms):
        deadline = None if max_ms is None else time.monotonic() + max_ms / 1000.0
        sock = self.connection
        while not app.stopping.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return
            try:
                readable, _, _ = select.select([sock], [], [], 0.05)
                if readable:
                    data = sock.recv(1, socket.MSG_PEEK)
                    if not data:
                        return  # client disconnected
                    time.sleep(0.05)  # client sent more bytes; keep ignoring them
            except (OSError, ValueError):
                return
