"""`flask backup create` then `flask backup restore` into a fresh instance gives back every row
of every table and every uploaded file (run on SQLite and on PostgreSQL, like the suite)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from app.accounts.models import Role
from app.api_tokens.services import create_token
from app.core.extensions import db
from app.measures.mapping import revision_to_record
from app.measures.services import (
    attach_report,
    refresh_evidence,
    submit_measure,
    update_measure,
)
from app.measures.uploads import check_report
from app.moderation.services import publish_measure
from app.reviews.services import ReviewData, create_review
from tests.conftest import make_measure, make_user
from tests.measures.conftest import make_pdf

RESTORE_EVENTS = {"backup.restored", "search.consumer_removed"}
REVIEW = ReviewData(
    effectiveness=4,
    ease=3,
    transferability=5,
    value=4,
    implemented=True,
    implemented_country="FR",
    implemented_year=2021,
    comment="We ran it in six schools; the sessions were easy to deliver.",
)


def _seed() -> dict[str, Any]:
    """Users of every role, measures with several revisions, a report PDF, reviews, a token,
    and the audit events and notifications all of this writes."""
    moderator = make_user(Role.MODERATOR, organisation="Hub")
    owner = make_user(Role.PRACTITIONER, organisation="Org A")
    reviewers = [make_user(Role.OFFICIAL, organisation=f"Ministry {n}") for n in range(2)]
    make_user(Role.ADMIN, organisation="Hub")
    create_token(owner, "Backup test tool", "write")

    measure = make_measure(owner, title="Backed-up programme with a report")
    revision = measure.working_revision
    report = check_report(io.BytesIO(make_pdf("Backup evaluation report", pages=2)), "eval.pdf")
    attach_report(owner, revision.evaluations[0], report)
    refresh_evidence(revision)
    submit_measure(owner, measure)
    publish_measure(moderator, measure, "Checked: publishing.")
    db.session.commit()
    # A second revision, published too: two revisions, the report copied into the second.
    record = revision_to_record(measure.published_revision, measure)
    record["summary"] = "A revised summary of the backed-up programme, second revision."
    update_measure(owner, measure, record)
    submit_measure(owner, measure)
    publish_measure(moderator, measure, "Second revision checked.")
    db.session.commit()
    for reviewer in reviewers:
        create_review(reviewer, measure, REVIEW)
        db.session.commit()
    make_measure(owner, publish=True, title="Another published programme")
    make_measure(owner, title="A draft nobody has seen")
    return {"measure_id": measure.id, "sha256": report.sha256}


def _rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table the database holds, in primary-key order."""
    meta = MetaData()
    meta.reflect(bind=engine)
    rows = {}
    with engine.connect() as conn:
        for table in meta.tables.values():
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return rows


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _invoke(app, *args: str, catch: bool = False):
    # Flask's CLI runs in the current app context if there is one: push this app's.
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args), catch_exceptions=catch)


