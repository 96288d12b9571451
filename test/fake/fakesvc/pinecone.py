"""Pinecone fake: control plane (describe index, Inference /embed) and one
data-plane listener per index (vectors, query, fetch, list, update, stats,
integrated-embedding records).  Every handler runs under the App's lock.
"""

import base64
import binascii
import collections
import math
import re
import struct
import time
from array import array
from urllib.parse import unquote

from . import embedder, util
from .httpd import Response
from .limiter import BucketSet, retry_after_seconds

METRICS = ("cosine", "dotproduct", "euclidean")
INDEX_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?$")
MAX_VECTORS = 1000
MAX_IDS = 1000
MAX_ID_LEN = 512
MAX_METADATA = 40960
MAX_DIM = 20000
MAX_SPARSE = 1000
MAX_TOPK = 10000
MAX_RECORDS = 96
DEFAULT_NS_MSG = "Use of namespace='__default__' is not allowed in API versions prior to 2025-04"
GRPC_FOR_STATUS = {400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 412: 9, 429: 8, 500: 13, 501: 12,
                   502: 14, 503: 14, 504: 4}
CTL_CODE_FOR_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 402: "PAYMENT_REQUIRED",
                       403: "FORBIDDEN", 404: "NOT_FOUND", 409: "ALREADY_EXISTS",
                       412: "FAILED_PRECONDITION", 422: "UNPROCESSABLE_ENTITY",
                       429: "RESOURCE_EXHAUSTED", 500: "UNKNOWN", 503: "UNAVAILABLE",
                       504: "DEADLINE_EXCEEDED"}
BUILTIN_MODELS = {
    "multilingual-e5-large": {"name": "multilingual-e5-large", "dimension": 1024, "max_tokens": 507,
                              "max_inputs": 96, "input_type_required": True},
}


class DataError(Exception):
    """Data-plane error: rpcStatus body {"code", "message", "details"}."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or []


class CtlError(Exception):
    """Control-plane / Inference error: ErrorResponse body."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bad(message):
    return DataError(400, 3, message)


def _is_num(v):
    return not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)


_PLAIN_NUMBERS = frozenset((int, float))


def _all_nums(values):
    """all(_is_num(v) for v in values), fast for what JSON decodes to.

    A vector of 384 numbers costs a few passes of built-ins instead of 384
    Python calls: plain ints and floats are numbers (bool is a type of its
    own here, so it never passes), and then only finiteness is left.  A
    finite sum proves every term finite: an infinity or a NaN anywhere makes
    the sum one, and an int too large for a float raises once a float is
    added to it (ints alone sum exactly, and are finite).  A sum that
    overflowed proves nothing, so then each is checked.  Anything but plain
    ints and floats (a bool, a subclass) takes the general check.
    """
    types = set(map(type, values))
    if types <= _PLAIN_NUMBERS:
        try:
            if math.isfinite(sum(values)):
                return True
        except OverflowError:
            pass
    try:
        return all(_is_num(v) for v in values)
    except OverflowError:       # an int too large for a float
        return False


def _json_size_bound(md):
    """At least len(util.dumps(md)) for validated metadata, without encoding it.

    A character of a string takes at most six bytes in JSON (an escape such
    as \\u001f; UTF-8 needs four at most), a number or a boolean at most 24
    characters; the rest is quotes, colons, commas and brackets.  Only when
    this bound is over the limit is the metadata encoded to measure it.
    """
    n = 2
    for key, value in md.items():
        n += 6 * len(key) + 4
        if isinstance(value, str):
            n += 6 * len(value) + 2
        elif isinstance(value, list):
            n += 2 + sum(6 * len(v) + 3 for v in value)
        else:
            n += 24
    return n


class Namespace:
    def __init__(self):
        self.latest = {}                     # what fetch/list see
        self.visible = {}                    # what query/stats see
        self.pending = collections.deque()   # (lsn, visible_at, op)
        self.indexed_lsn = 0


def _apply(store, op):
    kind = op[0]
    if kind == "put":
        for rec in op[1]:
            store[rec["id"]] = rec
    elif kind == "del":
        for vid in op[1]:
            store.pop(vid, None)
    else:
        store.clear()


