"""Screenshots of several reviewers on one enhet (issue 19): the case list with others present, a
conflict in the akt, and the offline notice — at 100 % into docs/tillsammans-*.png and at 150 % on a
1366×768 screen into docs/screens/tillsammans-*-150.png, each scale in a process of its own (Qt fixes
the scale when it starts). Prints what it measured: controls that do not fit the window.

    python scripts/together_screenshots.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from aktgranskning.gui.background import wait_until_idle

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCREENS = DOCS / "screens"
SCREEN = {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "dpr": 1}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--skala":
        return _pictures(sys.argv[2])
    SCREENS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "skarm.json"
        config.write_text(json.dumps({"screens": [SCREEN]}), encoding="utf-8")
        for percent, factor in (("100", "1"), ("150", "1.5")):
            environment = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
                           "QT_SCALE_FACTOR": factor}
            subprocess.run([sys.executable, __file__, "--skala", percent], env=environment, check=True)
    return 0


def _as_computer(folder: Path, name: str) -> None:
    os.environ["AKTGRANSKNING_DATAMAPP"] = str(folder)
    os.environ["AKTGRANSKNING_DATORNAMN"] = name


def _pictures(percent: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _as_computer(root / "anna", "DATOR1")
        from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

        from aktgranskning.domain.answers import Answer
        from aktgranskning.domain.case import CaseStatus
        from aktgranskning.gui.launch import build_main_window, create_application
        from aktgranskning.services.opening import open_review_file
        from aktgranskning.services.settings import REVIEWER_NAME

        _app = create_application()  # held: the windows need the application alive
        window = build_main_window()
        window.settings.set(REVIEWER_NAME, "Anna")
        window._show_reviewer()
        if percent == "100":
            window.resize(1366, 768)  # as the README's pictures; at 150 % the window as it opens
        window.show()
        window.open_demo()
        session = window.session
        assert session is not None and session.link is not None
        enhet = session.path
        others = {}
        for name, computer in (("Bertil", "DATOR2"), ("Cecilia", "DATOR3")):
            _as_computer(root / name.lower(), computer)
            others[name] = open_review_file(enhet, reviewer=name)
        _as_computer(root / "anna", "DATOR1")
        todo = [c for c in session.cases() if c.in_sample and c.status is not CaseStatus.DONE
                and c.status is not CaseStatus.DROPOUT]
        shared, bertils, cecilias = todo[0], todo[1], todo[2]
        gaps = [s.question_id for s in session.question_states(shared.id) if s.stored is None][:2]

        def out(name: str) -> str:
            return str(DOCS / f"{name}.png") if percent == "100" else str(SCREENS / f"{name}-{percent}.png")

        def settle() -> None:
            for other in others.values():
                assert other.link is not None and other.link.publisher.flush()
            window.watch.read_now()
            for _ in range(100):
                wait_until_idle()
                if not window.watch.reading:
                    break
                import time

                time.sleep(0.02)
            wait_until_idle()

        def off_screen(page: QWidget) -> list[str]:
            from PySide6.QtCore import QPoint, QRect

            inside, off = window.rect(), []
            for control in page.findChildren(QWidget):
                if isinstance(control, (QAbstractButton, QComboBox)) and control.isVisible():
                    rect = QRect(control.mapTo(window, QPoint(0, 0)), control.size())
                    scrolled = page.review.questions_scroll.isAncestorOf(control) if hasattr(page, "review") else False
                    if not scrolled and not inside.contains(rect) and not _in_scroll(control, page):
                        off.append(control.text() if isinstance(control, QAbstractButton) else "lista")
            return off

        # Anna and Bertil answer the same question differently from the same state: a conflict.
        window.open_case(shared.id)
        for question_id, answer in zip(gaps, (Answer.YES, Answer.NO), strict=True):
            window.session.set_answer(shared.id, question_id, answer)
        others["Bertil"].set_answer(shared.id, gaps[0], Answer.NO)
        others["Bertil"].set_answer(shared.id, gaps[1], Answer.NO)
        others["Bertil"].set_presence(bertils.id)
        others["Cecilia"].set_presence(cecilias.id)
        window.show_case_list()
        settle()
        window.case_list.select_case(bertils.id)
        wait_until_idle()
        window.grab().save(out("tillsammans-arendelista"))
        measured: dict[str, object] = {"ärendelista": off_screen(window.case_list)}

        others["Cecilia"].set_presence(shared.id)
        settle()
        window.open_case(shared.id)
        review = window.review
        row = next(r for r in review.rows if r.question.id == gaps[0])
        review.focus_row(row)
        wait_until_idle()
        window.grab().save(out("tillsammans-konflikt"))
        measured["konflikt"] = off_screen(review)
        measured["konflikt_synlig"] = row.conflict_box.isVisible()

        window.show_case_list()
        away = enhet.parent.with_name(enhet.parent.name + "-borta")
        enhet.parent.rename(away)
        try:
            settle()
            window.grab().save(out("tillsammans-offline"))
            measured["offline"] = off_screen(window.case_list)
            measured["offline_text"] = window.case_list.notices.text()
            window.open_case(shared.id)
            wait_until_idle()
            window.grab().save(out("tillsammans-akt-offline"))
            measured["akt_offline"] = off_screen(window.review)
            measured["akt_offline_rows_in_view"] = window.review.questions_scroll.viewport().height()
        finally:
            away.rename(enhet.parent)
        for other in others.values():
            other.close()
        window.close()
        wait_until_idle()
        print(json.dumps(measured, ensure_ascii=False))
    return 0


def _in_scroll(control: object, page: object) -> bool:
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = control.parentWidget()  # type: ignore[attr-defined]
    while parent is not None and parent is not page:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


if __name__ == "__main__":
    sys.exit(main())
