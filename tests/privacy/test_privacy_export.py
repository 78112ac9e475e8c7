"""Downloading everything held about oneself: every kind of data is there, no secret is."""

from __future__ import annotations

import json

from tests.privacy.conftest import sign_in


def _export(client, user) -> tuple[dict, object]:
    sign_in(client, user)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True)), response


def test_export_is_a_json_download_kept_out_of_caches(client, people):
    _data, response = _export(client, people.person)
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_export_holds_the_profile(client, people):
    data, _ = _export(client, people.person)
    profile = data["profile"]
    assert profile["email"] == people.person.email
    assert profile["name"] == people.person.name
    assert profile["organisation"] == "Person Org"
    assert profile["country"] == "NL"
    assert profile["role"] == "practitioner"
    assert data["format"] == "prevent-hub-personal-data/1"


def test_export_holds_measures_revisions_and_evaluations(client, people):
    data, _ = _export(client, people.person)
    owned = {m["id"]: m["status"] for m in data["measures_owned"]}
    assert owned == {
        people.draft.id: "draft",
        people.shared_draft.id: "submitted",
        people.own_published.id: "published",
    }
    titles = {r["record"]["title"] for r in data["revisions_written"]}
    assert {"Person draft", "Person published", "Person published, edited"} <= titles
    evaluation = data["revisions_written"][0]["record"]["evaluations"][0]
    assert evaluation["findings"].startswith("Children in the programme")


def test_export_holds_uploaded_reports_by_name_and_digest(client, people):
    data, _ = _export(client, people.person)
    reports = {(r["measure_id"], r["sha256"]) for r in data["reports_uploaded"]}
    assert (people.draft.id, people.private_report.sha256) in reports
    assert (people.shared_draft.id, people.shared_report.sha256) in reports
    assert all(r["filename"].endswith(".pdf") for r in data["reports_uploaded"])


def test_export_holds_reviews_with_their_earlier_versions(client, people):
    data, _ = _export(client, people.person)
    [review] = data["reviews"]
    assert review["measure_id"] == people.others_published.id
    assert review["comment"] == "Second thoughts of the person."
    assert review["scores"] == {"effectiveness": 2, "ease": 2, "transferability": 2, "value": 2}
    [earlier] = review["earlier_versions"]
    assert earlier["comment"] == "First thoughts of the person."
    assert earlier["scores"]["value"] == 5
    # Only the person's own review: the third person's review is theirs.
    assert "Third's view." not in json.dumps(data)


def test_export_holds_shortlists_notifications_and_two_factor_state(client, people):
    data, _ = _export(client, people.person)
    [shortlist] = data["shortlists"]
    assert shortlist["name"] == "Person's list"
    assert shortlist["shared_by_link"] is True
    assert shortlist["items"] == [
        {
            "measure_id": people.others_published.id,
            "note": "Note of the person.",
            "added_at": shortlist["items"][0]["added_at"],
        }
    ]
    assert [n["message"] for n in data["notifications"]] == ["Your measure was published."]
    assert data["two_factor"]["enabled"] is True
    assert data["two_factor"]["unused_recovery_codes"] == 1
    [token] = data["api_tokens"]
    assert (token["name"], token["scope"]) == ("Person's script", "write")
    assert token["revoked_at"] is None


def test_export_holds_audit_events_by_and_about_the_person(client, people):
    data, _ = _export(client, people.person)
    events = {(e["action"], e["by_you"]) for e in data["audit_events"]}
    assert ("measure.created", True) in events
    assert ("review.updated", True) in events
    assert ("user.approved", False) in events  # done to the account by an admin
    assert all(
        e["by_you"] or (e["object_type"], e["object_id"]) == ("user", people.person.id)
        for e in data["audit_events"]
    )


def test_export_never_contains_a_secret(client, people):
    person = people.person
    _data, response = _export(client, person)
    text = response.get_data(as_text=True)
    assert person.password_hash not in text
    assert "$argon2" not in text
    assert "JBSWY3DPEHPK3PXP" not in text  # the two-factor key
    assert "a" * 64 not in text  # a recovery code's hash
    assert people.shortlist.share_token not in text
    assert people.token_secret not in text
    assert people.token.token_hash not in text


def test_export_is_only_ever_of_the_signed_in_person(client, people):
    data, _ = _export(client, people.other)
    assert data["profile"]["email"] == people.other.email
    assert people.person.email not in json.dumps(data)
    assert "Person's list" not in json.dumps(data)


def test_export_needs_a_signed_in_person(client, people):
    response = client.get("/account/data.json")
    assert response.status_code == 302
    assert "/account/login" in response.location
