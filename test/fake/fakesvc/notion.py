"""Notion API fake: versions 2022-06-28, 2025-09-03 and 2026-03-11.

Model: databases -> data sources (normally one) with a schema; pages with a
data-source (or page) parent, properties, in_trash and block children.
Every handler runs under the App's lock.
"""

import datetime as _dt
import functools
import hashlib
import re
import time
from urllib.parse import quote, unquote

from . import util
from .httpd import Response
from .limiter import BucketSet, retry_after_seconds

VERSIONS = ("2022-06-28", "2025-09-03", "2026-03-11")
V_DS = "2025-09-03"      # databases become containers of data sources
V_TRASH = "2026-03-11"   # `archived` removed, `after` removed
BOT = {"object": "user", "id": util.uuid_from("notion-bot-user")}

READ_ONLY = ("created_time", "created_by", "last_edited_time", "last_edited_by",
             "formula", "rollup", "unique_id")
WRITABLE = ("title", "rich_text", "number", "select", "multi_select", "status", "date",
            "url", "email", "phone_number", "checkbox", "relation", "people")
WITH_OPTIONS = ("select", "multi_select", "status")
TEXT_TYPES = ("title", "rich_text")
STRING_TYPES = ("url", "email", "phone_number")
COUNTED_TYPES = ("title", "rich_text", "url", "email", "phone_number", "number", "select")

RT_BLOCKS = ("paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item",
             "numbered_list_item", "to_do", "toggle", "quote", "callout", "code")
BLOCK_TYPES = RT_BLOCKS + ("divider", "equation", "bookmark")
NO_CHILDREN = ("code", "divider", "equation", "bookmark")
ANNOTATION_KEYS = ("bold", "italic", "strikethrough", "underline", "code")
ERROR_CODES = {400: "invalid_request", 401: "unauthorized", 403: "restricted_resource",
               404: "object_not_found", 409: "conflict_error", 429: "rate_limited",
               500: "internal_server_error", 502: "internal_server_error",
               503: "service_unavailable", 504: "gateway_timeout", 529: "service_overload"}
SHARE_HINT = "Make sure the relevant pages and databases are shared with your integration."


