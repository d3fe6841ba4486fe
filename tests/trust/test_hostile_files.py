"""Granskningsfiler from others are untrusted: each hand-made hostile file (tests/trust/hostile_files.py)
is refused by every command that reads one, with a Swedish message naming the file and what is
wrong, within a time bound, without a traceback, and without the file changing."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aktgranskning.cli import run_cli
from aktgranskning.domain.errors import FileProblem, UserError
from aktgranskning.services.opening import open_for_reading
from aktgranskning.services.status import status_data
from aktgranskning.services.summary import read_input
from aktgranskning.services.unit_data import unit_data_of
from aktgranskning.storage import untrusted
from aktgranskning.storage.untrusted import check_database, harden_connection
from tests.support.many_examples import examples, rerun_with_many_examples
from tests.trust.hostile_files import (
    BY_NAME,
    HOSTILE,
    HUGE_BYTES,
    Hostile,
    base_file,
    make_hostile,
)

SECONDS_PER_COMMAND = 10.0
DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("original")
    return {"2026": base_file(folder / "Testenheten 2026.granskning"),
            "2027": base_file(folder / "Testenheten 2027.granskning", year=2027)}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def commands(hostile: Path, work: Path, originals: dict[str, Path]) -> dict[str, list[str]]:
    """Every command that reads a granskningsfil, with the hostile file where another's file goes."""
    target = work / "Testenheten 2026 (enhetens).granskning"
    if not target.exists():
        shutil.copyfile(originals["2026"], target)
    return {
        "status": ["status", str(hostile)],
        "kontrollera": ["kontrollera", str(hostile)],
        "rapport --jamfor": ["rapport", str(originals["2027"]), "--jamfor", str(hostile), "-o",
                             str(work / "rapport.xlsx")],
        "sammanstall": ["sammanstall", str(hostile), "-o", str(work / "sammanställning.xlsx")],
        "sammanfoga": ["sammanfoga", str(target), str(hostile)],
    }


def _refused(output: str, hostile: Path, entry: Hostile, command: str) -> None:
    # a summary names its files by name, as in the rest of its output; the others by the full path
    assert (hostile.name if command == "sammanstall" else str(hostile)) in output, output
    for words in entry.words:
        assert words in output, f"{entry.name}: {words!r} saknas i\n{output}"
    assert "Traceback" not in output and "oväntat fel" not in output


def test_real_files_pass(originals, tmp_path):
    copy = tmp_path / "schema 0001.granskning"
    shutil.copyfile(DATA / "schema_0001.granskning", copy)
    for path in (copy, *originals.values()):
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            harden_connection(connection)
            check_database(connection, path)
        finally:
            connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("entry", HOSTILE, ids=[h.name for h in HOSTILE])
def test_every_command_refuses_the_hostile_file(entry, originals, tmp_path, capsys):
    hostile = make_hostile(originals["2026"], tmp_path / f"Från en annan enhet ({entry.name}).granskning", entry)
    before = digest(hostile)
    slowest = 0.0
    for name, argv in commands(hostile, tmp_path, originals).items():
        started = time.monotonic()
        code = run_cli(argv)
        elapsed = time.monotonic() - started
        captured = capsys.readouterr()
        assert code != 0, f"{name}: {captured.out}"
        _refused(captured.out + captured.err, hostile, entry, name)
        assert elapsed < SECONDS_PER_COMMAND, f"{name} tog {elapsed:.1f} s"
        assert digest(hostile) == before, f"{name} ändrade filen"
        slowest = max(slowest, elapsed)
    print(f"{entry.name}: långsammaste kommandot {slowest:.2f} s")
    assert digest(tmp_path / "Testenheten 2026 (enhetens).granskning") == digest(originals["2026"])
    assert not (tmp_path / "rapport.xlsx").exists()


THROUGH_THE_PROCESS = ("trigger", "view_shadowing_answers", "recursive_view", "checklist_wrong_hash")


