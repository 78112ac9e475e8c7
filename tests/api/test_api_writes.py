"""Writing through the API: the same services, policies, validation and audit as the pages."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.extensions import db
from app.measures.models import Measure, MeasureStatus, RevisionState
from app.measures.services import submit_measure
from app.measures.uploads import report_path
from app.records.schema import RecordInvalid, validate_record
from tests.api.conftest import assert_problem, bearer, make_token
from tests.conftest import make_measure, make_user, sample_record
from tests.measures.conftest import make_pdf
from tests.measures.test_uploads import encrypted_pdf


def _post_report(client, url, headers, data: bytes, filename="study.pdf"):
    return client.post(
        url,
        headers=headers,
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_post_creates_a_draft_owned_by_the_token_user_and_audited(client, owner, write):
    response = client.post(
        "/api/v1/measures", json=sample_record(external_id="api-1"), headers=write
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/measures/{body['id']}"
    assert body["status"] == "draft" and body["external_id"] == "api-1"
    measure = db.session.get(Measure, body["id"])
    assert measure.owner_id == owner.id and measure.status == MeasureStatus.DRAFT
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "measure.created"))
    assert event.actor_id == owner.id and event.details["source"] == "api"


def test_validation_errors_are_the_same_as_the_forms_and_imports(client, write):
    record = sample_record(title="ab", countries=["XX"], colour="red", age_min="six")
    response = client.post("/api/v1/measures", json=record, headers=write)
    body = assert_problem(response, 422)
    with pytest.raises(RecordInvalid) as same_path:
        validate_record(record)
    assert body["errors"] == [
        {"field": e.key, "message": e.message} for e in same_path.value.errors
    ]
    fields = {e["field"] for e in body["errors"]}
    assert {"title", "countries[0]", "colour", "age_min"} <= fields
    assert db.session.scalar(select(Measure)) is None


def test_a_body_read_from_get_can_be_sent_back_with_put(client, owner, write):
    measure = make_measure(owner)
    body = client.get(f"/api/v1/measures/{measure.id}", headers=write).get_json()
    body["title"] = "Edited after reading"
    body["programme_status"] = "ended"
    response = client.put(f"/api/v1/measures/{measure.id}", json=body, headers=write)
    assert response.status_code == 200, response.get_json().get("errors")
    assert response.get_json()["title"] == "Edited after reading"
    assert response.get_json()["programme_status"] == "ended"
    body["programme_status"] = "finished"
    bad = client.put(f"/api/v1/measures/{measure.id}", json=body, headers=write)
    assert [e["field"] for e in assert_problem(bad, 422)["errors"]] == ["programme_status"]


def test_patch_changes_only_the_keys_sent_and_null_removes_one(client, owner, write):
    measure = make_measure(owner)
    response = client.patch(
        f"/api/v1/measures/{measure.id}",
        json={"title": "Only the title", "age_max": None},
        headers=write,
    )
    body = response.get_json()
    assert body["title"] == "Only the title" and "age_max" not in body
    assert body["summary"] == sample_record()["summary"]
    merge = client.patch(
        f"/api/v1/measures/{measure.id}",
        data='{"start_year": 2016}',
        content_type="application/merge-patch+json",
        headers=write,
    )
    assert merge.get_json()["start_year"] == 2016
    assert_problem(client.patch(f"/api/v1/measures/{measure.id}", json=[1], headers=write), 422)


def test_editing_a_published_measure_makes_a_new_revision_like_the_pages(client, owner, write):
    measure = make_measure(owner, publish=True)
    response = client.patch(
        f"/api/v1/measures/{measure.id}", json={"title": "Version two"}, headers=write
    )
    assert response.status_code == 200, response.get_json().get("errors")
    assert response.get_json()["title"] == "Version two"
    assert (
        client.get(f"/api/v1/measures/{measure.id}").get_json()["title"] != "Version two"
    )  # public
    revisions = client.get(f"/api/v1/measures/{measure.id}/revisions", headers=write).get_json()
    assert [(r["number"], r["state"]) for r in revisions["results"]] == [
        (1, "published"),
        (2, "draft"),
    ]
    public = client.get(f"/api/v1/measures/{measure.id}/revisions").get_json()
    assert [r["number"] for r in public["results"]] == [1]
    one = client.get(f"/api/v1/measures/{measure.id}/revisions/2", headers=write).get_json()
    assert one["title"] == "Version two" and one["revision"]["state"] == "draft"
    assert_problem(client.get(f"/api/v1/measures/{measure.id}/revisions/2"), 404)


def test_a_measure_waiting_for_moderation_cannot_be_edited_409(client, owner, write):
    measure = make_measure(owner)
    submit_measure(owner, measure)
    db.session.commit()
    response = client.put(f"/api/v1/measures/{measure.id}", json=sample_record(), headers=write)
    assert "waiting for moderation" in assert_problem(response, 409)["detail"]
    assert_problem(client.post(f"/api/v1/measures/{measure.id}/submit", headers=write), 409)


def test_someone_elses_published_measure_is_403_and_their_draft_404(client, owner):
    other = bearer(make_token(make_user(Role.PRACTITIONER, organisation="Org B"), "write"))
    published = make_measure(owner, publish=True)
    draft = make_measure(owner, external_id="d")
    assert_problem(client.patch(f"/api/v1/measures/{published.id}", json={}, headers=other), 403)
    assert_problem(client.patch(f"/api/v1/measures/{draft.id}", json={}, headers=other), 404)


def test_submit_sends_the_draft_to_moderation(client, owner, write):
    measure = make_measure(owner)
    response = client.post(f"/api/v1/measures/{measure.id}/submit", headers=write)
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    assert measure.working_revision.state == RevisionState.SUBMITTED


def test_an_external_id_in_use_is_422_on_that_field(client, owner, write):
    make_measure(owner, external_id="taken")
    response = client.post(
        "/api/v1/measures", json=sample_record(external_id="taken"), headers=write
    )
    assert assert_problem(response, 422)["errors"] == [
        {"field": "external_id", "message": "is already used by another measure"}
    ]


# --- reports -------------------------------------------------------------------------------------


def test_a_pdf_report_is_attached_to_the_drafts_evaluation(client, owner, write):
    measure = make_measure(owner)
    url = f"/api/v1/measures/{measure.id}/evaluations/0/reports"
    data = make_pdf()
    response = _post_report(client, url, write, data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["filename"] == "study.pdf" and body["page_count"] == 1
    assert report_path(body["sha256"]).read_bytes() == data
    assert [a.sha256 for a in measure.working_revision.evaluations[0].attachments] == [
        body["sha256"]
    ]
    again = _post_report(client, url, write, data)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"not a pdf at all", 422, "must be a PDF document"),
        (b"%PDF-1.4 broken", 422, "could not be read as a PDF"),
        ("encrypted", 422, "is password-protected: upload a copy without a password"),
    ],
)
def test_bad_reports_are_refused_with_the_forms_messages(
    client, owner, write, data, status, message
):
    measure = make_measure(owner)
    data = encrypted_pdf() if data == "encrypted" else data
    url = f"/api/v1/measures/{measure.id}/evaluations/0/reports"
    body = assert_problem(_post_report(client, url, write, data), status)
    assert body["errors"] == [{"field": "file", "message": message}]


def test_report_upload_limits_and_types(client, app, owner, write):
    measure = make_measure(owner)
    url = f"/api/v1/measures/{measure.id}/evaluations/0/reports"
    app.config["MAX_REPORT_BYTES"] = 1000
    try:
        body = assert_problem(_post_report(client, url, write, make_pdf() + b" " * 2000), 413)
        assert body["errors"] == [{"field": "file", "message": "is larger than 1000 bytes"}]
    finally:
        app.config["MAX_REPORT_BYTES"] = 20 * 1024 * 1024
    assert_problem(
        client.post(url, headers=write, data=make_pdf(), content_type="application/pdf"), 415
    )
    missing = client.post(url, headers=write, data={}, content_type="multipart/form-data")
    assert assert_problem(missing, 422)["errors"] == [{"field": "file", "message": "is required"}]
    other_index = f"/api/v1/measures/{measure.id}/evaluations/5/reports"
    assert_problem(_post_report(client, other_index, write, make_pdf()), 404)


def test_a_report_for_a_published_measure_without_a_draft_is_409(client, owner, write):
    measure = make_measure(owner, publish=True)
    url = f"/api/v1/measures/{measure.id}/evaluations/0/reports"
    assert "draft" in assert_problem(_post_report(client, url, write, make_pdf()), 409)["detail"]
