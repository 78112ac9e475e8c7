"""Ruleset 2027.1, the rules after the level (EVIDENCE-2027 §5), expert review (§7), badges (§6)."""

import pytest

from app.evidence.ruleset_2027 import RULESET_VERSION, compute_evidence
from tests.unit.evidence_2027_helpers import (
    descriptive,
    low,
    qed,
    rct,
    result,
    well_supported,
)

NEGATIVE = (1, "Negative effects found")
NO_EFFECT = (1, "No effect found")


def outcome(*evaluations, **options):
    return compute_evidence(list(evaluations), **options)


def level_of(*evaluations, **options) -> tuple[int, str]:
    found = outcome(*evaluations, **options)
    return found.level, found.label


def test_ruleset_is_2027_1():
    assert outcome().ruleset == RULESET_VERSION == "2027.1"


# --- 1. Negative effects -------------------------------------------------------------------------


def test_harm_comes_first_even_beside_well_supported_evidence():
    found = outcome(*well_supported(), rct(result("knowledge", 0, "unfavourable")))
    assert (found.level, found.label, found.harm_flag) == (*NEGATIVE, True)
    assert found.rule == "negative_effects"
    assert found.rules_applied == ("well_supported", "negative_effects")


@pytest.mark.parametrize(
    "harmful",
    [
        qed(result("wellbeing", 3, "unfavourable")),
        rct(effect="negative"),
        rct(effect="negative", outcomes=[]),
        rct(result("reach", 0, "favourable"), result("victimisation", 6, "unfavourable")),
    ],
    ids=["moderate_explicit", "derived", "derived_without_outcome", "beside_a_favourable_one"],
)
def test_strong_unfavourable_finding_means_negative_effects_found(harmful):
    assert level_of(harmful) == NEGATIVE


@pytest.mark.parametrize("delivery", ["reach", "fidelity"])
def test_unfavourable_reach_or_fidelity_is_no_harm(delivery):
    found = outcome(rct(result(delivery, 0, "unfavourable")), low(result("knowledge")))
    assert (found.level, found.label, found.harm_flag) == (2, "Preliminary", False)


def test_negative_effects_ends_the_list_even_without_a_citation():
    assert level_of(rct(effect="negative", citation=None)) == NEGATIVE


# --- the separate harm flag ----------------------------------------------------------------------


def test_unfavourable_finding_from_a_low_study_flags_harm_and_leaves_the_level():
    found = outcome(rct(result("recidivism", 6)), low(result("knowledge", 0, "unfavourable")))
    assert (found.level, found.label, found.harm_flag) == (4, "Supported", True)
    assert found.reasons[-1].startswith("Harm signal: a low-rated study reported")


def test_low_derived_harm_without_outcome_flags_harm():
    assert outcome(low(effect="negative", outcomes=[])).harm_flag


def test_low_unfavourable_reach_sets_no_flag():
    assert not outcome(low(result("reach", 0, "unfavourable"))).harm_flag


@pytest.mark.parametrize("design", ["qualitative", "process_evaluation", "case_study", None])
def test_descriptive_studies_never_set_the_harm_flag(design):
    found = outcome(descriptive(result("victimisation", 0, "unfavourable"), design=design))
    assert (found.level, found.label, found.harm_flag) == (1, "Emerging", False)
    assert not outcome(descriptive(design=design, effect="negative")).harm_flag


# --- expert review of harm (§7) ------------------------------------------------------------------


def low_harm() -> list[dict]:
    return [rct(result("recidivism", 6)), low(result("knowledge", 0, "unfavourable"))]


def test_confirmed_harm_from_a_low_study_gives_negative_effects_found():
    found = outcome(*low_harm(), harm_review="confirmed")
    assert (found.level, found.label, found.harm_flag) == (*NEGATIVE, True)
    assert (found.rule, found.harm_review) == ("harm_confirmed", "confirmed")


def test_harm_not_confirmed_clears_the_flag_and_keeps_the_level():
    found = outcome(*low_harm(), harm_review="not_confirmed")
    assert (found.level, found.label, found.harm_flag) == (4, "Supported", False)
    assert "harm_not_confirmed" in found.rules_applied


