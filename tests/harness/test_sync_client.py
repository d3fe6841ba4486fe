"""The simulated sync client behaves as OneDrive/Nextcloud/Dropbox do where the acceptance test of
several reviewers relies on it: whole files only after they are still, late and in any order,
conflict copies exactly when both sides changed, offline and back, side files, deletions, and the
same run for the same seed."""

from __future__ import annotations

import itertools
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support.sync_client import (
    SyncClient,
    SyncedFolder,
    SyncNotSettled,
    SyncSettings,
    conflict_copy_name,
    is_side_file,
    synced_folders,
    write_whole,
)

PEOPLE = [("DATOR-ANNA", "Anna"), ("DATOR-BERTIL", "Bertil"), ("DATOR-CECILIA", "Cecilia"), ("DATOR-DAVID", "David")]
ENHET = "Mottagningen 2026.granskning"
_mtimes = itertools.count(1_796_000_000_000_000_000, 1_000_003)


def put(folder: Path, name: str, data: bytes) -> None:
    """Write as the program does, with a distinct mtime: virtual time does not move the real clock."""
    write_whole(folder / name, data, mtime_ns=next(_mtimes))


def make_client(root: Path, count: int = 2, **options: object) -> tuple[SyncClient, list[SyncedFolder]]:
    folders = synced_folders(root, PEOPLE[:count])
    values: dict[str, object] = {"seed": 1, "still_seconds": 1.0, "delay_seconds": (0.5, 3.0), **options}
    return SyncClient(folders, SyncSettings(**values)), folders  # type: ignore[arg-type]


# --- delivery -----------------------------------------------------------------------------------
def test_a_file_is_uploaded_only_after_it_has_been_still_and_then_reaches_every_computer(tmp_path):
    client, (anna, bertil, cecilia) = make_client(tmp_path, 3)
    put(anna.folder, ENHET, b"version 1")
    client.advance(0.9)  # not yet still for a second
    assert not [e for e in client.events if e.kind == "upload"]
    client.run_until_settled()
    for folder in (bertil, cecilia):
        assert client.files(folder.name) == {ENHET: b"version 1"}
    uploads = [e for e in client.events if e.kind == "upload"]
    assert len(uploads) == 1 and uploads[0].time >= 1.0
    deliveries = [e for e in client.events if e.kind == "deliver"]
    assert {e.computer for e in deliveries} == {"DATOR-BERTIL", "DATOR-CECILIA"}
    assert all(0.5 <= e.time - uploads[0].time <= 3.0 + 0.25 for e in deliveries)  # seconds late


def test_files_arrive_in_another_order_than_they_were_written(tmp_path):
    client, (anna, bertil) = make_client(tmp_path, delay_seconds=(0.1, 5.0))
    names = [f"Granskare {n}.granskning" for n in range(12)]
    for name in names:
        put(anna.folder, name, name.encode())
        client.advance(0.3)
    client.run_until_settled()
    arrived = [e.name for e in client.events if e.kind == "deliver" and e.computer == bertil.name]
    assert sorted(arrived) == sorted(names) and arrived != names


def test_a_file_rewritten_in_place_slower_than_the_still_period_is_never_delivered_half(tmp_path):
    client, (anna, bertil) = make_client(tmp_path)
    old, new = b"A" * 40_000, b"B" * 40_000
    put(anna.folder, ENHET, old)
    client.run_until_settled()
    seen_at_bertil = set()
    with open(anna.folder / ENHET, "r+b") as handle:  # a program that writes in place, in pieces
        for offset in range(0, len(new), 4000):
            handle.seek(offset)
            handle.write(new[offset:offset + 4000])
            handle.flush()
            client.advance(0.4)  # less than the still period between pieces
            seen_at_bertil.add((bertil.folder / ENHET).read_bytes())
    client.run_until_settled()
    seen_at_bertil.add((bertil.folder / ENHET).read_bytes())
    assert seen_at_bertil == {old, new}


