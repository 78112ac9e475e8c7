"""Writing audit events and owner notifications, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask_babel.speaklater import LazyString

from app.audit.models import AuditEvent, Notification
from app.core.extensions import db
from app.core.mail import in_recipients_language, send_mail
from app.core.urls import absolute


def record_event(
    actor: Any, action: str, object_type: str, object_id: int | None, **details: Any
) -> AuditEvent:
    """Append one audit event; `actor` is a User or None for the CLI and the system."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    db.session.add(event)
    return event


def notify(user: Any, message: str | LazyString, link: str | None = None) -> None:
    """Tell a user about something that happened to their work: in the app and by mail.

    A translatable `message` (lazy_gettext) is written in the user's language (their account's,
    else English; a mail has no browser to ask), not in the language of whoever caused it.
    """
    if user is None:
        return
    with in_recipients_language(getattr(user, "language", None)):
        message = str(message)
    db.session.add(Notification(user_id=user.id, message=message, link=link))
    subject = " ".join(message.split())[:70]  # a header must be one line
    url = absolute(link or "")  # the configured address, never the request's Host
    send_mail(user.email, f"Prevent-Hub: {subject}", f"{message}\n\n{url}".strip())
