"""Paging of API collections: `page`/`per_page` parameters and RFC 8288 `Link` headers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from flask import request
from sqlalchemy import Select
from werkzeug.wrappers import Response

from app.core.extensions import db
from app.core.paging import is_ascii_number
from app.core.problems import BadParameter

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1_000_000  # keeps the SQL offset in range


def int_arg(name: str, default: int, high: int | None = None) -> int:
    """A whole-number query parameter of at least 1 (and at most `high`); 400 otherwise."""
    raw = request.args.get(name)
    if raw is None:
        return default
    limit = f" between 1 and {high}" if high else " of at least 1"
    message = f"{name} must be a whole number{limit} (got {raw[:20]!r})"
    if not is_ascii_number(raw.strip()):
        raise BadParameter(name, message)
    value = int(raw)
    if value < 1 or (high is not None and value > high):
        raise BadParameter(name, message)
    return value


def page_args(default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """(page, per_page) from the query string; per_page at most 100."""
    return int_arg("page", 1, MAX_PAGE), int_arg("per_page", default_per_page, MAX_PER_PAGE)


def paginate(items: Select | Sequence[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """One page of a select statement (scalars) or of a list, and the total count."""
    if isinstance(items, Select):
        pagination = db.paginate(items, page=page, per_page=per_page, error_out=False)
        return list(pagination.items), pagination.total or 0
    start = (page - 1) * per_page
    return list(items[start : start + per_page]), len(items)


def page_links(page: int, per_page: int, total: int) -> dict[str, int]:
    """rel -> page number: first and last always, prev and next when they exist."""
    last = max(1, math.ceil(total / per_page))
    links = {"first": 1}
    if page > 1:
        links["prev"] = min(page - 1, last)
    if page < last:
        links["next"] = page + 1
    links["last"] = last
    return links


def _url_for_page(page: int, per_page: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "per_page")]
    args += [("page", str(page)), ("per_page", str(per_page))]
    return f"{request.base_url}?{urlencode(args)}"


def with_link_header(response: Response, page: int, per_page: int, total: int) -> Response:
    """Add `Link: <…?page=1>; rel="first", …`, keeping the request's other parameters."""
    links = page_links(page, per_page, total)
    response.headers["Link"] = ", ".join(
        f'<{_url_for_page(number, per_page)}>; rel="{rel}"' for rel, number in links.items()
    )
    return response
