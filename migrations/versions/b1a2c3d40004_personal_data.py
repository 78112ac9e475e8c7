"""Personal data: export and account deletion (issue 6)

No schema change: a deleted account keeps its users row as an anonymised tombstone (status
"deleted", which the user_status enum already has), reviews.user_id is already nullable, and
the export only reads. The revision stays so the chain of issue 6 keeps its shape.

Revision ID: b1a2c3d40004
Revises: b1a2c3d40003
Create Date: 2026-11-28 02:30:00
"""

revision = "b1a2c3d40004"
down_revision = "b1a2c3d40003"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
