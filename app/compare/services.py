"""Comparison and shortlist services. Each call is one unit of work: the caller commits.

Raises PermissionDenied when the actor may not act and ShortlistInvalid for a bad name, note
or item; a measure that is not published cannot be added (the views answer 404 before that).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from babel import numbers
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.services import record_event
from app.compare import policies
from app.compare.comparison import ComparedMeasure
from app.compare.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH, Shortlist, ShortlistItem
from app.compare.ratings import RatingSummary
from app.core.dbtypes import utcnow
from app.core.exceptions import PermissionDenied
from app.core.extensions import db
from app.core.i18n import current_language
from app.measures.mapping import revision_to_record
from app.measures.models import Measure, MeasureRevision, MeasureStatus

MAX_ITEMS = 500
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
SHARE_TOKEN_BYTES = 16  # 128 random bits: unguessable, and short enough for a link


class ShortlistInvalid(ValueError):
    """A shortlist name, note or item that cannot be stored; the message says why."""


# --- published measures -----------------------------------------------------------------------


def published_measures(ids: Sequence[int]) -> tuple[list[Measure], list[int]]:
    """The published measures among `ids` in the order asked, and the ids that are not.

    Unknown and unpublished ids are reported alike: whether an unpublished measure exists
    is nobody's business but its owner's and the moderators'.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return [], []
    found = {
        m.id: m
        for m in db.session.scalars(
            select(Measure)
            .where(Measure.id.in_(wanted), Measure.status == MeasureStatus.PUBLISHED)
            .options(selectinload(Measure.published_revision))
        )
        if m.published_revision is not None
    }
    return [found[i] for i in wanted if i in found], [i for i in wanted if i not in found]


def published_measure(measure_id: int) -> Measure | None:
    measures, _missing = published_measures([measure_id])
    return measures[0] if measures else None


def evidence_of(revision: MeasureRevision) -> dict[str, Any]:
    """The stored explanation with the authoritative level, label and harm flag columns."""
    evidence = dict(revision.evidence or {})
    evidence.update(
        level=revision.evidence_level, label=revision.evidence_label, harm_flag=revision.harm_flag
    )
    return evidence


def compared_measure(measure: Measure, ratings: RatingSummary | None) -> ComparedMeasure:
    revision = measure.published_revision
    assert revision is not None  # published_measures() only returns published ones  # nosec B101
    return ComparedMeasure(
        id=measure.id,
        title=revision.title,
        record=revision_to_record(revision, measure),
        evidence=evidence_of(revision),
        ratings=ratings,
    )


# --- shortlists --------------------------------------------------------------------------------


def _without_controls(text: str, keep: str = "") -> str:
    """Control characters are never content (and PostgreSQL refuses NUL in text)."""
    return "".join(c for c in text if c in keep or unicodedata.category(c) != "Cc")


def _clean_name(name: str | None) -> str:
    name = " ".join(_without_controls(name or "", keep=" \t\n\r").split())
    if not name:
        raise ShortlistInvalid(_("Enter a name for the shortlist."))
    if len(name) > NAME_MAX_LENGTH:
        raise ShortlistInvalid(
            _("The name must be at most %(max)s characters long.", max=NAME_MAX_LENGTH)
        )
    return name


def _clean_note(note: str | None) -> str | None:
    note = _without_controls(note or "", keep="\t\n\r").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ShortlistInvalid(
            _(
                "The note must be at most %(max)s characters long.",
                max=numbers.format_decimal(NOTE_MAX_LENGTH, locale=current_language()),
            )
        )
    return note or None


def _check_keep(actor: Any) -> None:
    if not policies.can_keep_shortlists(actor):
        raise PermissionDenied(_("Sign in with an active account to keep shortlists."))


def _check_edit(actor: Any, shortlist: Shortlist) -> None:
    if not policies.can_edit_shortlist(actor, shortlist):
        raise PermissionDenied(_("Only the owner can change this shortlist."))


def shortlists_of(user: Any) -> list[Shortlist]:
    """The user's shortlists, most recently changed first."""
    if not policies.can_keep_shortlists(user):
        return []
    return list(
        db.session.scalars(
            select(Shortlist)
            .where(Shortlist.owner_id == user.id)
            .order_by(Shortlist.updated_at.desc(), Shortlist.id.desc())
        )
    )


def shortlist_by_token(token: str) -> Shortlist | None:
    """The shortlist shared with this token; None for an unknown or revoked one."""
    # Only what secrets.token_urlsafe makes reaches the database (PostgreSQL refuses NUL).
    if not _TOKEN.fullmatch(token or ""):
        return None
    return db.session.scalar(select(Shortlist).where(Shortlist.share_token == token))


