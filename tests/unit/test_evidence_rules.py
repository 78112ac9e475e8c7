"""Unit tests for the evidence-level rules (DESIGN.md 5a, ruleset 2026.1)."""

import json
from types import MappingProxyType
from typing import Any

import pytest

from app.evidence.rules import (
    EU27,
    RULESET_VERSION,
    EvidenceResult,
    compute_evidence,
    outcome_tier,
    study_class,
)


def study(design: str = "rct", **fields: Any) -> dict[str, Any]:
    """An evaluation: by default a high, favourable, cited RCT on a T1 outcome, no follow-up."""
    ev: dict[str, Any] = {
        "design": design,
        "year": 2020,
        "effect": "positive",
        "sample_size": 100,
        "outcomes": ["recidivism"],
        "findings": "Fewer reoffences.",
        "citation": "Doe et al. (2020)",
    }
    ev.update(fields)
    return ev


def moderate(**fields: Any) -> dict[str, Any]:
    """A favourable quasi-experiment with a comparison group: a moderate study."""
    return study("quasi_experimental", **{"comparison_group": True, **fields})


def well_supported() -> list[dict[str, Any]]:
    return [
        study(follow_up_months=12, independent=True, peer_reviewed=True),
        moderate(outcomes=["disclosure"]),
    ]


# --- study class -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"sample_size": 40}, "high"),
        ({"sample_size": 39}, "moderate"),
        ({"sample_size": None}, "moderate"),
        ({"attrition_pct": 20}, "high"),
        ({"attrition_pct": 20.1}, "moderate"),
        ({"attrition_pct": None}, "high"),
        ({"design": "cluster_rct", "sample_size": 40}, "high"),
        ({"design": "cluster_rct", "sample_size": 12}, "moderate"),
        ({"design": "quasi_experimental", "comparison_group": True}, "moderate"),
        ({"design": "quasi_experimental", "comparison_group": None}, "moderate"),
        ({"design": "quasi_experimental", "comparison_group": False}, "low"),
        ({"design": "interrupted_time_series"}, "moderate"),
        ({"design": "pre_post"}, "low"),
        ({"design": "cohort"}, "low"),
        ({"design": "qualitative"}, "descriptive"),
        ({"design": "process_evaluation"}, "descriptive"),
        ({"design": "case_study"}, "descriptive"),
    ],
)
def test_study_class_follows_design_sample_and_attrition(fields, expected):
    assert study_class(study(**fields)) == expected


def test_rct_with_sample_size_key_missing_is_moderate():
    ev = study()
    del ev["sample_size"]
    assert study_class(ev) == "moderate"


def test_quasi_experiment_without_comparison_group_key_is_moderate():
    assert study_class({"design": "quasi_experimental", "year": 2020, "effect": "positive"}) == (
        "moderate"
    )


# --- outcome tier ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["knowledge", "recidivism"], 1),
        (["sexual_offending"], 1),
        (["victimisation", "wellbeing"], 1),
        (["attitudes", "disclosure"], 2),
        (["help_seeking", "reach"], 2),
        (["professional_practice"], 2),
        (["wellbeing", "skills"], 3),
        (["reach", "fidelity"], None),
        ([], None),
        (None, None),
    ],
)
def test_outcome_tier_is_the_best_tier_among_outcomes(outcomes, expected):
    assert outcome_tier(study(outcomes=outcomes)) == expected


def test_outcome_tier_is_none_when_outcomes_key_missing():
    assert outcome_tier({"design": "rct", "year": 2020, "effect": "positive"}) is None


# --- levels ------------------------------------------------------------------------------------


def test_no_evaluations_is_level_0_not_evaluated():
    result = compute_evidence([])
    assert (result.level, result.label) == (0, "Not evaluated")
    assert result.counted == ()
    assert result.next_step == "A first evaluation of the measure would reach level 1 (Emerging)."


@pytest.mark.parametrize("design", ["qualitative", "process_evaluation", "case_study"])
def test_favourable_descriptive_study_is_level_1_emerging(design):
    result = compute_evidence([study(design)])
    assert (result.level, result.label) == (1, "Emerging")


def test_unfavourable_low_study_is_level_1_emerging():
    assert compute_evidence([study("pre_post", effect="no_effect")]).level == 1


@pytest.mark.parametrize(
    "ev",
    [study("pre_post"), study("cohort"), moderate(comparison_group=False)],
    ids=["pre_post", "cohort", "qed_without_comparison"],
)
def test_favourable_low_study_is_level_2_preliminary(ev):
    result = compute_evidence([ev])
    assert (result.level, result.label) == (2, "Preliminary")


