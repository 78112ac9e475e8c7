"""Study rating of ruleset 2027.1 (EVIDENCE-2027 §2): how far one evaluation can be trusted.

Each rating comes with a plain-language reason ("moderate: randomised, but 28 % attrition;
groups shown equivalent at baseline") and what a better rating would need. Every sentence is
one whole format string with named placeholders, ready for gettext.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

HIGH, MODERATE, LOW, DESCRIPTIVE = "high", "moderate", "low", "descriptive"
STRONG_RATINGS = frozenset({HIGH, MODERATE})
DESCRIPTIVE_DESIGNS = frozenset({"qualitative", "process_evaluation", "case_study"})

# §2 thresholds, inclusive as written: 20 passes and 20.1 fails.
MAX_ATTRITION_PCT = 20
MAX_DIFFERENTIAL_ATTRITION_PCT = 5
MIN_SAMPLE_SIZE = 40
MIN_CLUSTERS = 10
MIN_TIME_POINTS = 3

REASON = "{rating}: {points}"  # points: the clauses below, joined by "; "

_RANDOMISED = {"rct": "randomised", "cluster_rct": "cluster-randomised"}
ATTRITION_OK = "{design}, {attrition} % attrition, {differential} points between the groups"
ATTRITION_UNKNOWN = "{design}, but attrition not reported"
ATTRITION_HIGH = "{design}, but {attrition} % attrition"
ATTRITION_BOTH_HIGH = (
    "{design}, but {attrition} % attrition, {differential} points more in one group than the other"
)
DIFFERENTIAL_UNKNOWN = (
    "{design}, {attrition} % attrition, but the difference between the groups is not reported"
)
DIFFERENTIAL_HIGH = "{design}, but {differential} points more attrition in one group than the other"
SAMPLE_OK = "{size} analysed"
SAMPLE_SMALL = "but only {size} analysed (a high rating needs 40)"
SAMPLE_UNKNOWN = "but the number analysed is not reported"
CLUSTERS_OK = "{size} clusters"
CLUSTERS_FEW = "but only {size} clusters (a high rating needs 10)"
CLUSTERS_UNKNOWN = "but the number of clusters is not reported"
BASELINE = {
    "established": "groups shown equivalent at baseline",
    "not_established": "groups not equivalent at baseline",
    "not_reported": "baseline equivalence not reported",
}
QED_EQUIVALENT = "quasi-experiment with a comparison group"
QED_NO_COMPARISON = "quasi-experiment without a comparison group"
QED_NOT_EQUIVALENT = "quasi-experiment whose groups were not equivalent at baseline"
QED_NOT_SHOWN = "quasi-experiment without shown baseline equivalence"
ITS_ENOUGH = "interrupted time series with {before} measurements before and {after} after"
ITS_TOO_FEW = (
    "interrupted time series with only {before} measurements before and {after} after"
    " (a moderate rating needs 3 of each)"
)
ITS_UNKNOWN = (
    "interrupted time series, but the number of measurements before and after is not given"
)
ALWAYS_LOW = {
    "cohort": "cohort study: it follows participants but cannot rule out other explanations",
    "pre_post": "pre-post study: a before-and-after comparison without a comparison group",
}
NOT_TESTED = {
    "qualitative": "qualitative study: it describes the measure but does not test its effects",
    "process_evaluation": "process evaluation: it describes delivery, not effects",
    "case_study": "case study: it describes the measure but does not test its effects",
}
NO_DESIGN = "no known study design given"

NEEDS_RCT_MODERATE = (
    "A moderate rating needs attrition of at most 20 % with at most 5 points between the groups,"
    " or groups shown equivalent at baseline."
)
NEEDS_RCT_HIGH = (
    "A high rating needs attrition of at most 20 % with at most 5 points between the groups,"
    " and at least 40 analysed."
)
NEEDS_CLUSTER_HIGH = (
    "A high rating needs attrition of at most 20 % with at most 5 points between the groups,"
    " and at least 10 clusters."
)
NEEDS_QED_EQUIVALENCE = "A moderate rating needs groups shown equivalent at baseline."
NEEDS_QED_COMPARISON = "A moderate rating needs a comparison group shown equivalent at baseline."
NEEDS_ITS_POINTS = "A moderate rating needs at least 3 measurements before and 3 after the start."
NEEDS_RANDOMISATION = "Only a randomised trial can be rated high."
NEEDS_COMPARISON_DESIGN = (
    "Only a randomised trial, a quasi-experiment or an interrupted time series can be rated"
    " above low."
)
NEEDS_OUTCOME_DESIGN = (
    "Descriptive studies are not rated for effects and count towards no level above 1."
)


@dataclass(frozen=True)
class StudyRating:
    rating: str  # high | moderate | low | descriptive
    reason: str  # "moderate: randomised, but 28 % attrition; groups shown equivalent at baseline"
    points: tuple[str, ...]  # the clauses of the reason, for a page that lists them
    needs: str | None  # what a better rating would need; None when high


def known_number(ev: Mapping, key: str) -> float | None:
    """A number given for `key`; "known" in §2 means present and not null. Anything else
    (a string, a boolean, NaN) is treated as unknown rather than guessed at."""
    value = ev.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def figure(value: float) -> str:
    """28.0 -> "28", 20.1 -> "20.1": figures as a reader wrote them, never rounded."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _rating(rating: str, points: list[str], needs: str | None) -> StudyRating:
    reason = REASON.format(rating=rating, points="; ".join(points))
    return StudyRating(rating, reason, tuple(points), needs)


