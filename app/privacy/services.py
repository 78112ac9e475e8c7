"""Deleting an account (GDPR art. 17). The caller commits.

What happens (the privacy page says the same):
- measures the person owns that were never published are deleted with their revisions,
  evaluations and reports; so are their unpublished changes to published measures;
- published measures stay with their organisation, without an owner;
- reviews stay, counted in the ratings, with no link to the person ("A former member");
- shortlists, notifications, recovery codes are deleted; API tokens are revoked;
- the users row stays as a tombstone (status deleted, no name, address, organisation or
  usable password) because the append-only audit log points at it: rows are never
  rewritten, their actor simply becomes an anonymous account.

Errors: PermissionDenied (the account may not be deleted now: policies.deletion_refusal),
WrongPassword. After the commit the caller calls remove_unused_reports() and
send_deletion_notice(): neither may happen for a deletion that did not commit.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.accounts.models import RecoveryCode, Role, User, UserStatus
from app.accounts.passwords import verify_password
from app.accounts.services import end_sessions
from app.audit.models import Notification
from app.audit.services import record_event
from app.core.exceptions import PermissionDenied
from app.core.extensions import db
from app.core.mail import in_recipients_language, send_mail
from app.measures.models import Attachment, Measure, MeasureRevision
from app.measures.uploads import report_path
from app.outbox.services import enqueue_index_change
from app.privacy import policies
from app.privacy.linked import revoke_api_tokens
from app.reviews.models import Review, ReviewVersion

DELETED_NAME = "Deleted user"
# Never a password hash: argon2 cannot parse it, so no password ever matches.
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105  # nosec B105
MSG_WRONG_PASSWORD = "Your password is not correct."  # noqa: S105  # nosec B105


class WrongPassword(Exception):
    """The password given to confirm the deletion is not the account's."""


@dataclass
class DeletionResult:
    measures_deleted: int = 0
    revisions_deleted: int = 0
    measures_kept: int = 0
    reviews_anonymised: int = 0
    # Digests of report files that deleted drafts used: remove_unused_reports() after commit.
    report_digests: set[str] = field(default_factory=set)
    # Where send_deletion_notice() writes after the commit (the row no longer has them).
    old_email: str = ""
    old_name: str = ""
    old_language: str | None = None


def other_active_admins(user: User) -> int:
    query = select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.status == UserStatus.ACTIVE, User.id != user.id
    )
    return db.session.scalar(query) or 0


def deletion_refusal(user: User) -> str | None:
    return policies.deletion_refusal(user, other_active_admins(user))


def _revision_digests(revision: MeasureRevision) -> set[str]:
    return {a.sha256 for e in revision.evaluations for a in e.attachments}


def _remove_unpublished_work(user: User, result: DeletionResult) -> None:
    owned = db.session.scalars(select(Measure).where(Measure.owner_id == user.id)).all()
    for measure in owned:
        if measure.published_revision_id is None:
            for revision in measure.revisions:
                result.report_digests |= _revision_digests(revision)
            result.measures_deleted += 1
            enqueue_index_change(measure.id, "delete")  # never public, but the index is told
            db.session.delete(measure)
            continue
        working = measure.working_revision
        if working is not None and working.author_id == user.id:
            # Unpublished changes to a published measure: nobody could finish them now.
            result.report_digests |= _revision_digests(working)
            result.revisions_deleted += 1
            measure.working_revision = None
            measure.revisions.remove(working)
        measure.owner_id = None
        result.measures_kept += 1


def _anonymise_reviews(user: User, result: DeletionResult) -> None:
    review_ids = select(Review.id).where(Review.user_id == user.id)
    db.session.execute(
        update(ReviewVersion)
        .where(ReviewVersion.review_id.in_(review_ids), ReviewVersion.edited_by_id == user.id)
        .values(edited_by_id=None)
    )
    outcome = db.session.execute(
        update(Review).where(Review.user_id == user.id).values(user_id=None)
    )
    result.reviews_anonymised = int(getattr(outcome, "rowcount", 0) or 0)


def _delete_private_things(user: User) -> None:
    from app.compare.models import Shortlist

    for shortlist in db.session.scalars(select(Shortlist).where(Shortlist.owner_id == user.id)):
        db.session.delete(shortlist)
    for model in (Notification, RecoveryCode):
        for row in db.session.scalars(select(model).where(model.user_id == user.id)):
            db.session.delete(row)


def _make_tombstone(user: User) -> None:
    user.status = UserStatus.DELETED
    user.email = f"deleted-{user.id}@invalid"
    user.name = DELETED_NAME
    user.organisation = ""
    user.country = ""
    user.password_hash = UNUSABLE_PASSWORD
    user.email_verified_at = None
    user.last_login_at = None
    user.language = None
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None


def delete_account(actor: User, password: str) -> DeletionResult:
    """Delete the actor's own account (see the module docstring).

    Raises PermissionDenied (policies.deletion_refusal says why) and WrongPassword.
    """
    refusal = deletion_refusal(actor)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if not password or not verify_password(actor.password_hash, password):
        raise WrongPassword(MSG_WRONG_PASSWORD)
    result = DeletionResult(old_email=actor.email, old_name=actor.name, old_language=actor.language)
    _remove_unpublished_work(actor, result)
    _anonymise_reviews(actor, result)
    _delete_private_things(actor)
    tokens_revoked = revoke_api_tokens(actor)
    _make_tombstone(actor)
    record_event(
        actor, "user.deleted", "user", actor.id,
        measures_deleted=result.measures_deleted, revisions_deleted=result.revisions_deleted,
        measures_kept=result.measures_kept, reviews_anonymised=result.reviews_anonymised,
        api_tokens_revoked=tokens_revoked,
    )  # fmt: skip
    db.session.flush()
    end_sessions(actor)
    return result


def send_deletion_notice(result: DeletionResult) -> None:
    """After the commit: tell the old address, in case someone else was signed in as the
    person (sent only once the deletion is real)."""
    with in_recipients_language(result.old_language):
        send_mail(
            result.old_email,
            _("Prevent-Hub: your account has been deleted"),
            _(
                "Hello %(name)s,\n\nYour Prevent-Hub account has been deleted, as you asked."
                " Your reviews stay on the site without your name; your unpublished drafts are"
                " gone.\n\nIf you did not do this, contact the Prevent-Hub team.",
                name=result.old_name,
            ),
        )


def remove_unused_reports(digests: set[str]) -> int:
    """After the commit: delete the files no attachment uses any more; returns how many.

    Called only once the deletion is committed, so a failed commit never loses a file that a
    surviving row still names. (An upload of the very same bytes committed between the check
    and the unlink would lose its file: a race that needs someone to upload the deleted
    person's exact unpublished report at that instant, accepted as such.)
    """
    if not digests:
        return 0
    still_used = set(
        db.session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(digests)))
    )
    removed = 0
    for digest in sorted(digests - still_used):
        with contextlib.suppress(FileNotFoundError):
            report_path(digest).unlink()
            removed += 1
    return removed
