"""PostgreSQL search: per-language tsvector (issue 3)

Revision ID: b1a2c3d40005
Revises: b1a2c3d40004
Create Date: 2026-11-28 02:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "b1a2c3d40005"
down_revision = "b1a2c3d40004"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
