"""Shortlists: CRUD for their owner, nobody else's business, read-only sharing by a revocable
link, the visitor's session shortlist and saving it after signing in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.compare import policies, services
from app.compare.models import Shortlist, ShortlistItem
from app.compare.session import SHORTLIST_KEY
from app.core.exceptions import PermissionDenied
from app.core.extensions import db
from tests.conftest import make_measure, make_user


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture()
def shortlist(official, published):
    s = services.create_shortlist(official, "School options", published[:2])
    db.session.commit()
    return s


# --- creating, renaming, deleting -------------------------------------------------------------


def test_a_signed_in_user_creates_a_shortlist_and_it_is_audited(client, auth, official):
    auth.login(official)
    response = client.post("/shortlists", data={"name": "  Grooming   options 2027 "})
    assert response.status_code == 303
    shortlist = db.session.scalar(select(Shortlist))
    assert shortlist.name == "Grooming options 2027"
    assert shortlist.owner_id == official.id
    assert response.location.endswith(f"/shortlists/{shortlist.id}")
    (event,) = events("shortlist.created")
    assert event.actor_id == official.id and event.object_id == shortlist.id
    html = client.get("/shortlists").get_data(as_text=True)
    assert "Grooming options 2027" in html


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the shortlist."),
        ("   \n ", "Enter a name for the shortlist."),
        ("x" * 101, "The name must be at most 100 characters."),
    ],
)
def test_a_bad_name_is_refused_with_a_clear_message_and_nothing_stored(
    client, auth, official, name, message
):
    auth.login(official)
    response = client.post("/shortlists", data={"name": name})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'href="#name"' in html  # the error summary links to the field
    assert 'aria-describedby="name-hint name-error"' in html
    assert count(Shortlist) == 0


def test_a_name_of_exactly_100_characters_is_fine(client, auth, official):
    auth.login(official)
    assert client.post("/shortlists", data={"name": "n" * 100}).status_code == 303


def test_creating_from_a_measure_page_puts_the_measure_on_it(client, auth, official, published):
    auth.login(official)
    a = published[0]
    response = client.post(
        "/shortlists",
        data={"name": "From the page", "measure_id": a.id, "next": f"/measures/{a.id}"},
    )
    assert response.status_code == 303 and response.location.endswith(f"/measures/{a.id}")
    (item,) = db.session.scalars(select(ShortlistItem)).all()
    assert item.measure_id == a.id


def test_an_unpublished_measure_cannot_be_put_on_a_shortlist(client, auth, official, owner):
    draft = make_measure(owner, title="Draft")
    auth.login(official)
    response = client.post("/shortlists", data={"name": "X", "measure_id": draft.id})
    assert response.status_code == 404
    assert count(Shortlist) == 0


def test_rename_and_delete(client, auth, official, shortlist):
    auth.login(official)
    response = client.post(f"/shortlists/{shortlist.id}/rename", data={"name": "Renamed"})
    assert response.status_code == 303
    db.session.refresh(shortlist)
    assert shortlist.name == "Renamed"
    response = client.post(f"/shortlists/{shortlist.id}/rename", data={"name": ""})
    assert response.status_code == 400
    assert "Enter a name for the shortlist." in response.get_data(as_text=True)
    response = client.post(f"/shortlists/{shortlist.id}/delete")
    assert response.status_code == 303
    assert count(Shortlist) == 0 and count(ShortlistItem) == 0
    (event,) = events("shortlist.deleted")
    assert event.details == {"name": "Renamed", "items": 2}


# --- items and notes ---------------------------------------------------------------------------


def test_add_an_item_with_a_note_change_the_note_and_remove_it(client, auth, official, published):
    s = services.create_shortlist(official, "Empty", [])
    db.session.commit()
    auth.login(official)
    c = published[2]
    url = f"/shortlists/{s.id}/items"
    assert (
        client.post(url, data={"measure_id": c.id, "note": "Ask the ministry."}).status_code == 303
    )
    assert client.post(url, data={"measure_id": c.id, "note": "Call in May."}).status_code == 303
    db.session.expire_all()
    (item,) = s.items
    assert (item.measure_id, item.note) == (c.id, "Call in May.")
    html = client.get(f"/shortlists/{s.id}").get_data(as_text=True)
    assert "Call in May." in html and "Gamma campaign" in html
    response = client.post(f"/shortlists/{s.id}/items/{c.id}/remove")
    assert response.status_code == 303
    assert count(ShortlistItem) == 0


def test_a_note_over_2000_characters_is_refused_and_the_old_note_kept(
    client, auth, official, shortlist, published
):
    auth.login(official)
    a = published[0]
    ok = client.post(
        f"/shortlists/{shortlist.id}/items", data={"measure_id": a.id, "note": "n" * 2000}
    )
    assert ok.status_code == 303
    response = client.post(
        f"/shortlists/{shortlist.id}/items", data={"measure_id": a.id, "note": "x" * 2001}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The note must be at most 2000 characters." in html
    assert f'href="#note-{a.id}"' in html
    db.session.expire_all()
    assert next(i for i in shortlist.items if i.measure_id == a.id).note == "n" * 2000


@pytest.mark.parametrize("measure_id", ["", "abc", "0"])
def test_a_bad_measure_number_for_an_item_is_a_400(client, auth, official, shortlist, measure_id):
    auth.login(official)
    response = client.post(f"/shortlists/{shortlist.id}/items", data={"measure_id": measure_id})
    assert response.status_code == 400
    assert count(ShortlistItem) == 2


def test_the_measure_page_adds_to_a_chosen_shortlist(client, auth, official, shortlist, published):
    auth.login(official)
    c = published[2]
    html = client.get(f"/measures/{c.id}").get_data(as_text=True)
    assert '<label for="add-to-shortlist">Shortlist</label>' in html
    assert f'<option value="{shortlist.id}">School options</option>' in html
    response = client.post(
        "/shortlists/add",
        data={"shortlist_id": shortlist.id, "measure_id": c.id, "note": "Looks promising"},
    )
    assert response.status_code == 303 and response.location.endswith(f"/measures/{c.id}")
    html = client.get(f"/measures/{c.id}").get_data(as_text=True)
    assert "On your shortlist:" in html


def test_a_measure_no_longer_published_stays_listed_for_its_owner_only(
    client, auth, official, shortlist, published
):
    from app.measures.models import MeasureStatus

    a = published[0]
    a.status = MeasureStatus.ARCHIVED
    db.session.commit()
    auth.login(official)
    html = client.get(f"/shortlists/{shortlist.id}").get_data(as_text=True)
    assert f"Measure {a.id}" in html and "no longer published" in html
    assert "Alpha school programme" not in html
    token = services.share_shortlist(official, shortlist)
    db.session.commit()
    shared = client.get(f"/shortlists/shared/{token}").get_data(as_text=True)
    assert "no longer published" not in shared and f"/measures/{a.id}" not in shared


# --- nobody else's business --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.OFFICIAL, Role.MODERATOR, Role.ADMIN])
def test_another_user_can_neither_see_nor_change_a_private_shortlist(
    client, auth, shortlist, published, role
):
    other = make_user(role)
    auth.login(other)
    base = f"/shortlists/{shortlist.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/export.csv").status_code == 404
    for path, data in [
        (f"{base}/items", {"measure_id": published[2].id}),
        (f"{base}/items/{published[0].id}/remove", {}),
        (f"{base}/rename", {"name": "Mine now"}),
        (f"{base}/share", {"action": "share"}),
        (f"{base}/delete", {}),
        ("/shortlists/add", {"shortlist_id": shortlist.id, "measure_id": published[2].id}),
    ]:
        assert client.post(path, data=data).status_code == 404, path
    db.session.expire_all()
    assert shortlist.name == "School options"
    assert len(shortlist.items) == 2 and shortlist.share_token is None
    assert "School options" not in client.get("/shortlists").get_data(as_text=True)


def test_policies_let_only_the_owner_view_and_edit(official, shortlist):
    other = make_user(Role.ADMIN)
    assert policies.can_view_shortlist(official, shortlist)
    assert policies.can_edit_shortlist(official, shortlist)
    assert not policies.can_view_shortlist(other, shortlist)
    assert not policies.can_edit_shortlist(other, shortlist)
    from flask_login import AnonymousUserMixin

    anonymous = AnonymousUserMixin()
    assert not policies.can_view_shortlist(anonymous, shortlist)
    assert not policies.can_keep_shortlists(anonymous)


def test_services_refuse_a_non_owner(official, shortlist, published):
    other = make_user(Role.OFFICIAL)
    for call in (
        lambda: services.rename_shortlist(other, shortlist, "x"),
        lambda: services.delete_shortlist(other, shortlist),
        lambda: services.share_shortlist(other, shortlist),
        lambda: services.unshare_shortlist(other, shortlist),
        lambda: services.add_to_shortlist(other, shortlist, published[2]),
        lambda: services.remove_from_shortlist(other, shortlist, published[0].id),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_anonymous_visitors_are_sent_to_sign_in_for_named_shortlists(client, shortlist):
    for response in (client.get("/shortlists"), client.get(f"/shortlists/{shortlist.id}")):
        assert response.status_code == 302 and "/account/login" in response.location


# --- sharing -----------------------------------------------------------------------------------


def test_a_share_link_is_read_only_shows_no_owner_email_and_can_be_revoked(
    client, auth, official, shortlist, published
):
    a = published[0]
    services.add_to_shortlist(official, shortlist, a, "Our first choice")
    db.session.commit()
    auth.login(official)
    client.post(f"/shortlists/{shortlist.id}/share", data={"action": "share"})
    db.session.refresh(shortlist)
    token = shortlist.share_token
    assert token and len(token) >= 22  # 16 random bytes, URL-safe
    page = client.get(f"/shortlists/{shortlist.id}").get_data(as_text=True)
    assert f"http://localhost/shortlists/shared/{token}" in page
    auth.logout()

    response = client.get(f"/shortlists/shared/{token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "School options" in html and "Our first choice" in html
    assert official.email not in html and official.name not in html
    assert "<form" not in html.split("<main", 1)[1]  # nothing to change on the page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/shortlists/shared/{token}/export.csv").status_code == 200

    auth.login(official)
    client.post(f"/shortlists/{shortlist.id}/share", data={"action": "revoke"})
    auth.logout()
    assert client.get(f"/shortlists/shared/{token}").status_code == 404
    assert client.get(f"/shortlists/shared/{token}/export.jsonl").status_code == 404
    assert [e.details for e in events("shortlist.shared")] == [{"regenerated": False}]
    assert len(events("shortlist.unshared")) == 1
    assert all(token not in str(e.details) for e in db.session.scalars(select(AuditEvent)))


def test_a_new_link_replaces_the_old_one(official, shortlist, client):
    first = services.share_shortlist(official, shortlist)
    second = services.share_shortlist(official, shortlist)
    db.session.commit()
    assert first != second
    assert client.get(f"/shortlists/shared/{first}").status_code == 404
    assert client.get(f"/shortlists/shared/{second}").status_code == 200
    assert events("shortlist.shared")[-1].details == {"regenerated": True}


def test_a_deleted_shortlist_link_stops_working(official, shortlist, client):
    token = services.share_shortlist(official, shortlist)
    services.delete_shortlist(official, shortlist)
    db.session.commit()
    assert client.get(f"/shortlists/shared/{token}").status_code == 404


@pytest.mark.parametrize("token", ["nope", "x" * 65, "%00"])
def test_unknown_tokens_are_404(client, token):
    assert client.get(f"/shortlists/shared/{token}").status_code == 404


def test_a_bad_share_action_is_a_400(client, auth, official, shortlist):
    auth.login(official)
    response = client.post(f"/shortlists/{shortlist.id}/share", data={"action": "publish"})
    assert response.status_code == 400
    db.session.refresh(shortlist)
    assert shortlist.share_token is None


# --- the visitor's session shortlist -------------------------------------------------------------


def test_a_visitor_keeps_a_shortlist_in_the_session_then_saves_it_after_signing_in(
    client, auth, official, published
):
    a, b, _c = published
    html = client.get(f"/measures/{a.id}").get_data(as_text=True)
    assert 'action="/shortlists/session/items"' in html
    for m in (a, b):
        response = client.post(
            "/shortlists/session/items", data={"measure_id": m.id, "next": f"/measures/{m.id}"}
        )
        assert response.status_code == 303 and response.location.endswith(f"/measures/{m.id}")
    html = client.get(f"/measures/{a.id}").get_data(as_text=True)
    assert "Remove from shortlist" in html
    html = client.get("/shortlists/session").get_data(as_text=True)
    assert "Alpha school programme" in html and "Beta helpline" in html
    assert "Sign in</a> to save them" in html

    auth.login(official)  # signing in starts a fresh session: the list comes along
    with client.session_transaction() as session:
        assert session[SHORTLIST_KEY] == [a.id, b.id]
    assert "You have 2 measures on the shortlist kept in this browser" in client.get(
        "/shortlists"
    ).get_data(as_text=True)
    response = client.post("/shortlists/session/save", data={"name": ""})
    assert response.status_code == 400
    assert "Enter a name for the shortlist." in response.get_data(as_text=True)
    response = client.post("/shortlists/session/save", data={"name": "Saved from browsing"})
    assert response.status_code == 303
    saved = db.session.scalar(select(Shortlist))
    assert saved.owner_id == official.id and saved.name == "Saved from browsing"
    assert [i.measure_id for i in saved.items] == [a.id, b.id]
    with client.session_transaction() as session:
        assert not session.get(SHORTLIST_KEY)
    assert events("shortlist.created")[0].details == {"items": 2}


def test_a_failed_sign_in_keeps_the_session_lists_for_the_next_try(
    client, auth, official, published
):
    client.post("/shortlists/session/items", data={"measure_id": published[0].id})
    client.post("/account/login", data={"email": official.email, "password": "wrong"})
    auth.login(official)
    with client.session_transaction() as session:
        assert session[SHORTLIST_KEY] == [published[0].id]


def test_the_session_shortlist_removes_and_skips_unpublished_measures(client, owner, published):
    a = published[0]
    client.post("/shortlists/session/items", data={"measure_id": a.id})
    response = client.post(f"/shortlists/session/items/{a.id}/remove")
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert session[SHORTLIST_KEY] == []
    draft = make_measure(owner, title="Draft")
    assert (
        client.post("/shortlists/session/items", data={"measure_id": draft.id}).status_code == 404
    )


def test_the_session_shortlist_has_a_limit_with_a_clear_message(client, published):
    with client.session_transaction() as session:
        session[SHORTLIST_KEY] = list(range(10_000, 10_050))
    response = client.post(
        "/shortlists/session/items", data={"measure_id": published[0].id}, follow_redirects=True
    )
    assert "holds at most 50 measures" in response.get_data(as_text=True)


def test_saving_an_empty_session_list_stores_nothing(client, auth, official):
    auth.login(official)
    response = client.post(
        "/shortlists/session/save", data={"name": "Empty"}, follow_redirects=True
    )
    assert "there is nothing to save" in response.get_data(as_text=True)
    assert count(Shortlist) == 0


def test_the_header_links_to_the_right_shortlists_page(client, auth, official):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/shortlists/session">Shortlists</a>', html)
    auth.login(official)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/shortlists">Shortlists</a>', html)
    assert '<a href="/dashboard">Dashboard</a>' in html


def test_control_characters_are_dropped_and_a_name_of_only_those_is_refused(
    client, auth, official, shortlist, published
):
    auth.login(official)
    response = client.post("/shortlists", data={"name": "\x00\x07"})
    assert response.status_code == 400
    assert "Enter a name for the shortlist." in response.get_data(as_text=True)
    a = published[0]
    url = f"/shortlists/{shortlist.id}/items"
    assert (
        client.post(url, data={"measure_id": a.id, "note": "Line\x00one\ntwo"}).status_code == 303
    )
    db.session.expire_all()
    assert next(i for i in shortlist.items if i.measure_id == a.id).note == "Lineone\ntwo"
    assert count(Shortlist) == 1


def test_the_comparison_list_survives_a_two_factor_sign_in(client, official, published):
    from app.compare.session import COMPARE_KEY
    from tests.accounts.two_factor_helpers import enable_two_factor, sign_in_with_two_factor

    enable_two_factor(official)
    ids = [published[0].id, published[1].id]
    with client.session_transaction() as session:
        session[COMPARE_KEY] = ids

    response = sign_in_with_two_factor(client, official)

    assert response.status_code in (302, 303)
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{official.id}:")
        assert session[COMPARE_KEY] == ids