def create_shortlist(actor: Any, name: str, measures: Iterable[Measure] = ()) -> Shortlist:
    """A new shortlist of `actor`, optionally with measures. Raises PermissionDenied,
    ShortlistInvalid."""
    _check_keep(actor)
    shortlist = Shortlist(owner_id=actor.id, name=_clean_name(name))
    db.session.add(shortlist)
    added = 0
    for measure in measures:
        _check_addable(measure)
        if added >= MAX_ITEMS:
            break
        shortlist.items.append(ShortlistItem(measure_id=measure.id))
        added += 1
    db.session.flush()
    record_event(actor, "shortlist.created", "shortlist", shortlist.id, items=added)
    db.session.flush()
    return shortlist


def rename_shortlist(actor: Any, shortlist: Shortlist, name: str) -> None:
    """Raises PermissionDenied, ShortlistInvalid."""
    _check_edit(actor, shortlist)
    old, shortlist.name = shortlist.name, _clean_name(name)
    if shortlist.name != old:
        record_event(actor, "shortlist.renamed", "shortlist", shortlist.id, name=shortlist.name)
    db.session.flush()


def delete_shortlist(actor: Any, shortlist: Shortlist) -> None:
    """Delete the shortlist and its items; its share link stops working. Raises
    PermissionDenied."""
    _check_edit(actor, shortlist)
    record_event(
        actor,
        "shortlist.deleted",
        "shortlist",
        shortlist.id,
        name=shortlist.name,
        items=len(shortlist.items),
    )
    db.session.delete(shortlist)
    db.session.flush()


def share_shortlist(actor: Any, shortlist: Shortlist) -> str:
    """Give the shortlist a new share token (a link shared before stops working) and return it.

    The token is never written to the audit log: it is a password to the list. Raises
    PermissionDenied.
    """
    _check_edit(actor, shortlist)
    regenerated = shortlist.share_token is not None
    shortlist.share_token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
    record_event(actor, "shortlist.shared", "shortlist", shortlist.id, regenerated=regenerated)
    db.session.flush()
    return shortlist.share_token


def unshare_shortlist(actor: Any, shortlist: Shortlist) -> bool:
    """Revoke the share link; False when the list was not shared. Raises PermissionDenied."""
    _check_edit(actor, shortlist)
    if shortlist.share_token is None:
        return False
    shortlist.share_token = None
    record_event(actor, "shortlist.unshared", "shortlist", shortlist.id)
    db.session.flush()
    return True


def _check_addable(measure: Measure) -> None:
    if measure.status != MeasureStatus.PUBLISHED:
        raise ShortlistInvalid(_("Only published measures can be put on a shortlist."))


def add_to_shortlist(
    actor: Any, shortlist: Shortlist, measure: Measure, note: str | None = None
) -> tuple[ShortlistItem, bool]:
    """Put a measure on the list with a note, or change the note of one already on it.

    Returns (item, created). Raises PermissionDenied, ShortlistInvalid.
    """
    _check_edit(actor, shortlist)
    _check_addable(measure)
    note = _clean_note(note)
    item = next((i for i in shortlist.items if i.measure_id == measure.id), None)
    created = item is None
    if item is None:
        if len(shortlist.items) >= MAX_ITEMS:
            raise ShortlistInvalid(f"A shortlist holds at most {MAX_ITEMS} measures.")
        item = ShortlistItem(measure_id=measure.id, note=note)
        shortlist.items.append(item)
    else:
        item.note = note
    shortlist.updated_at = utcnow()  # the list changed even if only an item did
    action = "shortlist.item_added" if created else "shortlist.note_changed"
    record_event(actor, action, "shortlist", shortlist.id, measure_id=measure.id)
    db.session.flush()
    return item, created


def remove_from_shortlist(actor: Any, shortlist: Shortlist, measure_id: int) -> bool:
    """Take a measure off the list; False when it was not on it. Raises PermissionDenied."""
    _check_edit(actor, shortlist)
    item = next((i for i in shortlist.items if i.measure_id == measure_id), None)
    if item is None:
        return False
    shortlist.items.remove(item)
    shortlist.updated_at = utcnow()
    record_event(actor, "shortlist.item_removed", "shortlist", shortlist.id, measure_id=measure_id)
    db.session.flush()
    return True


def save_session_shortlist(actor: Any, name: str, measure_ids: Sequence[int]) -> Shortlist:
    """A named shortlist from the browser's session list; measures no longer published are
    left out. Raises PermissionDenied, ShortlistInvalid."""
    measures, _gone = published_measures(measure_ids)
    return create_shortlist(actor, name, measures)


@dataclass(frozen=True)
class Entry:
    """One line of a shortlist as shown: the item, and the measure's published revision (None
    when the measure is no longer published)."""

    measure_id: int
    note: str | None
    measure: Measure | None
    revision: MeasureRevision | None


def shortlist_entries(items: Iterable[ShortlistItem]) -> list[Entry]:
    items = list(items)
    measures, _gone = published_measures([i.measure_id for i in items])
    by_id = {m.id: m for m in measures}
    entries = []
    for item in items:
        measure = by_id.get(item.measure_id)
        revision = measure.published_revision if measure is not None else None
        entries.append(Entry(item.measure_id, item.note, measure, revision))
    return entries
