"""The comparison table as data: one row per aspect, one cell per measure (a pure module).

`comparison_rows` takes what the page knows of each measure (its record, its evidence and its
rating summary) and returns rows whose `differs` says whether the measures differ there in a
way that matters for a choice. A row differs when the cells' comparison keys differ, and the
keys hold only what a decision turns on: they ignore order and wording (two measures in
Germany and Austria do not differ because one lists AT first), and numbers count by the bands
the evidence rules and the cost facet use (6, 12 and 24 months; 50, 250 and 1,000 euros), not
by a month or a euro. Rows that are not compared (other registries' ratings, each on its own
scale) are shown, never marked; `same` says every cell reads alike.

Every text is in the reader's language (Flask-Babel; English outside a request): aspect and
section names are lazy and made plain strings when the rows are built, so the page and the API
get text they can show or serialise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from babel import numbers
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString

from app.compare.ratings import DIMENSIONS, RatingSummary
from app.core.i18n import current_language
from app.evidence.contrasts import FAVOURABLE, Contrast, contrasts_of, samples, studies_of
from app.evidence.findings import Findings
from app.evidence.scale import NEGATIVE_EFFECTS_LABEL, TIERS
from app.evidence.study_rating import HIGH, LOW, MODERATE, rate_study
from app.evidence.wording import evidence_in_readers_language
from app.records import labels, vocab
from app.records.fields import Country, Language, ListOf
from app.records.labels import short_label
from app.records.model import MeasureRecord, kind_of
from app.search.facets import cost_band

MIN_MEASURES, MAX_MEASURES = 2, 4
# Best first: the study ratings of ruleset 2027.1 (EVIDENCE-2027 §2), then the order designs
# are listed in.
STUDY_CLASSES = ("high", "moderate", "low", "descriptive")
NO_REVIEWS = _l("No reviews yet")
_MANUAL = {True: _l("Available"), False: _l("Not available")}
# The study ratings of ruleset 2027.1 as the table names them.
_STUDY_RATING = {
    "high": _l("High"),
    "moderate": _l("Moderate"),
    "low": _l("Low"),
    "descriptive": _l("Descriptive"),
}
_RATED_STUDY = {
    "high": _l("high-rated study"),
    "moderate": _l("moderate-rated study"),
    "low": _l("low-rated study"),
}
# "€120 per participant": one sentence per unit of vocab.COST_UNITS.
_PER_UNIT = {
    "participant": _l("%(amount)s per participant"),
    "family": _l("%(amount)s per family"),
    "group": _l("%(amount)s per group"),
    "school": _l("%(amount)s per school"),
    "site": _l("%(amount)s per site"),
    "year": _l("%(amount)s per year"),
}


def _not_stated() -> str:
    return _("Not stated")


def _number(value: float) -> str:
    """A figure as the reader writes it ("1.5", "1,5"), never rounded beyond what it says."""
    if float(value).is_integer():
        return numbers.format_decimal(int(value), locale=current_language())
    return numbers.format_decimal(value, format="#,##0.######", locale=current_language())


def _count(value: float) -> int:
    """The number that picks a plural form: fractions read as plural (0 in every catalogue)."""
    return int(value) if float(value).is_integer() else 0


def value_in_words(key: str, value: str) -> str:
    """One code of a record key as the reader reads it: countries and languages by their name in
    the reader's language, vocabulary codes by their label (app.records.labels)."""
    kind = kind_of(MeasureRecord, key) if key in MeasureRecord.model_fields else None
    kind = kind.item if isinstance(kind, ListOf) else kind
    if isinstance(kind, Country):
        return vocab.country_name(value, current_language())
    if isinstance(kind, Language):
        return vocab.language_name(value, current_language())
    return str(labels.value_label(key, value))


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
    # Stored in English; the catalogues name the levels (app.evidence), else it shows as stored.
    shown = _(label) if label else ""
    return Cell(
        text=_("Level %(level)s of 5: %(label)s", level=level, label=shown),
        items=tuple(str(r) for r in m.evidence.get("reasons") or ()),
        flag=_("Harm signal: a study found an unfavourable effect") if harm else None,
        key=(level, label, harm),
    )


