"""Schema 2: the enhet's analysis texts and improvement activities.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis",
        sa.Column("field", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_by", sa.String, nullable=False),
        sa.Column("updated_at", sa.String, nullable=False),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("activity", sa.Text, nullable=False),
        sa.Column("linked", sa.Text, nullable=False),
        sa.Column("responsible", sa.String, nullable=False),
        sa.Column("due", sa.String, nullable=False),
        sa.Column("follow_up", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("from_year", sa.Integer, nullable=True),
        sa.CheckConstraint(
            "status IN ('planerad', 'pagaende', 'genomford', 'ej_genomford')", name="ck_activities_status"
        ),
    )


def downgrade() -> None:
    op.drop_table("activities")
    op.drop_table("analysis")
