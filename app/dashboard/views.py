"""The dashboard page (/dashboard): public, like the published measures it counts.

Officials are its audience, but nothing on it is private (every number is about published
measures, which anonymous visitors may search and compare), so it needs no sign-in and can
be linked from public reports.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup

from app.core.security import public
from app.dashboard import charts, services
from app.evidence.rules import LEVEL_NAMES
from app.records import vocab

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@public
def dashboard() -> str:
    data = services.dashboard()
    return render_template(
        "dashboard/dashboard.html",
        data=data,
        levels=services.LEVELS,
        level_names=LEVEL_NAMES,
        country_chart=_country_chart(data.by_country),
        prevention_chart=_bars(
            "chart-prevention",
            "Published measures by prevention level",
            data.by_prevention_level,
        ),
        target_chart=_bars(
            "chart-target-groups",
            "Published measures by target group",
            data.by_target_group,
            note=" A measure counts once for each target group it serves.",
        ),
    )


def _country_chart(rows: list[services.CountryLevels]) -> Markup:
    columns = [str(n) for n in services.LEVELS]
    heat_rows = [charts.HeatRow(vocab.country_name(r.country), r.by_level) for r in rows]
    if rows:
        top = rows[0]
        most = f" Most measures: {vocab.country_name(top.country)} ({top.total})."
    else:
        most = " No measure has been published yet."
    desc = (
        f"Grid of {len(rows)} countries by evidence level, from level 0 (not evaluated) to "
        "level 5 (well supported). Every cell shows its number of measures; darker cells "
        f"hold more.{most} The table after the chart lists every number."
    )
    return charts.heatmap(
        "chart-countries",
        "Published measures by country and evidence level",
        desc,
        columns,
        heat_rows,
        axis_label="Evidence level",
    )


def _bars(chart_id: str, title: str, counts: list[tuple[str, int]], note: str = "") -> Markup:
    labelled = [(vocab.label(value), n) for value, n in counts]
    desc = f"Bar chart.{note} {charts.describe_counts(labelled)}"
    return charts.bar_chart(chart_id, title, desc, labelled)
