"""Shortlist pages: a signed-in user's named shortlists, the read-only shared view, and the
one shortlist a visitor keeps in the session. Exports of a shortlist live here too."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.compare import policies, services
from app.compare import session as lists
from app.compare.forms import (
    ChooseShortlistForm,
    ConfirmForm,
    ItemForm,
    MeasureActionForm,
    ShareForm,
    ShortlistNameForm,
)
from app.compare.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH, Shortlist
from app.compare.views import FORMATS, download, form_errors
from app.core.extensions import db
from app.core.redirects import safe_next_url
from app.core.security import public
from app.core.urls import external_url
from app.measures.models import Measure

bp = Blueprint("shortlists", __name__, url_prefix="/shortlists")


@bp.record_once
def _install(state: Any) -> None:
    state.app.jinja_env.globals.update(
        my_shortlists=lambda: services.shortlists_of(current_user),
        session_shortlist_ids=lists.session_shortlist_ids,
    )


def _limits() -> dict[str, Any]:
    return {"name_max": NAME_MAX_LENGTH, "note_max": NOTE_MAX_LENGTH}


def _own_or_404(shortlist_id: int) -> Shortlist:
    # Someone else's shortlist does not exist as far as they can tell.
    shortlist = db.session.get(Shortlist, shortlist_id)
    if shortlist is None or not policies.can_view_shortlist(current_user, shortlist):
        abort(404)
    return shortlist


def _published_or_404(measure_id: int | None) -> Measure:
    measure = services.published_measure(measure_id) if measure_id else None
    if measure is None:
        abort(404, _("There is no published measure with this number."))
    return measure


def _done(message: str, target: str, category: str = "success") -> Response:
    flash(message, category)
    return redirect(target, code=303)


# --- the user's shortlists ---------------------------------------------------------------------


@bp.get("")
def index() -> Any:
    return _index_page()


def _index_page(form: ShortlistNameForm | None = None, status: int = 200) -> Any:
    session_measures, _gone = services.published_measures(lists.session_shortlist_ids())
    return render_template(
        "compare/shortlists.html",
        shortlists=services.shortlists_of(current_user),
        form=form or ShortlistNameForm(formdata=None),
        session_count=len(session_measures),
        **_limits(),
    ), status


@bp.post("")
def create() -> Any:
    form = ShortlistNameForm()
    if not form.validate():
        return _index_page(form, 400)
    measures = [_published_or_404(form.measure_id.data)] if form.measure_id.data else []
    try:
        shortlist = services.create_shortlist(current_user, form.name.data, measures)
    except services.ShortlistInvalid as invalid:
        form.name.errors = [str(invalid)]
        return _index_page(form, 400)
    if measures:
        message = _("Shortlist “%(name)s” created with this measure.", name=shortlist.name)
    else:
        message = _("Shortlist “%(name)s” created.", name=shortlist.name)
    target = safe_next_url(form.next.data) or url_for("shortlists.show", shortlist_id=shortlist.id)
    return _done(message, target)


@bp.post("/add")
def add_to_chosen() -> Any:
    """The measure page's form: put the measure on one of the user's shortlists."""
    form = ChooseShortlistForm()
    if not form.validate():
        abort(400, form_errors(form))
    shortlist = _own_or_404(form.shortlist_id.data)
    measure = _published_or_404(form.measure_id.data)
    try:
        _item, created = services.add_to_shortlist(current_user, shortlist, measure, form.note.data)
    except services.ShortlistInvalid as invalid:
        abort(400, str(invalid))
    title = measure.published_revision.title  # type: ignore[union-attr]
    if created:
        message = _(
            "“%(title)s” was added to your shortlist “%(name)s”.", title=title, name=shortlist.name
        )
    else:
        message = _(
            "“%(title)s” was updated on your shortlist “%(name)s”.",
            title=title,
            name=shortlist.name,
        )
    target = safe_next_url(form.next.data) or url_for("measures.show", measure_id=measure.id)
    return _done(message, target)


@bp.get("/<int:shortlist_id>")
def show(shortlist_id: int) -> Any:
    return _show(_own_or_404(shortlist_id))


def _show(
    shortlist: Shortlist,
    *,
    rename_form: ShortlistNameForm | None = None,
    item_form: ItemForm | None = None,
    status: int = 200,
) -> Any:
    return render_template(
        "compare/shortlist.html",
        shortlist=shortlist,
        entries=services.shortlist_entries(shortlist.items),
        rename_form=rename_form or ShortlistNameForm(formdata=None, name=shortlist.name),
        item_form=item_form,
        share_url=_share_url(shortlist),
        **_limits(),
    ), status


def _share_url(shortlist: Shortlist) -> str | None:
    if not shortlist.share_token:
        return None
    return external_url("shortlists.shared", token=shortlist.share_token)


@bp.post("/<int:shortlist_id>/items")
def add_item(shortlist_id: int) -> Any:
    """Add a measure with a note, or change the note of a measure already on the list."""
    shortlist = _own_or_404(shortlist_id)
    form = ItemForm()
    if not form.validate():
        if form.measure_id.errors:
            abort(400, "; ".join(str(e) for e in form.measure_id.errors))
        return _show(shortlist, item_form=form, status=400)
    measure = _published_or_404(form.measure_id.data)
    try:
        _item, created = services.add_to_shortlist(current_user, shortlist, measure, form.note.data)
    except services.ShortlistInvalid as invalid:
        form.note.errors = [str(invalid)]
        return _show(shortlist, item_form=form, status=400)
    title = measure.published_revision.title  # type: ignore[union-attr]
    if created:
        message = _("“%(title)s” was added.", title=title)
    else:
        message = _("The note on “%(title)s” was saved.", title=title)
    target = safe_next_url(form.next.data) or url_for("shortlists.show", shortlist_id=shortlist.id)
    return _done(message, target)


@bp.post("/<int:shortlist_id>/items/<int:measure_id>/remove")
def remove_item(shortlist_id: int, measure_id: int) -> Any:
    shortlist = _own_or_404(shortlist_id)
    removed = services.remove_from_shortlist(current_user, shortlist, measure_id)
    target = url_for("shortlists.show", shortlist_id=shortlist.id)
    if not removed:
        return _done(_("That measure was not on this shortlist."), target, "info")
    return _done(_("The measure was removed from the shortlist."), target)


@bp.post("/<int:shortlist_id>/rename")
def rename(shortlist_id: int) -> Any:
    shortlist = _own_or_404(shortlist_id)
    form = ShortlistNameForm()
    if not form.validate():
        return _show(shortlist, rename_form=form, status=400)
    try:
        services.rename_shortlist(current_user, shortlist, form.name.data)
    except services.ShortlistInvalid as invalid:
        form.name.errors = [str(invalid)]
        return _show(shortlist, rename_form=form, status=400)
    target = url_for("shortlists.show", shortlist_id=shortlist.id)
    return _done(_("The shortlist is now called “%(name)s”.", name=shortlist.name), target)


@bp.post("/<int:shortlist_id>/delete")
def delete(shortlist_id: int) -> Any:
    shortlist = _own_or_404(shortlist_id)
    if not ConfirmForm().validate():
        abort(400)
    name = shortlist.name
    services.delete_shortlist(current_user, shortlist)
    return _done(_("The shortlist “%(name)s” was deleted.", name=name), url_for("shortlists.index"))


@bp.post("/<int:shortlist_id>/share")
def share(shortlist_id: int) -> Any:
    """Share (a new link each time: the old one stops working) or stop sharing."""
    shortlist = _own_or_404(shortlist_id)
    form = ShareForm()
    if not form.validate():
        abort(400, "; ".join(str(e) for e in form.action.errors))
    target = url_for("shortlists.show", shortlist_id=shortlist.id) + "#sharing"
    if form.action.data == "revoke":
        if services.unshare_shortlist(current_user, shortlist):
            return _done(_("The share link no longer works."), target)
        return _done(_("This shortlist was not shared."), target, "info")
    was_shared = shortlist.share_token is not None
    services.share_shortlist(current_user, shortlist)
    if was_shared:
        return _done(_("A new share link was made; the old one no longer works."), target)
    return _done(_("Anyone with the link below can now see this shortlist."), target)


@bp.get("/<int:shortlist_id>/export.<fmt>")
def export(shortlist_id: int, fmt: str) -> Response:
    shortlist = _own_or_404(shortlist_id)
    return _export(shortlist, fmt)


def _export(shortlist: Shortlist, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    notes = {item.measure_id: item.note for item in shortlist.items}
    return download(list(notes), fmt, "shortlist", notes=notes)


# --- the shared, read-only view ----------------------------------------------------------------


def _shared_or_404(token: str) -> Shortlist:
    shortlist = services.shortlist_by_token(token)
    if shortlist is None:
        abort(
            404,
            _("This share link does not work: the shortlist was deleted or is no longer shared."),
        )
    return shortlist


def _private(response: Any) -> Any:
    # The link is the key: keep the page out of shared caches and search engines.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/shared/<token>")
@public
def shared(token: str) -> Any:
    shortlist = _shared_or_404(token)
    response = Response(
        render_template(
            "compare/shared.html",
            shortlist=shortlist,
            entries=[e for e in services.shortlist_entries(shortlist.items) if e.measure],
            token=token,
        )
    )
    return _private(response)


@bp.get("/shared/<token>/export.<fmt>")
@public
def export_shared(token: str, fmt: str) -> Response:
    return _private(_export(_shared_or_404(token), fmt))


# --- the visitor's shortlist, kept in the session ----------------------------------------------


@bp.get("/session")
@public
def session_list() -> Any:
    return _session_page()


def _session_page(form: ShortlistNameForm | None = None, status: int = 200) -> Any:
    entries = services.shortlist_entries(_SessionItem(i) for i in lists.session_shortlist_ids())
    return render_template(
        "compare/session_shortlist.html",
        entries=entries,
        form=form or ShortlistNameForm(formdata=None),
        max_items=lists.MAX_SESSION_SHORTLIST,
        may_save=policies.can_keep_shortlists(current_user),
        **_limits(),
    ), status


class _SessionItem:
    """A session list entry seen as a shortlist item (no note)."""

    def __init__(self, measure_id: int) -> None:
        self.measure_id = measure_id
        self.note = None


@bp.post("/session/items")
@public
def session_add() -> Response:
    form = MeasureActionForm()
    if not form.validate():
        abort(400, form_errors(form))
    measure = _published_or_404(form.measure_id.data)
    title = measure.published_revision.title  # type: ignore[union-attr]
    target = safe_next_url(form.next.data) or url_for("shortlists.session_list")
    try:
        added = lists.add_to_session_shortlist(measure.id)
    except lists.ListFull as full:
        flash(str(full), "error")
        return redirect(target, code=303)
    if added:
        flash(_("“%(title)s” was added to your shortlist in this browser.", title=title), "success")
    else:
        flash(_("“%(title)s” is already on your shortlist.", title=title), "info")
    return redirect(target, code=303)


@bp.post("/session/items/<int:measure_id>/remove")
@public
def session_remove(measure_id: int) -> Response:
    target = safe_next_url(request.form.get("next")) or url_for("shortlists.session_list")
    if lists.remove_from_session_shortlist(measure_id):
        flash(_("The measure was removed from your shortlist."), "success")
    return redirect(target, code=303)


@bp.post("/session/save")
def session_save() -> Any:
    """Save the browser's shortlist as a named shortlist of the signed-in user, then empty it."""
    form = ShortlistNameForm()
    ids = lists.session_shortlist_ids()
    if not ids:
        flash(_("Your shortlist in this browser is empty: there is nothing to save."), "info")
        return redirect(url_for("shortlists.session_list"), code=303)
    if not form.validate():
        return _session_page(form, 400)
    try:
        shortlist = services.save_session_shortlist(current_user, form.name.data, ids)
    except services.ShortlistInvalid as invalid:
        form.name.errors = [str(invalid)]
        return _session_page(form, 400)
    lists.clear_session_shortlist()
    target = url_for("shortlists.show", shortlist_id=shortlist.id)
    return _done(_("Saved as your shortlist “%(name)s”.", name=shortlist.name), target)
