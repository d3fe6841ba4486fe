"""Arkiv → Anslut till server… on a 1366×768 laptop at a scaling (100 % by default), connected to a
PostgreSQL server of its own that holds the demo's enheter for two years. Prints what it measured
as JSON and with --spara saves docs/server-anslut.png; --bild FIL saves the picture elsewhere.
It measures twice: on a computer with a keyring (the picture) and without one, where the dialog
says so and is taller.

    python scripts/server_dialog_shots.py 1.5 [--spara] [--bild FIL]

Runs itself in a child process, because Qt reads QT_SCALE_FACTOR once at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
YEAR = 2026


def _memory_keyring() -> object:
    """A keyring in memory, standing in for the computer's (Windows Credential Manager, …)."""
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.saved: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.saved.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.saved[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.saved.pop((service, username), None)

    return MemoryKeyring()


def _dialog_state(window, url: str, keyring_backend: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    import keyring

    from aktgranskning.gui.background import wait_until_idle
    from aktgranskning.services.settings import SERVER_URL
    from tests.gui.screen_probe import controls_off_screen

    keyring.set_keyring(keyring_backend)  # type: ignore[arg-type]
    window.settings.set(SERVER_URL, url)  # as after an earlier connection: the fields are filled in
    window.server_action.trigger()
    dialog = window.server_dialog
    wait_until_idle()
    dialog.connect_to_server()
    wait_until_idle()
    available = dialog.screen().availableGeometry()
    table = dialog.table
    return {
        "dialog": dialog,
        "frame": list(dialog.frameGeometry().getRect()),
        "inside": available.contains(dialog.frameGeometry()),
        "off": controls_off_screen(dialog, dialog),
        "rows": table.rowCount(),
        "rows_visible": table.viewport().height() // max(table.rowHeight(0), 1) if table.rowCount() else 0,
        "message": dialog.message.text(),
        "address_cut": dialog.address.fontMetrics().horizontalAdvance(dialog.address.text())
        > dialog.address.width() - 8,
    }


def measure(picture: Path | None) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from keyring.backends import null

    from aktgranskning.gui.launch import apply_style, build_main_window, create_application, install_swedish
    from aktgranskning.services import server
    from aktgranskning.services.checklists import builtin_checklists
    from aktgranskning.services.demo import write_demo
    from tests.support.postgres import start_server

    pg = start_server()
    try:
        database = pg.create_database("aktgranskning")
        url = pg.url(database=database)
        address = server.address_of(url)
        server.initialise_server(address)
        with tempfile.TemporaryDirectory() as folder:
            for path in write_demo(Path(folder), builtin_checklists(), year=YEAR):
                server.upload_file(address, path)
        app = create_application()
        install_swedish(app)
        apply_style(app)
        available = app.primaryScreen().availableGeometry()
        window = build_main_window()
        window.show()
        result: dict[str, object] = {"available": [available.x(), available.y(), available.width(),
                                                   available.height()]}
        without = _dialog_state(window, url, null.Keyring())
        if picture is not None and "--bild" in sys.argv:  # for looking at; the docs show the usual case
            without["dialog"].grab().save(str(picture.with_name(f"{picture.stem}-utan-nyckelring.png")))  # type: ignore[attr-defined]
        without.pop("dialog").close()  # type: ignore[union-attr]
        result["utan_nyckelring"] = without
        with_keyring = _dialog_state(window, url, _memory_keyring())
        dialog = with_keyring.pop("dialog")
        if picture is not None:
            dialog.grab().save(str(picture))  # type: ignore[union-attr]
        result["med_nyckelring"] = with_keyring
        dialog.close()  # type: ignore[union-attr]
        window.close()
        return result
    finally:
        pg.stop()


def main(argv: list[str]) -> int:
    scale = next((a for a in argv if not a.startswith("-") and a.replace(".", "").isdigit()), "1")
    if os.environ.get("QT_SCALE_FACTOR") != scale:
        sys.path.insert(0, str(ROOT))
        from scripts.screen_fit import environment

        with tempfile.TemporaryDirectory() as folder:
            child = subprocess.run([sys.executable, __file__, *argv],
                                   env=environment(float(scale), Path(folder)) | {"QT_SCALE_FACTOR": scale})
            return child.returncode
    picture = DOCS / "server-anslut.png" if "--spara" in argv else None
    if "--bild" in argv:
        picture = Path(argv[argv.index("--bild") + 1])
    print(json.dumps(measure(picture), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
