"""The comparison table as data: one row per aspect, one cell per measure (a pure module).

`comparison_rows` takes what the page knows of each measure (its record, its evidence and its
rating summary) and returns rows whose `differs` says whether the measures differ there in a
way that matters for a choice. A row differs when the cells' comparison keys differ, and the
keys hold only what a decision turns on: they ignore order and wording (two measures in
Germany and Austria do not differ because one lists AT first), and numbers count by the bands
the evidence rules and the cost facet use (6, 12 and 24 months; 50, 250 and 1,000 euros), not
by a month or a euro. Rows that are not compared (other registries' ratings, each on its own
scale) are shown, never marked; `same` says every cell reads alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.compare.ratings import DIMENSIONS, RatingSummary
from app.evidence.contrasts import FAVOURABLE, Contrast, contrasts_of, samples, studies_of
from app.evidence.findings import Findings
from app.evidence.scale import NEGATIVE_EFFECTS_LABEL, TIERS
from app.evidence.study_rating import HIGH, LOW, MODERATE, figure, rate_study
from app.records import labels, vocab
from app.records.labels import short_label
from app.search.facets import cost_band

MIN_MEASURES, MAX_MEASURES = 2, 4
# Best first: the study ratings of ruleset 2027.1 (EVIDENCE-2027 §2), then the order designs
# are listed in.
STUDY_CLASSES = ("high", "moderate", "low", "descriptive")
NO_REVIEWS = "No reviews yet"
_MANUAL = {True: "Available", False: "Not available"}


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
    compared: bool = True  # False: shown for reading, never marked as differing
    same: bool = False  # every cell reads alike
    note: str | None = None  # a word on the whole row (price years)


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


def _best_rating(m: ComparedMeasure) -> Cell:
    """The strongest study by its 2027.1 rating, with the rating's reason in words."""
    evaluations = _evaluations(m)
    best = best_design(evaluations)
    if best is None:
        return Cell(text="No studies", key=None)
    design, cls = best
    study = next(s for s in studies_of(evaluations) if s.rating == cls and s.design == design)
    year = f", {study.year}" if study.year else ""
    return Cell(
        text=f"{cls.capitalize()}: {vocab.label(design)}{year}",
        items=(_sentence(study.reason),),
        key=cls,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def months_band(months: float | None) -> str | None:
    """The follow-up thresholds the rules read (EVIDENCE-2027 §4 and §6): 6, 12, 24 months."""
    if months is None:
        return None
    for limit, band in ((6, "under_6"), (12, "6_11"), (24, "12_23")):
        if months < limit:
            return band
    return "24_plus"


def _months(months: float) -> str:
    return f"{figure(months)} month{'s' if months != 1 else ''}"


def _follow_up(m: ComparedMeasure) -> Cell:
    months = [
        ev["follow_up_months"]
        for ev in _evaluations(m)
        if isinstance(ev.get("follow_up_months"), int)
    ]
    if not months:
        return Cell(text="Not stated", key=None)
    longest = max(months)
    return Cell(text=_months(longest), key=months_band(longest))


# --- what the findings say (app.evidence: the contrasts the rules read) -------------------------

_RATED = (HIGH, MODERATE, LOW)  # descriptive studies test no effect


def _findings(m: ComparedMeasure) -> Findings:
    evaluations = _evaluations(m)
    studies = studies_of(evaluations)
    return Findings(studies, contrasts_of(evaluations, studies))


def _favourable(f: Findings) -> list[Contrast]:
    """Favourable findings from studies rated low or better (what levels 2 to 5 count)."""
    return [c for c in f.contrasts if c.direction == FAVOURABLE and c.rating in _RATED]


def _harm_flag(m: ComparedMeasure) -> str | None:
    # Favourable findings are never shown alone beside negative effects (as on the measure page).
    if m.evidence.get("label") == NEGATIVE_EFFECTS_LABEL:
        return "Negative effects found as well: see the evidence level"
    return None


def _outcome_order(outcome: str) -> tuple[int, int]:
    order = vocab.OUTCOMES.index(outcome) if outcome in vocab.OUTCOMES else len(vocab.OUTCOMES)
    return (TIERS.get(outcome, 4), order)


def _favourable_outcomes(m: ComparedMeasure) -> Cell:
    best: dict[str, str] = {}
    for c in _favourable(_findings(m)):
        if c.outcome and (
            c.outcome not in best or _RATED.index(c.rating) < _RATED.index(best[c.outcome])
        ):
            best[c.outcome] = c.rating
    if not best:
        return Cell(text="None", flag=_harm_flag(m), key=frozenset())
    items = tuple(
        f"{vocab.label(o) or o} ({best[o]}-rated study)" for o in sorted(best, key=_outcome_order)
    )
    return Cell(text="", items=items, flag=_harm_flag(m), key=frozenset(best))


def _replication(m: ComparedMeasure) -> Cell:
    f = _findings(m)
    n = len(samples(f.core))
    if f.independent_replication():
        why = (
            f"Favourable findings on offending, victimisation or behavioural outcomes in {n}"
            " samples, one of them from an independent evaluation."
        )
        return Cell(text="Yes", items=(why,), key=True)
    if n >= 2:
        why = f"Favourable findings in {n} samples, but none from an independent evaluation."
    elif n == 1:
        why = (
            "Favourable findings on offending, victimisation or behavioural outcomes in one"
            " sample only."
        )
    else:
        why = "No favourable finding on offending, victimisation or behavioural outcomes."
    return Cell(text="No", items=(why,), key=False)


def _sustained(m: ComparedMeasure) -> Cell:
    """The latest time point at which a favourable finding was measured."""
    found = _favourable(_findings(m))
    if not found:
        return Cell(text="No favourable finding", flag=_harm_flag(m), key=None)
    latest = max(found, key=lambda c: (c.timepoint_months, -_RATED.index(c.rating)))
    months = latest.timepoint_months
    when = f"{_months(months)} after the programme" if months else "At the end of the programme"
    outcome = vocab.label(latest.outcome) if latest.outcome else "Overall effect"
    detail = f"{outcome}, {latest.rating}-rated study"
    return Cell(text=when, items=(detail,), flag=_harm_flag(m), key=months_band(months))


def _effects(m: ComparedMeasure) -> Cell:
    counts = Counter(str(ev.get("effect")) for ev in _evaluations(m))
    if not counts:
        return Cell(text="No studies", key=frozenset())
    known = [e for e in vocab.EFFECTS if counts[e]]
    items = tuple(
        f"{vocab.label(e)}: {counts[e]} stud{'y' if counts[e] == 1 else 'ies'}" for e in known
    )
    # Which effects were found matters, not how many studies found each.
    return Cell(text="", items=items, key=frozenset(known))


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


def _population_level(m: ComparedMeasure) -> Cell:
    value = m.record.get("population_level")
    return Cell(text=vocab.label(value) if value else "Not stated", key=value)


def _euros(amount: float) -> str:
    return f"€{amount:,.0f}" if amount >= 100 or amount == int(amount) else f"€{amount:,.2f}"


def _unit_cost(m: ComparedMeasure) -> Cell:
    amount, per = m.record.get("unit_cost_eur"), m.record.get("unit_cost_per")
    if amount is None:
        return Cell(text="Not stated", key=None)
    unit = (vocab.label(per) or "unit").lower()
    year = m.record.get("cost_price_year")
    prices = f", in {year} prices" if year else ""
    # Compared by band (the search's unit-cost bands), per the same unit.
    return Cell(
        text=f"{_euros(amount)} per {unit}{prices}", key=(per, cost_band(amount, "participant"))
    )


def price_year_note(measures: Sequence[ComparedMeasure]) -> str | None:
    """Whether the unit costs are in the same price year; which years when they are not."""
    years = [
        (m.title, m.record.get("cost_price_year"))
        for m in measures
        if m.record.get("unit_cost_eur") is not None
    ]
    if len(years) < 2:
        return None
    distinct = {y for _t, y in years}
    if len(distinct) == 1:
        return f"Same price year: all in {years[0][1]} prices."
    which = "; ".join(f"{title}: {year}" for title, year in years)
    return f"Not the same price year ({which}): the figures are not adjusted for inflation."


def hours_band(hours: float | None) -> str | None:
    """Training as a funder plans it: none, up to a day, up to a week, longer."""
    if hours is None:
        return None
    if hours == 0:
        return "none"
    return "day" if hours <= 8 else "week" if hours <= 40 else "longer"


def _training(m: ComparedMeasure) -> Cell:
    hours = m.record.get("training_hours")
    if hours is None:
        return Cell(text="Not stated", key=None)
    if hours == 0:
        return Cell(text="No training needed", key="none")
    return Cell(text=f"{figure(hours)} hour{'s' if hours != 1 else ''}", key=hours_band(hours))


def _licence(m: ComparedMeasure) -> Cell:
    value = m.record.get("licence")
    return Cell(text=vocab.label(value) if value else "Not stated", key=value)


_CERTIFICATION = {True: "Deliverers must be certified", False: "No certification needed"}


def _certification(m: ComparedMeasure) -> Cell:
    value = m.record.get("certification_required")
    return Cell(text=_CERTIFICATION.get(value, "Not stated"), key=value)


def _external_ratings(m: ComparedMeasure) -> Cell:
    ratings = list(m.record.get("external_ratings") or ())
    if not ratings:
        return Cell(text="None recorded")
    items = tuple(
        f"{r.get('registry')}: {r.get('rating')}" + (f" ({r['year']})" if r.get("year") else "")
        for r in ratings
    )
    return Cell(text="", items=items)


def _manual(m: ComparedMeasure) -> Cell:
    value = m.record.get("manual_available")
    return Cell(text=_MANUAL.get(value, "Not stated"), key=value)


def _rating(dimension: str) -> Callable[..., Cell]:
    def cell(m: ComparedMeasure) -> Cell:
        stats = m.ratings.dimension(dimension) if m.ratings else None
        if stats is None or not stats.count or stats.mean is None:
            return Cell(text=NO_REVIEWS, key=None)
        reviews = f"{stats.count} review{'s' if stats.count != 1 else ''}"
        # Half a star or more apart is a difference; 4.2 against 4.4 is not.
        return Cell(text=f"{stats.mean:.1f} of 5 ({reviews})", key=round(stats.mean * 2) / 2)

    return cell


@dataclass(frozen=True)
class Aspect:
    key: str
    label: str
    section: str
    build: Callable[[ComparedMeasure], Cell]
    compared: bool = True


_ASPECTS: tuple[Aspect, ...] = (
    Aspect("evidence", "Evidence level and why", "Evidence", _evidence),
    Aspect(
        "favourable_outcomes", "Outcomes with favourable findings", "Evidence", _favourable_outcomes
    ),
    Aspect("best_rating", "Best study rating", "Evidence", _best_rating),
    Aspect("replication", "Independent replication", "Evidence", _replication),
    Aspect("sustained", "Longest sustained effect", "Evidence", _sustained),
    Aspect("studies", "Number of studies", "Evidence", _studies),
    Aspect("follow_up", "Longest follow-up", "Evidence", _follow_up),
    Aspect("effects", "Effects found", "Evidence", _effects),
    Aspect("outcomes", "Outcomes measured", "Evidence", _outcomes),
    # Each registry rates on its own scale: shown beside ours, never compared or merged.
    Aspect("external_ratings", "Ratings by other registries", "Evidence", _external_ratings, False),
    Aspect("prevention_level", short_label("prevention_level"), "Who and where", _prevention_level),
    Aspect("population_level", short_label("population_level"), "Who and where", _population_level),
    Aspect(
        "target_groups", short_label("target_groups"), "Who and where", _listed("target_groups")
    ),
    Aspect("settings", short_label("settings"), "Who and where", _listed("settings")),
    Aspect("ages", "Ages of children", "Who and where", _ages),
    Aspect("countries", short_label("countries"), "Who and where", _listed("countries")),
    Aspect("languages", short_label("languages"), "Who and where", _listed("languages")),
    Aspect("unit_cost", "Unit cost", "Cost and delivery", _unit_cost),
    Aspect("cost", "Cost level", "Cost and delivery", _cost),
    Aspect("training_hours", "Training for deliverers", "Cost and delivery", _training),
    Aspect("licence", short_label("licence"), "Cost and delivery", _licence),
    Aspect("certification", "Certification", "Cost and delivery", _certification),
    Aspect("manual", "Manual or protocol", "Cost and delivery", _manual),
    *(Aspect(f"rating_{key}", label, "Peer ratings", _rating(key)) for key, label in DIMENSIONS),
)
SECTIONS = ("Evidence", "Who and where", "Cost and delivery", "Peer ratings")


def _reads(cell: Cell) -> tuple[str, tuple[str, ...], str | None]:
    return (cell.text, cell.items, cell.flag)


def comparison_rows(measures: Sequence[ComparedMeasure]) -> list[Row]:
    """Every aspect as a row, cells in the order of `measures`, differences marked."""
    rows = []
    for aspect in _ASPECTS:
        cells = tuple(aspect.build(m) for m in measures)
        differs = aspect.compared and len({c.key for c in cells}) > 1
        rows.append(
            Row(
                key=aspect.key,
                label=aspect.label,
                section=aspect.section,
                cells=cells,
                differs=differs,
                compared=aspect.compared,
                same=len({_reads(c) for c in cells}) == 1,
                note=price_year_note(measures) if aspect.key == "unit_cost" else None,
            )
        )
    return rows