@pytest.mark.slow
@pytest.mark.parametrize("name", THROUGH_THE_PROCESS)
def test_the_real_cli_refuses_hostile_files_in_time(name, originals, tmp_path):
    """The same through `python -m aktgranskning`, so the time bound includes starting the
    program and building the expected schema, and a hang would show as a timeout."""
    entry = BY_NAME[name]
    hostile = make_hostile(originals["2026"], tmp_path / f"{name} (kopia).granskning", entry)
    before = digest(hostile)
    for command, argv in commands(hostile, tmp_path, originals).items():
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "aktgranskning", *argv], capture_output=True, text=True,
                                encoding="utf-8", timeout=SECONDS_PER_COMMAND * 3, env=os.environ.copy())
        elapsed = time.monotonic() - started
        assert result.returncode != 0, f"{command}: {result.stdout}"
        _refused(result.stdout + result.stderr, hostile, entry, command)
        assert elapsed < SECONDS_PER_COMMAND, f"{command} tog {elapsed:.1f} s"
        assert digest(hostile) == before
        print(f"{name}, {command}: {elapsed:.2f} s")


# VmHWM is the peak resident size of this program image (ru_maxrss would include the forked pytest).
MEASURE = ("import sys\nfrom aktgranskning.cli import run_cli\ncode = run_cli(sys.argv[1:])\n"
           "peak = next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM'))\n"
           "print(f'MAXRSS={peak}', file=sys.stderr)\nsys.exit(code)")


def _peak_kib(*argv: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, encoding="utf-8",
                            timeout=60)
    peak = int(result.stderr.rsplit("MAXRSS=", 1)[1].split()[0])
    return peak, result.stdout + result.stderr


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc (Linux)")
def test_huge_metadata_is_refused_without_reading_it_into_memory(originals, tmp_path):
    hostile = make_hostile(originals["2026"], tmp_path / "stor.granskning", BY_NAME["huge_metadata"])
    assert hostile.stat().st_size > HUGE_BYTES
    good_peak, _ = _peak_kib("status", str(originals["2026"]))
    hostile_peak, output = _peak_kib("status", str(hostile))
    assert "större än 16 MB" in output and str(hostile) in output
    print(f"status: god fil {good_peak // 1024} MB, fil med 50 MB-värde {hostile_peak // 1024} MB (högsta RSS)")
    # reading the value once would add 50 MB (SQLite's copy) and again as a Python str
    assert hostile_peak - good_peak < 20_000, (good_peak, hostile_peak)


def test_the_deadline_interrupts_a_long_check_and_is_removed_afterwards(originals, tmp_path):
    path = tmp_path / "lång.granskning"
    shutil.copyfile(originals["2026"], path)
    with sqlite3.connect(path) as connection:
        connection.executemany("INSERT INTO audit_log (at, who, case_id, question_id, field, old_value, new_value) "
                               "VALUES ('2026-01-01T00:00:00+01:00', 'x', 1, NULL, 'svar', NULL, 'Ja')",
                               [()] * 20_000)
    connection.close()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        harden_connection(connection)
        with pytest.raises(FileProblem, match="tog längre än 0 sekunder") as refused:
            check_database(connection, path, seconds=0)
        assert str(path) in refused.value.message
        # the handler is gone: the same connection runs a long query to the end
        assert connection.execute("SELECT count(*) FROM audit_log a, audit_log b WHERE a.id < 300").fetchone()[0]
        check_database(connection, path)  # with the normal deadline the file is fine
    finally:
        connection.close()


def test_a_hardened_connection_runs_no_trigger_and_no_oversized_value(originals, tmp_path):
    """Defence in depth behind the schema check: on a hardened connection a trigger that gets
    past it cannot fire, and an oversized value is refused by SQLite before it is read."""
    hostile = make_hostile(originals["2026"], tmp_path / "utlösare.granskning", BY_NAME["trigger"])
    connection = sqlite3.connect(hostile)
    try:
        harden_connection(connection)
        assert connection.execute("PRAGMA trusted_schema").fetchone() == (0,)
        assert connection.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) == 0
        no_before = connection.execute("SELECT count(*) FROM answers WHERE answer='Nej'").fetchone()[0]
        with pytest.raises(sqlite3.OperationalError, match="trigger"):
            connection.execute("UPDATE answers SET comment='x' WHERE rowid=1")
        connection.rollback()
        assert connection.execute("SELECT count(*) FROM answers WHERE answer='Nej'").fetchone()[0] == no_before > 0
        with pytest.raises(sqlite3.DataError):
            connection.execute("SELECT ?", ("x" * (untrusted.MAX_VALUE_BYTES + 1),)).fetchone()
    finally:
        connection.close()


