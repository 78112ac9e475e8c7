"""The low findings of issue 15, each as the attack that showed it."""

from __future__ import annotations

import pytest
from flask import g

from app.accounts.models import Role
from tests.conftest import make_measure, make_user

HUGE_PAGE = str(10**20)


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/measures/１２/revisions",  # full-width digits
        "/api/v1/measures/١٢",  # Arabic-Indic digits
        "/measures/１２",
        "/moderation/measures/１２",
    ],
)
def test_non_ascii_digits_in_a_path_are_not_found(app, client, path):
    make_measure(make_user(), publish=True)
    answer = client.get(path)
    assert answer.status_code in (302, 404)  # a page for signed-in people redirects first
    for value in answer.headers.values():
        assert value.isascii()


def test_link_headers_stay_ascii(app, client):
    measure = make_measure(make_user(), publish=True)
    answer = client.get(f"/api/v1/measures/{measure.id}/revisions?page=１")
    assert answer.status_code == 400
    assert all(value.isascii() for value in answer.headers.values())


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/audit",
        "/moderation/",
        "/moderation/expert-review",
        "/account/users",
        "/measures/",
        "/api/v1/measures",
        "/api/v1/measures/1/revisions",
        "/search",
        "/api/v1/search",
    ],
)
@pytest.mark.parametrize("page", [HUGE_PAGE, "-1", "x", "１"])
def test_a_huge_or_bad_page_number_is_a_400_never_a_500(app, client, path, page):
    admin = make_user(Role.ADMIN)
    _sign_in(client, admin)
    answer = client.get(f"{path}?page={page}&q=school")
    assert answer.status_code in (400, 404), (path, page, answer.status_code)


def test_signed_in_pages_are_not_cached(app, client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    _sign_in(client, make_user())
    for path in ("/", "/account/", "/measures/mine"):
        answer = client.get(path)
        assert "no-store" in answer.headers.get("Cache-Control", ""), path
    assert "no-store" not in client.get("/static/site.css").headers.get("Cache-Control", "")


def test_csv_names_its_charset_once(app, client):
    measure = make_measure(make_user(), publish=True)
    answer = client.get(f"/export/search.csv?ids={measure.id}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
