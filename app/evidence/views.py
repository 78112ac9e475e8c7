"""The methodology page: how evidence levels are decided, for the ruleset in force."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.core.security import public
from app.evidence import methodology

bp = Blueprint("evidence", __name__)


@bp.get("/evidence")
@public
def methodology_page() -> str:
    return render_template("evidence/methodology.html", **methodology.page())