@pytest.mark.parametrize(
    "ev",
    [
        moderate(outcomes=["knowledge"]),
        study("interrupted_time_series", outcomes=["attitudes"]),
        study(outcomes=["reach"], follow_up_months=24),
        study(follow_up_months=None),
    ],
    ids=["qed_t3", "its_t3", "high_rct_no_tier", "high_rct_t1_no_follow_up"],
)
def test_favourable_strong_study_is_level_3_promising(ev):
    result = compute_evidence([ev])
    assert (result.level, result.label) == (3, "Promising")


def test_single_high_t1_study_with_six_month_follow_up_is_level_4_supported():
    result = compute_evidence([study(follow_up_months=6)])
    assert (result.level, result.label) == (4, "Supported")


@pytest.mark.parametrize(("months", "level"), [(5, 3), (6, 4), (None, 3)])
def test_level_4_needs_six_months_follow_up(months, level):
    assert compute_evidence([study(follow_up_months=months)]).level == level


def test_two_moderate_t2_studies_with_one_followed_up_reach_level_4():
    evs = [moderate(outcomes=["disclosure"], follow_up_months=6), moderate(outcomes=["skills"])]
    assert compute_evidence(evs).level == 3  # the second one is T3, so not counted
    evs[1]["outcomes"] = ["help_seeking"]
    assert compute_evidence(evs).level == 4


def test_one_moderate_t1_study_with_follow_up_stays_level_3():
    assert compute_evidence([moderate(follow_up_months=24)]).level == 3


def test_small_rct_is_moderate_so_alone_stays_level_3():
    assert compute_evidence([study(sample_size=39, follow_up_months=12)]).level == 3


def test_level_4_follow_up_may_come_from_a_moderate_t1_t2_study():
    evs = [study(), moderate(outcomes=["protective_behaviour"], follow_up_months=6)]
    assert compute_evidence(evs).level == 4


def test_level_4_follow_up_must_come_from_a_t1_t2_study():
    evs = [study(), moderate(outcomes=["knowledge"], follow_up_months=12)]
    assert compute_evidence(evs).level == 3


def test_all_level_5_conditions_reach_well_supported():
    result = compute_evidence(well_supported())
    assert (result.level, result.label) == (5, "Well supported")
    assert result.next_step is None
    assert len(result.counted) == 2


@pytest.mark.parametrize(
    ("index", "change"),
    [
        (1, {"outcomes": ["knowledge"]}),  # only one T1/T2 study
        (1, {"effect": "not_reported"}),  # only one favourable study
        (0, {"sample_size": 39}),  # no high study (two moderate still make level 4)
        (0, {"follow_up_months": 11}),
        (0, {"independent": None}),
        (0, {"independent": False}),
        (0, {"peer_reviewed": None}),
        (0, {"peer_reviewed": False}),
    ],
    ids=[
        "one_t1_t2",
        "one_favourable",
        "no_high",
        "follow_up_11",
        "independent_unknown",
        "not_independent",
        "peer_review_unknown",
        "not_peer_reviewed",
    ],
)
def test_level_5_missing_any_condition_falls_back_to_4(index, change):
    evs = well_supported()
    evs[1]["follow_up_months"] = 6  # keeps level 4 reachable when the first study changes
    evs[index].update(change)
    result = compute_evidence(evs)
    assert (result.level, result.label) == (4, "Supported")
    assert "level 5 (Well supported)" in result.next_step


def test_level_5_follow_up_independence_and_peer_review_may_come_from_any_strong_study():
    # DESIGN 5a, read literally: "≥ 1 strong favourable study" for these three conditions,
    # whatever its outcome tier.
    evs = [
        study(follow_up_months=6),
        moderate(outcomes=["disclosure"]),
        moderate(outcomes=["knowledge"], follow_up_months=24, independent=True, peer_reviewed=True),
    ]
    assert compute_evidence(evs).level == 5


# --- mixed evidence ----------------------------------------------------------------------------


def test_unfavourable_strong_studies_outnumbering_favourable_cap_level_at_2():
    evs = [study(follow_up_months=6), moderate(effect="mixed"), study(effect="negative")]
    result = compute_evidence(evs)
    assert (result.level, result.label) == (2, "Preliminary")
    assert any(r.startswith("Mixed evidence") for r in result.reasons)
    assert len(result.counted) == 3
    assert "restore level 4 (Supported)" in result.next_step


def test_equal_unfavourable_and_favourable_strong_studies_do_not_cap():
    result = compute_evidence([study(follow_up_months=6), moderate(effect="no_effect")])
    assert result.level == 4
    assert not any(r.startswith("Mixed evidence") for r in result.reasons)


def test_low_and_not_reported_studies_do_not_count_towards_mixed_cap():
    evs = [
        study(follow_up_months=6),
        study("pre_post", effect="negative"),
        study("cohort", effect="no_effect"),
        study(effect="not_reported"),
    ]
    assert compute_evidence(evs).level == 4


