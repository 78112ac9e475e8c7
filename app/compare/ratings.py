"""Peer-rating aggregates for compare and export, read through one small adapter.

The reviews area provides `app.reviews.aggregates.ratings_for(measure_ids) -> {id: Ratings}`
(per dimension mean, count and distribution, and an overall Bayesian score). This module
imports it lazily and turns whatever it returns into the plain RatingSummary below, so compare
and export work before reviews exist (every measure then shows "no reviews yet") and do not
break if the Ratings type gains fields. The shapes it reads are listed in `_summarise`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.records import vocab

# The four dimensions of DESIGN §3, in the order pages show them. A dimension key of the
# reviews area is matched to one of these by its first word ("effectiveness_in_practice",
# "effectiveness" and "effectiveness_practice" all mean the first).
# Labels are lazy: str() them where they are shown, in the reader's language.
DIMENSIONS: tuple[tuple[str, LazyString], ...] = (
    ("effectiveness", _l("Effectiveness in practice")),
    ("ease", _l("Ease of implementation")),
    ("transferability", _l("Transferability to other countries")),
    ("value", _l("Value for money")),
)
_DIMENSION_LABELS = dict(DIMENSIONS)


@dataclass(frozen=True)
class DimensionRating:
    key: str
    label: str
    mean: float | None
    count: int


@dataclass(frozen=True)
class RatingSummary:
    """What compare and export show of a measure's peer reviews."""

    dimensions: tuple[DimensionRating, ...]
    overall: float | None  # the Bayesian score used for sorting, when the reviews area gives one
    count: int  # number of reviews

    def dimension(self, key: str) -> DimensionRating | None:
        return next((d for d in self.dimensions if d.key == key), None)


def ratings_for(measure_ids: Iterable[int]) -> dict[int, RatingSummary]:
    """Rating summaries by measure id; measures without reviews are simply absent.

    Without the reviews area every measure is unrated. Errors of the reviews area itself are
    not hidden: a failed query has spoiled the request's transaction anyway.
    """
    ids = sorted({int(i) for i in measure_ids})
    if not ids:
        return {}
    try:
        module = importlib.import_module("app.reviews.aggregates")
    except ImportError:
        return {}
    source = getattr(module, "ratings_for", None)
    if source is None:
        return {}
    raw = source(ids) or {}
    out: dict[int, RatingSummary] = {}
    for measure_id, ratings in raw.items():
        summary = _summarise(ratings)
        if summary is not None and summary.count > 0:
            out[int(measure_id)] = summary
    return out


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def dimension_key(raw_key: str) -> str:
    """Our key for a reviews-area dimension key (see DIMENSIONS), else the key itself."""
    first = str(raw_key).lower().split("_")[0]
    for key, _label in DIMENSIONS:
        if first.startswith(key):
            return key
    return str(raw_key)


def _summarise(ratings: Any) -> RatingSummary | None:
    """Read a Ratings object or mapping.

    Dimensions come from `dimensions` (or `per_dimension`, `by_dimension`): a mapping of
    dimension key to an object or mapping with `mean` (or `average`) and `count` (or `n`).
    The overall score comes from `bayes` (or `bayesian`, `bayesian_score`, `overall`) when it
    is a number; the number of reviews from `count` (or `review_count`, `total`), else the
    largest dimension count.
    """
    if ratings is None:
        return None
    dims_raw = _get(ratings, "dimensions", "per_dimension", "by_dimension")
    dimensions: list[DimensionRating] = []
    if isinstance(dims_raw, Mapping):
        for raw_key, stats in dims_raw.items():
            key = dimension_key(raw_key)
            mean = _number(_get(stats, "mean", "average"))
            count = int(_number(_get(stats, "count", "n")) or 0)
            label = _DIMENSION_LABELS.get(key) or _get(stats, "label") or vocab.label(raw_key)
            dimensions.append(DimensionRating(key, str(label), mean if count else None, count))
    order = {key: i for i, (key, _label) in enumerate(DIMENSIONS)}
    dimensions.sort(key=lambda d: order.get(d.key, len(order)))
    overall = None
    for name in ("bayes", "bayesian", "bayesian_score", "overall"):
        overall = _number(_get(ratings, name))
        if overall is not None:
            break
    count = _number(_get(ratings, "count", "review_count", "total"))
    if count is None:
        count = max((d.count for d in dimensions), default=0)
    return RatingSummary(tuple(dimensions), overall, int(count))
