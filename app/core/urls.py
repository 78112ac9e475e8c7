"""Absolute links (mails, Atom, CSV `url`) built from the configured canonical address.

Never from the request's `Host` header: a reset link built from it would send the token to
whatever host an attacker put there (issue 15). BASE_URL wins; else SERVER_NAME with
PREFERRED_URL_SCHEME and APPLICATION_ROOT; else (development only, production refuses to
start) the request's own address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def configured_base_url(config: Mapping[str, Any]) -> str | None:
    """`https://host[/prefix]` without a trailing slash, or None when nothing is configured."""
    explicit = config.get("BASE_URL")
    if explicit:
        return str(explicit).rstrip("/")
    server = config.get("SERVER_NAME")
    if server:
        root = str(config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{server}{root}"
    return None


def check_base_url(value: str) -> None:
    """Raise RuntimeError unless `value` is an absolute http(s) address without query."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise RuntimeError(
            f"BASE_URL must look like https://prevent-hub.example.org, not {value!r}"
        )


def trusted_hosts(config: Mapping[str, Any]) -> list[str] | None:
    """Flask's TRUSTED_HOSTS: as configured, else BASE_URL's host, else None (any host)."""
    configured = config.get("TRUSTED_HOSTS")
    if isinstance(configured, str):
        return [host.strip() for host in configured.split(",") if host.strip()] or None
    if configured:
        return list(configured)
    if config.get("BASE_URL"):
        host = urlsplit(str(config["BASE_URL"])).hostname
        return [host] if host else None
    return None


def external_url(endpoint: str, **values: Any) -> str:
    """url_for(endpoint, _external=True), on the canonical address."""
    base = configured_base_url(current_app.config)
    if base is None:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def absolute(path: str) -> str:
    """A site path ("/measures/3") as an absolute link on the canonical address."""
    if not path.startswith("/"):
        return path
    base = configured_base_url(current_app.config)
    if base is None:
        if not has_request_context():
            return path
        base = request.host_url.rstrip("/")
    elif has_request_context() and request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root) :]  # the base already ends with the prefix
    return base + path
