"""The password of a server login: kept in the operating system's keyring, never in a file of ours.

libpq reads `PGPASSWORD` and `~/.pgpass` by itself, so when the keyring has nothing the program
passes no password and those are used. The keyring is imported only in server mode.
"""

from __future__ import annotations

import logging

from aktgranskning.storage.server_address import ServerAddress

KEYRING_SERVICE = "aktgranskning"
_log = logging.getLogger(__name__)


def stored_password(address: ServerAddress) -> str | None:
    """The saved password for this login, or None (no keyring on this computer, or none saved)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, address.keyring_name)
    except Exception as error:  # no keyring backend (a server without a desktop), a locked keyring
        _log.info("no password from the keyring: %s", type(error).__name__)
        return None


def save_password(address: ServerAddress, password: str) -> bool:
    """Keep the password in the keyring. False when this computer has no keyring to keep it in."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, address.keyring_name, password)
        return True
    except Exception as error:
        _log.info("the keyring did not take the password: %s", type(error).__name__)
        return False


def forget_password(address: ServerAddress) -> None:
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, address.keyring_name)
    except Exception as error:  # nothing saved, or no keyring
        _log.info("nothing removed from the keyring: %s", type(error).__name__)
