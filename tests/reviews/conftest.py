"""Review test helpers: people from other organisations, a published measure, review data."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import g

from app.accounts.models import Role
from app.core.extensions import db
from app.reviews.services import ReviewData, create_review
from tests.browser.conftest import (  # noqa: F401  (the browser harness, for our browser test)
    browser_type_launch_args,
    checker,
    live_server,
)
from tests.conftest import make_measure, make_user

GOOD_COMMENT = "We ran it in four schools; teachers found the sessions easy to deliver."


def sign_in(client, user) -> None:
    """Flask-Login's session keys, without going through the sign-in form (tested elsewhere)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)  # the test's app context outlives each request


def review_data(**overrides: Any) -> ReviewData:
    values: dict[str, Any] = {
        "effectiveness": 4,
        "ease": 3,
        "transferability": 4,
        "value": 5,
        "implemented": False,
        "implemented_country": None,
        "implemented_year": None,
        "comment": GOOD_COMMENT,
    }
    values.update(overrides)
    return ReviewData(**values)


def form_post(**overrides: Any) -> dict[str, Any]:
    """A complete, valid review form post; None removes a key."""
    data: dict[str, Any] = {
        "effectiveness": "4",
        "ease": "3",
        "transferability": "4",
        "value": "5",
        "implemented_country": "",
        "implemented_year": "",
        "comment": GOOD_COMMENT,
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def reviewer(role: Role = Role.PRACTITIONER, organisation: str | None = None, **kwargs: Any):
    """A user from an organisation of their own (never the measure's "Org A")."""
    return make_user(role, organisation=organisation or f"Org {uuid.uuid4().hex[:8]}", **kwargs)


def scores(value: int) -> dict[str, int]:
    return dict.fromkeys(("effectiveness", "ease", "transferability", "value"), value)


def add_review(user, measure, **overrides: Any):
    review = create_review(user, measure, review_data(**overrides))
    db.session.commit()
    return review


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER, organisation="Org A")


@pytest.fixture()
def measure(owner):
    return make_measure(owner, publish=True)


@pytest.fixture()
def practitioner(app):
    return reviewer(Role.PRACTITIONER, organisation="Other Org")


@pytest.fixture()
def official(app):
    return reviewer(Role.OFFICIAL, organisation="Ministry of Health")


@pytest.fixture()
def moderator(app):
    return make_user(Role.MODERATOR, organisation="Hub")
