"""The lists a browser keeps in its session: the comparison list and the visitor's shortlist.

The session is Flask's signed cookie (at most about 4 KB), so these lists hold measure ids
only: a visitor's shortlist has no notes (they come with a named shortlist, once signed in)
and at most MAX_SESSION_SHORTLIST measures. Signing in starts a fresh session (against
session fixation); `keep_lists_across_sign_in` carries these two lists over to it, so a
visitor can sign in and then save their shortlist.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, session
from flask_babel import gettext as _
from flask_login import user_logged_in

from app.compare.comparison import MAX_MEASURES

COMPARE_KEY = "compare_ids"
SHORTLIST_KEY = "shortlist_ids"
MAX_SESSION_SHORTLIST = 50
_CARRIED = (COMPARE_KEY, SHORTLIST_KEY)


class ListFull(ValueError):
    """The list already holds as many measures as it may."""


def _ids(key: str) -> list[int]:
    raw = session.get(key) or []
    return [v for v in raw if isinstance(v, int) and not isinstance(v, bool)]


def _add(key: str, measure_id: int, limit: int, full: str) -> bool:
    ids = _ids(key)
    if measure_id in ids:
        return False
    if len(ids) >= limit:
        raise ListFull(full)
    session[key] = [*ids, measure_id]
    return True


def _remove(key: str, measure_id: int) -> bool:
    ids = _ids(key)
    if measure_id not in ids:
        return False
    session[key] = [i for i in ids if i != measure_id]
    return True


def comparison_ids() -> list[int]:
    return _ids(COMPARE_KEY)


def add_to_comparison(measure_id: int) -> bool:
    """Add a measure; False when it was already there. Raises ListFull at MAX_MEASURES."""
    return _add(
        COMPARE_KEY,
        measure_id,
        MAX_MEASURES,
        _(
            "You can compare at most %(max)s measures. Remove one from the comparison before"
            " adding another.",
            max=MAX_MEASURES,
        ),
    )


def remove_from_comparison(measure_id: int) -> bool:
    return _remove(COMPARE_KEY, measure_id)


def set_comparison(ids: list[int]) -> None:
    session[COMPARE_KEY] = list(ids)[:MAX_MEASURES]


def session_shortlist_ids() -> list[int]:
    return _ids(SHORTLIST_KEY)


def add_to_session_shortlist(measure_id: int) -> bool:
    """Add a measure; False when it was already there. Raises ListFull at the limit."""
    return _add(
        SHORTLIST_KEY,
        measure_id,
        MAX_SESSION_SHORTLIST,
        _(
            "This browser's shortlist holds at most %(max)s measures. Sign in to keep longer"
            " shortlists.",
            max=MAX_SESSION_SHORTLIST,
        ),
    )


def remove_from_session_shortlist(measure_id: int) -> bool:
    return _remove(SHORTLIST_KEY, measure_id)


def clear_session_shortlist() -> None:
    session.pop(SHORTLIST_KEY, None)


SIGN_IN_ENDPOINTS = ("accounts.login", "accounts.login_code")


def keep_lists_across_sign_in(app: Flask) -> None:
    """Carry the comparison list and the visitor's shortlist into the signed-in session.

    The sign-in view clears the session before login_user(); the lists are put aside before
    the view runs and put back when Flask-Login announces the sign-in. Only these two lists
    of public measure ids travel: nothing that grants access does.
    """

    @app.before_request
    def _put_lists_aside() -> None:
        if request.method == "POST" and request.endpoint in SIGN_IN_ENDPOINTS:
            g.compare_carried_lists = {k: session[k] for k in _CARRIED if session.get(k)}

    @app.after_request
    def _keep_lists_half_way(response: Any) -> Any:
        # With two-factor sign-in the password step clears the session but signs in only at
        # the code step: keep the lists in the half-way session so that step can carry them.
        _restore(None, None)
        return response

    def _restore(sender: Any, user: Any, **extra: Any) -> None:
        for key, value in (g.pop("compare_carried_lists", None) or {}).items():
            session.setdefault(key, value)

    user_logged_in.connect(_restore, app, weak=False)