def test_harm_not_confirmed_lifts_negative_effects_and_the_other_rules_decide():
    evs = [rct(result("recidivism", 6)), rct(result("recidivism", 6, "unfavourable"))]
    assert level_of(*evs) == NEGATIVE
    found = outcome(*evs, harm_review="not_confirmed")
    # One sample with a favourable T1 finding, one without: not outnumbered, so level 4.
    assert (found.level, found.label, found.harm_flag) == (4, "Supported", False)


def test_confirmed_strong_harm_stays_negative_effects_with_the_review_said():
    found = outcome(rct(effect="negative"), harm_review="confirmed")
    assert (found.level, found.label, found.rule) == (*NEGATIVE, "negative_effects")
    assert "Experts reviewed the unfavourable effect and confirmed the harm." in found.reasons


@pytest.mark.parametrize("review", ["confirmed", "not_confirmed", "maybe"])
def test_a_review_without_a_harm_flag_is_ignored(review):
    found = outcome(rct(result("recidivism", 6)), harm_review=review)
    assert (found.level, found.harm_flag, found.harm_review) == (4, False, None)


# --- 2. No effect found --------------------------------------------------------------------------


def test_high_trial_finding_no_effect_means_no_effect_found():
    found = outcome(rct(result("knowledge", 0, "no_effect")))
    assert ((found.level, found.label), found.rule) == (NO_EFFECT, "no_effect_found")


def test_moderate_studies_of_two_samples_finding_no_effect_mean_no_effect_found():
    evs = [qed(result("recidivism", 6, "no_effect")), qed(effect="no_effect")]
    assert level_of(*evs) == NO_EFFECT
    evs[0]["sample_id"] = evs[1]["sample_id"] = "one-trial"
    assert level_of(*evs) == (1, "Emerging")


def test_a_moderate_study_alone_finding_no_effect_is_emerging():
    assert level_of(qed(result("recidivism", 6, "no_effect"))) == (1, "Emerging")


def test_no_effect_on_reach_or_without_outcome_carries_no_verdict():
    assert level_of(rct(result("reach", 0, "no_effect"))) == (1, "Emerging")
    assert level_of(rct(effect="no_effect", outcomes=[])) == (1, "Emerging")


def test_no_effect_found_overrides_a_low_favourable_finding():
    assert level_of(rct(result("recidivism", 12, "no_effect")), low(result("knowledge"))) == (
        NO_EFFECT
    )


def test_any_strong_favourable_finding_prevents_no_effect_found():
    found = outcome(rct(result("recidivism", 12, "no_effect"), result("reach", 0)))
    # Then §5.3: the one T1/T2 sample has no favourable finding, so level 3 is capped at 2.
    assert (found.level, found.label, found.rule) == (2, "Preliminary", "mixed_evidence")


def test_no_effect_found_ends_the_list_even_without_a_citation():
    assert level_of(rct(result("recidivism", 12, "no_effect"), citation=None)) == NO_EFFECT


# --- 3. Mixed evidence ---------------------------------------------------------------------------


def test_two_favourable_samples_outweigh_one_without():
    evs = [
        rct(result("recidivism", 6)),
        rct(result("recidivism", 6)),
        rct(result("recidivism", 6, "no_effect")),
    ]
    assert level_of(*evs) == (4, "Supported")


def test_samples_without_a_favourable_finding_outnumbering_cap_the_level_at_2():
    evs = [
        rct(result("recidivism", 6)),
        rct(result("recidivism", 6, "no_effect")),
        qed(result("disclosure", 0, "no_effect")),
    ]
    found = outcome(*evs)
    assert (found.level, found.label, found.rule) == (2, "Preliminary", "mixed_evidence")
    assert found.decision == (
        "Mixed evidence: on offending, victimisation or behavioural (T1/T2) outcomes, 2 samples"
        " without a favourable finding outnumber the 1 with one, so the level is at most 2 (the"
        " findings alone give 4)."
    )


def test_mixed_evidence_counts_samples_not_evaluations():
    evs = [
        rct(result("recidivism", 6)),
        rct(result("recidivism", 6, "no_effect"), sample_id="s"),
        rct(result("recidivism", 24, "no_effect"), sample_id="s"),
    ]
    assert level_of(*evs) == (4, "Supported")


def test_a_sample_with_a_favourable_finding_counts_as_with_one():
    ev = rct(result("recidivism", 6), result("victimisation", 6, "no_effect"))
    assert level_of(ev, rct(result("recidivism", 0, "no_effect")))[0] == 4


