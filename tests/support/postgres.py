"""A real PostgreSQL server of the test run's own: Debian's `postgresql` package's initdb and
pg_ctl in a temporary folder, on a free port on loopback, stopped afterwards.

The server's superuser `postgres` may connect over TCP without a password (only from loopback,
only in this temporary cluster); every other login needs its password (scram-sha-256), so the
tests of roles log in as a municipality's users would. As root, the server runs as the package's
`postgres` system user: initdb refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


class NoPostgres(RuntimeError):
    """The machine has no PostgreSQL server programs (install Debian's `postgresql`)."""


def server_bin_dir() -> Path:
    """Where initdb and pg_ctl are: Debian keeps them under /usr/lib/postgresql/<version>/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key, reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise NoPostgres("initdb finns inte: installera Debians paket postgresql")


def _version_key(path: str) -> float:
    try:
        return float(Path(path).parent.parent.name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bin_dir: Path
    run_as: str | None  # the system user the server runs as (root cannot run it)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url(self, user: str = SUPERUSER, database: str = "postgres") -> str:
        """A libpq-style URL, as users give it to `--server`."""
        return f"postgresql://{user}@{self.host}:{self.port}/{database}"

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bin_dir / program), *args]
        return ["runuser", "-u", self.run_as, "--", *command] if self.run_as else command

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser (for setting a test up, not for what the program does), as
        `psql -t -A -c` would: the last statement's rows, columns separated by |. Through a
        psycopg connection rather than a psql process, which cost some 60 ms a call."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=SUPERUSER, dbname=database, autocommit=True,
                             connect_timeout=5) as connection:
            cursor = connection.execute(sql.encode("utf-8"))  # bytes: no placeholders, several statements
            while cursor.nextset():  # psql shows only the last statement's result
                pass
            rows = cursor.fetchall() if cursor.description else []
        return "".join("|".join("" if value is None else _psql_text(value) for value in row) + "\n" for row in rows)

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return name

    def stop(self) -> None:
        subprocess.run(self._command("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"),
                       capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _psql_text(value: object) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def start_server(durable: bool = False) -> PostgresServer:
    """Initialise and start a cluster in a new temporary folder. `durable=False` (tests) turns off
    fsync: a crashed test server is thrown away anyway. Benchmarks keep the default durability."""
    bin_dir = server_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="aktgranskning-pg-"))
    run_as = "postgres" if os.geteuid() == 0 else None
    if run_as:
        shutil.chown(folder, user=run_as)
        folder.chmod(0o700)
    server = PostgresServer(folder=folder, port=_free_port(), bin_dir=bin_dir, run_as=run_as)
    data = folder / "data"
    subprocess.run(
        server._command("initdb", "-D", str(data), "-U", SUPERUSER, "--auth-local=trust",
                        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"),
        capture_output=True, check=True,
    )
    hba = data / "pg_hba.conf"
    hba_text = (
        "local all all trust\n"
        f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
    )
    _write_as(server, hba, hba_text)
    settings = [f"port={server.port}", "listen_addresses='127.0.0.1'", f"unix_socket_directories='{folder}'",
                "max_connections=200", "shared_buffers=32MB"]
    if not durable:
        settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
    _write_as(server, data / "postgresql.auto.conf", "\n".join(settings) + "\n")
    result = subprocess.run(
        server._command("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "30", "start"),
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
        server.stop()
        raise RuntimeError(f"PostgreSQL startade inte: {result.stderr}\n{log}")
    _wait_until_ready(server)
    return server


def _write_as(server: PostgresServer, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    if server.run_as:
        shutil.chown(path, user=server.run_as)


def _wait_until_ready(server: PostgresServer, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready = subprocess.run(["pg_isready", "-q", "-h", server.host, "-p", str(server.port)], check=False)
        if ready.returncode == 0:
            return
        time.sleep(0.05)
    raise RuntimeError("PostgreSQL svarade inte inom 20 s")
