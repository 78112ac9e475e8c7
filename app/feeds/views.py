"""GET /feeds/measures.atom: the newest published measures as an Atom feed (public); a browser
opening the address reads it as a page (issue 14: no raw XML for people)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from app.core.dbtypes import utcnow
from app.core.security import public
from app.core.urls import external_url
from app.feeds import atom
from app.feeds.services import (
    FEED_SIZE,
    FeedFilters,
    FeedParamError,
    newest_measures,
    parse_feed_args,
)
from app.measures.models import Measure
from app.records import vocab

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM_MIMETYPE = "application/atom+xml"


@bp.get("/measures.atom")
@public
def measures_atom() -> Response:
    try:
        filters = parse_feed_args(request.args)
    except FeedParamError as bad:
        return Response(f"Bad feed parameter {bad}\n", status=400, mimetype="text/plain")
    measures = newest_measures(filters)
    feed = _feed(filters, measures)
    if _wants_a_page():
        response = Response(render_template("feeds/measures.html", feed=feed))
    else:
        response = Response(atom.render_feed(feed), mimetype=ATOM_MIMETYPE)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept")
    return response


def _wants_a_page() -> bool:
    """A browser opening the feed's address gets a page saying what the feed is, with its
    entries; a feed reader (asking for Atom, XML or anything) gets the feed. Browsers list
    text/html first, readers do not; ties go to the feed."""
    best = request.accept_mimetypes.best_match([ATOM_MIMETYPE, "text/html"])
    return best == "text/html"


def _feed(filters: FeedFilters, measures: list[Measure]) -> atom.Feed:
    args = filters.as_args()
    # The same filters give the same URL, so the self link doubles as the feed's stable id.
    self_link = external_url("feeds.measures_atom", **args)
    entries = [_entry(m) for m in measures]
    updated = max((e.updated for e in entries), default=None) or utcnow()
    return atom.Feed(
        id=self_link,
        title="Prevent-Hub: newly published measures" + _describe(filters),
        subtitle=f"The {FEED_SIZE} newest measures published in the prevention "
        "best-practice repository, newest first.",
        self_link=self_link,
        alternate_link=external_url("search.search_page", sort="newest", **args),
        updated=updated,
        author="Prevent-Hub",
        entries=entries,
    )


def _describe(filters: FeedFilters) -> str:
    if filters.is_empty():
        return ""
    parts = []
    if filters.countries:
        parts.append(", ".join(vocab.country_name(c) for c in filters.countries))
    if filters.prevention_level:
        parts.append(", ".join(vocab.label(v).lower() for v in filters.prevention_level))
    if filters.target_groups:
        parts.append("for " + ", ".join(vocab.label(v).lower() for v in filters.target_groups))
    if filters.evidence_min is not None:
        parts.append(f"evidence level {filters.evidence_min} or higher")
    return " (" + "; ".join(parts) + ")"


def _entry(measure: Measure) -> atom.Entry:
    revision = measure.published_revision
    assert revision is not None  # newest_measures() joins the published revision  # nosec B101
    published = measure.published_at
    # The entry changes when a new revision is published: that is its "updated".
    updated = revision.decided_at or published or revision.updated_at
    # Categories carry the evidence (in English) so the summary stays in the measure's language.
    scheme = external_url("search.search_page")
    level = revision.evidence_level
    categories = [
        (
            str(level),
            f"Evidence level {level} of 5: {revision.evidence_label}",
            scheme + "?evidence_level",
        )
    ]
    if revision.harm_flag:
        categories.append(("harm_signal", "Harm signal: under expert review", scheme + "?harm"))
    categories += [(c, vocab.country_name(c), scheme + "?countries") for c in revision.countries]
    categories += [(t, vocab.label(t), scheme + "?target_groups") for t in revision.target_groups]
    return atom.Entry(
        id=external_url("measures.show", measure_id=measure.id),
        title=revision.title,
        link=external_url("measures.show", measure_id=measure.id),
        updated=updated,
        published=published,
        summary=revision.summary,
        language=revision.text_language,
        categories=categories,
    )