class PineconeService:
    name = "pinecone"

    def __init__(self, app):
        self.app = app
        self.base_data_port = 0
        self.presets = {
            "pinecone_429": lambda req, a: self._preset(req, a, 429, "Request rate limit exceeded. Please retry later."),
            "pinecone_500": lambda req, a: self._preset(req, a, 500, "Internal server error"),
            "pinecone_503": lambda req, a: self._preset(req, a, 503, "Service is temporarily unavailable."),
        }
        self.reset()

    # -- life cycle ----------------------------------------------------------------
    def reset(self):
        self.api_keys = []
        self.indexes = {}
        self.models = dict((k, dict(v)) for k, v in BUILTIN_MODELS.items())
        self.buckets = None
        self.counters = {"describes": {}, "embed_requests": 0, "embed_inputs": 0, "embed_tokens": 0,
                         "rate_limited": 0}

    def on_config(self, old, new, patch):
        if old["pinecone"]["rate_limit"] != new["pinecone"]["rate_limit"]:
            self.buckets = None
        for name, n in (patch.get("pinecone", {}) or {}).get("initializing_describes", {}).items():
            if name in self.indexes:
                self.indexes[name]["init_left"] = int(n)

    def validate_seed(self, seed):
        if seed is None:
            return None
        if not isinstance(seed, dict):
            raise ValueError("pinecone seed must be an object")
        unknown = set(seed) - {"api_keys", "indexes", "models"}
        if unknown:
            raise ValueError("unknown pinecone seed keys: %s" % ", ".join(sorted(unknown)))
        keys = seed.get("api_keys", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
            raise ValueError("pinecone.api_keys must be a list of strings")
        models = []
        for i, m in enumerate(seed.get("models", [])):
            w = "pinecone.models[%d]" % i
            if not isinstance(m, dict) or not isinstance(m.get("name"), str):
                raise ValueError("%s needs a name" % w)
            dim = m.get("dimension")
            if isinstance(dim, bool) or not isinstance(dim, int) or not 1 <= dim <= MAX_DIM:
                raise ValueError("%s.dimension must be an integer 1..%d" % (w, MAX_DIM))
            models.append({"name": m["name"], "dimension": dim, "max_tokens": int(m.get("max_tokens", 507)),
                           "max_inputs": int(m.get("max_inputs", 96)),
                           "input_type_required": bool(m.get("input_type_required", False))})
        known_models = dict(BUILTIN_MODELS, **{m["name"]: m for m in models})
        indexes = []
        for i, ix in enumerate(seed.get("indexes", [])):
            w = "pinecone.indexes[%d]" % i
            if not isinstance(ix, dict):
                raise ValueError("%s must be an object" % w)
            unknown = set(ix) - {"name", "dimension", "metric", "vector_type", "port", "embed",
                                 "initializing_describes", "deletion_protection", "tags"}
            if unknown:
                raise ValueError("unknown keys in %s: %s" % (w, ", ".join(sorted(unknown))))
            name = ix.get("name")
            if not isinstance(name, str) or not INDEX_NAME.match(name):
                raise ValueError("%s.name must be 1-45 chars of [a-z0-9-], no leading/trailing '-'" % w)
            vtype = ix.get("vector_type", "dense")
            if vtype not in ("dense", "sparse"):
                raise ValueError("%s.vector_type must be dense or sparse" % w)
            metric = ix.get("metric", "dotproduct" if vtype == "sparse" else "cosine")
            if metric not in METRICS or (vtype == "sparse" and metric != "dotproduct"):
                raise ValueError("%s.metric must be one of %s (sparse: dotproduct)" % (w, ", ".join(METRICS)))
            embed = ix.get("embed")
            dim = ix.get("dimension")
            if embed is not None:
                if not isinstance(embed, dict) or not isinstance(embed.get("field_map"), dict) \
                        or not isinstance(embed["field_map"].get("text"), str):
                    raise ValueError("%s.embed needs field_map.text" % w)
                model = embed.get("model", "multilingual-e5-large")
                if dim is None:
                    dim = embed.get("dimension") or (known_models.get(model) or {}).get("dimension")
                embed = {"model": model, "field_map": dict(embed["field_map"]), "metric": metric,
                         "dimension": dim, "read_parameters": {"input_type": "query", "truncate": "END"},
                         "write_parameters": {"input_type": "passage", "truncate": "END"}}
            if vtype == "dense":
                if isinstance(dim, bool) or not isinstance(dim, int) or not 1 <= dim <= MAX_DIM:
                    raise ValueError("%s.dimension must be an integer 1..%d" % (w, MAX_DIM))
            else:
                dim = None
            port = ix.get("port", 0)
            if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
                raise ValueError("%s.port must be a TCP port" % w)
            indexes.append({"name": name, "dimension": dim, "metric": metric, "vector_type": vtype,
                            "port": port, "embed": embed,
                            "initializing_describes": int(ix.get("initializing_describes", 0)),
                            "deletion_protection": ix.get("deletion_protection", "disabled"),
                            "tags": ix.get("tags")})
        return {"api_keys": keys, "indexes": indexes, "models": models}

    def apply_seed(self, canon):
        if canon is None:
            return
        for key in canon["api_keys"]:
            if key not in self.api_keys:
                self.api_keys.append(key)
        for m in canon["models"]:
            self.models[m["name"]] = dict(m)
        for ix in canon["indexes"]:
            port = ix["port"]
            key = "data:" + ix["name"]
            if not port and self.base_data_port and key not in self.app.servers:
                port = self.base_data_port + sum(1 for k in self.app.servers if k.startswith("data:"))
            port = self.app.data_port(ix["name"], port)
            index = dict(ix, port=port, ns={}, lsn={}, init_left=ix["initializing_describes"])
            override = self.app.config["pinecone"]["initializing_describes"].get(ix["name"])
            if override is not None:
                index["init_left"] = int(override)
            self.indexes[ix["name"]] = index

    # -- plumbing ------------------------------------------------------------------
    def request_id(self, req):
        return util.uuid_from("pinecone-req:%d" % req.seq).replace("-", "")[:16]

    def decorate(self, req, resp):
        resp.setdefault("Content-Type", "application/json")
        resp.set("x-pinecone-request-id", req.request_id)
        resp.set("x-pinecone-request-latency-ms", str(max(1, int((time.monotonic() - req.started) * 1000))))
        return resp

    def _data_error_resp(self, e):
        return Response.json(e.status, {"code": e.code, "message": e.message, "details": []}, e.headers)

    def _ctl_error_resp(self, e):
        return Response.json(e.status, {"error": {"code": e.code, "message": e.message}, "status": e.status})

    def error(self, req, status, message=None):
        message = message or "Fake %d response." % status
        if req.service == "pinecone_data":
            code = GRPC_FOR_STATUS.get(status, 13 if status >= 500 else 3)
            resp = self._data_error_resp(DataError(status, code, message))
        else:
            code = CTL_CODE_FOR_STATUS.get(status, "UNKNOWN" if status >= 500 else "INVALID_ARGUMENT")
            resp = self._ctl_error_resp(CtlError(status, code, message))
        return self.decorate(req, resp)

    def _preset(self, req, action, status, message):
        resp = self.error(req, status, message)
        if action.get("retry_after") is not None:
            resp.set("Retry-After", str(action["retry_after"]))
        return resp

    def handle(self, req):
        try:
            if req.service == "pinecone_control":
                resp = self._control(req)
            else:
                resp = self._data(req)
        except DataError as e:
            resp = self._data_error_resp(e)
        except CtlError as e:
            resp = self._ctl_error_resp(e)
        return self.decorate(req, resp)

    def _key_ok(self, req):
        key = req.header("Api-Key")
        return bool(key) and (not self.api_keys or key in self.api_keys)

    # -- control plane ---------------------------------------------------------------
    def _host(self, index):
        host = self.app.host if self.app.host not in ("0.0.0.0", "", "::") else "127.0.0.1"
        bare = "%s:%d" % (host, index["port"])
        return "http://" + bare if self.app.config["pinecone"]["host_style"] == "http_url" else bare

    def _index_model(self, index, describe=False):
        ready = True
        if describe and index["init_left"] > 0:
            index["init_left"] -= 1
            ready = False
        out = {"name": index["name"], "dimension": index["dimension"], "metric": index["metric"],
               "host": self._host(index),
               "spec": {"serverless": {"cloud": "aws", "region": "us-east-1",
                                       "read_capacity": {"mode": "OnDemand", "status": {"state": "Ready"}}}},
               "status": {"ready": ready, "state": "Ready" if ready else "Initializing"},
               "vector_type": index["vector_type"], "deletion_protection": index["deletion_protection"],
               "tags": index["tags"]}
        if index["embed"]:
            out["embed"] = dict(index["embed"])
        return out

    def _control(self, req):
        if not self._key_ok(req):
            raise CtlError(401, "UNAUTHENTICATED", "Invalid API key.")
        m = re.match(r"^/indexes/([^/]+)$", req.path)
        if m and req.method == "GET":
            name = m.group(1)
            index = self.indexes.get(name)
            if index is None:
                raise CtlError(404, "NOT_FOUND", "Index %s not found." % name)
            self.counters["describes"][name] = self.counters["describes"].get(name, 0) + 1
            return Response.json(200, self._index_model(index, describe=True))
        if req.path == "/indexes" and req.method == "GET":
            return Response.json(200, {"indexes": [self._index_model(ix) for ix in self.indexes.values()]})
        if req.path == "/embed" and req.method == "POST":
            return self._embed(req)
        if req.path == "/models" and req.method == "GET":
            return Response.json(200, {"models": [
                {"model": m["name"], "type": "embed", "vector_type": "dense", "default_dimension": m["dimension"],
                 "max_sequence_length": m["max_tokens"], "max_batch_size": m["max_inputs"]}
                for m in self.models.values()]})
        raise CtlError(404, "NOT_FOUND", "No route for %s %s" % (req.method, req.path))

    def _embed(self, req):
        try:
            body = util.loads(req.body)
        except (ValueError, UnicodeDecodeError):
            raise CtlError(400, "INVALID_ARGUMENT", "Request body is not valid JSON.")
        if not isinstance(body, dict):
            raise CtlError(400, "INVALID_ARGUMENT", "Request body must be a JSON object.")
        name = body.get("model")
        if not isinstance(name, str) or not name:
            raise CtlError(400, "INVALID_ARGUMENT", "Missing required field 'model'.")
        model = self.models.get(name)
        if model is None:
            raise CtlError(400, "INVALID_ARGUMENT", "Model '%s' not found. Supported models: %s."
                           % (name, ", ".join(sorted(self.models))))
        inputs = body.get("inputs")
        if not isinstance(inputs, list) or not inputs:
            raise CtlError(400, "INVALID_ARGUMENT", "Field 'inputs' must be a non-empty list.")
        if len(inputs) > model["max_inputs"]:
            raise CtlError(400, "INVALID_ARGUMENT", "Batch size %d exceeds the maximum of %d inputs for model %s."
                           % (len(inputs), model["max_inputs"], name))
        params = body.get("parameters") or {}
        if not isinstance(params, dict):
            raise CtlError(400, "INVALID_ARGUMENT", "Field 'parameters' must be an object.")
        input_type = params.get("input_type")
        if input_type is None and model["input_type_required"]:
            raise CtlError(400, "INVALID_ARGUMENT", "Missing required parameter 'input_type' for model %s." % name)
        if input_type is not None and input_type not in ("query", "passage"):
            raise CtlError(400, "INVALID_ARGUMENT", "Parameter 'input_type' must be 'query' or 'passage'.")
        truncate = params.get("truncate", "END")
        if truncate not in ("END", "NONE"):
            raise CtlError(400, "INVALID_ARGUMENT", "Parameter 'truncate' must be 'END' or 'NONE'.")
        dims = params.get("dimension")
        if dims is not None and (isinstance(dims, bool) or not isinstance(dims, int)
                                 or not 1 <= dims <= model["dimension"]):
            raise CtlError(400, "INVALID_ARGUMENT", "Parameter 'dimension' must be 1..%d." % model["dimension"])
        data, total = [], 0
        for i, item in enumerate(inputs):
            text = item.get("text") if isinstance(item, dict) else None
            if not isinstance(text, str):
                raise CtlError(400, "INVALID_ARGUMENT", "inputs[%d].text must be a string." % i)
            tokens = embedder.estimate_tokens(text)
            if tokens > model["max_tokens"]:
                if truncate == "NONE":
                    raise CtlError(400, "INVALID_ARGUMENT",
                                   "Input text at index %d has %d tokens, which exceeds the maximum of %d tokens "
                                   "for model %s (truncate=NONE)." % (i, tokens, model["max_tokens"], name))
                text = embedder.truncate_to_tokens(text, model["max_tokens"])
                tokens = embedder.estimate_tokens(text)
            total += tokens
            data.append({"vector_type": "dense", "values": embedder.embed(text, model["dimension"], dims)})
        self.counters["embed_requests"] += 1
        self.counters["embed_inputs"] += len(inputs)
        self.counters["embed_tokens"] += total
        return Response.json(200, {"model": name, "vector_type": "dense", "data": data,
                                   "usage": {"total_tokens": total}})

    # -- data plane --------------------------------------------------------------------
    def _data(self, req):
        index = self.indexes.get(req.index)
        if index is None:
            raise DataError(404, 5, "Index %s not found" % req.index)
        cfg = self.app.config["pinecone"]
        if not self._key_ok(req):
            if cfg["unauthorized_body"] == "rpc":
                raise DataError(401, 16, "Invalid API key.")
            return Response(401, "Unauthorized", content_type="text/plain; charset=utf-8")
        version = req.header("X-Pinecone-Api-Version")
        if not version and cfg["strict_version"]:
            raise bad("Missing required header X-Pinecone-Api-Version.")
        if req.method == "POST" and len(req.body) > cfg["max_request_bytes"]:
            raise bad("Request size %d bytes exceeds the maximum supported size of %d bytes (2MB)."
                      % (len(req.body), cfg["max_request_bytes"]))
        m = re.match(r"^/records/namespaces/([^/]*)/(upsert|search)$", req.path)
        if m and req.method == "POST":
            ns = self._namespace(req, unquote(m.group(1)))
            self._limit(req, index, ns)
            if m.group(2) == "upsert":
                return self._records_upsert(req, index, ns)
            return self._records_search(req, index, ns, self._json(req))
        routes = {
            ("POST", "/vectors/upsert"): self._upsert,
            ("POST", "/vectors/delete"): self._delete,
            ("POST", "/query"): self._query,
            ("GET", "/vectors/fetch"): self._fetch,
            ("GET", "/vectors/list"): self._list,
            ("POST", "/vectors/update"): self._update,
            ("POST", "/describe_index_stats"): self._stats,
            ("GET", "/describe_index_stats"): self._stats,
        }
        fn = routes.get((req.method, req.path))
        if fn is None:
            if any(p == req.path for _, p in routes):
                raise DataError(405, 12, "Method Not Allowed")
            raise DataError(404, 5, "Not Found")
        body = self._json(req) if req.method == "POST" else {}
        if fn is not self._stats:
            raw_ns = body.get("namespace") if req.method == "POST" else req.q1("namespace")
            ns = self._namespace(req, raw_ns)
            self._limit(req, index, ns)
            return fn(req, index, ns, body)
        return fn(req, index, None, body)

    def _json(self, req):
        if not req.body.strip():
            return {}
        try:
            body = util.loads(req.body)
        except (ValueError, UnicodeDecodeError):
            raise bad("Request body is not valid JSON.")
        if not isinstance(body, dict):
            raise bad("Request body must be a JSON object.")
        return body

    def _namespace(self, req, raw):
        if raw is None:
            return ""
        if not isinstance(raw, str):
            raise bad("namespace must be a string")
        if raw == "__default__":
            version = req.header("X-Pinecone-Api-Version") or ""
            if version and version <= "2025-01":
                raise bad(DEFAULT_NS_MSG)
            return ""
        return raw

    def _limit(self, req, index, ns):
        rl = self.app.config["pinecone"]["rate_limit"]
        if not rl["enabled"]:
            return
        if self.buckets is None:
            self.buckets = BucketSet(rl["rps"], rl["burst"])
        ok, wait = self.buckets.get("%s/%s" % (index["name"], ns)).try_take(1)
        if not ok:
            self.counters["rate_limited"] += 1
            req.entry["limited"] = True
            headers = []
            if rl["retry_after"] is not None:
                headers.append(("Retry-After", str(retry_after_seconds(wait, rl["retry_after"]))))
            raise DataError(429, 8, "Request rate limit exceeded for namespace '%s' of index %s: limit %g "
                            "requests per second." % (ns, index["name"], rl["rps"]), headers)

    def _ns(self, index, name, create=False):
        ns = index["ns"].get(name)
        if ns is None and create:
            ns = index["ns"][name] = Namespace()
        if ns is not None:
            self._advance(ns)
        return ns

    @staticmethod
    def _advance(ns):
        now = time.monotonic()
        while ns.pending and ns.pending[0][1] <= now:
            lsn, _, op = ns.pending.popleft()
            _apply(ns.visible, op)
            ns.indexed_lsn = lsn

    def _write(self, index, name, op):
        ns = self._ns(index, name, create=True)
        lsn = index["lsn"].get(name, 0) + 1
        index["lsn"][name] = lsn
        _apply(ns.latest, op)
        delay = self.app.config["pinecone"]["visibility_delay_ms"] / 1000.0
        ns.pending.append((lsn, time.monotonic() + delay, op))
        self._advance(ns)
        return lsn

    @staticmethod
    def _lsn_header(lsn):
        return [("x-pinecone-request-lsn", str(lsn))]

    # -- validation --------------------------------------------------------------------
    def _values(self, index, values, what="Vector", no_bools=False):
        """Validated dense values, as float32 in an array (as Pinecone keeps them).

        An array rather than a list of Python floats: an object per value
        would cost memory, and the garbage collector a visit to each at
        every full collection.  Every answer that carries values converts
        them back to a list.  no_bools: the caller saw no true/false literal
        in the request's text, so the values hold no bool and the type check
        can be left to struct, which refuses anything but a number.  A value
        infinite or past float32's range is infinite once packed, and then
        so is the sum.
        """
        if not isinstance(values, list):
            raise bad("%s values must be a list of finite numbers" % what)
        if len(values) != index["dimension"]:
            if not _all_nums(values):
                raise bad("%s values must be a list of finite numbers" % what)
            raise bad("Vector dimension %d does not match the dimension of the index %d"
                      % (len(values), index["dimension"]))
        if no_bools or _all_nums(values):
            try:
                out = array("f")
                out.frombytes(struct.pack("%df" % len(values), *values))
            except (struct.error, TypeError, OverflowError):    # an int past a double's range
                raise bad("%s values must be a list of finite numbers" % what)
            if math.isfinite(sum(out)):     # a value past float32's range is infinite now
                return out
        raise bad("%s values must be a list of finite numbers" % what)

    @staticmethod
    def _sparse(raw, what="sparseValues"):
        if not isinstance(raw, dict):
            raise bad("%s must be an object with indices and values" % what)
        idx, vals = raw.get("indices"), raw.get("values")
        if not isinstance(idx, list) or not isinstance(vals, list):
            raise bad("%s must have indices and values lists" % what)
        if len(idx) != len(vals):
            raise bad("Sparse vector indices and values must have the same length, got %d indices and %d values"
                      % (len(idx), len(vals)))
        if len(idx) > MAX_SPARSE:
            raise bad("Sparse vector has %d non-zero values, which exceeds the limit of %d" % (len(idx), MAX_SPARSE))
        if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i <= 0xFFFFFFFF for i in idx):
            raise bad("Sparse vector indices must be unsigned 32-bit integers")
        if len(set(idx)) != len(idx):
            raise bad("Sparse vector indices must be unique")
        if not _all_nums(vals):
            raise bad("Sparse vector values must be finite numbers")
        return {"indices": list(idx), "values": embedder.to_float32(vals)}

    @staticmethod
    def _metadata(md, vid=None):
        if not isinstance(md, dict):
            raise bad("Metadata must be a JSON object")
        out = {}
        for key, value in md.items():
            if key.startswith("$"):
                raise bad("Metadata key '%s' is invalid: keys must not start with '$'" % key)
            if value is None:
                raise bad("Metadata value for field '%s' must not be null" % key)
            if isinstance(value, bool) or isinstance(value, str):
                out[key] = value
            elif _is_num(value):
                out[key] = float(value)
            elif isinstance(value, list):
                if not all(isinstance(v, str) for v in value):
                    raise bad("Metadata value for field '%s' must be a string, number, boolean or list of strings"
                              % key)
                out[key] = list(value)
            else:
                raise bad("Metadata value for field '%s' must be a string, number, boolean or list of strings; "
                          "nested objects are not allowed" % key)
        if _json_size_bound(out) > MAX_METADATA and len(util.dumps(out)) > MAX_METADATA:
            size = len(util.dumps(out))
            raise bad("Metadata size is %d bytes, which exceeds the limit of %d bytes per vector%s"
                      % (size, MAX_METADATA, "" if vid is None else " (id '%s')" % vid))
        return out

    @staticmethod
    def _vid(vid):
        if not isinstance(vid, str) or not vid:
            raise bad("Vector ID must be a non-empty string")
        if len(vid) > MAX_ID_LEN:
            raise bad("Vector ID '%s…' is %d characters long, which exceeds the limit of %d"
                      % (vid[:20], len(vid), MAX_ID_LEN))
        return vid

    def _record(self, index, raw, i, no_bools=False):
        if not isinstance(raw, dict):
            raise bad("vectors[%d] must be an object" % i)
        vid = self._vid(raw.get("id"))
        values = raw.get("values")
        sparse = raw.get("sparseValues")
        if index["vector_type"] == "dense":
            values = self._values(index, values if values is not None else [], no_bools=no_bools)
            if not any(values):
                raise bad("Dense vectors must contain at least one non-zero value (id '%s')" % vid)
            if sparse is not None and index["metric"] != "dotproduct":
                raise bad("Sparse values are only supported for indexes with the dotproduct metric")
        else:
            if values:
                raise bad("Sparse indexes do not accept dense values (id '%s')" % vid)
            values = []
            if sparse is None:
                raise bad("Sparse indexes require sparseValues (id '%s')" % vid)
        if sparse is not None:
            sparse = self._sparse(sparse)
        md = raw.get("metadata")
        rec = {"id": vid, "values": values}
        if sparse is not None:
            rec["sparseValues"] = sparse
        if md is not None:
            rec["metadata"] = self._metadata(md, vid)
        return rec

    # -- filters -----------------------------------------------------------------------
    def _filter(self, f, path="filter"):
        if not isinstance(f, dict) or not f:
            raise bad("Invalid filter: %s must be a non-empty object" % path)
        preds = []
        for key, cond in f.items():
            if key in ("$and", "$or"):
                if not isinstance(cond, list) or not cond:
                    raise bad("Invalid filter: %s.%s must be a non-empty list" % (path, key))
                subs = [self._filter(c, "%s.%s[%d]" % (path, key, i)) for i, c in enumerate(cond)]
                if key == "$and":
                    preds.append(lambda md, s=subs: all(p(md) for p in s))
                else:
                    preds.append(lambda md, s=subs: any(p(md) for p in s))
            elif key.startswith("$"):
                raise bad("Invalid filter: unknown operator %s at %s" % (key, path))
            else:
                if isinstance(cond, dict):
                    if not cond:
                        raise bad("Invalid filter: %s.%s is empty" % (path, key))
                    for op, arg in cond.items():
                        preds.append(self._field_pred(key, op, arg, path))
                else:
                    preds.append(self._field_pred(key, "$eq", cond, path))
        return lambda md: all(p(md) for p in preds)

    @staticmethod
    def _field_pred(field, op, arg, path):
        def scalar(v):
            return isinstance(v, (str, bool)) or _is_num(v)

        def same(a, b):
            if isinstance(a, bool) or isinstance(b, bool):
                return isinstance(a, bool) and isinstance(b, bool) and a == b
            if isinstance(a, str) or isinstance(b, str):
                return isinstance(a, str) and isinstance(b, str) and a == b
            return a == b

        def elems(md):
            if field not in md:
                return None
            v = md[field]
            return v if isinstance(v, list) else [v]

        where = "%s.%s.%s" % (path, field, op)
        if op in ("$eq", "$ne"):
            if not scalar(arg):
                raise bad("Invalid filter: %s needs a string, number or boolean" % where)
            if op == "$eq":
                return lambda md: any(same(v, arg) for v in (elems(md) or []))
            return lambda md: not any(same(v, arg) for v in (elems(md) or []))
        if op in ("$gt", "$gte", "$lt", "$lte"):
            if not _is_num(arg):
                raise bad("Invalid filter: %s needs a number" % where)
            cmp = {"$gt": lambda a: a > arg, "$gte": lambda a: a >= arg,
                   "$lt": lambda a: a < arg, "$lte": lambda a: a <= arg}[op]
            return lambda md: any(_is_num(v) and cmp(v) for v in (elems(md) or []))
        if op in ("$in", "$nin"):
            if not isinstance(arg, list) or not all(scalar(a) for a in arg):
                raise bad("Invalid filter: %s needs a list of strings, numbers or booleans" % where)
            if op == "$in":
                return lambda md: any(same(v, a) for v in (elems(md) or []) for a in arg)
            return lambda md: not any(same(v, a) for v in (elems(md) or []) for a in arg)
        if op == "$exists":
            if not isinstance(arg, bool):
                raise bad("Invalid filter: %s needs a boolean" % where)
            return lambda md: (field in md) == arg
        raise bad("Invalid filter: unknown operator %s" % where)

    # -- endpoints -----------------------------------------------------------------------
    def _upsert(self, req, index, ns, body):
        vectors = body.get("vectors")
        if not isinstance(vectors, list) or not vectors:
            raise bad("vectors must be a non-empty list")
        if len(vectors) > MAX_VECTORS:
            raise bad("Number of vectors (%d) exceeds the maximum of %d per upsert request"
                      % (len(vectors), MAX_VECTORS))
        # Without a true/false literal anywhere in the text, no value is a bool.
        no_bools = b"true" not in req.body and b"false" not in req.body
        recs = [self._record(index, raw, i, no_bools) for i, raw in enumerate(vectors)]
        lsn = self._write(index, ns, ("put", recs))
        return Response.json(200, {"upsertedCount": len(recs)}, self._lsn_header(lsn))

    def _delete(self, req, index, ns, body):
        given = [k for k in ("ids", "deleteAll", "filter") if body.get(k) not in (None, False)]
        if len(given) != 1:
            raise bad("Exactly one of ids, deleteAll or filter must be specified")
        current = self._ns(index, ns)
        if given[0] == "ids":
            ids = body["ids"]
            if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
                raise bad("ids must be a list of non-empty strings")
            if len(ids) > MAX_IDS:
                raise bad("Number of ids (%d) exceeds the maximum of %d per delete request" % (len(ids), MAX_IDS))
            op = ("del", list(ids))
        elif given[0] == "deleteAll":
            if body["deleteAll"] is not True:
                raise bad("deleteAll must be a boolean")
            op = ("clear",)
        else:
            pred = self._filter(body["filter"])
            ids = [vid for vid, rec in (current.latest.items() if current else [])
                   if pred(rec.get("metadata") or {})]
            op = ("del", ids)
        lsn = self._write(index, ns, op)
        if op[0] == "clear":
            self._drop_if_empty(index, ns)
        return Response.json(200, {}, self._lsn_header(lsn))

    def _drop_if_empty(self, index, name):
        ns = index["ns"].get(name)
        if ns is not None and not ns.latest and not ns.visible and not ns.pending:
            del index["ns"][name]

    def _score(self, index, qv, qs, rec):
        metric = index["metric"]
        values = rec["values"]
        if metric == "euclidean":
            return sum((a - b) * (a - b) for a, b in zip(qv, values))
        dot = sum(a * b for a, b in zip(qv, values)) if qv else 0.0
        if qs and rec.get("sparseValues"):
            rs = dict(zip(rec["sparseValues"]["indices"], rec["sparseValues"]["values"]))
            dot += sum(v * rs.get(i, 0.0) for i, v in zip(qs["indices"], qs["values"]))
        if metric == "cosine":
            na = math.sqrt(sum(a * a for a in qv))
            nb = math.sqrt(sum(b * b for b in values))
            return dot / (na * nb) if na and nb else 0.0
        return dot

    def _rank(self, index, ns_obj, qv, qs, top_k, pred):
        scored = []
        for rec in (ns_obj.visible.values() if ns_obj else []):
            if pred is not None and not pred(rec.get("metadata") or {}):
                continue
            scored.append((embedder.to_float32([self._score(index, qv, qs, rec)])[0], rec))
        reverse = index["metric"] != "euclidean"
        scored.sort(key=lambda sr: sr[1]["id"])
        scored.sort(key=lambda sr: sr[0], reverse=reverse)
        return scored[:top_k], len(ns_obj.visible) if ns_obj else 0

    def _query(self, req, index, ns, body):
        has_vec = body.get("vector") is not None
        has_id = body.get("id") is not None
        has_sparse = body.get("sparseVector") is not None
        if has_vec and has_id:
            raise bad("Exactly one of vector or id must be specified")
        if not (has_vec or has_id or (has_sparse and index["vector_type"] == "sparse")):
            raise bad("Exactly one of vector or id must be specified")
        top_k = body.get("topK")
        if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOPK:
            raise bad("topK must be an integer between 1 and %d, got %s" % (MAX_TOPK, util.short(top_k)))
        for flag in ("includeValues", "includeMetadata"):
            if flag in body and not isinstance(body[flag], bool):
                raise bad("%s must be a boolean" % flag)
        pred = self._filter(body["filter"]) if body.get("filter") is not None else None
        qs = self._sparse(body["sparseVector"], "sparseVector") if has_sparse else None
        if qs is not None and index["metric"] != "dotproduct":
            raise bad("Sparse vectors in queries are only supported for indexes with the dotproduct metric")
        ns_obj = self._ns(index, ns)
        if has_id:
            if not isinstance(body["id"], str) or not body["id"]:
                raise bad("id must be a non-empty string")
            src = ns_obj.visible.get(body["id"]) if ns_obj else None
            if src is None:
                qv = None
            else:
                qv, qs = src["values"], src.get("sparseValues")
        elif has_vec:
            qv = self._values(index, body["vector"], "Query vector")
        else:
            qv = []
        matches = []
        scanned = 0
        if qv is not None:
            ranked, scanned = self._rank(index, ns_obj, qv, qs, top_k, pred)
            for score, rec in ranked:
                m = {"id": rec["id"], "score": score, "values": list(rec["values"]) if body.get("includeValues") else []}
                if body.get("includeValues") and rec.get("sparseValues"):
                    m["sparseValues"] = rec["sparseValues"]
                if body.get("includeMetadata") and rec.get("metadata") is not None:
                    m["metadata"] = dict(rec["metadata"])
                matches.append(m)
        headers = [("x-pinecone-max-indexed-lsn", str(ns_obj.indexed_lsn if ns_obj else 0))]
        return Response.json(200, {"results": [], "matches": matches, "namespace": ns,
                                   "usage": {"readUnits": max(1, math.ceil(scanned / 1000))}}, headers)

    def _fetch(self, req, index, ns, body):
        ids = req.query.get("ids", [])
        if not ids:
            raise bad("ids must be specified")
        if len(ids) > MAX_IDS:
            raise bad("Number of ids (%d) exceeds the maximum of %d per fetch request" % (len(ids), MAX_IDS))
        for vid in ids:
            if not vid or " " in vid:
                raise bad("Invalid id '%s': ids must be non-empty and must not contain spaces" % vid)
        ns_obj = self._ns(index, ns)
        out = {}
        for vid in ids:
            rec = ns_obj.latest.get(vid) if ns_obj else None
            if rec is not None:
                out[vid] = _copy_rec(rec)
        return Response.json(200, {"vectors": out, "namespace": ns, "usage": {"readUnits": 1}})

    def _list(self, req, index, ns, body):
        prefix = req.q1("prefix", "")
        raw_limit = req.q1("limit", "100")
        try:
            limit = int(raw_limit)
        except ValueError:
            raise bad("limit must be an integer")
        if not 1 <= limit <= 1000:
            raise bad("limit must be between 1 and 1000")
        token = req.q1("paginationToken")
        after = None
        if token:
            try:
                after = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4)).decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise bad("Invalid paginationToken")
        ns_obj = self._ns(index, ns)
        ids = sorted((vid for vid in (ns_obj.latest if ns_obj else {}) if vid.startswith(prefix)),
                     key=lambda s: s.encode("utf-8"))
        if after is not None:
            ids = [vid for vid in ids if vid.encode("utf-8") > after.encode("utf-8")]
        page = ids[:limit]
        out = {"vectors": [{"id": vid} for vid in page], "namespace": ns, "usage": {"readUnits": 1}}
        if len(ids) > limit:
            out["pagination"] = {"next": base64.urlsafe_b64encode(page[-1].encode("utf-8")).decode("ascii").rstrip("=")}
        return Response.json(200, out)

    def _update(self, req, index, ns, body):
        has_id, has_filter = body.get("id") is not None, body.get("filter") is not None
        if has_id == has_filter:
            raise bad("Exactly one of id or filter must be specified")
        set_md = body.get("setMetadata")
        if set_md is not None:
            set_md = self._metadata(set_md)
        ns_obj = self._ns(index, ns)
        latest = ns_obj.latest if ns_obj else {}
        if has_filter:
            if set_md is None:
                raise bad("setMetadata is required when updating by filter")
            if body.get("values") is not None or body.get("sparseValues") is not None:
                raise bad("values and sparseValues cannot be updated by filter")
            pred = self._filter(body["filter"])
            targets = [rec for rec in latest.values() if pred(rec.get("metadata") or {})]
            if body.get("dryRun"):
                return Response.json(200, {"matchedRecords": len(targets)})
        else:
            vid = self._vid(body["id"])
            targets = [latest[vid]] if vid in latest else []
        values = self._values(index, body["values"]) if body.get("values") is not None else None
        if values is not None and not any(values):
            raise bad("Dense vectors must contain at least one non-zero value")
        sparse = self._sparse(body["sparseValues"]) if body.get("sparseValues") is not None else None
        new = []
        for rec in targets:
            rec = _copy_rec(rec)
            if values is not None:
                rec["values"] = values
            if sparse is not None:
                rec["sparseValues"] = sparse
            if set_md is not None:
                rec["metadata"] = self._metadata(dict(rec.get("metadata") or {}, **set_md), rec["id"])
            new.append(rec)
        headers = []
        if new:
            headers = self._lsn_header(self._write(index, ns, ("put", new)))
        return Response.json(200, {"matchedRecords": len(new)}, headers)

    def _stats(self, req, index, ns, body):
        if body.get("filter") is not None:
            raise bad("Serverless and starter indexes do not support describing index stats with metadata filtering.")
        namespaces, total = {}, 0
        for name in sorted(index["ns"]):
            ns_obj = self._ns(index, name)
            count = len(ns_obj.visible)
            if count:
                namespaces[name] = {"vectorCount": count}
                total += count
        out = {"namespaces": namespaces, "indexFullness": 0.0, "totalVectorCount": total,
               "metric": index["metric"], "vectorType": index["vector_type"]}
        if index["dimension"] is not None:
            out["dimension"] = index["dimension"]
        return Response.json(200, out)

    def _records_upsert(self, req, index, ns):
        if not index["embed"]:
            raise bad("Integrated inference is not configured for index %s; use /vectors/upsert" % index["name"])
        field = index["embed"]["field_map"]["text"]
        lines = [ln for ln in req.body.split(b"\n") if ln.strip()]
        if not lines:
            raise bad("No records in request body")
        if len(lines) > MAX_RECORDS:
            raise bad("Number of records (%d) exceeds the maximum of %d per request" % (len(lines), MAX_RECORDS))
        recs = []
        for i, line in enumerate(lines):
            try:
                obj = util.loads(line)
            except (ValueError, UnicodeDecodeError):
                raise bad("Line %d is not valid JSON" % (i + 1))
            if not isinstance(obj, dict):
                raise bad("Line %d is not a JSON object" % (i + 1))
            vid = obj.get("_id", obj.get("id"))
            if vid is None:
                raise bad("Record on line %d is missing '_id'" % (i + 1))
            vid = self._vid(vid)
            text = obj.get(field)
            if not isinstance(text, str) or not text:
                raise bad("Record '%s' is missing the field '%s' to embed" % (vid, field))
            md = self._metadata({k: v for k, v in obj.items() if k not in ("_id", "id")}, vid)
            text = embedder.truncate_to_tokens(text, 507)
            recs.append({"id": vid, "values": embedder.embed(text, index["dimension"]), "metadata": md})
        lsn = self._write(index, ns, ("put", recs))
        return Response(201, b"", self._lsn_header(lsn), content_type=None)

    def _records_search(self, req, index, ns, body):
        if not index["embed"]:
            raise bad("Integrated inference is not configured for index %s" % index["name"])
        query = body.get("query")
        if not isinstance(query, dict):
            raise bad("query must be an object")
        top_k = query.get("top_k")
        if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOPK:
            raise bad("query.top_k must be an integer between 1 and %d" % MAX_TOPK)
        pred = self._filter(query["filter"]) if query.get("filter") is not None else None
        fields = body.get("fields")
        if fields is not None and (not isinstance(fields, list) or not all(isinstance(f, str) for f in fields)):
            raise bad("fields must be a list of strings")
        tokens = 0
        ns_obj = self._ns(index, ns)
        inputs = query.get("inputs")
        if isinstance(inputs, dict) and isinstance(inputs.get("text"), str):
            text = inputs["text"]
            tokens = embedder.estimate_tokens(text)
            qv = embedder.embed(text, index["dimension"])
        elif isinstance(query.get("vector"), dict):
            qv = self._values(index, query["vector"].get("values"), "Query vector")
        elif isinstance(query.get("id"), str):
            src = ns_obj.visible.get(query["id"]) if ns_obj else None
            qv = src["values"] if src else None
        else:
            raise bad("query needs inputs.text, vector or id")
        hits = []
        if qv is not None:
            ranked, _ = self._rank(index, ns_obj, qv, None, top_k, pred)
            for score, rec in ranked:
                md = rec.get("metadata") or {}
                chosen = md if fields is None else {f: md[f] for f in fields if f in md}
                hits.append({"_id": rec["id"], "_score": score, "fields": dict(chosen)})
        usage = {"read_units": 1}
        if tokens:
            usage["embed_total_tokens"] = tokens
        return Response.json(200, {"result": {"hits": hits}, "usage": usage})

    # -- state ---------------------------------------------------------------------------
    def state_all(self):
        return {"indexes": {name: {"dimension": ix["dimension"], "metric": ix["metric"],
                                   "vector_type": ix["vector_type"], "port": ix["port"],
                                   "host": self._host(ix), "embed": ix["embed"],
                                   "initializing_describes_left": ix["init_left"],
                                   "namespaces": {n: len(ns.latest) for n, ns in sorted(ix["ns"].items())}}
                            for name, ix in self.indexes.items()},
                "api_keys": [util.redact(k) for k in self.api_keys],
                "models": list(self.models.values()),
                "counters": dict(self.counters, describes=dict(self.counters["describes"]))}

    def state_index(self, name, namespace=None):
        ix = self.indexes.get(name)
        if ix is None:
            return None
        namespaces = {}
        for ns_name in sorted(ix["ns"]):
            if namespace is not None and ns_name != ("" if namespace == "__default__" else namespace):
                continue
            ns = self._ns(ix, ns_name)
            namespaces[ns_name] = {
                "vector_count": len(ns.latest),
                "visible_count": len(ns.visible),
                "lsn": ix["lsn"].get(ns_name, 0),
                "max_indexed_lsn": ns.indexed_lsn,
                "vectors": [_copy_rec(ns.latest[v]) for v in sorted(ns.latest, key=lambda s: s.encode("utf-8"))],
            }
        return {"name": name, "dimension": ix["dimension"], "metric": ix["metric"],
                "vector_type": ix["vector_type"], "port": ix["port"], "namespaces": namespaces,
                "lsn": dict(ix["lsn"])}


def _copy_rec(rec):
    out = {"id": rec["id"], "values": list(rec["values"])}
    if rec.get("sparseValues") is not None:
        out["sparseValues"] = {"indices": list(rec["sparseValues"]["indices"]),
                               "values": list(rec["sparseValues"]["values"])}
    if rec.get("metadata") is not None:
        out["metadata"] = dict(rec["metadata"])
    return out