def test_the_expected_schema_comes_from_the_migrations():
    """Built by running the program's migrations, not written by hand: 0002 adds exactly the
    analysis and activities tables to 0001."""
    first, second = untrusted.expected_shape("0001"), untrusted.expected_shape("0002")
    assert set(second.tables) - set(first.tables) == {"analysis", "activities"}
    assert {name for kind, name, _table in first.objects if kind == "index"} >= {"ix_audit_case"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_refused_by_status(tmp_path):
    pipe = tmp_path / "rör.granskning"
    os.mkfifo(pipe)
    result = subprocess.run([sys.executable, "-m", "aktgranskning", "status", str(pipe)], capture_output=True,
                            text=True, encoding="utf-8", timeout=SECONDS_PER_COMMAND)
    assert result.returncode != 0 and str(pipe) in result.stderr and "Traceback" not in result.stderr


@settings(max_examples=examples(20), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)),
                      min_size=1, max_size=8))
def test_a_file_with_random_bytes_changed_is_read_or_refused_never_crashes(flips, originals, tmp_path):
    """Damage anywhere in the file (b-tree pages, schema, values, indexes), read the way a summary
    reads it: the result is read or refused with a message naming the file, quickly — never
    another exception, never a hang."""
    data = bytearray(originals["2026"].read_bytes())
    for offset, mask in flips:
        data[100 + offset % (len(data) - 100)] ^= mask  # the 100-byte header is the whole-file helper's
    path = tmp_path / "skadad.granskning"
    path.write_bytes(bytes(data))
    started = time.monotonic()
    try:
        read_input(path)
    except UserError as refused:
        assert path.name in refused.message
    assert time.monotonic() - started < SECONDS_PER_COMMAND


VALUES = st.one_of(
    st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(allow_nan=False), st.binary(max_size=8),
    st.text(max_size=12),
    st.sampled_from(["", "Ja", "ja", "Nej", "X", "kvinna", "klar", "bortfall", "akten_saknas", "planerad", "2026-02-30",
                     "2026-11-01T10:00:00+01:00",
                     "0000-01-01", "0000-12-31T23:59:59", "0", "1", "100", "101", "-1", "2026", "fb.anmalare",
                     "utredning", "strengths", "{}", "[]"]),
)


@settings(max_examples=examples(20), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_file_the_check_accepts_is_read_by_every_reader_without_error(data, originals, tmp_path):
    """Any value in any column (as a database tool could store it): either the check refuses the
    file, or status, the report data and the summary read it without an error. So the check's
    allowed sets are at least as strict as what the readers can take."""
    table = data.draw(st.sampled_from(sorted(untrusted.COLUMNS)), label="table")
    column = data.draw(st.sampled_from([c.name for c in untrusted.COLUMNS[table]]), label="column")
    value = data.draw(VALUES, label="value")
    path = tmp_path / "ändrad.granskning"
    shutil.copyfile(originals["2026"], path)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA ignore_check_constraints=ON")
        rowids = [r[0] for r in connection.execute(f'SELECT rowid FROM "{table}"')]
        if not rowids:
            return
        rowid = data.draw(st.sampled_from(rowids), label="rowid")
        try:
            connection.execute(f'UPDATE "{table}" SET "{column}"=? WHERE rowid=?', (value, rowid))
            connection.commit()
        except sqlite3.IntegrityError:
            return  # NOT NULL or a unique key: SQLite itself keeps such a value out
    finally:
        connection.close()
    try:
        session = open_for_reading(path)
    except FileProblem as refused:
        assert str(path) in refused.message
        return
    try:
        status_data(session)
        unit_data_of(session)
    finally:
        session.close()
    read_input(path)


@pytest.mark.slow
def test_random_bytes_and_accepted_values_with_many_examples():
    rerun_with_many_examples(__file__, "random_bytes or accepts", 300)
