#!/usr/bin/env python3
"""Loopback HTTP/1.1 server for test/unit/test_http_client.c.

Listens on 127.0.0.1 (an ephemeral port unless given as argv[1]), prints the
port on one line of stdout, then serves until killed or until its stdin
reaches end of file (so it never outlives the test that started it).
Python 3 standard library only.  Keep-alive: one thread per connection.

Endpoints (any method):
  /status/<code>[?retry_after=V][&header=N:V...]
                                   answers <code>, body "status <code>"
                                   (none for 204 and 304), Retry-After: V
                                   when given, and each header N: V
  /echo                            JSON: method, path, headers ([name, value]
                                   pairs in order), body_hex, body_len,
                                   client_port (the peer's port: equal
                                   ports mean a reused connection)
  /slow/<ms>[?group=G]             sleeps ms milliseconds, then answers "slow"
  /redirect/<n>[?retry_after=V]    302 to /redirect/<n-1>; /redirect/0 answers
                                   "done"; V is sent on the redirects only
  /location?to=<url>               302 to url
  /big/<bytes>[?chunked=1]         that many 'x', with Content-Length or
                                   chunked (no length known in advance)
  /hang                            never answers; returns when the client
                                   closes the connection
  /stats[?group=G]                 JSON {"max_slow": m}: the most /slow
                                   requests of group G (default "") seen
                                   running at the same time since the
                                   previous /stats of G (then reset)
"""

import json
import os
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

lock = threading.Lock()
slow_now = {}  # group -> /slow requests running now
slow_max = {}  # group -> most seen at once


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body=b"", headers=(), chunked=False):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        if chunked and self.command != "HEAD":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 4096):
                part = body[i:i + 4096]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    def handle_any(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        arg = parts[1] if len(parts) > 1 else ""

        if parts[0] == "status":
            extra = [("Retry-After", query["retry_after"][0])] if "retry_after" in query else []
            extra += [tuple(h.split(":", 1)) for h in query.get("header", []) if ":" in h]
            code = int(arg)
            self.reply(code, b"" if code in (204, 304) else b"status " + arg.encode(), extra)
        elif parts[0] == "echo":
            doc = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body_hex": body.hex(),
                "body_len": len(body),
                "client_port": self.client_address[1],
            }
            self.reply(200, json.dumps(doc).encode(), [("Content-Type", "application/json")])
        elif parts[0] == "slow":
            group = query.get("group", [""])[0]
            with lock:
                slow_now[group] = slow_now.get(group, 0) + 1
                slow_max[group] = max(slow_max.get(group, 0), slow_now[group])
            time.sleep(int(arg) / 1000.0)
            with lock:
                slow_now[group] -= 1  # before answering: the client cannot start another first
            self.reply(200, b"slow")
        elif parts[0] == "redirect":
            n = int(arg)
            if n > 0:
                extra = [("Location", "/redirect/%d" % (n - 1))]
                if "retry_after" in query:
                    extra.append(("Retry-After", query["retry_after"][0]))
                self.reply(302, b"moved", extra)
            else:
                self.reply(200, b"done")
        elif parts[0] == "location":
            self.reply(302, b"moved", [("Location", query["to"][0])])
        elif parts[0] == "big":
            self.reply(200, b"x" * int(arg), chunked="chunked" in query)
        elif parts[0] == "hang":
            while True:
                ready, _, _ = select.select([self.connection], [], [], 0.1)
                if ready and self.connection.recv(1, socket.MSG_PEEK) == b"":
                    self.close_connection = True
                    return
        elif parts[0] == "stats":
            group = query.get("group", [""])[0]
            with lock:
                doc = {"max_slow": slow_max.pop(group, 0)}
            self.reply(200, json.dumps(doc).encode())
        else:
            self.reply(404, b"no such endpoint")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that time out close sockets under us


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = Server(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while os.read(0, 4096):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
