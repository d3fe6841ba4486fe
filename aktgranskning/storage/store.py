"""Reading and writing one granskningsfil. Each `transaction()` is one durable commit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from aktgranskning.checklist_files import checklist_data, checklist_from_json, checklist_to_json
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, CaseStatus, DropoutReason, Gender
from aktgranskning.domain.checklist import Checklist
from aktgranskning.domain.review_file import AnswerRecord, AuditEntry, FileMeta
from aktgranskning.storage.engine import open_engine
from aktgranskning.storage.migrate import current_revision
from aktgranskning.storage.tables import AnswerRow, AuditRow, Base, CaseRow, ChecklistRow, MetaRow

_META_KEYS = {
    "file_uuid": "file_uuid",
    "administration": "forvaltning",
    "area": "omrade",
    "unit": "enhet",
    "year": "ar",
    "app_version": "app_version",
    "created_at": "skapad",
}


class ReviewStore:
    """One open granskningsfil."""

    def __init__(self, path: Path, engine: Engine, read_only: bool = False) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path, read_only: bool = False) -> ReviewStore:
        return cls(path, open_engine(path, read_only=read_only), read_only)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[ReviewTransaction]:
        with Session(self.engine) as session, session.begin():
            yield ReviewTransaction(session)

    def schema_revision(self) -> str | None:
        return current_revision(self.engine)


class ReviewTransaction:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- metadata and checklists -------------------------------------------------------------
    def write_meta(self, meta: FileMeta) -> None:
        for attribute, key in _META_KEYS.items():
            self.session.merge(MetaRow(key=key, value=str(getattr(meta, attribute))))

    def read_meta(self) -> FileMeta:
        values = {row.key: row.value for row in self.session.scalars(select(MetaRow))}
        return FileMeta(
            file_uuid=values.get("file_uuid", ""),
            administration=values.get("forvaltning", ""),
            area=values.get("omrade", ""),
            unit=values.get("enhet", ""),
            year=int(values.get("ar", "0") or 0),
            app_version=values.get("app_version", ""),
            created_at=values.get("skapad", ""),
        )

    def meta_values(self) -> dict[str, str]:
        return {row.key: row.value for row in self.session.scalars(select(MetaRow))}

    def add_checklist(self, checklist: Checklist) -> None:
        self.session.add(
            ChecklistRow(
                id=checklist.id,
                version=checklist.version,
                content_hash=checklist.content_hash,
                definition=checklist_to_json(checklist_data(checklist)),
            )
        )
        self.session.flush()

    def checklists(self) -> dict[str, Checklist]:
        rows = self.session.scalars(select(ChecklistRow)).all()
        return {row.id: checklist_from_json(row.definition, source=f"checklistan {row.id}") for row in rows}

    def checklist_rows(self) -> list[tuple[str, str, str, str]]:
        """(id, version, stored hash, definition) — for the integrity check."""
        return [
            (r.id, r.version, r.content_hash, r.definition)
            for r in self.session.scalars(select(ChecklistRow))
        ]

    # --- cases --------------------------------------------------------------------------------
    def add_case(self, case: Case, at: str) -> int:
        row = CaseRow(
            sequence=case.sequence,
            case_number=case.case_number,
            case_type=case.case_type,
            gender=case.gender.value,
            age_group=case.age_group,
            caseworker_code=case.caseworker_code,
            status=case.status.value,
            is_reserve=case.is_reserve,
            replaces_case_id=case.replaces_case_id,
            dropout_reason=case.dropout_reason.value if case.dropout_reason else None,
            dropout_text=case.dropout_text,
            reviewer=case.reviewer,
            updated_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def cases(self) -> list[Case]:
        rows = self.session.scalars(select(CaseRow).order_by(CaseRow.sequence)).all()
        return [_case_from_row(row) for row in rows]

    def case(self, case_id: int) -> Case:
        row = self.session.get(CaseRow, case_id)
        if row is None:
            raise KeyError(case_id)
        return _case_from_row(row)

    def update_case(self, case_id: int, at: str, **changes: object) -> None:
        row = self.session.get(CaseRow, case_id)
        if row is None:
            raise KeyError(case_id)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = at

    # --- answers ------------------------------------------------------------------------------
    def answer_records(self, case_id: int) -> dict[str, AnswerRecord]:
        rows = self.session.scalars(select(AnswerRow).where(AnswerRow.case_id == case_id))
        return {row.question_id: _record_from_row(row) for row in rows}

    def all_answers(self) -> dict[int, dict[str, Answer | None]]:
        result: dict[int, dict[str, Answer | None]] = {}
        for case_id, question_id, answer in self.session.execute(
            select(AnswerRow.case_id, AnswerRow.question_id, AnswerRow.answer)
        ):
            result.setdefault(case_id, {})[question_id] = Answer(answer) if answer else None
        return result

    def reviewers_by_case(self) -> dict[int, list[str]]:
        """Who answered questions in each case, in order of first appearance."""
        result: dict[int, list[str]] = {}
        query = select(AnswerRow.case_id, AnswerRow.reviewer).where(AnswerRow.answer.is_not(None)).distinct()
        for case_id, reviewer in self.session.execute(query.order_by(AnswerRow.case_id, AnswerRow.reviewer)):
            if reviewer:
                result.setdefault(case_id, []).append(reviewer)
        return result

    def put_answer(self, case_id: int, record: AnswerRecord) -> None:
        row = self.session.get(AnswerRow, (case_id, record.question_id))
        if row is None:
            row = AnswerRow(case_id=case_id, question_id=record.question_id)
            self.session.add(row)
        row.answer = record.answer.value if record.answer else None
        row.comment = record.comment
        row.reviewer = record.reviewer
        row.answered_at = record.answered_at

    def delete_answers_without_content(self, case_id: int) -> None:
        self.session.execute(
            delete(AnswerRow).where(
                AnswerRow.case_id == case_id, AnswerRow.answer.is_(None), AnswerRow.comment == ""
            )
        )

    # --- audit --------------------------------------------------------------------------------
    def audit(self, entry: AuditEntry) -> None:
        self.session.add(
            AuditRow(
                at=entry.at,
                who=entry.who,
                case_id=entry.case_id,
                question_id=entry.question_id,
                field=entry.field,
                old_value=entry.old_value,
                new_value=entry.new_value,
            )
        )

    def audit_entries(self, case_id: int | None = None) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id)
        if case_id is not None:
            query = query.where(AuditRow.case_id == case_id)
        return [
            AuditEntry(r.at, r.who, r.case_id, r.question_id, r.field, r.old_value, r.new_value)
            for r in self.session.scalars(query)
        ]

    def count_rows(self) -> dict[str, int]:
        return {
            table.name: self.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def _case_from_row(row: CaseRow) -> Case:
    return Case(
        id=row.id,
        sequence=row.sequence,
        case_number=row.case_number,
        case_type=row.case_type,
        gender=Gender(row.gender),
        age_group=row.age_group,
        caseworker_code=row.caseworker_code,
        status=CaseStatus(row.status),
        is_reserve=row.is_reserve,
        replaces_case_id=row.replaces_case_id,
        dropout_reason=DropoutReason(row.dropout_reason) if row.dropout_reason else None,
        dropout_text=row.dropout_text,
        reviewer=row.reviewer,
    )


def _record_from_row(row: AnswerRow) -> AnswerRecord:
    return AnswerRecord(
        question_id=row.question_id,
        answer=Answer(row.answer) if row.answer else None,
        comment=row.comment,
        reviewer=row.reviewer,
        answered_at=row.answered_at,
    )


