"""Shared state of the fakes: one lock, the services, the request log, config,
clock, ids, seeds and the listeners."""

import copy
import datetime as _dt
import sys
import threading
import time
import traceback

from . import util
from .faults import FaultTable
from .httpd import FakeServer, Response
from .notion import NotionService
from .openai import OpenAIService
from .pinecone import PineconeService

DEFAULT_CONFIG = {
    "notion": {
        "rate_limit": {"enabled": False, "rate": 3.0, "burst": 3, "retry_after": None},
        "index_lag_ms": 0,
        "strict_query_endpoint": True,
        "length_unit": "utf16",
        "max_body_bytes": 500000,
        "count_properties": None,
        "query_scan_limit": None,
    },
    "pinecone": {
        "host_style": "bare",
        "visibility_delay_ms": 0,
        "strict_version": False,
        "unauthorized_body": "string",
        "max_request_bytes": 2000000,
        "rate_limit": {"enabled": False, "rps": 100.0, "burst": 100, "retry_after": None},
        "initializing_describes": {},
    },
    "openai": {
        "rate_limit": {"enabled": False, "rpm": 3000, "tpm": 1000000},
        "max_inputs": 2048,
        "max_tokens_per_input": 8192,
        "max_tokens_per_request": 300000,
    },
    "log": {"body_max": 4096, "max_entries": 50000},
}

# Config values that are free-form objects (no key checking below them).
FREE_FORM = {("pinecone", "initializing_describes")}
CHOICES = {
    ("notion", "length_unit"): ("utf16", "codepoints"),
    ("pinecone", "host_style"): ("bare", "http_url"),
    ("pinecone", "unauthorized_body"): ("string", "rpc"),
}
NULLABLE = {("notion", "rate_limit", "retry_after"), ("pinecone", "rate_limit", "retry_after"),
            ("notion", "count_properties"), ("notion", "query_scan_limit")}


class ConfigError(ValueError):
    pass


