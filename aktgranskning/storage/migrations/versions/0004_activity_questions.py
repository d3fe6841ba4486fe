"""Schema 4: the questions an improvement activity targets, by stable question id (a JSON list),
so next year's result for them can be followed up. Existing activities get none ('[]').

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("question_ids", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("question_ids")
