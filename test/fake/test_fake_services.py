#!/usr/bin/env python3
"""TAP tests of test/fake/fake_services.py, from the client's side.

Starts the fake as a subprocess on free ports (port 0), waits for its ready
line, and checks with urllib (http.client where a connection-level detail is
the point) every behaviour of spec section 5.2-5.5 and the section 5.6
scenarios a fake can demonstrate alone.  Output is TAP:

    prove --exec python3 test/fake/test_fake_services.py

No sleeps are used for synchronisation; the few sleeps are scenarios about
time (Retry-After, visibility delay, index lag, slow bodies), with tolerances.
"""

import base64
import http.client
import json
import math
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_services.py")

NOTION_TOKEN = "ntn_test_token_0001"
NOTION_TOKEN2 = "ntn_test_token_0002"
PC_KEY = "pcsk_test_key_0001"
OAI_KEY = "sk-test-key-0001"
V22, V25, V26 = "2022-06-28", "2025-09-03", "2026-03-11"

SEED = {
    "notion": {
        "tokens": [NOTION_TOKEN, NOTION_TOKEN2],
        "databases": [
            {"title": "Amprenta", "properties": {
                "Name": "title", "Amprenta ID": "rich_text", "Score": "number",
                "Status": {"type": "select", "options": ["New"]}, "Tags": "multi_select",
                "When": "date", "Source": "url", "Synced": "checkbox", "Related": "relation",
                "Created": "created_time"}},
            {"title": "Multi", "data_sources": [{"name": "One", "properties": {"Name": "title"}},
                                                {"name": "Two", "properties": {"Name": "title"}}]},
            {"title": "Hidden", "shared": False, "properties": {"Name": "title"}},
        ],
    },
    "pinecone": {
        "api_keys": [PC_KEY],
        "indexes": [
            {"name": "amprenta", "dimension": 384, "metric": "cosine"},
            {"name": "tiny", "dimension": 4, "metric": "dotproduct"},
            {"name": "euclid", "dimension": 2, "metric": "euclidean"},
            {"name": "records", "dimension": 64, "metric": "cosine",
             "embed": {"model": "multilingual-e5-large", "field_map": {"text": "chunk_text"}}},
        ],
        "models": [{"name": "pc-8", "dimension": 8}],
    },
    "openai": {"api_keys": [OAI_KEY], "models": [{"id": "amprenta-local-384", "dimension": 384},
                                                  {"id": "tiny-8", "dimension": 8}]},
}

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
PORTS = {}
IDS = {}


# ---------------------------------------------------------------------------- plumbing
class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def h(self, name):
        return self.headers.get(name)


class ConnError(Exception):
    pass


