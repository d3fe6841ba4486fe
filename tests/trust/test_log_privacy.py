"""The application log holds what failed and where in the code — never the data it failed on."""

from __future__ import annotations

import os
from pathlib import Path

from aktgranskning.logging_setup import log_unexpected

# Case data arrives at run time, as in the program; written out in the source it would show up
# in the traceback's quoted source lines, which are code, not data.
SECRETS = ["-".join(["DEMO", "2026", "MOT", "482901"]), "MOT" + "7", "19121212" + "-" + "1212"]


def failing_lookup(case: dict[str, str]) -> None:
    raise KeyError(f"akt {case['nummer']} saknar svar (handläggare {case['kod']}, {case['pnr']})")


def test_an_unexpected_error_is_logged_by_type_and_place_without_its_message():
    try:
        failing_lookup(dict(zip(("nummer", "kod", "pnr"), SECRETS, strict=True)))
    except KeyError as error:
        path = log_unexpected(error)
    assert Path(os.environ["AKTGRANSKNING_DATAMAPP"]) in path.parents  # the tests' private folder
    text = path.read_text(encoding="utf-8")
    assert "KeyError" in text and "failing_lookup" in text
    for secret in SECRETS:
        assert secret not in text


def test_the_log_rotates_instead_of_growing_without_end():
    import logging

    from aktgranskning.logging_setup import configure_logging

    configure_logging()
    handlers = [h for h in logging.getLogger("aktgranskning").handlers if hasattr(h, "maxBytes")]
    assert handlers and handlers[0].maxBytes == 1_000_000 and handlers[0].backupCount == 3
