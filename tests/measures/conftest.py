"""Helpers for the measure page tests: signing in, form data, small PDFs."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import g
from fpdf import FPDF
from sqlalchemy import func, select

from app.core.extensions import db


def sign_in(client, user) -> None:
    """Put the user in the session the way Flask-Login does after a successful sign-in.

    The sign-in page belongs to the accounts area and is tested there; these tests only need
    a signed-in user, without depending on its form or its rate limit.
    """
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    _forget_cached_user()


def sign_out(client) -> None:
    with client.session_transaction() as session:
        session.clear()
    _forget_cached_user()


def _forget_cached_user() -> None:
    # The `app` fixture keeps an app context pushed for the whole test, and requests reuse it,
    # so Flask-Login's per-request cache (g._login_user) would outlive the request.
    g.pop("_login_user", None)


def make_pdf(text: str = "Evaluation report of Safe Together", pages: int = 1) -> bytes:
    pdf = FPDF()
    # A fixed date: the same text gives the same bytes (and sha256) whenever it is made.
    pdf.set_creation_date(datetime(2020, 1, 1, tzinfo=UTC))
    pdf.set_font("helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"{text} page {number}")
    return bytes(pdf.output())


def form_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid measure form post with one evaluation; None removes a key."""
    data: dict[str, Any] = {
        "action": "save",
        "title": "Safe Together school programme",
        "summary": "A ten-session classroom programme teaching children body safety.",
        "description": "## Approach\nTeachers deliver ten *interactive* sessions.",
        "external_id": "",
        "countries": ["DE", "AT"],
        "text_language": "en",
        "languages": ["de", "en"],
        "prevention_level": "primary",
        "target_groups": ["children"],
        "settings": ["school"],
        "abuse_forms": ["contact_abuse"],
        "delivery": ["in_person_group"],
        "age_min": "6",
        "age_max": "10",
        "organisation": "Org A",
        "website": "https://safe-together.example.org",
        "start_year": "2015",
        "end_year": "",
        "status": "active",
        "cost_level": "low",
        "cost_notes": "",
        "implementation": "Two days of teacher training.",
        "manual_available": "yes",
        "transferability": "",
        **evaluation_data(0),
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def evaluation_data(index: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": "",
        "design": "rct",
        "year": "2019",
        "country": "DE",
        "sample_size": "400",
        "comparison_group": "yes",
        "follow_up_months": "12",
        "attrition_pct": "10",
        "independent": "yes",
        "peer_reviewed": "yes",
        "outcomes": ["disclosure", "knowledge"],
        "effect": "positive",
        "effect_size": "0.4",
        "findings": "Children in the programme disclosed more and knew more.",
        "citation": "Evaluation report, University of Example, 2019",
        "url": "",
    }
    row.update(overrides)
    return {f"evaluations-{index}-{key}": value for key, value in row.items() if value is not None}


def upload(data: bytes, filename: str = "report.pdf") -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), filename


@pytest.fixture()
def pdf_bytes() -> bytes:
    return make_pdf()


def field_error(html: str, field_id: str) -> str | None:
    """The error text shown next to a field, or None when it has none."""
    match = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', html)
    return unescape(match.group(1)).strip() if match else None


def summary_errors(html: str) -> list[str]:
    """The lines of the error summary at the top of the form."""
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    if not match:
        return []
    return [
        unescape(re.sub(r"<[^>]+>", "", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    ]


@pytest.fixture()
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    """A fresh UPLOAD_DIR for one test, so "nothing stored" can be checked by listing it."""
    path = tmp_path / "uploads"
    path.mkdir()
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(path))
    return path


def stored_files(path: Path) -> list[Path]:
    """The report files under `path` (not the text read from them, kept under text/)."""
    return sorted(p for p in path.rglob("*") if p.is_file() and p.parent.parent.name != "text")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def measure_with_report(owner, *, publish: bool = False, filename: str = "study.pdf", **overrides):
    """A measure whose first evaluation has a report, made through the services."""
    from app.measures.services import (
        attach_report,
        make_revision_public,
        refresh_evidence,
        submit_measure,
    )
    from app.measures.uploads import check_report
    from tests.conftest import make_measure

    measure = make_measure(owner, **overrides)
    revision = measure.working_revision
    attach_report(None, revision.evaluations[0], check_report(io.BytesIO(make_pdf()), filename))
    refresh_evidence(revision)
    if publish:
        submit_measure(None, measure)
        make_revision_public(measure, revision)
    db.session.commit()
    return measure