def test_a_writer_that_stops_longer_than_the_still_period_does_get_half_a_file_uploaded(tmp_path):
    """The still period is what protects whole files, as with the real clients: the control case."""
    client, (anna, bertil) = make_client(tmp_path)
    put(anna.folder, ENHET, b"A" * 8000)
    client.run_until_settled()
    with open(anna.folder / ENHET, "r+b") as handle:
        handle.write(b"B" * 4000)
        handle.flush()
        client.run_until_settled()
    assert (bertil.folder / ENHET).read_bytes() == b"B" * 4000 + b"A" * 4000


def test_in_place_delivery_lets_a_reader_see_a_torn_file_and_ends_whole(tmp_path):
    client, (anna, bertil) = make_client(tmp_path, torn_write_probability=1.0, chunk_bytes=1024)
    old, new = b"o" * 20_000, b"n" * 20_000
    put(anna.folder, ENHET, old)
    client.run_until_settled()
    put(anna.folder, ENHET, new)
    torn_seen = False
    while not client.settled():
        client.step()
        if (bertil.folder / ENHET).exists():
            torn_seen |= (bertil.folder / ENHET).read_bytes() not in (old, new)
    assert torn_seen
    assert (bertil.folder / ENHET).read_bytes() == new
    assert [e.kind for e in client.events if e.computer == bertil.name and e.kind.startswith("torn")] == \
        ["torn-start", "torn-end", "torn-start", "torn-end"]


def test_whole_file_delivery_writes_beside_and_renames_leaving_no_partial(tmp_path):
    client, (anna, bertil) = make_client(tmp_path)
    put(anna.folder, ENHET, b"x" * 100_000)
    client.run_until_settled()
    assert sorted(p.name for p in bertil.folder.iterdir()) == [ENHET]
    assert (bertil.folder / ENHET).stat().st_mtime_ns == (anna.folder / ENHET).stat().st_mtime_ns


def test_the_program_s_own_publication_temp_files_are_gone_before_they_are_still(tmp_path):
    client, (anna, bertil) = make_client(tmp_path, side_file_probability=1.0)
    for n in range(5):
        put(anna.folder, ENHET, b"version %d" % n)  # .Mottagningen 2026.granskning.<8hex>.tmp, renamed at once
        client.advance(0.3)
    client.run_until_settled()
    assert client.files(bertil.name) == {ENHET: b"version 4"}


def test_a_partial_file_left_by_a_killed_client_is_never_carried(tmp_path):
    client, (anna, bertil) = make_client(tmp_path)
    put(anna.folder, f".~sync-0badc0de-{ENHET}.partial", b"half a download")
    put(anna.folder, ENHET, b"whole")
    client.run_until_settled()
    assert client.files(bertil.name) == {ENHET: b"whole"}


# --- offline ------------------------------------------------------------------------------------
def test_an_offline_computer_gets_nothing_and_sends_nothing_until_it_is_back(tmp_path):
    client, (anna, bertil, cecilia) = make_client(tmp_path, 3)
    client.pause(bertil.name)
    put(anna.folder, "Anna.granskning", b"anna")
    put(bertil.folder, "Bertil.granskning", b"bertil")
    client.advance(30)
    assert client.files(bertil.name) == {"Bertil.granskning": b"bertil"}
    assert client.files(cecilia.name) == {"Anna.granskning": b"anna"}
    with pytest.raises(SyncNotSettled, match="DATOR-BERTIL is offline"):
        client.run_until_settled(max_seconds=5)
    client.resume(bertil.name)
    client.run_until_settled()
    for folder in (anna, bertil, cecilia):
        assert client.files(folder.name) == {"Anna.granskning": b"anna", "Bertil.granskning": b"bertil"}


