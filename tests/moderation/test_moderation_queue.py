"""The moderation queue and the expert-review list: what they hold, their filters and order."""

from __future__ import annotations

import copy

import pytest

from app.core.extensions import db
from app.moderation import views
from app.moderation.services import (
    QueueFilters,
    expert_review_select,
    flag_evidence,
    publish_measure,
    queue_select,
    reject_measure,
)
from tests.conftest import make_measure, sample_record
from tests.moderation.factories import submitted_edit, submitted_measure


def _titles(moderator, **filters):
    stmt = queue_select(moderator, QueueFilters(**filters))
    return [revision.title for revision in db.session.scalars(stmt).unique()]


@pytest.fixture()
def mixed(app, owner, moderator):
    """One measure in each state, plus an edit of a published measure waiting for a decision."""
    make_measure(owner, title="Draft measure")
    submitted_measure(owner, title="New submission", days_ago=3)
    make_measure(owner, publish=True, title="Published measure")
    edited = make_measure(owner, publish=True, title="Edited measure")
    submitted_edit(owner, edited, title="Edited measure, second edition", days_ago=10)
    rejected = submitted_measure(owner, title="Rejected measure")
    reject_measure(moderator, rejected, "Out of scope.")
    archived = make_measure(owner, publish=True, title="Archived measure")
    from app.moderation.services import archive_measure

    archive_measure(moderator, archived, "Ended.")
    db.session.commit()


def test_the_queue_shows_new_submissions_and_edits_oldest_first(mixed, moderator):
    assert _titles(moderator) == ["Edited measure, second edition", "New submission"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("submitted", {"Edited measure, second edition", "New submission"}),
        ("draft", {"Draft measure"}),
        ("published", {"Published measure", "Edited measure, second edition"}),
        ("rejected", {"Rejected measure"}),
        ("archived", {"Archived measure"}),
        (
            "all",
            {
                "Draft measure",
                "New submission",
                "Published measure",
                "Edited measure, second edition",
                "Rejected measure",
                "Archived measure",
            },
        ),
    ],
)
def test_the_queue_filters_by_state(mixed, moderator, state, expected):
    assert set(_titles(moderator, state=state)) == expected


def test_the_queue_filters_by_country_of_the_revision_under_review(app, owner, moderator):
    submitted_measure(owner, title="German and Austrian", countries=["DE", "AT"])
    submitted_measure(owner, title="French", countries=["FR"])
    published = make_measure(owner, publish=True, title="Moved to Poland", countries=["DE"])
    submitted_edit(owner, published, title="Moved to Poland", countries=["PL"])

    assert _titles(moderator, country="FR") == ["French"]
    assert _titles(moderator, country="AT") == ["German and Austrian"]
    # The edit is judged by what it says now, not by the published revision.
    assert _titles(moderator, country="PL") == ["Moved to Poland"]
    assert _titles(moderator, country="DE") == ["German and Austrian"]
    assert _titles(moderator, country="SE") == []


def test_the_queue_filters_by_age_of_submission(app, owner, moderator):
    submitted_measure(owner, title="Two months old", days_ago=60)
    submitted_measure(owner, title="Ten days old", days_ago=10)
    submitted_measure(owner, title="Fresh")
    assert _titles(moderator) == ["Two months old", "Ten days old", "Fresh"]
    assert _titles(moderator, older_than_days=7) == ["Two months old", "Ten days old"]
    assert _titles(moderator, older_than_days=30) == ["Two months old"]
    assert _titles(moderator, older_than_days=90) == []


def test_filters_combine(app, owner, moderator):
    submitted_measure(owner, title="Old French", countries=["FR"], days_ago=40)
    submitted_measure(owner, title="New French", countries=["FR"], days_ago=1)
    submitted_measure(owner, title="Old German", countries=["DE"], days_ago=40)
    assert _titles(moderator, country="FR", older_than_days=30) == ["Old French"]


