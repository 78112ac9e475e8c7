"""The OpenAPI document describes exactly the API that is served, and the docs page shows it."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest
import schemathesis

from app.api.openapi import API_PREFIX, openapi_document
from app.records import vocab
from app.records.model import MeasureRecord, required_keys
from app.records.schema import RECORD_KEYS
from tests.conftest import sample_record

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX + "/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(API_PREFIX))
            for method in sorted(rule.methods - IGNORED_METHODS):
                yield rule, path, method.lower()


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(document).validate()  # the OpenAPI 3.1 meta-schema


def test_every_api_route_is_described_with_its_scope(app):
    document = openapi_document()
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    served = set()
    for rule, path, method in _api_rules(app):
        served.add((path, method))
        operation = document["paths"].get(path, {}).get(method)
        assert operation is not None, f"{method.upper()} {rule.rule} is not in the document"
        assert operation["operationId"] == rule.endpoint.rsplit(".", 1)[-1]
        view = app.view_functions[rule.endpoint]
        scope = getattr(view, "_api_scope", None)
        assert operation["x-required-scope"] == scope, rule.endpoint
        if scope:
            assert operation["security"] == [{"bearerAuth": [scope]}]
        else:
            assert {} in operation["security"]  # anonymous callers are welcome
    assert described == served  # and nothing is described that is not served


def test_every_operation_answers_its_errors_as_problem_details():
    document = openapi_document()
    problems = document["components"]["responses"]
    for status in (400, 401, 403, 404, 409, 413, 415, 422, 429):
        content = problems[f"Problem{status}"]["content"]
        assert list(content) == ["application/problem+json"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"400", "401", "429"} <= set(responses), f"{method} {path}"
            if operation["x-required-scope"]:
                assert "403" in responses
            if "requestBody" in operation:
                assert {"413", "415", "422"} <= set(responses), f"{method} {path}"
            if "{" in path:
                assert "404" in responses, f"{method} {path}"


def test_rate_limit_link_and_etag_headers_are_described():
    document = openapi_document()
    headers = document["components"]["headers"]
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Link", "ETag"} <= set(
        headers
    )
    measures = document["paths"]["/measures"]["get"]["responses"]["200"]["headers"]
    assert {"Link", "RateLimit-Remaining"} <= set(measures)
    measure = document["paths"]["/measures/{measure_id}"]["get"]
    assert "ETag" in measure["responses"]["200"]["headers"] and "304" in measure["responses"]
    assert "If-None-Match" in [p["name"] for p in measure["parameters"]]
    assert "414" in document["info"]["description"]


def test_the_record_schema_comes_from_the_validation_code():
    schemas = openapi_document()["components"]["schemas"]
    record = schemas["MeasureRecord"]
    assert list(record["properties"]) == list(RECORD_KEYS)
    assert record["required"] == list(required_keys(MeasureRecord))
    assert record["properties"]["prevention_level"]["enum"] == list(vocab.PREVENTION_LEVELS)
    assert record["properties"]["title"] == {"type": "string", "minLength": 3, "maxLength": 200}
    assert set(record["properties"]["countries"]["items"]["enum"]) == vocab.COUNTRY_CODES
    assert schemas["Evaluation"]["properties"]["design"]["enum"] == list(vocab.DESIGNS)


def _validator(name: str) -> jsonschema_rs.Validator:
    document = openapi_document()
    schema = {**document["components"]["schemas"][name], "components": document["components"]}
    return jsonschema_rs.Draft202012Validator(schema)


def test_a_valid_record_fits_the_schema_and_a_bad_one_does_not():
    validator = _validator("MeasureRecord")
    assert validator.is_valid(sample_record())
    assert not validator.is_valid(sample_record(prevention_level="quaternary"))
    assert not validator.is_valid(sample_record(colour="red"))


def test_a_served_measure_fits_the_measure_schema(client):
    from app.accounts.models import Role
    from tests.conftest import make_measure, make_user

    measure = make_measure(make_user(Role.PRACTITIONER), publish=True)
    body = client.get(f"/api/v1/measures/{measure.id}").get_json()
    _validator("Measure").validate(body)


# --- the docs page -----------------------------------------------------------------------------


@pytest.fixture()
def docs_page(client):
    response = client.get("/docs/api")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_docs_page_shows_every_operation_with_its_scope(docs_page):
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            assert f"{method.upper()} {API_PREFIX}{path}" in docs_page
            assert f'id="op-{operation["operationId"]}"' in docs_page
    assert "<strong>moderate</strong> scope" in docs_page
    assert "curl -H &#34;Authorization: Bearer $TOKEN&#34;" in docs_page
    assert "application/problem+json" in docs_page


def test_the_docs_page_is_plain_accessible_html(docs_page):
    assert docs_page.count("<h1") == 1
    assert "style=" not in docs_page and "<script" not in docs_page
    for caption in re.findall(r"<table>\s*<caption[^>]*>([^<]+)</caption>", docs_page):
        assert caption.strip()
    assert docs_page.count("<table>") == docs_page.count("<caption")
    ids = re.findall(r'id="([^"]+)"', docs_page)
    assert len(ids) == len(set(ids))  # anchors are unique
    for target in re.findall(r'href="#([^"]+)"', docs_page):
        assert target in ids, target


# --- generated, not written ----------------------------------------------------------------------


def test_the_record_schemas_in_the_document_are_the_record_models():
    from app.records.model import json_schema

    schemas = openapi_document()["components"]["schemas"]
    model = json_schema(MeasureRecord, ref_template="#/components/schemas/{model}")
    evaluation = model.pop("$defs")["Evaluation"]
    assert {**schemas["MeasureRecord"], "description": None} == {**model, "description": None}
    assert schemas["Evaluation"] == evaluation
    assert schemas["MeasureRecord"]["properties"]["evaluations"]["items"] == {
        "$ref": "#/components/schemas/Evaluation"
    }
    measure = schemas["Measure"]["properties"]
    assert measure["programme_status"] == model["properties"]["status"]  # the API's name


def test_every_served_route_appears_in_the_document_exactly_once(app):
    document = openapi_document()
    operations = [op for item in document["paths"].values() for op in item.values()]
    served = list(_api_rules(app))
    assert len(operations) == len(served)
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))


def test_a_route_describes_itself_and_an_undescribed_one_stops_the_document():
    """What the document says of a route comes from the route: a new one needs no list."""
    from flask import Blueprint, Flask

    from app.api.auth import require_scope
    from app.api.openapi import build_document
    from app.api.openapi_operations import PAGE_PARAMS, operation
    from app.api.openapi_schemas import Review

    bp = Blueprint("extra", __name__, url_prefix=API_PREFIX)

    @bp.get("/widgets/<int:review_id>")
    @require_scope("write")
    @operation("Read a widget", "Reviews", params=PAGE_PARAMS, ok=(200, Review, "The widget."))
    def get_widget(review_id):  # pragma: no cover - never called
        return ""

    app = Flask(__name__)
    app.register_blueprint(bp)
    operation_ = build_document(app)["paths"]["/widgets/{review_id}"]["get"]
    assert operation_["operationId"] == "get_widget"
    assert operation_["x-required-scope"] == "write"
    assert operation_["security"] == [{"bearerAuth": ["write"]}]
    assert [p.get("name", p.get("$ref")) for p in operation_["parameters"]] == [
        "review_id",
        "#/components/parameters/page",
        "#/components/parameters/per_page",
    ]
    assert operation_["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Review"
    }
    assert set(operation_["responses"]) == {"200", "400", "401", "403", "429"}

    app = Flask(__name__)
    app.register_blueprint(bp)

    @app.get(f"{API_PREFIX}/undescribed")
    def undescribed():  # pragma: no cover - never called
        return ""

    with pytest.raises(LookupError, match="undescribed"):
        build_document(app)


def test_no_path_is_written_in_the_document_builder():
    import ast
    from pathlib import Path

    import app.api.openapi as builder
    import app.api.openapi_operations as operations

    for module in (builder, operations):
        tree = ast.parse(Path(module.__file__).read_text())
        paths = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"/[\w/{}<>:.-]+", node.value)
        }
        assert paths <= {API_PREFIX, "/openapi.json"}, module.__name__
