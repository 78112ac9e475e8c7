"""The records issue 11 lists as rated wrong under ruleset 2026.1, under 2026.1 and 2027.1.

Each evaluation carries the 2026 keys (effect, follow_up_months) and the format-2 ones, so the
same record runs through both rulesets.
"""

from app.evidence import rules as ruleset_2026
from app.evidence import ruleset_2027
from tests.unit.evidence_2027_helpers import qed, rct, result


def both(*evaluations) -> tuple[tuple[int, str], tuple[int, str]]:
    old = ruleset_2026.compute_evidence(list(evaluations))
    new = ruleset_2027.compute_evidence(list(evaluations))
    return (old.level, old.label), (new.level, new.label)


def test_rct_listing_knowledge_and_offending_where_only_knowledge_moved():
    ev = rct(
        result("knowledge", 6),
        result("sexual_offending", 6, "no_effect"),
        effect="positive",
        follow_up_months=6,
    )
    old, new = both(ev)
    assert old == (4, "Supported")
    # Knowledge is T3, so nothing reaches F; the one T1/T2 sample found no effect: mixed.
    assert new == (2, "Preliminary")
    assert ruleset_2027.compute_evidence([ev]).rule == "mixed_evidence"


def test_the_same_rct_without_results_is_at_most_promising():
    ev = rct(effect="positive", outcomes=["knowledge", "sexual_offending"], follow_up_months=6)
    assert both(ev) == ((4, "Supported"), (3, "Promising"))


# Dunkelfeld (../shared/data/sample-measures.jsonl, "dunkelfeld-de"): the 2015 paper and its
# 2019 reanalysis report the same 53 treated and 22 waiting-list men.
DUNKELFELD_2015 = {
    "design": "quasi_experimental",
    "year": 2015,
    "country": "DE",
    "sample_size": 75,
    "comparison_group": True,
    "independent": False,
    "peer_reviewed": True,
    "outcomes": ["risk_factors", "sexual_offending"],
    "effect": "positive",
    "url": "https://doi.org/10.1111/jsm.12785",
}
DUNKELFELD_2019 = {
    **DUNKELFELD_2015,
    "year": 2019,
    "independent": True,
    "effect": "no_effect",
    "effect_size": 0.3,
    "url": "https://doi.org/10.1016/j.jsxm.2019.02.009",
}


def test_dunkelfeld_as_recorded_is_preliminary_without_baseline_equivalence():
    assert both(DUNKELFELD_2015, DUNKELFELD_2019) == ((3, "Promising"), (2, "Preliminary"))


def test_dunkelfeld_paper_and_reanalysis_are_one_sample():
    figures = {"baseline_equivalence": "established", "sample_id": "dunkelfeld-bbpp"}
    first = {**DUNKELFELD_2015, **figures, "results": [result("risk_factors", 12)]}
    again = {**DUNKELFELD_2019, **figures, "results": [result("risk_factors", 12)]}
    # Two favourable moderate papers: two samples would reach Supported; one sample cannot.
    assert both(first, again)[1] == (3, "Promising")
    without_id = [{k: v for k, v in ev.items() if k != "sample_id"} for ev in (first, again)]
    assert both(*without_id)[1] == (4, "Supported")


def test_one_trial_entered_twice_no_longer_reaches_well_supported():
    trial = rct(
        result("recidivism", 12),
        effect="positive",
        follow_up_months=12,
        independent=True,
        peer_reviewed=True,
        routine_practice=True,
        sample_id="trial-2018",
    )
    old, new = both(trial, dict(trial))
    assert old == (5, "Well supported")
    assert new == (4, "Supported")


def test_rct_with_unknown_attrition_is_no_longer_high():
    ev = rct(result("recidivism", 12), effect="positive", follow_up_months=12)
    del ev["attrition_pct"], ev["differential_attrition_pct"]
    assert ruleset_2026.study_class(ev) == "high"
    assert both(ev) == ((4, "Supported"), (2, "Preliminary"))


def test_two_qeds_with_60_percent_attrition_and_no_baseline_equivalence():
    evs = [
        qed(
            result("help_seeking", 6),
            effect="positive",
            follow_up_months=6,
            attrition_pct=60,
            baseline_equivalence="not_reported",
        )
        for _ in range(2)
    ]
    assert both(*evs) == ((4, "Supported"), (2, "Preliminary"))


def test_cluster_rct_of_2_schools_is_not_high():
    ev = rct(
        result("victimisation", 6),
        design="cluster_rct",
        clusters=2,
        sample_size=400,
        effect="positive",
        follow_up_months=6,
    )
    assert ruleset_2026.study_class(ev) == "high"
    assert both(ev) == ((4, "Supported"), (3, "Promising"))


def test_level_5_conditions_split_across_studies():
    # The 12-month finding is not independent; the independent study reports at 6 months.
    evs = [
        rct(
            result("recidivism", 12),
            effect="positive",
            follow_up_months=12,
            independent=False,
            peer_reviewed=True,
            routine_practice=True,
        ),
        qed(result("disclosure", 6), effect="positive", follow_up_months=6, independent=True),
    ]
    assert both(*evs) == ((5, "Well supported"), (4, "Supported"))


def test_two_favourable_rcts_and_one_rct_finding_harm():
    evs = [
        rct(result("recidivism", 12), effect="positive", follow_up_months=12, independent=True,
            peer_reviewed=True, routine_practice=True),
        rct(result("recidivism", 6), effect="positive", follow_up_months=6),
        rct(result("recidivism", 6, "unfavourable"), effect="negative", follow_up_months=6),
    ]  # fmt: skip
    old = ruleset_2026.compute_evidence(evs)
    new = ruleset_2027.compute_evidence(evs)
    assert (old.level, old.label, old.harm_flag) == (5, "Well supported", True)
    assert (new.level, new.label, new.harm_flag) == (1, "Negative effects found", True)
    assert "Independent replication" not in new.badges
