"""`flask measures generate`: deterministic, valid, varied and fast synthetic measures."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.core.extensions import db
from app.evidence.ruleset_2027 import compute_evidence
from app.measures.generate import build_record, generate_measures
from app.measures.io import export_records, import_records
from app.measures.mapping import revision_to_record
from app.measures.models import Measure, MeasureStatus, RevisionState
from app.measures.services import refresh_evidence
from app.outbox.models import IndexChange
from app.records.schema import validate_record
from tests.conftest import empty_all_tables
from tests.records.helpers import count, jsonl


def test_the_same_seed_and_number_give_the_same_record():
    assert build_record(7, 3) == build_record(7, 3)
    assert build_record(7, 3) != build_record(8, 3)
    assert build_record(7, 3) != build_record(7, 4)
    assert build_record(7, 3)["external_id"] == "gen-7-3"


def test_generated_records_say_they_are_synthetic_in_their_title():
    assert all(build_record(7, n)["title"].startswith("Synthetic: ") for n in range(1, 51))


def test_generated_records_are_valid_and_already_normalised():
    for n in range(1, 301):
        record = build_record(11, n)
        assert validate_record(record) == record, n


def test_generated_records_are_varied_and_spread_over_every_evidence_level():
    records = [build_record(5, n) for n in range(1, 401)]
    results = [
        compute_evidence(
            [{**e, "has_report": False} for e in r.get("evaluations", [])],
            manual_available=r.get("manual_available"),
        )
        for r in records
    ]
    assert {r.level for r in results} == {0, 1, 2, 3, 4, 5}
    assert any(r.harm_flag for r in results)
    assert any(r.label == "No effect found" for r in results)
    assert len({r["text_language"] for r in records}) >= 6
    assert len({c for r in records for c in r["countries"]}) >= 15
    assert len({r["prevention_level"] for r in records}) == 3
    assert {len(r.get("evaluations", [])) for r in records} == {0, 1, 2, 3}
    words = [len(r["description"].split()) for r in records]
    assert min(words) >= 300 and max(words) <= 2000
    assert len({r["title"] for r in records}) == len(records)


def test_generate_publishes_measures_with_outbox_rows(app):
    report = generate_measures(25, seed=3, publish=True, batch_size=10)
    assert (report.first, report.last, report.created) == (1, 25, 25)
    assert count(Measure, Measure.status == MeasureStatus.PUBLISHED) == 25
    assert count(IndexChange) == 25
    measure = db.session.scalar(select(Measure).where(Measure.external_id == "gen-3-7"))
    assert measure.published_at is not None
    assert measure.published_revision.state == RevisionState.PUBLISHED
    assert revision_to_record(measure.published_revision) == build_record(3, 7)


def test_generated_rows_hold_what_the_services_would_compute(app):
    generate_measures(40, seed=4, publish=True)
    for measure in db.session.scalars(select(Measure)):
        revision = measure.published_revision
        stored = (revision.evidence_level, revision.evidence_label, revision.harm_flag)
        assert (measure.evidence_level, measure.evidence_label, measure.harm_flag) == stored
        refresh_evidence(revision)
        assert (revision.evidence_level, revision.evidence_label, revision.harm_flag) == stored
    db.session.rollback()


def test_without_publish_the_measures_wait_for_moderation(app):
    generate_measures(5, seed=2)
    measures = db.session.scalars(select(Measure)).all()
    assert {m.status for m in measures} == {MeasureStatus.SUBMITTED}
    assert all(m.working_revision.state == RevisionState.SUBMITTED for m in measures)
    assert all(m.published_revision is None and m.published_at is None for m in measures)
    assert count(IndexChange) == 0


def test_a_second_run_with_the_same_seed_continues_the_numbering(app):
    generate_measures(3, seed=9)
    report = generate_measures(2, seed=9)
    assert (report.first, report.last) == (4, 5)
    ids = set(db.session.scalars(select(Measure.external_id)))
    assert ids == {f"gen-9-{n}" for n in range(1, 6)}


def test_generated_data_survives_an_export_import_round_trip(app):
    generate_measures(30, seed=6, publish=True)
    first = [jsonl(r) for r in export_records()]
    levels = sorted(db.session.scalars(select(Measure.evidence_level)))
    db.session.remove()
    empty_all_tables()
    report = import_records(first, publish=True)
    assert report.created == 30
    assert [jsonl(r) for r in export_records()] == first
    assert sorted(db.session.scalars(select(Measure.evidence_level))) == levels


def test_generate_command_reports_the_range(runner):
    result = runner.invoke(args=["measures", "generate", "12", "--seed", "8", "--publish"])
    assert result.exit_code == 0, result.output
    assert "generated 12 published measures, gen-8-1 to gen-8-12" in result.stdout
    assert count(Measure, Measure.status == MeasureStatus.PUBLISHED) == 12


def test_generate_command_refuses_a_count_below_one(runner):
    result = runner.invoke(args=["measures", "generate", "0"])
    assert result.exit_code == 2
    assert count() == 0


def test_a_thousand_generated_measures_are_all_published_and_varied(app):
    generate_measures(1000, seed=1, publish=True)
    assert count() == 1000
    assert count(Measure, Measure.status == MeasureStatus.PUBLISHED) == 1000
    assert len(Counter(db.session.scalars(select(Measure.organisation)))) > 50
