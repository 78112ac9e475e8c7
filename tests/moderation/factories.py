"""Measures waiting for moderation, for the moderation tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.measures.services import submit_measure, update_measure
from app.records.schema import validate_record
from tests.conftest import make_measure, sample_record


def submitted_measure(owner, *, days_ago: int | None = None, **overrides: Any):
    """A new measure whose first revision waits for moderation."""
    measure = make_measure(owner, **overrides)
    submit_measure(owner, measure)
    if days_ago is not None:
        measure.working_revision.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return measure


def submitted_edit(owner, measure, *, days_ago: int | None = None, **overrides: Any):
    """A published measure with a new revision, built from sample_record(**overrides),
    waiting for moderation."""
    update_measure(owner, measure, validate_record(sample_record(**overrides)))
    submit_measure(owner, measure)
    if days_ago is not None:
        measure.working_revision.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return measure.working_revision
