"""Shortlists in the API: the caller's own named lists (create, read, rename, share, delete,
add and remove measures), and a shared list read by its share token.

A shortlist is private to its owner, as on the pages: anyone else gets 404, moderators too.
The views call app/compare/services.py, which checks the same policies and says the same
messages (422 with the field they belong to).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.api import openapi_schemas as schemas
from app.api.auth import require_scope
from app.api.bodies import json_body
from app.api.limits import api_limit
from app.api.measures import iso
from app.api.openapi_operations import BASE, CURL, JSON, MERGE_PATCH, PAGE_PARAMS, operation
from app.api.pagination import page_args, paginate
from app.api.views import bp, collection_response, json_response
from app.compare import policies, services
from app.compare.forms import MEASURE_ID_MAX
from app.compare.models import Shortlist
from app.core.extensions import db
from app.core.problems import ApiProblem, ValidationProblem, field_error
from app.core.security import public
from app.core.urls import external_url

MSG_NOT_PUBLISHED = "There is no published measure with this number."
MSG_MEASURE_NUMBER = "must be a measure number (a whole number from 1)"
MSG_UNKNOWN_KEY = "is not a known key"
CREATE_KEYS = ("name", "measures")
PATCH_KEYS = ("name", "shared")
ITEM_KEYS = ("measure_id", "note")


def _entries_json(shortlist: Shortlist, *, published_only: bool) -> list[dict[str, Any]]:
    added = {item.measure_id: item.added_at for item in shortlist.items}
    return [
        {
            "measure_id": entry.measure_id,
            "title": entry.revision.title if entry.revision is not None else None,
            "published": entry.measure is not None,
            "note": entry.note,
            "added_at": iso(added.get(entry.measure_id)),
        }
        for entry in services.shortlist_entries(shortlist.items)
        if entry.measure is not None or not published_only
    ]


def shortlist_to_json(shortlist: Shortlist) -> dict[str, Any]:
    """The owner's view: every item (a measure no longer published says so) and the share
    link while the list is shared."""
    token = shortlist.share_token
    return {
        "id": shortlist.id,
        "name": shortlist.name,
        "created_at": iso(shortlist.created_at),
        "updated_at": iso(shortlist.updated_at),
        "shared": token is not None,
        "share_token": token,
        "share_url": external_url("shortlists.shared", token=token) if token else None,
        "items": _entries_json(shortlist, published_only=False),
    }


def own_shortlist_or_404(shortlist_id: int) -> Shortlist:
    # Someone else's shortlist does not exist as far as they can tell.
    shortlist = db.session.get(Shortlist, shortlist_id)
    if shortlist is None or not policies.can_view_shortlist(current_user, shortlist):
        raise ApiProblem(404, "No shortlist of yours with this id.")
    return shortlist


def _object(body: Any, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationProblem([field_error(what, "must be a JSON object")])
    unknown = [field_error(key, MSG_UNKNOWN_KEY) for key in body if key not in allowed]
    if unknown:
        raise ValidationProblem(unknown)
    return body


def _measure_id(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MEASURE_ID_MAX:
        raise ValidationProblem([field_error(field, MSG_MEASURE_NUMBER)])
    return value


def _text(body: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        message = "is required" if value is None else "must be text"
        raise ValidationProblem([field_error(key, message)])
    return value


def _invalid(field: str, error: services.ShortlistInvalid) -> ValidationProblem:
    return ValidationProblem([field_error(field, str(error))])


def _created(shortlist: Shortlist) -> Response:
    response = json_response(shortlist_to_json(shortlist), status=201)
    response.headers["Location"] = url_for("api.get_shortlist", shortlist_id=shortlist.id)
    return response


@bp.get("/shortlists")
@public
@api_limit
@require_scope("read")
@operation(
    "List your shortlists",
    "Shortlists",
    params=PAGE_PARAMS,
    ok=(200, schemas.ShortlistList, "Your shortlists, most recently changed first."),
    headers=["Link"],
    example=CURL + f"{BASE}/shortlists",
)
def list_shortlists() -> Response:
    """The caller's shortlists, most recently changed first."""
    page, per_page = page_args()
    shortlists, total = paginate(services.shortlists_of(current_user), page, per_page)
    return collection_response([shortlist_to_json(s) for s in shortlists], total, page, per_page)


@bp.post("/shortlists")
@public
@api_limit
@require_scope("write")
@operation(
    "Create a shortlist",
    "Shortlists",
    body=schemas.ShortlistCreate,
    ok=(201, schemas.Shortlist, "The new shortlist."),
    headers=["Location"],
    example=CURL + "-H 'Content-Type: application/json' "
    f'-d \'{{"name": "For the ministry", "measures": [42, 43]}}\' {BASE}/shortlists',
)
def create_shortlist() -> Response:
    """A new shortlist named `name`, holding the published measures `measures` (ids)."""
    body = _object(json_body(), CREATE_KEYS, "shortlist")
    name = _text(body, "name", required=True)
    ids = body.get("measures") or []
    if not isinstance(ids, list):
        raise ValidationProblem([field_error("measures", "must be a list of measure numbers")])
    if len(ids) > services.MAX_ITEMS:
        message = f"A shortlist holds at most {services.MAX_ITEMS} measures."
        raise ValidationProblem([field_error("measures", message)])
    wanted = [_measure_id(value, f"measures[{i}]") for i, value in enumerate(ids)]
    measures, missing = services.published_measures(wanted)
    if missing:
        raise ValidationProblem(
            [field_error(f"measures[{wanted.index(i)}]", MSG_NOT_PUBLISHED) for i in missing]
        )
    try:
        shortlist = services.create_shortlist(current_user, name or "", measures)
    except services.ShortlistInvalid as invalid:
        raise _invalid("name", invalid) from invalid
    return _created(shortlist)


