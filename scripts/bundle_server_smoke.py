"""CI: the installed bundle talks to a real PostgreSQL server (its psycopg, libpq and dialect are
in the bundle): initiera, ladda-upp, status --server gives what status gives for the file.

    python scripts/bundle_server_smoke.py dist/aktgranskning/aktgranskning
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.postgres import start_server


def run(program: str, *args: str) -> str:
    result = subprocess.run([program, *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} misslyckades ({result.returncode}): {result.stderr}")
    return result.stdout


def main(program: str) -> None:
    server = start_server()
    try:
        server.create_database("smoke")
        url = server.url(database="smoke")
        with tempfile.TemporaryDirectory() as folder:
            demo = Path(folder) / "demo"
            run(program, "demo", str(demo))
            review = sorted(demo.glob("Mottagningen *.granskning"))[-1]
            run(program, "server", "initiera", url)
            run(program, "server", "ladda-upp", url, str(review))
            in_file = json.loads(run(program, "status", str(review), "--json"))
            on_server = json.loads(run(program, "status", "--server", url, "--enhet", in_file["enhet"],
                                       "--ar", str(in_file["ar"]), "--json"))
            if on_server != in_file:
                raise SystemExit("status --server gav inte samma som status för filen")
        print("Paketet talar med PostgreSQL: initiera, ladda-upp och status --server stämmer.")
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1])