# --- no effect found ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "evs",
    [[study(effect="no_effect")], [moderate(effect="no_effect"), moderate(effect="no_effect")]],
    ids=["one_high", "two_moderate"],
)
def test_strong_null_studies_without_favourable_strong_study_give_no_effect_found(evs):
    result = compute_evidence(evs)
    assert (result.level, result.label) == (1, "No effect found")
    assert any(r.startswith("No effect found") for r in result.reasons)
    assert "balancing the" in result.next_step


def test_one_moderate_null_study_is_only_emerging():
    result = compute_evidence([moderate(effect="no_effect")])
    assert (result.level, result.label) == (1, "Emerging")


def test_no_effect_found_overrides_a_favourable_pre_post_study():
    result = compute_evidence([study(effect="no_effect"), study("pre_post")])
    assert (result.level, result.label) == (1, "No effect found")


def test_no_effect_found_needs_no_strong_favourable_study():
    result = compute_evidence([study(effect="no_effect"), study(outcomes=["knowledge"])])
    assert (result.level, result.label) == (3, "Promising")


# --- unverifiable ------------------------------------------------------------------------------


def test_unverifiable_evidence_drops_one_level():
    result = compute_evidence([moderate(citation=None)])
    assert (result.level, result.label) == (2, "Preliminary")
    assert any(r.startswith("Unverifiable") for r in result.reasons)
    assert "citation" in result.next_step
    assert "restore level 3" in result.next_step


def test_unverifiable_well_supported_evidence_drops_to_4():
    evs = [{**ev, "citation": None} for ev in well_supported()]
    assert compute_evidence(evs).level == 4


@pytest.mark.parametrize("design", ["pre_post", "case_study"])
def test_unverifiable_drop_does_not_go_below_1(design):
    result = compute_evidence([study(design, citation=None)])
    assert (result.level, result.label) == (1, "Emerging")
    assert "citation" in result.next_step


@pytest.mark.parametrize(
    "source",
    [{"citation": "Doe (2020)"}, {"url": "https://doi.org/10.1/x"}, {"has_report": True}],
    ids=["citation", "url", "report"],
)
def test_citation_url_or_report_each_make_evidence_verifiable(source):
    assert compute_evidence([moderate(**{"citation": None, **source})]).level == 3


@pytest.mark.parametrize(
    "source",
    [{"citation": "   "}, {"citation": "", "url": ""}, {"citation": None, "has_report": False}],
    ids=["blank_citation", "empty_strings", "report_false"],
)
def test_blank_sources_do_not_make_evidence_verifiable(source):
    assert compute_evidence([moderate(**source)]).level == 2


def test_one_cited_evaluation_makes_the_evidence_verifiable():
    evs = [moderate(citation=None), study("pre_post", citation="Roe (2018)")]
    assert compute_evidence(evs).level == 3


def test_unverifiable_no_effect_found_is_withheld_as_emerging():
    result = compute_evidence([study(effect="no_effect", citation=None)])
    assert (result.level, result.label) == (1, "Emerging")
    assert any("withheld" in r for r in result.reasons)


# --- harm signal -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ev", [study(effect="negative"), moderate(effect="negative")], ids=["high", "moderate"]
)
def test_strong_negative_study_sets_harm_flag(ev):
    result = compute_evidence([ev])
    assert result.harm_flag is True
    assert any(r.startswith("Harm signal") for r in result.reasons)


@pytest.mark.parametrize(
    "ev",
    [study("pre_post", effect="negative"), study("case_study", effect="negative"), study()],
    ids=["low_negative", "descriptive_negative", "strong_positive"],
)
def test_no_harm_flag_without_a_strong_negative_study(ev):
    assert compute_evidence([ev]).harm_flag is False


def test_harm_flag_does_not_change_the_level():
    evs = [study(follow_up_months=6), study(), study(effect="negative")]
    result = compute_evidence(evs)
    assert (result.level, result.harm_flag) == (4, True)


# --- badges ------------------------------------------------------------------------------------


def test_eu27_lists_the_27_member_states_with_greece_as_gr():
    assert len(EU27) == 27
    assert "GR" in EU27
    assert "DE" in EU27
    assert "GB" not in EU27


@pytest.mark.parametrize("country", ["DE", "GR", "EL", "el", " fr "])
def test_study_in_an_eu_member_state_gives_eu_tested(country):
    assert "EU-tested" in compute_evidence([study(country=country)]).badges


@pytest.mark.parametrize("country", ["NO", "GB", "US", None, ""])
def test_study_outside_the_eu_or_of_unknown_country_is_not_eu_tested(country):
    assert "EU-tested" not in compute_evidence([study(country=country)]).badges


def test_studies_in_two_countries_give_tested_in_several_countries():
    result = compute_evidence([study(country="US"), study(country="NO")])
    assert result.badges == ("Tested in several countries",)


