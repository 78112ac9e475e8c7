"""The measure form: creating, editing, adding and removing evaluation rows, bad input."""

from __future__ import annotations

import re

import pytest

from app.audit.models import AuditEvent
from app.core.extensions import db
from app.measures.models import Evaluation, Measure, MeasureStatus, RevisionState
from app.records.schema import RecordInvalid, validate_record
from tests.conftest import make_measure, make_user, sample_record, supported_evaluation
from tests.measures.conftest import (
    count,
    evaluation_data,
    field_error,
    form_data,
    sign_in,
    sign_out,
    summary_errors,
)


@pytest.fixture()
def owner(client):
    user = make_user(organisation="Org A")
    sign_in(client, user)
    return user


def only_measure() -> Measure:
    measures = db.session.scalars(db.select(Measure)).all()
    assert len(measures) == 1
    return measures[0]


# --- creating ----------------------------------------------------------------------------


def test_new_form_shows_every_record_field_and_one_empty_evaluation_row(client, owner):
    html = client.get("/measures/new").text
    for name in (
        "title", "summary", "description", "external_id", "countries", "text_language",
        "languages", "prevention_level", "target_groups", "settings", "abuse_forms", "delivery",
        "age_min", "age_max", "organisation", "website", "start_year", "end_year", "status",
        "cost_level", "cost_notes", "implementation", "manual_available", "transferability",
    ):  # fmt: skip
        assert f'name="{name}"' in html, name
    for name in (
        "design", "year", "country", "sample_size", "comparison_group", "follow_up_months",
        "attrition_pct", "independent", "peer_reviewed", "outcomes", "effect", "effect_size",
        "findings", "citation", "url", "report",
    ):  # fmt: skip
        assert f'name="evaluations-0-{name}"' in html, name
    assert 'name="evaluations-1-design"' not in html
    assert 'value="Org A"' in html  # the organisation starts as the user's own
    assert 'enctype="multipart/form-data"' in html
    # EU Member States come first in the country list; the others are behind a <details>.
    countries = re.findall(r'name="countries" type="checkbox" value="(\w\w)"', html)
    assert countries[0] == "AT" and set(countries[:27]) == {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }  # fmt: skip
    assert "US" in countries[27:]


def test_saving_a_new_measure_stores_a_draft_and_redirects_to_its_page(client, owner):
    response = client.post("/measures/new", data=form_data())
    measure = only_measure()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/measures/{measure.id}")
    assert measure.status == MeasureStatus.DRAFT
    assert measure.owner_id == owner.id
    revision = measure.working_revision
    assert revision.title == "Safe Together school programme"
    assert revision.countries == ["DE", "AT"]
    assert revision.languages == ["de", "en"]
    assert revision.age_min == 6 and revision.age_max == 10
    assert revision.manual_available is True
    assert revision.end_year is None  # blank fields are left out of the record
    evaluation = revision.evaluations[0]
    assert (evaluation.design, evaluation.year, evaluation.attrition_pct) == ("rct", 2019, 10.0)
    assert evaluation.independent is True and evaluation.comparison_group is True
    assert evaluation.outcomes == ["disclosure", "knowledge"]
    # Ruleset 2027.1: a trial that reports no differential attrition and no baseline
    # equivalence is rated low, so its favourable effect gives level 2 (2026.1 gave 4).
    assert revision.evidence_level == measure.evidence_level == 2
    page = client.get(response.headers["Location"]).text
    assert "Draft saved." in page


def test_unknown_booleans_stay_unknown(client, owner):
    client.post(
        "/measures/new",
        data=form_data(
            manual_available="", **evaluation_data(0, independent="", peer_reviewed="no")
        ),
    )
    revision = only_measure().working_revision
    assert revision.manual_available is None
    assert revision.evaluations[0].independent is None
    assert revision.evaluations[0].peer_reviewed is False


