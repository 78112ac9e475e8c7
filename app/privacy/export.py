"""Everything Prevent-Hub holds about one person, as a JSON-ready dict (GDPR art. 15 and 20).

Secrets are never part of it: no password hash, no two-factor key, no recovery codes, no API
token values and no shortlist share links, only facts about them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from app.accounts.models import RecoveryCode, User
from app.audit.models import AuditEvent, Notification
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.measures.mapping import revision_to_record
from app.measures.models import Attachment, Evaluation, Measure, MeasureRevision
from app.privacy.linked import api_tokens_of
from app.reviews.models import DIMENSIONS, Review

FORMAT = "prevent-hub-personal-data/1"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "status": user.status.value,
        "country": user.country,
        "organisation": user.organisation,
        "email_verified_at": _when(user.email_verified_at),
        "created_at": _when(user.created_at),
        "approved_at": _when(user.approved_at),
        "last_login_at": _when(user.last_login_at),
        "language": user.language,  # the interface language chosen in the switcher, or None
    }


def _two_factor(user: User) -> dict[str, Any]:
    unused = db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    return {
        "enabled": user.totp_enabled_at is not None,
        "enabled_at": _when(user.totp_enabled_at),
        "unused_recovery_codes": unused or 0,
    }


def _measures(user: User) -> list[dict[str, Any]]:
    query = select(Measure).where(Measure.owner_id == user.id).order_by(Measure.id)
    return [
        {
            "id": m.id,
            "external_id": m.external_id,
            "status": m.status.value,
            "organisation": m.organisation,
            "created_at": _when(m.created_at),
            "published_at": _when(m.published_at),
        }
        for m in db.session.scalars(query)
    ]


def _revisions(user: User) -> list[dict[str, Any]]:
    """Revisions the person wrote, each with its content in the record format, evaluations
    included (the evaluations they entered)."""
    query = (
        select(MeasureRevision)
        .where(MeasureRevision.author_id == user.id)
        .order_by(MeasureRevision.measure_id, MeasureRevision.number)
    )
    return [
        {
            "measure_id": r.measure_id,
            "number": r.number,
            "state": r.state.value,
            "created_at": _when(r.created_at),
            "submitted_at": _when(r.submitted_at),
            "decided_at": _when(r.decided_at),
            "record": revision_to_record(r),
        }
        for r in db.session.scalars(query)
    ]


def _reports(user: User) -> list[dict[str, Any]]:
    query = (
        select(Attachment, MeasureRevision.measure_id)
        .join(Evaluation, Attachment.evaluation_id == Evaluation.id)
        .join(MeasureRevision, Evaluation.revision_id == MeasureRevision.id)
        .where(Attachment.uploaded_by_id == user.id)
        .order_by(Attachment.id)
    )
    return [
        {
            "id": a.id,
            "measure_id": measure_id,
            "filename": a.filename,
            "sha256": a.sha256,
            "size_bytes": a.size_bytes,
            "uploaded_at": _when(a.created_at),
        }
        for a, measure_id in db.session.execute(query)
    ]


def _review_content(obj: Any) -> dict[str, Any]:
    return {
        "scores": {name: getattr(obj, name) for name in DIMENSIONS},
        "implemented": obj.implemented,
        "implemented_country": obj.implemented_country,
        "implemented_year": obj.implemented_year,
        "comment": obj.comment,
    }


def _reviews(user: User) -> list[dict[str, Any]]:
    query = select(Review).where(Review.user_id == user.id).order_by(Review.id)
    return [
        {
            "id": r.id,
            "measure_id": r.measure_id,
            **_review_content(r),
            "created_at": _when(r.created_at),
            "updated_at": _when(r.updated_at),
            "hidden_at": _when(r.hidden_at),
            "hidden_reason": r.hidden_reason,
            "earlier_versions": [
                {
                    **_review_content(v),
                    "written_at": _when(v.written_at),
                    "replaced_at": _when(v.created_at),
                }
                for v in r.versions
            ],
        }
        for r in db.session.scalars(query)
    ]


def _shortlists(user: User) -> list[dict[str, Any]]:
    from app.compare.services import shortlists_of

    return [
        {
            "id": s.id,
            "name": s.name,
            "shared_by_link": s.share_token is not None,
            "created_at": _when(s.created_at),
            "updated_at": _when(s.updated_at),
            "items": [
                {"measure_id": i.measure_id, "note": i.note, "added_at": _when(i.added_at)}
                for i in s.items
            ],
        }
        for s in shortlists_of(user)
    ]


def _notifications(user: User) -> list[dict[str, Any]]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return [
        {
            "created_at": _when(n.created_at),
            "message": n.message,
            "link": n.link,
            "read_at": _when(n.read_at),
        }
        for n in db.session.scalars(query)
    ]


def _audit_events(user: User) -> list[dict[str, Any]]:
    """Events the person did, and events done to their account (by whom is not said: that
    is the other person's data)."""
    about_user = (AuditEvent.object_type == "user") & (AuditEvent.object_id == user.id)
    query = (
        select(AuditEvent)
        .where(or_(AuditEvent.actor_id == user.id, about_user))
        .order_by(AuditEvent.id)
    )
    return [
        {
            "id": e.id,
            "created_at": _when(e.created_at),
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "by_you": e.actor_id == user.id,
            "details": e.details,
        }
        for e in db.session.scalars(query)
    ]


def _api_tokens(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "scope": t.scope.value,
            "created_at": _when(t.created_at),
            "last_used_at": _when(t.last_used_at),
            "revoked_at": _when(t.revoked_at),
        }
        for t in api_tokens_of(user)
    ]


def personal_data(user: User) -> dict[str, Any]:
    """Everything held about `user`, grouped by kind; each list is oldest first."""
    return {
        "format": FORMAT,
        "exported_at": _when(utcnow()),
        "profile": _profile(user),
        "two_factor": _two_factor(user),
        "api_tokens": _api_tokens(user),
        "measures_owned": _measures(user),
        "revisions_written": _revisions(user),
        "reports_uploaded": _reports(user),
        "reviews": _reviews(user),
        "shortlists": _shortlists(user),
        "notifications": _notifications(user),
        "audit_events": _audit_events(user),
    }
