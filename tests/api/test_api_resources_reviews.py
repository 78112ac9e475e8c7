"""Reviews in the API: the pages' rules (who may review, one each, the form's messages), the
scopes, hidden reviews, editing your own, and the moderators' hide and show."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.extensions import db
from app.reviews.models import Review
from app.reviews.services import MSG_COMMENT_SHORT, MSG_SCORE, ReviewData, create_review
from tests.api.conftest import assert_problem
from tests.conftest import make_measure, make_user

REVIEW = {
    "effectiveness": 4,
    "ease": 3,
    "transferability": 4,
    "value": 5,
    "comment": "Worked well in our schools.",
}


@pytest.fixture()
def people(app):
    return {
        "owner": make_user(Role.PRACTITIONER, organisation="Owner Org"),
        "reviewer": make_user(Role.OFFICIAL, organisation="Ministry"),
        "colleague": make_user(Role.PRACTITIONER, organisation="owner  org"),
        "moderator": make_user(Role.MODERATOR, organisation="Hub"),
    }


@pytest.fixture()
def measure(people):
    return make_measure(people["owner"], publish=True, organisation="Owner Org")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_reviewer_writes_a_review_and_reads_it_back(client, token_headers, people, measure):
    headers = token_headers(people["reviewer"])
    response = client.post(f"/api/v1/measures/{measure.id}/reviews", json=REVIEW, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/reviews/{body['id']}"
    assert body["measure_id"] == measure.id
    assert (body["effectiveness"], body["ease"], body["transferability"], body["value"]) == (
        4,
        3,
        4,
        5,
    )
    assert body["overall"] == 4.0
    assert body["own"] is True and body["hidden"] is False
    assert body["reviewer"] == {"role": "official", "country": "DE"}  # no name for the public
    assert len(_events("review.created")) == 1
    listed = client.get(f"/api/v1/measures/{measure.id}/reviews").get_json()
    assert listed["total"] == 1 and listed["results"][0]["id"] == body["id"]
    assert listed["results"][0]["own"] is False  # anonymous
    measure_body = client.get(f"/api/v1/measures/{measure.id}").get_json()
    assert measure_body["ratings"]["count"] == 1


def test_a_second_review_is_a_conflict_pointing_at_the_first(
    client, token_headers, people, measure
):
    headers = token_headers(people["reviewer"])
    url = f"/api/v1/measures/{measure.id}/reviews"
    first = client.post(url, json=REVIEW, headers=headers).get_json()
    response = client.post(url, json=REVIEW, headers=headers)
    body = assert_problem(response, 409)
    assert response.headers["Location"] == f"/api/v1/reviews/{first['id']}"
    assert "already reviewed" in body["detail"]
    assert db.session.scalar(select(db.func.count(Review.id))) == 1


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("owner", "You submitted this measure"),
        ("colleague", "your own organisation"),
        ("moderator", "Moderators and admins moderate them"),
    ],
)
def test_who_may_not_review_is_refused_with_the_pages_reason(
    client, token_headers, people, measure, who, reason
):
    scope = "moderate" if who == "moderator" else "write"
    response = client.post(
        f"/api/v1/measures/{measure.id}/reviews",
        json=REVIEW,
        headers=token_headers(people[who], scope),
    )
    assert reason in assert_problem(response, 403)["detail"]


def test_a_read_token_cannot_write_a_review_and_no_token_is_401(
    client, token_headers, people, measure
):
    url = f"/api/v1/measures/{measure.id}/reviews"
    assert_problem(
        client.post(url, json=REVIEW, headers=token_headers(people["reviewer"], "read")), 403
    )
    response = client.post(url, json=REVIEW)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unpublished_measure_has_no_reviews_for_others(client, token_headers, people):
    draft = make_measure(people["owner"])
    url = f"/api/v1/measures/{draft.id}/reviews"
    assert_problem(client.get(url), 404)
    assert_problem(client.post(url, json=REVIEW, headers=token_headers(people["reviewer"])), 404)


def test_bad_reviews_get_the_forms_messages_field_by_field(client, token_headers, people, measure):
    bad = {
        "effectiveness": 9,
        "ease": "four",
        "transferability": True,
        "comment": "Too short",
        "implemented_country": "DE",
        "mood": "happy",
    }
    response = client.post(
        f"/api/v1/measures/{measure.id}/reviews",
        json=bad,
        headers=token_headers(people["reviewer"]),
    )
    errors = {e["field"]: e["message"] for e in assert_problem(response, 422)["errors"]}
    assert errors["effectiveness"] == MSG_SCORE
    assert errors["ease"] == MSG_SCORE
    assert errors["transferability"] == MSG_SCORE
    assert errors["value"] == MSG_SCORE  # missing
    assert errors["comment"] == MSG_COMMENT_SHORT
    assert errors["implemented_country"].startswith("Leave this empty")
    assert errors["mood"] == "is not a known key"
    assert not db.session.scalars(select(Review)).all()


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("effectiveness=4", "application/x-www-form-urlencoded", 415),
        ("[1, 2]", "application/json", 422),
    ],
)
def test_a_body_that_is_not_a_review_object_is_refused(
    client, token_headers, people, measure, data, content_type, status
):
    response = client.post(
        f"/api/v1/measures/{measure.id}/reviews",
        data=data,
        content_type=content_type,
        headers=token_headers(people["reviewer"]),
    )
    assert_problem(response, status)


def _review(people, measure, *, hidden: bool = False) -> Review:
    review = create_review(
        people["reviewer"],
        measure,
        ReviewData(4, 4, 4, 4, True, "DE", 2020, "Worked well in our region."),
    )
    if hidden:
        from app.reviews.services import hide_review

        hide_review(people["moderator"], review, "Names a person.")
    db.session.commit()
    return review


def test_the_author_changes_some_fields_and_the_rest_stay(client, token_headers, people, measure):
    review = _review(people, measure)
    response = client.patch(
        f"/api/v1/reviews/{review.id}",
        json={"ease": 2, "implemented_year": None},
        headers=token_headers(people["reviewer"]),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ease"] == 2 and body["effectiveness"] == 4
    assert body["implemented_country"] == "DE" and body["implemented_year"] is None
    assert body["edited"] is True
    assert _events("review.updated")[0].details["changed"] == ["ease", "implemented_year"]


def test_only_the_author_may_change_a_review(client, token_headers, people, measure):
    review = _review(people, measure)
    for who, scope in (("owner", "write"), ("moderator", "moderate")):
        response = client.patch(
            f"/api/v1/reviews/{review.id}",
            json={"ease": 1},
            headers=token_headers(people[who], scope),
        )
        assert_problem(response, 403)
    db.session.refresh(review)
    assert review.ease == 4


def test_a_patch_with_a_bad_value_changes_nothing(client, token_headers, people, measure):
    review = _review(people, measure)
    response = client.patch(
        f"/api/v1/reviews/{review.id}",
        json={"ease": 0, "implemented": False},
        headers=token_headers(people["reviewer"]),
    )
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert fields == {"ease", "implemented_country", "implemented_year"}


def test_a_hidden_review_exists_only_for_its_author_and_the_moderators(
    client, token_headers, people, measure
):
    review = _review(people, measure, hidden=True)
    url = f"/api/v1/reviews/{review.id}"
    assert_problem(client.get(url), 404)
    assert_problem(client.get(url, headers=token_headers(people["owner"], "read")), 404)
    own = client.get(url, headers=token_headers(people["reviewer"], "read")).get_json()
    assert own["hidden"] is True and own["hidden_reason"] == "Names a person."
    seen = client.get(url, headers=token_headers(people["moderator"], "read")).get_json()
    assert seen["reviewer"]["name"] == people["reviewer"].name
    assert client.get(f"/api/v1/measures/{measure.id}/reviews").get_json()["total"] == 0


def test_implemented_filter_and_paging(client, token_headers, people, measure):
    _review(people, measure)
    other = make_user(Role.PRACTITIONER, organisation="Third Org")
    create_review(other, measure, ReviewData(3, 3, 3, 3, False, None, None, "Not used it yet."))
    db.session.commit()
    url = f"/api/v1/measures/{measure.id}/reviews"
    assert client.get(url).get_json()["total"] == 2
    assert client.get(url + "?implemented=true").get_json()["total"] == 1
    page = client.get(url + "?per_page=1&page=2")
    assert len(page.get_json()["results"]) == 1
    assert 'rel="prev"' in page.headers["Link"] and 'rel="first"' in page.headers["Link"]
    assert_problem(client.get(url + "?implemented=maybe"), 400)
    assert_problem(client.get(url + "?per_page=500"), 400)


def test_moderators_hide_and_show_a_review_with_audit_events(
    client, token_headers, people, measure
):
    review = _review(people, measure)
    headers = token_headers(people["moderator"], "moderate")
    url = f"/api/v1/reviews/{review.id}"
    assert_problem(client.post(url + "/hide", json={}, headers=headers), 422)
    hidden = client.post(url + "/hide", json={"reason": "Names a person."}, headers=headers)
    assert hidden.status_code == 200 and hidden.get_json()["hidden"] is True
    assert_problem(client.post(url + "/hide", json={"reason": "Again"}, headers=headers), 409)
    shown = client.post(url + "/unhide", json={"note": "Fixed by the author."}, headers=headers)
    assert shown.status_code == 200 and shown.get_json()["hidden"] is False
    assert [len(_events(a)) for a in ("review.hidden", "review.unhidden")] == [1, 1]


def test_hiding_needs_a_moderate_token(client, token_headers, people, measure):
    review = _review(people, measure)
    url = f"/api/v1/reviews/{review.id}/hide"
    body = {"reason": "Names a person."}
    assert_problem(client.post(url, json=body, headers=token_headers(people["moderator"])), 403)
    assert_problem(client.post(url, json=body, headers=token_headers(people["owner"])), 403)
    assert_problem(client.post(url, json=body), 401)


def test_nul_characters_are_dropped_from_a_review_as_from_a_form(
    client, token_headers, people, measure
):
    body = {**REVIEW, "comment": "Worked\x00 well in our schools."}
    response = client.post(
        f"/api/v1/measures/{measure.id}/reviews",
        json=body,
        headers=token_headers(people["reviewer"]),
    )
    assert response.status_code == 201
    assert response.get_json()["comment"] == "Worked well in our schools."


def test_the_api_answers_in_english_whatever_the_reader_chose(
    client, token_headers, people, measure
):
    """The services the pages share give translatable messages; the API keeps them in English
    (its contract), even for a Polish browser with a German cookie."""
    client.set_cookie("language", "de")
    response = client.post(
        f"/api/v1/measures/{measure.id}/reviews",
        json={"effectiveness": 9, "ease": 3, "transferability": 4, "value": 5, "comment": "Kurz"},
        headers={**token_headers(people["reviewer"]), "Accept-Language": "pl"},
    )
    errors = {e["field"]: e["message"] for e in assert_problem(response, 422)["errors"]}
    assert errors == {
        "effectiveness": "Choose a score from 1 to 5.",
        "comment": "Write at least 10 characters.",
    }
