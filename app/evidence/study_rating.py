"""Study rating of ruleset 2027.1 (EVIDENCE-2027 §2): how far one evaluation can be trusted.

Each rating comes with a plain-language reason ("moderate: randomised, but 28 % attrition;
groups shown equivalent at baseline") and what a better rating would need. Every sentence is
one whole message with named placeholders, said in English or the reader's language (wording).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.i18n import N_
from app.evidence.wording import decimal, say

HIGH, MODERATE, LOW, DESCRIPTIVE = "high", "moderate", "low", "descriptive"
STRONG_RATINGS = frozenset({HIGH, MODERATE})
DESCRIPTIVE_DESIGNS = frozenset({"qualitative", "process_evaluation", "case_study"})

# §2 thresholds, inclusive as written: 20 passes and 20.1 fails.
MAX_ATTRITION_PCT = 20
MAX_DIFFERENTIAL_ATTRITION_PCT = 5
MIN_SAMPLE_SIZE = 40
MIN_CLUSTERS = 10
MIN_TIME_POINTS = 3

REASON = N_("%(rating)s: %(points)s")  # points: the clauses below, joined by "; "
RATING_NAMES = {
    HIGH: N_("high"),
    MODERATE: N_("moderate"),
    LOW: N_("low"),
    DESCRIPTIVE: N_("descriptive"),
}

_RANDOMISED = {"rct": N_("randomised"), "cluster_rct": N_("cluster-randomised")}
ATTRITION_OK = N_(
    "%(design)s, %(attrition)s %% attrition, %(differential)s points between the groups"
)
ATTRITION_UNKNOWN = N_("%(design)s, but attrition not reported")
ATTRITION_HIGH = N_("%(design)s, but %(attrition)s %% attrition")
ATTRITION_BOTH_HIGH = N_(
    "%(design)s, but %(attrition)s %% attrition, %(differential)s points more in one group than"
    " the other"
)
DIFFERENTIAL_UNKNOWN = N_(
    "%(design)s, %(attrition)s %% attrition, but the difference between the groups is not reported"
)
DIFFERENTIAL_HIGH = N_(
    "%(design)s, but %(differential)s points more attrition in one group than the other"
)
SAMPLE_OK = N_("%(size)s analysed")
SAMPLE_SMALL = N_("but only %(size)s analysed (a high rating needs 40)")
SAMPLE_UNKNOWN = N_("but the number analysed is not reported")
CLUSTERS_OK = N_("%(size)s clusters")
CLUSTERS_FEW = N_("but only %(size)s clusters (a high rating needs 10)")
CLUSTERS_UNKNOWN = N_("but the number of clusters is not reported")
BASELINE = {
    "established": N_("groups shown equivalent at baseline"),
    "not_established": N_("groups not equivalent at baseline"),
    "not_reported": N_("baseline equivalence not reported"),
}
QED_EQUIVALENT = N_("quasi-experiment with a comparison group")
QED_NO_COMPARISON = N_("quasi-experiment without a comparison group")
QED_NOT_EQUIVALENT = N_("quasi-experiment whose groups were not equivalent at baseline")
QED_NOT_SHOWN = N_("quasi-experiment without shown baseline equivalence")
ITS_ENOUGH = N_("interrupted time series with %(before)s measurements before and %(after)s after")
ITS_TOO_FEW = N_(
    "interrupted time series with only %(before)s measurements before and %(after)s after"
    " (a moderate rating needs 3 of each)"
)
ITS_UNKNOWN = N_(
    "interrupted time series, but the number of measurements before and after is not given"
)
ALWAYS_LOW = {
    "cohort": N_("cohort study: it follows participants but cannot rule out other explanations"),
    "pre_post": N_("pre-post study: a before-and-after comparison without a comparison group"),
}
NOT_TESTED = {
    "qualitative": N_("qualitative study: it describes the measure but does not test its effects"),
    "process_evaluation": N_("process evaluation: it describes delivery, not effects"),
    "case_study": N_("case study: it describes the measure but does not test its effects"),
}
NO_DESIGN = N_("no known study design given")

NEEDS_RCT_MODERATE = N_(
    "A moderate rating needs attrition of at most 20 % with at most 5 points between the groups,"
    " or groups shown equivalent at baseline."
)
NEEDS_RCT_HIGH = N_(
    "A high rating needs attrition of at most 20 % with at most 5 points between the groups,"
    " and at least 40 analysed."
)
NEEDS_CLUSTER_HIGH = N_(
    "A high rating needs attrition of at most 20 % with at most 5 points between the groups,"
    " and at least 10 clusters."
)
NEEDS_QED_EQUIVALENCE = N_("A moderate rating needs groups shown equivalent at baseline.")
NEEDS_QED_COMPARISON = N_(
    "A moderate rating needs a comparison group shown equivalent at baseline."
)
NEEDS_ITS_POINTS = N_(
    "A moderate rating needs at least 3 measurements before and 3 after the start."
)
NEEDS_RANDOMISATION = N_("Only a randomised trial can be rated high.")
NEEDS_COMPARISON_DESIGN = N_(
    "Only a randomised trial, a quasi-experiment or an interrupted time series can be rated"
    " above low."
)
NEEDS_OUTCOME_DESIGN = N_(
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
    """28.0 -> "28", 20.1 -> "20.1" (in German "20,1"): figures as written, never rounded."""
    return str(int(value)) if float(value).is_integer() else decimal(value)


def rating_name(rating: str) -> str:
    """A rating (a code: high, moderate, low, descriptive) in words."""
    return say(RATING_NAMES[rating]) if rating in RATING_NAMES else rating


def _rating(rating: str, points: list[str], needs: str | None) -> StudyRating:
    reason = say(REASON, rating=rating_name(rating), points="; ".join(points))
    return StudyRating(rating, reason, tuple(points), None if needs is None else say(needs))


def _attrition_point(ev: Mapping, design: str) -> tuple[bool, str]:
    """Whether A and DA are known with A ≤ 20 and DA ≤ 5, and the clause that says so."""
    a = known_number(ev, "attrition_pct")
    da = known_number(ev, "differential_attrition_pct")
    if a is None:
        return False, say(ATTRITION_UNKNOWN, design=design)
    attrition = figure(a)
    if a > MAX_ATTRITION_PCT:
        if da is not None and da > MAX_DIFFERENTIAL_ATTRITION_PCT:
            both = say(
                ATTRITION_BOTH_HIGH, design=design, attrition=attrition, differential=figure(da)
            )
            return False, both
        return False, say(ATTRITION_HIGH, design=design, attrition=attrition)
    if da is None:
        return False, say(DIFFERENTIAL_UNKNOWN, design=design, attrition=attrition)
    if da > MAX_DIFFERENTIAL_ATTRITION_PCT:
        return False, say(DIFFERENTIAL_HIGH, design=design, differential=figure(da))
    return True, say(ATTRITION_OK, design=design, attrition=attrition, differential=figure(da))


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
        return False, say(unknown)
    return size >= minimum, say(enough if size >= minimum else too_few, size=figure(size))


def baseline_equivalence(ev: Mapping) -> str:
    """`established`, `not_established` or `not_reported` (missing or unknown values)."""
    value = ev.get("baseline_equivalence")
    return value if value in ("established", "not_established") else "not_reported"


def _randomised(ev: Mapping, design: str) -> StudyRating:
    cluster = design == "cluster_rct"
    attrition_ok, attrition = _attrition_point(ev, say(_RANDOMISED[design]))
    size_ok, size = _size_point(ev, design)
    if attrition_ok and size_ok:
        return _rating(HIGH, [attrition, size], None)
    needs_high = NEEDS_CLUSTER_HIGH if cluster else NEEDS_RCT_HIGH
    if attrition_ok:
        return _rating(MODERATE, [attrition, size], needs_high)
    baseline = baseline_equivalence(ev)
    if baseline == "established":
        return _rating(MODERATE, [attrition, say(BASELINE[baseline])], needs_high)
    return _rating(LOW, [attrition, say(BASELINE[baseline])], NEEDS_RCT_MODERATE)


def _quasi_experiment(ev: Mapping) -> StudyRating:
    if ev.get("comparison_group") is False:
        return _rating(LOW, [say(QED_NO_COMPARISON)], NEEDS_QED_COMPARISON)
    baseline = baseline_equivalence(ev)
    if baseline == "established":
        points = [say(QED_EQUIVALENT), say(BASELINE[baseline])]
        return _rating(MODERATE, points, NEEDS_RANDOMISATION)
    point = QED_NOT_EQUIVALENT if baseline == "not_established" else QED_NOT_SHOWN
    return _rating(LOW, [say(point)], NEEDS_QED_EQUIVALENCE)


def _time_series(ev: Mapping) -> StudyRating:
    before = known_number(ev, "time_points_before")
    after = known_number(ev, "time_points_after")
    if before is None or after is None:
        return _rating(LOW, [say(ITS_UNKNOWN)], NEEDS_ITS_POINTS)
    counts = {"before": figure(before), "after": figure(after)}
    if before >= MIN_TIME_POINTS and after >= MIN_TIME_POINTS:
        return _rating(MODERATE, [say(ITS_ENOUGH, **counts)], NEEDS_RANDOMISATION)
    return _rating(LOW, [say(ITS_TOO_FEW, **counts)], NEEDS_ITS_POINTS)


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
        return _rating(LOW, [say(ALWAYS_LOW[design])], NEEDS_COMPARISON_DESIGN)
    # qualitative, process_evaluation, case_study. A missing or unknown design (validation
    # refuses it) claims no tested effect either: descriptive, as ruleset 2026.1 did and as the
    # WWC treats a study whose design it cannot identify ("does not meet standards").
    point = NOT_TESTED.get(design, NO_DESIGN) if design else NO_DESIGN
    return _rating(DESCRIPTIVE, [say(point)], NEEDS_OUTCOME_DESIGN)