def test_mixed_evidence_weighs_only_t1_t2_findings():
    evs = [rct(result("recidivism", 6)), rct(result("knowledge", 0, "no_effect"))]
    evs.append(rct(result("attitudes", 0, "no_effect")))
    assert level_of(*evs)[0] == 4


def test_mixed_evidence_is_not_named_when_the_level_is_2_or_less():
    found = outcome(low(result("recidivism")), qed(result("recidivism", 0, "no_effect")))
    assert (found.level, found.rule) == (2, "preliminary")
    assert not any(r.startswith("Mixed") for r in found.reasons)


# --- 4. Unverifiable -----------------------------------------------------------------------------


@pytest.mark.parametrize(("evs", "was"), [([rct(result("recidivism", 6))], 4), ([low()], 2)])
def test_unverifiable_evidence_drops_one_level(evs, was):
    for ev in evs:
        ev["citation"] = None
    found = outcome(*evs)
    assert (found.level, found.rule) == (was - 1, "unverifiable")


@pytest.mark.parametrize(
    "source",
    [{"doi": "10.1111/jsm.12785"}, {"url": "https://example.org"}, {"has_report": True}],
)
def test_a_doi_link_or_report_makes_evidence_verifiable(source):
    assert level_of(rct(result("recidivism", 6), citation=None, **source))[0] == 4


def test_one_verifiable_evaluation_is_enough():
    evs = [rct(result("recidivism", 6), citation=None), descriptive(citation="Report (2021)")]
    assert level_of(*evs)[0] == 4


def test_unverifiable_level_1_stays_1():
    found = outcome(descriptive(citation=None))
    assert (found.level, found.label, found.rule) == (1, "Emerging", "emerging")
    assert found.reasons[-1].endswith("the level cannot drop below 1.")


def test_mixed_then_unverifiable_drops_from_the_cap():
    evs = [rct(result("recidivism", 6)), rct(effect="no_effect"), rct(effect="no_effect")]
    for ev in evs:
        ev["citation"] = None
    found = outcome(*evs)
    assert (found.level, found.rules_applied) == (
        1,
        ("supported", "mixed_evidence", "unverifiable"),
    )


# --- provisional, badges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evs", "provisional"),
    [
        (well_supported(), True),
        ([rct(result("recidivism", 6))], True),
        ([rct(result("recidivism", 5))], False),
        ([rct(effect="negative")], False),
    ],
)
def test_levels_4_and_5_may_be_provisional(evs, provisional):
    assert outcome(*evs).provisional_eligible is provisional


def badges(*evaluations, **options) -> tuple[str, ...]:
    return outcome(*evaluations, **options).badges


def test_country_badges():
    assert badges(rct(country="EL"), rct(country="US")) == (
        "EU-tested",
        "Tested in several countries",
    )
    assert badges(rct(country="US"), descriptive(country="us")) == ()


def test_independent_replication_needs_two_samples_in_f_one_independent():
    evs = well_supported()
    assert "Independent replication" in badges(*evs)
    evs[0]["sample_id"] = evs[1]["sample_id"] = "one"
    assert "Independent replication" not in badges(*evs)
    evs = well_supported()
    evs[0]["independent"] = False
    assert "Independent replication" not in badges(*evs)


@pytest.mark.parametrize(("months", "badge"), [(23, False), (24, True)])
def test_long_term_needs_a_finding_in_f_at_24_months(months, badge):
    assert ("Long-term" in badges(rct(result("recidivism", months)))) is badge


def test_long_term_ignores_derived_and_t3_findings():
    assert "Long-term" not in badges(rct(follow_up_months=36), rct(result("knowledge", 36)))


def test_routine_practice_needs_a_strong_evaluation():
    assert badges(qed(routine_practice=True)) == ("Routine practice",)
    assert badges(low(routine_practice=True), qed(routine_practice=None)) == ()


def test_manual_available():
    assert badges(manual_available=True) == ("Manual available",)
    assert badges(rct(), manual_available=None) == ()


def test_no_praise_badges_beside_negative_effects():
    evs = [*well_supported(), rct(result("recidivism", 24))]
    evs[0].update(country="DE", routine_practice=True)
    assert badges(*evs) == (
        "EU-tested",
        "Independent replication",
        "Long-term",
        "Routine practice",
    )
    evs.append(qed(effect="negative"))
    assert badges(*evs) == ("EU-tested", "Routine practice")
