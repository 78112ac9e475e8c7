"""Every measure has a stable external_id: measures created without one get "prevent-hub-<id>"
(issue 14: exports must re-import as updates of the same measures)

Revision ID: d2027b000007
Revises: c2027a000006
Create Date: 2026-12-02 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d2027b000007"
down_revision = "c2027a000006"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    taken = set(
        conn.scalars(sa.text("SELECT external_id FROM measures WHERE external_id IS NOT NULL"))
    )
    missing = conn.scalars(sa.text("SELECT id FROM measures WHERE external_id IS NULL ORDER BY id"))
    for measure_id in list(missing):
        # The same rule as app.measures.services.assign_external_id, written out here because
        # a migration must not depend on the application's code as it changes later.
        candidate, suffix = f"prevent-hub-{measure_id}", 1
        while candidate in taken:
            suffix += 1
            candidate = f"prevent-hub-{measure_id}-{suffix}"
        taken.add(candidate)
        conn.execute(
            sa.text("UPDATE measures SET external_id = :value WHERE id = :id"),
            {"value": candidate, "id": measure_id},
        )


def downgrade():
    # The ids given are indistinguishable from ones a submitter chose; keeping them loses nothing.
    pass