# --- conflict copies ----------------------------------------------------------------------------
@pytest.mark.parametrize(("style", "pattern"), [
    ("onedrive", r"Mottagningen 2026-DATOR-BERTIL\.granskning"),
    ("nextcloud", r"Mottagningen 2026 \(conflicted copy 2026-12-02 \d{6}\)\.granskning"),
    ("dropbox", r"Mottagningen 2026 \(Bertil's conflicted copy 2026-12-02\)\.granskning"),
])
def test_both_sides_changed_gives_a_conflict_copy_named_as_the_client_does(tmp_path, style, pattern):
    client, (anna, bertil, cecilia) = make_client(tmp_path, 3, conflict_style=style)
    put(anna.folder, ENHET, b"original")
    client.run_until_settled()
    client.pause(bertil.name)
    put(anna.folder, ENHET, b"Annas svar")
    put(bertil.folder, ENHET, b"Bertils svar")
    client.advance(10)
    client.resume(bertil.name)
    client.run_until_settled()
    [copy] = client.conflict_copies()
    assert re.fullmatch(pattern, copy)
    for folder in (anna, bertil, cecilia):
        assert client.files(folder.name) == {ENHET: b"Annas svar", copy: b"Bertils svar"}


def test_both_changed_while_online_within_the_delivery_delay_is_a_conflict_too(tmp_path):
    client, (anna, bertil) = make_client(tmp_path, delay_seconds=(4.0, 4.0))
    put(anna.folder, ENHET, b"original")
    client.run_until_settled()
    put(anna.folder, ENHET, b"Annas svar")
    client.advance(2)  # uploaded, not yet delivered to Bertil
    put(bertil.folder, ENHET, b"Bertils svar")
    client.run_until_settled()
    assert client.conflict_copies() == ["Mottagningen 2026-DATOR-BERTIL.granskning"]


def test_a_change_made_after_receiving_the_other_s_version_is_an_update_not_a_conflict(tmp_path):
    client, (anna, bertil) = make_client(tmp_path)
    put(anna.folder, ENHET, b"original")
    client.run_until_settled()
    for round_number in range(4):
        writer = (anna, bertil)[round_number % 2]
        put(writer.folder, ENHET, b"runda %d" % round_number)
        client.run_until_settled()
    assert client.conflict_copies() == []
    assert client.files(anna.name) == client.files(bertil.name) == {ENHET: b"runda 3"}


def test_the_same_bytes_on_both_sides_are_no_conflict(tmp_path):
    client, (anna, bertil) = make_client(tmp_path)
    client.pause(bertil.name)
    put(anna.folder, ENHET, b"lika")
    put(bertil.folder, ENHET, b"lika")
    client.advance(5)
    client.resume(bertil.name)
    client.run_until_settled()
    assert client.conflict_copies() == []


def test_a_second_conflict_on_the_same_computer_gets_a_name_of_its_own(tmp_path):
    folder = SyncedFolder("DATOR-BERTIL", "Bertil", tmp_path)
    taken = {"A-DATOR-BERTIL.granskning"}
    when = datetime(2026, 12, 2, 10, 42, 33)
    assert conflict_copy_name("A.granskning", folder, when, "onedrive", taken.__contains__) == \
        "A-DATOR-BERTIL-1.granskning"
    assert conflict_copy_name("sub/A.granskning", folder, when, "nextcloud") == \
        "sub/A (conflicted copy 2026-12-02 104233).granskning"
    assert conflict_copy_name("A.granskning", folder, when, "dropbox", {"A (Bertil's conflicted copy 2026-12-02)"
                              ".granskning"}.__contains__) == "A (Bertil's conflicted copy 2026-12-02 (1)).granskning"


# --- side files and deletions -------------------------------------------------------------------
@pytest.mark.parametrize("probability", [0.0, 1.0])
def test_side_files_are_carried_as_configured(tmp_path, probability):
    client, (anna, bertil) = make_client(tmp_path, side_file_probability=probability)
    sides = [f"{ENHET}-journal", "Mottagningen 2026.lås", "~$Rapport.xlsx", ".Enhet.granskning.1a2b3c4d.tmp"]
    for name in sides:
        assert is_side_file(name)
        put(anna.folder, name, name.encode())
    client.run_until_settled()
    assert set(client.files(bertil.name)) == (set(sides) if probability else set())