@bp.get("/shortlists/<int:shortlist_id>")
@public
@api_limit
@require_scope("read")
@operation(
    "Read your shortlist",
    "Shortlists",
    ok=(200, schemas.Shortlist, "The shortlist."),
    errors=[404],
)
def get_shortlist(shortlist_id: int) -> Response:
    return json_response(shortlist_to_json(own_shortlist_or_404(shortlist_id)))


@bp.patch("/shortlists/<int:shortlist_id>")
@public
@api_limit
@require_scope("write")
@operation(
    "Rename or share your shortlist",
    "Shortlists",
    body=schemas.ShortlistPatch,
    body_types=[JSON, MERGE_PATCH],
    ok=(200, schemas.Shortlist, "The shortlist as saved."),
    errors=[404],
    description="`shared: true` gives the list a read-only share link (kept if it has one); "
    "`shared: false` stops the link working.",
)
def update_shortlist(shortlist_id: int) -> Response:
    """Rename (`name`) and/or share (`shared`: true gives the list a share link if it has
    none; false stops the link working). Regenerate a link by unsharing, then sharing."""
    body = _object(
        json_body(extra_types=("application/merge-patch+json",)), PATCH_KEYS, "shortlist"
    )
    shortlist = own_shortlist_or_404(shortlist_id)
    shared = body.get("shared")
    if "shared" in body and not isinstance(shared, bool):
        raise ValidationProblem([field_error("shared", "must be true or false")])
    if "name" in body:
        try:
            services.rename_shortlist(current_user, shortlist, _text(body, "name", required=True))
        except services.ShortlistInvalid as invalid:
            raise _invalid("name", invalid) from invalid
    if shared is True and shortlist.share_token is None:
        services.share_shortlist(current_user, shortlist)
    elif shared is False:
        services.unshare_shortlist(current_user, shortlist)
    return json_response(shortlist_to_json(shortlist))


@bp.delete("/shortlists/<int:shortlist_id>")
@public
@api_limit
@require_scope("write")
@operation("Delete your shortlist", "Shortlists", ok=(204, None, "Deleted."), errors=[404])
def delete_shortlist(shortlist_id: int) -> Response:
    """Delete the shortlist; its share link stops working. 204."""
    services.delete_shortlist(current_user, own_shortlist_or_404(shortlist_id))
    return Response(status=204)


@bp.post("/shortlists/<int:shortlist_id>/items")
@public
@api_limit
@require_scope("write")
@operation(
    "Put a measure on your shortlist, or change its note",
    "Shortlists",
    body=schemas.ShortlistItemInput,
    ok=(201, schemas.Shortlist, "Added (200 when only the note changed)."),
    errors=[404],
)
def add_shortlist_item(shortlist_id: int) -> Response:
    """Put a published measure on the list with an optional note (201), or change the note of
    one already on it (200). Answers the whole shortlist."""
    body = _object(json_body(), ITEM_KEYS, "item")
    shortlist = own_shortlist_or_404(shortlist_id)
    if "measure_id" not in body:
        raise ValidationProblem([field_error("measure_id", "is required")])
    measure = services.published_measure(_measure_id(body["measure_id"], "measure_id"))
    if measure is None:
        raise ValidationProblem([field_error("measure_id", MSG_NOT_PUBLISHED)])
    note = _text(body, "note", required=False)
    try:
        _item, created = services.add_to_shortlist(current_user, shortlist, measure, note)
    except services.ShortlistInvalid as invalid:
        field = "note" if "note" in str(invalid) else "measure_id"
        raise _invalid(field, invalid) from invalid
    return json_response(shortlist_to_json(shortlist), status=201 if created else 200)


@bp.delete("/shortlists/<int:shortlist_id>/items/<int:measure_id>")
@public
@api_limit
@require_scope("write")
@operation(
    "Take a measure off your shortlist", "Shortlists", ok=(204, None, "Removed."), errors=[404]
)
def remove_shortlist_item(shortlist_id: int, measure_id: int) -> Response:
    """Take a measure off the list: 204, or 404 when it was not on it."""
    shortlist = own_shortlist_or_404(shortlist_id)
    if not services.remove_from_shortlist(current_user, shortlist, measure_id):
        raise ApiProblem(404, "That measure is not on this shortlist.")
    return Response(status=204)


@bp.get("/shortlists/shared/<token>")
@public
@api_limit
@operation(
    "Read a shared shortlist",
    "Shortlists",
    ok=(200, schemas.SharedShortlist, "The list's name and its published measures."),
    errors=[404],
)
def get_shared_shortlist(token: str) -> Response:
    """A shared shortlist, read-only, for anyone with its share token: its name and its
    published measures with their notes (as the shared page shows it)."""
    shortlist = services.shortlist_by_token(token)
    if shortlist is None:
        raise ApiProblem(
            404, "This share link does not work: the shortlist was deleted or is no longer shared."
        )
    response = json_response(
        {
            "name": shortlist.name,
            "updated_at": iso(shortlist.updated_at),
            "items": _entries_json(shortlist, published_only=True),
        }
    )
    # The token is the key: keep the answer out of shared caches, as the shared page does.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
