"""Summaries straight from the server: the same granskningar give the same summary from the
server's results as from their enhet workbooks, only the utvecklare (or the owner) may make one,
and a hostile result row is left out with a message naming its granskning."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from aktgranskning.domain.analysis import Activity, ActivityStatus
from aktgranskning.services import server, server_results, server_roles
from aktgranskning.services.analysis import save_activities, save_analysis_text
from aktgranskning.services.opening import open_review_file
from aktgranskning.storage.server_address import ServerAddress
from aktgranskning.storage.server_results import MAX_RESULT_BYTES
from tests.cli_runner import run_in_process
from tests.support.demo_cache import copy_demo
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres  # a PostgreSQL server of the run's own: CI's own step

PASSWORD = "test-" + secrets.token_hex(8)
READ_LOG = "Inläsning"  # names where each result was read from: a file there, the server here


@dataclass(frozen=True)
class Round:
    files: dict[int, list[Path]]  # year → the enhet files


@pytest.fixture(scope="module")
def demo_round(tmp_path_factory: pytest.TempPathFactory, checklists) -> Round:
    """The demo's enheter, two years, one of them with an analysis and activities."""
    paths = copy_demo(tmp_path_factory.mktemp("demo"), checklists, year=2026)
    _add_analysis(paths[0])
    return Round({year: [p for p in paths if p.stem.endswith(str(year))] for year in (2026, 2025)})


def _workbooks(paths: list[Path], folder: Path) -> list[Path]:
    """Each enhet's workbook as `rapport` writes it."""
    written = []
    for path in paths:
        target = folder / f"{path.stem}.xlsx"
        done = run_in_process("rapport", str(path), "-o", str(target))
        assert done.returncode == 0, done.stderr
        written.append(target)
    return written


def _add_analysis(path: Path) -> None:
    session = open_review_file(path, reviewer="Anna Analys")
    try:
        save_analysis_text(session, "strengths", "Utredningarna är tydliga.")
        question = session.checklists[session.cases()[0].case_type].sections[0].questions[0].id
        save_activities(session, [
            Activity("Ny rutin för uppföljning", "Dokumentation", "Enhetschef", date(2027, 3, 31), "Varje kvartal",
                     ActivityStatus.ONGOING, None, (question,)),
            Activity("Utbildning i BBIC", status=ActivityStatus.PLANNED),
        ])
    finally:
        session.close()


@pytest.fixture
def on_server(pg_server: PostgresServer, admin: ServerAddress, demo_round: Round,
              monkeypatch: pytest.MonkeyPatch) -> dict[str, ServerAddress]:
    """Every file of the round uploaded by the owner; ulla the utvecklare, anna one enhet's reviewer."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    server.initialise_server(admin)
    for year_files in demo_round.files.values():
        for path in year_files:
            assert server.upload_file(admin, path).outcome == "ny"
    logins = {"ulla": f"ulla_{admin.database}", "anna": f"anna_{admin.database}"}
    for login in logins.values():
        pg_server.psql(f'CREATE ROLE "{login}" LOGIN PASSWORD \'{PASSWORD}\'')
    server_roles.grant_access(admin, logins["ulla"], None)
    server_roles.grant_access(admin, logins["anna"], server.list_granskningar(admin)[0].unit)
    return {"owner": admin, **{name: admin.as_user(login) for name, login in logins.items()}}


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    finally:
        book.close()


def _without_sources(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The read log's rows without the file column and the checksum column (the rest: enhet, område, år)."""
    return [row[1:4] for row in rows]


@pytest.mark.slow  # eight enhet workbooks and two summaries: some 15 s
def test_the_summary_from_the_server_equals_the_summary_of_the_enhet_workbooks(
        on_server: dict[str, ServerAddress], demo_round: Round, tmp_path: Path) -> None:
    this_year, last_year = (_workbooks(demo_round.files[year], tmp_path) for year in (2026, 2025))
    from_files = run_in_process("sammanstall", *map(str, this_year), "-o", str(tmp_path / "filer.xlsx"),
                                "--json", str(tmp_path / "filer.json"), "--jamfor", *map(str, last_year))
    assert from_files.returncode == 0, from_files.stderr
    ulla = on_server["ulla"]
    from_server = run_in_process("sammanstall", "--server", ulla.text, "--ar", "2026", "--jamfor-ar", "2025",
                                 "-o", str(tmp_path / "server.xlsx"), "--json", str(tmp_path / "server.json"))
    assert from_server.returncode == 0, from_server.stderr
    assert "(servern)" in from_server.stdout

    file_json = json.loads((tmp_path / "filer.json").read_text(encoding="utf-8"))
    server_json = json.loads((tmp_path / "server.json").read_text(encoding="utf-8"))
    assert server_json == file_json
    assert len(server_json["nivaer"]) > 3 and server_json["jamforelse"]["ar"] == 2025
    assert any(q["ja"] for level in server_json["nivaer"] for q in level["fragor"])

    file_sheets, server_sheets = _sheets(tmp_path / "filer.xlsx"), _sheets(tmp_path / "server.xlsx")
    assert list(server_sheets) == list(file_sheets)
    for name, rows in file_sheets.items():
        if name == READ_LOG:
            assert _without_sources(server_sheets[name]) == _without_sources(rows)
        else:
            assert server_sheets[name] == rows, name
    activities = [row for row in server_sheets["Förbättringsaktiviteter"] if "Ny rutin för uppföljning" in row]
    assert len(activities) == 1


