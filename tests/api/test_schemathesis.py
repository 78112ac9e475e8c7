"""Schemathesis against the app: every operation of /api/v1/openapi.json, anonymously and with a
token of each scope, must answer no server error and nothing the document does not describe.

Bounded for the normal suite (SQLite and PostgreSQL): a few examples per operation, no
deadline. The data is real: published measures, a draft, a submitted measure, a review and a
shared shortlist, so the generated requests reach the views' real paths, not only 404s.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.accounts.models import Role
from app.api.openapi import openapi_document
from app.compare.services import create_shortlist, share_shortlist
from app.core.extensions import db
from app.measures.services import submit_measure
from app.reviews.services import ReviewData, create_review
from tests.api.conftest import bearer, make_token
from tests.conftest import make_measure, make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SCOPES = ("anonymous", "read", "write", "moderate")


@pytest.fixture()
def seeded(app):
    """A small world of every kind of object the API serves; returns the tokens by scope."""
    owner = make_user(Role.PRACTITIONER, organisation="Owner Org")
    reviewer = make_user(Role.OFFICIAL, organisation="Ministry")
    moderator = make_user(Role.MODERATOR, organisation="Hub")
    published = [make_measure(owner, publish=True, title=f"Published {n}") for n in range(3)]
    make_measure(owner, title="A draft")
    submit_measure(owner, make_measure(owner, title="Waiting for a decision"))
    review = ReviewData(4, 3, 4, 5, True, "DE", 2020, "Worked well in our schools.")
    create_review(reviewer, published[0], review)
    shortlist = create_shortlist(reviewer, "For the ministry", published[:2])
    share_shortlist(reviewer, shortlist)
    db.session.commit()
    return {
        "anonymous": {},
        "read": bearer(make_token(reviewer, "read")),
        "write": bearer(make_token(owner, "write")),
        "moderate": bearer(make_token(moderator, "moderate")),
    }


# The document is plain data built from the code (no request or database needed), so it
# loads at collection time and each operation becomes its own test.
# The coverage phase walks every enum value (249 countries…): too long for the normal suite,
# so the cases come from the fuzzing phase, bounded by max_examples.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same requests every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_the_openapi_document(app, seeded, case):
    for scope in SCOPES:
        case.call_and_validate(app=app, headers=seeded[scope], checks=CHECKS)
