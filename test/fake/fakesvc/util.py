"""Small helpers shared by every fake: JSON, ids, timestamps, redaction."""

import datetime as _dt
import hashlib
import json
import re
import uuid as _uuid

UTC = _dt.timezone.utc


def dumps(obj):
    """Compact UTF-8 JSON bytes (no NaN/Infinity)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def loads(data):
    """Parse JSON bytes strictly: NaN/Infinity literals are rejected."""
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8")

    def _bad_constant(name):
        raise ValueError("invalid JSON constant " + name)

    return json.loads(data, parse_constant=_bad_constant)


def uuid_from(text):
    """A UUIDv4-formatted id derived from text (deterministic)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()[:16]
    return str(_uuid.UUID(bytes=digest, version=4))


_HEX32 = re.compile(r"^[0-9a-f]{32}$")


def norm_uuid(text):
    """Dashed lower-case form of a UUID given with or without dashes, else None."""
    if not isinstance(text, str):
        return None
    compact = text.replace("-", "").lower()
    if not _HEX32.match(compact):
        return None
    return "%s-%s-%s-%s-%s" % (compact[:8], compact[8:12], compact[12:16],
                               compact[16:20], compact[20:])


def iso_ms(dt):
    """2026-08-01T00:00:00.000Z"""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def parse_iso(text):
    """Parse an ISO-8601 date or date-time; returns (aware datetime, is_date_only).

    Raises ValueError on anything else.  Offset-less date-times are taken as UTC.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("not a date")
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        d = _dt.date.fromisoformat(text)
        return _dt.datetime(d.year, d.month, d.day, tzinfo=UTC), True
    t = text[:-1] + "+00:00" if text.endswith("Z") else text
    dt = _dt.datetime.fromisoformat(t)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt, False


def redact(value):
    """Keep only the last 4 characters of a secret ("Bearer " prefix kept)."""
    if value is None:
        return None
    prefix = ""
    if value[:7].lower() == "bearer ":
        prefix, value = value[:7], value[7:]
    tail = value[-4:] if len(value) > 4 else ""
    return prefix + "***" + tail


SECRET_HEADERS = ("authorization", "api-key", "x-api-key")


def go_duration(seconds):
    """Go-style duration as used by OpenAI's x-ratelimit-reset-* headers."""
    ms = int(round(max(0.0, seconds) * 1000))
    if ms < 1000:
        return "%dms" % ms
    if ms < 60000:
        s = ("%.3f" % (ms / 1000.0)).rstrip("0").rstrip(".")
        return s + "s"
    minutes, rest = divmod(ms, 60000)
    s = ("%.3f" % (rest / 1000.0)).rstrip("0").rstrip(".")
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return "%dh%dm%ss" % (hours, minutes, s)
    return "%dm%ss" % (minutes, s)


def short(value, limit=60):
    """A short JSON rendering of a value for error messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
