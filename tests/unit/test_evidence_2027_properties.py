"""Property-based tests of ruleset 2027.1: random records (format 1 and 2) and monotonicity.

Monotonicity, stated precisely. Adding a favourable finding to a record either
(a) appends a result to an evaluation that already has results, or appends a new evaluation
    whose only result is that finding: then no rule lowers the level. The §4 level can only
    rise (every group it reads grows), §5.1 and the harm flag read only unfavourable findings,
    §5.2 needs no strong favourable finding at all, §5.3 only gains samples with a favourable
    finding, and §5.4 and the expert review do not read findings;
(b) gives the first result to an evaluation that had none: its results then replace its derived
    contrasts (§3), and only §5.3 Mixed evidence may lower the level, when a derived favourable
    contrast on a T1/T2 outcome gives way to a favourable finding on another tier.
Descriptive evaluations never change the level, its label or the harm flag (except that any
citation they carry makes the evidence verifiable).
"""

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.evidence.contrasts import DELIVERY_OUTCOMES
from app.evidence.ruleset_2027 import LEVEL_RULES, RULES, EvidenceResult, compute_evidence
from app.evidence.scale import LEVEL_NAMES, NEGATIVE_EFFECTS_LABEL, NO_EFFECT_LABEL

DESIGNS = (
    "rct",
    "cluster_rct",
    "quasi_experimental",
    "interrupted_time_series",
    "cohort",
    "pre_post",
    "qualitative",
    "process_evaluation",
    "case_study",
)
OUTCOMES = (
    "knowledge",
    "attitudes",
    "skills",
    "wellbeing",
    "disclosure",
    "help_seeking",
    "protective_behaviour",
    "professional_practice",
    "risk_factors",
    "sexual_offending",
    "recidivism",
    "victimisation",
    "reach",
    "fidelity",
)
VERDICTS = (NEGATIVE_EFFECTS_LABEL, NO_EFFECT_LABEL)
MONTHS = st.sampled_from([0, 5, 6, 11, 12, 23, 24, 36])


def results_of(direction: st.SearchStrategy) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {"outcome": st.sampled_from(OUTCOMES), "timepoint_months": MONTHS, "direction": direction},
        optional={
            "effect_size": st.floats(-2, 2),
            "effect_size_type": st.sampled_from(["d", "g", "or"]),
            "n": st.integers(1, 500),
            "primary": st.booleans(),
        },
    )


RESULTS = results_of(st.sampled_from(["favourable", "no_effect", "unfavourable"]))
FAVOURABLE = results_of(st.just("favourable"))
FAVOURABLE_T12 = st.fixed_dictionaries(
    {
        "outcome": st.sampled_from(["recidivism", "victimisation", "disclosure", "risk_factors"]),
        "timepoint_months": MONTHS,
        "direction": st.just("favourable"),
    }
)
# Figures at and either side of every §2 boundary, so ratings of every kind come up.
KEYS = {
    "year": st.integers(1990, 2026),
    "sample_size": st.sampled_from([10, 39, 40, 200]),
    "attrition_pct": st.sampled_from([0, 20, 20.1, 60]),
    "differential_attrition_pct": st.sampled_from([0, 5, 5.1, 12]),
    "baseline_equivalence": st.sampled_from(["established", "not_established", "not_reported"]),
    "clusters": st.sampled_from([2, 9, 10]),
    "time_points_before": st.sampled_from([2, 3]),
    "time_points_after": st.sampled_from([2, 3]),
    "comparison_group": st.booleans(),
    "independent": st.booleans(),
    "peer_reviewed": st.booleans(),
    "routine_practice": st.booleans(),
    "follow_up_months": MONTHS,
    "outcomes": st.lists(st.sampled_from(OUTCOMES), max_size=3),
    "effect": st.sampled_from(["positive", "mixed", "no_effect", "negative", "not_reported"]),
    "results": st.lists(RESULTS, max_size=3),
    "sample_id": st.sampled_from(["trial-a", "trial-b"]),
    "citation": st.sampled_from(["Doe et al. (2020)", ""]),
    "doi": st.just("10.1111/jsm.12785"),
    "has_report": st.booleans(),
    "country": st.sampled_from(["DE", "EL", "US"]),
}
ANY_EVALUATION = st.fixed_dictionaries({"design": st.sampled_from(DESIGNS)}, optional=KEYS)
# Strong ratings need several keys at once; without these, levels 4 and 5 would rarely come up.
STRONG_FIGURES = st.sampled_from(
    [
        {"design": "rct", "sample_size": 40, "attrition_pct": 20, "differential_attrition_pct": 5},
        {
            "design": "cluster_rct",
            "clusters": 10,
            "attrition_pct": 0,
            "differential_attrition_pct": 0,
        },
        {"design": "rct", "attrition_pct": 60, "baseline_equivalence": "established"},
        {"design": "quasi_experimental", "baseline_equivalence": "established"},
        {"design": "interrupted_time_series", "time_points_before": 3, "time_points_after": 3},
    ]
)
FIGURE_KEYS = {
    "sample_size",
    "attrition_pct",
    "differential_attrition_pct",
    "baseline_equivalence",
    "clusters",
    "time_points_before",
    "time_points_after",
    "comparison_group",
}
OTHER_KEYS = {k: v for k, v in KEYS.items() if k not in FIGURE_KEYS}


