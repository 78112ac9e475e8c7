"""The account page: details, notifications, changing the password."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.passwords import verify_password
from app.audit.models import Notification
from app.core.dbtypes import utcnow
from app.core.extensions import db
from tests.accounts.conftest import NEW_PASSWORD, audit_actions, fresh, new_client
from tests.conftest import TEST_PASSWORD, make_user


def _change(client, current=TEST_PASSWORD, password=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def test_the_account_page_shows_the_persons_details(client, auth):
    user = make_user("official", email="pat@example.org", country="AT", organisation="BMI")
    auth.login(user)
    page = client.get("/account/").get_data(as_text=True)
    assert page.count("<h1") == 1
    for text in ("pat@example.org", "Test Official", "Austria", "BMI", "Official"):
        assert text in page
    assert "Accounts waiting for approval" not in page


def test_moderators_and_admins_find_their_administration_links(client, auth):
    auth.login(make_user("admin"))
    page = client.get("/account/").get_data(as_text=True)
    assert 'href="/account/pending"' in page and 'href="/account/users"' in page


def test_notifications_are_listed_newest_first_and_only_the_users_own(client, auth):
    user = make_user()
    other = make_user()
    now = utcnow()
    db.session.add_all(
        [
            Notification(user_id=user.id, message="Older news", created_at=now - timedelta(days=2)),
            Notification(user_id=user.id, message="Newest news", created_at=now, link="/measures/"),
            Notification(user_id=other.id, message="Someone else's news"),
        ]
    )
    db.session.commit()
    auth.login(user)
    page = client.get("/account/").get_data(as_text=True)
    assert page.index("Newest news") < page.index("Older news")
    assert "Someone else" not in page
    assert "(2 unread)" in page and page.count("<strong>New:</strong>") == 2
    assert '<a href="/measures/">Newest news</a>' in page


def test_mark_all_read_marks_only_the_users_own_notifications(client, auth):
    user = make_user()
    other = make_user()
    db.session.add_all(
        [
            Notification(user_id=user.id, message="Yours"),
            Notification(user_id=other.id, message="Theirs"),
        ]
    )
    db.session.commit()
    auth.login(user)
    response = client.post("/account/notifications/read", follow_redirects=True)
    assert "marked as read" in response.get_data(as_text=True)
    db.session.expire_all()
    read = {n.message: n.read_at is not None for n in db.session.scalars(db.select(Notification))}
    assert read == {"Yours": True, "Theirs": False}
    page = client.get("/account/").get_data(as_text=True)
    assert "unread" not in page and "Mark all as read" not in page


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, auth, app):
    user = make_user(email="pat@example.org")
    other = new_client(app)
    other.post("/account/login", data={"email": "pat@example.org", "password": TEST_PASSWORD})
    auth.login(user)
    old_cookie = client.get_cookie("session").value
    response = _change(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert verify_password(fresh(user).password_hash, NEW_PASSWORD)
    assert fresh(user).session_version == 2
    assert len(audit_actions("user.password_changed")) == 1
    assert client.get("/account/").status_code == 200  # still signed in here
    assert other.get("/account/").status_code == 302  # signed out elsewhere
    replay = new_client(app)
    replay.set_cookie("session", old_cookie, domain="localhost")
    assert replay.get("/account/").status_code == 302


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"current": "not my password"},
            "current_password",
            "Your current password is not correct.",
        ),
        ({"current": ""}, "current_password", "Enter your current password."),
        ({"password": "too short"}, "password", "Use at least 12 characters."),
        ({"confirm": "something different"}, "confirm", "The two passwords do not match."),
    ],
)
def test_a_bad_password_change_shows_the_message_and_changes_nothing(
    client, auth, kwargs, field, message
):
    user = make_user()
    auth.login(user)
    response = _change(client, **kwargs)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page[page.index(f'id="{field}-error"') :]
    user = fresh(user)
    assert verify_password(user.password_hash, TEST_PASSWORD)
    assert user.session_version == 1
    assert audit_actions("user.password_changed") == []
    assert NEW_PASSWORD not in page
