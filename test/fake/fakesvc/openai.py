"""OpenAI-compatible embeddings fake: POST /v1/embeddings, GET /v1/models[/{id}].

Every handler runs under the App's lock.
"""

import math
import time

from . import embedder, util
from .httpd import Response
from .limiter import TokenBucket

BUILTIN_MODELS = {
    "text-embedding-3-small": {"id": "text-embedding-3-small", "dimension": 1536, "supports_dimensions": True},
    "text-embedding-3-large": {"id": "text-embedding-3-large", "dimension": 3072, "supports_dimensions": True},
    "text-embedding-ada-002": {"id": "text-embedding-ada-002", "dimension": 1536, "supports_dimensions": False},
}
ORG = "org-amprenta-fake"


class OAIError(Exception):
    def __init__(self, status, message, etype="invalid_request_error", param=None, code=None, headers=None):
        super().__init__(message)
        self.status, self.message, self.etype, self.param, self.code = status, message, etype, param, code
        self.headers = headers or []


class KeyLimiter:
    """RPM and TPM token buckets of one API key."""

    def __init__(self, rpm, tpm):
        self.rpm, self.tpm = rpm, tpm
        self.requests = TokenBucket(rpm / 60.0, rpm)
        self.tokens = TokenBucket(tpm / 60.0, tpm)


