"""Server-rendered SVG charts: a heatmap grid and a horizontal bar chart (pure functions).

Accessible by construction: each chart is role="img" with a <title> and a <desc> (the desc
states the numbers in words), every cell or bar carries its number as text, so nothing is told
by colour alone, and the page puts a real <table> with the same numbers beside it. The strict
Content-Security-Policy drops inline style attributes, so colours come from classes in
site.css and geometry from SVG presentation attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

# Pixel sizes in the SVG's own coordinates; the viewBox scales the chart to its box.
_LABEL_WIDTH = 210
_CELL_W, _CELL_H, _HEAD_H = 58, 30, 60
_BAR_H, _BAR_GAP, _BAR_MAX_W, _VALUE_W = 26, 10, 300, 50
HEAT_BUCKETS = 5  # classes heat-0 (none) to heat-5 (the most)


def _text(x: float, y: float, content: str, cls: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" class="{cls}" text-anchor="{anchor}" '
        f'dominant-baseline="middle">{escape(content)}</text>'
    )


def _svg(
    chart_id: str, title: str, desc: str, width: float, height: float, body: list[str]
) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704  (every value escaped above)  # nosec B704


def heat_bucket(count: int, maximum: int) -> int:
    """0 for none, else 1..HEAT_BUCKETS by the share of the largest count (never 0 for > 0)."""
    if count <= 0 or maximum <= 0:
        return 0
    return max(1, min(HEAT_BUCKETS, -(-count * HEAT_BUCKETS // maximum)))


@dataclass(frozen=True)
class HeatRow:
    label: str
    values: tuple[int, ...]


def heatmap(
    chart_id: str,
    title: str,
    desc: str,
    columns: Sequence[str],
    rows: Sequence[HeatRow],
    axis_label: str = "",
) -> Markup:
    """A grid: one row per `rows` item, one column per `columns` label, counts in the cells;
    `axis_label` names the columns above their short labels."""
    maximum = max((v for r in rows for v in r.values), default=0)
    width = _LABEL_WIDTH + _CELL_W * len(columns)
    height = _HEAD_H + _CELL_H * max(len(rows), 1)
    body = [
        _text(_LABEL_WIDTH + _CELL_W * (i + 0.5), _HEAD_H * 0.72, col, "chart-head", "middle")
        for i, col in enumerate(columns)
    ]
    if axis_label:
        middle = _LABEL_WIDTH + _CELL_W * len(columns) / 2
        body.insert(0, _text(middle, _HEAD_H * 0.28, axis_label, "chart-axis", "middle"))
    for r, row in enumerate(rows):
        y = _HEAD_H + _CELL_H * r
        body.append(_text(_LABEL_WIDTH - 8, y + _CELL_H / 2, row.label, "chart-label", "end"))
        for c, value in enumerate(row.values):
            bucket = heat_bucket(value, maximum)
            x = _LABEL_WIDTH + _CELL_W * c
            body.append(
                f'<rect x="{x + 1:g}" y="{y + 1:g}" width="{_CELL_W - 2}" '
                f'height="{_CELL_H - 2}" class="heat heat-{bucket}"/>'
            )
            tone = "heat-text-light" if bucket >= 4 else "heat-text"
            body.append(_text(x + _CELL_W / 2, y + _CELL_H / 2, str(value), tone, "middle"))
    if not rows:
        body.append(
            _text(_LABEL_WIDTH, _HEAD_H + _CELL_H / 2, _("No published measures"), "chart-label")
        )
    return _svg(chart_id, title, desc, width, height, body)


def bar_chart(chart_id: str, title: str, desc: str, bars: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, longest = the largest value; each bar ends with its number."""
    maximum = max((v for _label, v in bars), default=0)
    width = _LABEL_WIDTH + _BAR_MAX_W + _VALUE_W
    height = max(len(bars), 1) * (_BAR_H + _BAR_GAP) + _BAR_GAP
    body = []
    for i, (label, value) in enumerate(bars):
        y = _BAR_GAP + i * (_BAR_H + _BAR_GAP)
        length = round(_BAR_MAX_W * value / maximum) if maximum else 0
        body.append(_text(_LABEL_WIDTH - 8, y + _BAR_H / 2, label, "chart-label", "end"))
        body.append(
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{_BAR_H}" '
            f'class="bar{" bar-empty" if not value else ""}"/>'
        )
        body.append(_text(_LABEL_WIDTH + length + 6, y + _BAR_H / 2, str(value), "chart-value"))
    return _svg(chart_id, title, desc, width, height, body)


def describe_counts(pairs: Sequence[tuple[str, int]]) -> str:
    """'Children: 12 measures; Parents and carers: 1 measure.' for a chart's <desc>, in the
    reader's language."""
    if not pairs:
        return _("No data.")
    counted = (
        ngettext("%(label)s: %(num)s measure", "%(label)s: %(num)s measures", n, label=label)
        for label, n in pairs
    )
    return "; ".join(counted) + "."
