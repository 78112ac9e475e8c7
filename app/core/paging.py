"""Page numbers of HTML lists: a bad or huge `page=` is a 400, never a database error."""

from __future__ import annotations

from flask import abort, request

# Far beyond any list; also keeps the SQL offset (page × size) in range of a 64-bit integer.
MAX_PAGE = 1_000_000


def is_ascii_number(raw: str) -> bool:
    """Digits 0-9 only: str.isdigit() also takes "１２" and "²", which int() may accept."""
    return raw.isascii() and raw.isdigit()


def page_number(name: str = "page") -> int:
    """The page asked for (1 without one); 400 naming the bounds for anything else."""
    raw = request.args.get(name, "1").strip() or "1"
    if not is_ascii_number(raw) or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, description=f"The page number must be a whole number from 1 to {MAX_PAGE:,}.")
    return int(raw)
