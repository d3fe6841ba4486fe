"""Folders kept in sync by OneDrive/SharePoint, Dropbox, Google Drive or iCloud are recognised and
the user is told what is safe; an ordinary folder gives no warning."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest

from aktgranskning.services.opening import open_for_reading, open_review_file
from aktgranskning.services.sync_folders import folder_warning, sync_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("path", "service"), [
    (PureWindowsPath(r"C:\Users\anna\OneDrive - Kommunen\Granskning\Enhet 2026.granskning"), "OneDrive"),
    (PureWindowsPath(r"C:\Users\anna\OneDrive\Enhet 2026.granskning"), "OneDrive"),
    (PureWindowsPath(r"C:\Users\anna\Dropbox (Kommunen)\IFO\Enhet 2026.granskning"), "Dropbox"),
    (PureWindowsPath(r"G:\Min enhet\Enhet 2026.granskning"), "Google Drive"),
    (PureWindowsPath(r"C:\Users\anna\iCloudDrive\Enhet 2026.granskning"), "iCloud"),
    (Path("/Users/anna/Library/Mobile Documents/com~apple~CloudDocs/Enhet 2026.granskning"), "iCloud"),
    (Path("/Users/anna/Library/CloudStorage/GoogleDrive-anna@kommun.se/Enhet 2026.granskning"), "Google Drive"),
    (PureWindowsPath(r"C:\Users\anna\Kommunen\IFO - SharePoint\Enhet 2026.granskning"), "OneDrive/SharePoint"),
    (PureWindowsPath(r"\\server\share\IFO\Enhet 2026.granskning"), ""),
    (PureWindowsPath(r"C:\Users\anna\Dokument\Enhet 2026.granskning"), ""),
])
def test_sync_folders_are_recognised_by_their_names(path, service):
    assert sync_service(path, markers_in=[]) == service


def test_marker_files_are_recognised(tmp_path):
    dropbox = tmp_path / "Jobb"
    (dropbox / "IFO").mkdir(parents=True)
    (dropbox / ".dropbox").write_text("{}")
    assert sync_service(dropbox / "IFO" / "Enhet.granskning") == "Dropbox"
    library = tmp_path / "Kommunen" / "Dokument"
    library.mkdir(parents=True)
    (library / "desktop.ini").write_bytes("[.ShellClassInfo]\r\nIconResource=C:\\Program Files\\Microsoft "
                                          "OneDrive\\OneDrive.exe,0\r\n".encode("utf-16"))
    assert sync_service(library / "Enhet.granskning") == "OneDrive"
    assert sync_service(tmp_path / "vanlig" / "Enhet.granskning") == ""


def test_the_warning_says_what_is_safe_and_reaches_the_session_and_the_cli(review_file, tmp_path):
    synced = tmp_path / "Dropbox" / "IFO"
    synced.mkdir(parents=True)
    target = synced / review_file.name
    shutil.copyfile(review_file, target)
    warning = folder_warning(target)
    assert "Dropbox" in warning and "egen fil" in warning and "slås ihop" in warning
    for session in (open_for_reading(target), open_review_file(target, reviewer="t")):
        try:
            assert session.folder_warning == warning
        finally:
            session.close()
    status = subprocess.run([sys.executable, "-m", "aktgranskning", "status", str(target)], capture_output=True,
                            text=True, encoding="utf-8", timeout=60, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert status.returncode == 0 and warning in status.stderr
    assert folder_warning(review_file) == ""
