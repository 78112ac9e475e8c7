"""`flask db upgrade` must give exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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
