"""The methodology page: how evidence levels are decided, for the ruleset in force."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.core.security import public
from app.evidence import methodology
from app.evidence.scale import label_text
from app.evidence.study_rating import rating_name
from app.evidence.wording import evidence_in_readers_language

bp = Blueprint("evidence", __name__)


@bp.app_template_filter("evidence_label")
def evidence_label(label: str | None) -> str:
    """A stored level label or badge (English) in the reader's language."""
    return label_text(label)


@bp.app_template_filter("evidence_rating")
def evidence_rating(rating: str | None) -> str:
    """A study rating code (high, moderate, low, descriptive) in the reader's language."""
    with evidence_in_readers_language():
        return rating_name(rating or "")


@bp.get("/evidence")
@public
def methodology_page() -> str:
    with evidence_in_readers_language():
        page = methodology.page()
    return render_template("evidence/methodology.html", **page)
