"""HTTP validators for responses built from public content (calendar feeds, the JSON API).

Every change to public content bumps the site's ContentVersion, so a hash of its counter and
of whatever else the bytes depend on (the query, settings, the format) identifies a response
exactly: equal hashes, equal bytes. A conditional request is answered from the hash alone.
"""

import hashlib
from collections.abc import Iterable


def content_digest(parts: Iterable[str]) -> str:
    """Return the SHA-256 hex digest of `parts`, everything a response's bytes depend on."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def strong_etag(digest: str) -> str:
    """Return the ETag header value for `digest` (quoted, 40 hex digits are plenty)."""
    return f'"{digest[:40]}"'
