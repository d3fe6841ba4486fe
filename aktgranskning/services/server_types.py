"""The server-mode types and rules the window names (it may not import storage/ itself)."""

from __future__ import annotations

from aktgranskning.storage.server_address import ServerAddress as ServerAddress
from aktgranskning.storage.server_address import ServerProblem as ServerProblem
from aktgranskning.storage.server_catalog import Granskning as Granskning
from aktgranskning.storage.server_catalog import unit_key as unit_key
