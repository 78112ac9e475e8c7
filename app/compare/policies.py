"""Who may keep, see and change shortlists. Pure functions, used by services, views, templates.

A shortlist is private to its owner: not even moderators or admins read it (it may hold a
ministry's working notes). Its share link gives anyone a read-only view instead.
"""

from __future__ import annotations

from typing import Any

from app.compare.models import Shortlist


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_keep_shortlists(user: Any) -> bool:
    """Every signed-in, active account keeps named shortlists; visitors keep one in the session."""
    return _signed_in(user) and bool(getattr(user, "is_active", False))


def is_shortlist_owner(user: Any, shortlist: Shortlist) -> bool:
    return _signed_in(user) and shortlist.owner_id == user.id


def can_view_shortlist(user: Any, shortlist: Shortlist) -> bool:
    """Only the owner, through the shortlist's own pages (the share link is separate)."""
    return is_shortlist_owner(user, shortlist)


def can_edit_shortlist(user: Any, shortlist: Shortlist) -> bool:
    """Only the owner renames, deletes, shares and changes the items of a shortlist."""
    return is_shortlist_owner(user, shortlist) and can_keep_shortlists(user)
