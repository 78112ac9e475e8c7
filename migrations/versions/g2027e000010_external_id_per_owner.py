"""External ids are unique per owner, not across the site (issue 15): a 422 on external_id no
longer tells a writer that somebody else's measure, published or not, uses the id

Revision ID: g2027e000010
Revises: f2027d000009
Create Date: 2026-12-02 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "g2027e000010"
down_revision = "f2027d000009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("measures") as batch_op:
        batch_op.drop_constraint("uq_measures_external_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_measures_owner_external_id", ["owner_id", "external_id"]
        )
        batch_op.create_index("ix_measures_external_id", ["external_id"], unique=False)


def downgrade():
    # Back to one id across the site: refuse rather than drop or rename anybody's id.
    shared = sa.text(
        "SELECT external_id FROM measures WHERE external_id IS NOT NULL"
        " GROUP BY external_id HAVING COUNT(*) > 1 ORDER BY external_id"
    )
    duplicates = list(op.get_bind().scalars(shared))
    if duplicates:
        raise RuntimeError(
            "cannot make external ids unique across the site again: measures of different"
            f" owners share {', '.join(duplicates)}; change those ids first"
        )
    with op.batch_alter_table("measures") as batch_op:
        batch_op.drop_index("ix_measures_external_id")
        batch_op.drop_constraint("uq_measures_owner_external_id", type_="unique")
        batch_op.create_unique_constraint("uq_measures_external_id", ["external_id"])
