"""Who may use each measure route: anonymous, owner, another practitioner, each role.

Someone who may not see a measure gets 404, so its existence does not leak; someone who may
see it but not change it gets 403; anonymous visitors are sent to sign in, except on the public
measure page and public reports.
"""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.core.extensions import db
from app.measures.models import Measure, MeasureStatus
from app.measures.services import update_measure
from app.records.schema import validate_record
from tests.conftest import make_measure, make_user, sample_record
from tests.measures.conftest import count, form_data, measure_with_report, sign_in

WHO = ("anonymous", "owner", "other_practitioner", "official", "moderator", "admin")
LOGIN = "login"  # a redirect to the sign-in page


@pytest.fixture()
def people(app):
    owner = make_user(Role.PRACTITIONER, organisation="Owner Org")
    return {
        "anonymous": None,
        "owner": owner,
        "other_practitioner": make_user(Role.PRACTITIONER, organisation="Other Org"),
        "official": make_user(Role.OFFICIAL),
        "moderator": make_user(Role.MODERATOR),
        "admin": make_user(Role.ADMIN),
    }


def act_as(client, people, who):
    if people[who] is not None:
        sign_in(client, people[who])


def outcome(response) -> int | str:
    if response.status_code == 302 and "/account/login" in response.headers["Location"]:
        return LOGIN
    return response.status_code


def expect(**by_who):
    return [pytest.param(who, by_who[who], id=who) for who in WHO]


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=LOGIN, owner=200, other_practitioner=200, official=200, moderator=200, admin=200
))  # fmt: skip
def test_new_measure_form(client, people, who, expected):
    act_as(client, people, who)
    assert outcome(client.get("/measures/new")) == expected


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=LOGIN, owner=302, other_practitioner=302, official=302, moderator=302, admin=302
))  # fmt: skip
def test_posting_a_new_measure(client, people, who, expected):
    act_as(client, people, who)
    assert outcome(client.post("/measures/new", data=form_data())) == expected
    assert count(Measure) == (0 if who == "anonymous" else 1)


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=LOGIN, owner=200, other_practitioner=200, official=200, moderator=200, admin=200
))  # fmt: skip
def test_my_measures(client, people, who, expected):
    make_measure(people["owner"], title="The owners programme")
    act_as(client, people, who)
    response = client.get("/measures/mine")
    assert outcome(response) == expected
    if expected == 200:
        assert ("The owners programme" in response.text) == (who == "owner")


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=404, owner=200, other_practitioner=404, official=404, moderator=200, admin=200
))  # fmt: skip
def test_draft_measure_page(client, people, who, expected):
    measure = make_measure(people["owner"])
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}")) == expected


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=200, owner=200, other_practitioner=200, official=200, moderator=200, admin=200
))  # fmt: skip
def test_published_measure_page(client, people, who, expected):
    measure = make_measure(people["owner"], publish=True)
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}")) == expected


@pytest.mark.parametrize(("who", "sees_working"), expect(
    anonymous=False, owner=True, other_practitioner=False, official=False, moderator=True,
    admin=True,
))  # fmt: skip
def test_working_revision_of_a_published_measure(client, people, who, sees_working):
    measure = make_measure(people["owner"], publish=True)
    update_measure(None, measure, validate_record(sample_record(title="Unpublished new title")))
    db.session.commit()
    act_as(client, people, who)
    response = client.get(f"/measures/{measure.id}?revision=working")
    assert response.status_code == 200
    assert ("Unpublished new title" in response.text) == sees_working
    assert ("A new revision is being drafted" in response.text) == sees_working


