"""The interface language an account keeps, so a reader's choice follows them to any browser."""

from __future__ import annotations

from flask import has_request_context, request

from app.accounts.models import User
from app.audit.services import record_event
from app.core import i18n


def remember_language(user: User, code: str) -> None:
    """Keep `code` as the account's language (committed with the request), audited."""
    if user.language != code:
        record_event(user, "user.language_changed", "user", user.id, language=code)
        user.language = code


def adopt_chosen_language(user: User) -> None:
    """On sign-in: a language chosen from the switcher before signing in becomes the account's,
    unless the account already has one (a choice made on purpose earlier stays)."""
    chosen = request.cookies.get(i18n.COOKIE_NAME) if has_request_context() else None
    if user.language is None and i18n.is_supported(chosen):
        remember_language(user, str(chosen))
