"""What opening a file found is shown on the case list and stays there while the file is open:
a folder kept in sync by OneDrive, a side file that does not belong to the file."""

from __future__ import annotations

import shutil

from tests.gui.conftest import opened_window


def test_a_synced_folder_is_explained_on_the_case_list(qtbot, review_file, tmp_path):
    synced = tmp_path / "OneDrive - Kommunen" / "Mottagningen"
    synced.mkdir(parents=True)
    path = synced / review_file.name
    shutil.copyfile(review_file, path)
    main = opened_window(qtbot, path)
    notices = main.case_list.notices
    assert notices.isVisible()
    assert "OneDrive" in notices.text()
    main.close()


def test_a_foreign_side_file_is_named_on_the_case_list(qtbot, review_file):
    foreign = review_file.with_name(review_file.name + "-wal")
    foreign.write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 60)  # a WAL header beside a rollback-mode file
    main = opened_window(qtbot, review_file)
    text = main.case_list.notices.text()
    assert main.case_list.notices.isVisible() and review_file.name + "-wal" in text
    main.close()


def test_an_ordinary_file_shows_no_notices(qtbot, review_file):
    main = opened_window(qtbot, review_file)
    assert not main.case_list.notices.isVisible()
    main.close()
