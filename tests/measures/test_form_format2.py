"""The measure form for record format 2: appraisal fields, results per outcome and time point,
the programme profile, rows added and removed without JavaScript, drafts, and bad input."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.core.extensions import db
from app.measures.io import export_records
from app.measures.mapping import revision_to_record
from app.measures.models import Measure, MeasureStatus
from app.records.schema import validate_record
from tests.conftest import make_user
from tests.measures.conftest import count, field_error, form_data, sign_in, summary_errors


@pytest.fixture()
def owner(client):
    user = make_user(organisation="Org A")
    sign_in(client, user)
    return user


def rows(prefix: str, *items: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}-{i}-{k}": v for i, item in enumerate(items) for k, v in item.items()}


RESULT_FAVOURABLE = {
    "outcome": "disclosure", "measure": "Disclosures to a trusted adult", "timepoint_months": "0",
    "direction": "favourable", "effect_size": "0.35", "effect_size_type": "g", "ci_low": "0.1",
    "ci_high": "0.6", "p_value": "0.01", "n": "380", "primary": "yes",
}  # fmt: skip
RESULT_NONE = {
    "outcome": "knowledge", "measure": "", "timepoint_months": "12", "direction": "no_effect",
    "effect_size": "", "effect_size_type": "", "ci_low": "", "ci_high": "", "p_value": "0.4",
    "n": "350", "primary": "",
}  # fmt: skip


def format2_data(**overrides):
    data = form_data(
        **{
            "summary_en": "A ten-session classroom programme teaching children body safety.",
            "theory_of_change": "Knowledge of body safety lowers the barrier to telling.",
            "population_level": "universal",
            "dosage": "Ten weekly 45-minute lessons",
            "unit_cost_eur": "35.5",
            "unit_cost_per": "participant",
            "cost_price_year": "2022",
            "cost_benefit": "Not yet studied.",
            "training_hours": "14",
            "certification_required": "no",
            "staff_qualifications": "Primary school teachers",
            "fidelity_tools": "Lesson checklists",
            "licence": "free_registration",
            "cost_level": "",
            "evaluations-0-sample_id": "safe-together-trial",
            "evaluations-0-clusters": "24",
            "evaluations-0-baseline_equivalence": "established",
            "evaluations-0-differential_attrition_pct": "3",
            "evaluations-0-time_points_before": "",
            "evaluations-0-time_points_after": "",
            "evaluations-0-routine_practice": "yes",
            "evaluations-0-doi": "10.1111/jsm.12785",
            "evaluations-0-effect": "",
            **rows("evaluations-0-results", RESULT_FAVOURABLE, RESULT_NONE),
            **rows(
                "contacts",
                {
                    "role": "developer",
                    "name": "Programme office",
                    "email": "office@example.org",
                    "url": "",
                    "country": "DE",
                },
            ),
            **rows(
                "external_ratings",
                {
                    "registry": "Example registry (synthetic)",
                    "rating": "Promising",
                    "year": "2021",
                    "url": "https://registry.example.org/safe",
                },
            ),
            **rows(
                "references",
                {
                    "citation": "Safe Together manual, 2nd edition",
                    "doi": "",
                    "url": "",
                    "open_access": "yes",
                },
            ),
        }
    )
    data.update(overrides)
    return data


EXPECTED_RESULTS = [
    {
        "outcome": "disclosure", "measure": "Disclosures to a trusted adult",
        "timepoint_months": 0, "direction": "favourable", "effect_size": 0.35,
        "effect_size_type": "g", "p_value": 0.01, "ci_low": 0.1, "ci_high": 0.6, "n": 380,
        "primary": True,
    },
    {"outcome": "knowledge", "timepoint_months": 12, "direction": "no_effect", "p_value": 0.4,
     "n": 350},
]  # fmt: skip


def only_measure() -> Measure:
    measures = db.session.scalars(db.select(Measure)).all()
    assert len(measures) == 1
    return measures[0]


# --- round trip ------------------------------------------------------------------------------


def test_form_round_trip_stores_what_was_typed_and_the_export_carries_it(client, owner):
    response = client.post("/measures/new", data=format2_data())
    assert response.status_code == 302, summary_errors(response.text)
    measure = only_measure()
    record = revision_to_record(measure.working_revision)
    assert record["summary_en"].startswith("A ten-session")
    assert record["population_level"] == "universal"
    assert record["dosage"] == "Ten weekly 45-minute lessons"
    assert (record["unit_cost_eur"], record["unit_cost_per"], record["cost_price_year"]) == (
        35.5, "participant", 2022,
    )  # fmt: skip
    assert record["cost_level"] == "low"  # derived from the unit cost
    assert record["training_hours"] == 14 and record["certification_required"] is False
    assert record["licence"] == "free_registration"
    assert record["contacts"] == [
        {"role": "developer", "name": "Programme office", "email": "office@example.org",
         "country": "DE"},
    ]  # fmt: skip
    assert record["external_ratings"] == [
        {"registry": "Example registry (synthetic)", "rating": "Promising", "year": 2021,
         "url": "https://registry.example.org/safe"},
    ]  # fmt: skip
    assert record["references"] == [
        {"citation": "Safe Together manual, 2nd edition", "open_access": True}
    ]
    evaluation = record["evaluations"][0]
    assert evaluation["sample_id"] == "safe-together-trial"
    assert evaluation["clusters"] == 24
    assert evaluation["baseline_equivalence"] == "established"
    assert evaluation["differential_attrition_pct"] == 3
    assert evaluation["routine_practice"] is True
    assert evaluation["doi"] == "10.1111/jsm.12785"
    assert "effect" not in evaluation  # with results, the overall effect may be left out
    assert evaluation["results"] == EXPECTED_RESULTS
    assert validate_record(record) == record  # what is stored is a valid record as it is

    exported = [r for r in export_records("all") if r["title"] == record["title"]]
    assert len(exported) == 1
    for key in ("summary_en", "unit_cost_eur", "contacts", "external_ratings", "references"):
        assert exported[0][key] == record[key], key
    assert exported[0]["evaluations"][0]["results"] == EXPECTED_RESULTS


def test_edit_form_shows_the_saved_results_and_profile_and_saves_them_unchanged(client, owner):
    client.post("/measures/new", data=format2_data())
    measure = only_measure()
    before = revision_to_record(measure.working_revision)
    html = client.get(f"/measures/{measure.id}/edit").text
    assert re.search(r'name="evaluations-0-results-1-timepoint_months" [^>]*value="12"', html)
    assert re.search(r'name="contacts-0-email" [^>]*value="office@example.org"', html)
    assert re.search(r'name="evaluations-0-doi" [^>]*value="10.1111/jsm.12785"', html)
    # Saving the edit form as shown, with its evaluation id, changes nothing.
    source = re.search(r'name="evaluations-0-source" type="hidden" value="(\d+)"', html)
    data = format2_data(**{"evaluations-0-source": source.group(1)})
    assert client.post(f"/measures/{measure.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert revision_to_record(only_measure().current_revision) == before


def test_appraisal_fields_are_explained_in_plain_words(client, owner):
    html = client.get("/measures/new").text
    assert "Were the groups alike before the programme started?" in html
    assert "Difference in attrition between the groups, in percentage points" in html
    assert "Delivered by ordinary services under routine conditions" in html
    assert "so that they count as one sample" in html
    for name in ("sample_id", "clusters", "time_points_before", "time_points_after"):
        assert f'name="evaluations-0-{name}"' in html, name


# --- rows without JavaScript ---------------------------------------------------------------


def test_add_another_result_re_renders_with_one_more_row_keeping_what_was_typed(client, owner):
    data = format2_data(action="add:evaluations-0-results")
    response = client.post("/measures/new", data=data)
    assert response.status_code == 200
    html = response.text
    assert count(Measure) == 0
    assert 'name="evaluations-0-results-2-outcome"' in html
    assert 'name="evaluations-0-results-3-outcome"' not in html
    assert re.search(r'name="evaluations-0-results-0-effect_size" [^>]*value="0.35"', html)
    assert re.search(r'name="contacts-0-name" [^>]*value="Programme office"', html)
    assert "An empty result row was added. Nothing has been saved yet." in html
    assert field_error(html, "evaluations-0-results-2-outcome") is None


def test_remove_a_result_row_renumbers_the_rest_and_the_empty_added_row_is_ignored(client, owner):
    data = format2_data(action="remove:evaluations-0-results-0")
    html = client.post("/measures/new", data=data).text
    assert count(Measure) == 0
    assert "The result was removed from the form." in html
    assert re.search(r'name="evaluations-0-results-0-timepoint_months" [^>]*value="12"', html)
    assert 'name="evaluations-0-results-1-outcome"' not in html
    # Post back what is shown, with one empty row added: the empty row is left out.
    data = {k: v for k, v in format2_data().items() if not k.startswith("evaluations-0-results-")}
    data.update(rows("evaluations-0-results", RESULT_NONE, {"outcome": "", "direction": ""}))
    data["evaluations-0-effect"] = "positive"
    response = client.post("/measures/new", data=data)
    assert response.status_code == 302, summary_errors(response.text)
    stored = revision_to_record(only_measure().working_revision)["evaluations"][0]["results"]
    assert stored == [EXPECTED_RESULTS[1]]


def test_rows_of_contacts_ratings_and_references_are_added_and_removed_alike(client, owner):
    for name, what in (
        ("contacts", "contact"), ("external_ratings", "rating"), ("references", "reference")
    ):  # fmt: skip
        html = client.post("/measures/new", data=format2_data(action=f"add:{name}")).text
        assert f"An empty {what} row was added." in html
        assert f'id="{name}-1"' in html
        html = client.post("/measures/new", data=format2_data(action=f"remove:{name}-0")).text
        assert f'id="{name}-0"' not in html
        assert f"The {what} was removed from the form." in html
    assert count(Measure) == 0


def test_a_row_that_does_not_exist_is_not_removed_and_a_made_up_list_gets_nothing(client, owner):
    html = client.post("/measures/new", data=format2_data(action="remove:contacts-9")).text
    assert re.search(r'name="contacts-0-name" [^>]*value="Programme office"', html)
    html = client.post("/measures/new", data=format2_data(action="add:passwords")).text
    assert "Nothing was added" in html
    assert count(Measure) == 0


def test_the_page_carries_a_template_row_for_scripts_and_it_is_never_saved(client, owner):
    html = client.get("/measures/new").text
    template = re.search(
        r'data-row-list="evaluations-0-results".*?<template data-row-template>(.*?)</template>',
        html,
        re.S,
    )
    assert template and 'name="evaluations-0-results-__results__-outcome"' in template.group(1)
    assert 'data-placeholder="__results__"' in html


# --- drafts in stages ------------------------------------------------------------------------


def test_save_draft_and_continue_stores_a_draft_and_returns_to_the_next_section(client, owner):
    data = form_data(action="continue:implementation", dosage="Ten lessons")
    response = client.post("/measures/new", data=data)
    measure = only_measure()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/measures/{measure.id}/edit#implementation")
    assert measure.status == MeasureStatus.DRAFT
    assert measure.working_revision.dosage == "Ten lessons"
    # Coming back later: the form shows the draft, and the next stage adds to it.
    html = client.get(f"/measures/{measure.id}/edit").text
    assert 'value="Ten lessons"' in html
    source = re.search(r'name="evaluations-0-source" type="hidden" value="(\d+)"', html)
    data = form_data(
        action="continue:cost",
        dosage="Ten lessons",
        training_hours="14",
        licence="open",
        **{"evaluations-0-source": source.group(1)},
    )
    client.post(f"/measures/{measure.id}/edit", data=data)
    db.session.expire_all()
    revision = only_measure().working_revision
    assert (revision.training_hours, revision.licence) == (14, "open")
    assert only_measure().status == MeasureStatus.DRAFT


def test_every_section_but_the_last_ends_with_save_draft_and_continue(client, owner):
    html = client.get("/measures/new").text
    assert re.findall(r'value="continue:(\w+)"', html) == [
        "reach", "programme", "implementation", "cost", "contacts", "evaluations",
    ]  # fmt: skip


# --- bad input ---------------------------------------------------------------------------------

THIS_YEAR = date.today().year
R = "evaluations-0-results-0"
BAD_INPUT = [
    ({"summary_en": "Too short"}, "summary_en", "English summary must be at least 20 characters"),
    ({"population_level": "everyone"}, "population_level", "Who it reaches must be one of"),
    ({"training_hours": "-2"}, "training_hours", "must be at least 0"),
    ({"training_hours": "a day"}, "training_hours", "must be a number"),
    ({"licence": "gpl"}, "licence", "must be one of"),
    (
        {"unit_cost_per": "", "cost_price_year": ""},
        "unit_cost_per",
        "The unit the cost is for is required with unit cost (EUR)",
    ),
    (
        {"cost_price_year": "1800"},
        "cost_price_year",
        "Price year of the unit cost must be at least",
    ),
    (
        {"evaluations-0-year": str(THIS_YEAR + 1)},
        "evaluations-0-year",
        f"Evaluation 1: Year of the report must not be later than {THIS_YEAR}",
    ),
    (
        {"evaluations-0-differential_attrition_pct": "120"},
        "evaluations-0-differential_attrition_pct",
        "must be at most 100",
    ),
    (
        {"evaluations-0-baseline_equivalence": "sort of"},
        "evaluations-0-baseline_equivalence",
        "must be one of",
    ),
    ({"evaluations-0-clusters": "0"}, "evaluations-0-clusters", "must be at least 1"),
    ({"evaluations-0-doi": "doi.org/abc"}, "evaluations-0-doi", "DOI must be a DOI such as"),
    (
        {"evaluations-0-routine_practice": "often"},
        "evaluations-0-routine_practice",
        "must be true or false",
    ),
    (
        {f"{R}-outcome": "recidivism"},
        f"{R}-outcome",
        "Evaluation 1, result 1: Outcome: “Recidivism” is not listed in this evaluation's outcomes",
    ),
    ({f"{R}-timepoint_months": ""}, f"{R}-timepoint_months", "result 1: Months after the"),
    ({f"{R}-direction": ""}, f"{R}-direction", "What was found is required"),
    (
        {f"{R}-effect_size_type": ""},
        f"{R}-effect_size_type",
        "Type of effect size is required with effect size",
    ),
    (
        {f"{R}-ci_low": "0.7"},
        f"{R}-ci_high",
        "must not be less than confidence interval, lower bound (0.7)",
    ),
    ({f"{R}-p_value": "1.5"}, f"{R}-p_value", "p value must be at most 1"),
    (
        {f"{R}-p_value": "0.2"},
        f"{R}-p_value",
        "must be below 0.05 when direction is favourable: a result that is not statistically"
        " significant has direction no effect",
    ),
    ({f"{R}-n": "0"}, f"{R}-n", "Participants in this analysis must be at least 1"),
    (
        {"contacts-0-email": ""},
        "contacts-0-email",
        "Contact 1: Email needs an email or a web address, or both",
    ),
    ({"contacts-0-email": "nobody"}, "contacts-0-email", "must be an email address such as"),
    ({"contacts-0-role": ""}, "contacts-0-role", "Contact 1: Role is required"),
    ({"external_ratings-0-url": ""}, "external_ratings-0-url", "Rating 1: Web address is required"),
    ({"external_ratings-0-year": "1980"}, "external_ratings-0-year", "must be at least 1990"),
    ({"references-0-citation": ""}, "references-0-citation", "Reference 1: Citation is required"),
    ({"references-0-url": "example.org"}, "references-0-url", "must be a web address"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), BAD_INPUT)
def test_bad_input_is_refused_in_words_on_its_field_and_in_the_summary(
    client, owner, overrides, field_id, message
):
    response = client.post("/measures/new", data=format2_data(**overrides))
    assert response.status_code == 200
    assert count(Measure) == 0
    assert field_error(response.text, field_id) is not None
    lines = summary_errors(response.text)
    assert any(message in line for line in lines), lines
    assert f'href="#{field_id}"' in response.text
    for line in lines:
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", line), f"an internal name in {line!r}"
        assert ": is required" not in line and ": must" not in line, line


def test_error_messages_are_sentences_not_fragments(client, owner):
    html = client.post("/measures/new", data=form_data(title="", age_min="12", age_max="8")).text
    lines = summary_errors(html)
    assert "Title is required" in lines
    assert "Oldest age must not be less than minimum age (12)" in lines


def test_a_report_year_later_than_this_year_is_refused_by_the_import_in_the_same_words(app):
    from app.records.schema import RecordInvalid
    from tests.conftest import sample_record

    record = sample_record()
    record["evaluations"][0]["year"] = THIS_YEAR + 1
    with pytest.raises(RecordInvalid) as refused:
        validate_record(record)
    assert str(refused.value) == f"evaluations[0].year: must not be later than {THIS_YEAR}"
    record["evaluations"][0]["year"] = THIS_YEAR
    validate_record(record)