@pytest.mark.parametrize("status", [MeasureStatus.REJECTED, MeasureStatus.ARCHIVED])
@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=404, owner=200, other_practitioner=404, official=404, moderator=200, admin=200
))  # fmt: skip
def test_rejected_and_archived_measures_are_not_public(client, people, who, expected, status):
    measure = make_measure(people["owner"], publish=True)
    measure.status = status
    db.session.commit()
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}")) == expected


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=LOGIN, owner=200, other_practitioner=404, official=404, moderator=200, admin=200
))  # fmt: skip
def test_edit_a_draft(client, people, who, expected):
    measure = make_measure(people["owner"])
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}/edit")) == expected
    response = client.post(f"/measures/{measure.id}/edit", data=form_data(title="Changed"))
    assert outcome(response) == (302 if expected == 200 else expected)
    db.session.expire_all()
    changed = measure.working_revision.title == "Changed"
    assert changed == (expected == 200)


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=LOGIN, owner=200, other_practitioner=403, official=403, moderator=200, admin=200
))  # fmt: skip
def test_edit_a_published_measure(client, people, who, expected):
    measure = make_measure(people["owner"], publish=True)
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}/edit")) == expected
    response = client.post(f"/measures/{measure.id}/edit", data=form_data(title="Changed"))
    assert outcome(response) == (302 if expected == 200 else expected)
    db.session.expire_all()
    assert (measure.working_revision is not None) == (expected == 200)
    assert measure.published_revision.title == "Safe Together school programme"


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=LOGIN, owner=302, other_practitioner=404, official=404, moderator=302, admin=302
))  # fmt: skip
def test_submit_a_draft(client, people, who, expected):
    measure = make_measure(people["owner"])
    act_as(client, people, who)
    assert outcome(client.post(f"/measures/{measure.id}/submit")) == expected
    db.session.expire_all()
    assert (measure.status == MeasureStatus.SUBMITTED) == (expected == 302)


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=LOGIN, owner=403, other_practitioner=403, official=403, moderator=403, admin=403
))  # fmt: skip
def test_submit_when_there_is_no_draft(client, people, who, expected):
    measure = make_measure(people["owner"], publish=True)
    act_as(client, people, who)
    assert outcome(client.post(f"/measures/{measure.id}/submit")) == expected


def test_submit_needs_post(client, people):
    measure = make_measure(people["owner"])
    sign_in(client, people["owner"])
    assert client.get(f"/measures/{measure.id}/submit").status_code == 405


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=404, owner=200, other_practitioner=404, official=404, moderator=200, admin=200
))  # fmt: skip
def test_report_of_a_draft(client, people, who, expected):
    measure = measure_with_report(people["owner"])
    attachment = measure.working_revision.evaluations[0].attachments[0]
    act_as(client, people, who)
    url = f"/measures/{measure.id}/reports/{attachment.id}"
    assert outcome(client.get(url)) == expected


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=200, owner=200, other_practitioner=200, official=200, moderator=200, admin=200
))  # fmt: skip
def test_report_of_a_published_measure(client, people, who, expected):
    measure = measure_with_report(people["owner"], publish=True)
    attachment = measure.published_revision.evaluations[0].attachments[0]
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}/reports/{attachment.id}")) == expected


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=404, owner=200, other_practitioner=404, official=404, moderator=200, admin=200
))  # fmt: skip
def test_report_of_the_working_revision_of_a_published_measure(client, people, who, expected):
    measure = measure_with_report(people["owner"], publish=True)
    update_measure(None, measure, validate_record(sample_record(title="New draft")))
    db.session.commit()
    attachment = measure.working_revision.evaluations[0].attachments[0]  # the copy
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}/reports/{attachment.id}")) == expected


@pytest.mark.parametrize(("who", "expected"), expect(
    anonymous=404, owner=404, other_practitioner=404, official=404, moderator=404, admin=404
))  # fmt: skip
def test_report_of_a_superseded_revision(client, people, who, expected):
    from app.measures.services import make_revision_public, submit_measure

    measure = measure_with_report(people["owner"], publish=True)
    old = measure.published_revision.evaluations[0].attachments[0]
    update_measure(None, measure, validate_record(sample_record(title="Second edition")))
    submit_measure(None, measure)
    make_revision_public(measure, measure.working_revision)
    db.session.commit()
    act_as(client, people, who)
    assert outcome(client.get(f"/measures/{measure.id}/reports/{old.id}")) == expected
