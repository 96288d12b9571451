"""The deterministic embedder shared by the OpenAI-compatible and Pinecone fakes.

Algorithm (precise, so other code -- e.g. a C test helper -- can reproduce it):
 1. Encode the text as UTF-8 and lower-case ASCII letters only (A-Z -> a-z).
 2. Tokens are the maximal runs of bytes in [a-z0-9] or >= 0x80 (so non-ASCII
    letters stay inside tokens; every other byte separates tokens).
 3. Start from a zero vector of length `dim` (float64).  For every token
    (repeats included): d = SHA-256(token bytes); bucket = uint32 big-endian
    of d[0:4] mod dim; sign = -1 if d[4] is odd else +1; vec[bucket] += sign.
 4. If there is no token or the vector is all zero, use the seeded vector
    instead: the byte stream SHA-256(utf8 + be32(0)) || SHA-256(utf8 + be32(1))
    || ..., value i = (byte_i - 127.5) / 127.5.
 5. L2-normalise.  With a requested `dimensions` smaller than the native one:
    keep the first `dimensions` values (seeded vector of that length if they
    are all zero) and L2-normalise again.
 6. Round every value to float32 (that is what is returned, as JSON numbers or
    packed little-endian float32 for base64).
"""

import base64
import hashlib
import math
import re
import struct
from array import array

_TOKEN = re.compile(rb"[a-z0-9\x80-\xff]+")


def tokens(text):
    return _TOKEN.findall(text.encode("utf-8").lower())


def seeded_vector(text, dim):
    raw = text.encode("utf-8")
    stream = bytearray()
    counter = 0
    while len(stream) < dim:
        stream += hashlib.sha256(raw + counter.to_bytes(4, "big")).digest()
        counter += 1
    return [(b - 127.5) / 127.5 for b in stream[:dim]]


def _normalise(vec):
    norm = math.sqrt(sum(v * v for v in vec))
    return [v / norm for v in vec]


def raw_vector(text, dim):
    vec = [0.0] * dim
    for tok in tokens(text):
        d = hashlib.sha256(tok).digest()
        vec[int.from_bytes(d[:4], "big") % dim] += -1.0 if d[4] & 1 else 1.0
    if not any(vec):
        vec = seeded_vector(text, dim)
    return vec


def to_float32(values):
    return array("f", values).tolist()


def embed(text, dim, dimensions=None):
    """Unit vector for text: native size `dim`, optionally truncated to `dimensions`."""
    vec = _normalise(raw_vector(text, dim))
    if dimensions is not None and dimensions < dim:
        vec = vec[:dimensions]
        if not any(vec):
            vec = seeded_vector(text, dimensions)
        vec = _normalise(vec)
    return to_float32(vec)


def pack_base64(values):
    """Base64 of packed little-endian float32."""
    return base64.b64encode(struct.pack("<%df" % len(values), *values)).decode("ascii")


def estimate_tokens(text):
    """ceil(utf8_bytes / 4): the estimator pgai reverse-engineered for OpenAI."""
    return (len(text.encode("utf-8")) + 3) // 4


def truncate_to_tokens(text, max_tokens):
    """Longest prefix whose estimate is <= max_tokens (never splits a character)."""
    raw = text.encode("utf-8")
    if len(raw) <= max_tokens * 4:
        return text
    return raw[:max_tokens * 4].decode("utf-8", errors="ignore")
