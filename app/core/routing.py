"""URL converters: `<int:…>` takes the ASCII digits 0-9 only.

Werkzeug's matches `\\d`, which in Python also matches "１２" (full-width) and other scripts'
digits; such a path reached the views and its non-ASCII went into the `Link` header, and
gunicorn drops a reply with a non-ASCII header (issue 15). Now it is simply a 404.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter


class AsciiIntegerConverter(IntegerConverter):
    regex = r"[0-9]+"


def init_routing(app: Flask) -> None:
    """Before any route is added: the rules compile their converters when added."""
    app.url_map.converters["int"] = AsciiIntegerConverter