class OpenAIService:
    name = "openai"

    def __init__(self, app):
        self.app = app
        self.presets = {
            "openai_429_rpm": self._preset_rpm,
            "openai_429_quota": self._preset_quota,
            "openai_500": lambda req, a: self.decorate(req, self._err_resp(OAIError(
                500, "The server had an error while processing your request. Sorry about that!",
                "server_error"))),
            "openai_503": lambda req, a: self.decorate(req, self._err_resp(OAIError(
                503, "The engine is currently overloaded, please try again later.", "server_error"))),
        }
        self.reset()

    # -- life cycle ----------------------------------------------------------------
    def reset(self):
        self.api_keys = []
        self.models = dict((k, dict(v)) for k, v in BUILTIN_MODELS.items())
        self.limiters = {}
        self.counters = {"requests": 0, "inputs": 0, "estimated_tokens": 0, "rejected": 0,
                         "rate_limited": 0, "per_model": {}, "per_key": {}}

    def on_config(self, old, new, patch):
        if old["openai"]["rate_limit"] != new["openai"]["rate_limit"]:
            self.limiters = {}

    def validate_seed(self, seed):
        if seed is None:
            return None
        if not isinstance(seed, dict):
            raise ValueError("openai seed must be an object")
        unknown = set(seed) - {"api_keys", "models"}
        if unknown:
            raise ValueError("unknown openai seed keys: %s" % ", ".join(sorted(unknown)))
        keys = seed.get("api_keys", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
            raise ValueError("openai.api_keys must be a list of strings")
        models = []
        for i, m in enumerate(seed.get("models", [])):
            w = "openai.models[%d]" % i
            if not isinstance(m, dict) or not isinstance(m.get("id"), str) or not m["id"]:
                raise ValueError("%s needs an id" % w)
            dim = m.get("dimension")
            if isinstance(dim, bool) or not isinstance(dim, int) or not 1 <= dim <= 65536:
                raise ValueError("%s.dimension must be a positive integer" % w)
            models.append({"id": m["id"], "dimension": dim,
                           "supports_dimensions": bool(m.get("supports_dimensions", True))})
        return {"api_keys": keys, "models": models}

    def apply_seed(self, canon):
        if canon is None:
            return
        for key in canon["api_keys"]:
            if key not in self.api_keys:
                self.api_keys.append(key)
        for m in canon["models"]:
            self.models[m["id"]] = dict(m)

    # -- plumbing ------------------------------------------------------------------
    def request_id(self, req):
        return "req_" + util.uuid_from("openai-req:%d" % req.seq).replace("-", "")

    def _key(self, req):
        auth = req.header("Authorization") or ""
        return auth[7:].strip() if auth[:7].lower() == "bearer " else None

    def _limiter(self, key):
        rl = self.app.config["openai"]["rate_limit"]
        lim = self.limiters.get(key)
        if lim is None:
            lim = self.limiters[key] = KeyLimiter(rl["rpm"], rl["tpm"])
        return lim

    def decorate(self, req, resp):
        resp.setdefault("Content-Type", "application/json")
        resp.set("x-request-id", req.request_id)
        resp.set("openai-processing-ms", str(max(1, int((time.monotonic() - req.started) * 1000))))
        resp.set("openai-version", "2020-10-01")
        resp.set("openai-organization", ORG)
        lim = self._limiter(self._key(req) or "")
        now = time.monotonic()
        resp.set("x-ratelimit-limit-requests", str(int(lim.rpm)))
        resp.set("x-ratelimit-limit-tokens", str(int(lim.tpm)))
        resp.set("x-ratelimit-remaining-requests", str(int(math.floor(lim.requests.level(now)))))
        resp.set("x-ratelimit-remaining-tokens", str(int(math.floor(lim.tokens.level(now)))))
        resp.set("x-ratelimit-reset-requests", util.go_duration(lim.requests.time_to_full(now)))
        resp.set("x-ratelimit-reset-tokens", util.go_duration(lim.tokens.time_to_full(now)))
        return resp

    @staticmethod
    def _err_resp(e):
        return Response.json(e.status, {"error": {"message": e.message, "type": e.etype, "param": e.param,
                                                  "code": e.code}}, e.headers)

    def error(self, req, status, message=None):
        etype = "server_error" if status >= 500 else "invalid_request_error"
        return self.decorate(req, self._err_resp(OAIError(status, message or "Fake %d response." % status, etype)))

    def _rate_error(self, kind, model, limit, used, requested, wait):
        wait = max(wait, 0.001)
        label = "requests per min (RPM)" if kind == "requests" else "tokens per min (TPM)"
        msg = ("Rate limit reached for %s in organization %s on %s: Limit %d, Used %d, Requested %d. "
               "Please try again in %s. Visit https://platform.openai.com/account/rate-limits to learn more."
               % (model, ORG, label, limit, used, requested, util.go_duration(wait)))
        headers = [("retry-after", str(max(1, int(math.ceil(wait))))),
                   ("retry-after-ms", str(max(1, int(math.ceil(wait * 1000)))))]
        return OAIError(429, msg, kind, None, "rate_limit_exceeded", headers)

    def _preset_rpm(self, req, action):
        wait = float(action.get("retry_after_ms", 1000)) / 1000.0
        e = self._rate_error("requests", "text-embedding-3-small", 3000, 3000, 1, wait)
        resp = self.decorate(req, self._err_resp(e))
        if action.get("retry_after") is not None:
            resp.set("retry-after", str(action["retry_after"]))
        return resp

    def _preset_quota(self, req, action):
        e = OAIError(429, "You exceeded your current quota, please check your plan and billing details. For more "
                          "information on this error, read the docs: "
                          "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                     "insufficient_quota", None, "insufficient_quota", [("x-should-retry", "false")])
        return self.decorate(req, self._err_resp(e))

    # -- entry point -----------------------------------------------------------------
    def handle(self, req):
        try:
            resp = self._handle(req)
        except OAIError as e:
            self.counters["rejected"] += 1
            resp = self._err_resp(e)
        return self.decorate(req, resp)

    def _handle(self, req):
        key = self._key(req)
        if not key:
            raise OAIError(401, "You didn't provide an API key. You need to provide your API key in an "
                                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        if self.api_keys and key not in self.api_keys:
            raise OAIError(401, "Incorrect API key provided: %s. You can find your API key at "
                                "https://platform.openai.com/account/api-keys." % _mask(key),
                           code="invalid_api_key")
        if req.path == "/v1/models" and req.method == "GET":
            return Response.json(200, {"object": "list", "data": [self._model_out(m) for m in self.models.values()]})
        if req.path.startswith("/v1/models/") and req.method == "GET":
            model = self.models.get(req.path[len("/v1/models/"):])
            if model is None:
                raise OAIError(404, "The model `%s` does not exist or you do not have access to it."
                               % req.path[len("/v1/models/"):], code="model_not_found")
            return Response.json(200, self._model_out(model))
        if req.path == "/v1/embeddings" and req.method == "POST":
            return self._embeddings(req, key)
        raise OAIError(404, "Invalid URL (%s %s)" % (req.method, req.path))

    @staticmethod
    def _model_out(m):
        return {"id": m["id"], "object": "model", "created": 1705953180,
                "owned_by": "system" if m["id"] in BUILTIN_MODELS else "amprenta-fake"}

    def _embeddings(self, req, key):
        cfg = self.app.config["openai"]
        rl = cfg["rate_limit"]
        lim = self._limiter(key)
        now = time.monotonic()
        if rl["enabled"]:
            ok, wait = lim.requests.try_take(1, now)
            if not ok:
                self.counters["rate_limited"] += 1
                req.entry["limited"] = True
                raise self._rate_error("requests", self._peek_model(req), rl["rpm"],
                                       rl["rpm"] - int(lim.requests.level(now)), 1, wait)
        else:
            lim.requests.take_clamped(1, now)
        try:
            body = util.loads(req.body)
        except (ValueError, UnicodeDecodeError):
            raise OAIError(400, "We could not parse the JSON body of your request. (HINT: This likely means you "
                                "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
                                "but what was sent was not valid JSON.)")
        if not isinstance(body, dict):
            raise OAIError(400, "The request body must be a JSON object.")
        name = body.get("model")
        if name is None:
            raise OAIError(400, "you must provide a model parameter")
        if "input" not in body:
            raise OAIError(400, "'input' is a required property", param="input")
        model = self.models.get(name) if isinstance(name, str) else None
        if model is None:
            raise OAIError(404, "The model `%s` does not exist or you do not have access to it." % name,
                           code="model_not_found")
        fmt = body.get("encoding_format", "float")
        if fmt not in ("float", "base64"):
            raise OAIError(400, "%s is not one of ['float', 'base64'] - 'encoding_format'" % util.short(fmt),
                           param="encoding_format")
        dims = body.get("dimensions")
        if dims is not None:
            if not model["supports_dimensions"]:
                raise OAIError(400, "This model does not support specifying dimensions.", param="dimensions")
            if isinstance(dims, bool) or not isinstance(dims, int) or dims < 1:
                raise OAIError(400, "Invalid value for 'dimensions' = %s. Must be an integer >= 1."
                               % util.short(dims), param="dimensions")
            if dims > model["dimension"]:
                raise OAIError(400, "This model's maximum dimensions is %d, however you requested %d."
                               % (model["dimension"], dims), param="dimensions")
        texts = self._inputs(body["input"], cfg)
        counts = []
        for text, tokens in texts:
            if tokens > cfg["max_tokens_per_input"]:
                raise OAIError(400, "This model's maximum context length is %d tokens, however you requested %d "
                                    "tokens (%d in your prompt; 0 for the completion). Please reduce your prompt; "
                                    "or completion length." % (cfg["max_tokens_per_input"], tokens, tokens))
            counts.append(tokens)
        total = sum(counts)
        if total > cfg["max_tokens_per_request"]:
            raise OAIError(400, "Requested %d tokens, max %d tokens per request" % (total, cfg["max_tokens_per_request"]),
                           code="max_tokens_per_request")
        if rl["enabled"]:
            ok, wait = lim.tokens.try_take(total, now)
            if not ok:
                self.counters["rate_limited"] += 1
                req.entry["limited"] = True
                raise self._rate_error("tokens", name, rl["tpm"], rl["tpm"] - int(lim.tokens.level(now)), total, wait)
        else:
            lim.tokens.take_clamped(total, now)
        data = []
        for i, (text, _) in enumerate(texts):
            vec = embedder.embed(text, model["dimension"], dims)
            data.append({"object": "embedding", "index": i,
                         "embedding": embedder.pack_base64(vec) if fmt == "base64" else vec})
        self.counters["requests"] += 1
        self.counters["inputs"] += len(texts)
        self.counters["estimated_tokens"] += total
        pm = self.counters["per_model"].setdefault(name, {"requests": 0, "inputs": 0, "estimated_tokens": 0})
        pm["requests"] += 1
        pm["inputs"] += len(texts)
        pm["estimated_tokens"] += total
        pk = self.counters["per_key"].setdefault(util.redact(key), {"requests": 0, "estimated_tokens": 0})
        pk["requests"] += 1
        pk["estimated_tokens"] += total
        return Response.json(200, {"object": "list", "data": data, "model": name,
                                   "usage": {"prompt_tokens": total, "total_tokens": total}})

    @staticmethod
    def _peek_model(req):
        try:
            name = util.loads(req.body).get("model")
            return name if isinstance(name, str) else "unknown"
        except (ValueError, AttributeError, UnicodeDecodeError):
            return "unknown"

    @staticmethod
    def _inputs(raw, cfg):
        """[(text to embed, estimated tokens)] from the four accepted input shapes."""
        invalid = OAIError(400, "'$.input' is invalid. Please check the API reference: "
                                "https://platform.openai.com/docs/api-reference.", param="input")

        def is_tok(t):
            return isinstance(t, int) and not isinstance(t, bool) and t >= 0

        if isinstance(raw, str):
            if raw == "":
                raise invalid
            return [(raw, embedder.estimate_tokens(raw))]
        if not isinstance(raw, list) or not raw:
            raise invalid
        if len(raw) > cfg["max_inputs"]:
            raise OAIError(400, "'$.input' is too long. The maximum array length is %d, but %d items were given."
                           % (cfg["max_inputs"], len(raw)), param="input")
        if all(isinstance(x, str) for x in raw):
            if any(x == "" for x in raw):
                raise invalid
            return [(x, embedder.estimate_tokens(x)) for x in raw]
        if all(is_tok(x) for x in raw):
            return [(" ".join(str(t) for t in raw), len(raw))]
        if all(isinstance(x, list) and x and all(is_tok(t) for t in x) for x in raw):
            return [(" ".join(str(t) for t in x), len(x)) for x in raw]
        raise invalid

    # -- state ---------------------------------------------------------------------------
    def state(self):
        return {"api_keys": [util.redact(k) for k in self.api_keys], "models": list(self.models.values()),
                "counters": {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.counters.items()}}


def _mask(key):
    if len(key) <= 8:
        return "*" * len(key)
    return key[:3] + "*" * (len(key) - 7) + key[-4:]
