"""Personal data: export and account deletion (issue 6)

Revision ID: b1a2c3d40004
Revises: b1a2c3d40003
Create Date: 2026-11-28 02:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "b1a2c3d40004"
down_revision = "b1a2c3d40003"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
