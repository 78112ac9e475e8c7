"""Where a request may ask to be sent next (`next=`): only to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: no open redirects.

    Refuses absolute URLs, scheme-relative ones (//host), backslashes (browsers read /\\host
    as //host) and control characters.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
