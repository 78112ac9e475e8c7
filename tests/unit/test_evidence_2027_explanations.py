"""Ruleset 2027.1 explanations: findings counted, deciding rule, next steps, stored form."""

import json
import re
from types import ModuleType

import pytest

from app.evidence import contrasts, next_steps, ruleset_2027, study_rating
from app.evidence.decisions import DECISIONS
from app.evidence.ruleset_2027 import EvidenceResult, compute_evidence
from app.evidence.ruleset_changes import record_change, summary
from tests.unit.evidence_2027_helpers import descriptive, low, qed, rct, result, well_supported


def test_counted_names_each_finding_by_study_sample_outcome_time_and_direction():
    found = compute_evidence([rct(result("recidivism", 12), year=2018), qed(result("disclosure"))])
    assert found.counted == (
        "randomised trial (2018), high, sample 1: recidivism 12 months after the programme,"
        " favourable",
        "quasi-experiment (2020), moderate, sample 2: disclosure at the end of the programme,"
        " favourable",
    )
    assert [c.counted for c in found.contrasts] == [True, True]


def test_counted_says_when_a_finding_is_only_an_overall_effect():
    (line,) = compute_evidence([low(outcomes=["knowledge"], follow_up_months=3)]).counted
    assert line == (
        "pre-post study (2020), low, sample 1: knowledge 3 months after the programme,"
        " favourable (overall effect; no results per outcome)"
    )


def test_only_the_findings_behind_the_deciding_rule_are_counted():
    found = compute_evidence([rct(result("recidivism", 6), result("knowledge", 0)), low()])
    assert [c.counted for c in found.contrasts] == [True, False, False]


def test_level_explanation_and_deciding_rule():
    found = compute_evidence(well_supported())
    assert found.rule == "well_supported"
    assert found.decision == found.reasons[0]
    assert found.decision == ruleset_2027.LEVEL_5 % {"samples": 2}
    assert "from 2 different samples, one of them from a high-rated trial" in found.decision
    assert found.next_steps == ()
    assert found.next_step is None


def test_studies_carry_their_rating_and_reason():
    found = compute_evidence([rct(), qed(baseline_equivalence=None, sample_id="x")])
    assert [(s.rating, s.sample, s.sample_id) for s in found.studies] == [
        ("high", 1, None),
        ("low", 2, "x"),
    ]
    assert found.studies[1].reason == "low: quasi-experiment without shown baseline equivalence"


@pytest.mark.parametrize(
    ("evs", "steps"),
    [
        ([], ("A first evaluation of the measure would reach level 1 (Emerging).",)),
        (
            [descriptive()],
            (next_steps.DESCRIPTIVE_ONLY, next_steps.TO_LEVEL_2_OR_3),
        ),
        ([low(effect="no_effect")], (next_steps.TO_LEVEL_2_OR_3,)),
        ([low()], (next_steps.TO_LEVEL_3,)),
        (
            [rct(follow_up_months=12)],
            (
                "Results per outcome and time point for the randomised trial (2020) are needed"
                " before its findings can count above level 3 (Promising): an overall effect"
                " alone counts at most as Promising.",
                next_steps.TO_LEVEL_4,
            ),
        ),
        ([rct(result("knowledge", 12))], (next_steps.TO_LEVEL_4,)),
        ([rct(result("recidivism", 5))], (next_steps.TO_LEVEL_4_SIX_MONTHS,)),
        ([qed(result("recidivism", 6))], (next_steps.TO_LEVEL_4_RIGOUR,)),
        (
            [rct(effect="negative")],
            (next_steps.WHILE_HARM,),
        ),
        ([rct(effect="no_effect")], (next_steps.REPLACE_NO_EFFECT,)),
    ],
    ids=[
        "none",
        "descriptive",
        "emerging",
        "preliminary",
        "derived",
        "no_t1_t2",
        "5_months",
        "one_moderate",
        "harm",
        "no_effect",
    ],
)
def test_next_steps_say_what_would_raise_the_level(evs, steps):
    assert compute_evidence(evs).next_steps == steps


