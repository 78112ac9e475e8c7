"""Rating distributions as small server-rendered SVG bar charts (DESIGN §10).

Accessible: role="img" with a <title> and a <desc> that state every number, and the page adds
a table with the same numbers. Every bar carries its count as text, so nothing is told by colour
or length alone. No style attributes (the Content-Security-Policy forbids inline styles): sizes
and colours are SVG presentation attributes, refined by classes in site.css.
"""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.reviews.aggregates import DimensionRating
from app.reviews.models import SCORE_WORDS, SCORES

WIDTH = 320
ROW = 24
LABEL_WIDTH = 92
BAR_SPACE = 180
BAR_HEIGHT = 16
BAR_FILL = "#0b4f8a"  # --brand in site.css: 8.6:1 against white
TEXT_FILL = "#1b1f24"


def describe(dimension: DimensionRating) -> str:
    """The chart in words, in the reader's language: the mean, then the count of every score
    from 5 down."""
    if not dimension.count:
        return _("%(dimension)s: no ratings yet.", dimension=dimension.label)
    parts = [
        _(
            "%(score)s (%(words)s): %(count)s",
            score=score,
            words=SCORE_WORDS[score],
            count=dimension.distribution[score],
        )
        for score in SCORES
    ]
    mean = ngettext(
        "%(dimension)s: mean %(mean)s of 5 from %(num)d review.",
        "%(dimension)s: mean %(mean)s of 5 from %(num)d reviews.",
        dimension.count,
        dimension=dimension.label,
        mean=format_decimal(dimension.mean or 0, "0.0"),
    )
    return " ".join(
        (
            mean,
            _(
                "Number of reviews giving each score: %(counts)s.",
                counts="; ".join(reversed(parts)),
            ),
        )
    )


def distribution_chart(dimension: DimensionRating, chart_id: str) -> Markup:
    """Five horizontal bars, score 5 at the top, each labelled with its count."""
    chart_id = str(escape(chart_id))
    height = ROW * len(SCORES) + 4
    peak = max(dimension.distribution.values(), default=0) or 1
    rows = []
    for row, score in enumerate(reversed(SCORES)):
        count = dimension.distribution[score]
        top = row * ROW + 2
        width = round(BAR_SPACE * count / peak, 1)
        if count and width < 2:
            width = 2  # a single review among hundreds still shows
        baseline = top + BAR_HEIGHT - 3
        rows.append(
            f'<g class="rating-row">'
            f'<text x="0" y="{baseline}" fill="{TEXT_FILL}" class="rating-label">'
            f"{score} {escape(SCORE_WORDS[score])}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{top}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_FILL}" class="rating-bar"></rect>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{baseline}" fill="{TEXT_FILL}" '
            f'class="rating-count">{count}</text>'
            f"</g>"
        )
    title = _("%(dimension)s: distribution of scores", dimension=dimension.label)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rating-chart" role="img" '
        f'focusable="false" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(describe(dimension))}</desc>'
        f"{''.join(rows)}"
        f"</svg>"
    )
    return Markup(svg)  # noqa: S704  (every text above is escaped; the rest are numbers)  # nosec B704
