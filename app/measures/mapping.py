"""Between the record format (plain dicts) and the revision/evaluation models."""

from __future__ import annotations

from typing import Any

from app.measures.models import LIST_KEYS, Evaluation, EvaluationResult, Measure, MeasureRevision
from app.records.schema import EVALUATION_KEYS, RECORD_KEYS, RESULT_KEYS

# Record keys stored as plain columns of the revision (the rest are lists or special); the
# lists of objects of format 2 (contacts, external_ratings, references) are JSON columns.
_SCALAR_KEYS = tuple(
    k for k in RECORD_KEYS if k not in LIST_KEYS and k not in ("evaluations", "external_id")
)
_COLUMN = {"status": "programme_status"}
_EVALUATION_COLUMNS = tuple(k for k in EVALUATION_KEYS if k != "results")


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _copy(value: Any) -> Any:
    """A list and the objects in it copied: the caller's data and a revision's never share."""
    if isinstance(value, list):
        return [dict(item) if isinstance(item, dict) else item for item in value]
    return value


def apply_record(revision: MeasureRevision, record: dict[str, Any]) -> None:
    """Write a validated record onto a revision; keys absent from the record are cleared.

    Attachments of evaluations are kept by position: the form and API send evaluations in
    order, and an evaluation that is removed takes its reports with it. Results are written
    anew each time, in the record's order.
    """
    for key in _SCALAR_KEYS:
        setattr(revision, _COLUMN.get(key, key), _copy(record.get(key)))
    for key in LIST_KEYS:
        setattr(revision, key, list(record.get(key) or []))
    old = list(revision.evaluations)
    new_evaluations = []
    for position, data in enumerate(record.get("evaluations") or []):
        evaluation = old[position] if position < len(old) else Evaluation()
        for key in _EVALUATION_COLUMNS:
            value = data.get(key)
            setattr(evaluation, key, list(value or []) if key == "outcomes" else value)
        _apply_results(evaluation, data.get("results") or [])
        evaluation.position = position
        new_evaluations.append(evaluation)
    revision.evaluations = new_evaluations


def _apply_results(evaluation: Evaluation, results: list[dict[str, Any]]) -> None:
    rows = list(evaluation.results)
    kept = []
    for position, data in enumerate(results):
        row = rows[position] if position < len(rows) else EvaluationResult()
        for key in RESULT_KEYS:
            setattr(row, key, data.get(key))
        row.position = position
        kept.append(row)
    evaluation.results = kept


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
        if not _is_empty(value):
            record[key] = _copy(value)
    evaluations = [evaluation_to_record(e) for e in revision.evaluations]
    if evaluations:
        record["evaluations"] = evaluations
    return record


def evaluation_to_record(evaluation: Evaluation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in EVALUATION_KEYS:
        if key == "results":
            value: Any = [result_to_record(r) for r in evaluation.results]
        else:
            value = getattr(evaluation, key)
        if not _is_empty(value):
            out[key] = value
    return out


def result_to_record(result: EvaluationResult) -> dict[str, Any]:
    return {k: v for k in RESULT_KEYS if not _is_empty(v := getattr(result, k))}


def evidence_inputs(revision: MeasureRevision) -> list[dict[str, Any]]:
    """Evaluations as the evidence rules read them, with `has_report` added."""
    inputs = []
    for evaluation in revision.evaluations:
        data = evaluation_to_record(evaluation)
        data["has_report"] = bool(evaluation.attachments)
        inputs.append(data)
    return inputs