def test_one_missing_level_5_condition_is_what_would_reach_it():
    evs = well_supported()
    evs[0]["independent"] = False
    assert compute_evidence(evs).next_steps == (
        "A favourable T1/T2 finding 12 months or more after the programme from an independent"
        " evaluation would reach level 5 (Well supported).",
    )


def test_several_missing_level_5_conditions_are_each_named():
    steps = compute_evidence([rct(result("recidivism", 6))]).next_steps
    assert steps == tuple(
        next_steps.LEVEL_5_NEEDS[name]
        for name in ("two_samples", "independent_12", "peer_reviewed", "routine_practice")
    )


def test_unverifiable_step_names_the_level_it_would_restore():
    (step,) = compute_evidence([rct(result("recidivism", 6), citation=None)]).next_steps
    assert step == (
        "A citation, a link, a DOI or an attached report for any evaluation would make the"
        " evidence verifiable and restore level 4 (Supported)."
    )


def test_mixed_step_says_how_many_more_samples_would_balance():
    evs = [rct(result("recidivism", 6)), rct(effect="no_effect"), rct(effect="no_effect")]
    assert compute_evidence(evs).next_steps == (next_steps._balance(1),)
    evs.append(rct(effect="no_effect"))
    assert compute_evidence(evs).next_steps == (next_steps._balance(2),)


def test_confirmed_harm_step():
    found = compute_evidence([low(effect="negative")], harm_review="confirmed")
    assert found.next_steps == (next_steps.HARM_CONFIRMED,)


# --- stored form ---------------------------------------------------------------------------------


def test_to_dict_keeps_the_2026_keys_and_round_trips_through_json():
    found = compute_evidence([*well_supported(), low(country="DE")], manual_available=True)
    data = json.loads(json.dumps(found.to_dict()))
    assert {"level", "label", "harm_flag", "badges", "ruleset", "reasons", "counted"} <= set(data)
    assert data["next_step"] is None
    assert data["studies"][0]["points"] == list(found.studies[0].points)
    assert EvidenceResult.from_dict(data) == found


def test_from_dict_raises_key_error_when_a_field_is_missing():
    data = compute_evidence([]).to_dict()
    del data["rule"]
    with pytest.raises(KeyError):
        EvidenceResult.from_dict(data)


# --- sentences and decisions ---------------------------------------------------------------------


def templates(module: ModuleType) -> list[str]:
    found = []
    for value in vars(module).values():
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found += [v for v in value.values() if isinstance(v, str)]
    return found


@pytest.mark.parametrize("module", [study_rating, contrasts, next_steps, ruleset_2027])
def test_every_sentence_uses_named_placeholders_only(module):
    # gettext style: %(name)s, and %% for a percent sign in a sentence with placeholders.
    for template in templates(module):
        assert "{" not in template, template
        if "%(" in template:
            assert "%" not in re.sub(r"%\(\w+\)[sd]|%%", "", template), template


def test_decisions_are_listed_for_the_methodology_page():
    keys = [key for key, _ in DECISIONS]
    assert len(keys) == len(set(keys)) >= 10
    assert all(text.endswith((".", ")")) for _, text in DECISIONS)


# --- comparing rulesets --------------------------------------------------------------------------


def test_ruleset_change_names_old_new_and_the_deciding_rule():
    record = {"external_id": "m-1", "evaluations": [rct(follow_up_months=12)]}
    change = record_change(record)
    assert change.changed
    assert change.describe() == "4 Supported → 3 Promising (§4 level 3, Promising)"
    same = record_change({"external_id": "m-2", "evaluations": [low()]})
    counts = summary([change, same])
    assert counts["direction"] == {"lowered": 1, "unchanged": 1}
    assert counts["rule"] == {"§4 level 3, Promising": 1}
