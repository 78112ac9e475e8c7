"""Dashboard and feed fixtures: a small repository with known numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from app.core.extensions import db
from tests.browser.conftest import (  # noqa: F401  (the browser harness, for our browser test)
    browser_type_launch_args,
    checker,
    live_server,
)
from tests.conftest import make_measure, make_user, supported_evaluation

NO_EVIDENCE: list[dict[str, Any]] = []
LOW_STUDY = [
    {
        "design": "pre_post",
        "year": 2020,
        "effect": "positive",
        "findings": "Knowledge rose.",
        "outcomes": ["knowledge"],
        "citation": "Report 2020",
    }
]


@dataclass
class Repository:
    measures: dict[str, Any]


@pytest.fixture()
def repository(app) -> Repository:
    """Published: DE+AT level 4 (children), DE level 0 (parents), FR level 2 (children and
    professionals, secondary). Not published: a draft in DE that must never count."""
    owner = make_user()
    m = {
        # Level 4 under ruleset 2027.1: an appraised trial with results per outcome.
        "de_at_4": make_measure(
            owner, publish=True, title="Safe schools", evaluations=[supported_evaluation()]
        ),
        "de_0": make_measure(
            owner,
            publish=True,
            title="Parents evenings",
            countries=["DE"],
            target_groups=["parents_carers"],
            evaluations=NO_EVIDENCE,
        ),
        "fr_2": make_measure(
            owner,
            publish=True,
            title="Clinic pathway",
            countries=["FR"],
            prevention_level="secondary",
            target_groups=["children", "professionals"],
            evaluations=LOW_STUDY,
        ),
        "draft": make_measure(owner, title="Draft in Germany", countries=["DE"]),
    }
    # Known publication times, oldest first, so "newest" has a definite order.
    for i, key in enumerate(("de_at_4", "de_0", "fr_2")):
        m[key].published_at = datetime(2025, 1, 1 + i, 12, 0)
    db.session.commit()
    return Repository(m)