def test_submit_for_review_saves_and_submits(client, owner):
    response = client.post("/measures/new", data=form_data(action="submit"))
    measure = only_measure()
    assert response.status_code == 302
    assert measure.status == MeasureStatus.SUBMITTED
    assert measure.working_revision.state == RevisionState.SUBMITTED
    assert "Submitted for review." in client.get(response.headers["Location"]).text
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["measure.created", "measure.submitted"]


def test_a_completely_empty_evaluation_row_is_ignored(client, owner):
    empty = evaluation_data(
        1, **dict.fromkeys(("design", "year", "country", "sample_size", "comparison_group"), ""),
        follow_up_months="", attrition_pct="", independent="", peer_reviewed="", outcomes=[],
        effect="", effect_size="", findings="", citation="", url="",
    )  # fmt: skip
    response = client.post("/measures/new", data=form_data(**empty))
    assert response.status_code == 302
    assert len(only_measure().working_revision.evaluations) == 1


def test_a_measure_can_be_saved_without_evaluations(client, owner):
    data = {k: v for k, v in form_data().items() if not k.startswith("evaluations-")}
    assert client.post("/measures/new", data=data).status_code == 302
    measure = only_measure()
    assert measure.working_revision.evaluations == []
    assert measure.evidence_level == 0


# --- rows without JavaScript ---------------------------------------------------------------------


def test_add_an_evaluation_button_adds_a_row_and_saves_nothing(client, owner):
    response = client.post("/measures/new", data=form_data(action="add:evaluations"))
    assert response.status_code == 200
    html = response.text
    assert 'name="evaluations-1-design"' in html
    assert 'name="evaluations-2-design"' not in html
    assert "Nothing has been saved yet" in html
    assert 'value="Safe Together school programme"' in html  # what was typed is kept
    assert field_error(html, "evaluations-1-design") is None  # a new row is not an error
    assert count(Measure) == 0


def test_remove_this_evaluation_button_removes_that_row_and_saves_nothing(client, owner):
    data = form_data(**evaluation_data(1, year="2020"), **evaluation_data(2, year="2021"))
    response = client.post("/measures/new", data={**data, "action": "remove:evaluations-1"})
    assert response.status_code == 200
    html = response.text
    assert count(Measure) == 0
    assert 'name="evaluations-2-design"' not in html
    # The rows are renumbered: the former third row (2021) is now the second.
    assert re.search(r'name="evaluations-1-year" [^>]*value="2021"', html)
    assert 'value="2020"' not in html
    assert len(re.findall(r'value="remove:evaluations-\d+"', html)) == 2


def test_removed_rows_stay_removed_when_the_form_is_then_saved(client, owner):
    data = form_data(**evaluation_data(1, year="2020"))
    html = client.post("/measures/new", data={**data, "action": "remove:evaluations-0"}).text
    # Post back what the page now shows: one row, numbered 0, holding the 2020 study.
    assert re.search(r'name="evaluations-0-year" [^>]*value="2020"', html)
    data = form_data(**evaluation_data(0, year="2020"))
    assert client.post("/measures/new", data=data).status_code == 302
    assert [e.year for e in only_measure().working_revision.evaluations] == [2020]


def test_removing_a_row_that_does_not_exist_changes_nothing(client, owner):
    html = client.post("/measures/new", data=form_data(action="remove:evaluations-7")).text
    assert 'name="evaluations-0-design"' in html
    assert count(Measure) == 0


def test_enter_in_a_text_box_saves_rather_than_removing_the_first_row(client, owner):
    html = client.get("/measures/new").text
    first_button = re.search(r"<button[^>]*>", html.split('class="measure-form"', 1)[1]).group(0)
    assert 'value="save"' in first_button


# --- bad input: the schema's words on the field, nothing stored ----------------------------------

