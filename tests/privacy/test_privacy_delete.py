"""Deleting one's account: what goes, what stays anonymised, and who may do it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import RecoveryCode, Role, User, UserStatus
from app.api_tokens.models import ApiToken
from app.audit.models import AuditEvent, Notification
from app.compare.models import Shortlist
from app.core.extensions import db
from app.measures.models import Measure, MeasureRevision, MeasureStatus
from app.measures.uploads import report_path
from app.reviews.aggregates import ratings_for
from app.reviews.models import Review
from tests.conftest import TEST_PASSWORD, make_user
from tests.privacy.conftest import sign_in


def _delete(client, user, password: str = TEST_PASSWORD):
    sign_in(client, user)
    return client.post("/account/delete", data={"password": password})


@pytest.fixture()
def deleted(client, people):
    """The person, deleted through the page."""
    person_id = people.person.id
    people.old_email = people.person.email  # the same object becomes the tombstone
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = _delete(client, people.person)
    assert response.status_code == 302
    db.session.expire_all()
    people.events_before = events_before
    people.tombstone = db.session.get(User, person_id)
    people.response = response
    return people


def test_the_delete_page_says_what_happens(client, people):
    sign_in(client, people.person)
    html = client.get("/account/delete").get_data(as_text=True)
    assert "Delete your account" in html
    assert "never published" in html
    assert "a former member" in html
    assert 'autocomplete="current-password"' in html


def test_deleting_signs_out_and_lands_on_the_privacy_page(client, deleted):
    assert deleted.response.location.endswith("/privacy")
    page = client.get("/privacy", follow_redirects=True).get_data(as_text=True)
    assert "Your account has been deleted" in page
    assert client.get("/account/").status_code == 302  # signed out


def test_the_users_row_becomes_an_anonymous_tombstone(deleted):
    user = deleted.tombstone
    assert user.status == UserStatus.DELETED
    assert user.email == f"deleted-{user.id}@invalid"
    assert user.name == "Deleted user"
    assert user.organisation == ""
    assert user.country == ""
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert user.password_hash.startswith("!")
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0


def test_api_tokens_are_revoked_and_stop_working(client, deleted):
    token = db.session.get(ApiToken, deleted.token.id)
    assert token.revoked_at is not None
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {deleted.token_secret}"})
    assert response.status_code == 401


def test_reviews_stay_anonymised_and_still_count_in_the_ratings(client, deleted):
    review = db.session.get(Review, deleted.review.id)
    assert review is not None and review.user_id is None
    assert review.comment == "Second thoughts of the person."
    assert [v.edited_by_id for v in review.versions] == [None]
    ratings = ratings_for([deleted.others_published.id])[deleted.others_published.id]
    assert ratings.count == 2
    page = client.get(f"/measures/{deleted.others_published.id}").get_data(as_text=True)
    assert "Second thoughts of the person." in page
    assert "A former member" in page


def test_a_moderator_sees_no_name_on_the_anonymised_review(client, deleted):
    moderator = make_user(Role.MODERATOR)
    sign_in(client, moderator)
    page = client.get(f"/measures/{deleted.others_published.id}").get_data(as_text=True)
    assert "A former member" in page
    assert "Person Org" not in page


def test_never_published_measures_are_deleted_with_their_own_files(deleted):
    for measure in (deleted.draft, deleted.shared_draft):
        assert db.session.get(Measure, measure.id) is None
    assert not report_path(deleted.private_report.sha256).exists()
    # The other user's draft uses the same file as the person's submission: it stays.
    assert report_path(deleted.shared_report.sha256).exists()


def test_published_measures_stay_without_an_owner_and_lose_unpublished_edits(client, deleted):
    measure = db.session.get(Measure, deleted.own_published.id)
    assert measure.status == MeasureStatus.PUBLISHED
    assert measure.owner_id is None
    assert measure.organisation == "Person Org"
    assert measure.working_revision_id is None
    assert [r.title for r in measure.revisions] == ["Person published"]
    # The published revision keeps its author: the anonymous tombstone.
    assert measure.published_revision.author_id == deleted.tombstone.id
    page = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "Person published" in page


def test_shortlists_and_notifications_are_deleted(deleted):
    person_id = deleted.tombstone.id
    assert db.session.scalar(select(Shortlist).where(Shortlist.owner_id == person_id)) is None
    assert db.session.scalar(select(Notification).where(Notification.user_id == person_id)) is None


def test_audit_rows_stay_and_point_at_the_tombstone(deleted):
    person_id = deleted.tombstone.id
    rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert len(rows) == deleted.events_before + 1  # nothing rewritten or removed, one added
    by_person = [e for e in rows if e.actor_id == person_id]
    assert {"measure.created", "review.created", "review.updated"} <= {e.action for e in by_person}
    assert all(e.actor.name == "Deleted user" for e in by_person)
    last = rows[-1]
    assert (last.action, last.object_type, last.object_id) == ("user.deleted", "user", person_id)
    assert last.details["measures_deleted"] == 2
    assert last.details["measures_kept"] == 1
    assert last.details["reviews_anonymised"] == 1
    assert deleted.old_email not in str(last.details)


def test_the_old_session_and_the_password_no_longer_work(client, auth, deleted):
    response = auth.login(deleted.old_email)
    assert response.status_code != 302
    assert "/account/" not in (response.location or "")
    assert client.get("/account/data.json").status_code == 302


def test_the_address_can_register_again(client, deleted):
    from app.accounts.services import register_user

    user = register_user(
        name="Back again",
        email=deleted.old_email,
        password="a new long password",
        country="NL",
        organisation="Person Org",
        role="practitioner",
    )
    db.session.commit()
    assert user.id != deleted.tombstone.id
    assert db.session.scalar(select(func.count(Review.id)).where(Review.user_id == user.id)) == 0


def test_a_wrong_password_deletes_nothing(client, people):
    response = _delete(client, people.person, "not my password at all")
    assert response.status_code == 400
    assert "Your password is not correct." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, people.person.id).status == UserStatus.ACTIVE
    assert db.session.get(Measure, people.draft.id) is not None
    assert report_path(people.private_report.sha256).exists()


def test_an_empty_password_is_refused(client, people):
    response = _delete(client, people.person, "")
    assert response.status_code == 400
    assert "Enter your password to confirm." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, people.person.id).status == UserStatus.ACTIVE


def test_the_last_admin_cannot_leave(client, people):
    response = _delete(client, people.admin)
    assert response.status_code == 409
    assert "only active admin" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, people.admin.id).status == UserStatus.ACTIVE


def test_an_admin_can_leave_when_another_admin_remains(client, people):
    make_user(Role.ADMIN)
    assert _delete(client, people.admin).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people.admin.id).status == UserStatus.DELETED


def test_deleting_sends_a_notice_to_the_old_address(app, deleted):
    from pathlib import Path

    mails = [p.read_text() for p in Path(app.config["MAIL_DIR"]).glob("*")]
    assert any(deleted.old_email in m and "your account has been deleted" in m for m in mails)


def test_a_revision_of_someone_else_stays_with_the_tombstone_as_author(app, people):
    """A moderator's edit on another person's measure is not theirs to delete."""
    from app.privacy.services import delete_account

    moderator = make_user(Role.MODERATOR)
    revision = db.session.get(MeasureRevision, people.others_published.published_revision_id)
    revision.author_id = moderator.id
    db.session.commit()
    delete_account(moderator, TEST_PASSWORD)
    db.session.commit()
    assert db.session.get(MeasureRevision, revision.id).author.name == "Deleted user"