def _evaluations(m: ComparedMeasure) -> list[Mapping[str, Any]]:
    return list(m.record.get("evaluations") or ())


def _studies(m: ComparedMeasure) -> Cell:
    n = len(_evaluations(m))
    return Cell(text=_number(n) if n else _("None"), key=n)


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
        return Cell(text=_("No studies"), key=None)
    design, cls = best
    with evidence_in_readers_language():  # the rating's reason in the reader's words
        study = next(s for s in studies_of(evaluations) if s.rating == cls and s.design == design)
    rating = str(_STUDY_RATING.get(cls, cls))
    design_label = str(vocab.label(design))
    text = (
        _("%(rating)s: %(design)s, %(year)s", rating=rating, design=design_label, year=study.year)
        if study.year
        else _("%(rating)s: %(design)s", rating=rating, design=design_label)
    )
    return Cell(
        text=text,
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
    return ngettext("%(months)s month", "%(months)s months", _count(months), months=_number(months))


def _follow_up(m: ComparedMeasure) -> Cell:
    months = [
        ev["follow_up_months"]
        for ev in _evaluations(m)
        if isinstance(ev.get("follow_up_months"), int)
    ]
    if not months:
        return Cell(text=_not_stated(), key=None)
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
        return _("Negative effects found as well: see the evidence level")
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
        return Cell(text=_("None"), flag=_harm_flag(m), key=frozenset())
    items = tuple(
        _("%(outcome)s (%(study)s)", outcome=vocab.label(o) or o, study=_RATED_STUDY[best[o]])
        for o in sorted(best, key=_outcome_order)
    )
    return Cell(text="", items=items, flag=_harm_flag(m), key=frozenset(best))


def _replication(m: ComparedMeasure) -> Cell:
    f = _findings(m)
    n = len(samples(f.core))
    if f.independent_replication():
        why = _(
            "Favourable findings on offending, victimisation or behavioural outcomes in"
            " %(num)s samples, one of them from an independent evaluation.",
            num=_number(n),
        )
        return Cell(text=_("Yes"), items=(why,), key=True)
    if n >= 2:
        why = _(
            "Favourable findings in %(num)s samples, but none from an independent evaluation.",
            num=_number(n),
        )
    elif n == 1:
        why = _(
            "Favourable findings on offending, victimisation or behavioural outcomes in one"
            " sample only."
        )
    else:
        why = _("No favourable finding on offending, victimisation or behavioural outcomes.")
    return Cell(text=_("No"), items=(why,), key=False)


def _sustained(m: ComparedMeasure) -> Cell:
    """The latest time point at which a favourable finding was measured."""
    found = _favourable(_findings(m))
    if not found:
        return Cell(text=_("No favourable finding"), flag=_harm_flag(m), key=None)
    latest = max(found, key=lambda c: (c.timepoint_months, -_RATED.index(c.rating)))
    months = latest.timepoint_months
    when = (
        ngettext(
            "%(months)s month after the programme",
            "%(months)s months after the programme",
            _count(months),
            months=_number(months),
        )
        if months
        else _("At the end of the programme")
    )
    outcome = vocab.label(latest.outcome) if latest.outcome else _("Overall effect")
    detail = _("%(outcome)s, %(study)s", outcome=outcome, study=_RATED_STUDY[latest.rating])
    return Cell(text=when, items=(detail,), flag=_harm_flag(m), key=months_band(months))


def _effects(m: ComparedMeasure) -> Cell:
    counts = Counter(str(ev.get("effect")) for ev in _evaluations(m))
    if not counts:
        return Cell(text=_("No studies"), key=frozenset())
    known = [e for e in vocab.EFFECTS if counts[e]]
    items = tuple(
        ngettext(
            "%(effect)s: %(num)d study",
            "%(effect)s: %(num)d studies",
            counts[e],
            effect=vocab.label(e),
        )
        for e in known
    )
    # Which effects were found matters, not how many studies found each.
    return Cell(text="", items=items, key=frozenset(known))


def _outcomes(m: ComparedMeasure) -> Cell:
    found = {o for ev in _evaluations(m) for o in ev.get("outcomes") or ()}
    ordered = [o for o in vocab.OUTCOMES if o in found]
    if not ordered:
        return Cell(text=_("None stated"), key=frozenset())
    return Cell(text="", items=tuple(str(vocab.label(o)) for o in ordered), key=frozenset(ordered))


def _listed(key: str) -> Callable[..., Cell]:
    def cell(m: ComparedMeasure) -> Cell:
        values = list(m.record.get(key) or ())
        if not values:
            return Cell(text=_not_stated(), key=frozenset())
        names = tuple(value_in_words(key, v) for v in values)
        return Cell(text="", items=names, key=frozenset(values))

    return cell


def _prevention_level(m: ComparedMeasure) -> Cell:
    value = m.record.get("prevention_level")
    return Cell(text=str(vocab.label(value)) or _not_stated(), key=value)


def describe_ages(age_min: int | None, age_max: int | None) -> str:
    if age_min is not None and age_max is not None:
        return _("%(min)s–%(max)s years", min=age_min, max=age_max)
    if age_min is not None:
        return _("From %(min)s years", min=age_min)
    if age_max is not None:
        return _("Up to %(max)s years", max=age_max)
    return _not_stated()


def _ages(m: ComparedMeasure) -> Cell:
    low, high = m.record.get("age_min"), m.record.get("age_max")
    return Cell(text=describe_ages(low, high), key=(low, high))


def _cost(m: ComparedMeasure) -> Cell:
    level, notes = m.record.get("cost_level"), m.record.get("cost_notes")
    text = str(vocab.label(level)) if level else _not_stated()
    # Notes are free text: they are shown but two measures differ only by their cost level.
    return Cell(text=text, items=(str(notes),) if notes else (), key=level)


def _population_level(m: ComparedMeasure) -> Cell:
    value = m.record.get("population_level")
    return Cell(text=str(vocab.label(value)) if value else _not_stated(), key=value)


def _unit_cost(m: ComparedMeasure) -> Cell:
    amount, per = m.record.get("unit_cost_eur"), m.record.get("unit_cost_per")
    if amount is None:
        return Cell(text=_not_stated(), key=None)
    sentence = _PER_UNIT.get(per)
    if sentence is not None:
        text = str(sentence) % {"amount": labels.euros(amount)}
    else:
        text = _(
            "%(amount)s per %(unit)s", amount=labels.euros(amount), unit=vocab.label(per) or per
        )
    year = m.record.get("cost_price_year")
    if year:
        text = _("%(cost)s, in %(year)s prices", cost=text, year=year)
    # Compared by band (the search's unit-cost bands), per the same unit.
    return Cell(text=text, key=(per, cost_band(amount, "participant")))


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
        return _("Same price year: all in %(year)s prices.", year=years[0][1])
    which = "; ".join(f"{title}: {year}" for title, year in years)
    return _(
        "Not the same price year (%(years)s): the figures are not adjusted for inflation.",
        years=which,
    )


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
        return Cell(text=_not_stated(), key=None)
    if hours == 0:
        return Cell(text=_("No training needed"), key="none")
    text = ngettext("%(hours)s hour", "%(hours)s hours", _count(hours), hours=_number(hours))
    return Cell(text=text, key=hours_band(hours))


def _licence(m: ComparedMeasure) -> Cell:
    value = m.record.get("licence")
    return Cell(text=str(vocab.label(value)) if value else _not_stated(), key=value)


_CERTIFICATION = {True: _l("Deliverers must be certified"), False: _l("No certification needed")}


def _certification(m: ComparedMeasure) -> Cell:
    value = m.record.get("certification_required")
    return Cell(text=str(_CERTIFICATION.get(value, _not_stated())), key=value)


def _external_ratings(m: ComparedMeasure) -> Cell:
    ratings = list(m.record.get("external_ratings") or ())
    if not ratings:
        return Cell(text=_("None recorded"))
    items = tuple(
        f"{r.get('registry')}: {r.get('rating')}" + (f" ({r['year']})" if r.get("year") else "")
        for r in ratings
    )
    return Cell(text="", items=items)


def _manual(m: ComparedMeasure) -> Cell:
    value = m.record.get("manual_available")
    return Cell(text=str(_MANUAL.get(value, _not_stated())), key=value)


def _rating(dimension: str) -> Callable[..., Cell]:
    def cell(m: ComparedMeasure) -> Cell:
        stats = m.ratings.dimension(dimension) if m.ratings else None
        if stats is None or not stats.count or stats.mean is None:
            return Cell(text=str(NO_REVIEWS), key=None)
        mean = numbers.format_decimal(stats.mean, format="0.0", locale=current_language())
        text = ngettext(
            "%(mean)s of 5 (%(num)d review)",
            "%(mean)s of 5 (%(num)d reviews)",
            stats.count,
            mean=mean,
        )
        # Half a star or more apart is a difference; 4.2 against 4.4 is not.
        return Cell(text=text, key=round(stats.mean * 2) / 2)

    return cell


def _field(key: str) -> LazyString:
    """A record key's name in dense tables, looked up when shown (app.records.labels)."""
    return LazyString(short_label, key)


@dataclass(frozen=True)
class Aspect:
    key: str
    label: LazyString
    section: LazyString
    build: Callable[[ComparedMeasure], Cell]
    compared: bool = True


EVIDENCE = _l("Evidence")
WHO_AND_WHERE = _l("Who and where")
COST_AND_DELIVERY = _l("Cost and delivery")
PEER_RATINGS = _l("Peer ratings")
_ASPECTS: tuple[Aspect, ...] = (
    Aspect("evidence", _l("Evidence level and why"), EVIDENCE, _evidence),
    Aspect(
        "favourable_outcomes",
        _l("Outcomes with favourable findings"),
        EVIDENCE,
        _favourable_outcomes,
    ),
    Aspect("best_rating", _l("Best study rating"), EVIDENCE, _best_rating),
    Aspect("replication", _l("Independent replication"), EVIDENCE, _replication),
    Aspect("sustained", _l("Longest sustained effect"), EVIDENCE, _sustained),
    Aspect("studies", _l("Number of studies"), EVIDENCE, _studies),
    Aspect("follow_up", _l("Longest follow-up"), EVIDENCE, _follow_up),
    Aspect("effects", _l("Effects found"), EVIDENCE, _effects),
    Aspect("outcomes", _l("Outcomes measured"), EVIDENCE, _outcomes),
    # Each registry rates on its own scale: shown beside ours, never compared or merged.
    Aspect(
        "external_ratings", _l("Ratings by other registries"), EVIDENCE, _external_ratings, False
    ),
    Aspect("prevention_level", _field("prevention_level"), WHO_AND_WHERE, _prevention_level),
    Aspect("population_level", _field("population_level"), WHO_AND_WHERE, _population_level),
    Aspect("target_groups", _field("target_groups"), WHO_AND_WHERE, _listed("target_groups")),
    Aspect("settings", _field("settings"), WHO_AND_WHERE, _listed("settings")),
    Aspect("ages", _l("Ages of children"), WHO_AND_WHERE, _ages),
    Aspect("countries", _field("countries"), WHO_AND_WHERE, _listed("countries")),
    Aspect("languages", _field("languages"), WHO_AND_WHERE, _listed("languages")),
    Aspect("unit_cost", _l("Unit cost"), COST_AND_DELIVERY, _unit_cost),
    Aspect("cost", _l("Cost level"), COST_AND_DELIVERY, _cost),
    Aspect("training_hours", _l("Training for deliverers"), COST_AND_DELIVERY, _training),
    Aspect("licence", _field("licence"), COST_AND_DELIVERY, _licence),
    Aspect("certification", _l("Certification"), COST_AND_DELIVERY, _certification),
    Aspect("manual", _l("Manual or protocol"), COST_AND_DELIVERY, _manual),
    *(Aspect(f"rating_{key}", label, PEER_RATINGS, _rating(key)) for key, label in DIMENSIONS),
)
SECTIONS = (EVIDENCE, WHO_AND_WHERE, COST_AND_DELIVERY, PEER_RATINGS)


def section_names() -> list[str]:
    """The sections in order, in the reader's language (as the rows name them)."""
    return [str(section) for section in SECTIONS]


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
                label=str(aspect.label),
                section=str(aspect.section),
                cells=cells,
                differs=differs,
                compared=aspect.compared,
                same=len({_reads(c) for c in cells}) == 1,
                note=price_year_note(measures) if aspect.key == "unit_cost" else None,
            )
        )
    return rows
