"""Ruleset 2027.1, the level before the §5 rules (EVIDENCE-2027 §4), boundary by boundary."""

import pytest

from app.evidence.ruleset_2027 import compute_evidence
from tests.unit.evidence_2027_helpers import (
    descriptive,
    low,
    qed,
    rct,
    result,
    well_supported,
)


def level_of(*evaluations) -> tuple[int, str]:
    outcome = compute_evidence(list(evaluations))
    return outcome.level, outcome.label


def test_no_evaluation_is_level_0_not_evaluated():
    assert level_of() == (0, "Not evaluated")


@pytest.mark.parametrize("design", ["qualitative", "process_evaluation", "case_study"])
def test_favourable_descriptive_evaluation_stays_level_1(design):
    ev = descriptive(result("recidivism", 24), design=design, independent=True)
    assert level_of(ev) == (1, "Emerging")
    assert level_of(descriptive(design=design)) == (1, "Emerging")  # derived, format 1


def test_low_study_without_a_favourable_finding_is_level_1():
    assert level_of(low(result("knowledge", 0, "no_effect"))) == (1, "Emerging")


@pytest.mark.parametrize(
    "ev",
    [
        low(result("knowledge")),
        low(result("knowledge"), design="cohort"),
        qed(result("recidivism", 12), baseline_equivalence="not_reported"),
        rct(result("recidivism", 12), attrition_pct=None),
        low(),
    ],
    ids=["pre_post", "cohort", "qed_not_equivalent", "rct_attrition_unknown", "derived"],
)
def test_favourable_finding_from_a_low_study_is_level_2(ev):
    assert level_of(ev) == (2, "Preliminary")


@pytest.mark.parametrize(
    "ev",
    [
        qed(result("knowledge", 12)),
        rct(result("reach", 24)),
        rct(result("recidivism", 5)),
        rct(follow_up_months=24),  # derived: capped at Promising whatever the follow-up
        qed(result("recidivism", 24)),  # one moderate sample
    ],
    ids=["strong_t3", "strong_reach", "high_t1_at_5_months", "derived_t1", "one_moderate"],
)
def test_strong_favourable_finding_is_level_3(ev):
    assert level_of(ev) == (3, "Promising")


@pytest.mark.parametrize(("months", "level"), [(5, 3), (6, 4)])
def test_level_4_needs_a_finding_at_6_months(months, level):
    assert level_of(rct(result("recidivism", months)))[0] == level


def test_level_4_6_months_may_come_from_another_finding_in_f():
    ev = rct(result("recidivism", 0), result("disclosure", 6))
    assert level_of(ev) == (4, "Supported")
    ev = rct(result("recidivism", 0), result("knowledge", 6))  # T3 is not in F
    assert level_of(ev) == (3, "Promising")


def test_two_moderate_samples_reach_level_4():
    assert level_of(qed(result("recidivism", 6)), qed(result("help_seeking", 0))) == (
        4,
        "Supported",
    )


def test_two_moderate_evaluations_of_one_sample_stay_level_3():
    evs = [
        qed(result("recidivism", 6), sample_id="s"),
        qed(result("recidivism", 12), sample_id="s"),
    ]
    assert level_of(*evs) == (3, "Promising")


def test_a_low_study_adds_no_sample_to_level_4():
    assert level_of(qed(result("recidivism", 6)), low(result("recidivism", 6)))[0] == 3


def test_derived_contrasts_never_count_towards_level_4_or_5():
    # Every level-5 condition, but as format-1 evaluations without results.
    evs = [
        rct(follow_up_months=12, independent=True, peer_reviewed=True, routine_practice=True),
        qed(outcomes=["disclosure"], follow_up_months=6),
    ]
    assert level_of(*evs) == (3, "Promising")


def test_all_level_5_conditions_reach_well_supported():
    assert level_of(*well_supported()) == (5, "Well supported")


def spoil(change: str) -> list[dict]:
    evs = well_supported()
    if change == "one_sample":
        evs[0]["sample_id"] = evs[1]["sample_id"] = "trial"
    elif change == "no_high":
        evs[0]["sample_size"] = 39
    elif change == "11_months":
        evs[0]["results"][0]["timepoint_months"] = 11
    elif change == "not_independent":
        evs[0]["independent"] = None
    elif change == "not_peer_reviewed":
        evs[0]["peer_reviewed"] = False
    elif change == "not_routine":
        del evs[0]["routine_practice"]
    return evs


@pytest.mark.parametrize(
    "change",
    ["one_sample", "no_high", "11_months", "not_independent", "not_peer_reviewed", "not_routine"],
)
def test_each_level_5_condition_is_needed(change):
    assert level_of(*spoil(change)) == (4, "Supported")


def test_level_5_follow_up_and_independence_must_hold_for_one_finding():
    evs = well_supported()
    evs[0]["independent"] = False  # the 12-month finding is not independent ...
    evs[1]["independent"] = True  # ... and the independent one is at 6 months
    assert level_of(*evs)[0] == 4
    evs[1]["results"][0]["timepoint_months"] = 12
    assert level_of(*evs)[0] == 5


def test_level_5_peer_review_and_routine_practice_must_be_behind_f():
    evs = well_supported()
    evs[0].update(peer_reviewed=False, routine_practice=False)
    evs.append(low(result("recidivism", 24), peer_reviewed=True, routine_practice=True))
    assert level_of(*evs)[0] == 4
    evs[1].update(peer_reviewed=True, routine_practice=True)  # the moderate one, in F
    assert level_of(*evs)[0] == 5


def test_level_5_two_samples_may_both_be_high():
    evs = [
        rct(result("victimisation", 12), independent=True, peer_reviewed=True),
        rct(result("victimisation", 6), routine_practice=True),
    ]
    assert level_of(*evs) == (5, "Well supported")
