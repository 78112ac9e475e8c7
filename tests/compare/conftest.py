"""Compare, shortlist and export fixtures."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests.browser.conftest import (  # noqa: F401  (the browser harness, for our browser test)
    browser_type_launch_args,
    checker,
    live_server,
)
from tests.conftest import make_measure, make_user, supported_evaluation


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER, organisation="Owner Org")


@pytest.fixture()
def official(app):
    return make_user(Role.OFFICIAL, organisation="Ministry")


@pytest.fixture()
def published(owner):
    """Three published measures that differ in some aspects and agree in others. Alpha's trial
    is appraised and has results, so it reaches level 4 under ruleset 2027.1."""
    a = make_measure(
        owner, publish=True, title="Alpha school programme", evaluations=[supported_evaluation()]
    )
    b = make_measure(
        owner,
        publish=True,
        title="Beta helpline",
        countries=["AT", "DE"],  # the same countries as Alpha, in another order
        target_groups=["parents_carers"],
        cost_level="low",
    )
    c = make_measure(owner, publish=True, title="Gamma campaign", countries=["FR"])
    return [a, b, c]
