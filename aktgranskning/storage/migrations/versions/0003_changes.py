"""Schema 3: the change log that lets several reviewers work on one enhet, each in a file of
their own, and the record of who has which akt open.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("writer", sa.String, nullable=False),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("who", sa.String, nullable=False),
        sa.Column("register", sa.String, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("old_value", sa.Text, nullable=False),
        sa.Column("replaces", sa.Text, nullable=False),
    )
    op.create_index("ix_changes_register", "changes", ["register"])
    op.create_table(
        "presence",
        sa.Column("writer", sa.String, primary_key=True),
        sa.Column("who", sa.String, nullable=False),
        sa.Column("case_id", sa.Integer, nullable=True),
        sa.Column("heartbeat", sa.String, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("presence")
    op.drop_index("ix_changes_register", "changes")
    op.drop_table("changes")
