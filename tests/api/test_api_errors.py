"""Every API error is RFC 9457 problem+json; bad input is never a 500."""

from __future__ import annotations

import io

import pytest

from app.accounts.models import Role
from app.core.security import public
from tests.api.conftest import assert_problem, bearer, make_token
from tests.conftest import make_measure, make_user, sample_record


@pytest.fixture()
def write(app):
    return bearer(make_token(make_user(Role.PRACTITIONER), "write"))


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400),
        ('{"title": "x"}', "text/plain", 415),
        ("title=x", "application/x-www-form-urlencoded", 415),
        ("", None, 415),
        ("null", "application/json", 422),
        ('"a string"', "application/json", 422),
        ('{"title": 3, "countries": "DE", "age_min": true}', "application/json", 422),
        ('{"summary": NaN}', "application/json", 422),
    ],
)
def test_bad_bodies_answer_a_problem_never_a_500(client, write, body, content_type, status):
    response = client.post("/api/v1/measures", data=body, content_type=content_type, headers=write)
    problem = assert_problem(response, status)
    if status == 422:
        assert problem["errors"] and all(set(e) == {"field", "message"} for e in problem["errors"])


def test_wrong_types_name_each_field(client, write):
    response = client.post(
        "/api/v1/measures",
        json=sample_record(title=3, countries="DE", age_min=True, evaluations=[{"year": "x"}]),
        headers=write,
    )
    errors = {e["field"]: e["message"] for e in assert_problem(response, 422)["errors"]}
    assert errors["title"] == "must be text"
    assert errors["countries"] == "must be a list"
    assert errors["age_min"] == "must be a whole number"
    assert errors["evaluations[0].year"] == "must be a whole number"
    assert errors["evaluations[0].design"] == "is required"


def test_a_json_body_over_the_limit_is_413(client, app, write):
    app.config["API_MAX_JSON_BYTES"] = 2000
    try:
        big = sample_record(description="x" * 5000)
        assert_problem(client.post("/api/v1/measures", json=big, headers=write), 413)
    finally:
        app.config["API_MAX_JSON_BYTES"] = 1024 * 1024


def test_an_upload_over_the_apps_content_limit_is_413(client, app):
    owner = make_user(Role.PRACTITIONER)
    draft = make_measure(owner)
    url = f"/api/v1/measures/{draft.id}/evaluations/0/reports"
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post(
            url,
            headers=bearer(make_token(owner, "write")),
            data={"file": (io.BytesIO(b"%PDF-" + b"x" * 5000), "big.pdf")},
            content_type="multipart/form-data",
        )
        assert_problem(response, 413)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 21 * 1024 * 1024


def test_each_status_has_the_problem_shape(client, write):
    owner = make_user(Role.PRACTITIONER)
    published = make_measure(owner, publish=True)
    read = bearer(make_token(owner, "read"))
    assert_problem(client.get("/api/v1/measures?page=x"), 400)
    assert_problem(client.get("/api/v1/me"), 401)
    assert_problem(client.post("/api/v1/measures", json=sample_record(), headers=read), 403)
    assert_problem(client.get("/api/v1/nowhere"), 404)
    assert_problem(client.delete(f"/api/v1/measures/{published.id}"), 405)
    assert_problem(client.patch(f"/api/v1/measures/{published.id}", json={}, headers=write), 403)


def test_a_read_token_cannot_write_even_where_no_scope_is_declared(client):
    owner = make_user(Role.PRACTITIONER)
    draft = make_measure(owner)
    read = bearer(make_token(owner, "read"))
    response = client.post(f"/api/v1/measures/{draft.id}/submit", headers=read)
    assert "read scope" in assert_problem(response, 403)["detail"]


def test_an_unexpected_error_is_a_500_problem(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/api/v1/test-boom")
    @public
    def boom():
        raise RuntimeError("boom")

    with app.app_context():
        body = assert_problem(app.test_client().get("/api/v1/test-boom"), 500)
    assert "boom" not in body["detail"]  # no internals leak


def test_pages_keep_their_html_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/measures/9223372036854775808",
        "/api/v1/measures/2147483648/revisions",
        "/api/v1/reviews/99999999999999999999",
    ],
)
def test_ids_beyond_any_table_are_not_found_not_a_crash(client, url):
    assert_problem(client.get(url), 404)


def test_pages_with_huge_ids_are_not_found(client):
    assert client.get("/measures/9223372036854775808").status_code == 404


def test_a_status_that_is_not_a_string_is_a_field_error_not_a_crash(client, app):
    owner = make_user(Role.PRACTITIONER)
    token = make_token(owner, "write")
    body = {**sample_record(), "status": {"nested": ["x"]}}
    response = client.post("/api/v1/measures", json=body, headers=bearer(token))
    problem = assert_problem(response, 422)
    assert any(e["field"] == "status" for e in problem["errors"])


def test_nul_characters_in_a_json_body_are_dropped(client, app):
    owner = make_user(Role.PRACTITIONER)
    token = make_token(owner, "write")
    body = {**sample_record(), "title": "School\u0000 programme"}
    response = client.post("/api/v1/measures", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["title"] == "School programme"