def test_side_files_are_carried_for_some_names_only_and_the_same_for_the_same_seed(tmp_path):
    carried = []
    for run in range(2):
        client, (anna, bertil) = make_client(tmp_path / str(run), side_file_probability=0.5, seed=3)
        for n in range(16):
            put(anna.folder, f"Granskare {n}.granskning-journal", b"j")
        client.run_until_settled()
        carried.append(set(client.files(bertil.name)))
    assert carried[0] == carried[1] and 0 < len(carried[0]) < 16


def test_a_deletion_is_propagated_and_an_edit_beats_a_deletion(tmp_path):
    client, (anna, bertil) = make_client(tmp_path)
    put(anna.folder, "borta.granskning", b"1")
    put(anna.folder, "kvar.granskning", b"1")
    client.run_until_settled()
    (anna.folder / "borta.granskning").unlink()
    client.pause(bertil.name)
    (anna.folder / "kvar.granskning").unlink()
    put(bertil.folder, "kvar.granskning", b"2 (Bertil, offline)")
    client.advance(5)
    client.resume(bertil.name)
    client.run_until_settled()
    for folder in (anna, bertil):
        assert client.files(folder.name) == {"kvar.granskning": b"2 (Bertil, offline)"}


def test_without_propagated_deletions_a_deleted_file_comes_back(tmp_path):
    client, (anna, bertil) = make_client(tmp_path, propagate_deletions=False)
    put(anna.folder, ENHET, b"1")
    client.run_until_settled()
    (bertil.folder / ENHET).unlink()
    client.run_until_settled()
    assert client.files(anna.name) == client.files(bertil.name) == {ENHET: b"1"}


# --- determinism --------------------------------------------------------------------------------
def _scripted_run(root: Path, seed: int) -> tuple[list[tuple[float, str, str, str, str]], dict[str, bytes]]:
    client, folders = make_client(root, 3, seed=seed, side_file_probability=0.5)
    for n in range(6):
        writer = folders[n % 3]
        put(writer.folder, f"{writer.user}.granskning", b"%d" % n)
        put(writer.folder, ENHET, b"gemensam %d" % n)
        put(writer.folder, f"{writer.user}.granskning-journal", b"j%d" % n)
        if n == 2:
            client.pause(folders[1].name)
        if n == 4:
            client.resume(folders[1].name)
        client.advance(1.7)
    client.run_until_settled()
    log = [(e.time, e.kind, e.computer, e.name, e.detail) for e in client.events]
    return log, client.files(folders[0].name)


def test_the_same_seed_gives_the_same_run_and_another_seed_another(tmp_path):
    first, files = _scripted_run(tmp_path / "a", seed=11)
    again, files_again = _scripted_run(tmp_path / "b", seed=11)
    other, _ = _scripted_run(tmp_path / "c", seed=12)
    assert first == again and files == files_again
    assert first != other
    assert any(kind == "conflict" for _, kind, *_ in first)


# --- the property: every file arrives, whole, and nothing is lost unless someone overwrote it ----
computer = st.integers(0, 2)
ops = st.lists(st.one_of(
    st.tuples(st.sampled_from(["own", "shared", "shared", "delete own", "side file"]), computer),
    st.tuples(st.sampled_from(["pause", "pause", "resume"]), computer),
    st.tuples(st.just("wait"), st.sampled_from([0.1, 0.6, 1.5, 4.0, 12.0])),
), min_size=6, max_size=40)


delays = st.sampled_from([(0.1, 1.0), (0.5, 8.0)])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=ops, seed=st.integers(0, 2**16), delay=delays)
def test_property_every_file_arrives_whole_after_resume_and_no_unseen_change_is_lost(script, seed, delay):
    check_every_file_arrives_whole_and_no_unseen_change_is_lost(script, seed, delay)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=ops, seed=st.integers(0, 2**16), delay=delays)
def test_property_every_file_arrives_whole_at_length(script, seed, delay):
    check_every_file_arrives_whole_and_no_unseen_change_is_lost(script, seed, delay)