BAD_INPUT = [
    ({"title": "ab"}, "title", "must be at least 3 characters long"),
    ({"title": ""}, "title", "is required"),
    ({"summary": "Too short."}, "summary", "must be at least 20 characters long"),
    ({"description": "x" * 50_001}, "description", "must be at most 50,000 characters long"),
    ({"external_id": "x" * 101}, "external_id", "must be at most 100 characters long"),
    ({"countries": []}, "countries", "is required"),
    ({"countries": ["XX"]}, "countries", "'XX' is not an ISO 3166-1 alpha-2 country code"),
    ({"text_language": "xx"}, "text_language", "'xx' is not an ISO 639-1 language code"),
    ({"languages": ["qq"]}, "languages", "'qq' is not an ISO 639-1 language code"),
    ({"prevention_level": ""}, "prevention_level", "is required"),
    (
        {"prevention_level": "quaternary"},
        "prevention_level",
        "must be one of primary, secondary, tertiary (got 'quaternary')",
    ),
    ({"target_groups": []}, "target_groups", "is required"),
    ({"settings": []}, "settings", "is required"),
    ({"abuse_forms": ["bullying"]}, "abuse_forms", "must be one of"),
    ({"delivery": ["radio"]}, "delivery", "must be one of"),
    ({"age_min": "120"}, "age_min", "must be at most 99"),
    ({"age_max": "-1"}, "age_max", "must be at least 0"),
    ({"age_max": "ten"}, "age_max", "must be a whole number"),
    ({"age_min": "12", "age_max": "8"}, "age_max", "must not be less than minimum age (12)"),
    ({"organisation": ""}, "organisation", "is required"),
    ({"website": "ftp://example.org"}, "website", "must be a web address starting with http"),
    ({"website": "not a web address"}, "website", "must be a web address starting with http"),
    ({"start_year": "1900"}, "start_year", "must be at least 1950"),
    (
        {"start_year": "2020", "end_year": "2010"},
        "end_year",
        "must not be less than start year (2020)",
    ),
    ({"status": "forever"}, "status", "must be one of planned, pilot, active, ended"),
    ({"cost_level": "free"}, "cost_level", "must be one of low, medium, high, unknown"),
    ({"manual_available": "maybe"}, "manual_available", "must be true or false"),
    ({"evaluations-0-design": ""}, "evaluations-0-design", "is required"),
    ({"evaluations-0-design": "survey"}, "evaluations-0-design", "must be one of rct,"),
    ({"evaluations-0-year": ""}, "evaluations-0-year", "is required"),
    ({"evaluations-0-year": "1800"}, "evaluations-0-year", "must be at least 1950"),
    ({"evaluations-0-year": "abc"}, "evaluations-0-year", "must be a whole number"),
    ({"evaluations-0-country": "ZZ"}, "evaluations-0-country", "'ZZ' is not an ISO 3166-1"),
    ({"evaluations-0-sample_size": "0"}, "evaluations-0-sample_size", "must be at least 1"),
    (
        {"evaluations-0-follow_up_months": "-3"},
        "evaluations-0-follow_up_months",
        "must be at least 0",
    ),
    ({"evaluations-0-attrition_pct": "150"}, "evaluations-0-attrition_pct", "must be at most 100"),
    ({"evaluations-0-attrition_pct": "lots"}, "evaluations-0-attrition_pct", "must be a number"),
    ({"evaluations-0-independent": "maybe"}, "evaluations-0-independent", "must be true or false"),
    ({"evaluations-0-outcomes": ["happiness"]}, "evaluations-0-outcomes", "must be one of"),
    ({"evaluations-0-effect": ""}, "evaluations-0-effect", "is required"),
    ({"evaluations-0-effect_size": "big"}, "evaluations-0-effect_size", "must be a number"),
    ({"evaluations-0-effect_size": "nan"}, "evaluations-0-effect_size", "must be a finite number"),
    ({"evaluations-0-findings": ""}, "evaluations-0-findings", "is required"),
    ({"evaluations-0-url": "www.example.org"}, "evaluations-0-url", "must be a web address"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), BAD_INPUT)
