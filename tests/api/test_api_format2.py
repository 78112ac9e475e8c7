"""Record format 2 in the JSON API: the measure body answers and accepts every new key, the
evidence of ruleset 2027.1 with it, and the OpenAPI document describes them from the model."""

from __future__ import annotations

import pytest

from app.records.model import Contact, Evaluation, ExternalRating, MeasureRecord, Reference, Result
from app.records.schema import RecordInvalid, validate_record
from tests.api.conftest import assert_problem
from tests.conftest import format2_record, make_measure, sample_record


def _record_part(body: dict) -> dict:
    """The record keys of a measure body, as the record format names them."""
    out = {k: v for k, v in body.items() if k in MeasureRecord.model_fields}
    if "programme_status" in body:
        out["status"] = body["programme_status"]
    return out


def test_put_stores_every_new_key_and_get_answers_them(client, owner, write):
    measure = make_measure(owner)
    record = format2_record()
    response = client.put(f"/api/v1/measures/{measure.id}", json=record, headers=write)
    assert response.status_code == 200, response.get_json()
    body = client.get(f"/api/v1/measures/{measure.id}", headers=write).get_json()
    # A measure created without an external_id has been given a stable one, which stays.
    assert _record_part(body) == {
        **validate_record(record),
        "external_id": f"prevent-hub-{measure.id}",
    }
    assert body["evaluations"][1]["results"][0] == record["evaluations"][1]["results"][0]
    assert body["contacts"] == record["contacts"]
    # Ruleset 2027.1: a high-rated trial with a favourable disclosure finding at 12 months.
    assert (body["evidence_level"], body["evidence_label"]) == (4, "Supported")
    assert body["evidence_ruleset"] == "2027.1"
    assert body["evidence_provisional"] is True  # no second moderator has verified it
    assert body["harm_flag"] is False
    assert {"EU-tested", "Tested in several countries"} <= set(body["badges"])
    explanation = body["evidence_explanation"]
    assert explanation["rule"] == "supported"
    assert [s["rating"] for s in explanation["study_ratings"]] == ["high", "high", "high"]
    assert [s["sample"] for s in explanation["study_ratings"]] == [1, 1, 2]


def test_a_body_read_from_get_goes_back_with_put_unchanged(client, owner, write):
    measure = make_measure(owner, **format2_record())
    body = client.get(f"/api/v1/measures/{measure.id}", headers=write).get_json()
    response = client.put(f"/api/v1/measures/{measure.id}", json=body, headers=write)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == body  # the draft it saved shows the same record and level


def test_patch_adds_results_and_drops_the_effect(client, owner, write):
    measure = make_measure(owner)
    evaluation = dict(sample_record()["evaluations"][0])
    del evaluation["effect"]
    evaluation.update(
        differential_attrition_pct=2,
        baseline_equivalence="established",
        results=[{"outcome": "disclosure", "timepoint_months": 6, "direction": "favourable"}],
    )
    response = client.patch(
        f"/api/v1/measures/{measure.id}",
        json={"evaluations": [evaluation], "licence": "open", "population_level": "universal"},
        headers=write,
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert "effect" not in body["evaluations"][0]
    assert body["evaluations"][0]["results"][0]["direction"] == "favourable"
    assert (body["licence"], body["population_level"]) == ("open", "universal")
    assert body["evidence_level"] == 4


def test_bad_new_keys_get_the_same_messages_as_the_import(client, owner, write):
    record = format2_record(unit_cost_per=None, contacts=[{"role": "developer", "name": "X"}])
    record["evaluations"][1]["results"][1]["outcome"] = "recidivism"
    record["evaluations"][0]["doi"] = "doi:10.1111/x"
    response = client.post("/api/v1/measures", json=record, headers=write)
    body = assert_problem(response, 422)
    with pytest.raises(RecordInvalid) as same_path:
        validate_record(record)
    assert body["errors"] == [
        {"field": e.key, "message": e.message} for e in same_path.value.errors
    ]
    assert {e["field"] for e in body["errors"]} == {
        "evaluations[0].doi",
        "evaluations[1].results[1].outcome",
        "contacts[0]",
        "unit_cost_per",
    }


def test_the_openapi_document_takes_the_new_keys_from_the_model(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for model in (MeasureRecord, Evaluation, Result, Contact, ExternalRating, Reference):
        name = model.__name__
        assert set(schemas[name]["properties"]) == set(model.model_fields), name
        assert schemas[name]["additionalProperties"] is False, name
    evaluation = schemas["Evaluation"]
    assert evaluation["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Result"}
    assert evaluation["properties"]["doi"]["pattern"] == r"^10\.\d{4,9}/\S+$"
    assert "effect" not in evaluation["required"]
    assert evaluation["anyOf"] == [{"required": ["effect"]}, {"required": ["results"]}]
    assert schemas["Result"]["dependentRequired"]["ci_low"] == ["ci_high"]
    assert schemas["MeasureRecord"]["dependentRequired"]["unit_cost_eur"] == [
        "unit_cost_per",
        "cost_price_year",
    ]
    measure = schemas["Measure"]["properties"]
    for key in ("evidence_ruleset", "evidence_provisional", "summary_en", "contacts"):
        assert key in measure, key
