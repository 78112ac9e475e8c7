"""`flask measures import` and import_records: validation per line, upsert, all or nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.extensions import db
from app.measures.io import import_records
from app.measures.models import Measure, MeasureRevision, MeasureStatus, RevisionState
from app.outbox.models import IndexChange
from tests.conftest import SHARED_DATA, make_measure, make_user, sample_record
from tests.records.helpers import (
    SAMPLE_LINES,
    count,
    jsonl,
    measure_by_external_id,
    revision_count,
    write_jsonl,
)

SAMPLE = SHARED_DATA / "sample-measures.jsonl"


def _record(external_id: str, **overrides):
    return sample_record(external_id=external_id, **overrides)


def _mixed_lines() -> list:
    """Good and bad lines; the comments give the line numbers the errors must name."""
    no_title = _record("bad-missing")
    del no_title["title"]
    bad_eval = _record("bad-evaluation")
    bad_eval["evaluations"][0]["year"] = "2019"
    return [
        _record("good-1"),  # 1
        _record("bad-unknown", colour="red"),  # 2
        _record("bad-enum", prevention_level="quaternary"),  # 3
        no_title,  # 4
        '{"title": "broken',  # 5
        _record("bad-duplicate", countries=["DE", "AT", "DE"]),  # 6
        _record("bad-type", age_min="six"),  # 7
        "",  # 8: blank, skipped
        _record("bad-several", settings="school", website="ftp://example.org"),  # 9
        bad_eval,  # 10
        "[1, 2]",  # 11
        _record("good-2", title="Second good measure"),  # 12
    ]


EXPECTED_ERRORS = [
    "line 2: colour: is not a known key",
    "line 3: prevention_level: must be one of primary, secondary, tertiary (got 'quaternary')",
    "line 4: title: is required",
    "line 6: countries[2]: 'DE' is listed twice",
    "line 7: age_min: must be a whole number",
    "line 9: settings: must be a list",
    "line 9: website: must be a web address starting with http:// or https://",
    "line 10: evaluations[0].year: must be a whole number",
    "line 11: record: must be a JSON object",
]


# --- the sample file ---------------------------------------------------------------------------


def test_all_twenty_sample_lines_import_and_wait_for_moderation(runner):
    result = runner.invoke(args=["measures", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "created 20, updated 0, unchanged 0, failed 0" in result.stdout
    assert count() == SAMPLE_LINES
    assert count(Measure, Measure.status == MeasureStatus.SUBMITTED) == SAMPLE_LINES
    assert count(IndexChange) == 0  # nothing public yet


@pytest.mark.commits  # searches: the indexer reads with sessions of its own
def test_sample_import_with_publish_publishes_and_indexes(runner):
    result = runner.invoke(args=["measures", "import", str(SAMPLE), "--publish"])
    assert result.exit_code == 0, result.output
    assert count(Measure, Measure.status == MeasureStatus.PUBLISHED) == SAMPLE_LINES
    # The outbox rows were written with each measure and applied after each commit.
    assert count(IndexChange) == 0
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 0, check.output
    measure = measure_by_external_id("dunkelfeld-de")
    revision = measure.published_revision
    assert revision.title.startswith("Kein Täter werden")
    assert revision.text_language == "de"  # detected: the sample line does not say
    assert measure.published_at is not None
    assert measure.evidence_level == revision.evidence_level
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "measure.imported")
    ).all()
    assert len(events) == SAMPLE_LINES
    first = next(e for e in events if e.object_id == measure.id)
    assert first.details["line"] == 1
    assert first.details["source"] == str(SAMPLE)
    assert first.details["published"] is True


def test_sample_evidence_levels_match_the_rules(app):
    with SAMPLE.open("rb") as lines:
        report = import_records(lines, publish=True)
    assert report.ok and report.created == SAMPLE_LINES
    harm = measure_by_external_id("core-sotp-uk")
    assert harm.harm_flag is True
    none = measure_by_external_id("iwf-hotline-uk")
    assert (none.evidence_level, none.evidence_label) == (0, "Not evaluated")


# --- bad lines -----------------------------------------------------------------------------------


def test_each_bad_line_is_reported_with_line_key_and_reason_and_good_lines_import(runner, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", *_mixed_lines())
    result = runner.invoke(args=["measures", "import", str(path), "--publish"])
    assert result.exit_code == 1
    for message in EXPECTED_ERRORS:
        assert message in result.stderr
    assert "line 5: not valid JSON (" in result.stderr
    assert "line 8" not in result.stderr
    assert "created 2, updated 0, unchanged 0, failed 9" in result.stdout
    db.session.expire_all()
    stored = set(db.session.scalars(select(Measure.external_id)))
    assert stored == {"good-1", "good-2"}


def test_import_report_lists_every_problem_in_file_order(app):
    lines = jsonl(*_mixed_lines()).splitlines(keepends=True)
    report = import_records(lines)
    assert report.errors[3].startswith("line 5: not valid JSON (")
    assert report.errors[:3] + report.errors[4:] == EXPECTED_ERRORS
    assert (report.created, report.failed) == (2, 9)
    assert report.summary() == "created 2, updated 0, unchanged 0, failed 9"


def test_all_or_nothing_stores_nothing_when_a_line_fails(runner, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", *_mixed_lines())
    result = runner.invoke(args=["measures", "import", str(path), "--all-or-nothing"])
    assert result.exit_code == 1
    for message in EXPECTED_ERRORS:  # every problem is still reported
        assert message in result.stderr
    assert "nothing was stored" in result.stdout
    assert count() == 0
    assert count(MeasureRevision) == 0
    assert count(AuditEvent) == 0


def test_all_or_nothing_stores_everything_when_every_line_is_good(runner, tmp_path):
    path = write_jsonl(tmp_path / "good.jsonl", _record("a"), _record("b"), _record("c"))
    result = runner.invoke(args=["measures", "import", str(path), "--all-or-nothing"])
    assert result.exit_code == 0, result.output
    assert count() == 3


def test_all_or_nothing_rolls_back_earlier_lines_when_a_later_one_fails(app):
    owner = make_user()
    make_measure(owner, external_id="taken")
    lines = [jsonl(_record("new-1")), jsonl(_record("new-2")), jsonl({"title": "x"})]
    report = import_records(lines, all_or_nothing=True)
    assert report.rolled_back and report.failed == 1
    assert count() == 1


def test_a_line_that_is_not_utf8_fails_alone(app):
    lines = [jsonl(_record("ok-1")).encode(), b'{"title": "\xff\xfe"}\n', jsonl(_record("ok-2"))]
    report = import_records(lines)
    assert report.created == 2
    assert report.errors == [report.errors[0]]
    assert report.errors[0].startswith("line 2: not valid UTF-8")


def test_a_byte_order_mark_at_the_start_is_ignored(app):
    report = import_records([("\ufeff" + jsonl(_record("bom"))).encode()])
    assert report.ok and report.created == 1


def test_blank_lines_are_skipped_and_do_not_count(app):
    report = import_records(["\n", "   \n", jsonl(_record("only")), "\n"])
    assert (report.created, report.failed, report.errors) == (1, 0, [])


# --- upsert on external_id ---------------------------------------------------------------------


def test_reimporting_a_changed_record_makes_a_new_published_revision(runner, tmp_path):
    runner.invoke(args=["measures", "import", str(SAMPLE), "--publish"])
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[2])
    changed["summary"] = "A changed summary of the measure, long enough to be valid."
    lines[2] = json.dumps(changed, ensure_ascii=False)
    path = tmp_path / "changed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = runner.invoke(args=["measures", "import", str(path), "--publish"])
    assert result.exit_code == 0, result.output
    assert "created 0, updated 1, unchanged 19, failed 0" in result.stdout
    measure = measure_by_external_id(changed["external_id"])
    assert revision_count(measure) == 2
    assert measure.published_revision.number == 2
    assert measure.published_revision.summary == changed["summary"]
    first = db.session.scalar(
        select(MeasureRevision).where(
            MeasureRevision.measure_id == measure.id, MeasureRevision.number == 1
        )
    )
    assert first.state == RevisionState.SUPERSEDED
    assert count() == SAMPLE_LINES


def test_reimport_without_publish_queues_a_revision_and_keeps_the_published_one(app):
    import_records([jsonl(_record("keep"))], publish=True)
    report = import_records([jsonl(_record("keep", title="A new title for review"))])
    assert report.updated == 1
    measure = measure_by_external_id("keep")
    assert measure.status == MeasureStatus.PUBLISHED
    assert measure.published_revision.title == "Safe Together school programme"
    assert measure.working_revision.state == RevisionState.SUBMITTED
    assert measure.working_revision.title == "A new title for review"


def test_reimporting_the_same_record_changes_nothing(app):
    import_records([jsonl(_record("same"))], publish=True)
    events_before = count(AuditEvent)
    report = import_records([jsonl(_record("same"))], publish=True)
    assert (report.unchanged, report.updated) == (1, 0)
    assert revision_count(measure_by_external_id("same")) == 1
    assert count(AuditEvent) == events_before


def test_updating_a_measure_with_a_revision_waiting_for_moderation_fails_that_line(app):
    import_records([jsonl(_record("waiting"))])  # submitted, not yet decided
    report = import_records([jsonl(_record("waiting", title="Another title"))])
    assert report.failed == 1
    assert report.errors == [
        f"line 1: external_id: measure {measure_by_external_id('waiting').id} has a revision"
        " waiting for moderation; decide on it before importing a new one"
    ]


# --- external ids are unique per owner (issue 15) ---------------------------------------------


def test_without_an_owner_the_import_updates_the_one_measure_using_the_id(app):
    """The operator sees every measure: an exported record imported back updates the measure
    it came from, whoever owns it, and the measure keeps its owner."""
    owner = make_user()
    measure = make_measure(owner, publish=True, external_id="round-trip")
    report = import_records([jsonl(_record("round-trip", title="Changed by the operator"))])
    assert report.updated == 1
    assert measure.owner_id == owner.id
    assert measure.working_revision.title == "Changed by the operator"


def test_with_an_owner_the_import_upserts_among_that_owners_measures_only(app):
    mine, theirs = make_user(), make_user()
    other = make_measure(theirs, publish=True, external_id="shared")
    report = import_records([jsonl(_record("shared"))], publish=True, owner=mine)
    assert report.created == 1
    created = db.session.get(Measure, report.measure_ids[0])
    assert (created.owner_id, created.external_id) == (mine.id, "shared")
    assert revision_count(other) == 1
    again = import_records([jsonl(_record("shared", title="Mine, changed"))], owner=mine)
    assert (again.updated, again.measure_ids) == (1, [created.id])


def test_without_an_owner_an_id_two_owners_use_fails_the_line_and_names_them(app):
    first = make_measure(make_user(), external_id="twice-owned")
    second = make_measure(make_user(), external_id="twice-owned")
    report = import_records([jsonl(_record("twice-owned"))])
    assert report.errors == [
        f"line 1: external_id: measures {first.id}, {second.id} of different owners use it;"
        " import it with --owner to say whose it is"
    ]
    assert count() == 2


# --- stdin, owner, options -------------------------------------------------------------------


def test_dash_reads_the_records_from_stdin(runner):
    data = SAMPLE.read_bytes()
    result = runner.invoke(args=["measures", "import", "-", "--publish"], input=data)
    assert result.exit_code == 0, result.output
    assert "created 20" in result.stdout
    assert count(Measure, Measure.status == MeasureStatus.PUBLISHED) == SAMPLE_LINES
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "measure.imported"))
    assert next(iter(event)).details["source"] == "<stdin>"


def test_owner_option_gives_the_new_measures_to_that_account(runner, tmp_path):
    owner = make_user(Role.PRACTITIONER, email="owner@example.org")
    path = write_jsonl(tmp_path / "one.jsonl", _record("owned"))
    result = runner.invoke(args=["measures", "import", str(path), "--owner", "OWNER@example.org"])
    assert result.exit_code == 0, result.output
    assert measure_by_external_id("owned").owner_id == owner.id


def test_an_unknown_owner_is_refused_before_anything_is_read(runner, tmp_path):
    path = write_jsonl(tmp_path / "one.jsonl", _record("x"))
    result = runner.invoke(args=["measures", "import", str(path), "--owner", "nobody@example.org"])
    assert result.exit_code == 2
    assert "no account with the email 'nobody@example.org'" in result.output
    assert count() == 0


def test_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["measures", "import", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert count() == 0


def test_the_same_external_id_twice_in_one_file_updates_the_first(app):
    lines = [jsonl(_record("twice")), jsonl(_record("twice", title="Second version of it"))]
    report = import_records(lines, publish=True)
    assert (report.created, report.updated) == (1, 1)
    assert measure_by_external_id("twice").published_revision.title == "Second version of it"
