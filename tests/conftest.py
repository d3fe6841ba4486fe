"""Shared fixtures. Tests never touch the real user's settings or data folders."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Where the environment forbids writing bytecode, every test process (each xdist worker, each
# subprocess a test starts) would compile the whole package from source again, and pytest would
# rewrite every test module's asserts anew: some 6 s of each worker's collection, a third of a
# second per subprocess. A private cache in the system temp folder keeps that out of the run and
# writes nothing into the working tree. The controller reads this file before it starts the
# workers, so they inherit the environment and cache from their first import.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
    os.environ.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "aktgranskning-pytest-pycache"))
    sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
    sys.dont_write_bytecode = False

from aktgranskning.domain.case import Case, CaseStatus, Gender
from aktgranskning.domain.checklist import Checklist
from aktgranskning.services.checklists import builtin_checklists
from aktgranskning.services.opening import (
    NewFileInfo,
    create_review_file,
    open_review_file,
)
from aktgranskning.services.session import ReviewSession
from tests.worktree_clean import WorktreeCheck


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # with pytest-xdist, the controller checks for everyone
        config.pluginmanager.register(WorktreeCheck(Path(__file__).resolve().parent.parent), "worktree-clean")


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("anvandare")
    monkeypatch.setenv("AKTGRANSKNING_DATAMAPP", str(folder))
    return folder


@pytest.fixture(scope="session")
def checklists() -> list[Checklist]:
    return builtin_checklists()  # not the organisation folder: the tests must not depend on the machine


@pytest.fixture(scope="session")
def checklists_by_id(checklists: list[Checklist]) -> dict[str, Checklist]:
    return {c.id: c for c in checklists}


def make_cases(count: int = 6, reserves: int = 2) -> list[Case]:
    cases = []
    for sequence in range(1, count + reserves + 1):
        cases.append(
            Case(
                id=0,
                sequence=sequence,
                case_number=f"TEST-{sequence:04d}",
                case_type="utredning" if sequence % 2 == 0 else "forhandsbedomning",
                gender=Gender.FEMALE if sequence % 2 else Gender.MALE,
                age_group="6–12 år",
                caseworker_code=f"HX{sequence % 3}",
                status=CaseStatus.NOT_STARTED,
                is_reserve=sequence > count,
            )
        )
    return cases


@pytest.fixture
def review_file(tmp_path: Path, checklists: list[Checklist]) -> Path:
    path = tmp_path / "Testenheten 2026.granskning"
    info = NewFileInfo("Testförvaltningen", "Testområdet", "Testenheten", 2026)
    create_review_file(path, info, checklists, make_cases())
    return path


@pytest.fixture
def session(review_file: Path) -> Iterator[ReviewSession]:
    opened = open_review_file(review_file, reviewer="testare")
    yield opened
    opened.close()