def test_bad_input_shows_the_schema_message_on_the_field_and_stores_nothing(
    client, owner, overrides, field_id, message
):
    response = client.post("/measures/new", data=form_data(**overrides))
    assert response.status_code == 200
    shown = field_error(response.text, field_id)
    assert shown is not None and shown.startswith(message), shown
    assert any(message in line for line in summary_errors(response.text))
    assert f'href="#{field_id}"' in response.text  # the summary links to the field
    assert count(Measure) == 0 and count(Evaluation) == 0


def test_form_errors_use_the_same_words_as_the_import(client, owner):
    """One validation path: the form shows exactly what validate_record says."""
    response = client.post(
        "/measures/new",
        data=form_data(summary="Short", **{"evaluations-0-attrition_pct": "150"}),
    )
    with pytest.raises(RecordInvalid) as info:
        bad = sample_record(summary="Short")
        bad["evaluations"][0]["attrition_pct"] = 150
        validate_record(bad)
    expected = {e.key: e.message for e in info.value.errors}
    assert field_error(response.text, "summary") == expected["summary"]
    assert (
        field_error(response.text, "evaluations-0-attrition_pct")
        == (expected["evaluations[0].attrition_pct"])
    )


def test_errors_in_the_second_row_land_on_the_second_row(client, owner):
    data = form_data(**evaluation_data(1, year="1066"))
    html = client.post("/measures/new", data=data).text
    assert field_error(html, "evaluations-1-year") == "must be at least 1950"
    assert field_error(html, "evaluations-0-year") is None
    assert "Evaluation 2: Year of the report must be at least 1950" in summary_errors(html)


def test_errors_after_a_skipped_empty_row_land_on_the_right_row(client, owner):
    empty = evaluation_data(
        0, design="", year="", country="", sample_size="", comparison_group="",
        follow_up_months="", attrition_pct="", independent="", peer_reviewed="", outcomes=[],
        effect="", effect_size="", findings="", citation="", url="",
    )  # fmt: skip
    data = form_data(**empty, **evaluation_data(1, findings=""))
    html = client.post("/measures/new", data=data).text
    assert field_error(html, "evaluations-1-findings") == "is required"
    assert field_error(html, "evaluations-0-findings") is None


def test_an_external_id_used_by_another_of_ones_measures_is_refused_on_its_field(client, owner):
    make_measure(owner, external_id="safe-1")
    html = client.post("/measures/new", data=form_data(external_id="safe-1")).text
    assert field_error(html, "external_id") == "is already used by another measure"
    assert count(Measure) == 1


def test_an_external_id_of_another_accounts_measure_is_accepted(client, owner):
    """Issue 15: refusing it would tell that somebody's unpublished measure uses it."""
    make_measure(make_user(), external_id="safe-1")
    response = client.post("/measures/new", data=form_data(external_id="safe-1"))
    assert response.status_code == 302
    assert count(Measure) == 2


