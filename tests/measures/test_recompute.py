"""`flask evidence recompute [--dry-run]`: every measure under the current ruleset, each change
printed with the rule that decided it and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.extensions import db
from app.evidence import rules as ruleset_2026
from app.measures.mapping import evidence_inputs
from app.measures.models import Measure, MeasureRevision
from app.measures.services import update_measure
from app.outbox.services import enqueue_index_change
from app.records.schema import validate_record
from tests.conftest import make_measure, make_user, sample_record, supported_evaluation
from tests.search.conftest import found

HARM = {
    "design": "rct", "year": 2020, "sample_size": 200, "attrition_pct": 5,
    "differential_attrition_pct": 1, "outcomes": ["wellbeing"], "effect": "negative",
    "findings": "More distress.", "citation": "Trial report",
}  # fmt: skip


def rated_under_2026(measure: Measure, revision: MeasureRevision | None = None) -> None:
    """Store what ruleset 2026.1 computed, as a database from before 2027.1 holds it."""
    revision = revision or measure.published_revision
    result = ruleset_2026.compute_evidence(
        evidence_inputs(revision), manual_available=revision.manual_available
    )
    revision.evidence_level, revision.evidence_label = result.level, result.label
    revision.harm_flag, revision.evidence_ruleset = result.harm_flag, result.ruleset
    revision.evidence, revision.evidence_rated_at = result.to_dict(), None
    if measure.current_display_revision() is revision:
        measure.evidence_level, measure.evidence_label = result.level, result.label
        measure.harm_flag = result.harm_flag
        enqueue_index_change(measure.id)  # the search index shows the old level too
    db.session.commit()


def _events() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.recomputed"))
    )


def _stored(measure: Measure) -> tuple:
    db.session.expire_all()
    revision = measure.published_revision
    return (revision.evidence_level, revision.evidence_label, revision.evidence_ruleset)


def test_a_dry_run_prints_each_change_and_stores_nothing(app, runner):
    owner = make_user()
    changed = make_measure(owner, publish=True, external_id="trial")  # 2026.1: level 4
    same = make_measure(owner, publish=True, external_id="none", evaluations=[])
    rated_under_2026(changed)
    rated_under_2026(same)
    assert _stored(changed) == (4, "Supported", "2026.1")

    result = runner.invoke(args=["evidence", "recompute", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"measure {changed.id} (trial), revision 1 (published): 4 Supported → 2 Preliminary"
        " (§4 level 2, Preliminary)",
        "2 measures (2 revisions) recomputed under ruleset 2027.1: 1 would change (raised 0,"
        " lowered 1, same level with another label or harm flag 0)",
    ]
    assert "Recomputing" in result.stderr  # the progress bar
    assert _stored(changed) == (4, "Supported", "2026.1")
    assert _stored(same)[2] == "2026.1"
    assert _events() == []


@pytest.mark.commits  # searches: the indexer reads with sessions of its own
def test_recompute_stores_audits_and_reindexes_each_change(app, runner):
    owner = make_user()
    lowered = make_measure(owner, publish=True, external_id="trial")
    harmful = make_measure(owner, publish=True, external_id="harm", evaluations=[HARM])
    same = make_measure(owner, publish=True, external_id="none", evaluations=[])
    for measure in (lowered, harmful, same):
        rated_under_2026(measure)
    assert found(evidence_min=4) == [lowered.id]

    result = runner.invoke(args=["evidence", "recompute"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("4 Supported → 2 Preliminary (§4 level 2, Preliminary)")
    assert lines[1] == (
        f"measure {harmful.id} (harm), revision 1 (published): 1 Emerging → 1 Negative effects"
        " found (§5.1 Negative effects)"
    )
    assert "3 measures (3 revisions) recomputed under ruleset 2027.1: 2 changed" in lines[2]
    assert lines[3] == "Each change is in the audit log as evidence.recomputed."

    assert _stored(lowered) == (2, "Preliminary", "2027.1")
    assert _stored(harmful) == (1, "Negative effects found", "2027.1")
    assert _stored(same) == (0, "Not evaluated", "2027.1")  # rated anew, unchanged
    for measure in (lowered, harmful, same):
        assert measure.published_revision.evidence_rated_at is not None
        assert measure.evidence_level == measure.published_revision.evidence_level
    events = {e.object_id: e.details for e in _events()}
    assert set(events) == {lowered.id, harmful.id}
    assert events[lowered.id]["old"] == {
        "evidence_level": 4, "evidence_label": "Supported", "harm_flag": False,
        "evidence_ruleset": "2026.1",
    }  # fmt: skip
    assert events[lowered.id]["new"]["evidence_level"] == 2
    assert events[lowered.id]["rule"] == "preliminary"
    assert events[harmful.id]["rule"] == "negative_effects"
    assert found(evidence_min=4) == []  # the search index has the new levels
    assert found(filters={"evidence_level": ["2"]}) == [lowered.id]

    again = runner.invoke(args=["evidence", "recompute"])
    assert again.exit_code == 0
    assert ": 0 changed" in again.stdout and len(_events()) == 2


def test_recompute_covers_the_published_and_the_working_revision(app, runner):
    owner = make_user()
    measure = make_measure(owner, publish=True, external_id="both")
    record = validate_record(
        sample_record(external_id="both", evaluations=[supported_evaluation()])
    )
    update_measure(owner, measure, record)
    db.session.commit()
    rated_under_2026(measure, measure.published_revision)
    rated_under_2026(measure, measure.working_revision)

    result = runner.invoke(args=["evidence", "recompute"])
    assert result.exit_code == 0, result.output
    assert "revision 1 (published): 4 Supported → 2 Preliminary" in result.stdout
    assert "revision 2 (draft)" not in result.stdout  # 2026.1 gave it 4 as well; so does 2027.1
    assert "1 measures (2 revisions)" in result.stdout
    db.session.expire_all()
    assert measure.working_revision.evidence_ruleset == "2027.1"
    assert measure.working_revision.evidence_provisional is True