def _strong(figures: dict, other: dict, favourable: list[dict]) -> dict:
    return {**other, **figures, "results": [*other.get("results", []), *favourable]}


STRONG_EVALUATION = st.builds(
    _strong,
    STRONG_FIGURES,
    st.fixed_dictionaries({}, optional=OTHER_KEYS),
    st.lists(FAVOURABLE_T12, max_size=2),
)
EVALUATIONS = st.one_of(ANY_EVALUATION, STRONG_EVALUATION)
RECORDS = st.lists(EVALUATIONS, max_size=5)
REVIEWS = st.sampled_from([None, "confirmed", "not_confirmed"])

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)
JUNK_EVALUATIONS = st.dictionaries(st.sampled_from([*KEYS, "design"]), JUNK) | JUNK


def _harm_possible(evs: list[dict]) -> bool:
    """Some rated (not descriptive) evaluation reports an unfavourable, non-delivery finding."""
    for ev in evs:
        if ev["design"] in ("qualitative", "process_evaluation", "case_study"):
            continue
        if ev.get("results"):
            if any(
                r["direction"] == "unfavourable" and r["outcome"] not in DELIVERY_OUTCOMES
                for r in ev["results"]
            ):
                return True
        elif ev.get("effect") == "negative" and (
            not ev.get("outcomes") or set(ev["outcomes"]) - DELIVERY_OUTCOMES
        ):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(evs=RECORDS, review=REVIEWS, manual=st.sampled_from([None, True, False]))
def test_random_records_give_a_consistent_result(evs, review, manual):
    found = compute_evidence(evs, manual_available=manual, harm_review=review)
    assert 0 <= found.level <= 5
    assert (found.level == 0) == (not evs)
    assert found.label == LEVEL_NAMES[found.level] or (found.level == 1 and found.label in VERDICTS)
    assert found.ruleset == "2027.1"
    assert found.provisional_eligible == (found.level >= 4)
    assert found.rule in RULES and found.rules_applied[0] in LEVEL_RULES
    assert found.decision in found.reasons
    if found.label == NEGATIVE_EFFECTS_LABEL:
        assert found.harm_flag
    if found.harm_flag:
        assert _harm_possible(evs)
    if found.level >= 4:
        assert all(c.explicit for c in found.contrasts if c.counted)
    assert len(found.studies) == len(evs)
    stored = json.loads(json.dumps(found.to_dict()))
    assert EvidenceResult.from_dict(stored) == found


@settings(max_examples=300, deadline=None)
@given(evs=st.lists(JUNK_EVALUATIONS, max_size=4), review=JUNK)
def test_junk_never_crashes_the_rules(evs, review):
    found = compute_evidence(evs, manual_available=True, harm_review=review)
    assert 1 <= found.level <= 5 if evs else found.level == 0


