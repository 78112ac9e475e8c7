"""Helpers for the record import/export/generate tests: JSON Lines files and counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.core.extensions import db
from app.measures.models import Measure, MeasureRevision

SAMPLE_LINES = 20


def jsonl(*records: Any) -> str:
    """JSON Lines text; a str item is written as is (for bad JSON and blank lines)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return "\n".join(lines) + "\n"


def write_jsonl(path: Path, *records: Any) -> Path:
    path.write_text(jsonl(*records), encoding="utf-8")
    return path


def count(model: type = Measure, *where: Any) -> int:
    db.session.expire_all()  # the CLI commits through its own session
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def measure_by_external_id(external_id: str) -> Measure:
    db.session.expire_all()
    measure = db.session.scalar(select(Measure).where(Measure.external_id == external_id))
    assert measure is not None, external_id
    return measure


def revision_count(measure: Measure) -> int:
    return count(MeasureRevision, MeasureRevision.measure_id == measure.id)
