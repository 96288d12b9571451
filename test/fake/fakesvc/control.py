"""The /__fake/ control API, served on every listener over the same store.

  GET    /__fake/health
  POST   /__fake/reset            {"drop_runtime_seeds": false}
  GET    /__fake/seed             the cumulative (canonical) seeds
  POST   /__fake/seed             add databases, indexes, models, tokens/keys, config
  GET    /__fake/requests?service=&limit=&since=&method=&path=
  DELETE /__fake/requests
  GET    /__fake/state/notion
  GET    /__fake/state/pinecone
  GET    /__fake/state/pinecone/{index}?namespace=
  GET    /__fake/state/openai
  GET    /__fake/faults   POST /__fake/faults   DELETE /__fake/faults[/{id}]
  GET    /__fake/config   POST /__fake/config
  GET    /__fake/clock    POST /__fake/clock   {"now": iso, "advance_ms": n, "tick_ms": n}
"""

import datetime as _dt
import re
from urllib.parse import parse_qs, urlsplit

from . import util
from .faults import FaultError
from .httpd import Response


def _ok(obj=None, status=200):
    return Response.json(status, obj if obj is not None else {"ok": True})


def _bad(message, status=400):
    return Response.json(status, {"error": message})


def _json_body(body, default=None):
    if not body.strip():
        return default
    return util.loads(body)


def handle_control(app, server, method, target, headers, body):
    parts = urlsplit(target)
    path = parts.path.rstrip("/")
    query = parse_qs(parts.query, keep_blank_values=True)

    def q1(name, default=None):
        values = query.get(name)
        return values[0] if values else default

    try:
        payload = _json_body(body) if method in ("POST", "PUT", "PATCH") else None
    except ValueError as exc:
        return _bad("invalid JSON: %s" % exc)

    if path == "/__fake/health" and method == "GET":
        with app.lock:
            return _ok({"ok": True, "service": server.service, "index": server.index,
                        "ports": app.ports()})

    if path == "/__fake/reset" and method == "POST":
        app.reset(drop_runtime_seeds=bool((payload or {}).get("drop_runtime_seeds")))
        return _ok({"ok": True, "ports": app.ports()})

    if path == "/__fake/seed":
        if method == "GET":
            with app.lock:
                return _ok({"seeds": app.seeds})
        if method == "POST":
            try:
                app.add_seed(payload or {})
            except (ValueError, TypeError, OSError) as exc:
                return _bad("bad seed: %s" % exc)
            with app.lock:
                return _ok({"ok": True, "ports": app.ports()})

    if path == "/__fake/requests":
        if method == "DELETE":
            with app.lock:
                app.log.entries = []
            return _ok()
        if method == "GET":
            return _ok(_requests(app, q1))

    m = re.match(r"^/__fake/state/(notion|openai|pinecone)(?:/([^/]+))?$", path)
    if m and method == "GET":
        with app.lock:
            if m.group(1) == "notion":
                return _ok(app.notion.state())
            if m.group(1) == "openai":
                return _ok(app.openai.state())
            if m.group(2) is None:
                return _ok(app.pinecone.state_all())
            out = app.pinecone.state_index(m.group(2), q1("namespace"))
            if out is None:
                return _bad("no index %s" % m.group(2), 404)
            return _ok(out)

    if path == "/__fake/faults":
        if method == "GET":
            with app.lock:
                return _ok({"faults": [app.faults.public(r) for r in app.faults.rules]})
        if method == "DELETE":
            with app.lock:
                app.faults.clear()
            return _ok()
        if method == "POST":
            specs = payload
            if isinstance(payload, dict) and "rules" in payload:
                specs = payload["rules"]
            if not isinstance(specs, list):
                specs = [specs]
            with app.lock:
                added = []
                try:
                    for spec in specs:
                        added.append(app.faults.add(spec, app.presets))
                except FaultError as exc:
                    for rule in added:
                        app.faults.remove(rule["id"])
                    return _bad("bad fault rule: %s" % exc)
                return _ok({"faults": [app.faults.public(r) for r in added]})
    m = re.match(r"^/__fake/faults/(\d+)$", path)
    if m and method == "DELETE":
        with app.lock:
            if app.faults.remove(int(m.group(1))):
                return _ok()
        return _bad("no fault rule %s" % m.group(1), 404)

    if path == "/__fake/config":
        if method == "GET":
            with app.lock:
                return _ok(app.config)
        if method == "POST":
            try:
                return _ok(app.set_config(payload or {}))
            except ValueError as exc:
                return _bad(str(exc))

    if path == "/__fake/clock":
        with app.lock:
            if method == "POST":
                p = payload or {}
                try:
                    if p.get("now") is not None:
                        app.clock.now = util.parse_iso(p["now"])[0]
                    if p.get("advance_ms") is not None:
                        app.clock.now += _dt.timedelta(milliseconds=float(p["advance_ms"]))
                    if p.get("tick_ms") is not None:
                        tick = p["tick_ms"]
                        if isinstance(tick, bool) or not isinstance(tick, (int, float)) or tick < 0:
                            raise ValueError("tick_ms must be >= 0")
                        app.clock.tick_ms = tick
                except (ValueError, TypeError) as exc:
                    return _bad("bad clock request: %s" % exc)
                return _ok(app.clock.public())
            if method == "GET":
                return _ok(app.clock.public())

    return _bad("unknown control endpoint %s %s" % (method, path), 404)


def _requests(app, q1):
    service = q1("service")
    method = q1("method")
    path_rx = q1("path")
    since = int(q1("since", "0") or 0)
    limit = q1("limit")
    with app.lock:
        entries = list(app.log.entries)
    out = []
    for e in entries:
        if e["id"] <= since:
            continue
        if service:
            s = service.replace("-", "_")
            if s == "pinecone":
                if not e["service"].startswith("pinecone"):
                    continue
            elif e["service"] != s:
                continue
        if method and e["method"] != method.upper():
            continue
        if path_rx and not re.search(path_rx, e["path"]):
            continue
        out.append(dict(e))
    if limit:
        out = out[-int(limit):]
    return {"requests": out, "count": len(out)}
