"""Pages still render a record format 2 measure sensibly until their redesign: the measure page
and the moderator's diff of an edit."""

from __future__ import annotations

from app.core.extensions import db
from app.measures.services import submit_measure, update_measure
from app.records.schema import validate_record
from tests.conftest import format2_record, make_measure, make_user


def test_the_measure_page_shows_results_the_ruleset_and_that_the_level_is_provisional(client):
    measure = make_measure(make_user(), publish=True, **format2_record())
    html = client.get(f"/measures/{measure.id}").text
    assert "Level 4 of 5 · Supported" in html
    assert "a second moderator has not yet checked the figures" in html
    assert "Rated under ruleset 2027.1 since" in html
    assert "24 months after the programme" in html and "0.004" in html


def test_the_moderators_diff_names_changed_contacts_and_evaluations(
    client, login, owner, moderator
):
    measure = make_measure(owner, publish=True, **format2_record())
    record = format2_record(contacts=format2_record()["contacts"][:1])
    record["evaluations"][1]["results"][0]["p_value"] = 0.001
    update_measure(owner, measure, validate_record(record))
    submit_measure(owner, measure)
    db.session.commit()
    login(moderator)
    html = client.get(f"/moderation/measures/{measure.id}").text
    assert "Removed:</span> Role: Evaluator; Name: University of Example" in html
    assert "Changed: Randomised controlled trial, 2021, Germany" in html