@pytest.mark.parametrize("countries", [("DE", "DE"), ("EL", "GR"), ("DE", None)])
def test_one_known_country_is_not_several_countries(countries):
    evs = [study(country=c) for c in countries]
    assert "Tested in several countries" not in compute_evidence(evs).badges


@pytest.mark.parametrize(
    ("ev", "expected"),
    [
        (study(follow_up_months=24), True),
        (moderate(follow_up_months=36, outcomes=["knowledge"]), True),
        (study(follow_up_months=23), False),
        (study("pre_post", follow_up_months=24), False),
        (study(effect="no_effect", follow_up_months=24), False),
    ],
    ids=["strong_24", "strong_t3_36", "strong_23", "low_24", "strong_null_24"],
)
def test_long_term_badge_needs_strong_favourable_study_followed_up_24_months(ev, expected):
    assert ("Long-term" in compute_evidence([ev]).badges) is expected


@pytest.mark.parametrize(("manual", "expected"), [(True, True), (False, False), (None, False)])
def test_manual_available_badge_follows_the_flag(manual, expected):
    result = compute_evidence([study()], manual_available=manual)
    assert ("Manual available" in result.badges) is expected


def test_manual_available_badge_shows_even_without_evaluations():
    assert compute_evidence([], manual_available=True).badges == ("Manual available",)


def test_badges_come_in_a_fixed_order():
    evs = [study(country="SE", follow_up_months=30), study(country="US")]
    result = compute_evidence(evs, manual_available=True)
    assert result.badges == (
        "EU-tested",
        "Tested in several countries",
        "Long-term",
        "Manual available",
    )


# --- explanation and serialisation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("evs", "level"),
    [
        ([], 0),
        ([study("case_study")], 1),
        ([study("pre_post")], 2),
        ([moderate()], 3),
        ([study(follow_up_months=6)], 4),
        (well_supported(), 5),
    ],
)
def test_every_level_has_a_reason_and_a_next_step_below_5(evs, level):
    result = compute_evidence(evs)
    assert result.level == level
    assert result.reasons[0].startswith(f"Level {level} (")
    assert result.ruleset == RULESET_VERSION == "2026.1"
    if level == 5:
        assert result.next_step is None
    else:
        assert f"level {level + 1} (" in result.next_step


def test_counted_names_design_year_country_class_effect_and_tier():
    result = compute_evidence([study(year=2019, country="DE")])
    assert result.counted == ("RCT, 2019 (DE): high, favourable, T1",)


def test_counted_handles_unknown_country_and_tier():
    result = compute_evidence([moderate(year=2021, outcomes=["reach"])])
    assert result.counted == ("Quasi experimental, 2021: moderate, favourable, no outcome tier",)


def test_next_step_to_level_5_names_the_missing_replication_independence_and_follow_up():
    result = compute_evidence([study(follow_up_months=6, peer_reviewed=True)])
    assert result.next_step == (
        "An independent replication with 12-month follow-up showing a favourable T1/T2 effect"
        " would reach level 5 (Well supported)."
    )


def test_next_step_to_level_5_without_new_study_names_what_the_studies_lack():
    evs = well_supported()
    evs[0].update(independent=False, follow_up_months=6)
    assert compute_evidence(evs).next_step == (
        "An independent evaluation and a follow-up of at least 12 months of a favourable T1/T2"
        " study would reach level 5 (Well supported)."
    )


def test_next_step_to_level_4_asks_for_a_second_study_and_follow_up():
    step = compute_evidence([moderate()]).next_step
    assert step.startswith("A second favourable strong-design study")
    assert "at least 6 months" in step


def test_next_step_from_level_2_asks_for_a_strong_design():
    step = compute_evidence([study("pre_post")]).next_step
    assert step.startswith("A favourable strong-design study")
    assert "level 3 (Promising)" in step


def test_missing_optional_fields_count_as_unknown():
    ev = MappingProxyType({"design": "rct", "year": 2020, "effect": "positive"})
    result = compute_evidence([ev])
    assert result.counted == ("RCT, 2020: moderate, favourable, no outcome tier",)
    assert result.level == 2  # level 3 (a strong favourable study), less one: nothing is cited


def test_to_dict_is_json_serialisable_with_lists():
    data = compute_evidence([study(country="EL", effect="negative")]).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert isinstance(data["reasons"], list)
    assert isinstance(data["badges"], list)
    assert data["harm_flag"] is True
    assert data["ruleset"] == "2026.1"


@pytest.mark.parametrize("evs", [[], well_supported(), [study(effect="negative", country="FR")]])
def test_from_dict_round_trips_to_dict(evs):
    result = compute_evidence(evs, manual_available=True)
    restored = EvidenceResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert restored == result


def test_result_is_immutable():
    result = compute_evidence([])
    with pytest.raises(AttributeError):
        result.level = 5  # type: ignore[misc]
