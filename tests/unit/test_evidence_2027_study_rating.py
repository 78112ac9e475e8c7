"""Ruleset 2027.1, study rating per evaluation (EVIDENCE-2027 §2), boundary by boundary."""

from typing import Any

import pytest

from app.evidence.study_rating import rate_study
from tests.unit.evidence_2027_helpers import qed, rct


def rating(ev: dict[str, Any]) -> str:
    return rate_study(ev).rating


# --- randomised trials ---------------------------------------------------------------------------


def at_limits(**fields: Any) -> dict[str, Any]:
    """An RCT exactly at every high limit: 20 % attrition, 5 points, 40 analysed."""
    return rct(
        **{"attrition_pct": 20, "differential_attrition_pct": 5, "sample_size": 40, **fields}
    )


def test_rct_at_every_limit_is_high():
    assert rating(at_limits()) == "high"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"attrition_pct": 20.1}, "low"),
        ({"attrition_pct": 20.1, "baseline_equivalence": "established"}, "moderate"),
        ({"differential_attrition_pct": 5.1}, "low"),
        ({"differential_attrition_pct": 5.1, "baseline_equivalence": "established"}, "moderate"),
        ({"sample_size": 39}, "moderate"),
        ({"sample_size": None}, "moderate"),
    ],
    ids=["A_20.1", "A_20.1_equivalent", "DA_5.1", "DA_5.1_equivalent", "n_39", "n_unknown"],
)
def test_rct_one_step_past_a_limit(fields, expected):
    assert rating(at_limits(**fields)) == expected


@pytest.mark.parametrize("missing", ["attrition_pct", "differential_attrition_pct"])
def test_rct_with_unknown_attrition_is_low_unless_groups_were_equivalent(missing):
    ev = at_limits()
    del ev[missing]
    assert rating(ev) == "low"
    assert rating({**ev, "baseline_equivalence": "established"}) == "moderate"


@pytest.mark.parametrize("value", ["not_established", "not_reported", None, "yes"])
def test_only_established_baseline_equivalence_rescues_high_attrition(value):
    assert rating(at_limits(attrition_pct=60, baseline_equivalence=value)) == "low"


@pytest.mark.parametrize("value", ["15", True, float("nan")])
def test_a_figure_that_is_not_a_number_is_unknown(value):
    assert rating(at_limits(attrition_pct=value)) == "low"


def test_null_attrition_counts_as_unknown():
    assert rating(at_limits(attrition_pct=None)) == "low"


@pytest.mark.parametrize(
    ("clusters", "expected"), [(10, "high"), (9, "moderate"), (None, "moderate")]
)
def test_cluster_rct_needs_ten_clusters_in_place_of_forty_analysed(clusters, expected):
    ev = at_limits(design="cluster_rct", clusters=clusters, sample_size=5000)
    assert rating(ev) == expected


def test_cluster_rct_ignores_the_number_analysed():
    assert rating(at_limits(design="cluster_rct", clusters=10, sample_size=12)) == "high"


def test_cluster_rct_with_poor_attrition_follows_the_rct_rules():
    ev = at_limits(design="cluster_rct", clusters=30, attrition_pct=25)
    assert rating(ev) == "low"
    assert rating({**ev, "baseline_equivalence": "established"}) == "moderate"


# --- other designs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "moderate"),
        ({"comparison_group": None}, "moderate"),
        ({"comparison_group": False}, "low"),
        ({"baseline_equivalence": "not_established"}, "low"),
        ({"baseline_equivalence": "not_reported"}, "low"),
        ({"baseline_equivalence": None}, "low"),
    ],
)
def test_quasi_experiment_is_moderate_only_with_groups_shown_equivalent(fields, expected):
    assert rating(qed(**fields)) == expected


def test_quasi_experiment_without_baseline_equivalence_key_is_low():
    ev = qed()
    del ev["baseline_equivalence"]
    assert rating(ev) == "low"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(3, 3, "moderate"), (2, 3, "low"), (3, 2, "low"), (None, 3, "low"), (3, None, "low")],
)
def test_time_series_needs_three_measurements_before_and_after(before, after, expected):
    ev = {"design": "interrupted_time_series", "time_points_before": before}
    ev["time_points_after"] = after
    assert rating(ev) == expected


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        ("cohort", "low"),
        ("pre_post", "low"),
        ("qualitative", "descriptive"),
        ("process_evaluation", "descriptive"),
        ("case_study", "descriptive"),
        ("survey", "descriptive"),
        (None, "descriptive"),
    ],
)
def test_design_alone_decides_the_other_ratings(design, expected):
    # Even the best figures cannot lift a pre-post study or a case study.
    assert rating(at_limits(design=design, baseline_equivalence="established")) == expected


# --- reasons in plain words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ev", "reason"),
    [
        (
            rct(attrition_pct=28, baseline_equivalence="established"),
            "moderate: randomised, but 28 % attrition; groups shown equivalent at baseline",
        ),
        (
            qed(baseline_equivalence="not_reported"),
            "low: quasi-experiment without shown baseline equivalence",
        ),
        (
            rct(),
            "high: randomised, 10 % attrition, 2 points between the groups; 100 analysed",
        ),
        (
            rct(sample_size=39),
            "moderate: randomised, 10 % attrition, 2 points between the groups; but only 39"
            " analysed (a high rating needs 40)",
        ),
        (
            rct(design="cluster_rct", clusters=9),
            "moderate: cluster-randomised, 10 % attrition, 2 points between the groups; but only"
            " 9 clusters (a high rating needs 10)",
        ),
        (
            rct(attrition_pct=20.1),
            "low: randomised, but 20.1 % attrition; baseline equivalence not reported",
        ),
        (
            rct(differential_attrition_pct=None),
            "low: randomised, 10 % attrition, but the difference between the groups is not"
            " reported; baseline equivalence not reported",
        ),
        (
            rct(attrition_pct=None, baseline_equivalence="not_established"),
            "low: randomised, but attrition not reported; groups not equivalent at baseline",
        ),
        (
            {"design": "interrupted_time_series", "time_points_before": 2, "time_points_after": 3},
            "low: interrupted time series with only 2 measurements before and 3 after (a moderate"
            " rating needs 3 of each)",
        ),
    ],
)
def test_reason_says_why_in_plain_words(ev, reason):
    assert rate_study(ev).reason == reason


def test_reason_lists_its_clauses_for_a_page():
    rated = rate_study(rct(attrition_pct=28, baseline_equivalence="established"))
    assert rated.points == ("randomised, but 28 % attrition", "groups shown equivalent at baseline")


@pytest.mark.parametrize(
    ("ev", "needs"),
    [
        (rct(), None),
        (
            rct(sample_size=12),
            "A high rating needs attrition of at most 20 % with at most 5 points"
            " between the groups, and at least 40 analysed.",
        ),
        (
            rct(attrition_pct=None),
            "A moderate rating needs attrition of at most 20 % with at most"
            " 5 points between the groups, or groups shown equivalent at baseline.",
        ),
        (
            qed(baseline_equivalence=None),
            "A moderate rating needs groups shown equivalent at baseline.",
        ),
        (qed(), "Only a randomised trial can be rated high."),
    ],
)
def test_rating_says_what_a_better_one_needs(ev, needs):
    assert rate_study(ev).needs == needs
