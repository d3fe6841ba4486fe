import json
import os

import pytest

from aktgranskning.domain.answers import Answer
from aktgranskning.services.file_lock import FileInUse, lock_path_for
from aktgranskning.services.opening import open_review_file


def test_second_writer_is_told_who_holds_the_file_and_may_read(review_file):
    first = open_review_file(review_file, reviewer="Anna")
    try:
        with pytest.raises(FileInUse) as caught:
            open_review_file(review_file, reviewer="Bertil")
        assert "Anna" in caught.value.message and "skrivskyddad" in caught.value.message
        reader = open_review_file(review_file, reviewer="Bertil", read_only=True)
        assert len(reader.cases()) == 8
        reader.close()
        first.set_answer(first.cases()[0].id, "fb.anmalare", Answer.YES)  # the holder still writes
    finally:
        first.close()
    assert not lock_path_for(review_file).exists()
    open_review_file(review_file, reviewer="Bertil").close()


def test_a_lock_left_by_a_dead_process_on_this_computer_is_taken_over(review_file):
    import socket

    lock_path_for(review_file).write_text(json.dumps(
        {"user": "Cecilia", "host": socket.gethostname(), "pid": 2**22 + 12345, "since": "2026-10-05T10:00:00"}
    ), encoding="utf-8")
    session = open_review_file(review_file, reviewer="David")
    holder = json.loads(lock_path_for(review_file).read_text(encoding="utf-8"))
    assert holder["user"] == "David" and holder["pid"] == os.getpid()
    session.close()


def test_a_lock_from_another_computer_is_respected(review_file):
    lock_path_for(review_file).write_text(json.dumps(
        {"user": "Erik", "host": "annan-dator", "pid": 1, "since": "2026-10-05T10:00:00"}
    ), encoding="utf-8")
    with pytest.raises(FileInUse, match="Erik på datorn annan-dator"):
        open_review_file(review_file, reviewer="Fia")
