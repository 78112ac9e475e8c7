"""GET /feeds/measures.atom: the newest published measures as an Atom feed (public); a browser
opening the address reads it as a page (issue 14: no raw XML for people).

The feed's own words (title, subtitle, categories) are in the reader's language (English for a
feed reader that asks for none); each measure's title and summary stay in their own."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _

from app.core.dbtypes import utcnow
from app.core.i18n import current_language
from app.core.security import public
from app.core.urls import external_url
from app.evidence.scale import label_text
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
from app.records.labels import in_sentence

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
    for header in ("Accept", "Accept-Language", "Cookie"):  # the language comes from these
        response.vary.add(header)
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
        title=_("Prevent-Hub: newly published measures") + _describe(filters),
        subtitle=_(
            "The %(count)s newest measures published in the prevention best-practice"
            " repository, newest first.",
            count=FEED_SIZE,
        ),
        self_link=self_link,
        alternate_link=external_url("search.search_page", sort="newest", **args),
        updated=updated,
        author="Prevent-Hub",
        entries=entries,
        language=current_language(),
    )


def _describe(filters: FeedFilters) -> str:
    if filters.is_empty():
        return ""
    parts = []
    language = current_language()
    if filters.countries:
        parts.append(", ".join(vocab.country_name(c, language) for c in filters.countries))
    if filters.prevention_level:
        parts.append(", ".join(in_sentence(vocab.label(v)) for v in filters.prevention_level))
    if filters.target_groups:
        groups = ", ".join(in_sentence(vocab.label(v)) for v in filters.target_groups)
        parts.append(_("for %(groups)s", groups=groups))
    if filters.evidence_min is not None:
        parts.append(_("evidence level %(level)s or higher", level=filters.evidence_min))
    return " (" + "; ".join(parts) + ")"


def _entry(measure: Measure) -> atom.Entry:
    revision = measure.published_revision
    assert revision is not None  # newest_measures() joins the published revision  # nosec B101
    published = measure.published_at
    # The entry changes when a new revision is published: that is its "updated".
    updated = revision.decided_at or published or revision.updated_at
    # Categories carry the evidence (in the feed's language) so the summary stays in the
    # measure's language.
    scheme = external_url("search.search_page")
    level = revision.evidence_level
    label = label_text(revision.evidence_label)
    categories = [
        (
            str(level),
            _("Evidence level %(level)s of 5: %(label)s", level=level, label=label),
            scheme + "?evidence_level",
        )
    ]
    if revision.harm_flag:
        harm = _("Harm signal: under expert review")
        categories.append(("harm_signal", harm, scheme + "?harm"))
    language = current_language()
    categories += [
        (c, vocab.country_name(c, language), scheme + "?countries") for c in revision.countries
    ]
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