def _verdict_appeared(before: EvidenceResult, after: EvidenceResult) -> bool:
    return after.label in VERDICTS and after.label != before.label


@settings(max_examples=300, deadline=None)
@given(evs=RECORDS, finding=FAVOURABLE, pick=st.integers(0, 4), review=REVIEWS)
def test_a_favourable_result_added_to_an_evaluation_with_results_never_lowers(
    evs, finding, pick, review
):
    with_results = [i for i, ev in enumerate(evs) if ev.get("results")]
    if not with_results:
        return
    after_evs = copy.deepcopy(evs)
    after_evs[with_results[pick % len(with_results)]]["results"].append(finding)
    before = compute_evidence(evs, harm_review=review)
    after = compute_evidence(after_evs, harm_review=review)
    assert after.level >= before.level
    assert not _verdict_appeared(before, after)


@settings(max_examples=300, deadline=None)
@given(evs=RECORDS, new=EVALUATIONS, finding=FAVOURABLE, review=REVIEWS)
def test_a_new_evaluation_with_a_favourable_result_never_lowers(evs, new, finding, review):
    before = compute_evidence(evs, harm_review=review)
    after = compute_evidence([*evs, {**new, "results": [finding]}], harm_review=review)
    assert after.level >= before.level
    assert not _verdict_appeared(before, after)


@settings(max_examples=300, deadline=None)
@given(evs=RECORDS, finding=FAVOURABLE, pick=st.integers(0, 4), review=REVIEWS)
def test_a_first_result_lowers_the_level_only_through_mixed_evidence(evs, finding, pick, review):
    without = [i for i, ev in enumerate(evs) if not ev.get("results")]
    if not without:
        return
    after_evs = copy.deepcopy(evs)
    after_evs[without[pick % len(without)]]["results"] = [finding]
    before = compute_evidence(evs, harm_review=review)
    after = compute_evidence(after_evs, harm_review=review)
    if after.level < before.level:
        assert "mixed_evidence" in after.rules_applied
        assert "mixed_evidence" not in before.rules_applied
    assert not _verdict_appeared(before, after)


def test_a_first_result_on_another_tier_can_bring_mixed_evidence():
    # The example behind (b): a derived favourable offending contrast balanced a null one.
    cited = {"sample_size": 100, "attrition_pct": 10, "differential_attrition_pct": 2}
    evs = [
        {"design": "rct", "effect": "positive", "outcomes": ["recidivism"], **cited},
        {"design": "rct", "effect": "no_effect", "outcomes": ["recidivism"], **cited},
    ]
    evs[0]["citation"] = "Doe (2020)"
    assert compute_evidence(evs).level == 3
    evs[0]["results"] = [{"outcome": "knowledge", "timepoint_months": 0, "direction": "favourable"}]
    assert (compute_evidence(evs).level, compute_evidence(evs).rule) == (2, "mixed_evidence")


@settings(max_examples=300, deadline=None)
@given(
    evs=RECORDS.filter(bool),
    extra=EVALUATIONS,
    design=st.sampled_from(["qualitative", "process_evaluation", "case_study"]),
)
def test_an_uncited_descriptive_evaluation_changes_nothing(evs, extra, design):
    uncited = {**extra, "design": design, "citation": None, "has_report": False}
    uncited.pop("doi", None)
    before = compute_evidence(evs)
    after = compute_evidence([*evs, uncited])
    assert (after.level, after.label, after.harm_flag) == (
        before.level,
        before.label,
        before.harm_flag,
    )


@settings(max_examples=200, deadline=None)
@given(evs=st.lists(EVALUATIONS, min_size=1, max_size=4))
def test_descriptive_evaluations_alone_are_level_1_without_harm(evs):
    for ev in evs:
        ev["design"] = "case_study"
    found = compute_evidence(evs)
    assert (found.level, found.label, found.harm_flag) == (1, "Emerging", False)
