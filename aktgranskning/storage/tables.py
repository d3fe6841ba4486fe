"""The tables of a granskningsfil (schema head). Older schemas live in migrations/versions."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class MetaRow(Base):
    __tablename__ = "review_meta"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChecklistRow(Base):
    __tablename__ = "checklists"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    version: Mapped[str] = mapped_column(String)
    content_hash: Mapped[str] = mapped_column(String)
    definition: Mapped[str] = mapped_column(Text)  # the checklist as JSON, as reviewed


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    case_number: Mapped[str] = mapped_column(String)
    case_type: Mapped[str] = mapped_column(ForeignKey("checklists.id"))
    gender: Mapped[str] = mapped_column(String)
    age_group: Mapped[str] = mapped_column(String)
    caseworker_code: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    is_reserve: Mapped[bool] = mapped_column(Boolean, default=False)
    replaces_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    dropout_reason: Mapped[str | None] = mapped_column(String, nullable=True)
    dropout_text: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String, default="")
    updated_at: Mapped[str] = mapped_column(String, default="")
    __table_args__ = (
        CheckConstraint(
            "status IN ('ej_paborjad', 'pagaende', 'klar', 'bortfall')", name="ck_cases_status"
        ),
    )


class AnswerRow(Base):
    __tablename__ = "answers"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String, primary_key=True)
    answer: Mapped[str | None] = mapped_column(String, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String, default="")
    answered_at: Mapped[str] = mapped_column(String, default="")
    __table_args__ = (
        CheckConstraint("answer IS NULL OR answer IN ('Ja', 'Nej', 'X')", name="ck_answers_answer"),
    )


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String)
    who: Mapped[str] = mapped_column(String)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    question_id: Mapped[str | None] = mapped_column(String, nullable=True)
    field: Mapped[str] = mapped_column(String)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_audit_case", "case_id"),)


class AnalysisRow(Base):
    """The enhet's analysis texts, one row per field (see domain.analysis.ANALYSIS_FIELDS)."""

    __tablename__ = "analysis"
    field: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String, default="")
    updated_at: Mapped[str] = mapped_column(String, default="")


class ActivityRow(Base):
    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(Text, default="")
    linked: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String, default="")
    due: Mapped[str] = mapped_column(String, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String)
    from_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (
        CheckConstraint(
            "status IN ('planerad', 'pagaende', 'genomford', 'ej_genomford')", name="ck_activities_status"
        ),
    )