def _attrition_point(ev: Mapping, design: str) -> tuple[bool, str]:
    """Whether A and DA are known with A ≤ 20 and DA ≤ 5, and the clause that says so."""
    a = known_number(ev, "attrition_pct")
    da = known_number(ev, "differential_attrition_pct")
    if a is None:
        return False, ATTRITION_UNKNOWN.format(design=design)
    attrition = figure(a)
    if a > MAX_ATTRITION_PCT:
        if da is not None and da > MAX_DIFFERENTIAL_ATTRITION_PCT:
            both = ATTRITION_BOTH_HIGH.format(
                design=design, attrition=attrition, differential=figure(da)
            )
            return False, both
        return False, ATTRITION_HIGH.format(design=design, attrition=attrition)
    if da is None:
        return False, DIFFERENTIAL_UNKNOWN.format(design=design, attrition=attrition)
    if da > MAX_DIFFERENTIAL_ATTRITION_PCT:
        return False, DIFFERENTIAL_HIGH.format(design=design, differential=figure(da))
    return True, ATTRITION_OK.format(design=design, attrition=attrition, differential=figure(da))


# (key, minimum for high, its clauses: enough, too few, unknown), for an rct and a cluster_rct.
_SIZE = {
    "rct": ("sample_size", MIN_SAMPLE_SIZE, SAMPLE_OK, SAMPLE_SMALL, SAMPLE_UNKNOWN),
    "cluster_rct": ("clusters", MIN_CLUSTERS, CLUSTERS_OK, CLUSTERS_FEW, CLUSTERS_UNKNOWN),
}


def _size_point(ev: Mapping, design: str) -> tuple[bool, str]:
    """Whether n ≥ 40 (in a cluster design C ≥ 10) is known, and the clause that says so."""
    key, minimum, enough, too_few, unknown = _SIZE[design]
    size = known_number(ev, key)
    if size is None:
        return False, unknown
    return size >= minimum, (enough if size >= minimum else too_few).format(size=figure(size))


def baseline_equivalence(ev: Mapping) -> str:
    """`established`, `not_established` or `not_reported` (missing or unknown values)."""
    value = ev.get("baseline_equivalence")
    return value if value in ("established", "not_established") else "not_reported"


def _randomised(ev: Mapping, design: str) -> StudyRating:
    cluster = design == "cluster_rct"
    attrition_ok, attrition = _attrition_point(ev, _RANDOMISED[design])
    size_ok, size = _size_point(ev, design)
    if attrition_ok and size_ok:
        return _rating(HIGH, [attrition, size], None)
    needs_high = NEEDS_CLUSTER_HIGH if cluster else NEEDS_RCT_HIGH
    if attrition_ok:
        return _rating(MODERATE, [attrition, size], needs_high)
    baseline = baseline_equivalence(ev)
    if baseline == "established":
        return _rating(MODERATE, [attrition, BASELINE[baseline]], needs_high)
    return _rating(LOW, [attrition, BASELINE[baseline]], NEEDS_RCT_MODERATE)


def _quasi_experiment(ev: Mapping) -> StudyRating:
    if ev.get("comparison_group") is False:
        return _rating(LOW, [QED_NO_COMPARISON], NEEDS_QED_COMPARISON)
    baseline = baseline_equivalence(ev)
    if baseline == "established":
        return _rating(MODERATE, [QED_EQUIVALENT, BASELINE[baseline]], NEEDS_RANDOMISATION)
    point = QED_NOT_EQUIVALENT if baseline == "not_established" else QED_NOT_SHOWN
    return _rating(LOW, [point], NEEDS_QED_EQUIVALENCE)


def _time_series(ev: Mapping) -> StudyRating:
    before = known_number(ev, "time_points_before")
    after = known_number(ev, "time_points_after")
    if before is None or after is None:
        return _rating(LOW, [ITS_UNKNOWN], NEEDS_ITS_POINTS)
    counts = {"before": figure(before), "after": figure(after)}
    if before >= MIN_TIME_POINTS and after >= MIN_TIME_POINTS:
        return _rating(MODERATE, [ITS_ENOUGH.format(**counts)], NEEDS_RANDOMISATION)
    return _rating(LOW, [ITS_TOO_FEW.format(**counts)], NEEDS_ITS_POINTS)


def rate_study(ev: Mapping) -> StudyRating:
    """Rate one evaluation (§2) and say why in words a non-researcher reads."""
    design = ev.get("design") if isinstance(ev.get("design"), str) else None
    if design in _RANDOMISED:
        return _randomised(ev, design)
    if design == "quasi_experimental":
        return _quasi_experiment(ev)
    if design == "interrupted_time_series":
        return _time_series(ev)
    if design in ALWAYS_LOW:
        return _rating(LOW, [ALWAYS_LOW[design]], NEEDS_COMPARISON_DESIGN)
    # qualitative, process_evaluation, case_study. A missing or unknown design (validation
    # refuses it) claims no tested effect either: descriptive, as ruleset 2026.1 did and as the
    # WWC treats a study whose design it cannot identify ("does not meet standards").
    point = NOT_TESTED.get(design, NO_DESIGN) if design else NO_DESIGN
    return _rating(DESCRIPTIVE, [point], NEEDS_OUTCOME_DESIGN)