def check_every_file_arrives_whole_and_no_unseen_change_is_lost(script: list[tuple[str, object]], seed: int,
                                                                delay: tuple[float, float]) -> None:
    with tempfile.TemporaryDirectory() as root:
        client, folders = make_client(Path(root), 3, seed=seed, delay_seconds=delay)
        written: set[bytes] = set()
        shared_writes: list[tuple[bytes, bytes | None]] = []  # (content, what the writer's screen showed)
        last_own: dict[int, bytes | None] = {}
        for number, (kind, value) in enumerate(script):
            if kind == "wait":
                _wait_checking_every_step(client, float(value), folders, written)
            elif kind in ("pause", "resume"):
                getattr(client, kind)(folders[int(value)].name)
            else:
                _write(folders[int(value)], kind, number, written, shared_writes, last_own, int(value))
        missed = sum(1 for f in folders if client.is_paused(f.name) and
                     set(client.cloud_files()) - set(client.files(f.name)))
        event(f"offline computers that missed files at the end: {missed}")
        for folder in folders:
            client.resume(folder.name)
        client.run_until_settled()
        event(f"conflict copies: {min(len(client.conflict_copies()), 2)}")

        everywhere = [client.files(f.name, include_uncarried=False) for f in folders]
        assert all(files == client.cloud_files() for files in everywhere)
        for index, content in last_own.items():
            assert everywhere[0].get(f"{folders[index].user}.granskning") == content
        assert {e.name for e in client.events if e.kind == "conflict"} <= {ENHET}  # one writer: no conflicts
        surviving = {data for name, data in everywhere[0].items() if name.startswith("Mottagningen 2026")}
        overwritten_knowingly = {seen for _, seen in shared_writes}
        for content, _ in shared_writes:
            assert content in surviving or content in overwritten_knowingly


def _wait_checking_every_step(client: SyncClient, seconds: float, folders: list[SyncedFolder],
                              written: set[bytes]) -> None:
    """Advance, and after every action look at every folder: whole files only, at every moment."""
    target = client.now + seconds
    while client.next_due() <= target:
        if client.step() == "scan":
            continue  # lists and uploads; renames a conflict copy whole at most
        for folder in folders:
            assert set(client.files(folder.name).values()) <= written
    client.run_until(target)


def _write(folder: SyncedFolder, kind: str, number: int, written: set[bytes],
           shared_writes: list[tuple[bytes, bytes | None]], last_own: dict[int, bytes | None], index: int) -> None:
    content = f"{folder.user} {kind} #{number}".encode().ljust(9000, b".")  # more than one torn chunk
    own = f"{folder.user}.granskning"
    if kind == "own":
        put(folder.folder, own, content)
        last_own[index] = content
    elif kind == "delete own":
        if (folder.folder / own).exists():
            (folder.folder / own).unlink()
            last_own[index] = None
        return
    elif kind == "shared":
        path = folder.folder / ENHET
        shared_writes.append((content, path.read_bytes() if path.exists() else None))
        put(folder.folder, ENHET, content)
    else:
        side = folder.folder / f"{own}-journal"
        if side.exists():
            side.unlink()
            return
        put(folder.folder, side.name, content)
    written.add(content)


# --- the threaded runner against the real clock -------------------------------------------------
@pytest.mark.slow  # waits on the real clock: about 1.6 s
def test_the_threaded_runner_delivers_against_the_real_clock(tmp_path):
    client, (anna, bertil, cecilia) = make_client(tmp_path, 3, still_seconds=0.2, scan_interval=0.05,
                                                  delay_seconds=(0.05, 0.4))
    with client.running_in_thread():
        for n in range(3):
            write_whole(anna.folder / "Anna.granskning", b"anna %d" % n)
            write_whole(bertil.folder / "Bertil.granskning", b"bertil %d" % n)
        client.pause(cecilia.name)
        write_whole(cecilia.folder / "Cecilia.granskning", b"cecilia offline")
        with pytest.raises(SyncNotSettled):
            client.wait_until_settled(timeout=1.0)
        client.resume(cecilia.name)
        waited = client.wait_until_settled(timeout=20)
    expected = {"Anna.granskning": b"anna 2", "Bertil.granskning": b"bertil 2",
                "Cecilia.granskning": b"cecilia offline"}
    for folder in (anna, bertil, cecilia):
        assert client.files(folder.name) == expected
    assert waited < 5