def test_csrf_token_is_required_when_csrf_is_on(app, make_app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    sign_in(client, make_user())
    assert client.post("/measures/new", data=form_data()).status_code == 400
    assert count(Measure) == 0
    assert 'name="csrf_token"' in client.get("/measures/new").text


# --- editing ----------------------------------------------------------------------------------


def test_edit_form_shows_the_saved_values(client, owner):
    measure = make_measure(owner, website="https://example.org/safe")
    html = client.get(f"/measures/{measure.id}/edit").text
    assert 'value="Safe Together school programme"' in html
    assert 'value="https://example.org/safe"' in html
    assert re.search(r'value="DE" checked|checked[^>]*value="DE"', html)
    evaluation = measure.working_revision.evaluations[0]
    assert f'name="evaluations-0-source" type="hidden" value="{evaluation.id}"' in html
    assert re.search(r'<option selected value="yes">Yes</option>', html)  # independent


def test_editing_a_draft_changes_it_in_place(client, owner):
    measure = make_measure(owner)
    data = form_data(title="Safe Together, revised")
    data["evaluations-0-source"] = str(measure.working_revision.evaluations[0].id)
    response = client.post(f"/measures/{measure.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.working_revision.title == "Safe Together, revised"
    assert measure.working_revision.number == 1
    assert len(measure.revisions) == 1


def test_editing_a_published_measure_makes_a_new_revision_and_keeps_the_published_one(
    client, owner
):
    measure = make_measure(owner, publish=True)
    data = form_data(title="Safe Together, second edition")
    response = client.post(f"/measures/{measure.id}/edit", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/measures/{measure.id}?revision=working")
    db.session.expire_all()
    assert measure.status == MeasureStatus.PUBLISHED
    assert measure.published_revision.title == "Safe Together school programme"
    assert measure.working_revision.title == "Safe Together, second edition"
    assert measure.working_revision.number == 2
    # The public sees the published text; the owner is told about the draft.
    owner_page = client.get(f"/measures/{measure.id}").text
    assert "<h1>Safe Together school programme</h1>" in owner_page
    assert "A new revision is being drafted" in owner_page
    client.post(f"/measures/{measure.id}/submit")
    assert "A new revision is waiting for review" in client.get(f"/measures/{measure.id}").text
    working = client.get(f"/measures/{measure.id}?revision=working").text
    assert "<h1>Safe Together, second edition</h1>" in working
    anonymous = measure_page_as_anonymous(client, measure.id)
    assert "Safe Together, second edition" not in anonymous
    assert "waiting for review" not in anonymous


def measure_page_as_anonymous(client, measure_id: int) -> str:
    sign_out(client)
    return client.get(f"/measures/{measure_id}?revision=working").text


def test_a_submitted_measure_cannot_be_edited(client, owner):
    measure = make_measure(owner)
    client.post(f"/measures/{measure.id}/submit")
    assert client.get(f"/measures/{measure.id}/edit").status_code == 403
    response = client.post(f"/measures/{measure.id}/edit", data=form_data(title="Changed"))
    assert response.status_code == 403
    db.session.expire_all()
    assert measure.working_revision.title == "Safe Together school programme"


# --- my measures ---------------------------------------------------------------------------------


def test_my_measures_lists_only_mine_with_state_level_and_actions(client, owner):
    draft = make_measure(owner, title="My draft programme")
    published = make_measure(
        owner, publish=True, title="My published programme", evaluations=[supported_evaluation()]
    )
    make_measure(make_user(), title="Someone else's programme")
    client.post(f"/measures/{published.id}/edit", data=form_data(title="My published, v2"))
    html = client.get("/measures/mine").text
    assert "My draft programme" in html and "My published, v2" in html
    assert "Someone else" not in html
    assert f'action="/measures/{draft.id}/submit"' in html
    assert f'href="/measures/{draft.id}/edit"' in html
    assert "Revision 1: draft" in html
    assert "Revision 2: draft (not yet submitted)" in html
    assert "Level 4 of 5" in html
    client.post(f"/measures/{published.id}/submit")
    html = client.get("/measures/mine").text
    assert "Revision 2: waiting for review" in html
    assert f'href="/measures/{published.id}/edit"' not in html


def test_my_measures_says_when_there_are_none(client, owner):
    assert "You have not submitted any measures yet." in client.get("/measures/mine").text


def test_submit_button_on_my_measures_submits_the_draft(client, owner):
    measure = make_measure(owner)
    response = client.post(f"/measures/{measure.id}/submit")
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED
    assert client.post(f"/measures/{measure.id}/submit").status_code == 403


def test_other_countries_open_by_themselves_when_one_is_chosen(client, owner):
    eu_only = make_measure(owner, countries=["DE"])
    html = client.get(f"/measures/{eu_only.id}/edit").text
    assert '<details class="more-options">' in html
    with_us = make_measure(owner, countries=["DE", "US"], title="Transatlantic programme")
    html = client.get(f"/measures/{with_us.id}/edit").text
    assert '<details class="more-options" open>' in html
    assert "Other countries (1 chosen)" in html
