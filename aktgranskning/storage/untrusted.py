"""Defences for granskningsfiler that may come from anyone.

placeholder: replaced by the untrusted-file branch
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def harden_connection(connection: sqlite3.Connection) -> None:
    """placeholder: replaced by the untrusted-file branch"""


def check_database(connection: sqlite3.Connection, path: Path) -> None:
    """placeholder: replaced by the untrusted-file branch"""
