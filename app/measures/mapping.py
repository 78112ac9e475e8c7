"""Between the record format (plain dicts) and the revision/evaluation models."""

from __future__ import annotations

from typing import Any

from app.measures.models import LIST_KEYS, Evaluation, Measure, MeasureRevision
from app.records.schema import EVALUATION_KEYS, RECORD_KEYS

# Record keys stored as plain columns of the revision (the rest are lists or special).
_SCALAR_KEYS = tuple(
    k for k in RECORD_KEYS if k not in LIST_KEYS and k not in ("evaluations", "external_id")
)
_COLUMN = {"status": "programme_status"}


def apply_record(revision: MeasureRevision, record: dict[str, Any]) -> None:
    """Write a validated record onto a revision; keys absent from the record are cleared.

    Attachments of evaluations are kept by position: the form and API send evaluations in
    order, and an evaluation that is removed takes its reports with it.
    """
    for key in _SCALAR_KEYS:
        setattr(revision, _COLUMN.get(key, key), record.get(key))
    for key in LIST_KEYS:
        setattr(revision, key, list(record.get(key) or []))
    old = list(revision.evaluations)
    new_evaluations = []
    for position, data in enumerate(record.get("evaluations") or []):
        evaluation = old[position] if position < len(old) else Evaluation()
        for key in EVALUATION_KEYS:
            value = data.get(key)
            setattr(evaluation, key, list(value or []) if key == "outcomes" else value)
        evaluation.position = position
        new_evaluations.append(evaluation)
    revision.evaluations = new_evaluations


def revision_to_record(revision: MeasureRevision, measure: Measure | None = None) -> dict:
    """The record format of a revision: only keys with a value, in the spec's order."""
    measure = measure or revision.measure
    record: dict[str, Any] = {}
    if measure is not None and measure.external_id:
        record["external_id"] = measure.external_id
    for key in RECORD_KEYS:
        if key in ("external_id", "evaluations"):
            continue
        value = getattr(revision, _COLUMN.get(key, key))
        if value not in (None, "", []):
            record[key] = value
    evaluations = [evaluation_to_record(e) for e in revision.evaluations]
    if evaluations:
        record["evaluations"] = evaluations
    return record


def evaluation_to_record(evaluation: Evaluation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in EVALUATION_KEYS:
        value = getattr(evaluation, key)
        if value not in (None, "", []):
            out[key] = value
    return out


def evidence_inputs(revision: MeasureRevision) -> list[dict[str, Any]]:
    """Evaluations as the evidence rules read them, with `has_report` added."""
    inputs = []
    for evaluation in revision.evaluations:
        data = evaluation_to_record(evaluation)
        data["has_report"] = bool(evaluation.attachments)
        inputs.append(data)
    return inputs
