"""Render the windows offscreen on a 1366×768 screen into docs/ for the README and the user guide:
the pictures the README shows (at 100 %), and docs/screens/<sida>-<skala>.png at 100, 125 and 150 %
scaling — what a municipal laptop shows — each in a fresh process (the scale is fixed at start).

    python scripts/screenshots.py
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
SCALES = {"100": "1", "125": "1.25", "150": "1.5"}
SCREEN = {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "dpr": 1}


def offscreen_environment(scale: str, folder: Path) -> dict[str, str]:
    """The offscreen platform with one 1366×768 screen (a JSON config) at the given scale factor."""
    config = folder / "skarm.json"
    config.write_text(json.dumps({"screens": [SCREEN]}), encoding="utf-8")
    return {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": scale}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--skala":
        return _scaled_pages(sys.argv[2])
    SCREENS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for percent, factor in SCALES.items():
            environment = offscreen_environment(factor, Path(folder))
            subprocess.run([sys.executable, __file__, "--skala", percent], env=environment, check=True)
        environment = offscreen_environment("1", Path(folder))
        subprocess.run([sys.executable, __file__, "--readme"], env=environment, check=True)
    print(f"Skärmbilder sparade i {DOCS} och {SCREENS}")
    return 0


def _scaled_pages(percent: str) -> int:
    """Start page, case list, review page and analysis page as the window opens on this screen."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["AKTGRANSKNING_DATAMAPP"] = folder

        from aktgranskning.gui.launch import build_main_window, create_application

        app = create_application()
        window = build_main_window()
        _name_the_reviewer(window)
        window.show()
        wait_until_idle()
        window.grab().save(str(SCREENS / f"startsida-{percent}.png"))
        window.open_demo()
        wait_until_idle()
        window.grab().save(str(SCREENS / f"arendelista-{percent}.png"))
        case = window.session.first_unfinished_case()
        window.open_case(case.id)
        wait_until_idle()
        window.grab().save(str(SCREENS / f"granskning-{percent}.png"))
        window.show_results()
        wait_until_idle()
        window.grab().save(str(SCREENS / f"resultat-{percent}.png"))
        window.show_analysis()
        wait_until_idle()
        window.grab().save(str(SCREENS / f"analys-{percent}.png"))
        from aktgranskning.gui.sampling_dialog import SamplingDialog

        dialog = SamplingDialog(window.workspace, window)
        dialog.show()
        wait_until_idle()
        export = Path(folder) / "export.csv"
        rows = ["Ärendenummer;Kön;Ålder;Handläggare;Enhet"] + [
            f"K-{i};{'K' if i % 2 else 'M'};{i % 17};S{i % 6};{'Norr' if i < 40 else 'Söder'}" for i in range(70)]
        export.write_text("\n".join(rows) + "\n", encoding="utf-8")
        dialog.source.setText(str(export))
        dialog.seed.setText("5")
        dialog.preview()
        wait_until_idle()
        dialog.grab().save(str(SCREENS / f"urval-{percent}.png"))
        dialog.close()
        available = app.primaryScreen().availableGeometry()
        print(f"{percent} %: skärmens tillgängliga yta {available.width()}×{available.height()}, "
              f"fönstret {window.frameGeometry().width()}×{window.frameGeometry().height()}")
        window.close()
        wait_until_idle()
    return 0


def _name_the_reviewer(window) -> None:  # type: ignore[no-untyped-def]
    """As a user has done once: without a name, the first edit of the analysis asks for one."""
    from aktgranskning.services.settings import REVIEWER_NAME

    window.settings.set(REVIEWER_NAME, "AB")
    window._show_reviewer()


def _readme_pictures() -> int:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["AKTGRANSKNING_DATAMAPP"] = folder

        from aktgranskning.domain.answers import Answer
        from aktgranskning.gui.launch import build_main_window, create_application

        app = create_application()
        window = build_main_window()
        _name_the_reviewer(window)
        window.resize(1366, 768)
        window.show()
        wait_until_idle()
        window.grab().save(str(DOCS / "startsida.png"))
        window.open_demo()
        wait_until_idle()
        window.grab().save(str(DOCS / "arendelista.png"))
        case = window.session.first_unfinished_case()
        window.open_case(case.id)
        row = next(r for r in window.review.rows if r.state and r.state.stored is None)
        row.toggle_help()
        wait_until_idle()
        window.grab().save(str(DOCS / "granskning.png"))
        utredning = next(c for c in window.session.cases() if c.case_type == "utredning" and c.in_sample
                         and c.status.value == "ej_paborjad")
        window.open_case(utredning.id)
        for question_id, answer in (("ut.anledning", "Ja"), ("ut.vem_avses", "Ja"), ("ut.familjen_planering", "Nej"),
                                    ("ut.skyndsamt", "Ja"), ("ut.barnet_till_tals", "Ja")):
            window.session.set_answer(utredning.id, question_id, Answer(answer))
        window.review.refresh()
        next(r for r in window.review.rows if r.question.id == "ut.barnets_installning").setFocus()
        wait_until_idle()
        window.review.questions_scroll.verticalScrollBar().setValue(230)
        wait_until_idle()
        window.grab().save(str(DOCS / "granskning-villkor.png"))
        window.show_results()
        wait_until_idle()
        window.grab().save(str(DOCS / "resultat.png"))
        window.show_analysis()
        window.analysis.carry_over_previous()
        wait_until_idle()
        window.analysis.scroll_area.verticalScrollBar().setValue(window.analysis.scroll_area.verticalScrollBar().maximum())
        wait_until_idle()
        window.grab().save(str(DOCS / "analys.png"))
        _report_pages(window.session.path)
        _summary_window(window, app)
        window.close()
        wait_until_idle()
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
    wait_until_idle()
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

    year = review_file.stem[-4:]
    previous = review_file.with_name(review_file.name.replace(year, str(int(year) - 1)))
    session = open_for_reading(review_file)
    try:
        report = unit_report(session, previous)
    finally:
        session.close()
    pdf = review_file.with_name("rapport.pdf")
    export_unit_report(report, None, pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "2", str(pdf), str(DOCS / "rapport-sida")],
                   check=True)


if __name__ == "__main__":
    sys.exit(_readme_pictures() if sys.argv[1:] == ["--readme"] else main())
