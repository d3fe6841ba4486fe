"""The tables of a granskningsfil (schema head). Older schemas live in migrations/versions.

SQLAlchemy Core `Table`s, not ORM classes: the store works on connections with Core statements,
and importing the ORM would cost every start of the window a tenth of a second for nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

METADATA = MetaData()

META = Table(
    "review_meta", METADATA,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

CHECKLISTS = Table(
    "checklists", METADATA,
    Column("id", String, primary_key=True),
    Column("version", String, nullable=False),
    Column("content_hash", String, nullable=False),
    Column("definition", Text, nullable=False),  # the checklist as JSON, as reviewed
)

CASES = Table(
    "cases", METADATA,
    Column("id", Integer, primary_key=True),
    Column("sequence", Integer, unique=True, nullable=False),
    Column("case_number", String, nullable=False),
    Column("case_type", String, ForeignKey("checklists.id"), nullable=False),
    Column("gender", String, nullable=False),
    Column("age_group", String, nullable=False),
    Column("caseworker_code", String, nullable=False),
    Column("status", String, nullable=False),
    Column("is_reserve", Boolean, nullable=False, default=False),
    Column("replaces_case_id", Integer, ForeignKey("cases.id"), nullable=True),
    Column("dropout_reason", String, nullable=True),
    Column("dropout_text", Text, nullable=False, default=""),
    Column("reviewer", String, nullable=False, default=""),
    Column("updated_at", String, nullable=False, default=""),
    CheckConstraint("status IN ('ej_paborjad', 'pagaende', 'klar', 'bortfall')", name="ck_cases_status"),
)

ANSWERS = Table(
    "answers", METADATA,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("question_id", String, primary_key=True),
    Column("answer", String, nullable=True),
    Column("comment", Text, nullable=False, default=""),
    Column("reviewer", String, nullable=False, default=""),
    Column("answered_at", String, nullable=False, default=""),
    CheckConstraint("answer IS NULL OR answer IN ('Ja', 'Nej', 'X')", name="ck_answers_answer"),
)

AUDIT = Table(
    "audit_log", METADATA,
    Column("id", Integer, primary_key=True),
    Column("at", String, nullable=False),
    Column("who", String, nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("question_id", String, nullable=True),
    Column("field", String, nullable=False),
    Column("old_value", Text, nullable=True),
    Column("new_value", Text, nullable=True),
    Index("ix_audit_case", "case_id"),
)

# The enhet's analysis texts, one row per field (see domain.analysis.ANALYSIS_FIELDS).
ANALYSIS = Table(
    "analysis", METADATA,
    Column("field", String, primary_key=True),
    Column("value", Text, nullable=False, default=""),
    Column("updated_by", String, nullable=False, default=""),
    Column("updated_at", String, nullable=False, default=""),
)

ACTIVITIES = Table(
    "activities", METADATA,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("activity", Text, nullable=False, default=""),
    Column("linked", Text, nullable=False, default=""),
    Column("responsible", String, nullable=False, default=""),
    Column("due", String, nullable=False, default=""),
    Column("follow_up", Text, nullable=False, default=""),
    Column("status", String, nullable=False),
    Column("from_year", Integer, nullable=True),
    Column("question_ids", Text, nullable=False, default="[]", server_default="[]"),  # 0004: a JSON list of ids
    CheckConstraint(
        "status IN ('planerad', 'pagaende', 'genomford', 'ej_genomford')", name="ck_activities_status"
    ),
)

# Every change a writer made or has seen (domain.changes): the enhet's merge works on these.
CHANGES = Table(
    "changes", METADATA,
    Column("id", String, primary_key=True),
    Column("writer", String, nullable=False),
    Column("at", String, nullable=False),
    Column("who", String, nullable=False),
    Column("register", String, nullable=False),
    Column("value", Text, nullable=False),
    Column("old_value", Text, nullable=False),
    Column("replaces", Text, nullable=False),  # JSON list of change ids
    Index("ix_changes_register", "register"),
)

# The writer of this file: which akt it has open and its last sign of life (one row at most).
PRESENCE = Table(
    "presence", METADATA,
    Column("writer", String, primary_key=True),
    Column("who", String, nullable=False),
    Column("case_id", Integer, nullable=True),
    Column("heartbeat", String, nullable=False),
)
