"""Import and export of measure records as JSON Lines (spec/measure-record.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.services import record_event
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.measures.mapping import revision_to_record
from app.measures.models import Measure, MeasureStatus, RevisionState
from app.measures.services import (
    create_measure,
    make_revision_public,
    same_owner,
    submit_measure,
    update_measure,
)
from app.records.schema import EXPORT_ONLY_KEYS, RecordInvalid, validate_record

EXPORT_STATUSES = (*(s.value for s in MeasureStatus), "all")
_EXPORT_CHUNK = 500


@dataclass
class ImportReport:
    """What an import did; `errors` holds one message per problem, "line N: key: reason"."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    measure_ids: list[int] = field(default_factory=list)
    rolled_back: bool = False

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        text = (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )
        if self.rolled_back:
            text += " (all or nothing: nothing was stored)"
        return text


class LineError(Exception):
    """One line could not be imported; `messages` are already prefixed with the line."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def parse_line(text: str, number: int) -> dict[str, Any]:
    """JSON-decode and validate one line; raise LineError naming every problem of the line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LineError([f"line {number}: not valid JSON ({error})"]) from None
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in EXPORT_ONLY_KEYS}
    try:
        return validate_record(data)
    except RecordInvalid as invalid:
        raise LineError([f"line {number}: {e}" for e in invalid.errors]) from None


def _decode(raw: str | bytes, number: int) -> str:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LineError([f"line {number}: not valid UTF-8 ({error})"]) from None
    # A byte order mark some editors put at the start of a UTF-8 file is not content.
    return raw.removeprefix("\ufeff") if number == 1 else raw


def _is_unchanged(measure: Measure, record: dict[str, Any], publish: bool) -> bool:
    """True when importing `record` would store nothing new.

    The revision to compare with is the one the import would otherwise replace: the
    pending one if there is one, else the published one. It must also already be in the
    state the import would leave it in (waiting for moderation, or public with --publish).
    """
    revision = measure.current_revision
    if revision is None:
        return False
    if publish:
        if revision.state != RevisionState.PUBLISHED or measure.status != MeasureStatus.PUBLISHED:
            return False
    elif revision.state not in (RevisionState.SUBMITTED, RevisionState.PUBLISHED):
        return False
    stored = revision_to_record(revision, measure)
    if "text_language" not in record:  # detected on the first import, so not a change
        stored.pop("text_language", None)
    return stored == record


def _measure_to_update(external_id: str | None, number: int, owner: Any) -> Measure | None:
    """The measure a record with this external_id upserts: external ids are unique per owner.

    With an owner (`--owner`), that account's measure. Without one the operator imports, who
    sees every measure: the one that uses the id, whoever owns it, so an export imported back
    updates in place; when the measures of several owners use it, the line fails and names
    them, as the file does not say which one it means.
    """
    if not external_id:
        return None
    query = select(Measure).where(Measure.external_id == external_id).order_by(Measure.id)
    if owner is not None:
        return db.session.scalar(query.where(same_owner(owner.id)))
    found = db.session.scalars(query).all()
    if len(found) > 1:
        ids = ", ".join(str(m.id) for m in found)
        raise LineError(
            [
                f"line {number}: external_id: measures {ids} of different owners use it;"
                " import it with --owner to say whose it is"
            ]
        )
    return found[0] if found else None


def _import_one(
    record: dict[str, Any], number: int, *, publish: bool, owner: Any, source: str
) -> tuple[str, Measure]:
    """Create or update one measure from a validated record; return ("created"|…, measure)."""
    measure = _measure_to_update(record.get("external_id"), number, owner)
    if measure is not None and _is_unchanged(measure, record, publish):
        return "unchanged", measure
    if measure is None:
        outcome = "created"
        measure = create_measure(None, record, owner=owner, source="import")
    else:
        outcome = "updated"
        working = measure.working_revision
        if working is not None and working.state == RevisionState.SUBMITTED:
            raise LineError(
                [
                    f"line {number}: external_id: measure {measure.id} has a revision waiting"
                    " for moderation; decide on it before importing a new one"
                ]
            )
        update_measure(None, measure, record, source="import")
    revision = submit_measure(None, measure)
    if publish:
        make_revision_public(measure, revision)
    record_event(
        None,
        "measure.imported",
        "measure",
        measure.id,
        line=number,
        source=source,
        revision=revision.number,
        outcome=outcome,
        published=publish,
    )
    db.session.flush()
    return outcome, measure


