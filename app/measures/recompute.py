"""Recomputing every measure's level under the current ruleset (`flask evidence recompute`).

A batch job, like the import: it commits a chunk of measures at a time, so a large repository
is never one long transaction. Each change of level, label or harm flag is audited
(`evidence.recomputed`) with the rule that decided the new level; with `dry_run` nothing is
stored or audited, and the report says what would change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.services import record_event
from app.core.extensions import db
from app.evidence.ruleset_2027 import RULES
from app.measures.evidence_state import CURRENT_RULESET, refresh_evidence
from app.measures.models import Measure, MeasureRevision, MeasureStatus
from app.outbox.services import enqueue_index_changes

CHUNK = 200
CHANGE = (
    "measure {measure} ({name}), revision {revision} ({state}): {old_level} {old_label}"
    " → {new_level} {new_label} ({rule})"
)
HARM_CHANGE = "harm flag {old} → {new}"


@dataclass(frozen=True)
class LevelChange:
    measure_id: int
    external_id: str | None
    revision: int
    state: str
    old_level: int
    old_label: str
    old_harm: bool
    old_ruleset: str
    new_level: int
    new_label: str
    new_harm: bool
    rule: str  # the rule of the current ruleset that decided (a key of ruleset_2027.RULES)

    def describe(self) -> str:
        text = CHANGE.format(
            measure=self.measure_id,
            name=self.external_id or "no external id",
            revision=self.revision,
            state=self.state,
            old_level=self.old_level,
            old_label=self.old_label,
            new_level=self.new_level,
            new_label=self.new_label,
            rule=RULES.get(self.rule, self.rule),
        )
        if self.old_harm != self.new_harm:
            text += "; " + HARM_CHANGE.format(old=self.old_harm, new=self.new_harm)
        return text


@dataclass
class RecomputeReport:
    ruleset: str = CURRENT_RULESET
    measures: int = 0
    revisions: int = 0
    changes: list[LevelChange] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        raised = sum(c.new_level > c.old_level for c in self.changes)
        lowered = sum(c.new_level < c.old_level for c in self.changes)
        other = len(self.changes) - raised - lowered
        verb = "would change" if self.dry_run else "changed"
        return (
            f"{self.measures} measures ({self.revisions} revisions) recomputed under ruleset"
            f" {self.ruleset}: {len(self.changes)} {verb} (raised {raised}, lowered {lowered},"
            f" same level with another label or harm flag {other})"
        )


def _shown_revisions(measure: Measure) -> Iterator[MeasureRevision]:
    """The revisions a measure shows: the published one and the one being worked on. Older
    revisions keep the level they had when they were current: they are the history."""
    seen: set[int] = set()
    for revision in (measure.published_revision, measure.working_revision):
        if revision is not None and revision.id not in seen:
            seen.add(revision.id)
            yield revision


def _recompute(revision: MeasureRevision, measure: Measure) -> LevelChange | None:
    old = (revision.evidence_level, revision.evidence_label, revision.harm_flag)
    old_ruleset = revision.evidence_ruleset
    refresh_evidence(revision)
    new = (revision.evidence_level, revision.evidence_label, revision.harm_flag)
    if new == old:
        return None
    return LevelChange(
        measure_id=measure.id,
        external_id=measure.external_id,
        revision=revision.number,
        state=revision.state.value,
        old_level=old[0],
        old_label=old[1],
        old_harm=old[2],
        old_ruleset=old_ruleset,
        new_level=new[0],
        new_label=new[1],
        new_harm=new[2],
        rule=(revision.evidence or {}).get("rule", ""),
    )


def count_measures() -> int:
    return db.session.scalar(select(func.count(Measure.id))) or 0


def recompute_evidence(
    *,
    dry_run: bool = False,
    on_change: Callable[[LevelChange], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RecomputeReport:
    """Recompute the published and working revision of every measure, oldest first.

    `on_change` hears of each change as it is found, `progress` of each chunk's measures.
    Commits each chunk (with `dry_run` rolls it back instead).
    """
    report = RecomputeReport(dry_run=dry_run)
    last_id = 0
    while True:
        measures = db.session.scalars(
            select(Measure)
            .where(Measure.id > last_id)
            .order_by(Measure.id)
            .limit(CHUNK)
            .options(
                selectinload(Measure.published_revision), selectinload(Measure.working_revision)
            )
        ).all()
        if not measures:
            return report
        reindex = []
        for measure in measures:
            report.measures += 1
            for revision in _shown_revisions(measure):
                report.revisions += 1
                change = _recompute(revision, measure)
                if change is None:
                    continue
                report.changes.append(change)
                if on_change is not None:
                    on_change(change)
                if not dry_run:
                    _audit(change)
                if measure.status == MeasureStatus.PUBLISHED and (
                    revision is measure.published_revision
                ):
                    reindex.append(measure.id)
        last_id = measures[-1].id
        if dry_run:
            db.session.rollback()
        else:
            enqueue_index_changes(reindex)  # search shows the level, label and harm flag
            db.session.commit()
        if progress is not None:
            progress(len(measures))


def _audit(change: LevelChange) -> None:
    record_event(
        None, "evidence.recomputed", "measure", change.measure_id,
        revision=change.revision, rule=change.rule, ruleset=CURRENT_RULESET,
        old={"evidence_level": change.old_level, "evidence_label": change.old_label,
             "harm_flag": change.old_harm, "evidence_ruleset": change.old_ruleset},
        new={"evidence_level": change.new_level, "evidence_label": change.new_label,
             "harm_flag": change.new_harm},
    )  # fmt: skip
