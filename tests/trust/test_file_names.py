"""Any name a user can type opens the right file and only that file, in every command.

Each case puts a granskningsfil with a tricky name in a folder with a tricky name and runs the CLI
as a user would (a separate process, the path given relative to the working folder so a name
starting with `file:` reaches the program as typed): create it, answer in it, status, kontrollera,
rapport and sammanstall. The file's enhet is unique per case, so reading another file shows; the
folder must hold nothing afterwards but what the commands were asked to write.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.services.opening import open_review_file

pytestmark = pytest.mark.slow  # long: runs in CI after the default suite (pytest -m slow)

LONG_FOLDER = "/".join(["en mapp med ett ganska långt namn för att nå djupt " + "x" * 20] * 3)

NAMES = [
    ("Område #1", "Område #1 2026"),
    ("a?b", "a?b"),
    ("100%", "100% klart %41%3F"),
    ("R&D", "R&D; x=1"),
    ("O'Brien", "O'Brien \"citat\""),
    ("  mellanslag  ", "  två  mellanslag  "),
    ("åäö ÅÄÖ", "Åsa Öberg äöå"),
    (LONG_FOLDER, "långt namn " + "x" * 60),
    ("slutar med punkt.", "slutar med mellanslag "),
    ("file:mapp?mode=memory", "file:fil?mode=ro&immutable=1#del"),
    ("file:", "file:"),
    ("%23 och %3F", "?cache=shared#"),
]

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aktgranskning", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _everything_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(("folder_name", "file_stem"), NAMES, ids=[n[1][:20] for n in NAMES])
def test_a_tricky_name_opens_the_right_file_in_every_command(tmp_path, folder_name, file_stem):
    work = tmp_path / "arbete"
    work.mkdir()
    sample = tmp_path / "urval.csv"
    sample.write_text("Ärendenummer;Ärendetyp;Kön;Ålder;Handläggare\nA-1;Förhandsbedömning;Flicka;7;AB1\n"
                      "A-2;Utredning;Pojke;14;CD2\n", encoding="utf-8-sig")
    unit = f"Enhet {abs(hash(file_stem)) % 10**6}"
    relative = f"{folder_name}/{file_stem}.granskning"
    (work / folder_name).mkdir(parents=True)
    assert len(str(work / relative)) > 200 or folder_name != LONG_FOLDER

    created = run("ny", relative, "--forvaltning", "F", "--omrade", "O", "--enhet", unit, "--ar", "2026",
                  "--urval", str(sample), cwd=work)
    assert created.returncode == 0, created.stderr
    path = work / relative
    assert path.is_file()
    assert _everything_under(work) == {folder_name.split("/")[0], *_parents(relative), relative}

    session = open_review_file(path, reviewer="namntest")  # what the window does
    try:
        case = session.cases()[0]
        question = next(session.checklist_for(case).questions())
        session.set_answer(case.id, question.id, Answer.NO)
        assert session.link is not None and session.link.publisher.flush()
        own = session.link.shared_path.relative_to(work).as_posix()  # the reviewer's own file beside it
    finally:
        session.close()

    status = run("status", relative, "--json", cwd=work)
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["enhet"] == unit
    assert sum(question["nej"] for question in data["fragor"]) == 1

    check = run("kontrollera", relative, cwd=work)
    assert check.returncode == 0, check.stdout + check.stderr
    assert unit in check.stdout and "hel och konsekvent" in check.stdout

    report_name = f"{folder_name}/{file_stem}.xlsx"
    report = run("rapport", relative, "-o", report_name, cwd=work)
    assert report.returncode == 0, report.stderr
    assert unit in report.stdout and (work / report_name).is_file()

    summary_name = f"{folder_name}/{file_stem}.json"
    summary = run("sammanstall", folder_name, "--json", summary_name, cwd=work)
    assert summary.returncode == 0, summary.stderr
    assert unit in summary.stdout and unit in (work / summary_name).read_text(encoding="utf-8")

    assert _everything_under(work) == {folder_name.split("/")[0], *_parents(relative), relative, own, report_name,
                                       summary_name}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arbete", "urval.csv"]


def _parents(relative: str) -> set[str]:
    parts = PurePosixPath(relative).parts
    return {"/".join(parts[:index]) for index in range(1, len(parts))}


@pytest.mark.parametrize("unc", [
    r"\\server\share\Område #1\Enhet 2026.granskning",
    r"\\server.kommun.se\delad$\a?b\100% R&D\O'Brien åäö.granskning",
    r"\\?\UNC\server\share\mapp\fil.granskning",
])
def test_unc_style_paths_keep_every_character(unc):
    """UNC shares cannot be mounted on this machine; what can be checked is that the program's path
    handling keeps such a name whole: the name handed to SQLite is the path itself, never a URI."""
    from aktgranskning.storage.engine import plain_file_name
    from aktgranskning.storage.migrate import backup_name, work_copy_name

    windows = PureWindowsPath(unc)
    assert str(windows) == unc
    assert windows.name.endswith(".granskning")
    assert str(PureWindowsPath(str(windows.with_name(windows.name + "-wal")))) == unc + "-wal"
    # the helpers only use with_name on the last component, so the share part is kept
    assert str(backup_name(windows, "0001")).startswith(str(windows.parent))  # type: ignore[arg-type]
    assert str(work_copy_name(windows)).startswith(str(windows.parent))  # type: ignore[arg-type]
    assert not plain_file_name(Path("file:x?mode=ro")).startswith("file:")


def test_a_path_too_long_for_sqlite_gets_a_swedish_message_and_leaves_nothing(tmp_path):
    folder = tmp_path.joinpath(*["ö" * 60] * 5)  # 600 bytes: past SQLite's 512-byte limit
    folder.mkdir(parents=True)
    sample = tmp_path / "urval.csv"
    sample.write_text("Ärendenummer;Ärendetyp\nA-1;Utredning\n", encoding="utf-8-sig")
    result = run("ny", str(folder / "fil.granskning"), "--forvaltning", "F", "--omrade", "O", "--enhet", "E",
                 "--ar", "2026", "--urval", str(sample), cwd=tmp_path)
    assert result.returncode != 0
    assert "sökvägen är för lång" in result.stderr and "Traceback" not in result.stderr
    assert list(folder.iterdir()) == []