def test_queue_page_shows_who_what_where_and_how_old(client, login, owner, moderator):
    submitted_measure(owner, title="New submission", countries=["FR"], days_ago=12)
    edited = make_measure(owner, publish=True, title="Edited measure")
    submitted_edit(owner, edited, title="Edited measure, second edition", days_ago=2)
    login(moderator)
    response = client.get("/moderation/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("New submission") < html.index("Edited measure, second edition")
    assert "owner@example.org" in html and "Org A" in html
    assert "France" in html
    assert "12 days ago" in html and "2 days ago" in html
    assert "New measure" in html and "Edit of a published measure" in html
    assert f"Level {edited.working_revision.evidence_level}" in html
    assert f'href="/moderation/measures/{edited.id}"' in html
    # The filter form has a label for every control.
    for name in ("state", "country", "older_than"):
        assert f'for="{name}"' in html


def test_queue_page_applies_the_filters_from_the_url(client, login, owner, moderator):
    submitted_measure(owner, title="Old French", countries=["FR"], days_ago=40)
    submitted_measure(owner, title="New German", countries=["DE"], days_ago=1)
    login(moderator)
    html = client.get("/moderation/?state=submitted&country=FR&older_than=30").get_data(True)
    assert "Old French" in html and "New German" not in html
    html = client.get("/moderation/?state=all&country=SE").get_data(True)
    assert "No measures match these filters." in html


@pytest.mark.parametrize(
    "query", ["state=limbo", "country=XX", "country=de%27--", "older_than=5", "older_than=abc"]
)
def test_queue_refuses_unknown_filter_values_with_a_message(client, login, moderator, query):
    login(moderator)
    response = client.get(f"/moderation/?{query}")
    assert response.status_code == 400
    assert "Choose one of the listed options." in response.get_data(as_text=True)


def test_queue_is_paginated_and_keeps_the_filters(client, login, owner, moderator, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for days in (50, 40, 30, 20, 10):
        submitted_measure(owner, title=f"Submitted {days} days ago", days_ago=days)
    login(moderator)
    first = client.get("/moderation/?older_than=7").get_data(as_text=True)
    assert "Submitted 50 days ago" in first and "Submitted 30 days ago" not in first
    assert "Page 1 of 3" in first
    assert "/moderation/?page=2&amp;older_than=7" in first
    third = client.get("/moderation/?older_than=7&page=3").get_data(as_text=True)
    assert "Submitted 10 days ago" in third and "Submitted 50 days ago" not in third
    beyond = client.get("/moderation/?page=99")
    assert beyond.status_code == 200


# --- expert review -----------------------------------------------------------------------------


def _harmful_record():
    evaluation = copy.deepcopy(sample_record()["evaluations"][0])
    evaluation["effect"] = "negative"
    return {"evaluations": [evaluation]}


def test_expert_review_lists_harm_flagged_and_moderator_flagged_measures(app, owner, moderator):
    harmful = make_measure(owner, publish=True, title="Harmful", **_harmful_record())
    flagged = make_measure(owner, publish=True, title="Flagged")
    flag_evidence(moderator, flagged, "Check attrition.")
    make_measure(owner, publish=True, title="Plain")
    make_measure(owner, title="Harmful draft", **_harmful_record())
    edited = make_measure(owner, publish=True, title="Edit turns harmful")
    submitted_edit(owner, edited, title="Edit turns harmful", **_harmful_record())
    db.session.commit()

    measures = list(db.session.scalars(expert_review_select(moderator)).unique())
    assert harmful.harm_flag
    assert {m.id for m in measures} == {harmful.id, flagged.id, edited.id}


def test_expert_review_page_shows_why_a_measure_is_listed(client, login, owner, moderator):
    harmful = submitted_measure(owner, title="Harmful", **_harmful_record())
    publish_measure(moderator, harmful, "Published; harm signal noted.")
    flagged = make_measure(owner, publish=True, title="Flagged")
    flag_evidence(moderator, flagged, "Check attrition.")
    db.session.commit()
    login(moderator)
    html = client.get("/moderation/expert-review").get_data(as_text=True)
    assert "Harmful" in html and "Flagged" in html
    assert "Harm signal" in html
    assert "Flagged by a moderator" in html