class NotionError(Exception):
    def __init__(self, status, code, message, additional_data=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.additional_data = additional_data
        self.headers = headers or []


def verr(message, additional_data=None):
    return NotionError(400, "validation_error", message, additional_data)


def bverr(message):
    return verr("body failed validation: " + message)


def _js(value):
    return "undefined" if value is None else util.short(value)


def _prop_id(name):
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789;:<>=?@[]^_`{|}~"
    return quote("".join(alphabet[b % len(alphabet)] for b in digest[:4]), safe="")


def _plain(items):
    return "".join(it.get("plain_text", "") for it in items or [])


def _text_item(content):
    return {"type": "text", "text": {"content": content, "link": None},
            "annotations": {"bold": False, "italic": False, "strikethrough": False,
                            "underline": False, "code": False, "color": "default"},
            "plain_text": content, "href": None}


class Ctx:
    """Per-request validation context."""

    def __init__(self, version, unit):
        self.version = version
        self.unit = unit
        self.new_options = []   # (schema prop, option) created if the request succeeds

    def length(self, text):
        if self.unit == "utf16":
            return len(text.encode("utf-16-le")) // 2
        return len(text)


class NotionService:
    name = "notion"

    def __init__(self, app):
        self.app = app
        self.presets = {
            "notion_429": lambda req, a: self._preset(req, a, 429, "rate_limited",
                                                      "You have been rate limited. Please try again in a few minutes.",
                                                      retry=True, reason=True),
            "notion_529": lambda req, a: self._preset(req, a, 529, "service_overload",
                                                      "Notion is overloaded. Please try again later.", retry=True),
            "notion_500": lambda req, a: self._preset(req, a, 500, "internal_server_error",
                                                      "Unexpected error occurred."),
            "notion_503": lambda req, a: self._preset(req, a, 503, "service_unavailable",
                                                      "Notion is unavailable, please try again later."),
            "notion_504": lambda req, a: self._preset(req, a, 504, "gateway_timeout",
                                                      "Notion timed out while processing the request."),
            "notion_409": lambda req, a: self._preset(req, a, 409, "conflict_error",
                                                      "Conflict occurred while saving. Please try again."),
            "cloudflare_502_html": self._cloudflare_502,
        }
        self.reset()

    # -- life cycle ----------------------------------------------------------------
    def reset(self):
        self.tokens = []
        self.databases = {}
        self.data_sources = {}
        self.pages = {}
        self.page_order = []
        self.blocks = {}
        self.page_seq = 0
        self.buckets = None
        self.counters = {"creates": 0, "updates": 0, "appends": 0, "queries": 0,
                         "rate_limited": 0, "creates_by_property": {},
                         "requests_per_token": {}}

    def on_config(self, old, new, patch):
        if old["notion"]["rate_limit"] != new["notion"]["rate_limit"]:
            self.buckets = None

    def validate_seed(self, seed):
        if seed is None:
            return None
        if not isinstance(seed, dict):
            raise ValueError("notion seed must be an object")
        unknown = set(seed) - {"tokens", "databases"}
        if unknown:
            raise ValueError("unknown notion seed keys: %s" % ", ".join(sorted(unknown)))
        tokens = seed.get("tokens", [])
        if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
            raise ValueError("notion.tokens must be a list of strings")
        dbs = []
        for i, db in enumerate(seed.get("databases", [])):
            dbs.append(self._canon_db(db, "notion.databases[%d]" % i))
        return {"tokens": tokens, "databases": dbs}

    def _canon_db(self, db, where):
        if not isinstance(db, dict):
            raise ValueError("%s must be an object" % where)
        unknown = set(db) - {"id", "title", "shared", "data_sources", "properties",
                             "data_source_id", "data_source_name"}
        if unknown:
            raise ValueError("unknown keys in %s: %s" % (where, ", ".join(sorted(unknown))))
        title = db.get("title")
        if not isinstance(title, str) or not title:
            raise ValueError("%s.title is required" % where)
        db_id = util.norm_uuid(db["id"]) if db.get("id") else util.uuid_from("notion-db:" + title)
        if db_id is None:
            raise ValueError("%s.id is not a UUID" % where)
        if "data_sources" in db and "properties" in db:
            raise ValueError("%s: give data_sources or properties, not both" % where)
        if "data_sources" in db:
            raw_sources = db["data_sources"]
            if not isinstance(raw_sources, list) or not raw_sources:
                raise ValueError("%s.data_sources must be a non-empty list" % where)
        else:
            raw_sources = [{"id": db.get("data_source_id"), "name": db.get("data_source_name") or title,
                            "properties": db.get("properties", {})}]
        sources = []
        for j, ds in enumerate(raw_sources):
            w = "%s.data_sources[%d]" % (where, j)
            if not isinstance(ds, dict):
                raise ValueError("%s must be an object" % w)
            name = ds.get("name") or "%s %d" % (title, j + 1)
            ds_id = util.norm_uuid(ds["id"]) if ds.get("id") else util.uuid_from(
                "notion-ds:%s:%s" % (db_id, name))
            if ds_id is None:
                raise ValueError("%s.id is not a UUID" % w)
            props = ds.get("properties", {})
            if not isinstance(props, dict):
                raise ValueError("%s.properties must be an object" % w)
            schema = {}
            for pname, pspec in props.items():
                if isinstance(pspec, str):
                    pspec = {"type": pspec}
                if not isinstance(pspec, dict) or pspec.get("type") not in WRITABLE + READ_ONLY:
                    raise ValueError("%s.properties[%r]: type must be one of %s" % (
                        w, pname, ", ".join(WRITABLE + READ_ONLY)))
                ptype = pspec["type"]
                options = []
                for opt in pspec.get("options", []):
                    if isinstance(opt, str):
                        opt = {"name": opt}
                    if not isinstance(opt, dict) or not isinstance(opt.get("name"), str) or "," in opt["name"]:
                        raise ValueError("%s.properties[%r]: bad option %r" % (w, pname, opt))
                    options.append({"id": opt.get("id") or util.uuid_from(
                        "opt:%s:%s:%s" % (ds_id, pname, opt["name"]))[:8],
                        "name": opt["name"], "color": opt.get("color", "default")})
                if options and ptype not in WITH_OPTIONS:
                    raise ValueError("%s.properties[%r]: options only for select/multi_select/status" % (w, pname))
                schema[pname] = {"id": "title" if ptype == "title" else (pspec.get("id") or _prop_id(pname)),
                                 "name": pname, "type": ptype}
                if ptype in WITH_OPTIONS:
                    schema[pname]["options"] = options
            titles = [p for p in schema.values() if p["type"] == "title"]
            if len(titles) > 1:
                raise ValueError("%s has more than one title property" % w)
            if not titles:
                schema = dict([("Name", {"id": "title", "name": "Name", "type": "title"})] + list(schema.items()))
            sources.append({"id": ds_id, "name": name, "schema": schema})
        return {"id": db_id, "title": title, "shared": bool(db.get("shared", True)), "data_sources": sources}

    def apply_seed(self, canon):
        if canon is None:
            return
        for tok in canon["tokens"]:
            if tok not in self.tokens:
                self.tokens.append(tok)
        for db in canon["databases"]:
            stamp = self.app.clock.stamp()
            self.databases[db["id"]] = {"id": db["id"], "title": db["title"], "shared": db["shared"],
                                        "data_sources": [ds["id"] for ds in db["data_sources"]],
                                        "created_time": stamp}
            for ds in db["data_sources"]:
                self.data_sources[ds["id"]] = {"id": ds["id"], "name": ds["name"], "database_id": db["id"],
                                               "schema": _deep_copy(ds["schema"]), "created_time": stamp,
                                               "unique_id": 0}

    # -- plumbing ------------------------------------------------------------------
    def request_id(self, req):
        return util.uuid_from("notion-req:%d" % req.seq)

    def decorate(self, req, resp):
        resp.setdefault("Content-Type", "application/json; charset=utf-8")
        resp.set("x-notion-request-id", req.request_id)
        return resp

    def _error_body(self, req, status, code, message, additional_data=None):
        body = {"object": "error", "status": status, "code": code, "message": message,
                "request_id": req.request_id}
        if additional_data is not None:
            body["additional_data"] = additional_data
        return body

    def error(self, req, status, message=None):
        code = ERROR_CODES.get(status, "internal_server_error" if status >= 500 else "invalid_request")
        return self.decorate(req, Response.json(status, self._error_body(
            req, status, code, message or "Fake %d response." % status)))

    def _preset(self, req, action, status, code, message, retry=False, reason=False):
        extra = {"rate_limit_reason": "public_api_request_rate_limit"} if reason else None
        resp = Response.json(status, self._error_body(req, status, code, message, extra))
        if retry:
            resp.set("Retry-After", str(action.get("retry_after", 1)))
        return self.decorate(req, resp)

    def _cloudflare_502(self, req, action):
        html = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
                "</body>\r\n</html>\r\n")
        resp = Response(502, html, [("cf-ray", "8f1e2d3c4b5a6978-FRA"), ("Server", "cloudflare")],
                        content_type="text/html; charset=UTF-8")
        return resp

    # -- entry point -----------------------------------------------------------------
    def handle(self, req):
        try:
            resp = self._handle(req)
        except NotionError as e:
            resp = Response.json(e.status, self._error_body(req, e.status, e.code, e.message, e.additional_data),
                                 e.headers)
        return self.decorate(req, resp)

    def _handle(self, req):
        cfg = self.app.config["notion"]
        if len(req.body) > cfg["max_body_bytes"]:
            return Response(413, "Payload Too Large", content_type="text/plain; charset=utf-8")
        auth = req.header("Authorization") or ""
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not token or (self.tokens and token not in self.tokens):
            raise NotionError(401, "unauthorized", "API token is invalid.")
        self._count_request(token)
        rl = cfg["rate_limit"]
        if rl["enabled"]:
            if self.buckets is None:
                self.buckets = BucketSet(rl["rate"], rl["burst"])
            ok, wait = self.buckets.get(token).try_take(1)
            if not ok:
                self.counters["rate_limited"] += 1
                req.entry["limited"] = True
                raise NotionError(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.",
                                  {"rate_limit_reason": "public_api_request_rate_limit"},
                                  [("Retry-After", str(retry_after_seconds(wait, rl["retry_after"])))])
        ver = req.header("Notion-Version")
        if not ver:
            raise NotionError(400, "missing_version", "Notion-Version header failed validation: "
                              "Notion-Version header should be defined, instead was `undefined`.")
        if ver not in VERSIONS:
            raise verr("Notion-Version header failed validation: Notion-Version header should be one of "
                       "%s, instead was `%s`." % (", ".join("`%s`" % v for v in VERSIONS), ver))
        body = {}
        if req.method in ("POST", "PATCH") and req.body.strip():
            try:
                body = util.loads(req.body)
            except (ValueError, UnicodeDecodeError):
                raise NotionError(400, "invalid_json", "Error parsing JSON body.")
            if not isinstance(body, dict):
                raise bverr("body should be an object, instead was `%s`." % util.short(body))
        ctx = Ctx(ver, cfg["length_unit"])
        return self._route(req, ctx, body)

    def _count_request(self, token):
        key = util.redact(token)
        rec = self.counters["requests_per_token"].setdefault(key, {"total": 0, "per_second": {},
                                                                   "max_per_second": 0})
        rec["total"] += 1
        sec = str(int(self.app.elapsed()))
        rec["per_second"][sec] = rec["per_second"].get(sec, 0) + 1
        rec["max_per_second"] = max(rec["max_per_second"], rec["per_second"][sec])
        if len(rec["per_second"]) > 600:
            for k in sorted(rec["per_second"], key=int)[:-600]:
                del rec["per_second"][k]

    ROUTES = [
        ("GET", re.compile(r"^/v1/databases/([^/]+)$"), "_get_database"),
        ("POST", re.compile(r"^/v1/databases/([^/]+)/query$"), "_query_database"),
        ("GET", re.compile(r"^/v1/data_sources/([^/]+)$"), "_get_data_source"),
        ("POST", re.compile(r"^/v1/data_sources/([^/]+)/query$"), "_query_data_source"),
        ("POST", re.compile(r"^/v1/pages$"), "_create_page"),
        ("GET", re.compile(r"^/v1/pages/([^/]+)$"), "_get_page"),
        ("PATCH", re.compile(r"^/v1/pages/([^/]+)$"), "_patch_page"),
        ("GET", re.compile(r"^/v1/blocks/([^/]+)$"), "_get_block"),
        ("GET", re.compile(r"^/v1/blocks/([^/]+)/children$"), "_list_children"),
        ("PATCH", re.compile(r"^/v1/blocks/([^/]+)/children$"), "_append_children"),
        ("GET", re.compile(r"^/v1/users/me$"), "_me"),
    ]

    def _route(self, req, ctx, body):
        for method, rx, name in self.ROUTES:
            m = rx.match(req.path)
            if m and method == req.method:
                args = []
                for g in m.groups():
                    uid = util.norm_uuid(unquote(g))
                    if uid is None:
                        raise verr("path failed validation: path.id should be a valid uuid, instead was `%s`." % g)
                    args.append(uid)
                return getattr(self, name)(req, ctx, body, *args)
        raise NotionError(400, "invalid_request_url", "Invalid request URL.")

    # -- lookups -------------------------------------------------------------------
    def _db(self, db_id):
        db = self.databases.get(db_id)
        if db is None or not db["shared"]:
            raise NotionError(404, "object_not_found", "Could not find database with ID: %s. %s" % (db_id, SHARE_HINT))
        return db

    def _ds(self, ds_id):
        ds = self.data_sources.get(ds_id)
        if ds is None or not self.databases[ds["database_id"]]["shared"]:
            raise NotionError(404, "object_not_found",
                              "Could not find data_source with ID: %s. %s" % (ds_id, SHARE_HINT))
        return ds

    def _page(self, page_id):
        page = self.pages.get(page_id)
        if page is None:
            raise NotionError(404, "object_not_found", "Could not find page with ID: %s. %s" % (page_id, SHARE_HINT))
        return page

    def _multi_source_error(self, db, message):
        return verr(message, {"error_type": "multiple_data_sources_for_database", "database_id": db["id"],
                              "child_data_source_ids": list(db["data_sources"]),
                              "minimum_api_version": V_DS})

    def _single_ds(self, db, ctx):
        if len(db["data_sources"]) > 1:
            if ctx.version < V_DS:
                raise self._multi_source_error(
                    db, "Databases with multiple data sources are not supported in this API version.")
            raise self._multi_source_error(
                db, "Database %s has multiple data sources; use a data_source_id instead." % db["id"])
        return self.data_sources[db["data_sources"][0]]

    @staticmethod
    def _lookup_prop(schema, key):
        if key in schema:
            return schema[key]
        for prop in schema.values():
            if prop["id"] == key or unquote(prop["id"]) == key or prop["id"] == quote(key, safe=""):
                return prop
        return None

    # -- output shapes -------------------------------------------------------------
    def _option_out(self, opt):
        return {"id": opt["id"], "name": opt["name"], "color": opt["color"]}

    def _schema_out(self, ds):
        out = {}
        for name, prop in ds["schema"].items():
            conf = {}
            if prop["type"] in WITH_OPTIONS:
                conf = {"options": [self._option_out(o) for o in prop["options"]]}
            elif prop["type"] == "number":
                conf = {"format": "number"}
            out[name] = {"id": prop["id"], "name": name, "type": prop["type"], prop["type"]: conf}
        return out

    def _db_out(self, db, ctx):
        compact = db["id"].replace("-", "")
        out = {"object": "database", "id": db["id"], "created_time": db["created_time"],
               "last_edited_time": db["created_time"], "created_by": BOT, "last_edited_by": BOT,
               "title": [_text_item(db["title"])], "description": [], "icon": None, "cover": None,
               "parent": {"type": "workspace", "workspace": True}, "url": "https://www.notion.so/" + compact,
               "public_url": None, "is_inline": False, "in_trash": False, "is_locked": False}
        if ctx.version < V_TRASH:
            out["archived"] = False
        if ctx.version >= V_DS:
            out["data_sources"] = [{"id": d, "name": self.data_sources[d]["name"]} for d in db["data_sources"]]
        else:
            out["properties"] = self._schema_out(self._single_ds(db, ctx))
        return out

    def _ds_out(self, ds, ctx):
        out = {"object": "data_source", "id": ds["id"], "name": ds["name"], "title": [_text_item(ds["name"])],
               "description": [], "created_time": ds["created_time"], "last_edited_time": ds["created_time"],
               "created_by": BOT, "last_edited_by": BOT, "icon": None, "cover": None,
               "parent": {"type": "database_id", "database_id": ds["database_id"]},
               "database_parent": {"type": "workspace", "workspace": True},
               "properties": self._schema_out(ds), "in_trash": False,
               "url": "https://www.notion.so/" + ds["id"].replace("-", "")}
        if ctx.version < V_TRASH:
            out["archived"] = False
        return out

    def _prop_out(self, page, prop):
        ptype = prop["type"]
        value = page["props"].get(prop["name"])
        if ptype == "created_time":
            value = page["created_time"]
        elif ptype == "last_edited_time":
            value = page["last_edited_time"]
        elif ptype in ("created_by", "last_edited_by"):
            value = BOT
        elif ptype == "unique_id":
            value = {"prefix": None, "number": page["unique_id"]}
        elif ptype == "formula":
            value = {"type": "string", "string": None}
        elif ptype == "rollup":
            value = {"type": "array", "array": [], "function": "show_original"}
        elif value is None and ptype in ("title", "rich_text", "multi_select", "relation", "people"):
            value = []
        elif value is None and ptype == "checkbox":
            value = False
        out = {"id": prop["id"], "type": ptype, ptype: _deep_copy(value)}
        if ptype == "relation":
            out["has_more"] = False
        return out

    def _page_out(self, page, ctx, filter_props=None):
        if page["parent"]["type"] == "data_source":
            ds = self.data_sources[page["parent"]["data_source_id"]]
            props = {}
            for name, prop in ds["schema"].items():
                if filter_props is not None and prop["id"] not in filter_props and name not in filter_props:
                    continue
                props[name] = self._prop_out(page, prop)
            if ctx.version >= V_DS:
                parent = {"type": "data_source_id", "data_source_id": ds["id"], "database_id": ds["database_id"]}
            else:
                parent = {"type": "database_id", "database_id": ds["database_id"]}
            title = _plain(page["props"].get(self._title_name(ds)))
        else:
            parent = {"type": "page_id", "page_id": page["parent"]["page_id"]}
            props = {"title": {"id": "title", "type": "title", "title": _deep_copy(page["props"].get("title", []))}}
            title = _plain(page["props"].get("title"))
        slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")
        compact = page["id"].replace("-", "")
        out = {"object": "page", "id": page["id"], "created_time": page["created_time"],
               "last_edited_time": page["last_edited_time"], "created_by": BOT, "last_edited_by": BOT,
               "cover": page["cover"], "icon": page["icon"], "parent": parent, "in_trash": page["in_trash"],
               "is_locked": False, "properties": props,
               "url": "https://www.notion.so/" + (slug + "-" if slug else "") + compact, "public_url": None}
        if ctx.version < V_TRASH:
            out["archived"] = page["in_trash"]
            out["is_archived"] = page["in_trash"]
        return out

    @staticmethod
    def _title_name(ds):
        for name, prop in ds["schema"].items():
            if prop["type"] == "title":
                return name
        return None

    def _block_out(self, block, ctx):
        parent = block["parent"]
        out = {"object": "block", "id": block["id"],
               "parent": {"type": parent["type"], parent["type"]: parent["id"]},
               "created_time": block["created_time"], "last_edited_time": block["created_time"],
               "created_by": BOT, "last_edited_by": BOT, "has_children": bool(block["children"]),
               "in_trash": False, "type": block["type"], block["type"]: _deep_copy(block["content"])}
        if ctx.version < V_TRASH:
            out["archived"] = False
        return out

    # -- validation: rich text, properties, blocks ---------------------------------
    def _rich_text(self, ctx, items, path):
        if not isinstance(items, list):
            raise bverr("%s should be an array, instead was `%s`." % (path, _js(items)))
        if len(items) > 100:
            raise bverr("%s.length should be ≤ `100`, instead was `%d`." % (path, len(items)))
        out = []
        for i, it in enumerate(items):
            p = "%s[%d]" % (path, i)
            if not isinstance(it, dict):
                raise bverr("%s should be an object, instead was `%s`." % (p, _js(it)))
            rtype = it.get("type")
            if rtype is None:
                rtype = next((k for k in ("text", "mention", "equation") if k in it), None)
            if rtype == "text":
                text = it.get("text")
                if not isinstance(text, dict):
                    raise bverr("%s.text should be an object, instead was `%s`." % (p, _js(text)))
                content = text.get("content")
                if not isinstance(content, str):
                    raise bverr("%s.text.content should be a string, instead was `%s`." % (p, _js(content)))
                n = ctx.length(content)
                if n > 2000:
                    raise bverr("%s.text.content.length should be ≤ `2000`, instead was `%d`." % (p, n))
                link = text.get("link")
                if link is not None:
                    if not isinstance(link, dict) or not isinstance(link.get("url"), str):
                        raise bverr("%s.text.link should be an object with url, instead was `%s`." % (p, _js(link)))
                    if ctx.length(link["url"]) > 2000:
                        raise bverr("%s.text.link.url.length should be ≤ `2000`, instead was `%d`."
                                    % (p, ctx.length(link["url"])))
                    link = {"url": link["url"]}
                item = {"type": "text", "text": {"content": content, "link": link}}
                plain, href = content, (link["url"] if link else None)
            elif rtype == "equation":
                eq = it.get("equation")
                expr = eq.get("expression") if isinstance(eq, dict) else None
                if not isinstance(expr, str):
                    raise bverr("%s.equation.expression should be a string, instead was `%s`." % (p, _js(expr)))
                if ctx.length(expr) > 1000:
                    raise bverr("%s.equation.expression.length should be ≤ `1000`, instead was `%d`."
                                % (p, ctx.length(expr)))
                item = {"type": "equation", "equation": {"expression": expr}}
                plain, href = expr, None
            elif rtype == "mention":
                mention = it.get("mention")
                if not isinstance(mention, dict):
                    raise bverr("%s.mention should be an object, instead was `%s`." % (p, _js(mention)))
                item = {"type": "mention", "mention": _deep_copy(mention)}
                plain, href = it.get("plain_text", "@mention"), None
            else:
                raise bverr("%s should be defined with one of text, mention, equation, instead was `%s`."
                            % (p, _js(it)))
            ann = it.get("annotations") or {}
            if not isinstance(ann, dict):
                raise bverr("%s.annotations should be an object, instead was `%s`." % (p, _js(ann)))
            full = {"bold": False, "italic": False, "strikethrough": False, "underline": False,
                    "code": False, "color": "default"}
            for k, v in ann.items():
                if k in ANNOTATION_KEYS:
                    if not isinstance(v, bool):
                        raise bverr("%s.annotations.%s should be a boolean, instead was `%s`." % (p, k, _js(v)))
                elif k == "color":
                    if not isinstance(v, str):
                        raise bverr("%s.annotations.color should be a string, instead was `%s`." % (p, _js(v)))
                else:
                    raise bverr("%s.annotations.%s should be not present, instead was `%s`." % (p, k, _js(v)))
                full[k] = v
            item["annotations"] = full
            item["plain_text"] = plain
            item["href"] = href
            out.append(item)
        return out

    def _option(self, ctx, prop, raw, path):
        if not isinstance(raw, dict) or not ("name" in raw or "id" in raw):
            raise bverr("%s should be an object with name or id, instead was `%s`." % (path, _js(raw)))
        options = prop["options"]
        if "id" in raw and raw["id"] is not None:
            for opt in options:
                if opt["id"] == raw["id"]:
                    return self._option_out(opt)
            raise verr("Select option id %s does not exist for property %s." % (raw["id"], prop["name"]))
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise bverr("%s.name should be a non-empty string, instead was `%s`." % (path, _js(name)))
        if "," in name:
            raise verr("Invalid select option, commas not allowed: %s" % name)
        if ctx.length(name) > 100:
            raise bverr("%s.name.length should be ≤ `100`, instead was `%d`." % (path, ctx.length(name)))
        for opt in options + [o for p, o in ctx.new_options if p is prop]:
            if opt["name"] == name:
                return self._option_out(opt)
        if prop["type"] == "status":
            raise verr("Invalid status option. Status option \"%s\" does not exist." % name)
        opt = {"id": util.uuid_from("opt:%s:%s" % (prop["name"], name))[:8], "name": name,
               "color": raw.get("color", "default")}
        ctx.new_options.append((prop, opt))
        return self._option_out(opt)

    def _value(self, ctx, prop, raw, path):
        """Validate a request-side property value; returns the stored (response-shape) value."""
        name, ptype = prop["name"], prop["type"]
        if ptype in READ_ONLY:
            raise verr("%s is a %s property and cannot be set." % (name, ptype))
        if not isinstance(raw, dict):
            raise bverr("%s should be an object, instead was `%s`." % (path, _js(raw)))
        keys = [k for k in raw if k not in ("type", "id")]
        if keys != [ptype] or raw.get("type") not in (None, ptype):
            raise verr("%s is expected to be %s." % (name, ptype))
        v = raw[ptype]
        p = "%s.%s" % (path, ptype)
        if ptype in TEXT_TYPES:
            return self._rich_text(ctx, v, p)
        if ptype == "number":
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise bverr("%s should be a number or `null`, instead was `%s`." % (p, _js(v)))
            return v
        if ptype == "checkbox":
            if not isinstance(v, bool):
                raise bverr("%s should be a boolean, instead was `%s`." % (p, _js(v)))
            return v
        if ptype in STRING_TYPES:
            if v is None:
                return None
            if not isinstance(v, str):
                raise bverr("%s should be a string or `null`, instead was `%s`." % (p, _js(v)))
            limit = 2000 if ptype == "url" else 200
            if ctx.length(v) > limit:
                raise bverr("%s.length should be ≤ `%d`, instead was `%d`." % (p, limit, ctx.length(v)))
            return v
        if ptype in ("select", "status"):
            return None if v is None else self._option(ctx, prop, v, p)
        if ptype == "multi_select":
            if not isinstance(v, list):
                raise bverr("%s should be an array, instead was `%s`." % (p, _js(v)))
            if len(v) > 100:
                raise bverr("%s.length should be ≤ `100`, instead was `%d`." % (p, len(v)))
            out = []
            for i, o in enumerate(v):
                opt = self._option(ctx, prop, o, "%s[%d]" % (p, i))
                if opt["name"] not in [x["name"] for x in out]:
                    out.append(opt)
            return out
        if ptype == "date":
            if v is None:
                return None
            if not isinstance(v, dict):
                raise bverr("%s should be an object or `null`, instead was `%s`." % (p, _js(v)))
            for key in ("start", "end"):
                if key == "end" and v.get("end") is None:
                    continue
                try:
                    util.parse_iso(v.get(key))
                except (ValueError, TypeError):
                    raise bverr("%s.%s should be a valid ISO 8601 date string, instead was `%s`."
                                % (p, key, _js(v.get(key))))
            tz = v.get("time_zone")
            if tz is not None and (not isinstance(tz, str) or not tz):
                raise bverr("%s.time_zone should be a string or `null`, instead was `%s`." % (p, _js(tz)))
            return {"start": v["start"], "end": v.get("end"), "time_zone": tz}
        if ptype in ("relation", "people"):
            if not isinstance(v, list):
                raise bverr("%s should be an array, instead was `%s`." % (p, _js(v)))
            if len(v) > 100:
                raise bverr("%s.length should be ≤ `100`, instead was `%d`." % (p, len(v)))
            out = []
            for i, ref in enumerate(v):
                uid = util.norm_uuid(ref.get("id")) if isinstance(ref, dict) else None
                if uid is None:
                    raise bverr("%s[%d].id should be a valid uuid, instead was `%s`." % (p, i, _js(ref)))
                out.append({"id": uid} if ptype == "relation" else {"object": "user", "id": uid})
            return out
        raise verr("%s has unsupported type %s." % (name, ptype))

    def _properties(self, ctx, schema, props, path="body.properties"):
        if not isinstance(props, dict):
            raise bverr("%s should be an object, instead was `%s`." % (path, _js(props)))
        values = {}
        for key, raw in props.items():
            prop = self._lookup_prop(schema, key)
            if prop is None:
                raise verr("%s is not a property that exists." % key)
            values[prop["name"]] = self._value(ctx, prop, raw, "%s.%s" % (path, key))
        return values

    def _blocks(self, ctx, blocks, path, depth, counter):
        if not isinstance(blocks, list):
            raise bverr("%s should be an array, instead was `%s`." % (path, _js(blocks)))
        if len(blocks) > 100:
            raise bverr("%s.length should be ≤ `100`, instead was `%d`." % (path, len(blocks)))
        out = []
        for i, b in enumerate(blocks):
            p = "%s[%d]" % (path, i)
            counter[0] += 1
            if not isinstance(b, dict):
                raise bverr("%s should be an object, instead was `%s`." % (p, _js(b)))
            btype = b.get("type")
            if btype is None:
                cands = [k for k in b if k in BLOCK_TYPES]
                btype = cands[0] if len(cands) == 1 else None
            if btype not in BLOCK_TYPES:
                raise bverr("%s.type should be one of the supported block types, instead was `%s`."
                            % (p, _js(btype)))
            data = b.get(btype)
            if not isinstance(data, dict):
                raise bverr("%s.%s should be defined, instead was `%s`." % (p, btype, _js(data)))
            content = {}
            if btype in RT_BLOCKS:
                if "rich_text" not in data:
                    raise bverr("%s.%s.rich_text should be defined, instead was `undefined`." % (p, btype))
                content["rich_text"] = self._rich_text(ctx, data["rich_text"], "%s.%s.rich_text" % (p, btype))
                content["color"] = data.get("color", "default")
                if btype == "to_do":
                    content["checked"] = bool(data.get("checked", False))
                if btype == "code":
                    lang = data.get("language", "plain text")
                    if not isinstance(lang, str):
                        raise bverr("%s.code.language should be a string, instead was `%s`." % (p, _js(lang)))
                    content = {"caption": [], "rich_text": content["rich_text"], "language": lang}
                if btype.startswith("heading_"):
                    content["is_toggleable"] = bool(data.get("is_toggleable", False))
            elif btype == "equation":
                expr = data.get("expression")
                if not isinstance(expr, str) or ctx.length(expr) > 1000:
                    raise bverr("%s.equation.expression should be a string of ≤ `1000` characters." % p)
                content = {"expression": expr}
            elif btype == "bookmark":
                url = data.get("url")
                if not isinstance(url, str) or ctx.length(url) > 2000:
                    raise bverr("%s.bookmark.url should be a string of ≤ `2000` characters." % p)
                content = {"caption": [], "url": url}
            kids = []
            children = data.get("children")
            if children is not None:
                if btype in NO_CHILDREN or depth >= 2:
                    raise bverr("%s.%s.children should be not present, instead was `%s`."
                                % (p, btype, _js(children)))
                kids = self._blocks(ctx, children, "%s.%s.children" % (p, btype), depth + 1, counter)
            out.append({"type": btype, "content": content, "children": kids})
        if depth == 1 and counter[0] > 1000:
            raise bverr("body contains %d block elements, which exceeds the limit of `1000`." % counter[0])
        return out

    def _make_blocks(self, specs, parent_type, parent_id):
        ids = []
        for spec in specs:
            bid = self.app.new_id("block")
            block = {"id": bid, "type": spec["type"], "content": spec["content"],
                     "parent": {"type": parent_type, "id": parent_id},
                     "created_time": self.app.clock.stamp(), "children": []}
            self.blocks[bid] = block
            block["children"] = self._make_blocks(spec["children"], "block_id", bid)
            ids.append(bid)
        return ids

    def _commit_options(self, ctx):
        for prop, opt in ctx.new_options:
            if opt["name"] not in [o["name"] for o in prop["options"]]:
                prop["options"].append(opt)

    # -- handlers: databases / data sources ------------------------------------------
    def _me(self, req, ctx, body):
        return Response.json(200, dict(BOT, name="amprenta fake bot", type="bot", bot={}))

    def _get_database(self, req, ctx, body, db_id):
        return Response.json(200, self._db_out(self._db(db_id), ctx))

    def _get_data_source(self, req, ctx, body, ds_id):
        if ctx.version < V_DS:
            raise NotionError(400, "invalid_request_url", "Invalid request URL.")
        return Response.json(200, self._ds_out(self._ds(ds_id), ctx))

    def _query_database(self, req, ctx, body, db_id):
        if ctx.version >= V_DS and self.app.config["notion"]["strict_query_endpoint"]:
            raise NotionError(400, "invalid_request_url", "Invalid request URL.")
        ds = self._single_ds(self._db(db_id), ctx)
        return self._query(req, ctx, body, ds, "page_or_database")

    def _query_data_source(self, req, ctx, body, ds_id):
        if ctx.version < V_DS:
            raise NotionError(400, "invalid_request_url", "Invalid request URL.")
        return self._query(req, ctx, body, self._ds(ds_id), "page_or_data_source")

    # -- handlers: pages ---------------------------------------------------------------
    def _create_page(self, req, ctx, body):
        parent = body.get("parent")
        if not isinstance(parent, dict):
            raise bverr("body.parent should be an object, instead was `%s`." % _js(parent))
        ptype = parent.get("type") or next(
            (k for k in ("data_source_id", "database_id", "page_id") if k in parent), None)
        ds = parent_page = None
        if ptype == "data_source_id":
            if ctx.version < V_DS:
                raise bverr("body.parent.database_id should be defined, instead was `undefined`.")
            ds_id = util.norm_uuid(parent.get("data_source_id"))
            if ds_id is None:
                raise bverr("body.parent.data_source_id should be a valid uuid, instead was `%s`."
                            % _js(parent.get("data_source_id")))
            ds = self._ds(ds_id)
        elif ptype == "database_id":
            db_id = util.norm_uuid(parent.get("database_id"))
            if db_id is None:
                raise bverr("body.parent.database_id should be a valid uuid, instead was `%s`."
                            % _js(parent.get("database_id")))
            ds = self._single_ds(self._db(db_id), ctx)
        elif ptype == "page_id":
            pid = util.norm_uuid(parent.get("page_id"))
            if pid is None:
                raise bverr("body.parent.page_id should be a valid uuid, instead was `%s`." % _js(parent.get("page_id")))
            parent_page = self._page(pid)
            if parent_page["in_trash"]:
                raise verr("Can't edit block that is archived. You must unarchive the block before editing.")
        else:
            raise bverr("body.parent should be one of data_source_id, database_id, page_id, instead was `%s`."
                        % _js(parent))
        if "properties" not in body:
            raise bverr("body.properties should be defined, instead was `undefined`.")
        if ds is not None:
            values = self._properties(ctx, ds["schema"], body["properties"])
        else:
            props = body["properties"]
            if not isinstance(props, dict) or set(props) - {"title"}:
                raise verr("Only title is allowed in properties when the parent is a page.")
            raw = props.get("title", {"title": []})
            if isinstance(raw, list):
                raw = {"title": raw}
            values = {"title": self._value(ctx, {"name": "title", "type": "title"}, raw, "body.properties.title")}
        specs = []
        if body.get("children") is not None:
            specs = self._blocks(ctx, body["children"], "body.children", 1, [0])
        for key in ("icon", "cover"):
            if body.get(key) is not None and not isinstance(body[key], dict):
                raise bverr("body.%s should be an object or `null`, instead was `%s`." % (key, _js(body[key])))
        # all validated: commit
        self._commit_options(ctx)
        stamp = self.app.clock.stamp()
        page_id = self.app.new_id("page")
        self.page_seq += 1
        lag = self.app.config["notion"]["index_lag_ms"] / 1000.0
        page = {"id": page_id, "seq": self.page_seq, "props": values, "in_trash": False,
                "created_time": stamp, "last_edited_time": stamp, "children": [],
                "icon": body.get("icon"), "cover": body.get("cover"),
                "visible_at": time.monotonic() + lag, "unique_id": 0}
        if ds is not None:
            page["parent"] = {"type": "data_source", "data_source_id": ds["id"]}
            ds["unique_id"] += 1
            page["unique_id"] = ds["unique_id"]
        else:
            page["parent"] = {"type": "page", "page_id": parent_page["id"]}
        self.pages[page_id] = page
        self.page_order.append(page_id)
        page["children"] = self._make_blocks(specs, "page_id", page_id)
        self.counters["creates"] += 1
        self._count_create(ds, values)
        return Response.json(200, self._page_out(page, ctx))

    def _count_create(self, ds, values):
        wanted = self.app.config["notion"]["count_properties"]
        schema = ds["schema"] if ds else {"title": {"type": "title"}}
        for name, value in values.items():
            if wanted is not None and name not in wanted:
                continue
            ptype = schema[name]["type"]
            if ptype not in COUNTED_TYPES:
                continue
            if ptype in TEXT_TYPES:
                key = _plain(value)
            elif ptype == "select":
                key = value["name"] if value else ""
            elif value is None:
                key = ""
            else:
                key = str(value)
            per = self.counters["creates_by_property"].setdefault(name, {})
            per[key] = per.get(key, 0) + 1

    def _filter_props(self, req):
        values = req.query.get("filter_properties")
        if not values:
            return None
        out = set()
        for v in values:
            out.update(x for x in v.split(",") if x)
        return out

    def _get_page(self, req, ctx, body, page_id):
        return Response.json(200, self._page_out(self._page(page_id), ctx, self._filter_props(req)))

    def _patch_page(self, req, ctx, body, page_id):
        page = self._page(page_id)
        if "archived" in body and ctx.version >= V_TRASH:
            raise bverr("body.archived should be not present, instead was `%s`. Use in_trash instead."
                        % _js(body["archived"]))
        trash = None
        for key in ("in_trash", "archived"):
            if key in body:
                if not isinstance(body[key], bool):
                    raise bverr("body.%s should be a boolean, instead was `%s`." % (key, _js(body[key])))
                trash = body[key]
        values = None
        if body.get("properties") is not None:
            if page["in_trash"] and trash is not False:
                raise verr("Can't edit block that is archived. You must unarchive the block before editing.")
            if page["parent"]["type"] == "data_source":
                schema = self.data_sources[page["parent"]["data_source_id"]]["schema"]
            else:
                schema = {"title": {"id": "title", "name": "title", "type": "title"}}
            values = self._properties(ctx, schema, body["properties"])
        for key in ("icon", "cover"):
            if key in body and body[key] is not None and not isinstance(body[key], dict):
                raise bverr("body.%s should be an object or `null`, instead was `%s`." % (key, _js(body[key])))
        self._commit_options(ctx)
        changed = False
        if values:
            page["props"].update(values)
            changed = True
        if trash is not None and trash != page["in_trash"]:
            page["in_trash"] = trash
            changed = True
        for key in ("icon", "cover"):
            if key in body:
                page[key] = body[key]
                changed = True
        if changed:
            page["last_edited_time"] = self.app.clock.stamp()
        self.counters["updates"] += 1
        return Response.json(200, self._page_out(page, ctx))

    # -- handlers: blocks ----------------------------------------------------------------
    def _container(self, block_id):
        """(kind, object) for a page or a block id."""
        if block_id in self.pages:
            return "page_id", self.pages[block_id]
        if block_id in self.blocks:
            return "block_id", self.blocks[block_id]
        raise NotionError(404, "object_not_found", "Could not find block with ID: %s. %s" % (block_id, SHARE_HINT))

    def _get_block(self, req, ctx, body, block_id):
        kind, obj = self._container(block_id)
        if kind == "block_id":
            return Response.json(200, self._block_out(obj, ctx))
        if obj["parent"]["type"] == "page":
            title_items = obj["props"].get("title")
            parent = {"type": "page_id", "id": obj["parent"]["page_id"]}
        else:
            ds = self.data_sources[obj["parent"]["data_source_id"]]
            title_items = obj["props"].get(self._title_name(ds))
            parent = {"type": "data_source_id", "id": ds["id"]}
        page_block = {"id": obj["id"], "type": "child_page", "content": {"title": _plain(title_items)},
                      "parent": parent, "created_time": obj["created_time"], "children": obj["children"]}
        return Response.json(200, self._block_out(page_block, ctx))

    def _page_size(self, raw, path):
        if raw is None:
            return 100
        if isinstance(raw, str):
            try:
                raw = int(raw)
            except ValueError:
                raise bverr("%s should be a number, instead was `%s`." % (path, raw))
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise bverr("%s should be a positive integer, instead was `%s`." % (path, _js(raw)))
        if raw > 100:
            raise bverr("%s should be ≤ `100`, instead was `%d`." % (path, raw))
        return raw

    @staticmethod
    def _paginate(ids, cursor, size, path):
        start = 0
        if cursor is not None:
            cid = util.norm_uuid(cursor)
            if cid is None or cid not in ids:
                raise bverr("%s should be a valid cursor, instead was `%s`." % (path, _js(cursor)))
            start = ids.index(cid)
        chunk = ids[start:start + size]
        more = start + size < len(ids)
        return chunk, (ids[start + size] if more else None), more

    def _scan_page(self, rows, pred, cursor, size, scan):
        """One answer of a filtered query that examines at most `scan` rows
        (in query order, from the cursor): the matches among them, up to
        `size`, and has_more while rows remain, so an answer may hold fewer
        results than page_size, even none, and still have more."""
        ids = [p["id"] for p in rows]
        start = 0
        if cursor is not None:
            cid = util.norm_uuid(cursor)
            if cid is None or cid not in ids:
                raise bverr("body.start_cursor should be a valid cursor, instead was `%s`." % _js(cursor))
            start = ids.index(cid)
        chunk, pos = [], start
        while pos < len(rows) and pos - start < scan and len(chunk) < size:
            if pred is None or pred(rows[pos]):
                chunk.append(ids[pos])
            pos += 1
        more = pos < len(rows)
        return chunk, (ids[pos] if more else None), more

    def _list_children(self, req, ctx, body, block_id):
        _, obj = self._container(block_id)
        size = self._page_size(req.q1("page_size"), "query.page_size")
        chunk, nxt, more = self._paginate(obj["children"], req.q1("start_cursor"), size, "query.start_cursor")
        return Response.json(200, {"object": "list", "results": [self._block_out(self.blocks[b], ctx) for b in chunk],
                                   "next_cursor": nxt, "has_more": more, "type": "block", "block": {}})

    def _append_children(self, req, ctx, body, block_id):
        kind, obj = self._container(block_id)
        if kind == "page_id" and obj["in_trash"]:
            raise verr("Can't edit block that is archived. You must unarchive the block before editing.")
        if kind == "block_id" and obj["type"] in NO_CHILDREN:
            raise verr("Block type %s does not support children." % obj["type"])
        if "children" not in body:
            raise bverr("body.children should be defined, instead was `undefined`.")
        specs = self._blocks(ctx, body["children"], "body.children", 1, [0])
        kids = obj["children"]
        insert_at = len(kids)
        if "after" in body and "position" in body:
            raise bverr("body.after should be not present when body.position is given.")
        if "after" in body:
            if ctx.version >= V_TRASH:
                raise bverr("body.after should be not present, instead was `%s`. Use position instead."
                            % _js(body["after"]))
            after = util.norm_uuid(body["after"])
            if after not in kids:
                raise verr("Block %s is not a child of %s." % (body["after"], block_id))
            insert_at = kids.index(after) + 1
        elif "position" in body:
            pos = body["position"]
            ptype = pos.get("type") if isinstance(pos, dict) else None
            if ptype == "start":
                insert_at = 0
            elif ptype == "after_block":
                ref = pos.get("after_block")
                after = util.norm_uuid(ref.get("id")) if isinstance(ref, dict) else None
                if after not in kids:
                    raise verr("Block %s is not a child of %s." % (_js(ref), block_id))
                insert_at = kids.index(after) + 1
            elif ptype != "end":
                raise bverr("body.position.type should be one of `start`, `end`, `after_block`, instead was `%s`."
                            % _js(ptype))
        new_ids = self._make_blocks(specs, kind, block_id)
        kids[insert_at:insert_at] = new_ids
        if kind == "page_id":
            obj["last_edited_time"] = self.app.clock.stamp()
        self.counters["appends"] += 1
        return Response.json(200, {"object": "list", "results": [self._block_out(self.blocks[b], ctx) for b in new_ids],
                                   "next_cursor": None, "has_more": False, "type": "block", "block": {}})

    # -- query: filters, sorts, pagination ---------------------------------------------
    def _query(self, req, ctx, body, ds, result_type):
        size = self._page_size(body.get("page_size"), "body.page_size")
        pred = self._compile_filter(ds, body["filter"], "body.filter", 0) if body.get("filter") is not None else None
        cmp = self._compile_sorts(ds, body.get("sorts"))
        in_trash = body.get("in_trash", False)
        if not isinstance(in_trash, bool):
            raise bverr("body.in_trash should be a boolean, instead was `%s`." % _js(in_trash))
        now = time.monotonic()
        scan = self.app.config["notion"]["query_scan_limit"]
        rows = []
        for pid in self.page_order:
            page = self.pages[pid]
            if page["parent"].get("data_source_id") != ds["id"] or page["visible_at"] > now:
                continue
            if page["in_trash"] != in_trash:
                continue
            if scan is None and pred is not None and not pred(page):
                continue
            rows.append(page)
        if cmp is not None:
            rows.sort(key=functools.cmp_to_key(cmp))
        ids = [p["id"] for p in rows]
        if scan is None:
            chunk, nxt, more = self._paginate(ids, body.get("start_cursor"), size, "body.start_cursor")
        else:
            chunk, nxt, more = self._scan_page(rows, pred, body.get("start_cursor"), size, max(1, int(scan)))
        fprops = self._filter_props(req)
        self.counters["queries"] += 1
        return Response.json(200, {"object": "list", "results": [self._page_out(self.pages[i], ctx, fprops)
                                                                  for i in chunk],
                                   "next_cursor": nxt, "has_more": more,
                                   "type": result_type, result_type: {}})

    def _compile_filter(self, ds, f, path, depth):
        if not isinstance(f, dict):
            raise bverr("%s should be an object, instead was `%s`." % (path, _js(f)))
        if "and" in f or "or" in f:
            if len(f) != 1:
                raise bverr("%s should have exactly one of `and`, `or`." % path)
            key = next(iter(f))
            items = f[key]
            if not isinstance(items, list):
                raise bverr("%s.%s should be an array, instead was `%s`." % (path, key, _js(items)))
            if depth >= 2:
                raise bverr("%s.%s should be not present (compound filters nest at most two levels)." % (path, key))
            preds = [self._compile_filter(ds, it, "%s.%s[%d]" % (path, key, i), depth + 1)
                     for i, it in enumerate(items)]
            if key == "and":
                return lambda page: all(p(page) for p in preds)
            return lambda page: any(p(page) for p in preds)
        if "timestamp" in f:
            ts = f["timestamp"]
            if ts not in ("created_time", "last_edited_time") or not isinstance(f.get(ts), dict):
                raise bverr("%s.timestamp should be `created_time` or `last_edited_time` with a condition." % path)
            test = self._date_pred(f[ts], "%s.%s" % (path, ts))
            return lambda page: test(page[ts])
        key = f.get("property")
        if not isinstance(key, str):
            raise bverr("%s.property should be defined, instead was `undefined`." % path)
        prop = self._lookup_prop(ds["schema"], key)
        if prop is None:
            raise verr("Could not find property with name or id: %s" % key)
        ftypes = [k for k in f if k not in ("property", "type")]
        if len(ftypes) != 1:
            raise bverr("%s should have exactly one filter type key." % path)
        ftype = ftypes[0]
        ptype = prop["type"]
        if ftype != ptype:
            raise verr("Filter type `%s` does not match the type `%s` of property %s." % (ftype, ptype, prop["name"]))
        cond = f[ftype]
        p = "%s.%s" % (path, ftype)
        if not isinstance(cond, dict) or len(cond) != 1:
            raise bverr("%s should be an object with exactly one condition, instead was `%s`." % (p, _js(cond)))
        name = prop["name"]
        if ptype in TEXT_TYPES:
            test = self._text_pred(cond, p)
            return lambda page: test(_plain(page["props"].get(name)))
        if ptype in STRING_TYPES:
            test = self._text_pred(cond, p)
            return lambda page: test(page["props"].get(name) or "")
        if ptype == "number":
            test = self._number_pred(cond, p)
            return lambda page: test(page["props"].get(name))
        if ptype == "checkbox":
            op, arg = next(iter(cond.items()))
            if op not in ("equals", "does_not_equal") or not isinstance(arg, bool):
                raise bverr("%s should be {equals|does_not_equal: boolean}." % p)
            return lambda page: (bool(page["props"].get(name)) == arg) == (op == "equals")
        if ptype in ("select", "status"):
            op, arg = next(iter(cond.items()))
            self._check_op(op, arg, p, ("equals", "does_not_equal"), str)

            def sel(page):
                v = page["props"].get(name)
                v = v["name"] if v else None
                if op == "equals":
                    return v == arg
                if op == "does_not_equal":
                    return v != arg
                return (v is None) == (op == "is_empty")
            return sel
        if ptype in ("multi_select", "relation", "people"):
            op, arg = next(iter(cond.items()))
            self._check_op(op, arg, p, ("contains", "does_not_contain"), str)
            if ptype != "multi_select" and op in ("contains", "does_not_contain"):
                arg = util.norm_uuid(arg) or arg

            def many(page):
                vals = page["props"].get(name) or []
                keys = [x["name"] if ptype == "multi_select" else x["id"] for x in vals]
                if op == "contains":
                    return arg in keys
                if op == "does_not_contain":
                    return arg not in keys
                return (not keys) == (op == "is_empty")
            return many
        if ptype == "date":
            test = self._date_pred(cond, p)
            return lambda page: test((page["props"].get(name) or {}).get("start"))
        if ptype in ("created_time", "last_edited_time"):
            test = self._date_pred(cond, p)
            return lambda page: test(page[ptype])
        raise verr("Filtering on %s properties is not supported by the fake." % ptype)

    @staticmethod
    def _check_op(op, arg, path, valued, argtype):
        if op in ("is_empty", "is_not_empty"):
            if arg is not True:
                raise bverr("%s.%s should be `true`, instead was `%s`." % (path, op, _js(arg)))
        elif op in valued:
            if isinstance(arg, bool) or not isinstance(arg, argtype):
                raise bverr("%s.%s has the wrong type, instead was `%s`." % (path, op, _js(arg)))
        else:
            raise bverr("%s.%s is not a supported condition." % (path, op))

    def _text_pred(self, cond, path):
        op, arg = next(iter(cond.items()))
        self._check_op(op, arg, path, ("equals", "does_not_equal", "contains", "does_not_contain",
                                       "starts_with", "ends_with"), str)
        funcs = {
            "equals": lambda s: s == arg,
            "does_not_equal": lambda s: s != arg,
            "contains": lambda s: arg in s,
            "does_not_contain": lambda s: arg not in s,
            "starts_with": lambda s: s.startswith(arg),
            "ends_with": lambda s: s.endswith(arg),
            "is_empty": lambda s: s == "",
            "is_not_empty": lambda s: s != "",
        }
        return funcs[op]

    def _number_pred(self, cond, path):
        op, arg = next(iter(cond.items()))
        self._check_op(op, arg, path, ("equals", "does_not_equal", "greater_than", "less_than",
                                       "greater_than_or_equal_to", "less_than_or_equal_to"), (int, float))
        funcs = {
            "equals": lambda v: v is not None and v == arg,
            "does_not_equal": lambda v: v is None or v != arg,
            "greater_than": lambda v: v is not None and v > arg,
            "less_than": lambda v: v is not None and v < arg,
            "greater_than_or_equal_to": lambda v: v is not None and v >= arg,
            "less_than_or_equal_to": lambda v: v is not None and v <= arg,
            "is_empty": lambda v: v is None,
            "is_not_empty": lambda v: v is not None,
        }
        return funcs[op]

    def _date_pred(self, cond, path):
        if not isinstance(cond, dict) or len(cond) != 1:
            raise bverr("%s should be an object with exactly one condition." % path)
        op, arg = next(iter(cond.items()))
        relative = {"past_week": -7, "past_month": -30, "past_year": -365,
                    "next_week": 7, "next_month": 30, "next_year": 365}
        now = self.app.clock.current()

        def parsed(value):
            if value is None:
                return None
            try:
                return util.parse_iso(value)[0]
            except ValueError:
                return None

        if op in ("is_empty", "is_not_empty"):
            self._check_op(op, arg, path, (), str)
            return lambda v: (v is None) == (op == "is_empty")
        if op in relative or op == "this_week":
            if arg != {}:
                raise bverr("%s.%s should be `{}`, instead was `%s`." % (path, op, _js(arg)))
            if op == "this_week":
                monday = (now - _dt.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
                lo, hi = monday, monday + _dt.timedelta(days=7)
            else:
                days = relative[op]
                lo, hi = (now + _dt.timedelta(days=days), now) if days < 0 else (now, now + _dt.timedelta(days=days))

            def rel(v):
                d = parsed(v)
                return d is not None and lo <= d <= hi
            return rel
        if op not in ("equals", "before", "after", "on_or_before", "on_or_after"):
            raise bverr("%s.%s is not a supported condition." % (path, op))
        try:
            ref, date_only = util.parse_iso(arg)
        except (ValueError, TypeError):
            raise bverr("%s.%s should be a valid ISO 8601 date string, instead was `%s`." % (path, op, _js(arg)))

        def test(v):
            d = parsed(v)
            if d is None:
                return False
            a, b = (d.date(), ref.date()) if date_only else (d, ref)
            return {"equals": a == b, "before": a < b, "after": a > b,
                    "on_or_before": a <= b, "on_or_after": a >= b}[op]
        return test

    def _compile_sorts(self, ds, sorts):
        if sorts is None:
            return None
        if not isinstance(sorts, list):
            raise bverr("body.sorts should be an array, instead was `%s`." % _js(sorts))
        keys = []
        for i, s in enumerate(sorts):
            p = "body.sorts[%d]" % i
            if not isinstance(s, dict):
                raise bverr("%s should be an object, instead was `%s`." % (p, _js(s)))
            direction = s.get("direction", "ascending")
            if direction not in ("ascending", "descending"):
                raise bverr("%s.direction should be `ascending` or `descending`, instead was `%s`."
                            % (p, _js(direction)))
            if "timestamp" in s:
                ts = s["timestamp"]
                if ts not in ("created_time", "last_edited_time"):
                    raise bverr("%s.timestamp should be `created_time` or `last_edited_time`." % p)
                keys.append((lambda page, ts=ts: page[ts], direction))
            elif "property" in s:
                prop = self._lookup_prop(ds["schema"], s["property"])
                if prop is None:
                    raise verr("Could not find sort property with name or id: %s" % s["property"])
                keys.append((lambda page, prop=prop: self._sort_value(page, prop), direction))
            else:
                raise bverr("%s should have property or timestamp." % p)

        def cmp(a, b):
            for fn, direction in keys:
                va, vb = fn(a), fn(b)
                if va == vb:
                    continue
                if va is None:
                    return 1
                if vb is None:
                    return -1
                r = -1 if va < vb else 1
                return r if direction == "ascending" else -r
            return a["seq"] - b["seq"]
        return cmp

    def _sort_value(self, page, prop):
        ptype = prop["type"]
        if ptype in ("created_time", "last_edited_time"):
            return page[ptype]
        v = page["props"].get(prop["name"])
        if ptype in TEXT_TYPES:
            return _plain(v) or None
        if ptype in ("select", "status"):
            return v["name"] if v else None
        if ptype == "multi_select":
            return v[0]["name"] if v else None
        if ptype == "date":
            return util.parse_iso(v["start"])[0] if v else None
        if ptype in ("relation", "people"):
            return len(v or [])
        if ptype == "checkbox":
            return bool(v)
        return v if v != "" else None

    # -- state for /__fake/state/notion ---------------------------------------------------
    def _block_tree(self, ids):
        out = []
        for bid in ids:
            b = self.blocks[bid]
            out.append({"id": bid, "type": b["type"], "text": _plain(b["content"].get("rich_text")),
                        "content": b["content"], "children": self._block_tree(b["children"])})
        return out

    def state(self):
        ctx = Ctx(V_DS, "utf16")
        now = time.monotonic()
        pages = []
        for pid in self.page_order:
            page = self.pages[pid]
            out = self._page_out(page, ctx)
            pages.append({"id": pid, "parent": out["parent"], "properties": out["properties"],
                          "in_trash": page["in_trash"], "created_time": page["created_time"],
                          "last_edited_time": page["last_edited_time"],
                          "visible_to_query": page["visible_at"] <= now,
                          "children": self._block_tree(page["children"])})
        return {
            "tokens": [util.redact(t) for t in self.tokens],
            "databases": [{"id": d["id"], "title": d["title"], "shared": d["shared"],
                           "data_sources": list(d["data_sources"])} for d in self.databases.values()],
            "data_sources": [dict(self._ds_out(ds, ctx), database_id=ds["database_id"])
                             for ds in self.data_sources.values()],
            "pages": pages,
            "page_count": len(pages),
            "block_count": len(self.blocks),
            "counters": _deep_copy(self.counters),
        }


def _deep_copy(value):
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