def test_the_stored_result_leaves_out_what_stays_with_the_enhet(on_server: dict[str, ServerAddress],
                                                                demo_round: Round) -> None:
    with server.on_server(on_server["owner"]) as connection:
        rows = connection.execute(text("SELECT data FROM aktgranskning.resultat")).scalars().all()
        numbers = connection.execute(text(
            "SELECT string_agg(case_number, ' ') FROM " + '"'
            + server.list_granskningar(on_server["owner"])[0].schema + '".cases')).scalar_one()
    assert len(rows) == sum(map(len, demo_round.files.values()))
    stored = " ".join(rows)
    assert "Anna Analys" not in stored  # who filled in the analysis
    assert "Utredningarna är tydliga." in stored
    assert all(number not in stored for number in numbers.split())
    assert '"kommentar' not in stored and "case_number" not in stored


def test_only_the_utvecklare_makes_a_summary(on_server: dict[str, ServerAddress], tmp_path: Path) -> None:
    anna = on_server["anna"]
    refused = run_in_process("sammanstall", "--server", anna.text, "--ar", "2026", "-o", str(tmp_path / "s.xlsx"))
    assert refused.returncode != 0
    assert f"{anna.user} får inte sammanställa från servern {anna.text}" in refused.stderr
    assert "--utvecklare" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "s.xlsx").exists()

    no_year = run_in_process("sammanstall", "--server", on_server["ulla"].text, "-o", str(tmp_path / "s.xlsx"))
    assert no_year.returncode != 0 and "--ar ÅR" in no_year.stderr
    empty = run_in_process("sammanstall", "--server", on_server["ulla"].text, "--ar", "2019",
                           "-o", str(tmp_path / "s.xlsx"))
    assert empty.returncode != 0 and "inga granskningar för 2019" in empty.stderr


def test_a_hostile_result_row_is_left_out_and_named(on_server: dict[str, ServerAddress], tmp_path: Path) -> None:
    owner, ulla = on_server["owner"], on_server["ulla"]
    this_year = [g for g in server.list_granskningar(owner) if g.year == 2026]
    broken, huge, good = this_year[0], this_year[1], this_year[2:]
    with server.on_server(owner) as connection:
        connection.execute(text("UPDATE aktgranskning.resultat SET data = replace(data, '\"status\":\"klar\"', "
                                "'\"status\":\"hemlig\"') WHERE granskning_id = :id"), {"id": broken.id})
        connection.execute(text("UPDATE aktgranskning.resultat SET data = repeat('x', :size) "
                                "WHERE granskning_id = :id"), {"size": MAX_RESULT_BYTES + 1, "id": huge.id})

    read = server_results.read_server_results(ulla, 2026)
    assert [item.source for item in read.inputs] == [server_results.source_name(g) for g in good]
    reasons = {item.source: item.reason for item in read.excluded}
    assert "kan inte läsas" in reasons[server_results.source_name(broken)]
    assert "'hemlig' känns inte igen" in reasons[server_results.source_name(broken)]
    assert broken.display_name in reasons[server_results.source_name(broken)]
    assert "mer än de 16 MB" in reasons[server_results.source_name(huge)]

    done = run_in_process("sammanstall", "--server", ulla.text, "--ar", "2026", "--json", str(tmp_path / "s.json"))
    assert done.returncode == 3, done.stderr
    assert f"{broken.display_name} (servern) lästes inte" in done.stderr
    assert [item["fil"] for item in json.loads((tmp_path / "s.json").read_text("utf-8"))["ej_inlasta"]] == [
        server_results.source_name(broken), server_results.source_name(huge)]

    server.initialise_server(owner)  # writes every granskning's result again
    assert len(server_results.read_server_results(ulla, 2026).inputs) == len(this_year)


# --- the window -------------------------------------------------------------------------------------

def test_the_summary_window_fetches_from_the_server(qtbot, on_server: dict[str, ServerAddress], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog

    from aktgranskning.gui.summary_dialog import ServerRequest, ServerSummaryChoice, SummaryDialog
    from aktgranskning.services.settings import SERVER_URL, Settings
    from aktgranskning.services.summary import summary_json
    from tests.gui.waiting import wait_for_background

    ulla, anna = on_server["ulla"], on_server["anna"]
    settings = Settings(tmp_path / "installningar.json")
    settings.set(SERVER_URL, ulla.text)
    dialog = SummaryDialog(settings=settings)
    qtbot.addWidget(dialog)
    asked: list[str] = []

    def choose(choice: ServerSummaryChoice) -> int:  # what a person does in the modal choice
        asked.append(choice.url.text())
        choice.year.setValue(2026)
        choice.compare.setChecked(True)
        choice.earlier_year.setValue(2025)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ServerSummaryChoice, "exec", choose)
    operation = dialog.choose_server()
    assert operation is not None and asked == [ulla.text]
    wait_for_background(qtbot)
    assert dialog.summary is not None and dialog.earlier is not None
    expected = build_server_summary_json(ulla)
    assert summary_json(dialog.summary) == expected
    log = dialog.log.toPlainText()
    assert "(servern)" in log and f"Hämtat från servern {ulla.text}: 2026, jämfört med 2025." in log
    model = dialog.heatmap.model()
    assert model.rowCount() == len(dialog.summary.questions) and model.columnCount() == len(dialog.summary.levels)
    assert all(button.isEnabled() for button in dialog.save_buttons) and dialog.server_button.isEnabled()

    dialog.fetch_from_server(ServerRequest(anna.text, 2026))
    wait_for_background(qtbot)
    assert f"{anna.user} får inte sammanställa från servern" in dialog.log.toPlainText()
    assert settings.get(SERVER_URL) == ulla.text  # only an address that worked is remembered


def build_server_summary_json(address: ServerAddress) -> dict:
    from aktgranskning.services.summary import summary_json

    return summary_json(server_results.build_server_summary(address, 2026))
