"""A revision's evidence level under the current ruleset, and what EVIDENCE-2027 §7 keeps
around it: since when it is rated so, whether it is provisional, who verified and reviewed it.

`refresh_evidence` is called on every change of a revision (app/measures/services.py) and by
`flask evidence recompute`. A verification or an expert review of harm holds for the figures
it saw: the revision keeps a digest of its evaluations, and when they change, both are cleared
and the level is provisional again (a level of 4 or 5).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from app.core.dbtypes import utcnow
from app.evidence.ruleset_2027 import RULESET_VERSION, compute_evidence
from app.measures.mapping import evaluation_to_record, evidence_inputs
from app.measures.models import Measure, MeasureRevision

CURRENT_RULESET = RULESET_VERSION
PROVISIONAL_FROM_LEVEL = 4
# §7: "a level not reviewed for 24 months is marked due for re-review".
REREVIEW_AFTER = timedelta(days=730)


def digest_of(evaluations: list[dict[str, Any]]) -> str:
    """sha256 of evaluations in the record format (results included, reports not): what a
    moderator verifies and what experts review."""
    text = json.dumps(evaluations, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence_digest(revision: MeasureRevision) -> str:
    return digest_of([evaluation_to_record(e) for e in revision.evaluations])


def is_provisional(level: int, verified: bool) -> bool:
    """§7: levels 4 and 5 are provisional until a second moderator has verified the figures."""
    return level >= PROVISIONAL_FROM_LEVEL and not verified


def is_verified(revision: MeasureRevision) -> bool:
    """Verified by a moderator other than the one who published the revision (§7). A revision
    published by the import has no publisher: any moderator's verification counts."""
    return revision.evidence_verified_at is not None and (
        revision.published_by_id is None
        or revision.evidence_verified_by_id != revision.published_by_id
    )


def update_provisional(revision: MeasureRevision) -> None:
    revision.evidence_provisional = is_provisional(revision.evidence_level, is_verified(revision))


def last_reviewed(revision: MeasureRevision) -> datetime | None:
    """When the evidence was last reviewed; a revision never reviewed counts from its
    publication (a moderator read it then)."""
    return revision.evidence_reviewed_at or revision.decided_at


def due_for_rereview(revision: MeasureRevision, now: datetime | None = None) -> bool:
    """§7: a published level not reviewed for 24 months is due for re-review."""
    since = last_reviewed(revision)
    return since is not None and (now or utcnow()) - since >= REREVIEW_AFTER


def forget_reviews(revision: MeasureRevision) -> None:
    """The evaluations changed: the verification and the expert review were of others."""
    revision.evidence_verified_by_id = None
    revision.evidence_verified_at = None
    revision.harm_review = None
    revision.harm_review_reasons = None
    revision.harm_reviewed_by_id = None
    revision.harm_reviewed_at = None
    revision.evidence_reviewed_at = None
    revision.evidence_reviewed_role = None


# The columns a new revision carries over from the published one: while its evaluations stay
# the same, so do their verification and review (refresh_evidence drops them on a change).
REVIEW_STATE = (
    "evidence_ruleset",
    "evidence_rated_at",
    "evidence_digest",
    "evidence_verified_by_id",
    "evidence_verified_at",
    "harm_review",
    "harm_review_reasons",
    "harm_reviewed_by_id",
    "harm_reviewed_at",
    "evidence_reviewed_at",
    "evidence_reviewed_role",
)


def copy_review_state(source: MeasureRevision, target: MeasureRevision) -> None:
    for column in REVIEW_STATE:
        setattr(target, column, getattr(source, column))


def refresh_evidence(revision: MeasureRevision, now: datetime | None = None) -> None:
    """Recompute the revision's evidence level under the current ruleset and mirror it on the
    measure when that is the revision the measure shows."""
    digest = evidence_digest(revision)
    if revision.evidence_digest and revision.evidence_digest != digest:
        forget_reviews(revision)
    revision.evidence_digest = digest
    result = compute_evidence(
        evidence_inputs(revision),
        manual_available=revision.manual_available,
        harm_review=str(revision.harm_review) if revision.harm_review else None,  # type: ignore[arg-type]
    )
    if revision.evidence_ruleset != result.ruleset or revision.evidence_rated_at is None:
        revision.evidence_rated_at = now or utcnow()
    revision.evidence_level = result.level
    revision.evidence_label = result.label
    revision.harm_flag = result.harm_flag
    revision.evidence_ruleset = result.ruleset
    revision.evidence = result.to_dict()
    update_provisional(revision)
    measure = revision.measure
    if measure is not None and measure.current_display_revision() is revision:
        sync_measure_cache(measure)


def sync_measure_cache(measure: Measure) -> None:
    revision = measure.current_display_revision()
    if revision is None:
        return
    measure.evidence_level = revision.evidence_level
    measure.evidence_label = revision.evidence_label
    measure.harm_flag = revision.harm_flag
    measure.organisation = revision.organisation
