"""PostgreSQL search: facets for outcomes, study design, population level, licence,
certification and unit-cost band, and the evidence verdicts as values of their own (issues 11,
12, 14)

Revision ID: e2027c000008
Revises: d2027b000007
Create Date: 2026-12-02 11:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e2027c000008"
down_revision = "d2027b000007"
branch_labels = None
depends_on = None


def _empty_search_tables():
    # The tables are a cache of the measures: rows indexed before lack the new facet values.
    # Emptied, they count as missing, and the next `flask search sync` builds them again.
    op.execute(sa.text("DELETE FROM search_facets"))
    op.execute(sa.text("DELETE FROM search_documents"))


def upgrade():
    _empty_search_tables()


def downgrade():
    _empty_search_tables()
