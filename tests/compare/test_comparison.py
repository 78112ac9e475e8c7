"""The comparison table as data (app.compare.comparison): rows, cells and difference marks."""

from __future__ import annotations

from typing import Any

from app.compare.comparison import (
    NO_REVIEWS,
    ComparedMeasure,
    best_design,
    comparison_rows,
    describe_ages,
)
from app.compare.ratings import DimensionRating, RatingSummary
from app.records.schema import validate_record
from tests.conftest import sample_record


def measure(mid: int, evidence: dict[str, Any] | None = None, ratings=None, **overrides):
    record = validate_record(sample_record(**overrides))
    return ComparedMeasure(
        id=mid,
        title=record["title"],
        record=record,
        evidence=evidence
        or {"level": 4, "label": "Supported", "harm_flag": False, "reasons": ["Rule 4 held."]},
        ratings=ratings,
    )


def rows_by_key(*measures: ComparedMeasure):
    return {row.key: row for row in comparison_rows(measures)}


def study(**overrides: Any) -> dict[str, Any]:
    base = {"design": "pre_post", "year": 2020, "effect": "positive", "findings": "Better."}
    return {**base, **overrides}


def test_every_aspect_of_the_brief_is_a_row_in_a_fixed_order():
    rows = comparison_rows([measure(1), measure(2)])
    assert [r.key for r in rows] == [
        "evidence",
        "favourable_outcomes",
        "best_rating",
        "replication",
        "sustained",
        "studies",
        "follow_up",
        "effects",
        "outcomes",
        "external_ratings",
        "prevention_level",
        "population_level",
        "target_groups",
        "settings",
        "ages",
        "countries",
        "languages",
        "unit_cost",
        "cost",
        "training_hours",
        "licence",
        "certification",
        "manual",
        "rating_effectiveness",
        "rating_ease",
        "rating_transferability",
        "rating_value",
    ]
    assert all(len(r.cells) == 2 for r in rows)


def test_identical_measures_differ_nowhere():
    assert not any(r.differs for r in comparison_rows([measure(1), measure(2), measure(3)]))


def test_lists_in_another_order_do_not_differ_but_other_values_do():
    rows = rows_by_key(
        measure(1, countries=["DE", "AT"]),
        measure(2, countries=["AT", "DE"], target_groups=["children", "parents_carers"]),
    )
    assert not rows["countries"].differs
    assert rows["countries"].cells[0].items == ("Germany", "Austria")
    assert rows["target_groups"].differs
    assert rows["target_groups"].cells[1].items == ("Children", "Parents and carers")


def test_one_differing_measure_among_four_marks_the_row():
    rows = rows_by_key(measure(1), measure(2), measure(3), measure(4, cost_level="high"))
    assert rows["cost"].differs
    assert [c.text for c in rows["cost"].cells] == ["Not stated"] * 3 + ["High"]


def test_evidence_cell_shows_level_label_harm_flag_and_reasons():
    harmful = {
        "level": 2,
        "label": "Preliminary",
        "harm_flag": True,
        "reasons": ["Level 3 (Promising): one strong favourable study.", "Mixed evidence."],
    }
    rows = rows_by_key(measure(1), measure(2, evidence=harmful))
    plain, flagged = rows["evidence"].cells
    assert plain.text == "Level 4 of 5: Supported" and plain.flag is None
    assert plain.items == ("Rule 4 held.",)
    assert flagged.text == "Level 2 of 5: Preliminary"
    assert flagged.flag == "Harm signal: a study found an unfavourable effect"
    assert flagged.items[1] == "Mixed evidence."
    assert rows["evidence"].differs


def test_the_same_level_with_other_reasons_is_not_a_difference():
    other = {"level": 4, "label": "Supported", "harm_flag": False, "reasons": ["Other words."]}
    assert not rows_by_key(measure(1), measure(2, evidence=other))["evidence"].differs


def test_harm_flag_alone_makes_the_evidence_row_differ():
    flagged = {"level": 4, "label": "Supported", "harm_flag": True, "reasons": []}
    assert rows_by_key(measure(1), measure(2, evidence=flagged))["evidence"].differs


