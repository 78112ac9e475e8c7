"""Ruleset 2027.1, contrasts and samples (EVIDENCE-2027 §1 and §3)."""

import pytest

from app.evidence.contrasts import (
    contrasts_of,
    findings_table,
    possible_shared_samples,
    studies_of,
)
from tests.unit.evidence_2027_helpers import low, qed, rct, result


def contrasts(*evaluations):
    evaluations = list(evaluations)
    return contrasts_of(evaluations, studies_of(evaluations))


def test_each_result_is_an_explicit_contrast():
    found = contrasts(rct(result("knowledge", 0), result("sexual_offending", 6, "no_effect")))
    assert [(c.outcome, c.tier, c.timepoint_months, c.direction, c.explicit) for c in found] == [
        ("knowledge", 3, 0, "favourable", True),
        ("sexual_offending", 1, 6, "no_effect", True),
    ]


def test_explicit_contrast_keeps_the_figures_for_the_findings_table():
    finding = result(
        "risk_factors",
        12,
        measure="self-reported CSAM use, past 30 days",
        effect_size=-0.4,
        effect_size_type="d",
        p_value=0.01,
        ci_low=-0.7,
        ci_high=-0.1,
        n=180,
        primary=True,
    )
    (c,) = contrasts(rct(finding))
    assert (c.measure, c.effect_size, c.effect_size_type, c.p_value) == (
        "self-reported CSAM use, past 30 days",
        -0.4,
        "d",
        0.01,
    )
    assert (c.ci_low, c.ci_high, c.n, c.primary) == (-0.7, -0.1, 180, True)


@pytest.mark.parametrize(
    ("effect", "direction"),
    [
        ("positive", "favourable"),
        ("negative", "unfavourable"),
        ("no_effect", "no_effect"),
        ("mixed", "no_effect"),
    ],
)
def test_without_results_the_effect_gives_one_derived_contrast_per_outcome(effect, direction):
    found = contrasts(rct(effect=effect, outcomes=["knowledge", "recidivism"], follow_up_months=9))
    assert [(c.outcome, c.timepoint_months, c.direction, c.explicit) for c in found] == [
        ("knowledge", 9, direction, False),
        ("recidivism", 9, direction, False),
    ]


@pytest.mark.parametrize("effect", ["not_reported", None, "unknown"])
def test_an_unreported_effect_gives_no_contrast(effect):
    assert contrasts(rct(effect=effect)) == ()


def test_derived_contrast_without_follow_up_is_at_0_months():
    (c,) = contrasts(rct())
    assert c.timepoint_months == 0


def test_derived_contrast_without_outcomes_has_no_outcome():
    (c,) = contrasts(rct(outcomes=[]))
    assert (c.outcome, c.tier) == (None, None)


def test_an_outcome_listed_twice_gives_one_derived_contrast():
    assert len(contrasts(rct(outcomes=["knowledge", "knowledge"]))) == 1


def test_empty_results_fall_back_to_derived_contrasts():
    (c,) = contrasts(rct(results=[]))
    assert not c.explicit


def test_with_results_the_overall_effect_is_ignored():
    found = contrasts(rct(result("knowledge", 0), effect="negative"))
    assert [c.direction for c in found] == ["favourable"]


def test_a_result_with_an_unknown_direction_is_skipped():
    found = contrasts(rct(result("knowledge", direction="positive"), result("skills")))
    assert [c.outcome for c in found] == ["skills"]


# --- samples -------------------------------------------------------------------------------------


def test_without_sample_id_every_evaluation_is_a_sample_of_its_own():
    assert [s.sample for s in studies_of([rct(), rct(), qed()])] == [1, 2, 3]


def test_evaluations_with_the_same_sample_id_are_one_sample():
    evs = [rct(sample_id="trial-a"), qed(), rct(sample_id=" trial-a "), low(sample_id="trial-b")]
    assert [s.sample for s in studies_of(evs)] == [1, 2, 1, 3]


def test_sample_ids_are_compared_exactly():
    evs = [rct(sample_id="trial-a"), rct(sample_id="Trial-A")]
    assert [s.sample for s in studies_of(evs)] == [1, 2]


def test_the_same_trial_entered_twice_without_sample_id_is_listed_for_the_moderator():
    evs = [rct(doi="10.1111/jsm.12785"), rct(doi="10.1111/JSM.12785"), rct(citation="Other")]
    assert possible_shared_samples(evs) == ((0, 1),)
    evs[1]["sample_id"] = evs[0]["sample_id"] = "dunkelfeld"
    assert possible_shared_samples(evs) == ()


def test_study_names_the_evaluation_by_design_and_year():
    names = [s.name for s in studies_of([rct(), qed(year=None), {"design": "survey"}])]
    assert names == [
        "randomised trial (2020)",
        "quasi-experiment (year not given)",
        "evaluation of unknown design (year not given)",
    ]


@pytest.mark.parametrize(
    ("fields", "verifiable"),
    [
        ({}, True),
        ({"citation": None}, False),
        ({"citation": "   "}, False),
        ({"citation": None, "url": "https://example.org/report"}, True),
        ({"citation": None, "doi": "10.1111/jsm.12785"}, True),
        ({"citation": None, "has_report": True}, True),
    ],
)
def test_an_evaluation_is_verifiable_by_citation_link_doi_or_report(fields, verifiable):
    (study,) = studies_of([rct(**fields)])
    assert study.verifiable is verifiable


# --- the outcome × time point table --------------------------------------------------------------


def test_findings_table_puts_outcomes_in_tier_order_and_time_points_in_months():
    found = contrasts(
        rct(result("knowledge", 0), result("recidivism", 12), result("recidivism", 0)),
        qed(result("disclosure", 6, "no_effect")),
        rct(outcomes=[], effect="positive"),
    )
    table = findings_table(found)
    assert table.timepoints == (0, 6, 12)
    assert [outcome for outcome, _ in table.rows] == ["recidivism", "disclosure", "knowledge", None]
    recidivism = table.rows[0][1]
    assert [len(cell) for cell in recidivism] == [1, 0, 1]
    assert recidivism[2][0].timepoint_months == 12
