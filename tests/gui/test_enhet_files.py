"""Arkiv → Samla enhetens filer i en fil… and Arkiv → För in kopior… in the window."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QFileDialog, QMessageBox

from aktgranskning.domain.answers import Answer
from aktgranskning.services.opening import open_for_filling, open_for_reading
from tests.gui.test_together import anna, bertil, enhet, publish  # noqa: F401  (fixtures)


def _told(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    said: list[str] = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, lambda _parent, _title, text, *a: said.append(text))
    return said


def test_collecting_asks_about_open_conflicts_and_writes_the_whole_enhet(anna, bertil, enhet, tmp_path, monkeypatch):
    case = anna.session.cases()[0]
    question = anna.session.question_states(case.id)[0].question_id
    anna.session.set_answer(case.id, question, Answer.YES)
    bertil.set_answer(case.id, question, Answer.NO)
    publish(bertil)
    publish(anna.session)
    target = tmp_path / "ut" / "Samlad.granskning"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said = _told(monkeypatch)
    asked: list[str] = []

    def no(_parent, _title, text, *_a):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", no)
    anna.collect_files()
    assert asked and "1 konflikt" in asked[0] and not target.exists()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    anna.collect_files()
    assert target.exists() and "ur 3 filer" in said[-1] and "1 konflikter står kvar" in said[-1]
    reader = open_for_reading(target)
    try:
        assert reader.sources == 1 and len(reader.conflicts()) == 1
    finally:
        reader.close()


def test_copies_from_an_older_version_are_brought_in_and_shown(anna, enhet, tmp_path, monkeypatch):
    copy = tmp_path / "kopia" / enhet.name
    copy.parent.mkdir()
    shutil.copyfile(enhet, copy)
    filled = open_for_filling(copy, reviewer="CD")  # an older version wrote answers into the copy itself
    try:
        case = filled.cases()[1]
        question = filled.question_states(case.id)[0].question_id
        filled.apply_answers({case.id: {question: Answer.NO}}, "CD", "2026-10-01T10:00:00+02:00")
    finally:
        filled.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(copy)], ""))
    said = _told(monkeypatch)
    anna.bring_in_copies()
    assert said and said[-1].startswith("Förde in 1 svar")
    states = {s.question_id: s.stored for s in anna.session.question_states(case.id)}
    assert states[question] is Answer.NO
    assert not anna.session.read_only and anna.session.link is not None
