"""The audit-log page: newest first, filters, readable details, and no way to change it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.moderation import views
from app.moderation.services import publish_measure
from tests.conftest import make_user
from tests.moderation.factories import submitted_measure


@pytest.fixture()
def log(app, owner, moderator):
    """A small history: a measure created and submitted by its owner, published by a
    moderator, and an account event written by the CLI."""
    measure = submitted_measure(owner, title="Logged measure")
    publish_measure(moderator, measure, "Looks good <b>really</b>.")
    record_event(None, "user.created", "user", owner.id, source="cli")
    db.session.commit()
    return measure


def _body(html):
    """The table body: the filter form above also names actions."""
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""


def _rows(html):
    return _body(html).count("<tr>")


def test_audit_log_lists_events_newest_first_with_actor_object_and_details(
    client, login, moderator, log
):
    login(moderator)
    response = client.get("/moderation/audit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _rows(html) == 4
    body = _body(html)
    # In words, newest first: no raw codes for the reader (issue 14).
    created, published = body.index("Created an account"), body.index("Published the measure")
    submitted = body.index("Submitted the measure for review")
    assert created < published < submitted < body.index("Created the measure")
    assert "measure.published" not in body and "user." not in body
    assert "the system" in html and "system/CLI" not in html
    assert "mod@example.org" in html and "owner@example.org" in html
    assert f'<a href="/moderation/measures/{log.id}">Measure {log.id}</a>' in html
    assert "<dt>Revision</dt>" in body and "<dt>Comment</dt>" in body
    # The filter offers the actions in words too, with the codes as values.
    assert '<option value="measure.published">Published the measure</option>' in html
    # Details are shown, escaped.
    assert "Looks good &lt;b&gt;really&lt;/b&gt;." in html
    assert "<b>really</b>" not in html


def test_audit_log_filters_by_action(client, login, moderator, log):
    login(moderator)
    html = client.get("/moderation/audit?action=measure.published").get_data(as_text=True)
    assert _rows(html) == 1 and "Published the measure" in _body(html)


def test_audit_log_filters_by_actor_email_in_part_and_any_case(client, login, moderator, log):
    login(moderator)
    html = client.get("/moderation/audit?actor=OWNER@example").get_data(as_text=True)
    assert _rows(html) == 2  # created and submitted
    html = client.get("/moderation/audit?actor=mod%40").get_data(as_text=True)
    assert _rows(html) == 1
    html = client.get("/moderation/audit?actor=%25").get_data(as_text=True)
    assert "No event matches these filters." in html  # % is a character, not a wildcard


def test_audit_log_filters_by_object_type_and_id(client, login, moderator, owner, log):
    login(moderator)
    html = client.get("/moderation/audit?object_type=user").get_data(as_text=True)
    assert _rows(html) == 1 and "Created an account" in _body(html)
    html = client.get(f"/moderation/audit?object_type=measure&object_id={log.id}").get_data(
        as_text=True
    )
    assert _rows(html) == 3
    html = client.get("/moderation/audit?object_id=987654").get_data(as_text=True)
    assert "No event matches these filters." in html


def test_filtering_by_an_action_not_in_the_log_yet_finds_nothing(client, login, moderator, log):
    login(moderator)
    response = client.get("/moderation/audit?action=measure.archived")
    assert response.status_code == 200
    assert "No event matches these filters." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("object_id=abc", "Enter a whole number, like 42."),
        ("object_id=0", "Object ids start at 1."),
        ("action=drop%20table", "Choose one of the listed options."),
        ("object_type=%3Cscript%3E", "Choose one of the listed options."),
        ("actor=" + "a" * 255, "An email has at most 254 characters."),
    ],
)
def test_audit_log_refuses_bad_filters_with_a_message(
    client, login, moderator, log, query, message
):
    login(moderator)
    response = client.get(f"/moderation/audit?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_audit_log_is_paginated(client, login, moderator, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    start = utcnow() - timedelta(hours=1)
    for n in range(5):
        event = record_event(None, "test.event", "user", n + 1)
        event.created_at = start + timedelta(minutes=n)
    db.session.commit()
    login(moderator)
    first = client.get("/moderation/audit?action=test.event").get_data(as_text=True)
    assert "Page 1 of 3" in first and _rows(first) == 2
    assert first.index("Account 5") < first.index("Account 4") and "Account 3" not in first
    assert "/moderation/audit?page=2&amp;action=test.event" in first
    last = client.get("/moderation/audit?action=test.event&page=3").get_data(as_text=True)
    assert _rows(last) == 1


def test_admins_read_the_audit_log_and_others_do_not(client, login, owner, log):
    login(make_user(Role.ADMIN))
    assert client.get("/moderation/audit").status_code == 200
    for role in (Role.PRACTITIONER, Role.OFFICIAL):
        login(make_user(role))
        assert client.get("/moderation/audit").status_code == 403


def test_the_audit_log_has_no_route_to_change_it(app, client, login, moderator, log):
    audit_rules = [r for r in app.url_map.iter_rules() if "/moderation/audit" in r.rule]
    assert [sorted(r.methods - {"HEAD", "OPTIONS"}) for r in audit_rules] == [["GET"]]
    login(moderator)
    event_id = db.session.scalar(select(AuditEvent.id).limit(1))
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/moderation/audit", method=method).status_code == 405
        assert client.open(f"/moderation/audit/{event_id}", method=method).status_code == 404
