"""The record diff a moderator reads: a pure function over two record dicts."""

from __future__ import annotations

import copy

from app.moderation.diff import (
    EvaluationChange,
    FieldChange,
    diff_records,
    display_value,
    evaluation_title,
    field_label,
)
from tests.conftest import sample_record


def _pair(**changes):
    old = sample_record()
    new = copy.deepcopy(old)
    for key, value in changes.items():
        if value is None:
            new.pop(key, None)
        else:
            new[key] = value
    return old, new


def test_identical_records_have_an_empty_diff():
    old, new = _pair()
    diff = diff_records(old, new)
    assert not diff
    assert diff.fields == () and diff.evaluations == ()


def test_without_a_published_record_there_is_nothing_to_compare():
    assert not diff_records(None, sample_record())


def test_a_changed_text_field_shows_old_and_new_value():
    old, new = _pair(title="Safe Together, second edition")
    diff = diff_records(old, new)
    assert diff.fields == (
        FieldChange(
            "title", "changed", "Safe Together school programme", "Safe Together, second edition"
        ),
    )
    assert diff.fields[0].label == "Title"
    assert not diff.fields[0].is_list


def test_a_field_set_for_the_first_time_is_added_and_a_cleared_one_removed():
    old, new = _pair(website="https://example.org", age_min=None)
    changes = {c.key: c for c in diff_records(old, new).fields}
    assert changes["website"].kind == "added"
    assert changes["website"].old is None and changes["website"].new == "https://example.org"
    assert changes["age_min"].kind == "removed"
    assert changes["age_min"].old == 6 and changes["age_min"].new is None


def test_list_fields_name_the_added_and_removed_values():
    old, new = _pair(countries=["DE", "FR", "PL"])
    (change,) = diff_records(old, new).fields
    assert change.key == "countries"
    assert change.kind == "changed"
    assert change.added == ("FR", "PL")
    assert change.removed == ("AT",)
    assert change.old == ["DE", "AT"] and change.new == ["DE", "FR", "PL"]
    assert change.is_list


def test_reordering_a_list_is_not_a_change():
    old, new = _pair(countries=["AT", "DE"])
    assert not diff_records(old, new)


def test_a_list_filled_for_the_first_time_is_added():
    old, new = _pair()
    old.pop("abuse_forms")
    (change,) = diff_records(old, new).fields
    assert change.kind == "added"
    assert change.added == ("contact_abuse",) and change.removed == ()


def test_fields_come_in_the_order_of_the_record_format():
    old, new = _pair(title="A new title", summary="A" * 30, settings=["online"])
    assert [c.key for c in diff_records(old, new).fields] == ["title", "summary", "settings"]


def test_boolean_false_is_a_value_not_a_blank():
    old, new = _pair(manual_available=False)
    (change,) = diff_records(old, new).fields
    assert change.kind == "added" and change.new is False


def _evaluation(**overrides):
    evaluation = copy.deepcopy(sample_record()["evaluations"][0])
    evaluation.update(overrides)
    return evaluation


def test_an_added_evaluation_is_reported_with_its_data():
    second = _evaluation(design="pre_post", year=2021, citation="Follow-up report 2021")
    old, new = _pair()
    new["evaluations"] = [*old["evaluations"], second]
    diff = diff_records(old, new)
    assert diff.fields == ()
    assert diff.evaluations == (EvaluationChange("added", None, second),)
    assert diff.evaluations[0].title == "Pre–post, 2021, Germany"


def test_a_removed_evaluation_is_reported():
    second = _evaluation(design="pre_post", year=2021, citation="Follow-up report 2021")
    old, new = _pair()
    old["evaluations"] = [second, *old["evaluations"]]
    (change,) = diff_records(old, new).evaluations
    assert change.kind == "removed"
    assert change.old == second and change.new is None


def test_a_changed_evaluation_lists_its_changed_fields():
    old, new = _pair()
    new["evaluations"] = [
        _evaluation(effect="mixed", outcomes=["disclosure", "recidivism"], sample_size=None)
    ]
    (change,) = diff_records(old, new).evaluations
    assert change.kind == "changed"
    by_key = {f.key: f for f in change.fields}
    assert set(by_key) == {"sample_size", "outcomes", "effect"}
    assert by_key["effect"].old == "positive" and by_key["effect"].new == "mixed"
    assert by_key["outcomes"].added == ("recidivism",)
    assert by_key["outcomes"].removed == ("knowledge",)
    assert by_key["sample_size"].kind == "removed"


def test_evaluations_are_matched_by_citation_when_their_year_changed():
    old, new = _pair()
    new["evaluations"] = [_evaluation(year=2020)]
    (change,) = diff_records(old, new).evaluations
    assert change.kind == "changed"
    assert [f.key for f in change.fields] == ["year"]


def test_evaluations_are_matched_by_design_and_year_when_the_citation_changed():
    old, new = _pair()
    new["evaluations"] = [_evaluation(citation="Journal of Prevention 12(3), 2019")]
    (change,) = diff_records(old, new).evaluations
    assert change.kind == "changed"
    assert [f.key for f in change.fields] == ["citation"]


def test_reordered_evaluations_are_no_change():
    second = _evaluation(design="cohort", year=2012, citation="Cohort study")
    old, new = _pair()
    old["evaluations"] = [old["evaluations"][0], second]
    new["evaluations"] = [second, old["evaluations"][0]]
    assert not diff_records(old, new)


def test_an_unrelated_new_study_replacing_an_old_one_is_an_add_and_a_remove():
    old, new = _pair()
    replacement = _evaluation(design="qualitative", year=2023, citation="Interviews 2023")
    new["evaluations"] = [replacement]
    kinds = [c.kind for c in diff_records(old, new).evaluations]
    assert kinds == ["added", "removed"]


def test_display_value_reads_codes_as_words():
    assert display_value("countries", ["DE", "AT"]) == "Germany, Austria"
    assert display_value("languages", ["de"]) == "German"
    assert display_value("target_groups", ["parents_carers"]) == "Parents and carers"
    assert display_value("design", "rct") == "Randomised controlled trial"
    assert display_value("manual_available", True) == "Yes"
    assert display_value("independent", False) == "No"
    assert display_value("attrition_pct", 10.0) == "10"
    assert display_value("attrition_pct", 12.5) == "12.5"
    assert display_value("website", None) == "(not set)"
    assert display_value("countries", []) == "(not set)"
    assert display_value("title", "Plain text") == "Plain text"


def test_field_labels_and_evaluation_titles():
    assert field_label("age_min") == "Minimum age"
    assert field_label("status") == "Programme status"
    assert field_label("something_new") == "Something new"
    assert evaluation_title({"design": "cluster_rct", "year": 2018}) == (
        "Cluster randomised trial, 2018"
    )
    assert evaluation_title({}) == "Evaluation"
