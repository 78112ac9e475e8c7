"""Dashboard numbers, counted in SQL over published measures (their published revisions).

Multi-valued keys (countries, target groups) are counted from revision_terms: a measure
counts once in each country it lists, so the country rows add up to more than the number of
measures. Nothing here needs a permission: every number is about published measures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.core.extensions import db
from app.measures.models import Measure, MeasureRevision, MeasureStatus, RevisionTerm
from app.records import vocab

LEVELS = tuple(range(6))
NEWEST = 10


def _published_revisions() -> Select:
    """Published measures joined to the revision the public sees."""
    return (
        select()
        .select_from(Measure)
        .join(MeasureRevision, MeasureRevision.id == Measure.published_revision_id)
        .where(Measure.status == MeasureStatus.PUBLISHED)
    )


@dataclass(frozen=True)
class CountryLevels:
    """Published measures of one country by evidence level (index = level)."""

    country: str
    by_level: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_level)


@dataclass(frozen=True)
class Totals:
    measures: int
    countries: int
    level_3_or_more: int
    harm_flagged: int


@dataclass(frozen=True)
class Dashboard:
    totals: Totals
    by_country: list[CountryLevels]
    by_level: tuple[int, ...]
    by_prevention_level: list[tuple[str, int]]
    by_target_group: list[tuple[str, int]]
    newest: list[Measure] = field(default_factory=list)


def counts_by_country_and_level() -> list[CountryLevels]:
    """Countries with at least one published measure, most measures first, then by name."""
    stmt = (
        _published_revisions()
        .add_columns(RevisionTerm.value, MeasureRevision.evidence_level, func.count())
        .join(RevisionTerm, RevisionTerm.revision_id == MeasureRevision.id)
        .where(RevisionTerm.key == "countries")
        .group_by(RevisionTerm.value, MeasureRevision.evidence_level)
    )
    grid: dict[str, list[int]] = {}
    for country, level, count in db.session.execute(stmt):
        grid.setdefault(country, [0] * len(LEVELS))[int(level)] += int(count)
    rows = [CountryLevels(c, tuple(levels)) for c, levels in grid.items()]
    rows.sort(key=lambda r: (-r.total, vocab.country_name(r.country)))
    return rows


def counts_by_level() -> tuple[int, ...]:
    stmt = (
        _published_revisions()
        .add_columns(MeasureRevision.evidence_level, func.count())
        .group_by(MeasureRevision.evidence_level)
    )
    counts = [0] * len(LEVELS)
    for level, count in db.session.execute(stmt):
        counts[int(level)] = int(count)
    return tuple(counts)


def _in_vocabulary_order(counts: dict[str, int], values: Sequence[str]) -> list[tuple[str, int]]:
    """Every value of the vocabulary (zeros included, so gaps show), then any stray value."""
    ordered = [(v, counts.get(v, 0)) for v in values]
    ordered += [(v, n) for v, n in sorted(counts.items()) if v not in values]
    return ordered


def counts_by_prevention_level() -> list[tuple[str, int]]:
    stmt = (
        _published_revisions()
        .add_columns(MeasureRevision.prevention_level, func.count())
        .group_by(MeasureRevision.prevention_level)
    )
    counts = {str(v): int(n) for v, n in db.session.execute(stmt)}
    return _in_vocabulary_order(counts, vocab.PREVENTION_LEVELS)


def counts_by_term(key: str, values: Sequence[str]) -> list[tuple[str, int]]:
    """Published measures per value of a multi-valued key (e.g. target_groups)."""
    stmt = (
        _published_revisions()
        .add_columns(RevisionTerm.value, func.count())
        .join(RevisionTerm, RevisionTerm.revision_id == MeasureRevision.id)
        .where(RevisionTerm.key == key)
        .group_by(RevisionTerm.value)
    )
    counts = {str(v): int(n) for v, n in db.session.execute(stmt)}
    return _in_vocabulary_order(counts, values)


def totals() -> Totals:
    stmt = _published_revisions().add_columns(
        func.count(Measure.id),
        func.count(Measure.id).filter(MeasureRevision.evidence_level >= 3),
        func.count(Measure.id).filter(MeasureRevision.harm_flag.is_(True)),
    )
    measures, strong, harm = db.session.execute(stmt).one()
    countries = db.session.scalar(
        _published_revisions()
        .add_columns(func.count(func.distinct(RevisionTerm.value)))
        .join(RevisionTerm, RevisionTerm.revision_id == MeasureRevision.id)
        .where(RevisionTerm.key == "countries")
    )
    return Totals(int(measures), int(countries or 0), int(strong), int(harm))


def newest_published(limit: int = NEWEST) -> list[Measure]:
    return list(
        db.session.scalars(
            select(Measure)
            .where(Measure.status == MeasureStatus.PUBLISHED)
            .order_by(Measure.published_at.desc(), Measure.id.desc())
            .limit(limit)
            .options(selectinload(Measure.published_revision).lazyload(MeasureRevision.evaluations))
        )
    )


def dashboard() -> Dashboard:
    return Dashboard(
        totals=totals(),
        by_country=counts_by_country_and_level(),
        by_level=counts_by_level(),
        by_prevention_level=counts_by_prevention_level(),
        by_target_group=counts_by_term("target_groups", vocab.TARGET_GROUPS),
        newest=newest_published(),
    )
