"""The password of a server login: kept in the operating system's keyring, never in a file of ours.

libpq reads `PGPASSWORD` and `~/.pgpass` by itself, so when the keyring has nothing the program
passes no password and those are used. The keyring is imported only in server mode.
"""

from __future__ import annotations

import logging

from aktgranskning.storage.server_address import ServerAddress

KEYRING_SERVICE = "aktgranskning"
_log = logging.getLogger(__name__)
# Passwords typed in the window for this run only ("ask each time"): in memory, never written.
_held: dict[str, str] = {}


def hold_password(address: ServerAddress, password: str) -> None:
    """Use this password for the login until the program ends, without saving it anywhere."""
    _held[address.keyring_name] = password


def keyring_available() -> bool:
    """Whether this computer has a keyring the password can be kept in (not the fail/null backends)."""
    try:
        import keyring

        return bool(keyring.get_keyring().priority > 0)
    except Exception as error:
        _log.info("no keyring: %s", type(error).__name__)
        return False


def stored_password(address: ServerAddress) -> str | None:
    """The password typed for this run, else the saved one, or None (no keyring, or none saved)."""
    held = _held.get(address.keyring_name)
    if held is not None:
        return held
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
