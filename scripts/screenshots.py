"""Render the windows offscreen at 1366×768 into docs/ for the README and the user guide.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["AKTGRANSKNING_DATAMAPP"] = folder
        from PySide6.QtWidgets import QApplication

        from aktgranskning.domain.answers import Answer
        from aktgranskning.gui.launch import build_main_window, create_application

        app = create_application()
        window = build_main_window()
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        window.grab().save(str(DOCS / "startsida.png"))
        window.open_demo()
        app.processEvents()
        window.grab().save(str(DOCS / "arendelista.png"))
        case = window.session.first_unfinished_case()
        window.open_case(case.id)
        row = next(r for r in window.review.rows if r.state and r.state.stored is None)
        row.toggle_help()
        app.processEvents()
        window.grab().save(str(DOCS / "granskning.png"))
        utredning = next(c for c in window.session.cases() if c.case_type == "utredning" and c.in_sample
                         and c.status.value == "ej_paborjad")
        window.open_case(utredning.id)
        for question_id, answer in (("ut.anledning", "Ja"), ("ut.vem_avses", "Ja"), ("ut.familjen_planering", "Nej"),
                                    ("ut.skyndsamt", "Ja"), ("ut.barnet_till_tals", "Ja")):
            window.session.set_answer(utredning.id, question_id, Answer(answer))
        window.review.refresh()
        next(r for r in window.review.rows if r.question.id == "ut.barnets_installning").setFocus()
        app.processEvents()
        window.review.scroll.verticalScrollBar().setValue(230)
        app.processEvents()
        window.grab().save(str(DOCS / "granskning-villkor.png"))
        window.show_results()
        app.processEvents()
        window.grab().save(str(DOCS / "resultat.png"))
        window.show_analysis()
        window.analysis.carry_over_previous()
        app.processEvents()
        window.analysis.scroll.verticalScrollBar().setValue(window.analysis.scroll.verticalScrollBar().maximum())
        app.processEvents()
        window.grab().save(str(DOCS / "analys.png"))
        _report_pages(window.session.path)
        _summary_window(window, app)
        window.close()
        QApplication.processEvents()
    print(f"Skärmbilder sparade i {DOCS}")
    return 0


def _summary_window(window, app) -> None:  # type: ignore[no-untyped-def]
    """The summary window over this demo's three enheter."""
    from aktgranskning.gui.summary_dialog import SummaryDialog

    folder = window.session.path.parent
    year = window.session.meta.year
    dialog = SummaryDialog(window)
    dialog.resize(1366, 768)
    dialog.add_paths(sorted(folder.glob(f"* {year}.granskning")))
    dialog.show()
    dialog.run()
    app.processEvents()
    dialog.grab().save(str(DOCS / "sammanstallning.png"))
    dialog.close()


def _report_pages(review_file: Path) -> None:
    """The enhet PDF against last year, its first two pages as PNG (needs pdftoppm)."""
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        print("pdftoppm saknas; sidbilderna av pdf-rapporten hoppades över.")
        return
    from aktgranskning.services.opening import open_for_reading
    from aktgranskning.services.report import export_unit_report, unit_report

    previous = review_file.with_name(review_file.name.replace(review_file.stem[-4:], str(int(review_file.stem[-4:]) - 1)))
    session = open_for_reading(review_file)
    try:
        report = unit_report(session, previous)
    finally:
        session.close()
    pdf = review_file.with_name("rapport.pdf")
    export_unit_report(report, None, pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "2", str(pdf), str(DOCS / "rapport-sida")], check=True)


if __name__ == "__main__":
    sys.exit(main())
