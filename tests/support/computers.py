"""Several "computers" on one machine, each running real program processes with its own user
folders, for the acceptance test of several reviewers on one enhet (issue 19).

What isolates a computer today: the program finds every per-user folder through
``aktgranskning.paths``, and one environment variable redirects them all:

* ``AKTGRANSKNING_DATAMAPP`` = the data folder (``paths.user_data_dir``); the settings are then in
  ``<DATAMAPP>/inställningar`` (``paths.user_config_dir``, holding ``installningar.json`` with the
  reviewer's name) and the log in ``<DATAMAPP>/logg`` (``paths.user_log_dir``). Without it
  platformdirs picks the XDG folders. Settings and data cannot be redirected separately, but they
  need not be: one variable per computer keeps both apart.

Besides that each computer gets its own ``TMPDIR`` (the reader's private snapshots) and its own
``XDG_CONFIG_HOME``/``XDG_DATA_HOME``/``XDG_STATE_HOME`` (Qt's own files), and
``AKTGRANSKNING_DATORNAMN`` is set to the computer's name. The program does not read that one yet:
it takes the computer's name from ``socket.gethostname()`` (the lock file), which is the same for
every "computer" on one machine — a per-computer identity needs that variable (or another way to
tell the program its name) before file names or presence records can be told apart by computer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.sync_client import SyncedFolder

ROOT = Path(__file__).resolve().parents[2]
DATA_FOLDER_VARIABLE = "AKTGRANSKNING_DATAMAPP"
COMPUTER_NAME_VARIABLE = "AKTGRANSKNING_DATORNAMN"  # proposed; not read by the program yet
SETTINGS_FILE_NAME = "installningar.json"


@dataclass(frozen=True)
class Computer:
    """One simulated computer: a name (like Windows' COMPUTERNAME), the reviewer who uses it, and
    its own folders under ``home``. ``work_folder`` is where this computer sees the enhet: the
    shared folder itself, or its own synced copy."""

    name: str
    reviewer: str
    home: Path
    work_folder: Path

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def settings_dir(self) -> Path:
        return self.data_dir / "inställningar"  # what paths.user_config_dir gives under DATAMAPP

    @property
    def settings_file(self) -> Path:
        return self.settings_dir / SETTINGS_FILE_NAME

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logg"

    @property
    def temp_dir(self) -> Path:
        return self.home / "tmp"

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment a program process of this computer runs with."""
        env = dict(os.environ)
        env.pop("AKTGRANSKNING_CHECKLISTOR", None)
        env.update({
            DATA_FOLDER_VARIABLE: str(self.data_dir),
            COMPUTER_NAME_VARIABLE: self.name,
            "TMPDIR": str(self.temp_dir),
            "XDG_CONFIG_HOME": str(self.home / "xdg-config"),
            "XDG_DATA_HOME": str(self.home / "xdg-data"),
            "XDG_STATE_HOME": str(self.home / "xdg-state"),
            "QT_QPA_PLATFORM": env.get("QT_QPA_PLATFORM", "offscreen"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
        })
        env.update(extra or {})
        return env


def make_computers(root: Path, reviewers: Sequence[str], *, shared_folder: Path | None = None,
                   names: Sequence[str] | None = None) -> list[Computer]:
    """One computer per reviewer under ``root``, each with its folders made and the reviewer's
    name in its settings. With ``shared_folder`` every computer works in that one folder;
    without, each gets its own ``<home>/Granskning`` (to be kept in sync by the sync client)."""
    computer_names = list(names) if names is not None else [f"DATOR-{_ascii_upper(r)}" for r in reviewers]
    if len(computer_names) != len(reviewers) or len(set(computer_names)) != len(computer_names):
        raise ValueError("one distinct computer name per reviewer is needed")
    computers = []
    for reviewer, name in zip(reviewers, computer_names, strict=True):
        home = root / name
        work = shared_folder if shared_folder is not None else home / "Granskning"
        computer = Computer(name=name, reviewer=reviewer, home=home, work_folder=work)
        for folder in (computer.data_dir, computer.settings_dir, computer.temp_dir, work):
            folder.mkdir(parents=True, exist_ok=True)
        write_reviewer_setting(computer)
        computers.append(computer)
    return computers


def write_reviewer_setting(computer: Computer) -> None:
    """Put the reviewer's name into the computer's settings, as the window's settings dialog does."""
    from aktgranskning.services.settings import REVIEWER_NAME, Settings

    Settings(computer.settings_file).set(REVIEWER_NAME, computer.reviewer)


def _ascii_upper(text: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O", "é": "e", "É": "E"})
    return "".join(c for c in text.translate(table).upper() if c.isalnum()) or "DATOR"


@dataclass(frozen=True)
class ProcessResult:
    computer: str
    returncode: int | None  # None when it had to be killed at the timeout
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def json(self) -> object:
        """The last line of stdout that is JSON (what a snippet printed as its result)."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith(("{", "[")):
                return json.loads(line)
        raise ValueError(f"{self.computer}: ingen JSON-rad i utdata:\n{self.stdout[-2000:]}\n{self.stderr[-2000:]}")

    def describe(self) -> str:
        """For assertion messages."""
        state = "avbröts vid tidsgränsen" if self.timed_out else f"slutkod {self.returncode}"
        return f"{self.computer}: {state} efter {self.seconds:.1f} s\n--- stdout\n{self.stdout[-3000:]}\n" \
               f"--- stderr\n{self.stderr[-3000:]}"


@dataclass
class RunningProgram:
    """A program process of one computer that is still running; ``finish`` collects it."""

    computer: Computer
    process: subprocess.Popen[str]
    started: float = field(default_factory=time.monotonic)

    def finish(self, timeout: float = 120.0) -> ProcessResult:
        """Wait for the process (killing it at ``timeout`` seconds after the call) and collect its
        output and exit code."""
        timed_out = False
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            self.process.kill()
            out, err = self.process.communicate()
        return ProcessResult(self.computer.name, None if timed_out else self.process.returncode, out, err,
                             time.monotonic() - self.started, timed_out)

    def kill(self) -> ProcessResult:
        """SIGKILL now (as a computer that loses power) and collect what it wrote."""
        self.process.kill()
        out, err = self.process.communicate()
        return ProcessResult(self.computer.name, self.process.returncode, out, err,
                             time.monotonic() - self.started, False)

    def send(self, line: str) -> None:
        """Write one line to the process's stdin (when started with ``stdin=True``)."""
        assert self.process.stdin is not None, "started without stdin=True"
        self.process.stdin.write(line.rstrip("\n") + "\n")
        self.process.stdin.flush()

    @property
    def running(self) -> bool:
        return self.process.poll() is None


def start_python(computer: Computer, code: str | None = None, *, module: str | None = None,
                 args: Iterable[str] = (), cwd: Path | None = None, stdin: bool = False,
                 env: Mapping[str, str] | None = None) -> RunningProgram:
    """Start ``python -c code`` or ``python -m module`` with ``args`` as one of this computer's
    processes (its environment, working in ``cwd``, default its work folder). Exactly one of
    ``code`` and ``module`` must be given."""
    if (code is None) == (module is None):
        raise ValueError("give either code or module")
    command = [sys.executable, *(["-c", code] if code is not None else ["-m", str(module)]), *args]
    process = subprocess.Popen(command, cwd=cwd or computer.work_folder, env=computer.environment(env),
                               stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
    return RunningProgram(computer, process)


def run_python(computer: Computer, code: str | None = None, *, module: str | None = None,
               args: Iterable[str] = (), timeout: float = 120.0, cwd: Path | None = None,
               env: Mapping[str, str] | None = None) -> ProcessResult:
    """Run a snippet or module to its end as one of this computer's processes."""
    return start_python(computer, code, module=module, args=args, cwd=cwd, env=env).finish(timeout)


def run_cli(computer: Computer, *args: str, timeout: float = 120.0) -> ProcessResult:
    """``aktgranskning ARGS`` on this computer (e.g. ``run_cli(c, "status", str(f), "--json")``)."""
    return run_python(computer, module="aktgranskning", args=args, timeout=timeout)


def synced_folders_of(computers: Sequence[Computer]) -> list[SyncedFolder]:
    """The computers' own work folders, for ``SyncClient`` (setting (c): one folder per computer)."""
    if len({c.work_folder for c in computers}) != len(computers):
        raise ValueError("the computers share a work folder: make them without shared_folder to sync them")
    return [SyncedFolder(c.name, c.reviewer, c.work_folder) for c in computers]


@contextmanager
def acting_as(data_dir: Path, computer_name: str | None = None) -> Iterator[None]:
    """Run the block in this process as on another computer: its own data folder (working
    copies, settings, log) and, when given, its own computer name; the environment is restored."""
    values = {"AKTGRANSKNING_DATAMAPP": str(data_dir)}
    if computer_name is not None:
        values["AKTGRANSKNING_DATORNAMN"] = computer_name
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