def call(port, method, path, body=None, headers=None, timeout=15, raw=None):
    url = "http://127.0.0.1:%d%s" % (port, path)
    data = raw if raw is not None else (json.dumps(body).encode("utf-8") if body is not None else None)
    hdrs = dict(headers or {})
    if data is not None and raw is None:
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return Resp(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Resp(e.code, e.headers, e.read())
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        raise ConnError("%s: %s" % (type(e).__name__, e))


def ctl(method, path, body=None, port=None):
    r = call(port or PORTS["notion"], method, "/__fake" + path, body)
    assert r.status == 200, "control %s %s -> %d %s" % (method, path, r.status, r.body[:300])
    return r.json


def notion(method, path, body=None, version=V25, token=NOTION_TOKEN, headers=None, **kw):
    hdrs = {}
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    if version is not None:
        hdrs["Notion-Version"] = version
    hdrs.update(headers or {})
    return call(PORTS["notion"], method, path, body, hdrs, **kw)


def pc_ctl(method, path, body=None, key=PC_KEY, **kw):
    hdrs = {"X-Pinecone-Api-Version": "2025-10"}
    if key is not None:
        hdrs["Api-Key"] = key
    return call(PORTS["pinecone_control"], method, path, body, hdrs, **kw)


def pc(index, method, path, body=None, key=PC_KEY, version="2025-10", headers=None, **kw):
    hdrs = {}
    if key is not None:
        hdrs["Api-Key"] = key
    if version is not None:
        hdrs["X-Pinecone-Api-Version"] = version
    hdrs.update(headers or {})
    return call(PORTS["pinecone_data"][index], method, path, body, hdrs, **kw)


def oai(method, path, body=None, key=OAI_KEY, **kw):
    hdrs = {"Authorization": "Bearer " + key} if key is not None else {}
    return call(PORTS["openai"], method, path, body, hdrs, **kw)


def rt(text):
    return {"rich_text": [{"type": "text", "text": {"content": text}}]}


def title(text):
    return {"title": [{"text": {"content": text}}]}


def page_body(key, extra=None, ds=None, children=None):
    props = {"Name": title("Row " + key), "Amprenta ID": rt(key)}
    props.update(extra or {})
    body = {"parent": {"type": "data_source_id", "data_source_id": ds or IDS["ds"]}, "properties": props}
    if children is not None:
        body["children"] = children
    return body


def create(key, extra=None, **kw):
    r = notion("POST", "/v1/pages", page_body(key, extra), **kw)
    assert r.status == 200, (r.status, r.body[:400])
    return r.json


def query_key(key, ds=None):
    r = notion("POST", "/v1/data_sources/%s/query" % (ds or IDS["ds"]),
               {"filter": {"property": "Amprenta ID", "rich_text": {"equals": key}}})
    assert r.status == 200, (r.status, r.body[:300])
    return r.json["results"]


def para(text):
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": [{"text": {"content": text}}]}}


def pages_state():
    return ctl("GET", "/state/notion")["pages"]


def log(**filters):
    q = urllib.parse.urlencode(filters)
    return ctl("GET", "/requests" + ("?" + q if q else ""))["requests"]


def fault(rule):
    return ctl("POST", "/faults", rule)["faults"][0]


def config(patch):
    return ctl("POST", "/config", patch)


def eq(a, b, what=""):
    assert a == b, "%s: expected %r, got %r" % (what, b, a)


def err_code(r, status, code, what=""):
    assert r.status == status, "%s: status %d (want %d): %s" % (what, r.status, status, r.body[:300])
    body = r.json
    assert body.get("code") == code, "%s: code %r (want %r): %s" % (what, body.get("code"), code, body)
    return body


def vec(seed, dim=384):
    """A deterministic non-zero vector."""
    return [math.sin(seed * 7.3 + i * 0.37) + (0.01 if i == 0 else 0.0) for i in range(dim)]


def cos(a, b):
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def poll(fn, timeout=10.0, step=0.02):
    """Bounded polling of a condition (returns the first truthy value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached within %.1fs" % timeout)
        time.sleep(step)


class Fake:
    def __init__(self, seed):
        self.dir = tempfile.mkdtemp(prefix="fake-services-")
        self.seed_path = os.path.join(self.dir, "seed.json")
        with open(self.seed_path, "w") as fh:
            json.dump(seed, fh)
        self.err_path = os.path.join(self.dir, "stderr.log")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, FAKE, "--notion-port", "0", "--pinecone-control-port", "0",
             "--pinecone-data-port", "0", "--openai-port", "0", "--seed", self.seed_path],
            stdout=subprocess.PIPE, stderr=self.err)
        self.ready = self._ready_line()

    def _ready_line(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            readable, _, _ = select.select([fd], [], [], max(0.0, left))
            if not readable:
                raise RuntimeError("no ready line within %.0fs" % timeout)
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("fake exited before ready: " + self.stderr())
            buf += chunk
        return json.loads(buf.split(b"\n")[0].decode("utf-8"))

    def stderr(self):
        self.err.flush()
        with open(self.err_path, "rb") as fh:
            return fh.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


TESTS = []


def test(desc):
    def deco(fn):
        TESTS.append((desc, fn))
        return fn
    return deco


# ============================================================================ common / control
@test("ready line lists notion, pinecone_control, one pinecone_data port per seeded index, openai")
def _():
    for key in ("notion", "pinecone_control", "openai"):
        assert isinstance(PORTS[key], int) and PORTS[key] > 0, key
    eq(sorted(PORTS["pinecone_data"]), ["amprenta", "euclid", "records", "tiny"], "indexes")
    assert len(set([PORTS["notion"], PORTS["pinecone_control"], PORTS["openai"]]
                   + list(PORTS["pinecone_data"].values()))) == 7


@test("GET /__fake/health answers on every listener with its service name")
def _():
    ports = [("notion", PORTS["notion"]), ("pinecone_control", PORTS["pinecone_control"]),
             ("openai", PORTS["openai"])] + [("pinecone_data", p) for p in PORTS["pinecone_data"].values()]
    for service, port in ports:
        h = ctl("GET", "/health", port=port)
        eq(h["ok"], True)
        eq(h["service"], service, "service of port %d" % port)
        eq(h["ports"]["pinecone_data"], PORTS["pinecone_data"])


@test("HTTP/1.1 keep-alive, Expect: 100-continue and chunked request bodies")
def _():
    conn = http.client.HTTPConnection("127.0.0.1", PORTS["notion"], timeout=10)
    conn.request("GET", "/__fake/health")
    r1 = conn.getresponse()
    r1.read()
    sock = conn.sock
    conn.request("POST", "/v1/pages", body=json.dumps(page_body("ka-1")),
                 headers={"Authorization": "Bearer " + NOTION_TOKEN, "Notion-Version": V25,
                          "Content-Type": "application/json", "Expect": "100-continue"})
    r2 = conn.getresponse()
    body2 = r2.read()
    eq(r1.status, 200)
    eq(r2.status, 200, "create over the same connection: %s" % body2[:200])
    assert conn.sock is sock and sock is not None, "connection was not kept alive"
    eq(r2.version, 11, "HTTP version")

    def gen():
        data = json.dumps(page_body("ka-2")).encode()
        yield data[:10]
        yield data[10:]
    conn.request("POST", "/v1/pages", body=gen(), encode_chunked=True,
                 headers={"Authorization": "Bearer " + NOTION_TOKEN, "Notion-Version": V25,
                          "Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    r3 = conn.getresponse()
    body3 = r3.read()
    eq(r3.status, 200, "chunked create: %s" % body3[:200])
    conn.close()
    eq(len(pages_state()), 2)


@test("listeners send with TCP_NODELAY, so a response body never waits for the client's delayed ACK")
def _():
    # A response leaves in two writes (head, then body); with Nagle's
    # algorithm the second waits for the ACK of the first, which a client
    # delays by up to 40 ms: every answer would be that much late.
    sys.path.insert(0, HERE)
    from fakesvc import httpd
    assert httpd.Handler.disable_nagle_algorithm is True, "Nagle's algorithm is on"


@test("POST /__fake/reset clears pages, vectors, faults, log and config; seeded ids are stable")
def _():
    create("reset-1")
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "v", "values": [1, 0, 0, 0]}]})
    fault({"service": "openai", "action": "openai_500"})
    config({"pinecone": {"visibility_delay_ms": 5}})
    ds_before = IDS["ds"]
    ctl("POST", "/reset")
    eq(len(pages_state()), 0, "pages")
    eq(ctl("GET", "/state/pinecone/tiny")["namespaces"], {}, "vectors")
    eq(ctl("GET", "/faults")["faults"], [], "faults")
    eq(len(log()), 0, "log")
    eq(ctl("GET", "/config")["pinecone"]["visibility_delay_ms"], 0, "config")
    ds_after = [d for d in ctl("GET", "/state/notion")["data_sources"] if d["name"] == "Amprenta"][0]["id"]
    eq(ds_after, ds_before, "data source id after reset")


@test("POST /__fake/seed adds a Pinecone index on a new port, a database and keys; kept over reset unless dropped")
def _():
    out = ctl("POST", "/seed", {"pinecone": {"indexes": [{"name": "late", "dimension": 3, "metric": "cosine"}]},
                                "notion": {"tokens": ["ntn_late_token"],
                                           "databases": [{"title": "Late", "properties": {"Title": "title"}}]},
                                "openai": {"api_keys": ["sk-late-key"], "models": [{"id": "late-5", "dimension": 5}]}})
    port = out["ports"]["pinecone_data"]["late"]
    assert port not in PORTS["pinecone_data"].values()
    d = pc_ctl("GET", "/indexes/late")
    eq(d.status, 200)
    eq(d.json["host"], "127.0.0.1:%d" % port)
    r = call(port, "POST", "/vectors/upsert", {"vectors": [{"id": "x", "values": [1, 2, 3]}]}, {"Api-Key": PC_KEY})
    eq(r.status, 200, r.body)
    eq(notion("GET", "/v1/users/me", token="ntn_late_token").status, 200, "new token")
    r = oai("POST", "/v1/embeddings", {"model": "late-5", "input": "x"}, key="sk-late-key")
    eq(len(r.json["data"][0]["embedding"]), 5)
    ctl("POST", "/reset")
    eq(pc_ctl("GET", "/indexes/late").status, 200, "runtime seed survives reset")
    eq(ctl("GET", "/state/pinecone/late")["namespaces"], {}, "but its vectors are gone")
    ctl("POST", "/reset", {"drop_runtime_seeds": True})
    eq(pc_ctl("GET", "/indexes/late").status, 404, "dropped")
    eq(call(port, "POST", "/vectors/upsert", {"vectors": [{"id": "x", "values": [1, 2, 3]}]},
            {"Api-Key": PC_KEY}).status, 404, "listener of a dropped index answers 404")
    bad = call(PORTS["notion"], "POST", "/__fake/seed", {"pinecone": {"indexes": [{"name": "Bad_Name", "dimension": 3}]}})
    eq(bad.status, 400, "invalid index name rejected")


@test("request log: filters, limit, auth redacted to the last 4 characters, status and fault recorded")
def _():
    create("log-1")
    pc("tiny", "POST", "/describe_index_stats", {})
    oai("GET", "/v1/models")
    entries = log()
    eq([e["service"] for e in entries], ["notion", "pinecone_data", "openai"])
    n = log(service="notion")[0]
    eq(n["headers"]["Authorization"], "Bearer ***0001")
    assert NOTION_TOKEN not in json.dumps(entries), "a secret leaked into the log"
    eq(n["status"], 200)
    eq(n["method"], "POST")
    eq(n["path"], "/v1/pages")
    assert "log-1" in n["body"]
    eq(log(service="pinecone")[0]["headers"]["Api-Key"], "***0001")
    eq(log(service="pinecone")[0]["index"], "tiny")
    eq(len(log(limit=2)), 2)
    eq(log(limit=1)[0]["service"], "openai", "limit keeps the newest")
    eq(len(log(method="GET")), 1)
    eq(len(log(path="^/v1/pages$")), 1)
    fault({"service": "notion", "action": "notion_500"})
    notion("GET", "/v1/users/me")
    last = log(service="notion", limit=1)[0]
    eq(last["status"], 500)
    eq(last["fault"]["type"], "status")
    eq(last["fault"]["preset"], "notion_500")
    ctl("DELETE", "/requests")
    eq(log(), [])


@test("state endpoints: notion pages with children, pinecone index vectors/LSN, openai counters")
def _():
    p = notion("POST", "/v1/pages", page_body("st-1", children=[para("hello")])).json
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "a", "values": [1, 0, 0, 0], "metadata": {"k": "v"}}],
                                           "namespace": "ns1"})
    oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": ["a b", "c"]})
    st = ctl("GET", "/state/notion")
    eq(st["pages"][0]["id"], p["id"])
    eq(st["pages"][0]["children"][0]["text"], "hello")
    eq(sorted(d["title"] for d in st["databases"]), ["Amprenta", "Hidden", "Multi"])
    ps = ctl("GET", "/state/pinecone/tiny?namespace=ns1")
    eq(ps["namespaces"]["ns1"]["vectors"][0]["metadata"], {"k": "v"})
    eq(ps["namespaces"]["ns1"]["lsn"], 1)
    allp = ctl("GET", "/state/pinecone")
    eq(allp["indexes"]["amprenta"]["dimension"], 384)
    eq(allp["indexes"]["tiny"]["namespaces"], {"ns1": 1})
    so = ctl("GET", "/state/openai")
    eq(so["counters"]["requests"], 1)
    eq(so["counters"]["inputs"], 2)
    eq(so["counters"]["per_model"]["tiny-8"]["estimated_tokens"], 2)


@test("config: deep merge, unknown keys and bad values rejected with 400")
def _():
    c = config({"notion": {"rate_limit": {"burst": 5}}})
    eq(c["notion"]["rate_limit"], {"enabled": False, "rate": 3.0, "burst": 5, "retry_after": None})
    eq(call(PORTS["openai"], "POST", "/__fake/config", {"notion": {"nope": 1}}).status, 400, "unknown key")
    eq(call(PORTS["openai"], "POST", "/__fake/config", {"pinecone": {"host_style": "weird"}}).status, 400, "choice")
    eq(call(PORTS["openai"], "POST", "/__fake/config", {"notion": {"index_lag_ms": "x"}}).status, 400, "type")
    eq(ctl("GET", "/config")["notion"]["rate_limit"]["burst"], 5)


@test("clock: POST /__fake/clock sets the time used for created_time; each stamp ticks 1 ms")
def _():
    ctl("POST", "/clock", {"now": "2027-01-02T03:04:05.000Z"})
    a = create("clk-1")
    b = create("clk-2")
    eq(a["created_time"], "2027-01-02T03:04:05.000Z")
    eq(b["created_time"], "2027-01-02T03:04:05.001Z")
    c = ctl("POST", "/clock", {"advance_ms": 60000, "tick_ms": 0})
    eq(c["now"], "2027-01-02T03:05:05.002Z")


@test("faults: skip/times accounting, times -1, match on service/method/path/body/header, list and delete")
def _():
    f = fault({"service": "notion", "match": {"method": "GET", "path": "^/v1/users/me$"}, "skip": 1, "times": 2,
               "action": {"type": "status", "status": 503}})
    got = [notion("GET", "/v1/users/me").status for _ in range(5)]
    eq(got, [200, 503, 503, 200, 200], "skip 1 then 2 firings")
    listed = ctl("GET", "/faults")["faults"][0]
    eq((listed["id"], listed["seen"], listed["fired"], listed["remaining"]), (f["id"], 3, 2, 0))
    ctl("DELETE", "/faults")
    g = fault({"service": "openai", "match": {"body_contains": "poison", "headers": {"X-Test": "^yes$"}},
               "times": -1, "action": "openai_500"})
    eq(oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "poison"}).status, 200, "header missing")
    r = call(PORTS["openai"], "POST", "/v1/embeddings", {"model": "tiny-8", "input": "poison"},
             {"Authorization": "Bearer " + OAI_KEY, "X-Test": "yes"})
    eq(r.status, 500)
    eq(notion("GET", "/v1/users/me").status, 200, "other services unaffected")
    for _ in range(3):
        eq(call(PORTS["openai"], "POST", "/v1/embeddings", {"model": "tiny-8", "input": "poison!"},
                {"Authorization": "Bearer " + OAI_KEY, "X-Test": "yes"}).status, 500, "times -1")
    eq(call(PORTS["notion"], "DELETE", "/__fake/faults/%d" % g["id"]).status, 200)
    eq(ctl("GET", "/faults")["faults"], [])
    bad = call(PORTS["notion"], "POST", "/__fake/faults", {"action": {"type": "explode"}})
    eq(bad.status, 400, "bad action type")
    bad = call(PORTS["notion"], "POST", "/__fake/faults", {"action": "no_such_preset"})
    eq(bad.status, 400, "unknown preset")
    p = fault({"service": "pinecone", "action": "pinecone_500"})
    eq(pc_ctl("GET", "/indexes/tiny").status, 500, "service 'pinecone' covers the control plane")
    eq(p["remaining"], 1)


@test("status action: JSON, raw string and null bodies, default service error body, custom headers")
def _():
    fault({"service": "notion", "action": {"type": "status", "status": 418, "body": {"x": 1}, "headers": {"X-A": "b"}}})
    r = notion("GET", "/v1/users/me")
    eq((r.status, r.json, r.h("X-A")), (418, {"x": 1}, "b"))
    assert r.h("x-notion-request-id"), "service headers kept"
    fault({"service": "notion", "action": {"type": "status", "status": 502, "body": "Bad gateway text"}})
    r = notion("GET", "/v1/users/me")
    eq((r.status, r.body), (502, b"Bad gateway text"))
    fault({"service": "notion", "action": {"type": "status", "status": 204, "body": None}})
    r = notion("GET", "/v1/users/me")
    eq((r.status, r.body), (204, b""))
    fault({"service": "notion", "action": {"type": "status", "status": 503}})
    b = err_code(notion("GET", "/v1/users/me"), 503, "service_unavailable")
    eq(b["object"], "error")
    fault({"service": "pinecone_data", "action": {"type": "status", "status": 503}})
    b = pc("tiny", "POST", "/describe_index_stats", {}).json
    eq((b["code"], b["details"]), (14, []))
    fault({"service": "openai", "action": {"type": "status", "status": 502}})
    eq(oai("GET", "/v1/models").json["error"]["type"], "server_error")


@test("presets: notion_429/529/500/503/409, pinecone_429/500, openai_429_rpm/quota/500, cloudflare_502_html")
def _():
    cases = [("notion_429", 429, "rate_limited"), ("notion_529", 529, "service_overload"),
             ("notion_500", 500, "internal_server_error"), ("notion_503", 503, "service_unavailable"),
             ("notion_409", 409, "conflict_error")]
    for preset, status, code in cases:
        fault({"service": "notion", "action": {"preset": preset, "retry_after": 2}})
        r = notion("GET", "/v1/users/me")
        b = err_code(r, status, code, preset)
        eq(b["request_id"], r.h("x-notion-request-id"), preset + " request_id")
        if status in (429, 529):
            eq(r.h("Retry-After"), "2", preset + " Retry-After")
    fault({"service": "pinecone_data", "action": "pinecone_429"})
    r = pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 1})
    eq((r.status, r.json["code"]), (429, 8))
    fault({"service": "pinecone_control", "action": "pinecone_429"})
    r = pc_ctl("GET", "/indexes/tiny")
    eq((r.status, r.json["error"]["code"], r.json["status"]), (429, "RESOURCE_EXHAUSTED", 429))
    fault({"service": "pinecone_data", "action": "pinecone_500"})
    eq(pc("tiny", "POST", "/describe_index_stats", {}).json["code"], 13)
    fault({"service": "openai", "action": {"preset": "openai_429_rpm", "retry_after_ms": 1500}})
    r = oai("GET", "/v1/models")
    eq((r.status, r.json["error"]["type"], r.json["error"]["code"]), (429, "requests", "rate_limit_exceeded"))
    eq((r.h("retry-after"), r.h("retry-after-ms")), ("2", "1500"))
    fault({"service": "openai", "action": "openai_429_quota"})
    r = oai("GET", "/v1/models")
    eq((r.status, r.json["error"]["code"], r.h("x-should-retry"), r.h("retry-after")),
       (429, "insufficient_quota", "false", None))
    fault({"service": "openai", "action": "openai_500"})
    eq(oai("GET", "/v1/models").status, 500)
    fault({"service": "notion", "action": "cloudflare_502_html"})
    r = notion("GET", "/v1/users/me")
    eq(r.status, 502)
    assert r.h("Content-Type").startswith("text/html"), r.h("Content-Type")
    assert r.h("cf-ray") and r.h("x-notion-request-id") is None
    assert b"cloudflare" in r.body


@test("delay action: response arrives after the delay (>= 0.3 s) and the operation succeeds")
def _():
    fault({"service": "notion", "match": {"method": "POST"}, "action": {"type": "delay", "ms": 300}})
    t0 = time.monotonic()
    create("delayed")
    assert time.monotonic() - t0 >= 0.29, "too fast"
    eq(len(pages_state()), 1)


@test("hang action: the client timeout fires, other requests are served meanwhile, then the server lets go")
def _():
    fault({"service": "notion", "match": {"path": "^/v1/pages$"}, "action": {"type": "hang"}})
    result = {}

    def hung():
        t0 = time.monotonic()
        try:
            result["resp"] = notion("POST", "/v1/pages", page_body("hang-1"), timeout=2.5)
        except ConnError as e:
            result["err"] = str(e)
        result["elapsed"] = time.monotonic() - t0

    th = threading.Thread(target=hung)
    th.start()
    poll(lambda: [e for e in log(service="notion") if e["fault"]])
    t0 = time.monotonic()
    eq(notion("GET", "/v1/users/me").status, 200, "notion served during hang")
    eq(pc("tiny", "POST", "/describe_index_stats", {}).status, 200, "pinecone served during hang")
    assert time.monotonic() - t0 < 2.0, "other requests were blocked"
    assert th.is_alive(), "hung request returned early"
    th.join(10)
    assert "err" in result and "timed out" in result["err"].lower(), result
    assert 2.4 <= result["elapsed"] < 8, result["elapsed"]
    entry = poll(lambda: [e for e in log(service="notion", path="^/v1/pages$") if e["outcome"] == "hang"])
    eq(entry[0]["status"], None)
    eq(len(pages_state()), 0, "hang does not apply by default")


@test("hang with max_ms: the server closes the connection without a response after max_ms")
def _():
    fault({"service": "openai", "action": {"type": "hang", "max_ms": 300}})
    t0 = time.monotonic()
    try:
        oai("GET", "/v1/models", timeout=10)
        raise AssertionError("expected a connection error")
    except ConnError:
        pass
    assert 0.25 <= time.monotonic() - t0 < 5


@test("reset action: connection dropped (RST or close), nothing applied")
def _():
    for mode in ("rst", "close"):
        fault({"service": "notion", "match": {"method": "POST"}, "action": {"type": "reset", "mode": mode}})
        try:
            create("reset-" + mode)
            raise AssertionError("expected a connection error (%s)" % mode)
        except ConnError:
            pass
    eq(len(pages_state()), 0)
    eq([e["outcome"] for e in log(service="notion")], ["reset", "reset"])


@test("apply_then_status: the operation is performed, the client sees 500")
def _():
    fault({"service": "pinecone_data", "action": {"type": "apply_then_status", "status": 500}})
    r = pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "ats", "values": [1, 0, 0, 0]}]})
    eq((r.status, r.json["code"]), (500, 13))
    eq(ctl("GET", "/state/pinecone/tiny")["namespaces"][""]["vector_count"], 1)


@test("partial action: headers plus half the body, then close; the client gets an incomplete read")
def _():
    fault({"service": "openai", "action": {"type": "partial"}})
    try:
        oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "partial body"})
        raise AssertionError("expected an incomplete read")
    except ConnError as e:
        assert "IncompleteRead" in str(e), str(e)
    eq(ctl("GET", "/state/openai")["counters"]["requests"], 1, "applied by default")


@test("malformed action: truncated JSON, wrong Content-Type, empty body (all 200)")
def _():
    fault({"service": "notion", "action": {"type": "malformed"}})
    r = notion("POST", "/v1/pages", page_body("mal-1"))
    eq((r.status, r.body), (200, b'{"object": "page", "id": '))
    try:
        r.json
        raise AssertionError("truncated JSON parsed")
    except ValueError:
        pass
    eq(len(pages_state()), 0, "not applied by default")
    fault({"service": "notion", "action": {"type": "malformed", "variant": "wrong_content_type", "apply": True}})
    r = notion("POST", "/v1/pages", page_body("mal-2"))
    assert r.h("Content-Type").startswith("text/html")
    eq(r.json["object"], "page")
    eq(len(pages_state()), 1, "apply: true performs the create")
    fault({"service": "notion", "action": {"type": "malformed", "variant": "empty"}})
    r = notion("GET", "/v1/users/me")
    eq((r.status, r.body), (200, b""))


@test("slow_body action: the body trickles at bytes_per_s; a per-read timeout does not fire, the total time grows")
def _():
    p = create("slow-1")
    size = len(notion("GET", "/v1/pages/" + p["id"]).body)
    fault({"service": "notion", "action": {"type": "slow_body", "bytes_per_s": int(size / 0.8)}})
    t0 = time.monotonic()
    r = notion("GET", "/v1/pages/" + p["id"], timeout=0.5)
    took = time.monotonic() - t0
    eq(r.json["id"], p["id"])
    assert 0.7 <= took < 8, "body took %.2fs; a 0.5 s per-read timeout never fired" % took
    eq(log(service="notion", limit=1)[0]["outcome"], "slow_body")


# ============================================================================ Notion
@test("notion auth: missing/unknown bearer -> 401 unauthorized with request_id = x-notion-request-id")
def _():
    for token in (None, "ntn_wrong"):
        r = notion("GET", "/v1/users/me", token=token)
        b = err_code(r, 401, "unauthorized")
        eq(b["message"], "API token is invalid.")
        eq(b["request_id"], r.h("x-notion-request-id"))
        assert r.h("Content-Type").startswith("application/json")


@test("notion headers/body: missing_version, unknown version, invalid_json, invalid_request_url")
def _():
    err_code(notion("GET", "/v1/users/me", version=None), 400, "missing_version")
    err_code(notion("GET", "/v1/users/me", version="2021-05-13"), 400, "validation_error")
    r = notion("POST", "/v1/pages", raw=b"{not json", headers={"Content-Type": "application/json"})
    err_code(r, 400, "invalid_json")
    err_code(notion("GET", "/v1/nothing/here"), 400, "invalid_request_url")
    for v in (V22, V25, V26):
        eq(notion("GET", "/v1/users/me", version=v).status, 200, v)


@test("notion GET database: data_sources on 2025-09-03, properties on 2022-06-28, multi-source error on old version")
def _():
    r = notion("GET", "/v1/databases/" + IDS["db"]).json
    eq(r["data_sources"], [{"id": IDS["ds"], "name": "Amprenta"}])
    assert "properties" not in r
    old = notion("GET", "/v1/databases/" + IDS["db"], version=V22).json
    eq(old["properties"]["Amprenta ID"]["type"], "rich_text")
    eq(old["properties"]["Name"]["id"], "title")
    b = err_code(notion("GET", "/v1/databases/" + IDS["multi_db"], version=V22), 400, "validation_error")
    eq(b["additional_data"]["error_type"], "multiple_data_sources_for_database")
    eq(sorted(b["additional_data"]["child_data_source_ids"]), sorted(IDS["multi_ds"]))
    eq(len(notion("GET", "/v1/databases/" + IDS["multi_db"]).json["data_sources"]), 2)
    ds = notion("GET", "/v1/data_sources/" + IDS["ds"]).json
    eq(ds["properties"]["Status"]["select"]["options"][0]["name"], "New")
    err_code(notion("GET", "/v1/data_sources/" + IDS["ds"], version=V22), 400, "invalid_request_url")


@test("notion create: unknown/unshared parent 404 with sharing hint, unknown property, wrong type, read-only")
def _():
    b = page_body("x")
    b["parent"] = {"database_id": "be633bf1-dfa0-436d-b259-571129a590e5"}
    r = err_code(notion("POST", "/v1/pages", b), 404, "object_not_found")
    assert "Make sure the relevant pages and databases are shared" in r["message"]
    b["parent"] = {"database_id": IDS["hidden_db"]}
    err_code(notion("POST", "/v1/pages", b), 404, "object_not_found")
    r = err_code(notion("POST", "/v1/pages", page_body("x", {"Nope": rt("v")})), 400, "validation_error")
    eq(r["message"], "Nope is not a property that exists.")
    r = err_code(notion("POST", "/v1/pages", page_body("x", {"Score": rt("1")})), 400, "validation_error")
    eq(r["message"], "Score is expected to be number.")
    err_code(notion("POST", "/v1/pages", page_body("x", {"Created": {"created_time": "2026-01-01"}})),
             400, "validation_error")
    err_code(notion("POST", "/v1/pages", {"parent": {"data_source_id": IDS["ds"]}}), 400, "validation_error")
    eq(len(pages_state()), 0)


@test("notion create: every writable property type round-trips in the page object")
def _():
    rel = create("rel-target")["id"]
    p = create("all", {"Score": {"number": 0.87}, "Status": {"select": {"name": "New"}},
                       "Tags": {"multi_select": [{"name": "pg"}, {"name": "vector"}]},
                       "When": {"date": {"start": "2026-08-01T12:00:00Z"}}, "Source": {"url": "https://e.com/1"},
                       "Synced": {"checkbox": True}, "Related": {"relation": [{"id": rel.replace("-", "")}]}})
    pr = p["properties"]
    eq(pr["Score"]["number"], 0.87)
    eq(pr["Status"]["select"]["name"], "New")
    eq([t["name"] for t in pr["Tags"]["multi_select"]], ["pg", "vector"])
    eq(pr["When"]["date"]["start"], "2026-08-01T12:00:00Z")
    eq(pr["Source"]["url"], "https://e.com/1")
    eq(pr["Synced"]["checkbox"], True)
    eq(pr["Related"]["relation"], [{"id": rel}])
    eq(pr["Amprenta ID"]["rich_text"][0]["plain_text"], "all")
    eq(pr["Created"]["created_time"], p["created_time"])
    eq(p["parent"], {"type": "data_source_id", "data_source_id": IDS["ds"], "database_id": IDS["db"]})
    assert p["url"].endswith(p["id"].replace("-", ""))


@test("notion limits: rich text item 2000 (UTF-16 units), 100 items, url 2000, select commas, auto-created options")
def _():
    ok = create("len-2000", {"Name": title("x" * 2000)})
    eq(len(ok["properties"]["Name"]["title"][0]["plain_text"]), 2000)
    r = err_code(notion("POST", "/v1/pages", page_body("len", {"Name": title("x" * 2001)})), 400, "validation_error")
    eq(r["message"], "body failed validation: body.properties.Name.title[0].text.content.length "
                     "should be ≤ `2000`, instead was `2001`.")
    create("emoji-1000", {"Name": title("\U0001F600" * 1000)})
    r = err_code(notion("POST", "/v1/pages", page_body("e", {"Name": title("\U0001F600" * 1001)})),
                 400, "validation_error")
    assert "instead was `2002`" in r["message"], r["message"]
    items = {"rich_text": [{"text": {"content": "a"}}] * 101}
    r = err_code(notion("POST", "/v1/pages", page_body("i", {"Amprenta ID": items})), 400, "validation_error")
    assert "length should be ≤ `100`, instead was `101`" in r["message"]
    err_code(notion("POST", "/v1/pages", page_body("u", {"Source": {"url": "h" * 2001}})), 400, "validation_error")
    err_code(notion("POST", "/v1/pages", page_body("c", {"Status": {"select": {"name": "a,b"}}})), 400,
             "validation_error")
    err_code(notion("POST", "/v1/pages", page_body("m", {"Tags": {"multi_select": [{"name": "t%d" % i}
                                                                                  for i in range(101)]}})),
             400, "validation_error")
    create("opt", {"Status": {"select": {"name": "Indexed"}}})
    opts = notion("GET", "/v1/data_sources/" + IDS["ds"]).json["properties"]["Status"]["select"]["options"]
    eq([o["name"] for o in opts], ["New", "Indexed"])


@test("notion children on create: <=100 blocks, nesting <=2 levels")
def _():
    err_code(notion("POST", "/v1/pages", page_body("c1", children=[para("p")] * 101)), 400, "validation_error")
    deep = {"type": "toggle", "toggle": {"rich_text": [], "children": [
        {"type": "toggle", "toggle": {"rich_text": [], "children": [para("too deep")]}}]}}
    err_code(notion("POST", "/v1/pages", page_body("c2", children=[deep])), 400, "validation_error")
    two = {"type": "toggle", "toggle": {"rich_text": [{"text": {"content": "t"}}], "children": [para("inner")]}}
    p = notion("POST", "/v1/pages", page_body("c3", children=[two, para("after")])).json
    kids = notion("GET", "/v1/blocks/%s/children" % p["id"]).json["results"]
    eq([k["type"] for k in kids], ["toggle", "paragraph"])
    eq(kids[0]["has_children"], True)
    inner = notion("GET", "/v1/blocks/%s/children" % kids[0]["id"]).json["results"]
    eq(inner[0]["paragraph"]["rich_text"][0]["plain_text"], "inner")


@test("notion body over 500 KB -> 413 with a plain-text body")
def _():
    big = page_body("big", children=[para("x" * 1900)] * 100)
    big["properties"]["Amprenta ID"] = {"rich_text": [{"text": {"content": "y" * 2000}}] * 100}
    big["children"] = big["children"] + []
    raw = json.dumps(big).encode()
    raw = raw + b" " * max(0, 500001 - len(raw))
    r = notion("POST", "/v1/pages", raw=raw, headers={"Content-Type": "application/json"})
    eq(r.status, 413)
    assert r.h("Content-Type").startswith("text/plain")
    eq(len(pages_state()), 0)


@test("notion PATCH page: merge properties, trash/restore, trashed edit rejected, archived per version")
def _():
    p = create("patch-1", {"Score": {"number": 1}})
    r = notion("PATCH", "/v1/pages/" + p["id"], {"properties": {"Score": {"number": 2}}}).json
    eq(r["properties"]["Score"]["number"], 2)
    eq(r["properties"]["Amprenta ID"]["rich_text"][0]["plain_text"], "patch-1", "other properties kept")
    r = notion("PATCH", "/v1/pages/" + p["id"], {"in_trash": True}).json
    eq(r["in_trash"], True)
    eq(r["archived"], True)
    err_code(notion("PATCH", "/v1/pages/" + p["id"], {"properties": {"Score": {"number": 3}}}), 400,
             "validation_error")
    eq(query_key("patch-1"), [], "trashed pages excluded from query")
    r = notion("PATCH", "/v1/pages/" + p["id"], {"archived": False}).json
    eq(r["in_trash"], False, "archived accepted before 2026-03-11")
    err_code(notion("PATCH", "/v1/pages/" + p["id"], {"archived": True}, version=V26), 400, "validation_error")
    r = notion("PATCH", "/v1/pages/" + p["id"], {"in_trash": True}, version=V26).json
    eq(r["in_trash"], True)
    assert "archived" not in r, "2026-03-11 responses have no archived"
    err_code(notion("PATCH", "/v1/pages/be633bf1-dfa0-436d-b259-571129a590e5", {"in_trash": True}), 404,
             "object_not_found")


@test("notion blocks: append with position start/after_block, `after` only before 2026-03-11, paginated listing")
def _():
    p = create("blk")
    pid = p["id"]
    a = notion("PATCH", "/v1/blocks/%s/children" % pid, {"children": [para("A"), para("C")]}).json["results"]
    eq(len(a), 2)
    notion("PATCH", "/v1/blocks/%s/children" % pid, {"children": [para("S")], "position": {"type": "start"}})
    notion("PATCH", "/v1/blocks/%s/children" % pid,
           {"children": [para("B")], "position": {"type": "after_block", "after_block": {"id": a[0]["id"]}}})
    notion("PATCH", "/v1/blocks/%s/children" % pid, {"children": [para("D")], "after": a[1]["id"]})
    err_code(notion("PATCH", "/v1/blocks/%s/children" % pid, {"children": [para("E")], "after": a[1]["id"]},
                    version=V26), 400, "validation_error")
    texts, cursor, pages = [], None, 0
    while True:
        q = "?page_size=2" + ("&start_cursor=" + cursor if cursor else "")
        r = notion("GET", "/v1/blocks/%s/children%s" % (pid, q)).json
        texts += [b["paragraph"]["rich_text"][0]["plain_text"] for b in r["results"]]
        pages += 1
        if not r["has_more"]:
            break
        cursor = r["next_cursor"]
    eq(texts, ["S", "A", "B", "C", "D"])
    eq(pages, 3)
    err_code(notion("GET", "/v1/blocks/%s/children?page_size=101" % pid), 400, "validation_error")
    err_code(notion("PATCH", "/v1/blocks/be633bf1-dfa0-436d-b259-571129a590e5/children",
                    {"children": [para("x")]}), 404, "object_not_found")


@test("notion query: filters (text, number, checkbox, select, multi_select, date, relation, and/or), sorts, in_trash")
def _():
    rel = create("q-rel")["id"]
    create("q-a", {"Score": {"number": 1}, "Synced": {"checkbox": True}, "Status": {"select": {"name": "New"}},
                   "Tags": {"multi_select": [{"name": "pg"}]}, "When": {"date": {"start": "2026-01-01"}},
                   "Related": {"relation": [{"id": rel}]}})
    create("q-b", {"Score": {"number": 5}, "Tags": {"multi_select": [{"name": "pg"}, {"name": "x"}]},
                   "When": {"date": {"start": "2026-06-01T10:00:00Z"}}})
    create("q-c", {"Score": {"number": 3}, "Amprenta ID": {"rich_text": []}})
    t = create("q-d", {"Score": {"number": 9}})
    notion("PATCH", "/v1/pages/" + t["id"], {"in_trash": True})

    def q(body):
        r = notion("POST", "/v1/data_sources/%s/query" % IDS["ds"], body)
        assert r.status == 200, r.body[:300]
        return [p["properties"]["Name"]["title"][0]["plain_text"][4:] for p in r.json["results"]]

    eq(q({"filter": {"property": "Amprenta ID", "rich_text": {"equals": "q-a"}}}), ["q-a"])
    eq(q({"filter": {"property": "Amprenta ID", "rich_text": {"starts_with": "q-"}}}), ["q-rel", "q-a", "q-b"])
    eq(q({"filter": {"property": "Amprenta ID", "rich_text": {"contains": "-b"}}}), ["q-b"])
    eq(q({"filter": {"property": "Amprenta ID", "rich_text": {"is_empty": True}}}), ["q-c"])
    eq(q({"filter": {"property": "Name", "title": {"ends_with": "q-c"}}}), ["q-c"])
    eq(q({"filter": {"property": "Score", "number": {"greater_than": 2}}}), ["q-b", "q-c"])
    eq(q({"filter": {"property": "Synced", "checkbox": {"equals": True}}}), ["q-a"])
    eq(q({"filter": {"property": "Status", "select": {"equals": "New"}}}), ["q-a"])
    eq(q({"filter": {"property": "Tags", "multi_select": {"contains": "x"}}}), ["q-b"])
    eq(q({"filter": {"property": "When", "date": {"on_or_after": "2026-03-01"}}}), ["q-b"])
    eq(q({"filter": {"property": "When", "date": {"equals": "2026-06-01"}}}), ["q-b"])
    eq(q({"filter": {"property": "Related", "relation": {"contains": rel}}}), ["q-a"])
    eq(q({"filter": {"or": [{"property": "Score", "number": {"equals": 1}},
                            {"and": [{"property": "Score", "number": {"greater_than": 2}},
                                     {"property": "Tags", "multi_select": {"is_empty": True}}]}]}}), ["q-a", "q-c"])
    eq(q({"filter": {"timestamp": "created_time", "created_time": {"on_or_after": "2026-08-01"}},
          "sorts": [{"property": "Score", "direction": "descending"}]}), ["q-b", "q-c", "q-a", "q-rel"])
    eq(q({"sorts": [{"timestamp": "created_time", "direction": "descending"}]}), ["q-c", "q-b", "q-a", "q-rel"])
    eq(q({"in_trash": True}), ["q-d"])
    err_code(notion("POST", "/v1/data_sources/%s/query" % IDS["ds"],
                    {"filter": {"property": "Nope", "rich_text": {"equals": "x"}}}), 400, "validation_error")
    deep = {"and": [{"or": [{"and": [{"property": "Score", "number": {"equals": 1}}]}]}]}
    err_code(notion("POST", "/v1/data_sources/%s/query" % IDS["ds"], {"filter": deep}), 400, "validation_error")


@test("notion index_lag_ms: a new page is invisible to query until the lag passes; GET sees it at once")
def _():
    config({"notion": {"index_lag_ms": 1000}})
    p = create("lag-1")
    eq(query_key("lag-1"), [], "query right after create")
    eq(notion("GET", "/v1/pages/" + p["id"]).status, 200)
    found = poll(lambda: query_key("lag-1"), timeout=5)
    eq(found[0]["id"], p["id"])


@test("notion query_scan_limit: a filtered query answers partial pages, even empty ones, with has_more")
def _():
    for i in range(7):
        create("scan-%d" % i)
    config({"notion": {"query_scan_limit": 3}})
    url = "/v1/data_sources/%s/query" % IDS["ds"]
    flt = {"property": "Amprenta ID", "rich_text": {"equals": "scan-5"}}
    r = notion("POST", url, {"filter": flt, "page_size": 2}).json
    eq((r["results"], r["has_more"]), ([], True), "rows 0-2 scanned, no match")
    assert r["next_cursor"]
    r = notion("POST", url, {"filter": flt, "page_size": 2, "start_cursor": r["next_cursor"]}).json
    eq(["".join(t["plain_text"] for t in p["properties"]["Amprenta ID"]["rich_text"]) for p in r["results"]], ["scan-5"], "rows 3-5")
    eq(r["has_more"], True)
    r = notion("POST", url, {"filter": flt, "page_size": 2, "start_cursor": r["next_cursor"]}).json
    eq((r["results"], r["has_more"], r["next_cursor"]), ([], False, None), "row 6: the end")
    # page_size still bounds the results of one answer
    r = notion("POST", url, {"filter": {"property": "Amprenta ID", "rich_text": {"starts_with": "scan-"}},
                             "page_size": 2}).json
    eq((len(r["results"]), r["has_more"]), (2, True))
    config({"notion": {"query_scan_limit": None}})
    eq(len(query_key("scan-5")), 1, "back to complete answers")


@test("notion counters: creates per property value (duplicate detector) and requests per token per second")
def _():
    create("dup-1")
    create("dup-1")
    create("dup-2")
    notion("GET", "/v1/users/me", token=NOTION_TOKEN2)
    c = ctl("GET", "/state/notion")["counters"]
    eq(c["creates"], 3)
    eq(c["creates_by_property"]["Amprenta ID"], {"dup-1": 2, "dup-2": 1})
    eq(c["requests_per_token"]["***0001"]["total"], 3)
    eq(c["requests_per_token"]["***0002"]["total"], 1)
    assert c["requests_per_token"]["***0001"]["max_per_second"] >= 1


@test("notion ids without dashes are accepted in paths and parents; responses use dashed ids")
def _():
    b = page_body("nodash")
    b["parent"] = {"data_source_id": IDS["ds"].replace("-", "")}
    p = notion("POST", "/v1/pages", b).json
    r = notion("GET", "/v1/pages/" + p["id"].replace("-", "")).json
    eq(r["id"], p["id"])
    assert "-" in r["id"]


@test("notion page parent: only title allowed")
def _():
    parent = create("pp")["id"]
    r = notion("POST", "/v1/pages", {"parent": {"page_id": parent}, "properties": {"title": title("child")}})
    eq(r.status, 200, r.body[:200])
    eq(r.json["parent"], {"type": "page_id", "page_id": parent})
    err_code(notion("POST", "/v1/pages", {"parent": {"page_id": parent},
                                          "properties": {"title": title("c"), "Score": {"number": 1}}}),
             400, "validation_error")


@test("notion per-token token bucket (3 rps): 429 rate_limited with Retry-After, other token unaffected, ok after waiting")
def _():
    config({"notion": {"rate_limit": {"enabled": True, "rate": 3, "burst": 3}}})
    statuses, limited = [], None
    for _ in range(10):
        r = notion("GET", "/v1/users/me")
        statuses.append(r.status)
        if r.status == 429:
            limited = r
            break
    eq(statuses[:3], [200, 200, 200], "burst of 3")
    assert limited is not None, "no 429 in 10 rapid requests: %s" % statuses
    b = err_code(limited, 429, "rate_limited")
    eq(b["additional_data"]["rate_limit_reason"], "public_api_request_rate_limit")
    ra = int(limited.h("Retry-After"))
    assert ra >= 1
    eq(notion("GET", "/v1/users/me", token=NOTION_TOKEN2).status, 200, "per-token bucket")
    time.sleep(ra)
    eq(notion("GET", "/v1/users/me").status, 200, "after Retry-After")
    assert log(service="notion", limit=20)[len(statuses) - 1]["limited"] is True
    eq(ctl("GET", "/state/notion")["counters"]["rate_limited"], 1)


# ============================================================================ Pinecone control plane
@test("pinecone control: 401 ErrorResponse for missing/bad Api-Key, 404 for unknown index")
def _():
    for key in (None, "pcsk_wrong"):
        r = pc_ctl("GET", "/indexes/amprenta", key=key)
        eq((r.status, r.json), (401, {"error": {"code": "UNAUTHENTICATED", "message": "Invalid API key."},
                                      "status": 401}))
    r = pc_ctl("GET", "/indexes/nope")
    eq((r.status, r.json["error"]["code"], r.json["status"]), (404, "NOT_FOUND", 404))
    eq(r.json["error"]["message"], "Index nope not found.")


@test("pinecone describe: IndexModel with bare host by default, http:// host with host_style http_url")
def _():
    d = pc_ctl("GET", "/indexes/amprenta").json
    eq((d["name"], d["dimension"], d["metric"], d["vector_type"]), ("amprenta", 384, "cosine", "dense"))
    eq(d["host"], "127.0.0.1:%d" % PORTS["pinecone_data"]["amprenta"])
    eq(d["status"], {"ready": True, "state": "Ready"})
    assert "serverless" in d["spec"]
    config({"pinecone": {"host_style": "http_url"}})
    eq(pc_ctl("GET", "/indexes/amprenta").json["host"], "http://127.0.0.1:%d" % PORTS["pinecone_data"]["amprenta"])
    r = pc_ctl("GET", "/indexes/records").json
    eq(r["embed"]["field_map"], {"text": "chunk_text"})
    eq(r["dimension"], 64)
    eq(sorted(i["name"] for i in pc_ctl("GET", "/indexes").json["indexes"]),
       ["amprenta", "euclid", "records", "tiny"])


@test("pinecone describe: Initializing for the first N describes, then Ready (describe count in state)")
def _():
    config({"pinecone": {"initializing_describes": {"amprenta": 2}}})
    states = [pc_ctl("GET", "/indexes/amprenta").json["status"] for _ in range(3)]
    eq(states, [{"ready": False, "state": "Initializing"}] * 2 + [{"ready": True, "state": "Ready"}])
    eq(ctl("GET", "/state/pinecone")["counters"]["describes"]["amprenta"], 3)


@test("pinecone /embed: e5 needs input_type, <=96 inputs, truncate END/NONE at 507 tokens, seeded models")
def _():
    r = pc_ctl("POST", "/embed", {"model": "multilingual-e5-large", "parameters": {"input_type": "passage"},
                                  "inputs": [{"text": "The quick brown fox"}, {"text": "Second text"}]})
    eq(r.status, 200, r.body[:200])
    b = r.json
    eq((b["model"], b["vector_type"], len(b["data"]), len(b["data"][0]["values"])),
       ("multilingual-e5-large", "dense", 2, 1024))
    eq(b["usage"]["total_tokens"], 5 + 3)
    r = pc_ctl("POST", "/embed", {"model": "multilingual-e5-large", "inputs": [{"text": "x"}]})
    eq((r.status, r.json["error"]["code"]), (400, "INVALID_ARGUMENT"))
    r = pc_ctl("POST", "/embed", {"model": "multilingual-e5-large", "parameters": {"input_type": "query"},
                                  "inputs": [{"text": "x"}] * 97})
    eq(r.status, 400)
    long = "word " * 500
    r = pc_ctl("POST", "/embed", {"model": "multilingual-e5-large",
                                  "parameters": {"input_type": "query", "truncate": "NONE"}, "inputs": [{"text": long}]})
    eq(r.status, 400)
    r = pc_ctl("POST", "/embed", {"model": "multilingual-e5-large", "parameters": {"input_type": "query"},
                                  "inputs": [{"text": long}]})
    eq(r.json["usage"]["total_tokens"], 507)
    r = pc_ctl("POST", "/embed", {"model": "pc-8", "inputs": [{"text": "shared embedder"}]})
    o = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "shared embedder"})
    eq(r.json["data"][0]["values"], o.json["data"][0]["embedding"], "same embedder as the OpenAI fake")
    eq(pc_ctl("POST", "/embed", {"model": "nope", "inputs": [{"text": "x"}]}).status, 400)


# ============================================================================ Pinecone data plane
@test("pinecone data auth: 401 body 'Unauthorized' (configurable to rpcStatus code 16)")
def _():
    r = pc("tiny", "POST", "/describe_index_stats", {}, key=None)
    eq((r.status, r.body), (401, b"Unauthorized"))
    eq(pc("tiny", "POST", "/describe_index_stats", {}, key="wrong").status, 401)
    config({"pinecone": {"unauthorized_body": "rpc"}})
    r = pc("tiny", "POST", "/describe_index_stats", {}, key="wrong")
    eq((r.status, r.json["code"]), (401, 16))


@test("pinecone version header: __default__ rejected before 2025-04, alias of '' after; strict_version")
def _():
    up = {"vectors": [{"id": "d", "values": [1, 0, 0, 0]}], "namespace": "__default__"}
    r = pc("tiny", "POST", "/vectors/upsert", up, version="2025-01")
    eq((r.status, r.json), (400, {"code": 3, "message": "Use of namespace='__default__' is not allowed in API "
                                                        "versions prior to 2025-04", "details": []}))
    eq(pc("tiny", "POST", "/vectors/upsert", up).status, 200)
    eq(pc("tiny", "POST", "/describe_index_stats", {}).json["namespaces"], {"": {"vectorCount": 1}})
    eq(pc("tiny", "POST", "/describe_index_stats", {}, version=None).status, 200, "lenient by default")
    config({"pinecone": {"strict_version": True}})
    eq(pc("tiny", "POST", "/describe_index_stats", {}, version=None).json["code"], 3)
    eq(log(service="pinecone_data")[0]["headers"]["X-Pinecone-Api-Version"], "2025-01")


@test("pinecone upsert validation: count, ids, dimension, zero vector, sparse, metadata rules (rpcStatus code 3)")
def _():
    def up(vectors, index="tiny"):
        return pc(index, "POST", "/vectors/upsert", {"vectors": vectors})
    good = [1, 0, 0, 0]
    cases = {
        "no vectors": [],
        "1001 vectors": [{"id": "v%d" % i, "values": good} for i in range(1001)],
        "empty id": [{"id": "", "values": good}],
        "513-char id": [{"id": "i" * 513, "values": good}],
        "dimension": [{"id": "a", "values": [1, 2]}],
        "all zero": [{"id": "a", "values": [0, 0, 0, 0]}],
        "sparse lengths": [{"id": "a", "values": good, "sparseValues": {"indices": [1, 2], "values": [0.5]}}],
        "sparse 1001 nnz": [{"id": "a", "values": good, "sparseValues": {"indices": list(range(1001)),
                                                                        "values": [0.1] * 1001}}],
        "null metadata": [{"id": "a", "values": good, "metadata": {"k": None}}],
        "nested metadata": [{"id": "a", "values": good, "metadata": {"k": {"x": 1}}}],
        "$ key": [{"id": "a", "values": good, "metadata": {"$k": 1}}],
        "list of numbers": [{"id": "a", "values": good, "metadata": {"k": [1, 2]}}],
        "metadata > 40 KB": [{"id": "a", "values": good, "metadata": {"k": "x" * 41000}}],
        # 7,000 characters, each written \u0001 in JSON: 42 KB
        "metadata > 40 KB once escaped": [{"id": "a", "values": good, "metadata": {"k": "\u0001" * 7000}}],
    }
    for what, vectors in cases.items():
        r = up(vectors)
        eq((r.status, r.json["code"]), (400, 3), what)
    eq(up([{"id": "a", "values": [0.1, 0.2], "sparseValues": {"indices": [1], "values": [1]}}], "euclid").json["code"],
       3, "sparse on a non-dotproduct index")
    eq(up([{"id": "a", "values": [1, 0, 0, 0]}] * 2).json["upsertedCount"], 2)
    r = up([{"id": "m", "values": good, "metadata": {"k": "x" * 40000}}])
    eq(r.status, 200, "metadata just under 40 KB")
    eq(up([{"id": "a", "values": [1, 2, 3]}]).json["message"],
       "Vector dimension 3 does not match the dimension of the index 4")


@test("pinecone vector values: bools, non-numbers and non-finite numbers rejected, ints and floats taken")
def _():
    def raw_up(text, index="tiny"):
        return pc(index, "POST", "/vectors/upsert", raw=text.encode(), headers={"Content-Type": "application/json"})
    msg = "Vector values must be a list of finite numbers"
    sparse_msg = "Sparse vector values must be finite numbers"
    for what, values in (("a bool", "[1, true, 0, 0]"), ("false alone", "[false, 0.5, 0, 0]"),
                         ("a string", '[1, "2", 0, 0]'), ("a null", "[0.5, null, 0, 0]"),
                         ("a list", "[0.5, [1], 0, 0]"), ("an object", '[0.5, {"x": 1}, 0, 0]'),
                         ("1e999 (infinite)", "[0.5, 1e999, 0, 0]"), ("-1e999", "[-1e999, 0.5, 0, 0]"),
                         ("infinite among ints", "[1, 2, 3, 1e999]"), ("not a list", '"0.5"'),
                         ("an object for values", '{"0": 1}')):
        r = raw_up('{"vectors": [{"id": "bad", "values": %s}]}' % values)
        eq((r.status, r.json["code"], r.json["message"]), (400, 3, msg), what)
    # Past float32's range; with and without a boolean elsewhere in the body
    # (a body without true/false literals takes a quicker check).
    for what, values in (("1e39", "[0.5, 1e39, 0, 0]"), ("-1e39", "[-1e39, 0.5, 0, 0]"),
                         ("a 400-digit int", "[0.5, %s, 0, 0]" % ("9" * 400)),
                         ("400-digit ints that cancel", "[%s, -%s, 1, 0]" % ("9" * 400, "9" * 400))):
        for md in ("", ', "metadata": {"flag": true}'):
            r = raw_up('{"vectors": [{"id": "bad", "values": %s%s}]}' % (values, md))
            eq((r.status, r.json["code"], r.json["message"]), (400, 3, msg), what + md)
    r = raw_up('{"vectors": [{"id": "bad", "values": [0.5, 0.5]}]}')
    eq(r.json["message"], "Vector dimension 2 does not match the dimension of the index 4", "wrong dimension")
    r = raw_up('{"vectors": [{"id": "bad", "values": [0.5, 1e999]}]}')
    eq(r.json["message"], msg, "values are checked before the dimension")
    for what, values in (("a bool", "[true]"), ("a string", '["1"]'), ("1e999", "[1e999]"), ("a null", "[null]")):
        r = raw_up('{"vectors": [{"id": "bad", "values": [1, 0, 0, 0], '
                   '"sparseValues": {"indices": [7], "values": %s}}]}' % values)
        eq((r.status, r.json["code"], r.json["message"]), (400, 3, sparse_msg), "sparse: " + what)
    r = pc("tiny", "POST", "/query", raw=b'{"vector": [1, 0, true, 0], "topK": 1}',
           headers={"Content-Type": "application/json"})
    eq((r.status, r.json["message"]), (400, "Query vector values must be a list of finite numbers"), "query")
    stored = ctl("GET", "/state/pinecone/tiny")["namespaces"].get("", {}).get("vectors", [])
    eq([v["id"] for v in stored if v["id"] == "bad"], [], "nothing rejected was stored")
    r = raw_up('{"vectors": [{"id": "ints", "values": [1, 0, -2, 3]}, {"id": "mixed", "values": [0.25, 1, 0, -1e-30]},'
               ' {"id": "big", "values": [1e30, -1e30, 0.0, 2.5]}]}')
    eq((r.status, r.json), (200, {"upsertedCount": 3}), "ints, floats, and both")
    got = {v["id"]: v["values"] for v in ctl("GET", "/state/pinecone/tiny")["namespaces"][""]["vectors"]}
    eq(got["ints"], [1.0, 0.0, -2.0, 3.0])
    eq(got["big"][3], 2.5)
    eq(got["mixed"][3], struct.unpack("f", struct.pack("f", -1e-30))[0], "kept as float32")
    r = raw_up('{"vectors": [{"id": "flagged", "values": [0.5, 1, 0, 2], "metadata": {"flag": false}}]}')
    eq((r.status, r.json), (200, {"upsertedCount": 1}), "a boolean in the metadata, numbers in the values")
    got = {v["id"]: v for v in ctl("GET", "/state/pinecone/tiny")["namespaces"][""]["vectors"]}
    eq((got["flagged"]["values"], got["flagged"]["metadata"]), ([0.5, 1.0, 0.0, 2.0], {"flag": False}))


@test("pinecone upsert body over 2 MB -> 400 code 3, nothing stored")
def _():
    vectors = [{"id": "big-%d" % i, "values": vec(i)} for i in range(150)]
    raw = json.dumps({"vectors": vectors}).encode()
    assert len(raw) < 2000000
    raw += b" " * (2000001 - len(raw))
    r = pc("amprenta", "POST", "/vectors/upsert", raw=raw, headers={"Content-Type": "application/json"})
    eq((r.status, r.json["code"]), (400, 3))
    eq(ctl("GET", "/state/pinecone/amprenta")["namespaces"], {})
    r = pc("amprenta", "POST", "/vectors/upsert", raw=raw[:2000000], headers={"Content-Type": "application/json"})
    eq(r.status, 200, "exactly 2,000,000 bytes accepted")


@test("pinecone upsert: full overwrite by id, float32 rounding, numbers as float64, LSN header per namespace")
def _():
    r1 = pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "a", "values": [0.1, 0.2, 0.3, 0.4],
                                                             "metadata": {"x": 1, "y": "keep?"}}]})
    r2 = pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "a", "values": [0.1, 0.2, 0.3, 0.5],
                                                             "metadata": {"x": 2}}]})
    r3 = pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "a", "values": [1, 1, 1, 1]}], "namespace": "other"})
    eq((r1.h("x-pinecone-request-lsn"), r2.h("x-pinecone-request-lsn"), r3.h("x-pinecone-request-lsn")),
       ("1", "2", "1"))
    f = pc("tiny", "GET", "/vectors/fetch?ids=a").json["vectors"]["a"]
    eq(f["metadata"], {"x": 2.0}, "metadata replaced, not merged")
    eq(f["values"][0], struct.unpack("f", struct.pack("f", 0.1))[0])
    assert f["values"][0] != 0.1
    assert isinstance(f["metadata"]["x"], float)


@test("pinecone fetch: repeated URL-encoded ids (# as %23), missing ids absent, spaces rejected, <=1000 ids")
def _():
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "docs:42#0", "values": [1, 0, 0, 0]},
                                                       {"id": "docs:42#1", "values": [0, 1, 0, 0]}], "namespace": "t"})
    q = urllib.parse.urlencode([("ids", "docs:42#0"), ("ids", "docs:42#1"), ("ids", "nope"), ("namespace", "t")])
    assert "%23" in q
    r = pc("tiny", "GET", "/vectors/fetch?" + q).json
    eq(sorted(r["vectors"]), ["docs:42#0", "docs:42#1"])
    eq(r["namespace"], "t")
    eq(r["usage"]["readUnits"], 1)
    eq(pc("tiny", "GET", "/vectors/fetch?ids=a%20b").json["code"], 3)
    many = "&".join("ids=i%d" % i for i in range(1001))
    eq(pc("tiny", "GET", "/vectors/fetch?" + many).status, 400)


@test("pinecone list: prefix, limit, paginationToken, ids in bitwise C order")
def _():
    ids = ["docs:1#0", "docs:1#1", "docs:10#0", "docs:2#0", "Docs:9", "other"]
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": i, "values": [1, 0, 0, 0]} for i in ids]})
    r = pc("tiny", "GET", "/vectors/list?prefix=docs%3A&limit=2").json
    eq([v["id"] for v in r["vectors"]], ["docs:1#0", "docs:1#1"])
    token = r["pagination"]["next"]
    r2 = pc("tiny", "GET", "/vectors/list?prefix=docs%3A&limit=2&paginationToken=" + token).json
    eq([v["id"] for v in r2["vectors"]], ["docs:10#0", "docs:2#0"])
    assert "pagination" not in r2
    r3 = pc("tiny", "GET", "/vectors/list").json
    eq([v["id"] for v in r3["vectors"]], sorted(ids, key=lambda s: s.encode()))


@test("pinecone update: setMetadata merges, values replaced, unknown id matches 0, by filter with dryRun")
def _():
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [
        {"id": "u1", "values": [1, 0, 0, 0], "metadata": {"t": "docs", "a": 1}},
        {"id": "u2", "values": [0, 1, 0, 0], "metadata": {"t": "docs"}},
        {"id": "u3", "values": [0, 0, 1, 0], "metadata": {"t": "other"}}]})
    r = pc("tiny", "POST", "/vectors/update", {"id": "u1", "setMetadata": {"b": "x"}, "values": [0, 0, 0, 2]})
    eq(r.json, {"matchedRecords": 1})
    assert r.h("x-pinecone-request-lsn")
    f = pc("tiny", "GET", "/vectors/fetch?ids=u1").json["vectors"]["u1"]
    eq((f["metadata"], f["values"]), ({"t": "docs", "a": 1.0, "b": "x"}, [0, 0, 0, 2]))
    eq(pc("tiny", "POST", "/vectors/update", {"id": "nope", "setMetadata": {"b": "x"}}).json, {"matchedRecords": 0})
    eq(pc("tiny", "POST", "/vectors/update", {"filter": {"t": "docs"}, "setMetadata": {"s": True},
                                              "dryRun": True}).json, {"matchedRecords": 2})
    eq(pc("tiny", "GET", "/vectors/fetch?ids=u2").json["vectors"]["u2"]["metadata"], {"t": "docs"}, "dry run")
    eq(pc("tiny", "POST", "/vectors/update", {"filter": {"t": "docs"}, "setMetadata": {"s": True}}).json,
       {"matchedRecords": 2})
    eq(pc("tiny", "GET", "/vectors/fetch?ids=u2").json["vectors"]["u2"]["metadata"], {"t": "docs", "s": True})
    eq(pc("tiny", "POST", "/vectors/update", {"id": "u1", "filter": {"t": "x"}}).status, 400)


@test("pinecone query: topK bounds, vector xor id, cosine ranking, includeValues/includeMetadata, query by id")
def _():
    texts = {"pg": "postgres extension sync", "pg2": "postgres extension", "fruit": "banana apple"}
    emb = oai("POST", "/v1/embeddings", {"model": "amprenta-local-384", "input": list(texts.values())}).json["data"]
    vectors = [{"id": k, "values": e["embedding"], "metadata": {"text": t}}
               for (k, t), e in zip(texts.items(), emb)]
    pc("amprenta", "POST", "/vectors/upsert", {"vectors": vectors, "namespace": "n"})
    qv = emb[0]["embedding"]
    r = pc("amprenta", "POST", "/query", {"vector": qv, "topK": 2, "namespace": "n"})
    b = r.json
    eq([m["id"] for m in b["matches"]], ["pg", "pg2"])
    assert abs(b["matches"][0]["score"] - 1.0) < 1e-6
    eq(b["matches"][0]["values"], [])
    assert "metadata" not in b["matches"][0]
    eq((b["namespace"], b["results"]), ("n", []))
    assert b["usage"]["readUnits"] >= 1
    assert r.h("x-pinecone-max-indexed-lsn") == "1"
    r = pc("amprenta", "POST", "/query", {"id": "fruit", "topK": 1, "namespace": "n", "includeMetadata": True,
                                          "includeValues": True}).json
    eq(r["matches"][0]["id"], "fruit")
    eq(r["matches"][0]["metadata"], {"text": "banana apple"})
    eq(len(r["matches"][0]["values"]), 384)
    for bad in ({"vector": qv, "topK": 0}, {"vector": qv, "topK": 10001}, {"vector": qv, "id": "pg", "topK": 1},
                {"topK": 1}, {"vector": [1.0], "topK": 1}):
        eq(pc("amprenta", "POST", "/query", dict(bad, namespace="n")).json["code"], 3, str(bad)[:40])


@test("pinecone query metrics: euclidean ascending (squared distance), dotproduct descending")
def _():
    pc("euclid", "POST", "/vectors/upsert", {"vectors": [{"id": "near", "values": [1, 1]},
                                                         {"id": "far", "values": [5, 5]}]})
    m = pc("euclid", "POST", "/query", {"vector": [1, 2], "topK": 2}).json["matches"]
    eq([(x["id"], x["score"]) for x in m], [("near", 1.0), ("far", 25.0)])
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "big", "values": [3, 0, 0, 0]},
                                                       {"id": "small", "values": [1, 0, 0, 0]}]})
    m = pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 2}).json["matches"]
    eq([(x["id"], x["score"]) for x in m], [("big", 3.0), ("small", 1.0)])


@test("pinecone query filter subset: $eq (implicit) $ne $gt $gte $lt $lte $in $nin $exists $and $or, lists match any")
def _():
    md = {"a": {"table": "docs", "year": 2019, "tags": ["x", "y"], "pub": True},
          "b": {"table": "docs", "year": 2021, "tags": ["z"]},
          "c": {"table": "notes", "year": 2023, "pub": False}}
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": k, "values": [1, 0, 0, 0], "metadata": v}
                                                       for k, v in md.items()]})

    def ids(flt):
        r = pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 10, "filter": flt})
        assert r.status == 200, r.body
        return sorted(m["id"] for m in r.json["matches"])

    eq(ids({"table": "docs"}), ["a", "b"])
    eq(ids({"table": {"$eq": "notes"}}), ["c"])
    eq(ids({"table": {"$ne": "docs"}}), ["c"])
    eq(ids({"year": {"$gt": 2019}}), ["b", "c"])
    eq(ids({"year": {"$gte": 2021, "$lt": 2023}}), ["b"])
    eq(ids({"year": {"$lte": 2019}}), ["a"])
    eq(ids({"tags": {"$in": ["y", "q"]}}), ["a"])
    eq(ids({"tags": "z"}), ["b"])
    eq(ids({"tags": {"$nin": ["x"]}}), ["b", "c"])
    eq(ids({"pub": {"$exists": True}}), ["a", "c"])
    eq(ids({"pub": True}), ["a"])
    eq(ids({"$or": [{"year": 2023}, {"tags": "x"}]}), ["a", "c"])
    eq(ids({"$and": [{"table": "docs"}, {"year": {"$gt": 2020}}]}), ["b"])
    eq(pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 1, "filter": {"a": {"$regex": "x"}}}).json["code"],
       3, "unknown operator")


@test("pinecone describe_index_stats: counts per namespace ('' = default), filter rejected (serverless)")
def _():
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "a", "values": [1, 0, 0, 0]}]})
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "a", "values": [1, 0, 0, 0]},
                                                       {"id": "b", "values": [1, 0, 0, 0]}], "namespace": "t"})
    s = pc("tiny", "POST", "/describe_index_stats", {}).json
    eq(s, {"namespaces": {"": {"vectorCount": 1}, "t": {"vectorCount": 2}}, "indexFullness": 0.0,
           "totalVectorCount": 3, "metric": "dotproduct", "vectorType": "dense", "dimension": 4})
    eq(pc("tiny", "POST", "/describe_index_stats", {"filter": {"a": 1}}).json["code"], 3)


@test("pinecone delete: exactly one of ids/deleteAll/filter, <=1000 ids, unknown ids ignored")
def _():
    pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "a", "values": [1, 0, 0, 0]}]})
    for bad in ({}, {"ids": ["a"], "deleteAll": True}, {"ids": ["a"], "filter": {"x": 1}},
                {"ids": ["i%d" % i for i in range(1001)]}):
        eq(pc("tiny", "POST", "/vectors/delete", bad).json["code"], 3, str(bad)[:40])
    r = pc("tiny", "POST", "/vectors/delete", {"ids": ["nope"]})
    eq((r.status, r.json), (200, {}))
    assert r.h("x-pinecone-request-lsn")
    eq(list(pc("tiny", "GET", "/vectors/fetch?ids=a").json["vectors"]), ["a"], "other records untouched")


@test("pinecone visibility_delay_ms: query misses a fresh write, LSN headers show it, fetch sees it, then visible")
def _():
    config({"pinecone": {"visibility_delay_ms": 1500}})
    r = pc("tiny", "POST", "/vectors/upsert", {"vectors": [{"id": "fresh", "values": [1, 0, 0, 0]}], "namespace": "ec"})
    lsn = int(r.h("x-pinecone-request-lsn"))
    q = pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 5, "namespace": "ec"})
    eq(q.json["matches"], [], "query right after upsert")
    assert int(q.h("x-pinecone-max-indexed-lsn")) < lsn
    eq(pc("tiny", "POST", "/describe_index_stats", {}).json["namespaces"], {}, "stats lag too")
    eq(list(pc("tiny", "GET", "/vectors/fetch?ids=fresh&namespace=ec").json["vectors"]), ["fresh"], "fetch at once")

    def caught_up():
        r = pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 5, "namespace": "ec"})
        return r if int(r.h("x-pinecone-max-indexed-lsn")) >= lsn else None
    q = poll(caught_up, timeout=10)
    eq([m["id"] for m in q.json["matches"]], ["fresh"], "visible once max-indexed-lsn >= write lsn")


@test("pinecone records: NDJSON upsert with or without Content-Type -> 201, search hits with fields, limits")
def _():
    lines = [{"_id": "r1", "chunk_text": "postgres background worker sync", "table": "docs", "pk": 1},
             {"id": "r2", "chunk_text": "bananas are yellow", "table": "fruit", "pk": 2}]
    raw = "\n".join(json.dumps(x) for x in lines).encode()
    r = pc("records", "POST", "/records/namespaces/ns1/upsert", raw=raw,
           headers={"Content-Type": "application/x-ndjson"})
    eq((r.status, r.body), (201, b""))
    r = pc("records", "POST", "/records/namespaces/ns1/upsert", raw=raw[:raw.index(b"\n")])
    eq(r.status, 201, "no Content-Type")
    s = pc("records", "POST", "/records/namespaces/ns1/search",
           {"query": {"inputs": {"text": "postgres worker"}, "top_k": 2}, "fields": ["chunk_text", "pk"]}).json
    eq(s["result"]["hits"][0]["_id"], "r1")
    eq(s["result"]["hits"][0]["fields"], {"chunk_text": "postgres background worker sync", "pk": 1.0})
    eq(s["usage"], {"read_units": 1, "embed_total_tokens": 4})
    s = pc("records", "POST", "/records/namespaces/ns1/search",
           {"query": {"inputs": {"text": "x"}, "top_k": 5, "filter": {"table": "fruit"}}}).json
    eq([h["_id"] for h in s["result"]["hits"]], ["r2"])
    many = "\n".join(json.dumps({"_id": "m%d" % i, "chunk_text": "t"}) for i in range(97)).encode()
    eq(pc("records", "POST", "/records/namespaces/ns1/upsert", raw=many).json["code"], 3, ">96")
    eq(pc("records", "POST", "/records/namespaces/ns1/upsert", raw=b'{"_id":"x","other":"t"}').json["code"], 3,
       "missing text field")
    eq(pc("tiny", "POST", "/records/namespaces/ns1/upsert", raw=raw).json["code"], 3, "index without embed")


@test("pinecone per-namespace rate limiter: 429 rpcStatus code 8, other namespace unaffected")
def _():
    config({"pinecone": {"rate_limit": {"enabled": True, "rps": 1, "burst": 2}}})
    statuses = [pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 1, "namespace": "a"}).status
                for _ in range(5)]
    eq(statuses[:2], [200, 200])
    assert 429 in statuses, statuses
    r = [x for x in log(service="pinecone_data") if x["limited"]]
    assert r, "limited requests are flagged in the log"
    eq(r[0]["status"], 429)
    eq(pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 1, "namespace": "b"}).status, 200,
       "other namespace")
    limited = pc("tiny", "POST", "/query", {"vector": [1, 0, 0, 0], "topK": 1, "namespace": "a"})
    if limited.status == 429:  # (a token may have refilled meanwhile on a slow machine)
        eq(limited.json["code"], 8)


# ============================================================================ OpenAI-compatible
@test("openai: 401 without key / with a wrong key (invalid_api_key); headers on every response")
def _():
    r = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x"}, key=None)
    eq((r.status, r.json["error"]["type"]), (401, "invalid_request_error"))
    r = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x"}, key="sk-wrong-key-9999")
    eq((r.status, r.json["error"]["code"]), (401, "invalid_api_key"))
    assert "9999" in r.json["error"]["message"] and "sk-wrong-key-9999" not in r.json["error"]["message"]
    for name in ("x-request-id", "openai-processing-ms", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
                 "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests",
                 "x-ratelimit-reset-tokens"):
        assert r.h(name) is not None, name


@test("openai /v1/models lists built-in and seeded models; /v1/models/{id}")
def _():
    ids = [m["id"] for m in oai("GET", "/v1/models").json["data"]]
    for m in ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002", "amprenta-local-384"):
        assert m in ids, m
    eq(oai("GET", "/v1/models/tiny-8").json["id"], "tiny-8")
    eq(oai("GET", "/v1/models/nope").json["error"]["code"], "model_not_found")


@test("openai embeddings: deterministic unit vectors, native dims, ranking by shared words, usage = ceil(bytes/4)")
def _():
    inputs = ["postgres background worker", "postgres worker", "yellow banana", "héllo wörld"]
    r = oai("POST", "/v1/embeddings", {"model": "text-embedding-3-small", "input": inputs})
    b = r.json
    eq((b["object"], b["model"], [d["index"] for d in b["data"]]), ("list", "text-embedding-3-small", [0, 1, 2, 3]))
    e = [d["embedding"] for d in b["data"]]
    eq(len(e[0]), 1536)
    assert abs(sum(x * x for x in e[0]) - 1) < 1e-5
    assert cos(e[0], e[1]) > 0.5 > cos(e[0], e[2])
    tokens = sum((len(s.encode()) + 3) // 4 for s in inputs)
    eq(b["usage"], {"prompt_tokens": tokens, "total_tokens": tokens})
    again = oai("POST", "/v1/embeddings", {"model": "text-embedding-3-small", "input": inputs[0]}).json
    eq(again["data"][0]["embedding"], e[0], "deterministic")
    eq(len(oai("POST", "/v1/embeddings", {"model": "text-embedding-3-large", "input": "x"}).json["data"][0]["embedding"]),
       3072)
    t = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": [[1, 2, 3], [4]]}).json
    eq((len(t["data"]), t["usage"]["prompt_tokens"]), (2, 4), "token-array inputs")


@test("openai base64 encoding decodes (little-endian float32) to exactly the float result")
def _():
    f = oai("POST", "/v1/embeddings", {"model": "amprenta-local-384", "input": "decode me",
                                       "encoding_format": "float"}).json["data"][0]["embedding"]
    b = oai("POST", "/v1/embeddings", {"model": "amprenta-local-384", "input": "decode me",
                                       "encoding_format": "base64"}).json["data"][0]["embedding"]
    assert isinstance(b, str)
    raw = base64.b64decode(b)
    eq(len(raw), 384 * 4)
    eq(list(struct.unpack("<384f", raw)), f)


@test("openai dimensions: honoured and re-normalised; ada-002 rejects it; > native and bad format rejected")
def _():
    d = oai("POST", "/v1/embeddings", {"model": "text-embedding-3-small", "input": "x y z",
                                       "dimensions": 256}).json["data"][0]["embedding"]
    eq(len(d), 256)
    assert abs(sum(v * v for v in d) - 1) < 1e-5
    r = oai("POST", "/v1/embeddings", {"model": "text-embedding-ada-002", "input": "x", "dimensions": 256})
    eq((r.status, r.json["error"]["message"]), (400, "This model does not support specifying dimensions."))
    eq(oai("POST", "/v1/embeddings", {"model": "text-embedding-3-small", "input": "x", "dimensions": 1537}).status, 400)
    eq(oai("POST", "/v1/embeddings", {"model": "text-embedding-3-small", "input": "x", "dimensions": 0}).status, 400)
    eq(oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x", "encoding_format": "hex"}).status, 400)


@test("openai validation: model/input required, unknown model 404, empty string, >2048 inputs, 8192 and 300k tokens")
def _():
    def e(body):
        r = oai("POST", "/v1/embeddings", body)
        return r.status, r.json["error"]
    s, err = e({"input": "x"})
    eq(s, 400)
    s, err = e({"model": "tiny-8"})
    eq((s, err["param"]), (400, "input"))
    s, err = e({"model": "nope", "input": "x"})
    eq((s, err["code"]), (404, "model_not_found"))
    eq(e({"model": "tiny-8", "input": ""})[0], 400)
    eq(e({"model": "tiny-8", "input": ["a", ""]})[0], 400)
    eq(e({"model": "tiny-8", "input": []})[0], 400)
    eq(e({"model": "tiny-8", "input": ["a"] * 2049})[0], 400)
    s, err = e({"model": "tiny-8", "input": "x" * (8192 * 4 + 1)})
    eq((s, err["message"]), (400, "This model's maximum context length is 8192 tokens, however you requested 8193 "
                                  "tokens (8193 in your prompt; 0 for the completion). Please reduce your prompt; "
                                  "or completion length."))
    eq(oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x" * 8192 * 4}).status, 200, "exactly 8192")
    s, err = e({"model": "tiny-8", "input": ["y" * 32000] * 38})
    eq((s, err["message"]), (400, "Requested 304000 tokens, max 300000 tokens per request"))
    eq(call(PORTS["openai"], "POST", "/v1/embeddings", raw=b"{oops",
            headers={"Authorization": "Bearer " + OAI_KEY}).status, 400)


@test("openai RPM/TPM limiters: 429 with type requests/tokens, retry-after and retry-after-ms; headers track usage")
def _():
    config({"openai": {"rate_limit": {"enabled": True, "rpm": 2, "tpm": 100000}}})
    r1 = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "a"})
    r2 = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "a"})
    r3 = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "a"})
    eq((r1.status, r2.status, r3.status), (200, 200, 429))
    eq((r1.h("x-ratelimit-limit-requests"), r1.h("x-ratelimit-remaining-requests"),
        r2.h("x-ratelimit-remaining-requests")), ("2", "1", "0"))
    err = r3.json["error"]
    eq((err["type"], err["code"]), ("requests", "rate_limit_exceeded"))
    assert "requests per min (RPM): Limit 2" in err["message"], err["message"]
    assert int(r3.h("retry-after")) >= 1 and int(r3.h("retry-after-ms")) >= 1000
    assert r3.h("x-ratelimit-reset-requests").endswith("s")
    config({"openai": {"rate_limit": {"enabled": True, "rpm": 1000, "tpm": 100}}})
    ok = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x" * 300})
    eq((ok.status, ok.h("x-ratelimit-remaining-tokens")), (200, "25"))
    r = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x" * 300})
    eq((r.status, r.json["error"]["type"]), (429, "tokens"))
    assert r.h("retry-after-ms")
    eq(ctl("GET", "/state/openai")["counters"]["rate_limited"], 2)


# ============================================================================ 5.6 scenarios
@test("scenario 1: happy path embed -> upsert -> query -> Notion create -> append children -> query by key")
def _():
    text = "Lipidomics dataset 42: ceramide levels in plasma"
    e = oai("POST", "/v1/embeddings", {"model": "amprenta-local-384", "input": [text],
                                       "encoding_format": "float"}).json["data"][0]["embedding"]
    host = pc_ctl("GET", "/indexes/amprenta").json["host"]
    port = int(host.rsplit(":", 1)[1])
    r = call(port, "POST", "/vectors/upsert", {"vectors": [{"id": "datasets:42#0", "values": e,
                                                            "metadata": {"table": "datasets", "pk": 42}}],
                                               "namespace": "amprenta"}, {"Api-Key": PC_KEY})
    eq(r.json, {"upsertedCount": 1})
    qv = oai("POST", "/v1/embeddings", {"model": "amprenta-local-384", "input": "ceramide plasma"}).json
    m = call(port, "POST", "/query", {"vector": qv["data"][0]["embedding"], "topK": 1, "namespace": "amprenta",
                                      "filter": {"table": {"$eq": "datasets"}}, "includeMetadata": True},
             {"Api-Key": PC_KEY}).json["matches"]
    eq((m[0]["id"], m[0]["metadata"]["pk"]), ("datasets:42#0", 42.0))
    p = create("datasets:42", {"Name": title(text)})
    notion("PATCH", "/v1/blocks/%s/children" % p["id"], {"children": [para("chunk 1"), para("chunk 2")]})
    found = query_key("datasets:42")
    eq([x["id"] for x in found], [p["id"]])
    eq(len(notion("GET", "/v1/blocks/%s/children" % p["id"]).json["results"]), 2)


@test("scenario 2: Notion 429 with Retry-After: 2 -> client waits >= 2 s, exactly 2 creates logged, 1 page")
def _():
    fault({"service": "notion", "match": {"method": "POST", "path": "^/v1/pages$"}, "times": 1,
           "action": {"preset": "notion_429", "retry_after": 2}})
    r = notion("POST", "/v1/pages", page_body("s2"))
    eq(r.status, 429)
    wait = int(r.h("Retry-After"))
    eq(wait, 2)
    t0 = time.monotonic()
    time.sleep(wait)
    r = notion("POST", "/v1/pages", page_body("s2"))
    eq(r.status, 200)
    creates = log(service="notion", method="POST", path="^/v1/pages$")
    eq([c["status"] for c in creates], [429, 200])
    assert creates[1]["t"] - creates[0]["t"] >= 1.95, "second attempt too early"
    assert time.monotonic() - t0 >= 1.95
    eq(len(query_key("s2")), 1)
    eq(ctl("GET", "/state/notion")["counters"]["creates_by_property"]["Amprenta ID"]["s2"], 1)


@test("scenario 3: apply_then_reset on create -> client sees a connection error, reconcile query adopts the one page")
def _():
    fault({"service": "notion", "match": {"method": "POST", "path": "^/v1/pages$"},
           "action": {"type": "apply_then_reset"}})
    try:
        notion("POST", "/v1/pages", page_body("s3"))
        raise AssertionError("expected a connection error")
    except ConnError:
        pass
    found = query_key("s3")
    eq(len(found), 1, "the create happened server-side")
    adopted = found[0]["id"]
    eq([p["id"] for p in pages_state()], [adopted], "exactly one page exists")
    eq(log(service="notion", method="POST", path="^/v1/pages$")[0]["outcome"], "reset")


@test("scenario 4: Notion 500 on create -> reconcile path: applied-then-500 finds the page, plain 500 finds none")
def _():
    fault({"service": "notion", "match": {"method": "POST", "path": "^/v1/pages$"},
           "action": {"type": "apply_then_status", "preset": "notion_500"}})
    r = notion("POST", "/v1/pages", page_body("s4a"))
    err_code(r, 500, "internal_server_error")
    eq(len(query_key("s4a")), 1, "server did it although the client saw 500")
    fault({"service": "notion", "match": {"method": "POST", "path": "^/v1/pages$"}, "action": "notion_500"})
    err_code(notion("POST", "/v1/pages", page_body("s4b")), 500, "internal_server_error")
    eq(query_key("s4b"), [], "not applied")
    create("s4b")
    eq(sorted(ctl("GET", "/state/notion")["counters"]["creates_by_property"]["Amprenta ID"].items()),
       [("s4a", 1), ("s4b", 1)])


@test("scenario 5: Notion 409 on PATCH -> re-read then retry succeeds")
def _():
    p = create("s5", {"Score": {"number": 1}})
    fault({"service": "notion", "match": {"method": "PATCH"}, "action": "notion_409"})
    err_code(notion("PATCH", "/v1/pages/" + p["id"], {"properties": {"Score": {"number": 2}}}), 409, "conflict_error")
    eq(notion("GET", "/v1/pages/" + p["id"]).json["properties"]["Score"]["number"], 1)
    r = notion("PATCH", "/v1/pages/" + p["id"], {"properties": {"Score": {"number": 2}}})
    eq(r.json["properties"]["Score"]["number"], 2)


@test("scenario 6: 5,000-char text as <=2000-char rich-text items; 250 blocks in 3 appends (101 rejected)")
def _():
    text = "".join(chr(65 + i % 26) for i in range(5000))
    err_code(notion("POST", "/v1/pages", page_body("s6", {"Name": title(text)})), 400, "validation_error")
    items = [{"text": {"content": text[i:i + 2000]}} for i in range(0, 5000, 2000)]
    p = notion("POST", "/v1/pages", page_body("s6", {"Name": {"title": items}})).json
    eq("".join(i["plain_text"] for i in p["properties"]["Name"]["title"]), text)
    blocks = [para("block %d" % i) for i in range(250)]
    err_code(notion("PATCH", "/v1/blocks/%s/children" % p["id"], {"children": blocks[:101]}), 400, "validation_error")
    for i in range(0, 250, 100):
        eq(notion("PATCH", "/v1/blocks/%s/children" % p["id"], {"children": blocks[i:i + 100]}).status, 200)
    eq(len(log(service="notion", method="PATCH")), 4)
    kids = pages_state()[0]["children"]
    eq((len(kids), kids[0]["text"], kids[-1]["text"]), (250, "block 0", "block 249"))


@test("scenario 7: 250 pages paginate as 100+100+50 with next_cursor; page_size > 100 and bad cursors rejected")
def _():
    for i in range(250):
        create("pg-%03d" % i)
    seen, cursor, sizes = [], None, []
    while True:
        body = {"page_size": 100, "filter": {"property": "Amprenta ID", "rich_text": {"starts_with": "pg-"}}}
        if cursor:
            body["start_cursor"] = cursor
        r = notion("POST", "/v1/data_sources/%s/query" % IDS["ds"], body).json
        eq((r["type"], r["page_or_data_source"]), ("page_or_data_source", {}))
        sizes.append(len(r["results"]))
        seen += [p["properties"]["Amprenta ID"]["rich_text"][0]["plain_text"] for p in r["results"]]
        if not r["has_more"]:
            eq(r["next_cursor"], None)
            break
        cursor = r["next_cursor"]
    eq(sizes, [100, 100, 50])
    eq(seen, ["pg-%03d" % i for i in range(250)], "creation order, no duplicates")
    err_code(notion("POST", "/v1/data_sources/%s/query" % IDS["ds"], {"page_size": 101}), 400, "validation_error")
    err_code(notion("POST", "/v1/data_sources/%s/query" % IDS["ds"],
                    {"start_cursor": "be633bf1-dfa0-436d-b259-571129a590e5"}), 400, "validation_error")


@test("scenario 8: versions -- 2022-06-28 uses database_id parent + databases query; 2025-09-03 data sources")
def _():
    b = page_body("s8-old")
    b["parent"] = {"database_id": IDS["db"]}
    p = notion("POST", "/v1/pages", b, version=V22).json
    eq(p["parent"], {"type": "database_id", "database_id": IDS["db"]})
    err_code(notion("POST", "/v1/pages", page_body("s8-x"), version=V22), 400, "validation_error")
    r = notion("POST", "/v1/databases/%s/query" % IDS["db"], {}, version=V22).json
    eq((r["type"], len(r["results"])), ("page_or_database", 1))
    err_code(notion("POST", "/v1/data_sources/%s/query" % IDS["ds"], {}, version=V22), 400, "invalid_request_url")
    mb = page_body("s8-m")
    mb["parent"] = {"database_id": IDS["multi_db"]}
    b = err_code(notion("POST", "/v1/pages", mb, version=V22), 400, "validation_error")
    eq(b["additional_data"]["error_type"], "multiple_data_sources_for_database")
    eq(notion("POST", "/v1/pages", page_body("s8-new")).json["parent"]["type"], "data_source_id")
    b = page_body("s8-dbparent")
    b["parent"] = {"database_id": IDS["db"]}
    eq(notion("POST", "/v1/pages", b).status, 200, "database parent accepted on 2025-09-03 for a single source")
    err_code(notion("POST", "/v1/databases/%s/query" % IDS["db"], {}), 400, "invalid_request_url")
    config({"notion": {"strict_query_endpoint": False}})
    eq(len(notion("POST", "/v1/databases/%s/query" % IDS["db"], {}).json["results"]), 3, "lenient mode")


@test("scenario 9: host discovery -- bare and http:// hosts both reach the data plane; Initializing then Ready")
def _():
    config({"pinecone": {"initializing_describes": {"tiny": 1}}})
    d1 = pc_ctl("GET", "/indexes/tiny").json
    eq(d1["status"]["ready"], False)
    d2 = pc_ctl("GET", "/indexes/tiny").json
    eq(d2["status"]["ready"], True)
    host = d2["host"]
    assert "://" not in host
    url = "http://" + host + "/describe_index_stats"
    req = urllib.request.Request(url, data=b"{}", method="POST", headers={"Api-Key": PC_KEY})
    eq(OPENER.open(req, timeout=10).status, 200)
    config({"pinecone": {"host_style": "http_url"}})
    host = pc_ctl("GET", "/indexes/tiny").json["host"]
    assert host.startswith("http://")
    req = urllib.request.Request(host + "/describe_index_stats", data=b"{}", method="POST", headers={"Api-Key": PC_KEY})
    eq(OPENER.open(req, timeout=10).status, 200)
    eq(len(log(service="pinecone_control", path="^/indexes/tiny$")), 3, "describes are visible in the log")


@test("scenario 10: Pinecone 429 then 503 then success -> each id stored once (overwrite semantics)")
def _():
    fault({"service": "pinecone_data", "match": {"path": "^/vectors/upsert$"}, "action": "pinecone_429"})
    fault({"service": "pinecone_data", "match": {"path": "^/vectors/upsert$"},
           "action": {"type": "apply_then_status", "preset": "pinecone_503"}})
    body = {"vectors": [{"id": "s10-%d" % i, "values": [1, i, 0, 0]} for i in range(3)]}
    statuses = [pc("tiny", "POST", "/vectors/upsert", body).status for _ in range(3)]
    eq(statuses, [429, 503, 200])
    st = ctl("GET", "/state/pinecone/tiny")["namespaces"][""]
    eq([v["id"] for v in st["vectors"]], ["s10-0", "s10-1", "s10-2"])
    eq(st["lsn"], 2, "two applied writes")


@test("scenario 11: 2,500 vectors of dim 384 split by count (<=1000) and size (<=2 MB) all land")
def _():
    vectors = [{"id": "s11-%04d" % i, "values": vec(i), "metadata": {"i": i}} for i in range(2500)]
    eq(pc("amprenta", "POST", "/vectors/upsert", {"vectors": vectors[:1001]}).json["code"], 3, "1001 rejected")
    batches, cur, size = [], [], 0
    overhead = len(json.dumps({"vectors": []}))
    for v in vectors:
        vsize = len(json.dumps(v)) + 2  # item plus ", "
        if cur and (len(cur) == 1000 or overhead + size + vsize > 2000000):
            batches.append(cur)
            cur, size = [], 0
        cur.append(v)
        size += vsize
    batches.append(cur)
    for batch in batches:
        assert len(json.dumps({"vectors": batch}).encode()) <= 2000000
    assert len(batches) >= 3
    for batch in batches:
        r = pc("amprenta", "POST", "/vectors/upsert", {"vectors": batch})
        eq(r.status, 200, r.body[:200])
    eq(pc("amprenta", "POST", "/describe_index_stats", {}).json["totalVectorCount"], 2500)


@test("scenario 12: dimension mismatch is a clear 400 (code 3, not retryable); NULL metadata rejected")
def _():
    r = pc("amprenta", "POST", "/vectors/upsert", {"vectors": [{"id": "x", "values": [0.1] * 1536}]})
    eq((r.status, r.json), (400, {"code": 3, "message": "Vector dimension 1536 does not match the dimension of the "
                                                        "index 384", "details": []}))
    r = pc("amprenta", "POST", "/vectors/upsert", {"vectors": [{"id": "x", "values": vec(1), "metadata": {"a": None}}]})
    eq((r.status, r.json["code"]), (400, 3))
    assert "null" in r.json["message"]
    eq(ctl("GET", "/state/pinecone/amprenta")["namespaces"], {})


@test("scenario 14: delete by ids, by filter and deleteAll are reflected in /__fake/state/pinecone/{index}")
def _():
    vs = [{"id": "d%d" % i, "values": [1, 0, 0, 0], "metadata": {"table": "docs" if i < 3 else "notes"}}
          for i in range(5)]
    pc("tiny", "POST", "/vectors/upsert", {"vectors": vs, "namespace": "del"})
    pc("tiny", "POST", "/vectors/upsert", {"vectors": vs[:1], "namespace": "keep"})

    def ids():
        ns = ctl("GET", "/state/pinecone/tiny?namespace=del")["namespaces"]
        return [v["id"] for v in ns["del"]["vectors"]] if "del" in ns else None

    eq(ids(), ["d0", "d1", "d2", "d3", "d4"])
    pc("tiny", "POST", "/vectors/delete", {"ids": ["d0"], "namespace": "del"})
    eq(ids(), ["d1", "d2", "d3", "d4"])
    pc("tiny", "POST", "/vectors/delete", {"filter": {"table": {"$eq": "docs"}}, "namespace": "del"})
    eq(ids(), ["d3", "d4"])
    pc("tiny", "POST", "/vectors/delete", {"deleteAll": True, "namespace": "del"})
    eq(ids(), None, "deleteAll deletes the namespace")
    eq(sorted(pc("tiny", "POST", "/describe_index_stats", {}).json["namespaces"]), ["keep"])


@test("scenario 15: 3,000 inputs split <=2048 per request and <=300k tokens; quota 429 says do not retry")
def _():
    inputs = ["text number %d with some words" % i for i in range(3000)]
    eq(oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": inputs}).status, 400, "3000 in one request")
    got = []
    for i in range(0, 3000, 2048):
        r = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": inputs[i:i + 2048], "encoding_format": "base64"})
        eq(r.status, 200)
        got += r.json["data"]
    eq(len(got), 3000)
    big = ["z" * 32000] * 20   # 8,000 tokens each
    eq(oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": big * 2}).status, 400, "320k tokens")
    for half in (big, big):
        eq(oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": half}).status, 200)
    fault({"service": "openai", "action": "openai_429_quota"})
    r = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x"})
    eq((r.status, r.json["error"]["type"], r.h("x-should-retry")), (429, "insufficient_quota", "false"))


@test("scenario 16: hang/reset/partial/malformed on every service -> client errors, fakes stay healthy")
def _():
    calls = {
        "notion": lambda t: notion("GET", "/v1/users/me", timeout=t),
        "pinecone_control": lambda t: pc_ctl("GET", "/indexes/tiny", timeout=t),
        "pinecone_data": lambda t: pc("tiny", "POST", "/describe_index_stats", {}, timeout=t),
        "openai": lambda t: oai("GET", "/v1/models", timeout=t),
    }
    for service, fn in calls.items():
        for action in ({"type": "hang", "max_ms": 3000}, {"type": "reset"}, {"type": "partial"},
                       {"type": "malformed"}):
            fault({"service": service, "action": action})
            try:
                r = fn(0.3 if action["type"] == "hang" else 10)
                r.json
                raise AssertionError("%s %s: no client-side error" % (service, action["type"]))
            except (ConnError, ValueError, socket.timeout, TimeoutError):
                pass
        eq(fn(10).status, 200, service + " healthy afterwards")


@test("scenario 17: 401 on each service with a request id to log (Notion body/header, Pinecone, OpenAI)")
def _():
    r = notion("POST", "/v1/pages", page_body("s17"), token="ntn_bad")
    b = err_code(r, 401, "unauthorized")
    eq(b["request_id"], r.h("x-notion-request-id"))
    r = pc_ctl("GET", "/indexes/tiny", key="bad")
    eq(r.status, 401)
    assert r.h("x-pinecone-request-id")
    r = pc("tiny", "POST", "/vectors/upsert", {"vectors": []}, key="bad")
    eq(r.status, 401)
    assert r.h("x-pinecone-request-id")
    r = oai("POST", "/v1/embeddings", {"model": "tiny-8", "input": "x"}, key="sk-bad")
    eq(r.status, 401)
    assert r.h("x-request-id").startswith("req_")
    eq(len(pages_state()), 0)


# ============================================================================ process life cycle
@test("a bad seed file makes the fake exit with status 2 and a message, no ready line")
def _():
    d = tempfile.mkdtemp(prefix="fake-badseed-")
    path = os.path.join(d, "seed.json")
    with open(path, "w") as fh:
        json.dump({"pinecone": {"indexes": [{"name": "x", "dimension": 0}]}}, fh)
    p = subprocess.run([sys.executable, FAKE, "--seed", path], capture_output=True, timeout=30)
    eq(p.returncode, 2)
    eq(p.stdout, b"")
    assert b"dimension" in p.stderr, p.stderr


@test("SIGINT stops a second instance cleanly (exit status 0)")
def _():
    other = Fake({"pinecone": {"indexes": [{"name": "one", "dimension": 2}]}})
    eq(sorted(other.ready["ports"]["pinecone_data"]), ["one"])
    eq(call(other.ready["ports"]["openai"], "GET", "/__fake/health").status, 200)
    eq(other.stop(signal.SIGINT), 0)


def main():
    try:
        fake = Fake(SEED)
    except Exception as exc:
        print("1..%d" % (len(TESTS) + 1))
        print("Bail out! fake did not start: %s" % exc)
        return 1
    PORTS.update(fake.ready["ports"])
    st = ctl("GET", "/state/notion")
    by_title = {d["title"]: d for d in st["databases"]}
    IDS["db"] = by_title["Amprenta"]["id"]
    IDS["ds"] = by_title["Amprenta"]["data_sources"][0]
    IDS["multi_db"] = by_title["Multi"]["id"]
    IDS["multi_ds"] = by_title["Multi"]["data_sources"]
    IDS["hidden_db"] = by_title["Hidden"]["id"]

    total = len(TESTS) + 1
    print("1..%d" % total)
    failed = 0
    for n, (desc, fn) in enumerate(TESTS, 1):
        try:
            if fake.proc.poll() is not None:
                raise RuntimeError("fake exited with %s" % fake.proc.returncode)
            ctl("POST", "/reset")
            t0 = time.monotonic()
            fn()
            print("ok %d - %s" % (n, desc))
            if os.environ.get("FAKE_TEST_TIMING"):
                print("# %.2fs" % (time.monotonic() - t0))
        except Exception:
            failed += 1
            print("not ok %d - %s" % (n, desc))
            for line in traceback.format_exc().rstrip().splitlines():
                print("#   " + line)
        sys.stdout.flush()
    rc = fake.stop(signal.SIGTERM)
    if rc == 0:
        print("ok %d - SIGTERM stops the fake cleanly (exit status 0)" % total)
    else:
        failed += 1
        print("not ok %d - SIGTERM stops the fake cleanly (exit status %r)" % (total, rc))
    err = fake.stderr()
    if "Traceback" in err:
        print("# fake stderr had tracebacks:")
        for line in err.splitlines()[-40:]:
            print("#   " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
