"""The methodology page's content is derived from the rules: its examples are decided by the
rules they illustrate, its thresholds are the rules' own."""

from __future__ import annotations

from app.evidence import methodology, study_rating
from app.evidence.ruleset_2027 import RULES, RULESET_VERSION
from app.evidence.scale import LEVEL_NAMES


def test_every_rule_has_a_reader_title_and_a_worked_example_decided_by_it():
    assert methodology.RULE_TITLES.keys() == RULES.keys()
    examples = methodology.rule_examples()
    # Every rule a level or label can come from, except the experts' reviews (§7), which need
    # a moderator's verdict and are described beside the examples.
    assert {e.rule for e in examples} == set(RULES) - {"harm_confirmed", "harm_not_confirmed"}
    for example in examples:
        assert example.result.rule == example.rule, example.rule
        assert example.result.decision in example.result.reasons


def test_the_worked_examples_reach_every_level_and_both_verdicts():
    results = {e.rule: e.result for e in methodology.rule_examples()}
    for level, name in enumerate(LEVEL_NAMES):
        rule = next(r for r, t in methodology.RULE_TITLES.items() if t == f"Level {level}: {name}")
        assert (results[rule].level, results[rule].label) == (level, name)
    assert results["negative_effects"].label == "Negative effects found"
    assert results["negative_effects"].harm_flag
    assert results["no_effect_found"].label == "No effect found"
    assert results["mixed_evidence"].level == 2
    assert results["unverifiable"].level == results["promising"].level - 1


def test_the_study_rating_rules_quote_the_thresholds_and_their_examples_are_rated_by_rate_study():
    rules = methodology.rating_rules()
    rct = rules[0]
    assert f"at most {study_rating.MAX_ATTRITION_PCT} %" in rct.rule
    assert f"at least {study_rating.MIN_SAMPLE_SIZE} analysed" in rct.rule
    assert f"at least {study_rating.MIN_CLUSTERS} clusters" in rules[1].rule
    ratings = [rating for _, rating in rct.examples]
    assert ratings == [
        "high: randomised, 10 % attrition, 2 points between the groups; 120 analysed",
        "moderate: randomised, but 28 % attrition; groups shown equivalent at baseline",
        "low: randomised, but attrition not reported; baseline equivalence not reported",
    ]
    assert rules[1].examples[0][1].startswith("moderate:")  # 2 clusters are too few for high


def test_a_trial_and_its_follow_up_paper_are_one_sample():
    lines, count = methodology.sample_example()
    assert count == 2
    assert lines == [
        "randomised trial (2015): sample 1",
        "randomised trial (2019): sample 1",
        "quasi-experiment (2021): sample 2",
    ]


def test_the_page_is_versioned_like_the_rules():
    page = methodology.page()
    assert page["version"] == RULESET_VERSION
    assert page["history"][0].version == RULESET_VERSION
    assert [v.version for v in page["history"]] == [RULESET_VERSION, "2026.1"]
    anchors = [step.anchor for step in page["scale"]]
    assert anchors == [f"level-{n}" for n in range(5, -1, -1)] + ["negative-effects", "no-effect"]


def test_the_decisions_are_shown_without_the_specs_section_numbers():
    shown = methodology.decisions()
    assert len(shown) == len(methodology.DECISIONS)
    assert all("§" not in text for _, text in shown)
    verdicts = dict(shown)["verdicts_before_verifiability"]
    assert "before the unverifiable rule, as the rules order them, so they stand" in verdicts
