"""`flask db upgrade` must give exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os

import pytest
from alembic import command as alembic_command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.core.dbtypes import utcnow
from app.core.extensions import db
from tests.conftest import postgres_test_database


@pytest.fixture()
def fresh_database_url(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        yield from postgres_test_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"


@pytest.fixture()
def migrated_app(make_app, fresh_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_head_gives_exactly_the_models_schema(migrated_app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_to_base_removes_every_table(migrated_app):
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


BEFORE_FORMAT_2 = "b1a2c3d40005"
_ROWS = (
    "INSERT INTO measures (id, organisation, status, evidence_level, evidence_label, harm_flag,"
    " created_at, updated_at) VALUES (1, 'Org A', 'published', 4, 'Supported', false, :now, :now)",
    "INSERT INTO measure_revisions (id, measure_id, number, state, created_at, updated_at, title,"
    " summary, prevention_level, organisation, evidence_level, evidence_label, harm_flag,"
    " evidence_ruleset, evidence) VALUES (1, 1, 1, 'published', :now, :now, 'Safe Together',"
    " 'A ten-session classroom programme.', 'primary', 'Org A', 4, 'Supported', false, '2026.1',"
    " '{}')",
    "UPDATE measures SET published_revision_id = 1 WHERE id = 1",
    "INSERT INTO evaluations (id, revision_id, position, design, year, outcomes, effect, findings)"
    " VALUES (1, 1, 0, 'rct', 2019, '[\"disclosure\"]', 'positive', 'Children disclosed more.')",
    "INSERT INTO attachments (id, evaluation_id, sha256, filename, size_bytes, page_count, text,"
    " created_at) VALUES (1, 1, :sha, 'study.pdf', 10, 1, '', :now)",
)


def test_the_format_2_migration_keeps_the_measures_and_reports_it_finds(
    make_app, fresh_database_url
):
    """The tables other tables point at are rebuilt (SQLite batch mode): the rows and the
    links between them survive, the new list columns start empty, and a way back exists."""
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        upgrade(revision=BEFORE_FORMAT_2)
        with db.engine.begin() as conn:
            for statement in _ROWS:
                conn.execute(text(statement), {"now": utcnow(), "sha": "0" * 64})
        upgrade()
        with db.engine.connect() as conn:
            revision = conn.execute(
                text("SELECT contacts, reference_list, evidence_provisional, evidence_digest"
                     " FROM measure_revisions")
            ).one()  # fmt: skip
            assert (json_value(revision[0]), json_value(revision[1])) == ([], [])
            assert (bool(revision[2]), revision[3]) == (False, "")
            assert conn.execute(text("SELECT effect FROM evaluations")).scalar() == "positive"
            assert conn.execute(text("SELECT evaluation_id FROM attachments")).scalar() == 1
            assert conn.execute(text("SELECT published_revision_id FROM measures")).scalar() == 1
            # An evaluation given with results only, as format 2 allows.
            conn.execute(text("UPDATE evaluations SET effect = NULL"))
            conn.commit()
        downgrade(revision=BEFORE_FORMAT_2)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT effect FROM evaluations")).scalar() == "not_reported"
        db.session.remove()
        db.engine.dispose()


def json_value(value):
    return json.loads(value) if isinstance(value, str) else value


def test_measures_without_an_external_id_get_a_stable_one(make_app, fresh_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    insert = (
        "INSERT INTO measures (id, external_id, organisation, status, evidence_level,"
        " evidence_label, harm_flag, created_at, updated_at)"
        " VALUES (:id, :ext, 'Org', 'draft', 0, 'Not evaluated', false, :now, :now)"
    )
    with app.app_context():
        upgrade(revision="c2027a000006")
        with db.engine.begin() as conn:
            for measure_id, ext in ((1, None), (2, "prevent-hub-3"), (3, None), (4, "mine")):
                conn.execute(text(insert), {"id": measure_id, "ext": ext, "now": utcnow()})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, external_id FROM measures ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [
            (1, "prevent-hub-1"),
            (2, "prevent-hub-3"),
            (3, "prevent-hub-3-2"),  # the plain name was taken by an imported record
            (4, "mine"),
        ]
        db.session.remove()
        db.engine.dispose()


def test_external_ids_become_unique_per_owner_and_the_way_back_refuses_shared_ones(
    make_app, fresh_database_url
):
    """Issue 15: the measures of two owners may share an external id, one owner's may not;
    the downgrade (one id across the site) names the shared ids instead of losing any."""
    from tests.conftest import make_user

    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    insert = text(
        "INSERT INTO measures (id, external_id, owner_id, organisation, status, evidence_level,"
        " evidence_label, harm_flag, created_at, updated_at)"
        " VALUES (:id, :ext, :owner, 'Org', 'draft', 0, 'Not evaluated', false, :now, :now)"
    )
    with app.app_context():
        upgrade(revision="f2027d000009")
        first, second = make_user().id, make_user().id
        with db.engine.begin() as conn:
            conn.execute(insert, {"id": 1, "ext": "shared", "owner": first, "now": utcnow()})
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(insert, {"id": 2, "ext": "shared", "owner": second, "now": utcnow()})
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"id": 3, "ext": "shared", "owner": first, "now": utcnow()})
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, owner_id FROM measures ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, first), (2, second)]

        config = app.extensions["migrate"].migrate.get_config()
        with pytest.raises(RuntimeError, match="measures of different owners share shared;"):
            alembic_command.downgrade(config, "f2027d000009")  # as `flask db downgrade` runs it
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                "g2027e000010"
            )
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE measures SET external_id = 'other' WHERE id = 2"))
        downgrade(revision="f2027d000009")
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"id": 3, "ext": "shared", "owner": second, "now": utcnow()})
        db.session.remove()
        db.engine.dispose()
