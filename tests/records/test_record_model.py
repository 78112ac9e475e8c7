"""The declarative record model (app/records/model.py) speaks our words, and only ours."""

from __future__ import annotations

import random

import pytest

from app.records import labels, vocab
from app.records.fields import Choice, Kind, ListOf
from app.records.model import Evaluation, MeasureRecord, json_schema, kind_of, label_of
from app.records.schema import EVALUATION_KEYS, RECORD_KEYS, RecordInvalid, validate_record
from tests.conftest import sample_record


def _errors(**changes) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as raised:
        validate_record(sample_record(**changes))
    return [(e.key, e.message) for e in raised.value.errors]


def _evaluation(**changes) -> dict:
    evaluation = dict(sample_record()["evaluations"][0])
    evaluation.update(changes)
    return evaluation


# The words of the validation that the form, the API and the import have always used.
BAD_INPUTS = [
    ({"title": 42}, [("title", "must be text")]),
    ({"title": "ab"}, [("title", "must be at least 3 characters long")]),
    ({"description": "x" * 50_001}, [("description", "must be at most 50,000 characters long")]),
    ({"summary": "\x00" + "s" * 30}, [("summary", "must not contain a NUL character")]),
    ({"age_min": "six"}, [("age_min", "must be a whole number")]),
    ({"age_min": True}, [("age_min", "must be a whole number")]),
    ({"age_min": 6.0}, [("age_min", "must be a whole number")]),
    ({"age_max": 100}, [("age_max", "must be at most 99")]),
    ({"start_year": 1949}, [("start_year", "must be at least 1950")]),
    ({"manual_available": "yes"}, [("manual_available", "must be true or false")]),
    (
        {"prevention_level": "quaternary"},
        [("prevention_level", "must be one of primary, secondary, tertiary (got 'quaternary')")],
    ),
    (
        {"countries": ["DE", "XX"]},
        [("countries[1]", "'XX' is not an ISO 3166-1 alpha-2 country code")],
    ),
    ({"countries": ["de", "AT", "DE"]}, [("countries[2]", "'DE' is listed twice")]),
    ({"text_language": "xx"}, [("text_language", "'xx' is not an ISO 639-1 language code")]),
    ({"settings": "school"}, [("settings", "must be a list")]),
    (
        {"website": "ftp://example.org"},
        [("website", "must be a web address starting with http:// or https://")],
    ),
    ({"title": "   "}, [("title", "is required")]),
    ({"colour": ""}, [("colour", "is not a known key")]),
    ({"age_min": 12, "age_max": 8}, [("age_max", "must not be less than age_min (12)")]),
    ({"evaluations": [3]}, [("evaluations[0]", "must be a JSON object")]),
    (
        {"evaluations": [_evaluation(year="2019")]},
        [("evaluations[0].year", "must be a whole number")],
    ),
    (
        {"evaluations": [_evaluation(attrition_pct=float("nan"))]},
        [("evaluations[0].attrition_pct", "must be a finite number")],
    ),
    (
        {"evaluations": [_evaluation(effect_size=11)]},
        [("evaluations[0].effect_size", "must be at most 10")],
    ),
    (
        {"evaluations": [_evaluation(shoe_size=42)]},
        [("evaluations[0].shoe_size", "is not a known key")],
    ),
    (
        {"evaluations": [_evaluation()] * 51},
        [("evaluations", "must have at most 50 items")],
    ),
    # Several at once, in reading order: unknown keys, then keys in the record's order, then
    # each evaluation (its unknown keys first), then the checks between two keys.
    (
        {
            "end_year": 2000,
            "start_year": 2010,
            "zeta": 1,
            "alpha": 2,
            "title": None,
            "countries": ["DE", "XX"],
            "evaluations": [_evaluation(design="guess", extra=1), 5],
        },
        [
            ("zeta", "is not a known key"),
            ("alpha", "is not a known key"),
            ("title", "is required"),
            ("countries[1]", "'XX' is not an ISO 3166-1 alpha-2 country code"),
            ("evaluations[0].extra", "is not a known key"),
            (
                "evaluations[0].design",
                f"must be one of {', '.join(vocab.DESIGNS)} (got 'guess')",
            ),
            ("evaluations[1]", "must be a JSON object"),
            ("end_year", "must not be less than start_year (2010)"),
        ],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_INPUTS)
def test_the_model_refuses_bad_input_with_our_words(changes, expected):
    assert _errors(**changes) == expected


def test_a_whole_record_that_is_not_an_object_is_named_record():
    with pytest.raises(RecordInvalid) as raised:
        validate_record([1, 2])
    assert str(raised.value) == "record: must be a JSON object"


def test_a_valid_record_comes_back_normalised_in_the_models_key_order():
    record = sample_record(title="  Spaced title  ", countries=["de", "at"], website="")
    clean = validate_record(dict(reversed(list(record.items()))))
    assert list(clean) == [k for k in RECORD_KEYS if k in clean]
    assert clean["title"] == "Spaced title" and clean["countries"] == ["DE", "AT"]
    assert "website" not in clean  # blank means absent
    assert list(clean["evaluations"][0]) == [
        k for k in EVALUATION_KEYS if k in clean["evaluations"][0]
    ]


def test_pydantics_own_wording_never_reaches_a_user():
    """Random junk in every key: every message is one of ours (pydantic's start "Input
    should", "Field required", "Extra inputs", …), and no error type is left untranslated."""
    junk = [None, 0, -1, 1.5, True, "", "x", "DE", [], ["x"], {"a": 1}, [[1]], 10**12]
    rng = random.Random(7)
    for _ in range(500):
        record = sample_record()
        for key in rng.sample([*RECORD_KEYS, "unknown"], 4):
            record[key] = rng.choice(junk)
        record["evaluations"] = [{k: rng.choice(junk) for k in rng.sample(EVALUATION_KEYS, 5)}]
        try:
            validate_record(record)
        except RecordInvalid as invalid:
            for error in invalid.errors:
                assert not error.message.startswith(("Input should", "Field required", "Extra"))


# --- one place for each key -------------------------------------------------------------------


@pytest.mark.parametrize("model", [MeasureRecord, Evaluation])
def test_every_key_has_a_label_and_every_value_of_a_vocabulary_a_name(model):
    for key in model.model_fields:
        assert label_of(model, key).text
        kind = kind_of(model, key)
        values = kind.item if isinstance(kind, ListOf) else kind
        if isinstance(values, Choice):
            for value in values.values:
                assert labels.value_label(key, value) not in ("", value)


def test_the_json_schema_of_each_key_is_its_kinds():
    schema = json_schema(MeasureRecord)
    for key, prop in schema["properties"].items():
        kind = kind_of(MeasureRecord, key)
        if isinstance(kind, Kind):
            assert prop == kind.json_schema(), key
    assert schema["required"] == [
        k for k, f in MeasureRecord.model_fields.items() if f.is_required()
    ]
    assert schema["additionalProperties"] is False


def test_pages_name_keys_by_the_models_labels(app):
    from app.compare.comparison import comparison_rows
    from app.measures.forms import MeasureForm
    from app.moderation.diff import field_label
    from app.search.views import FACET_LEGENDS

    assert field_label("follow_up_months") == label_of(Evaluation, "follow_up_months").text
    assert FACET_LEGENDS["countries"] == label_of(MeasureRecord, "countries").facet
    rows = {row.key: row.label for row in comparison_rows([])}
    assert rows["languages"] == label_of(MeasureRecord, "languages").short
    with app.test_request_context():
        form = MeasureForm(meta={"csrf": False})
    assert form.countries.label.text == label_of(MeasureRecord, "countries").question
    assert form.summary.description == label_of(MeasureRecord, "summary").hint
