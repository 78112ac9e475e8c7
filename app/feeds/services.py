"""Which measures a feed lists: the newest published ones, filtered in SQL.

The filters use the search's parameter names and values (DESIGN §8) for the keys a feed
reader is likely to want: several values of one key match any of them (OR), different keys
must all match (AND), as in the search. Multi-valued keys are matched through revision_terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.core.extensions import db
from app.measures.models import Measure, MeasureRevision, MeasureStatus, RevisionTerm
from app.records import vocab
from app.search.facets import VERDICT_LABELS

FEED_SIZE = 50
MULTI_PARAMS = ("countries", "prevention_level", "target_groups")
PARAMS = (*MULTI_PARAMS, "evidence_min")
_ALLOWED = {
    "countries": vocab.COUNTRY_CODES,
    "prevention_level": frozenset(vocab.PREVENTION_LEVELS),
    "target_groups": frozenset(vocab.TARGET_GROUPS),
}


class FeedParamError(ValueError):
    """A bad feed parameter; the message names it and says what is allowed."""


@dataclass(frozen=True)
class FeedFilters:
    countries: tuple[str, ...] = ()
    prevention_level: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    evidence_min: int | None = None

    def is_empty(self) -> bool:
        return (
            not (self.countries or self.prevention_level or self.target_groups)
            and self.evidence_min is None
        )

    def as_args(self) -> dict[str, list[str] | str]:
        """The filters as query arguments (for url_for), in a stable order."""
        args: dict[str, list[str] | str] = {
            key: list(getattr(self, key)) for key in MULTI_PARAMS if getattr(self, key)
        }
        if self.evidence_min is not None:
            args["evidence_min"] = str(self.evidence_min)
        return args


def parse_feed_args(args: MultiDict) -> FeedFilters:
    """Validate feed parameters; unknown ones are refused (a typo would silently widen the
    feed). Raises FeedParamError."""
    for name in args:
        if name not in PARAMS:
            raise FeedParamError(f"{name}: is not a feed parameter (use {', '.join(PARAMS)})")
    values: dict[str, tuple[str, ...]] = {}
    for key in MULTI_PARAMS:
        out: list[str] = []
        for raw in args.getlist(key):
            value = raw.strip()
            value = value.upper() if key == "countries" else value.lower()
            if not value:
                continue
            if value not in _ALLOWED[key]:
                raise FeedParamError(f"{key}: {raw[:40]!r} is not a known value")
            if value not in out:
                out.append(value)
        values[key] = tuple(out)
    evidence_min = None
    raw_levels = [v.strip() for v in args.getlist("evidence_min") if v.strip()]
    if len(raw_levels) > 1:
        raise FeedParamError("evidence_min: must be given only once")
    if raw_levels:
        raw = raw_levels[0]
        if raw not in {str(n) for n in range(6)}:
            raise FeedParamError(
                f"evidence_min: must be a whole number from 0 to 5, not {raw[:20]!r}"
            )
        evidence_min = int(raw)
    return FeedFilters(evidence_min=evidence_min, **values)


def _with_term(key: str, values: Iterable[str]):
    return MeasureRevision.id.in_(
        select(RevisionTerm.revision_id).where(
            RevisionTerm.key == key, RevisionTerm.value.in_(list(values))
        )
    )


def newest_measures(filters: FeedFilters, limit: int = FEED_SIZE) -> list[Measure]:
    """Published measures matching `filters`, newest first (by first publication)."""
    stmt = (
        select(Measure)
        .join(MeasureRevision, MeasureRevision.id == Measure.published_revision_id)
        .where(Measure.status == MeasureStatus.PUBLISHED)
    )
    if filters.countries:
        stmt = stmt.where(_with_term("countries", filters.countries))
    if filters.target_groups:
        stmt = stmt.where(_with_term("target_groups", filters.target_groups))
    if filters.prevention_level:
        stmt = stmt.where(MeasureRevision.prevention_level.in_(filters.prevention_level))
    if filters.evidence_min is not None:
        stmt = stmt.where(MeasureRevision.evidence_level >= filters.evidence_min)
        if filters.evidence_min >= 1:  # a verdict is never "level 1 or better", as in search
            stmt = stmt.where(MeasureRevision.evidence_label.notin_(VERDICT_LABELS))
    stmt = (
        stmt.order_by(Measure.published_at.desc(), Measure.id.desc())
        .limit(limit)
        .options(selectinload(Measure.published_revision).lazyload(MeasureRevision.evaluations))
    )
    return list(db.session.scalars(stmt))
