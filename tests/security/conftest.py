"""An app in the production configuration, on the test database, for header and cookie tests."""

from __future__ import annotations

import pytest
from flask import abort

from app import create_app
from app.core.security import public
from config import ProductionConfig
from tests.conftest import FreshUserClient

PRODUCTION_SECRET = "a-long-random-production-secret-for-tests"
# What the deployed configurations start in the background, run in the request or not at all
# here: a thread cannot share the test's connection (report texts), and an index keeper would
# outlive the test on the suite's index (tests/search/test_self_heal.py tests it).
IN_THE_FOREGROUND = {"REPORT_TEXT_IN_BACKGROUND": False, "SEARCH_KEEPER": False}


@pytest.fixture()
def prod_app(app, app_config, monkeypatch):
    """create_app("production") as APP_CONFIG=production builds it, with a real secret.

    Two extra public routes give a server error (500) and a refusal (403) to look at; they
    are added to this app only, never to the app the route table checks.
    """
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", PRODUCTION_SECRET)
    production = create_app("production", {**app_config, **IN_THE_FOREGROUND})
    production.test_client_class = FreshUserClient

    @public
    def crash():
        raise RuntimeError("a bug")

    @public
    def forbidden():
        abort(403)

    production.add_url_rule("/_test/crash", "test_crash", crash)
    production.add_url_rule("/_test/forbidden", "test_forbidden", forbidden)
    with production.app_context():
        yield production


@pytest.fixture()
def prod_client(prod_app):
    return prod_app.test_client()


@pytest.fixture()
def dev_client(app, app_config):
    """create_app("development"): what `make run` serves."""
    development = create_app("development", {**app_config, **IN_THE_FOREGROUND})
    development.test_client_class = FreshUserClient
    with development.app_context():
        yield development.test_client()
