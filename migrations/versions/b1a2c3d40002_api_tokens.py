"""API tokens (issue 5)

Revision ID: b1a2c3d40002
Revises: 35504c5d2038
Create Date: 2026-11-28 02:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "b1a2c3d40002"
down_revision = "35504c5d2038"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
