"""Which measures to compare: the `ids` parameter of the comparison pages and the API."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.compare.comparison import MAX_MEASURES


class BadIds(ValueError):
    """The ids parameter is not a list of measure numbers."""


def parse_ids(args: MultiDict) -> list[int]:
    """Measure ids from `ids=1,2,3` and/or repeated `ids=`; duplicates dropped, order kept."""
    parts = [p.strip() for value in args.getlist("ids") for p in value.split(",")]
    parts = [p for p in parts if p]
    if len(parts) > 20:  # far beyond MAX_MEASURES: refuse before doing any work
        raise BadIds(_("Too many ids: you can compare at most %(max)s measures.", max=MAX_MEASURES))
    ids: list[int] = []
    for part in parts:
        if not re.fullmatch(r"[0-9]{1,9}", part):
            raise BadIds(_("“%(part)s” is not a measure number. Use ids=1,2,3.", part=part[:20]))
        if int(part) not in ids:
            ids.append(int(part))
    return ids