def import_records(
    lines: Iterable[str | bytes],
    *,
    publish: bool = False,
    all_or_nothing: bool = False,
    owner: Any = None,
    source: str = "-",
) -> ImportReport:
    """Import JSON Lines records, upserting on external_id; commits its own work.

    This batch service commits, unlike the request services: each good line is committed on
    its own, so a bad line never stops the good ones and nothing half-written is left (a
    line that fails is rolled back alone). With `all_or_nothing` nothing is committed until
    every line has succeeded; after the first failure the remaining lines are still parsed
    and validated, so the report lists every problem the file has, and then everything is
    rolled back. Lines may be str or bytes (decoded as UTF-8 one by one); blank lines are
    skipped. `owner` owns the measures created; updated ones keep theirs. An update of a
    measure whose last revision still waits for moderation fails that line. Never raises
    for bad content: see the report's errors.
    """
    report = ImportReport()
    doomed = False  # all_or_nothing and something failed: only check the remaining lines
    for number, raw in enumerate(lines, start=1):
        try:
            text = _decode(raw, number).strip()
            if not text:
                continue
            record = parse_line(text, number)
            if doomed:
                continue
            outcome, measure = _import_one(
                record, number, publish=publish, owner=owner, source=source
            )
        except LineError as error:
            report.errors.extend(error.messages)
        except RecordInvalid as invalid:  # e.g. an external_id conflict found by a service
            report.errors.extend(f"line {number}: {e}" for e in invalid.errors)
        except (InvalidTransition, PermissionDenied) as refused:
            report.errors.append(f"line {number}: {refused}")
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.measure_ids.append(measure.id)
            if not all_or_nothing:
                db.session.commit()
            continue
        report.failed += 1
        if all_or_nothing:
            doomed = True
        # Undo what this line wrote: in all-or-nothing mode that is everything so far.
        db.session.rollback()
    if all_or_nothing:
        if report.failed:
            db.session.rollback()
            report.rolled_back = True
            report.measure_ids.clear()
        else:
            db.session.commit()
    return report


def export_records(status: str = MeasureStatus.PUBLISHED.value) -> Iterator[dict[str, Any]]:
    """Yield the records of measures with `status` ("all" for every measure), oldest first.

    A published measure exports its published revision (an edit waiting for moderation is
    not exported); any other measure its current revision. Reads in chunks by id, so a large
    repository streams (the session's identity map holds its objects weakly).
    """
    if status not in EXPORT_STATUSES:
        raise ValueError(f"status must be one of {', '.join(EXPORT_STATUSES)}")
    last_id = 0
    while True:
        stmt = (
            select(Measure)
            .where(Measure.id > last_id)
            .order_by(Measure.id)
            .limit(_EXPORT_CHUNK)
            .options(
                selectinload(Measure.published_revision),
                selectinload(Measure.working_revision),
            )
        )
        if status != "all":
            stmt = stmt.where(Measure.status == MeasureStatus(status))
        measures = db.session.scalars(stmt).all()
        if not measures:
            return
        for measure in measures:
            revision = (
                measure.published_revision
                if measure.status == MeasureStatus.PUBLISHED
                else measure.current_revision
            )
            if revision is not None:
                yield revision_to_record(revision, measure)
        last_id = measures[-1].id


def count_for_export(status: str = MeasureStatus.PUBLISHED.value) -> int:
    stmt = select(db.func.count(Measure.id))
    if status != "all":
        stmt = stmt.where(Measure.status == MeasureStatus(status))
    return db.session.scalar(stmt) or 0


def record_to_line(record: dict[str, Any]) -> str:
    """One JSON Lines line: UTF-8 text kept as is, keys in the spec's order."""
    return json.dumps(record, ensure_ascii=False) + "\n"
