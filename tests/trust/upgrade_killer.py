"""Helper process for the atomic-upgrade test: upgrades an older granskningsfil as opening it for
writing does (`prepare_enhet_file`: under its lock, a backup, the new file renamed into place) and
kills itself with SIGKILL just before step k, where a step is every SQL statement SQLite is handed
(a trace callback on every connection) and every rename, fsync and file copy. Without a k it
prints how many steps the whole upgrade took."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

steps = 0
kill_at = int(sys.argv[2]) if len(sys.argv) > 2 else 0


def step(_what: object = None) -> None:
    global steps
    steps += 1
    if steps == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def counted(function: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        step()
        return function(*args, **kwargs)
    return wrapper


real_connect = sqlite3.connect


def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    connection = real_connect(*args, **kwargs)
    connection.set_trace_callback(step)
    return connection


sqlite3.connect = traced_connect  # type: ignore[assignment]
os.replace = counted(os.replace)  # type: ignore[assignment]
os.fsync = counted(os.fsync)  # type: ignore[assignment]
shutil.copyfile = counted(shutil.copyfile)  # type: ignore[assignment]

from aktgranskning.services.opening import prepare_enhet_file  # noqa: E402

prepare_enhet_file(Path(sys.argv[1]), upgrade=True)
print(f"steg {steps}")
