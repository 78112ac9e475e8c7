"""Costly searches are refused or stopped, wherever they come in (issue 15): a query past the
parser's bounds answers 400 naming the limit on the page, the API and the exports; a search
past its time budget answers 503; an address past its rate answers 429."""

from __future__ import annotations

import click
import pytest
from flask.cli import FlaskGroup, run_command

from app.compare.views import EXPORT_RATE_LIMIT
from app.search import WARMING
from app.search.concept_match import VOCABULARY_CACHES
from app.search.query import MAX_QUERY_DEPTH, MAX_QUERY_TERMS
from tests.conftest import make_user
from tests.search.conftest import text_measure

SUMMARY = "A prevention programme described here for the tests, long enough to be valid."
TOO_DEEP = f"A search can nest brackets at most {MAX_QUERY_DEPTH} levels deep."
TOO_MANY = f"A search can have at most {MAX_QUERY_TERMS} words and phrases."
# The attacks of the issue: each raised RecursionError (a 500 and 123 KB of log).
ATTACKS = [
    pytest.param("(" * 195 + "a", TOO_DEEP, id="195 brackets"),
    pytest.param("-(" * 166, TOO_DEEP, id="166 negated brackets"),
    pytest.param(" ".join(f"word{i}" for i in range(55)), TOO_MANY, id="55 words"),
]


@pytest.mark.parametrize(("q", "message"), ATTACKS)
def test_the_search_page_answers_400_naming_the_limit(client, q, message):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<a href="#search-q">{message}</a>' in html
    assert f'<p class="error-message" id="search-q-error">{message}</p>' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(("q", "message"), ATTACKS)
@pytest.mark.parametrize("path", ["/api/v1/search", "/api/v1/measures"])
def test_the_api_answers_a_problem_naming_q_and_the_limit(client, q, message, path):
    response = client.get(path, query_string={"q": q})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["errors"] == [{"field": "q", "message": message}]
    assert problem["detail"] == f"q: {message}"


@pytest.mark.parametrize(("q", "message"), ATTACKS)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_exports_answer_400_naming_the_limit(client, q, message, fmt):
    response = client.get(f"/export/search.{fmt}", query_string={"q": q})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == f"Bad search parameter q: {message}\n"


def test_a_search_past_its_time_budget_is_stopped_with_a_503(client, app, monkeypatch):
    text_measure(make_user(), "Lighthouse mentoring scheme", SUMMARY)
    assert client.get("/search?q=lighthouse").status_code == 200
    monkeypatch.setitem(app.config, "SEARCH_TIME_BUDGET", 0)  # spent before it starts
    page = client.get("/search?q=lighthouse")
    assert page.status_code == 503
    assert "This search took too long to answer" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) > 0
    api = client.get("/api/v1/search?q=lighthouse")
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.get_json()["detail"].startswith("This search took too long to answer")
    assert client.get("/export/search.csv?q=lighthouse").status_code == 503


def test_the_search_page_answers_429_past_its_rate_per_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.get("/search?q=lighthouse").status_code == 200
    refused = client.get("/search?q=lighthouse")
    assert refused.status_code == 429
    assert "Too many searches from your network" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    other = client.get("/search", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200  # another address has its own budget


def test_the_exports_answer_429_past_their_rate_per_address(client):
    allowed = int(EXPORT_RATE_LIMIT.split()[0])
    for i in range(allowed):
        fmt = "csv" if i % 2 else "jsonl"
        assert client.get(f"/export/search.{fmt}?q=lighthouse").status_code == 200
    assert client.get("/export/search.csv?q=lighthouse").status_code == 429
    assert client.get("/export/search.jsonl?q=lighthouse").status_code == 429


def test_the_first_search_of_a_process_is_not_stopped_for_building_the_vocabulary(
    client, app, monkeypatch
):
    # Building the concept vocabulary's tables takes longer than the default budget of 1 s;
    # it happens before the budget starts.
    text_measure(make_user(), "Lighthouse mentoring scheme", SUMMARY)
    for cache in VOCABULARY_CACHES:
        cache.cache_clear()
    monkeypatch.setitem(app.config, "SEARCH_TIME_BUDGET", 1.0)
    assert client.get("/api/v1/search?q=lighthouse").status_code == 200
    assert all(cache.cache_info().currsize for cache in VOCABULARY_CACHES)


def _created_under(make_app, command: click.Command, reload: bool = False):
    """An app created as `flask <command>` creates it (init_search reads click's context)."""
    parent = click.Context(FlaskGroup(), info_name="flask")
    with parent, click.Context(command, parent=parent, info_name=command.name) as ctx:
        ctx.params["reload"] = reload
        return make_app()


def test_flask_run_builds_the_vocabulary_as_it_starts_not_on_the_first_search(make_app):
    # Several seconds of work, which the first search of `make run` waited for (before its
    # time budget starts). gunicorn's master builds them before it forks (app/deploy.py).
    for cache in VOCABULARY_CACHES:
        cache.cache_clear()
    app = _created_under(make_app, run_command)
    app.extensions[WARMING].join()
    assert all(cache.cache_info().currsize for cache in VOCABULARY_CACHES)


@pytest.mark.parametrize(
    ("command", "reload"),
    [
        pytest.param(click.Command("upgrade"), False, id="another command"),
        pytest.param(run_command, True, id="the reloader's watching process"),
    ],
)
def test_processes_that_do_not_serve_leave_the_vocabulary_to_a_search(make_app, command, reload):
    assert WARMING not in _created_under(make_app, command, reload).extensions
