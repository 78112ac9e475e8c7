"""The record's words in the reader's language: vocabulary labels, key names, validation
messages; English where no reader is (the CLI, the search index)."""

from __future__ import annotations

import pytest
from flask import g

from app.records import labels, vocab
from app.records.schema import RecordInvalid, validate_record
from tests.conftest import sample_record


def test_every_vocabulary_code_has_a_label_of_its_own():
    codes = {
        code
        for name, values in vars(vocab).items()
        if name.isupper() and name != "EU27" and isinstance(values, tuple)
        for code in values
    }
    assert codes <= set(vocab.LABELS)


def reader(app, language):
    """A request from a reader of `language`, with an empty `g` as each request of the test
    client gets (the test's app context is shared, and Flask-Babel keeps the locale in `g`)."""
    context = app.test_request_context(headers={"Accept-Language": language})
    context.push()
    for name in list(g):
        g.pop(name)
    return context


def test_labels_are_english_outside_a_request_and_translated_inside_one(app):
    assert vocab.label("parents_carers") == "Parents and carers"
    context = reader(app, "de")
    try:
        assert vocab.label("parents_carers") == "Eltern und Betreuungspersonen"
        # What the search index holds does not change with the reader.
        assert vocab.english_label("parents_carers") == "Parents and carers"
        assert labels.field_label("age_min") == "Mindestalter"
        assert labels.value_label("countries", "CZ") == "Tschechien"
        assert labels.display_value("manual_available", True) == "Ja"
        assert str(labels.form_text("title")["label"]) == "Titel"
    finally:
        context.pop()


def test_validation_messages_stay_english_and_a_page_says_them_in_the_readers_language(app):
    record = sample_record(title="", age_max=3)
    context = reader(app, "fr")
    try:
        with pytest.raises(RecordInvalid) as invalid:
            validate_record(record)
        errors = {e.key: e.message for e in invalid.value.errors}
        # The API's and the import's words, whoever asks.
        assert errors == {"title": "is required", "age_max": "must not be less than age_min (6)"}
        # The form's words, in the reader's language, with the key named by its label.
        assert labels.message_in_words(errors["title"]) == "est obligatoire"
        assert labels.message_in_words(errors["age_max"]) == (
            "ne doit pas être inférieur à âge minimal (6)"
        )
    finally:
        context.pop()


def test_the_api_answers_record_errors_in_english_to_a_german_reader(app, client):
    from tests.api.conftest import bearer, make_token
    from tests.conftest import make_user

    headers = {**bearer(make_token(make_user())), "Accept-Language": "de"}
    answer = client.post("/api/v1/measures", json=sample_record(title=""), headers=headers)
    assert answer.status_code == 422
    assert {"field": "title", "message": "is required"}.items() <= answer.json["errors"][0].items()


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [
        ("pl", ["Łotwa", "Luksemburg", "Litwa", "Malta"],
         ["Litwa", "Luksemburg", "Łotwa", "Malta"]),
        ("sv", ["Österrike", "Zambia", "Oman"], ["Oman", "Zambia", "Österrike"]),
        ("de", ["Österreich", "Oman", "Polen"], ["Oman", "Österreich", "Polen"]),
        ("cs", ["Chorvatsko", "Haiti", "Irsko", "Česko", "Dánsko"],
         ["Česko", "Dánsko", "Haiti", "Chorvatsko", "Irsko"]),
    ],
)  # fmt: skip
def test_names_sort_in_the_readers_alphabet(language, names, expected):
    assert sorted(names, key=lambda n: labels.collation_key(n, language)) == expected


def test_amounts_in_euros_are_written_as_the_reader_writes_them(app):
    assert (labels.euros(42.5), labels.euros(1000)) == ("€42.50", "€1,000")
    context = reader(app, "de")
    try:
        assert (labels.euros(42.5), labels.euros(1000)) == ("42,50\xa0€", "1.000\xa0€")
    finally:
        context.pop()
