"""`flask measures export`: the record format, filters, and a lossless round trip."""

from __future__ import annotations

import json

from app.core.extensions import db
from app.measures.io import export_records, import_records
from app.measures.services import update_measure
from app.records.schema import RECORD_KEYS, validate_record
from tests.conftest import SHARED_DATA, empty_all_tables, make_measure, make_user
from tests.records.helpers import count, jsonl

SAMPLE = SHARED_DATA / "sample-measures.jsonl"


def _export(runner, *args: str) -> str:
    result = runner.invoke(args=["measures", "export", "-", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _published_draft_and_submitted():
    owner = make_user()
    make_measure(owner, publish=True, external_id="pub", title="Published measure")
    make_measure(owner, external_id="draft", title="Draft measure")
    return owner


def test_export_writes_published_measures_by_default(runner):
    _published_draft_and_submitted()
    lines = _export(runner).splitlines()
    assert [json.loads(line)["external_id"] for line in lines] == ["pub"]


def test_status_option_filters_on_the_measure_status(runner):
    _published_draft_and_submitted()
    assert [json.loads(x)["title"] for x in _export(runner, "--status", "draft").splitlines()] == [
        "Draft measure"
    ]
    assert len(_export(runner, "--status", "all").splitlines()) == 2
    assert _export(runner, "--status", "rejected") == ""


def test_an_unknown_status_is_refused(runner):
    result = runner.invoke(args=["measures", "export", "-", "--status", "secret"])
    assert result.exit_code == 2
    assert "'secret' is not one of" in result.output


def test_each_line_is_a_valid_record_with_keys_in_spec_order_and_utf8_text(runner):
    with SAMPLE.open("rb") as lines:
        import_records(lines, publish=True)
    text = _export(runner)
    assert "Täter" in text and "\\u00e4" not in text  # ensure_ascii=False
    for line in text.splitlines():
        record = json.loads(line)
        assert validate_record(record) == record
        order = [RECORD_KEYS.index(key) for key in record]
        assert order == sorted(order)


def test_a_published_measure_exports_its_published_revision_not_the_pending_edit(app):
    owner = make_user()
    measure = make_measure(owner, publish=True, external_id="edited")
    from app.measures.mapping import revision_to_record

    record = revision_to_record(measure.published_revision)
    update_measure(owner, measure, {**record, "title": "Pending new title"})
    db.session.commit()
    (exported,) = list(export_records())
    assert exported["title"] == "Safe Together school programme"


def test_export_to_a_file_writes_utf8_and_reports_the_count(runner, tmp_path):
    _published_draft_and_submitted()
    path = tmp_path / "out.jsonl"
    result = runner.invoke(args=["measures", "export", str(path)])
    assert result.exit_code == 0, result.output
    assert "exported 1 measures (published)" in result.stderr
    assert json.loads(path.read_text(encoding="utf-8"))["external_id"] == "pub"


def test_round_trip_export_import_export_is_identical(runner, tmp_path):
    with SAMPLE.open("rb") as lines:
        report = import_records(lines, publish=True)
    assert report.created == 20
    first = _export(runner)

    db.session.remove()
    empty_all_tables()
    assert count() == 0
    path = tmp_path / "first.jsonl"
    path.write_text(first, encoding="utf-8")
    result = runner.invoke(args=["measures", "import", str(path), "--publish"])
    assert result.exit_code == 0, result.output

    assert _export(runner) == first


def test_round_trip_of_all_statuses(app, tmp_path):
    _published_draft_and_submitted()
    first = [jsonl(r) for r in export_records("all")]
    db.session.remove()
    empty_all_tables()
    import_records(first, publish=True)
    assert [jsonl(r) for r in export_records("all")] == first
