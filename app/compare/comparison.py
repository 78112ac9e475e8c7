"""The comparison table as data: one row per aspect, one cell per measure (a pure module).

`comparison_rows` takes what the page knows of each measure (its record, its evidence and its
rating summary) and returns rows whose `differs` says whether the measures differ there. A
row differs when the cells' comparison keys differ: the keys ignore order and wording (two
measures in Germany and Austria do not differ because one lists AT first), so only real
differences are marked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.compare.ratings import DIMENSIONS, RatingSummary
from app.evidence.study_rating import rate_study
from app.records import labels, vocab
from app.records.labels import short_label

MIN_MEASURES, MAX_MEASURES = 2, 4
# Best first: the study ratings of ruleset 2027.1 (EVIDENCE-2027 §2), then the order designs
# are listed in.
STUDY_CLASSES = ("high", "moderate", "low", "descriptive")
NO_REVIEWS = "No reviews yet"
_MANUAL = {True: "Available", False: "Not available"}
_CLASS_WORDS = {
    "high": "rated high",
    "moderate": "rated moderate",
    "low": "rated low",
    "descriptive": "descriptive, no outcome evidence",
}


@dataclass(frozen=True)
class ComparedMeasure:
    """What the table needs of one measure: its published record and computed evidence."""

    id: int
    title: str
    record: Mapping[str, Any]  # the record format (app.measures.mapping.revision_to_record)
    evidence: Mapping[str, Any]  # level, label, harm_flag, reasons (revision.evidence + columns)
    ratings: RatingSummary | None = None


@dataclass(frozen=True)
class Cell:
    text: str
    items: tuple[str, ...] = ()  # shown as a list under the text (reasons, effects, ...)
    flag: str | None = None  # a warning shown first, in words (the harm signal)
    key: Hashable = None  # what "differs" compares


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    section: str
    cells: tuple[Cell, ...]
    differs: bool = field(default=False)


# --- one function per aspect: ComparedMeasure -> Cell ------------------------------------------


def _evidence(m: ComparedMeasure) -> Cell:
    level = int(m.evidence.get("level") or 0)
    label = str(m.evidence.get("label") or "")
    harm = bool(m.evidence.get("harm_flag"))
    return Cell(
        text=f"Level {level} of 5: {label}",
        items=tuple(str(r) for r in m.evidence.get("reasons") or ()),
        flag="Harm signal: a study found an unfavourable effect" if harm else None,
        key=(level, label, harm),
    )


def _evaluations(m: ComparedMeasure) -> list[Mapping[str, Any]]:
    return list(m.record.get("evaluations") or ())


def _studies(m: ComparedMeasure) -> Cell:
    n = len(_evaluations(m))
    return Cell(text=str(n) if n else "None", key=n)


def best_design(evaluations: Iterable[Mapping[str, Any]]) -> tuple[str, str] | None:
    """(design, study rating) of the strongest study: best rating first, then design order."""

    def rank(ev: Mapping[str, Any]) -> tuple[int, int]:
        design = ev.get("design")
        order = vocab.DESIGNS.index(design) if design in vocab.DESIGNS else len(vocab.DESIGNS)
        return STUDY_CLASSES.index(rate_study(ev).rating), order

    ranked = sorted(evaluations, key=rank)
    if not ranked:
        return None
    return str(ranked[0].get("design")), rate_study(ranked[0]).rating


def _best_design(m: ComparedMeasure) -> Cell:
    best = best_design(_evaluations(m))
    if best is None:
        return Cell(text="No studies", key=None)
    design, cls = best
    return Cell(text=f"{vocab.label(design)} ({_CLASS_WORDS[cls]})", key=best)


def _follow_up(m: ComparedMeasure) -> Cell:
    months = [
        ev["follow_up_months"]
        for ev in _evaluations(m)
        if isinstance(ev.get("follow_up_months"), int)
    ]
    if not months:
        return Cell(text="Not stated", key=None)
    longest = max(months)
    return Cell(text=f"{longest} month{'s' if longest != 1 else ''}", key=longest)


def _effects(m: ComparedMeasure) -> Cell:
    counts = Counter(str(ev.get("effect")) for ev in _evaluations(m))
    if not counts:
        return Cell(text="No studies", key=())
    known = [e for e in vocab.EFFECTS if counts[e]]
    items = tuple(
        f"{vocab.label(e)}: {counts[e]} stud{'y' if counts[e] == 1 else 'ies'}" for e in known
    )
    return Cell(text="", items=items, key=tuple((e, counts[e]) for e in known))


def _outcomes(m: ComparedMeasure) -> Cell:
    found = {o for ev in _evaluations(m) for o in ev.get("outcomes") or ()}
    ordered = [o for o in vocab.OUTCOMES if o in found]
    if not ordered:
        return Cell(text="None stated", key=frozenset())
    return Cell(text="", items=tuple(vocab.label(o) for o in ordered), key=frozenset(ordered))


def _listed(key: str) -> Callable[..., Cell]:
    def cell(m: ComparedMeasure) -> Cell:
        values = list(m.record.get(key) or ())
        if not values:
            return Cell(text="Not stated", key=frozenset())
        names = tuple(labels.value_label(key, v) for v in values)
        return Cell(text="", items=names, key=frozenset(values))

    return cell


def _prevention_level(m: ComparedMeasure) -> Cell:
    value = m.record.get("prevention_level")
    return Cell(text=vocab.label(value) or "Not stated", key=value)


def describe_ages(age_min: int | None, age_max: int | None) -> str:
    if age_min is not None and age_max is not None:
        return f"{age_min}–{age_max} years"
    if age_min is not None:
        return f"From {age_min} years"
    if age_max is not None:
        return f"Up to {age_max} years"
    return "Not stated"


def _ages(m: ComparedMeasure) -> Cell:
    low, high = m.record.get("age_min"), m.record.get("age_max")
    return Cell(text=describe_ages(low, high), key=(low, high))


def _cost(m: ComparedMeasure) -> Cell:
    level, notes = m.record.get("cost_level"), m.record.get("cost_notes")
    text = vocab.label(level) if level else "Not stated"
    # Notes are free text: they are shown but two measures differ only by their cost level.
    return Cell(text=text, items=(str(notes),) if notes else (), key=level)


def _manual(m: ComparedMeasure) -> Cell:
    value = m.record.get("manual_available")
    return Cell(text=_MANUAL.get(value, "Not stated"), key=value)


def _rating(dimension: str) -> Callable[..., Cell]:
    def cell(m: ComparedMeasure) -> Cell:
        stats = m.ratings.dimension(dimension) if m.ratings else None
        if stats is None or not stats.count or stats.mean is None:
            return Cell(text=NO_REVIEWS, key=None)
        reviews = f"{stats.count} review{'s' if stats.count != 1 else ''}"
        return Cell(text=f"{stats.mean:.1f} of 5 ({reviews})", key=round(stats.mean, 1))

    return cell


_ASPECTS: tuple[tuple[str, str, str, Callable[[ComparedMeasure], Cell]], ...] = (
    ("evidence", "Evidence level and why", "Evidence", _evidence),
    ("studies", "Number of studies", "Evidence", _studies),
    ("best_design", "Best study design", "Evidence", _best_design),
    ("follow_up", "Longest follow-up", "Evidence", _follow_up),
    ("effects", "Effects found", "Evidence", _effects),
    ("outcomes", "Outcomes measured", "Evidence", _outcomes),
    ("prevention_level", short_label("prevention_level"), "Who and where", _prevention_level),
    ("target_groups", short_label("target_groups"), "Who and where", _listed("target_groups")),
    ("settings", short_label("settings"), "Who and where", _listed("settings")),
    ("ages", "Ages of children", "Who and where", _ages),
    ("countries", short_label("countries"), "Who and where", _listed("countries")),
    ("languages", short_label("languages"), "Who and where", _listed("languages")),
    ("cost", "Cost", "Practicalities", _cost),
    ("manual", "Manual or protocol", "Practicalities", _manual),
    *((f"rating_{key}", label, "Peer ratings", _rating(key)) for key, label in DIMENSIONS),
)
SECTIONS = ("Evidence", "Who and where", "Practicalities", "Peer ratings")


def comparison_rows(measures: Sequence[ComparedMeasure]) -> list[Row]:
    """Every aspect as a row, cells in the order of `measures`, differences marked."""
    rows = []
    for key, label, section, build in _ASPECTS:
        cells = tuple(build(m) for m in measures)
        differs = len({c.key for c in cells}) > 1
        rows.append(Row(key=key, label=label, section=section, cells=cells, differs=differs))
    return rows