def test_studies_best_design_follow_up_effects_and_outcomes_summarise_the_evaluations():
    evaluations = [
        study(design="case_study", outcomes=["reach"], effect="not_reported"),
        study(
            design="quasi_experimental",
            baseline_equivalence="established",
            follow_up_months=24,
            outcomes=["victimisation"],
        ),
        study(design="cohort", follow_up_months=6, effect="no_effect", outcomes=["knowledge"]),
    ]
    rows = rows_by_key(measure(1), measure(2, evaluations=evaluations))
    assert [c.text for c in rows["studies"].cells] == ["1", "3"]
    # Ratings of ruleset 2027.1: the sample trial reports no differential attrition and no
    # baseline equivalence, so it is rated low, below the quasi-experiment with equivalent groups.
    assert rows["best_rating"].cells[0].text == "Low: Randomised controlled trial, 2019"
    assert rows["best_rating"].cells[1].text == "Moderate: Quasi-experimental, 2020"
    assert rows["best_rating"].cells[1].items[0].startswith("Moderate: quasi-experiment")
    assert [c.text for c in rows["follow_up"].cells] == ["12 months", "24 months"]
    assert rows["effects"].cells[0].items == ("Positive: 1 study",)
    assert rows["effects"].cells[1].items == (
        "Positive: 1 study",
        "No effect: 1 study",
        "Not reported: 1 study",
    )
    assert rows["outcomes"].cells[1].items == ("Knowledge", "Victimisation", "Reach")
    assert all(rows[k].differs for k in ("studies", "best_rating", "follow_up", "effects"))


def test_a_measure_without_evaluations_says_so_in_each_evidence_row():
    rows = rows_by_key(measure(1), measure(2, evaluations=[]))
    empty = {k: rows[k].cells[1] for k in ("studies", "best_rating", "follow_up", "effects")}
    assert empty["studies"].text == "None"
    assert empty["best_rating"].text == "No studies"
    assert rows["favourable_outcomes"].cells[1].text == "None"
    assert rows["sustained"].cells[1].text == "No favourable finding"
    assert rows["replication"].cells[1].text == "No"
    assert empty["follow_up"].text == "Not stated"
    assert empty["effects"].text == "No studies"
    assert rows["outcomes"].cells[1].text == "None stated"


def test_best_design_ranks_by_study_rating_before_design_order():
    # Ruleset 2027.1: a small RCT with low attrition is only "moderate"; a quasi-experiment
    # with equivalent groups is too. The RCT comes first in the design list, so it wins the
    # tie; a "high" cluster trial beats both.
    small_rct = study(design="rct", sample_size=20, attrition_pct=10, differential_attrition_pct=2)
    qed = study(design="quasi_experimental", baseline_equivalence="established")
    big_rct = study(
        design="cluster_rct", clusters=12, attrition_pct=5, differential_attrition_pct=2
    )
    assert best_design([qed, small_rct]) == ("rct", "moderate")
    assert best_design([qed, small_rct, big_rct]) == ("cluster_rct", "high")
    assert best_design([study(design="qualitative"), study(design="pre_post")]) == (
        "pre_post",
        "low",
    )
    assert best_design([]) is None


def test_ages_cost_and_manual_read_in_words():
    rows = rows_by_key(
        measure(1, age_min=None, age_max=None, manual_available=True),
        measure(2, age_min=12, age_max=None, cost_level="low", cost_notes="Free materials"),
    )
    assert [c.text for c in rows["ages"].cells] == ["Not stated", "From 12 years"]
    assert [c.text for c in rows["manual"].cells] == ["Available", "Not stated"]
    assert rows["cost"].cells[1].text == "Low"
    assert rows["cost"].cells[1].items == ("Free materials",)
    assert describe_ages(6, 10) == "6–10 years"
    assert describe_ages(None, 10) == "Up to 10 years"


def test_ratings_rows_show_mean_and_count_or_no_reviews_yet():
    rated = RatingSummary(
        dimensions=(
            DimensionRating("effectiveness", "Effectiveness in practice", 4.25, 4),
            DimensionRating("ease", "Ease of implementation", 3.0, 1),
        ),
        overall=3.9,
        count=4,
    )
    rows = rows_by_key(measure(1, ratings=rated), measure(2))
    assert rows["rating_effectiveness"].label == "Effectiveness in practice"
    assert [c.text for c in rows["rating_effectiveness"].cells] == [
        "4.2 of 5 (4 reviews)",
        NO_REVIEWS,
    ]
    assert rows["rating_ease"].cells[0].text == "3.0 of 5 (1 review)"
    assert rows["rating_value"].cells[0].text == NO_REVIEWS
    assert rows["rating_effectiveness"].differs
    assert not rows["rating_value"].differs


def test_sections_group_the_rows():
    rows = comparison_rows([measure(1), measure(2)])
    sections = [r.section for r in rows]
    assert sections.index("Who and where") > sections.index("Evidence")
    assert sections[-1] == "Peer ratings"
