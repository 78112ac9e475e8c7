"""Users keep the interface language they chose in the language switcher (issue 14)

Revision ID: f2027d000009
Revises: e2027c000008
Create Date: 2026-12-02 11:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f2027d000009"
down_revision = "e2027c000008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("language")
