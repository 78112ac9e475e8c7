"""Shortlists and comparison in the API: own lists only, the share token, the services'
messages, and the /compare page's rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.compare.models import Shortlist
from app.compare.services import create_shortlist, share_shortlist
from app.core.extensions import db
from tests.api.conftest import assert_problem
from tests.conftest import make_measure, make_user


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER, organisation="Owner Org")


@pytest.fixture()
def published(owner):
    return [make_measure(owner, publish=True, title=f"Measure {n}") for n in range(3)]


def _actions() -> list[str]:
    stmt = select(AuditEvent.action).where(AuditEvent.object_type == "shortlist")
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def test_a_shortlist_is_created_changed_shared_and_deleted(client, token_headers, owner, published):
    headers = token_headers(owner)
    ids = [published[0].id, published[1].id]
    response = client.post(
        "/api/v1/shortlists",
        json={"name": "  For the   ministry ", "measures": ids},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    url = f"/api/v1/shortlists/{body['id']}"
    assert response.headers["Location"] == url
    assert body["name"] == "For the ministry"
    assert [i["measure_id"] for i in body["items"]] == ids
    assert body["items"][0]["title"] == "Measure 0" and body["shared"] is False

    added = client.post(
        url + "/items", json={"measure_id": published[2].id, "note": "Ask them."}, headers=headers
    )
    assert added.status_code == 201 and added.get_json()["items"][2]["note"] == "Ask them."
    noted = client.post(url + "/items", json={"measure_id": published[2].id}, headers=headers)
    assert noted.status_code == 200 and noted.get_json()["items"][2]["note"] is None
    assert client.delete(url + f"/items/{published[0].id}", headers=headers).status_code == 204
    assert_problem(client.delete(url + f"/items/{published[0].id}", headers=headers), 404)

    shared = client.patch(url, json={"name": "Renamed", "shared": True}, headers=headers).get_json()
    assert shared["name"] == "Renamed" and shared["shared"] is True
    token = shared["share_token"]
    assert shared["share_url"].endswith(f"/shortlists/shared/{token}")
    again = client.patch(url, json={"shared": True}, headers=headers).get_json()
    assert again["share_token"] == token  # sharing a shared list keeps its link

    public = client.get(f"/api/v1/shortlists/shared/{token}")
    assert public.status_code == 200
    assert public.headers["Cache-Control"] == "private, no-store"
    assert public.get_json()["name"] == "Renamed"
    assert "share_token" not in public.get_json() and "id" not in public.get_json()

    assert client.delete(url, headers=headers).status_code == 204
    assert_problem(client.get(f"/api/v1/shortlists/shared/{token}"), 404)
    assert_problem(client.get(url, headers=headers), 404)
    assert _actions() == [
        "shortlist.created",
        "shortlist.item_added",
        "shortlist.note_changed",
        "shortlist.item_removed",
        "shortlist.renamed",
        "shortlist.shared",
        "shortlist.deleted",
    ]


def test_someone_elses_shortlist_does_not_exist_for_them(client, token_headers, owner, published):
    shortlist = create_shortlist(owner, "Mine", published[:1])
    db.session.commit()
    stranger = make_user(Role.MODERATOR, organisation="Hub")
    headers = token_headers(stranger, "moderate")
    url = f"/api/v1/shortlists/{shortlist.id}"
    assert_problem(client.get(url, headers=headers), 404)
    assert_problem(client.patch(url, json={"name": "Taken"}, headers=headers), 404)
    assert_problem(client.delete(url, headers=headers), 404)
    assert_problem(
        client.post(url + "/items", json={"measure_id": published[1].id}, headers=headers), 404
    )
    assert client.get("/api/v1/shortlists", headers=headers).get_json()["total"] == 0
    assert db.session.get(Shortlist, shortlist.id).name == "Mine"


def test_shortlists_need_a_token_and_writing_needs_the_write_scope(
    client, token_headers, owner, published
):
    shortlist = create_shortlist(owner, "Mine", published[:1])
    db.session.commit()
    assert_problem(client.get("/api/v1/shortlists"), 401)
    read = token_headers(owner, "read")
    assert client.get(f"/api/v1/shortlists/{shortlist.id}", headers=read).status_code == 200
    assert_problem(client.post("/api/v1/shortlists", json={"name": "New"}, headers=read), 403)
    assert_problem(client.delete(f"/api/v1/shortlists/{shortlist.id}", headers=read), 403)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "   "}, "name", "Enter a name for the shortlist."),
        ({"name": "x" * 101}, "name", "The name must be at most 100 characters long."),
        ({}, "name", "is required"),
        ({"name": 5}, "name", "must be text"),
        ({"name": "A", "measures": "1,2"}, "measures", "must be a list of measure numbers"),
        ({"name": "A", "measures": [0]}, "measures[0]", "must be a measure number"),
        ({"name": "A", "colour": "red"}, "colour", "is not a known key"),
    ],
)
def test_bad_shortlists_are_refused_field_by_field(
    client, token_headers, owner, body, field, message
):
    response = client.post("/api/v1/shortlists", json=body, headers=token_headers(owner))
    errors = assert_problem(response, 422)["errors"]
    assert errors[0]["field"] == field and errors[0]["message"].startswith(message)
    assert not db.session.scalars(select(Shortlist)).all()


def test_only_published_measures_go_on_a_shortlist(client, token_headers, owner, published):
    draft = make_measure(owner, title="Draft")
    headers = token_headers(owner)
    response = client.post(
        "/api/v1/shortlists",
        json={"name": "A", "measures": [published[0].id, draft.id]},
        headers=headers,
    )
    errors = assert_problem(response, 422)["errors"]
    assert errors == [
        {"field": "measures[1]", "message": "There is no published measure with this number."}
    ]
    shortlist = create_shortlist(owner, "Mine")
    db.session.commit()
    response = client.post(
        f"/api/v1/shortlists/{shortlist.id}/items",
        json={"measure_id": draft.id, "note": "n" * 3000},
        headers=headers,
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "measure_id"
    response = client.post(
        f"/api/v1/shortlists/{shortlist.id}/items",
        json={"measure_id": published[0].id, "note": "n" * 3000},
        headers=headers,
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "note"


def test_an_unknown_share_token_is_404(client, owner, published):
    shortlist = create_shortlist(owner, "Mine", published[:1])
    share_shortlist(owner, shortlist)
    db.session.commit()
    for token in ("nope", "x" * 65, "a%00b"):
        assert_problem(client.get(f"/api/v1/shortlists/shared/{token}"), 404)


# --- compare ---------------------------------------------------------------------------------


def test_compare_answers_the_rows_and_which_differ(client, owner):
    a = make_measure(owner, publish=True, title="Aaa", countries=["DE"])
    b = make_measure(owner, publish=True, title="Bbb", countries=["FR"])
    response = client.get(f"/api/v1/compare?ids={b.id},{a.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ids"] == [b.id, a.id]
    assert [m["title"] for m in body["measures"]] == ["Bbb", "Aaa"]
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["countries"]["differs"] is True
    assert rows["countries"]["cells"][0]["items"] == ["France"]
    assert rows["settings"]["differs"] is False
    assert body["differing"] == sum(r["differs"] for r in body["rows"])
    assert body["sections"][0] == "Evidence"


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("", 400, "ids is required"),
        ("?ids=1", 400, "A comparison has 2 to 4 measures"),
        ("?ids=1,2,3,4,5", 400, "A comparison has 2 to 4 measures"),
        ("?ids=1,abc", 400, "“abc” is not a measure number"),
        ("?ids=" + ",".join(str(n) for n in range(1, 30)), 400, "Too many ids"),
    ],
)
def test_compare_refuses_bad_ids_with_the_pages_messages(client, query, status, detail):
    body = assert_problem(client.get("/api/v1/compare" + query), status)
    assert body["errors"][0]["field"] == "ids"
    assert detail in body["detail"]


def test_compare_names_the_measures_that_are_not_published(client, owner):
    a = make_measure(owner, publish=True, title="Aaa")
    draft = make_measure(owner, title="Draft")
    body = assert_problem(client.get(f"/api/v1/compare?ids={a.id},{draft.id},999"), 404)
    assert body["missing"] == [draft.id, 999]
    assert body["detail"] == f"No published measure with id {draft.id}, 999."
