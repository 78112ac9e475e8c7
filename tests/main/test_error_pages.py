"""Error pages in the site's style and words (issue 14): no framework stock text, a way on, the
right status; and /favicon.ico, which every browser asks for."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from app.core.security import public


def test_an_unknown_address_answers_a_helpful_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html
    assert NotFound.description not in html  # Werkzeug's own text
    assert "check you copied the entire address" in html
    assert 'action="/search"' in html and 'id="error-search-q"' in html
    assert 'href="/measures/"' in html and "site-footer" in html  # the site's own layout


def test_a_view_s_own_404_message_is_shown_instead_of_the_general_advice(client):
    html = client.get("/shortlists/shared/not-a-token").get_data(as_text=True)
    assert "This share link does not work" in html
    assert "check you copied the entire address" not in html


@pytest.fixture()
def failing_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom-for-test")
    @public
    def boom():
        raise RuntimeError("a bug")

    return app


def test_an_unexpected_error_answers_the_500_page_not_a_traceback(failing_app):
    response = failing_app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "RuntimeError" not in html and "a bug" not in html
    assert "check whether your change was saved" in html


def test_the_favicon_is_served_where_browsers_look(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's magic number
