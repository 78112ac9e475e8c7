"""The audit log in words (issue 14): what an event's code, object and details mean to a
moderator reading the log or a measure's history. "measure.submitted" by a practitioner reads
"Submitted the measure for review"; "user 3" reads "Account 3"; "size_bytes" reads "File size".

Codes stay in the database and in the log's filters' values (they are stable and searchable);
only what a person reads is worded here, in the reader's language (lazy_gettext: the tables are
read when a page is drawn, so each reader gets their own). An unknown code still reads sensibly
(its words with the dots and underscores taken out), so a new event never shows a raw code.
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

ACTIONS: dict[str, LazyString] = {
    "measure.created": _l("Created the measure"),
    "measure.updated": _l("Saved changes to the measure"),
    "measure.imported": _l("Imported the measure from a file"),
    "measure.submitted": _l("Submitted the measure for review"),
    "measure.published": _l("Published the measure"),
    "measure.changes_requested": _l("Asked the submitter for changes"),
    "measure.rejected": _l("Rejected the measure"),
    "measure.archived": _l("Archived the measure"),
    "measures.generated": _l("Generated synthetic measures"),
    "report.attached": _l("Attached a report"),
    "report.removed": _l("Removed a report"),
    "evidence.confirmed": _l("Confirmed the evidence level"),
    "evidence.verified": _l("Verified the evidence (second moderator)"),
    "evidence.harm_reviewed": _l("Reviewed the harm signal"),
    "evidence.recomputed": _l("Recomputed the evidence level under a new ruleset"),
    "evidence.rereview_requested": _l("Asked for the evidence to be reviewed again"),
    "evidence.rereview_decided": _l("Decided on a request to review the evidence again"),
    "review.created": _l("Wrote a peer review"),
    "review.updated": _l("Changed a peer review"),
    "review.hidden": _l("Hid a peer review"),
    "review.unhidden": _l("Showed a hidden peer review again"),
    "shortlist.created": _l("Created a shortlist"),
    "shortlist.renamed": _l("Renamed a shortlist"),
    "shortlist.deleted": _l("Deleted a shortlist"),
    "shortlist.item_added": _l("Added a measure to a shortlist"),
    "shortlist.item_removed": _l("Removed a measure from a shortlist"),
    "shortlist.note_changed": _l("Changed a note in a shortlist"),
    "shortlist.shared": _l("Shared a shortlist by link"),
    "shortlist.unshared": _l("Stopped sharing a shortlist"),
    "api_token.created": _l("Created an API token"),
    "api_token.revoked": _l("Revoked an API token"),
    "api_token.revoked_all": _l("Revoked every API token of the account"),
    "moderation.decision_pending": _l("Decided on their own measure: waits for a second admin"),
    "user.registered": _l("Registered an account"),
    "user.created": _l("Created an account"),
    "user.email_verified": _l("Confirmed their email address"),
    "user.approved": _l("Approved an account"),
    "user.rejected": _l("Rejected a registration"),
    "user.login": _l("Signed in"),
    "user.locked": _l("Account locked after failed sign-ins"),
    "user.unlocked": _l("Account unlocked"),
    "user.password_changed": _l("Changed their password"),
    "user.password_reset": _l("Reset their password by email"),
    "user.language_changed": _l("Chose the interface language"),
    "user.role_changed": _l("Changed an account's role"),
    "user.suspended": _l("Suspended an account"),
    "user.reactivated": _l("Reactivated an account"),
    "user.deleted": _l("Deleted an account"),
    "user.two_factor_enrolment_started": _l("Started setting up two-step sign-in"),
    "user.two_factor_enabled": _l("Turned on two-step sign-in"),
    "user.two_factor_disabled": _l("Turned off two-step sign-in"),
    "user.two_factor_reset": _l("Reset an account's two-step sign-in"),
    "user.recovery_code_used": _l("Signed in with a recovery code"),
    "user.recovery_codes_regenerated": _l("Made new recovery codes"),
    "settings.changed": _l("Changed a site setting"),
    "demo.loaded": _l("Loaded the demo data"),
    "backup.restored": _l("Restored a backup"),
    "search.consumer_removed": _l("Removed a search index consumer"),
}

OBJECTS: dict[str, LazyString] = {
    "measure": _l("Measure"),
    "user": _l("Account"),
    "review": _l("Peer review"),
    "shortlist": _l("Shortlist"),
    "api_token": _l("API token"),  # nosec B105  (a name for people, not a secret)
    "system": _l("The system"),
    "setting": _l("Site setting"),
}

DETAILS: dict[str, LazyString] = {
    "revision": _l("Revision"),
    "comment": _l("Comment"),
    "reason": _l("Reason"),
    "reasons": _l("Reasons"),
    "source": _l("Made through"),
    "published": _l("Published at once"),
    "outcome": _l("Result"),
    "evidence_level": _l("Evidence level"),
    "evidence_label": _l("Evidence"),
    "evidence_digest": _l("Fingerprint of the evidence checked"),
    "evidence_review_cleared": _l("Earlier evidence check cleared"),
    "superseded_revision": _l("Replaced published revision"),
    "old_level": _l("Level before"),
    "new_level": _l("Level after"),
    "old_label": _l("Evidence before"),
    "new_label": _l("Evidence after"),
    "ruleset": _l("Ruleset"),
    "rule": _l("Deciding rule"),
    "decision": _l("Decision"),
    "confirmed": _l("Harm confirmed"),
    "evaluation": _l("Evaluation number"),
    "filename": _l("File"),
    "sha256": _l("File fingerprint (SHA-256)"),
    "size_bytes": _l("File size"),
    "measure_id": _l("Measure"),
    "items": _l("Measures"),
    "scores": _l("Scores"),
    "implemented": _l("Has implemented it"),
    "name": _l("Name"),
    "scope": _l("Scope"),
    "role": _l("Role"),
    "old": _l("Before"),
    "new": _l("After"),
    "method": _l("Sign-in method"),
    "until": _l("Locked until"),
    "left": _l("Recovery codes left"),
    "regenerated": _l("New link made"),
    "rows": _l("Rows"),
    "consumer": _l("Index consumer"),
    "seed": _l("Seed"),
    "first": _l("First id"),
    "count": _l("Number"),
    "file": _l("File"),
}

# Values that are codes of our own, worded where they appear in details.
VALUES: dict[str, LazyString] = {
    "form": _l("the web form"),
    "api": _l("the API"),
    "import": _l("a file import"),
    "demo": _l("the demo data"),
    "cli": _l("the command line"),
    "password": _l("password"),  # nosec B105  (the sign-in method's name)
    "totp": _l("password and authenticator app"),
    "recovery_code": _l("password and recovery code"),
    "created": _l("created"),
    "updated": _l("updated"),
    "unchanged": _l("unchanged"),
}


def _words(code: str) -> str:
    text = code.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _worded(table: dict[str, LazyString], code: str) -> str:
    """The code's words from `table` in the reader's language, else its own words."""
    words = table.get(code)
    return str(words) if words is not None else _words(code)


def action_text(action: str) -> str:
    """'measure.submitted' -> 'Submitted the measure for review'."""
    return _worded(ACTIONS, action)


def object_text(object_type: str, object_id: int | None = None) -> str:
    """('user', 3) -> 'Account 3'; ('system', None) -> 'The system'."""
    name = _worded(OBJECTS, object_type)
    if object_id is None:
        return name
    return _("%(name)s %(id)s", name=name, id=object_id)


def detail_label(key: str) -> str:
    """'size_bytes' -> 'File size'."""
    return _worded(DETAILS, key)


def _size(value: int) -> str:
    for factor, text in ((1024 * 1024, _l("%(size)s MB")), (1024, _l("%(size)s KB"))):
        if value >= factor:
            return str(text) % {"size": format_decimal(round(value / factor, 1), "#,##0.#")}
    return _("%(size)s bytes", size=format_decimal(value))


def detail_text(key: str, value: Any) -> str:
    """One detail's value as words: yes/no, sizes, our codes; lists joined."""
    if value is None or value == "":
        return _("(none)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "size_bytes" and isinstance(value, int):
        return _size(value)
    if isinstance(value, list):
        return ", ".join(detail_text(key, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            _("%(label)s: %(value)s", label=detail_label(k), value=detail_text(k, v))
            for k, v in value.items()
        )
    if isinstance(value, str) and value in VALUES:
        return str(VALUES[value])
    return str(value)
