"""Fault rules: validation, matching in insertion order, skip/times accounting.

A rule:
  {"service": "notion"|"pinecone_control"|"pinecone_data"|"pinecone"|"openai"|null,
   "match": {"method": "POST", "path": "<regex>", "query": "<regex>",
             "body_contains": "<substring>", "headers": {"<name>": "<regex>"},
             "index": "<pinecone index name>"},
   "skip": 0, "times": 1,           (times -1 = forever)
   "action": {"type": ..., ...}  or  "action": "<preset name>"}
"""

import re

ACTION_TYPES = ("status", "delay", "hang", "reset", "apply_then_reset",
                "apply_then_status", "malformed", "partial", "slow_body")

# Whether the operation is performed on state by default, per action type.
DEFAULT_APPLY = {
    "status": False, "hang": False, "reset": False, "malformed": False,
    "delay": True, "slow_body": True, "partial": True,
    "apply_then_reset": True, "apply_then_status": True,
}

SERVICES = ("notion", "pinecone_control", "pinecone_data", "pinecone", "openai")
MALFORMED_VARIANTS = ("truncated_json", "wrong_content_type", "empty")


class FaultError(ValueError):
    pass


def _norm_service(name):
    if name is None:
        return None
    if not isinstance(name, str):
        raise FaultError("service must be a string")
    name = name.replace("-", "_")
    if name not in SERVICES:
        raise FaultError("unknown service %r (one of %s)" % (name, ", ".join(SERVICES)))
    return name


def _num(value, what, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise FaultError("%s must be a number >= %s" % (what, minimum))
    return value


def normalise_action(action, preset_names):
    if isinstance(action, str):
        action = {"type": "status", "preset": action}
    if not isinstance(action, dict):
        raise FaultError("action must be an object or a preset name")
    action = dict(action)
    if "type" not in action and "preset" in action:
        action["type"] = "status"
    atype = action.get("type")
    if atype not in ACTION_TYPES:
        raise FaultError("action.type must be one of %s" % ", ".join(ACTION_TYPES))
    preset = action.get("preset")
    if preset is not None and preset not in preset_names:
        raise FaultError("unknown preset %r (one of %s)" % (preset, ", ".join(sorted(preset_names))))
    if atype in ("status", "apply_then_status") and preset is None:
        status = action.get("status", 500 if atype == "apply_then_status" else None)
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise FaultError("action.status must be an HTTP status code (or give a preset)")
        action["status"] = status
    if "headers" in action and not isinstance(action["headers"], dict):
        raise FaultError("action.headers must be an object")
    if atype == "delay":
        _num(action.get("ms", 0), "action.ms")
    if atype == "hang" and action.get("max_ms") is not None:
        _num(action["max_ms"], "action.max_ms")
    if atype == "slow_body":
        _num(action.setdefault("bytes_per_s", 100), "action.bytes_per_s", 1)
    if atype == "malformed":
        variant = action.setdefault("variant", "truncated_json")
        if variant not in MALFORMED_VARIANTS:
            raise FaultError("action.variant must be one of %s" % ", ".join(MALFORMED_VARIANTS))
    if atype in ("reset", "apply_then_reset"):
        mode = action.setdefault("mode", "rst")
        if mode not in ("rst", "close"):
            raise FaultError("action.mode must be rst or close")
    if atype in ("apply_then_reset", "apply_then_status"):
        action["apply"] = True
    else:
        action["apply"] = bool(action.get("apply", DEFAULT_APPLY[atype]))
    return action


class FaultTable:
    def __init__(self):
        self.rules = []
        self.next_id = 1

    def clear(self):
        self.rules = []

    def add(self, spec, preset_names):
        if not isinstance(spec, dict):
            raise FaultError("a fault rule must be an object")
        unknown = set(spec) - {"service", "match", "skip", "times", "action", "name"}
        if unknown:
            raise FaultError("unknown rule keys: %s" % ", ".join(sorted(unknown)))
        match = spec.get("match") or {}
        if not isinstance(match, dict):
            raise FaultError("match must be an object")
        unknown = set(match) - {"method", "path", "query", "body_contains", "headers", "index"}
        if unknown:
            raise FaultError("unknown match keys: %s" % ", ".join(sorted(unknown)))
        compiled = {}
        for key in ("path", "query"):
            if match.get(key) is not None:
                try:
                    compiled[key] = re.compile(match[key])
                except re.error as exc:
                    raise FaultError("bad %s regex: %s" % (key, exc))
        headers = match.get("headers") or {}
        if not isinstance(headers, dict):
            raise FaultError("match.headers must be an object")
        try:
            compiled["headers"] = [(k.lower(), re.compile(v)) for k, v in headers.items()]
        except (re.error, TypeError, AttributeError) as exc:
            raise FaultError("bad header regex: %s" % exc)
        skip = spec.get("skip", 0)
        times = spec.get("times", 1)
        if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
            raise FaultError("skip must be an integer >= 0")
        if isinstance(times, bool) or not isinstance(times, int) or times < -1 or times == 0:
            raise FaultError("times must be a positive integer or -1")
        if "action" not in spec:
            raise FaultError("action is required")
        rule = {
            "id": self.next_id,
            "name": spec.get("name"),
            "service": _norm_service(spec.get("service")),
            "match": dict(match),
            "skip": skip,
            "times": times,
            "action": normalise_action(spec["action"], preset_names),
            "seen": 0,
            "fired": 0,
            "_re": compiled,
        }
        self.next_id += 1
        self.rules.append(rule)
        return rule

    @staticmethod
    def public(rule):
        out = {k: v for k, v in rule.items() if not k.startswith("_")}
        out["remaining"] = -1 if rule["times"] == -1 else max(0, rule["times"] - rule["fired"])
        return out

    def remove(self, rule_id):
        before = len(self.rules)
        self.rules = [r for r in self.rules if r["id"] != rule_id]
        return len(self.rules) != before

    @staticmethod
    def _matches(rule, req):
        svc = rule["service"]
        if svc is not None:
            if svc == "pinecone":
                if req.service not in ("pinecone_control", "pinecone_data"):
                    return False
            elif svc != req.service:
                return False
        m = rule["match"]
        if m.get("method") and m["method"].upper() != req.method:
            return False
        if m.get("index") is not None and m["index"] != req.index:
            return False
        rx = rule["_re"]
        if "path" in rx and not rx["path"].search(req.path):
            return False
        if "query" in rx and not rx["query"].search(req.raw_query):
            return False
        if m.get("body_contains") is not None:
            if m["body_contains"] not in req.body.decode("utf-8", errors="replace"):
                return False
        for name, pattern in rx["headers"]:
            value = req.headers.get(name)
            if value is None or not pattern.search(value):
                return False
        return True

    def match(self, req):
        """First rule that fires for req (accounting done), else None.  Call under the lock."""
        for rule in self.rules:
            if rule["times"] != -1 and rule["fired"] >= rule["times"]:
                continue
            if not self._matches(rule, req):
                continue
            rule["seen"] += 1
            if rule["seen"] <= rule["skip"]:
                continue
            rule["fired"] += 1
            return rule
        return None
