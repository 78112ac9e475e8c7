"""Writing audit events and owner notifications, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from app.audit.models import AuditEvent, Notification
from app.core.extensions import db
from app.core.i18n import DEFAULT_LANGUAGE, is_supported
from app.core.mail import send_mail
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


def reader_language(user: Any) -> str:
    """The language a message to `user` is written in: the one their account chose, else
    English (a mail has no browser to ask)."""
    language = getattr(user, "language", None)
    return str(language) if is_supported(language) else DEFAULT_LANGUAGE


def notify(user: Any, message: str | LazyString, link: str | None = None) -> None:
    """Tell a user about something that happened to their work: in the app and by mail.

    A translatable `message` (lazy_gettext) is written in the user's language, not in the
    language of whoever caused it.
    """
    if user is None:
        return
    with force_locale(reader_language(user)):
        message = str(message)
    db.session.add(Notification(user_id=user.id, message=message, link=link))
    subject = " ".join(message.split())[:70]  # a header must be one line
    url = absolute(link or "")  # the configured address, never the request's Host
    send_mail(user.email, f"Prevent-Hub: {subject}", f"{message}\n\n{url}".strip())
