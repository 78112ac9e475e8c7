"""The audit log in words (issue 14): what an event's code, object and details mean to a
moderator reading the log or a measure's history. "measure.submitted" by a practitioner reads
"Submitted the measure for review"; "user 3" reads "Account 3"; "size_bytes" reads "File size".

Codes stay in the database and in the log's filters' values (they are stable and searchable);
only what a person reads is worded here. An unknown code still reads sensibly (its words with
the dots and underscores taken out), so a new event never shows a raw code.
"""

from __future__ import annotations

from typing import Any

ACTIONS: dict[str, str] = {
    "measure.created": "Created the measure",
    "measure.updated": "Saved changes to the measure",
    "measure.imported": "Imported the measure from a file",
    "measure.submitted": "Submitted the measure for review",
    "measure.published": "Published the measure",
    "measure.changes_requested": "Asked the submitter for changes",
    "measure.rejected": "Rejected the measure",
    "measure.archived": "Archived the measure",
    "measures.generated": "Generated synthetic measures",
    "report.attached": "Attached a report",
    "report.removed": "Removed a report",
    "evidence.confirmed": "Confirmed the evidence level",
    "evidence.verified": "Verified the evidence (second moderator)",
    "evidence.harm_reviewed": "Reviewed the harm signal",
    "evidence.recomputed": "Recomputed the evidence level under a new ruleset",
    "evidence.rereview_requested": "Asked for the evidence to be reviewed again",
    "evidence.rereview_decided": "Decided on a request to review the evidence again",
    "review.created": "Wrote a peer review",
    "review.updated": "Changed a peer review",
    "review.hidden": "Hid a peer review",
    "review.unhidden": "Showed a hidden peer review again",
    "shortlist.created": "Created a shortlist",
    "shortlist.renamed": "Renamed a shortlist",
    "shortlist.deleted": "Deleted a shortlist",
    "shortlist.item_added": "Added a measure to a shortlist",
    "shortlist.item_removed": "Removed a measure from a shortlist",
    "shortlist.note_changed": "Changed a note in a shortlist",
    "shortlist.shared": "Shared a shortlist by link",
    "shortlist.unshared": "Stopped sharing a shortlist",
    "api_token.created": "Created an API token",
    "api_token.revoked": "Revoked an API token",
    "api_token.revoked_all": "Revoked every API token of the account",
    "moderation.decision_pending": "Decided on their own measure: waits for a second admin",
    "user.registered": "Registered an account",
    "user.created": "Created an account",
    "user.email_verified": "Confirmed their email address",
    "user.approved": "Approved an account",
    "user.rejected": "Rejected a registration",
    "user.login": "Signed in",
    "user.locked": "Account locked after failed sign-ins",
    "user.unlocked": "Account unlocked",
    "user.password_changed": "Changed their password",
    "user.password_reset": "Reset their password by email",
    "user.language_changed": "Chose the interface language",
    "user.role_changed": "Changed an account's role",
    "user.suspended": "Suspended an account",
    "user.reactivated": "Reactivated an account",
    "user.deleted": "Deleted an account",
    "user.two_factor_enrolment_started": "Started setting up two-step sign-in",
    "user.two_factor_enabled": "Turned on two-step sign-in",
    "user.two_factor_disabled": "Turned off two-step sign-in",
    "user.two_factor_reset": "Reset an account's two-step sign-in",
    "user.recovery_code_used": "Signed in with a recovery code",
    "user.recovery_codes_regenerated": "Made new recovery codes",
    "settings.changed": "Changed a site setting",
    "demo.loaded": "Loaded the demo data",
    "backup.restored": "Restored a backup",
    "search.consumer_removed": "Removed a search index consumer",
}

OBJECTS: dict[str, str] = {
    "measure": "Measure",
    "user": "Account",
    "review": "Peer review",
    "shortlist": "Shortlist",
    "api_token": "API token",  # nosec B105  (a name for people, not a secret)
    "system": "The system",
    "setting": "Site setting",
}

DETAILS: dict[str, str] = {
    "revision": "Revision",
    "comment": "Comment",
    "reason": "Reason",
    "reasons": "Reasons",
    "source": "Made through",
    "published": "Published at once",
    "outcome": "Result",
    "evidence_level": "Evidence level",
    "evidence_label": "Evidence",
    "evidence_digest": "Fingerprint of the evidence checked",
    "evidence_review_cleared": "Earlier evidence check cleared",
    "superseded_revision": "Replaced published revision",
    "old_level": "Level before",
    "new_level": "Level after",
    "old_label": "Evidence before",
    "new_label": "Evidence after",
    "ruleset": "Ruleset",
    "rule": "Deciding rule",
    "decision": "Decision",
    "confirmed": "Harm confirmed",
    "evaluation": "Evaluation number",
    "filename": "File",
    "sha256": "File fingerprint (SHA-256)",
    "size_bytes": "File size",
    "measure_id": "Measure",
    "items": "Measures",
    "scores": "Scores",
    "implemented": "Has implemented it",
    "name": "Name",
    "scope": "Scope",
    "role": "Role",
    "old": "Before",
    "new": "After",
    "method": "Sign-in method",
    "until": "Locked until",
    "left": "Recovery codes left",
    "regenerated": "New link made",
    "rows": "Rows",
    "consumer": "Index consumer",
    "seed": "Seed",
    "first": "First id",
    "count": "Number",
    "file": "File",
}

# Values that are codes of our own, worded where they appear in details.
VALUES: dict[str, str] = {
    "form": "the web form",
    "api": "the API",
    "import": "a file import",
    "demo": "the demo data",
    "cli": "the command line",
    "password": "password",  # nosec B105  (the sign-in method's name)
    "totp": "password and authenticator app",
    "recovery_code": "password and recovery code",
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
}


def _words(code: str) -> str:
    text = code.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def action_text(action: str) -> str:
    """'measure.submitted' -> 'Submitted the measure for review'."""
    return ACTIONS.get(action) or _words(action)


def object_text(object_type: str, object_id: int | None = None) -> str:
    """('user', 3) -> 'Account 3'; ('system', None) -> 'The system'."""
    name = OBJECTS.get(object_type) or _words(object_type)
    return f"{name} {object_id}" if object_id is not None else name


def detail_label(key: str) -> str:
    """'size_bytes' -> 'File size'."""
    return DETAILS.get(key) or _words(key)


def _size(value: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if value >= factor:
            return f"{value / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{value} bytes"


def detail_text(key: str, value: Any) -> str:
    """One detail's value as words: yes/no, sizes, our codes; lists joined."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "size_bytes" and isinstance(value, int):
        return _size(value)
    if isinstance(value, list):
        return ", ".join(detail_text(key, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{detail_label(k)}: {detail_text(k, v)}" for k, v in value.items())
    if isinstance(value, str) and value in VALUES:
        return VALUES[value]
    return str(value)