def merge_config(base, patch, path=()):
    if not isinstance(patch, dict):
        raise ConfigError("config%s must be an object" % "".join("." + p for p in path))
    out = copy.deepcopy(base)
    for key, value in patch.items():
        here = path + (key,)
        name = ".".join(here)
        if key not in base:
            raise ConfigError("unknown config key %s" % name)
        default = base[key]
        if here in FREE_FORM:
            if not isinstance(value, dict):
                raise ConfigError("%s must be an object" % name)
            out[key] = dict(default, **value)
        elif isinstance(default, dict):
            out[key] = merge_config(default, value, here)
        elif value is None and here in NULLABLE:
            out[key] = None
        elif here in CHOICES:
            if value not in CHOICES[here]:
                raise ConfigError("%s must be one of %s" % (name, ", ".join(CHOICES[here])))
            out[key] = value
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError("%s must be a boolean" % name)
            out[key] = value
        elif here == ("notion", "count_properties"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError("%s must be null or a list of property names" % name)
            out[key] = value
        elif isinstance(default, (int, float)) or default is None:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError("%s must be a number >= 0" % name)
            out[key] = value
        else:
            out[key] = value
    return out


class Clock:
    """Deterministic clock for timestamps: starts at `start`, ticks `tick_ms` per stamp."""

    START = _dt.datetime(2026, 8, 1, tzinfo=util.UTC)

    def __init__(self):
        self.now = self.START
        self.tick_ms = 1

    def stamp(self):
        value = self.now
        self.now = self.now + _dt.timedelta(milliseconds=self.tick_ms)
        return util.iso_ms(value)

    def current(self):
        return self.now

    def public(self):
        return {"now": util.iso_ms(self.now), "tick_ms": self.tick_ms}


class RequestLog:
    def __init__(self):
        self.entries = []
        self.next_id = 1


class App:
    def __init__(self, host="127.0.0.1", verbose=False):
        self.host = host
        self.verbose = verbose
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.t0 = time.monotonic()
        self.servers = {}          # key -> FakeServer   (key: notion, openai, pinecone_control, data:<index>)
        self.threads = []
        self.seeds = []            # cumulative: startup seed first, then runtime seeds
        self.startup_seeds = 0
        self.notion = NotionService(self)
        self.pinecone = PineconeService(self)
        self.openai = OpenAIService(self)
        self.by_service = {"notion": self.notion, "pinecone_control": self.pinecone,
                           "pinecone_data": self.pinecone, "openai": self.openai}
        self.presets = {}
        for svc in (self.notion, self.pinecone, self.openai):
            self.presets.update(svc.presets)
        self.faults = FaultTable()
        self._reset_state()

    # -- state -------------------------------------------------------------------
    def _reset_state(self):
        self.config = copy.deepcopy(DEFAULT_CONFIG)
        self.clock = Clock()
        self.log = RequestLog()
        self.faults.clear()
        self.seq = 0
        self.obj_counter = 0
        for svc in (self.notion, self.pinecone, self.openai):
            svc.reset()

    def reset(self, drop_runtime_seeds=False):
        with self.lock:
            if drop_runtime_seeds:
                self.seeds = self.seeds[: self.startup_seeds]
            self._reset_state()
            for seed in self.seeds:
                self._apply_seed(seed)

    def new_id(self, kind):
        self.obj_counter += 1
        return util.uuid_from("%s:%d" % (kind, self.obj_counter))

    def elapsed(self):
        return time.monotonic() - self.t0

    def set_config(self, patch):
        with self.lock:
            new = merge_config(self.config, patch)
            old, self.config = self.config, new
            for svc in (self.notion, self.pinecone, self.openai):
                svc.on_config(old, new, patch)
            return self.config

    # -- seeding -----------------------------------------------------------------
    def validate_seed(self, seed):
        if not isinstance(seed, dict):
            raise ValueError("seed must be a JSON object")
        unknown = set(seed) - {"notion", "pinecone", "openai", "config"}
        if unknown:
            raise ValueError("unknown seed keys: %s" % ", ".join(sorted(unknown)))
        canon = {
            "notion": self.notion.validate_seed(seed.get("notion")),
            "pinecone": self.pinecone.validate_seed(seed.get("pinecone")),
            "openai": self.openai.validate_seed(seed.get("openai")),
            "config": seed.get("config"),
        }
        if canon["config"] is not None:
            merge_config(DEFAULT_CONFIG, canon["config"])  # raises on bad keys
        return canon

    def _apply_seed(self, canon):
        if canon["config"] is not None:
            self.set_config(canon["config"])
        self.notion.apply_seed(canon["notion"])
        self.pinecone.apply_seed(canon["pinecone"])
        self.openai.apply_seed(canon["openai"])

    def add_seed(self, seed, startup=False):
        canon = self.validate_seed(seed)
        with self.lock:
            self.seeds.append(canon)
            if startup:
                self.startup_seeds = len(self.seeds)
            self._apply_seed(canon)
        return canon

    # -- listeners ---------------------------------------------------------------
    def listen(self, key, port, service, index=None):
        server = FakeServer(self.host, port, self, service, index)
        self.servers[key] = server
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="fake-" + key, daemon=True)
        thread.start()
        self.threads.append(thread)
        return server.server_address[1]

    def data_port(self, index_name, wanted_port=0):
        """Port of the data-plane listener of an index, started on first use."""
        key = "data:" + index_name
        server = self.servers.get(key)
        if server is None:
            self.listen(key, wanted_port or 0, "pinecone_data", index_name)
            server = self.servers[key]
        return server.server_address[1]

    def ports(self):
        out = {}
        for key in ("notion", "pinecone_control"):
            if key in self.servers:
                out[key] = self.servers[key].server_address[1]
        out["pinecone_data"] = {k[5:]: s.server_address[1] for k, s in self.servers.items()
                                if k.startswith("data:")}
        if "openai" in self.servers:
            out["openai"] = self.servers["openai"].server_address[1]
        return out

    def shutdown(self):
        self.stopping.set()
        servers = list(self.servers.values())
        stoppers = [threading.Thread(target=s.shutdown, daemon=True) for s in servers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join(5)
        for server in servers:
            server.server_close()

    # -- request life cycle ------------------------------------------------------
    def begin(self, req):
        """Log the request, pick a fault rule.  Returns the rule or None."""
        with self.lock:
            self.seq += 1
            req.seq = self.seq
            svc = self.by_service[req.service]
            req.request_id = svc.request_id(req)
            req.entry = self._log_entry(req)
            rule = self.faults.match(req)
            if rule is not None:
                req.entry["fault"] = {"rule": rule["id"], "type": rule["action"]["type"],
                                      "preset": rule["action"].get("preset")}
            return rule

    def _log_entry(self, req):
        cfg = self.config["log"]
        headers = {}
        for k, v in req.headers.items():
            if k.lower() in util.SECRET_HEADERS:
                v = util.redact(v)
            headers[k] = v
        text = req.body.decode("utf-8", errors="replace")
        limit = int(cfg["body_max"])
        entry = {
            "id": self.log.next_id,
            "service": req.service,
            "index": req.index,
            "method": req.method,
            "path": req.path,
            "query": req.raw_query,
            "headers": headers,
            "body": text[:limit],
            "body_bytes": len(req.body),
            "body_truncated": len(text) > limit,
            "request_id": req.request_id,
            "t": round(self.elapsed(), 6),
            "time": util.iso_ms(_dt.datetime.now(util.UTC)),
            "status": None,
            "outcome": None,
            "fault": None,
            "limited": False,
            "duration_ms": None,
        }
        self.log.next_id += 1
        self.log.entries.append(entry)
        excess = len(self.log.entries) - int(cfg["max_entries"])
        if excess > 0:
            del self.log.entries[:excess]
        return entry

    def finish(self, req, status, outcome="response"):
        with self.lock:
            entry = req.entry
            if entry is None:
                return
            if outcome != "client_gone":
                entry["status"] = status
            entry["outcome"] = outcome
            entry["duration_ms"] = round((time.monotonic() - req.started) * 1000, 3)

    def process(self, req):
        """Run the service's handler under the lock; never raises."""
        svc = self.by_service[req.service]
        with self.lock:
            try:
                return svc.handle(req)
            except Exception as exc:  # a bug in a fake must not kill the listener
                traceback.print_exc(file=sys.stderr)
                return svc.error(req, 500, "fake internal error: %s" % exc)

    def decorate(self, req, resp):
        with self.lock:
            return self.by_service[req.service].decorate(req, resp)

    def fault_response(self, req, action):
        svc = self.by_service[req.service]
        with self.lock:
            if action.get("preset"):
                resp = self.presets[action["preset"]](req, action)
            else:
                status = action.get("status", 200)
                if "body" not in action:
                    resp = svc.error(req, status) if status >= 400 else Response.json(status, {})
                else:
                    body = action["body"]
                    if body is None:
                        resp = Response(status, b"", content_type=None)
                    elif isinstance(body, str):
                        resp = Response(status, body, content_type="text/plain; charset=utf-8")
                    else:
                        resp = Response.json(status, body)
                if not action.get("raw"):
                    resp = svc.decorate(req, resp)
            for k, v in (action.get("headers") or {}).items():
                resp.set(k, v)
            return resp

    # -- control API -------------------------------------------------------------
    def control(self, server, method, target, headers, body):
        from .control import handle_control
        return handle_control(self, server, method, target, headers, body)