@pytest.mark.parametrize("archive_name", ["backup.tar.gz", "backup-folder"])
@pytest.mark.parametrize("target_schema", [False, True], ids=["nothing", "empty-schema"])
def test_restore_into_a_fresh_instance_gives_back_every_row_and_file(
    app, make_app, fresh_database_url, tmp_path, archive_name, target_schema
):
    seeded = _seed()
    archive = tmp_path / archive_name

    made = _invoke(app, "backup", "create", str(archive))
    assert made.exit_code == 0, made.output
    assert "Backup written to" in made.output
    source_rows = _rows(db.engine)
    source_files = _files(Path(app.config["UPLOAD_DIR"]))
    assert f"{seeded['sha256'][:2]}/{seeded['sha256']}.pdf" in source_files

    target = make_app(
        SQLALCHEMY_DATABASE_URI=fresh_database_url,
        UPLOAD_DIR=str(tmp_path / "restored-uploads"),
        SEARCH_INDEX_DIR=str(tmp_path / "restored-index"),
    )
    if target_schema:  # as after `flask db upgrade` on the new instance
        with target.app_context():
            db.create_all()
    restored = _invoke(target, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "Indexed 2 published measure(s)" in restored.output

    with target.app_context():
        target_rows = _rows(db.engine)
        checked = _invoke(target, "search", "check", catch=True)
        db.session.remove()
        db.engine.dispose()
    assert checked.exit_code == 0, checked.output
    # The search index is a cache, rebuilt by the restore: the backed-up host's index is
    # forgotten, and the bookkeeping names only the new instance's index, with nothing pending.
    consumers = target_rows.pop("index_consumers")
    assert len(consumers) == 1 and str(tmp_path / "restored-index") in consumers[0][0]
    assert target_rows.pop("index_changes") == []
    for name in ("index_consumers", "index_changes"):
        source_rows.pop(name)
    # Besides, the restore adds only its own audit events.
    events = target_rows["audit_events"]
    added = [row for row in events if row not in source_rows["audit_events"]]
    actions = sorted(next(v for v in row if v in RESTORE_EVENTS) for row in added)
    assert actions.count("backup.restored") == 1
    assert set(actions) <= RESTORE_EVENTS
    target_rows["audit_events"] = [row for row in events if row not in added]
    assert set(target_rows) == set(source_rows)
    for name, rows in source_rows.items():
        assert target_rows[name] == rows, f"table {name} differs after the restore"
    assert sum(len(rows) for rows in source_rows.values()) > 40
    assert _files(tmp_path / "restored-uploads") == source_files


def test_the_manifest_lists_revision_counts_and_checksums(app, tmp_path):
    _seed()
    archive = tmp_path / "folder"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    manifest = json.loads((archive / "manifest.json").read_text())
    assert manifest["database"]["kind"] == db.engine.dialect.name
    assert manifest["created_at"]
    counts = manifest["database"]["tables"]
    assert counts["measures"] == 3 and counts["reviews"] == 2 and counts["attachments"] == 2
    assert counts["users"] == 5
    assert "alembic_revision" in manifest["database"]
    for name, entry in manifest["files"].items():
        assert (archive / name).is_file() and len(entry["sha256"]) == 64


def test_restore_refuses_a_database_that_holds_data_unless_forced(app, make_app, tmp_path):
    _seed()
    archive = tmp_path / "backup.tar.gz"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    before = _rows(db.engine)

    refused = _invoke(app, "backup", "restore", str(archive), catch=True)
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    assert _rows(db.engine) == before

    db.session.rollback()  # the test's own open transaction would hold the tables
    forced = _invoke(app, "backup", "restore", "--force", "--no-reindex", str(archive))
    assert forced.exit_code == 0, forced.output
    assert "flask search rebuild" in forced.output


def test_restore_refuses_a_damaged_archive(app, make_app, fresh_database_url, tmp_path):
    seeded = _seed()
    archive = tmp_path / "folder"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    report = archive / "uploads" / seeded["sha256"][:2] / f"{seeded['sha256']}.pdf"
    report.write_bytes(report.read_bytes()[:-10])

    target = make_app(
        SQLALCHEMY_DATABASE_URI=fresh_database_url,
        UPLOAD_DIR=str(tmp_path / "restored-uploads"),
        SEARCH_INDEX_DIR=str(tmp_path / "restored-index"),
    )
    refused = _invoke(target, "backup", "restore", str(archive), catch=True)
    assert refused.exit_code == 1
    assert "damaged" in refused.output
    with target.app_context():
        assert not any(_rows(db.engine).values())
        db.engine.dispose()
    assert not (tmp_path / "restored-uploads").exists() or not _files(tmp_path / "restored-uploads")


def test_create_refuses_to_overwrite_an_existing_archive(app, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_bytes(b"precious")
    refused = _invoke(app, "backup", "create", str(archive), catch=True)
    assert refused.exit_code == 1 and "already exists" in refused.output
    assert archive.read_bytes() == b"precious"
