"""The dashboard page (/dashboard): public, like the published measures it counts.

Officials are its audience, but nothing on it is private (every number is about published
measures, which anonymous visitors may search and compare), so it needs no sign-in and can
be linked from public reports.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from app.core.i18n import current_language
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
        level_names=[_(name) for name in LEVEL_NAMES],
        country_chart=_country_chart(data.by_country),
        prevention_chart=_bars(
            "chart-prevention",
            _("Published measures by prevention level"),
            data.by_prevention_level,
        ),
        target_chart=_bars(
            "chart-target-groups",
            _("Published measures by target group"),
            data.by_target_group,
            note=_("A measure counts once for each target group it serves."),
        ),
    )


def _country_chart(rows: list[services.CountryLevels]) -> Markup:
    columns = [str(n) for n in services.LEVELS]
    language = current_language()
    heat_rows = [charts.HeatRow(vocab.country_name(r.country, language), r.by_level) for r in rows]
    if rows:
        top = rows[0]
        most = _(
            "Most measures: %(country)s (%(count)s).",
            country=vocab.country_name(top.country, language),
            count=top.total,
        )
    else:
        most = _("No measure has been published yet.")
    grid = ngettext(
        "Grid of %(num)s country by evidence level, from level 0 (not evaluated) to level 5"
        " (well supported). Every cell shows its number of measures; darker cells hold more.",
        "Grid of %(num)s countries by evidence level, from level 0 (not evaluated) to level 5"
        " (well supported). Every cell shows its number of measures; darker cells hold more.",
        len(rows),
    )
    desc = " ".join((grid, most, _("The table after the chart lists every number.")))
    return charts.heatmap(
        "chart-countries",
        _("Published measures by country and evidence level"),
        desc,
        columns,
        heat_rows,
        axis_label=_("Evidence level"),
    )


def _bars(chart_id: str, title: str, counts: list[tuple[str, int]], note: str = "") -> Markup:
    labelled = [(vocab.label(value), n) for value, n in counts]
    desc = " ".join(filter(None, (_("Bar chart."), note, charts.describe_counts(labelled))))
    return charts.bar_chart(chart_id, title, desc, labelled)
