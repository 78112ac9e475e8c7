"""Record format 2 through the import and the export: every new key stored and given back,
format-1 files unchanged, errors named by line, key and reason."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.measures.io import export_records, import_records
from app.measures.mapping import revision_to_record
from app.measures.models import EvaluationResult, Measure
from app.records.schema import validate_record
from tests.conftest import empty_all_tables, format2_record, sample_record
from tests.records.helpers import count, jsonl, measure_by_external_id
from tests.records.test_record_format2 import FORMAT_1_FILES


def _lines(*records) -> list[str]:
    return jsonl(*records).splitlines(keepends=True)


def test_a_format_2_record_with_every_new_key_round_trips(app):
    record = format2_record(external_id="f2-1")
    assert validate_record(record) == record  # already normalised, so export must equal it
    report = import_records(_lines(record), publish=True)
    assert report.ok and report.created == 1
    [exported] = list(export_records())
    assert exported == record
    assert list(exported) == list(validate_record(record))  # in the model's key order
    results = db.session.scalars(select(EvaluationResult).order_by(EvaluationResult.id)).all()
    assert [r.position for r in results] == [0, 1, 0, 1]
    assert results[2].primary is True and results[2].ci_high == 2.7

    # import → export → import → export is identical, and importing it again stores nothing.
    again = import_records(_lines(exported), publish=True)
    assert again.unchanged == 1
    db.session.remove()
    empty_all_tables()
    assert import_records(_lines(exported), publish=True).created == 1
    assert list(export_records()) == [record]


def test_an_edit_that_removes_results_and_profile_keys_clears_them(app):
    import_records(_lines(format2_record(external_id="f2-2")), publish=True)
    plain = sample_record(external_id="f2-2")
    assert import_records(_lines(plain), publish=True).updated == 1
    measure = measure_by_external_id("f2-2")
    assert revision_to_record(measure.published_revision, measure) == validate_record(plain)
    # The first revision keeps its results: it is the history.
    assert count(EvaluationResult) == 4


@pytest.mark.parametrize("path", FORMAT_1_FILES, ids=lambda p: p.name)
def test_format_1_files_import_and_export_unchanged(app, path):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    report = import_records(lines, publish=True)
    assert report.ok, report.errors
    expected = [validate_record(json.loads(line)) for line in lines if line.strip()]
    exported = list(export_records())
    # A record without text_language gets the detected one; nothing else differs.
    for record, wanted in zip(exported, expected, strict=True):
        if "text_language" not in wanted:
            record.pop("text_language", None)
    assert exported == expected
    assert count(Measure) == len(expected)


def test_import_names_the_line_the_key_and_the_reason(app):
    bad_result = format2_record(external_id="bad-1")
    bad_result["evaluations"][0]["results"][0]["p_value"] = 0.2
    bad_contact = sample_record(external_id="bad-2", contacts=[{"role": "developer", "name": "X"}])
    bad_cost = sample_record(external_id="bad-3", unit_cost_eur=10)
    report = import_records(
        _lines(sample_record(external_id="good"), bad_result, bad_contact, bad_cost)
    )
    assert (report.created, report.failed) == (1, 3)
    assert report.errors == [
        "line 2: evaluations[0].results[0].p_value: must be below 0.05 when direction is"
        " favourable: a result that is not statistically significant has direction no_effect",
        "line 3: contacts[0]: needs an email or a url, or both",
        "line 4: unit_cost_per: is required with unit_cost_eur",
        "line 4: cost_price_year: is required with unit_cost_eur",
    ]
