"""PostgreSQL search: per-language tsvector (issue 3); one outbox queue per index consumer
(issue 6)

Revision ID: b1a2c3d40005
Revises: b1a2c3d40004
Create Date: 2026-11-28 02:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b1a2c3d40005"
down_revision = "b1a2c3d40004"
branch_labels = None
depends_on = None


def _empty_search_tables():
    # The PostgreSQL backend's tables are a cache of the measures: rows built by the other
    # analysis would not match the new queries. Emptied, they count as missing, and the next
    # `flask search sync` (or `flask search rebuild`) builds them again.
    op.execute(sa.text("DELETE FROM search_facets"))
    op.execute(sa.text("DELETE FROM search_documents"))


def upgrade():
    _empty_search_tables()
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ts_config", sa.String(length=32), server_default="simple", nullable=False)
        )

    op.create_table(
        "index_consumers",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("backend", sa.String(length=16), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_index_consumers")),
    )
    # The rows queued so far belong to no consumer. Dropped, they are not lost: every host's
    # first `flask search sync` after this registers it and builds its index from the database.
    op.execute(sa.text("DELETE FROM index_changes"))
    with op.batch_alter_table("index_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consumer", sa.String(length=255), nullable=False))
        batch_op.create_index("ix_index_changes_consumer_seq", ["consumer", "seq"], unique=False)


def downgrade():
    # Rows queued for several consumers become the same change several times: harmless, as
    # applying a change twice is (the index reads the measure's current state each time).
    with op.batch_alter_table("index_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_index_changes_consumer_seq")
        batch_op.drop_column("consumer")
    op.drop_table("index_consumers")

    _empty_search_tables()
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_column("ts_config")
