"""Schema 1: metadata, checklists as reviewed, cases, answers, audit log.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "checklists",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("version", sa.String, nullable=False),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sequence", sa.Integer, nullable=False, unique=True),
        sa.Column("case_number", sa.String, nullable=False),
        sa.Column("case_type", sa.String, sa.ForeignKey("checklists.id"), nullable=False),
        sa.Column("gender", sa.String, nullable=False),
        sa.Column("age_group", sa.String, nullable=False),
        sa.Column("caseworker_code", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("is_reserve", sa.Boolean, nullable=False),
        sa.Column("replaces_case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("dropout_reason", sa.String, nullable=True),
        sa.Column("dropout_text", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String, nullable=False),
        sa.Column("updated_at", sa.String, nullable=False),
        sa.CheckConstraint(
            "status IN ('ej_paborjad', 'pagaende', 'klar', 'bortfall')", name="ck_cases_status"
        ),
    )
    op.create_table(
        "answers",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("question_id", sa.String, primary_key=True),
        sa.Column("answer", sa.String, nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String, nullable=False),
        sa.Column("answered_at", sa.String, nullable=False),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('Ja', 'Nej', 'X')", name="ck_answers_answer"
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("who", sa.String, nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("question_id", sa.String, nullable=True),
        sa.Column("field", sa.String, nullable=False),
        sa.Column("old_value", sa.Text, nullable=True),
        sa.Column("new_value", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_case", "audit_log", ["case_id"])


def downgrade() -> None:
    for table in ("audit_log", "answers", "cases", "checklists", "review_meta"):
        op.drop_table(table)
