"""The förvaltning's PostgreSQL server as the user names it, and connections to it.

A server is named by a libpq-style URL, `postgresql://user@host:port/database`. The password is
never part of it (it would be in the shell's history and the process list): it comes from the
operating system's keyring (services/server_login.py), `PGPASSWORD` or `~/.pgpass`, which libpq
reads itself. TLS is used whenever the server offers it (libpq's `sslmode=prefer`); `?sslmode=`
`require` or `verify-full` in the URL demand it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from aktgranskning.domain.errors import UserError

DEFAULT_PORT = 5432
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_ALLOWED_OPTIONS = {"sslmode", "sslrootcert", "connect_timeout", "application_name"}
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ServerProblem(UserError):
    """The server could not be reached, refused the login, or holds something unexpected."""


@dataclass(frozen=True)
class ServerAddress:
    user: str
    host: str
    port: int
    database: str
    sslmode: str = "prefer"
    sslrootcert: str = ""
    connect_timeout: int = 10

    @property
    def text(self) -> str:
        """The URL as the user gives it (never a password)."""
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        extra = "" if self.sslmode == "prefer" else f"?sslmode={self.sslmode}"
        return f"postgresql://{self.user}@{self.host}{port}/{self.database}{extra}"

    @property
    def keyring_name(self) -> str:
        """Under this name the password is kept in the operating system's keyring."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def as_user(self, user: str) -> ServerAddress:
        return ServerAddress(user, self.host, self.port, self.database, self.sslmode, self.sslrootcert,
                             self.connect_timeout)


def parse_server_url(text: str) -> ServerAddress:
    """`postgresql://user@host:port/database[?sslmode=…]`, checked; Swedish messages name the problem."""
    given = text.strip()
    parts = urlsplit(given)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ServerProblem(f"{given!r} är ingen serveradress. Skriv den som postgresql://användare@värd:port/databas.")
    if parts.password is not None:
        raise ServerProblem(
            f"Serveradressen {parts.scheme}://{parts.username or ''}@{parts.hostname or ''}/… innehåller ett lösenord. "
            "Lösenordet ska aldrig stå i adressen (det syns i skalets historik och processlistan): spara det i "
            "datorns nyckelring (Arkiv → Anslut till server…), i miljövariabeln PGPASSWORD eller i ~/.pgpass.")
    if not parts.username:
        raise ServerProblem(f"Serveradressen {given} saknar användare: skriv postgresql://användare@värd/databas.")
    if not parts.hostname:
        raise ServerProblem(f"Serveradressen {given} saknar värd (servern): skriv postgresql://användare@värd/databas.")
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise ServerProblem(f"Serveradressen {given} saknar databas: skriv postgresql://användare@värd/databas.")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as error:
        raise ServerProblem(f"Serveradressen {given} har ett ogiltigt portnummer.") from error
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - _ALLOWED_OPTIONS)
    if unknown:
        raise ServerProblem(f"Serveradressen {given} har okända inställningar: {', '.join(unknown)} "
                            f"(tillåtna: {', '.join(sorted(_ALLOWED_OPTIONS))}).")
    sslmode = options.get("sslmode", "prefer")
    if sslmode not in SSL_MODES:
        raise ServerProblem(f"Serveradressen {given}: sslmode={sslmode} finns inte (välj {', '.join(SSL_MODES)}).")
    timeout = options.get("connect_timeout", "10")
    if not timeout.isdigit() or not 1 <= int(timeout) <= 300:
        raise ServerProblem(f"Serveradressen {given}: connect_timeout ska vara 1–300 sekunder.")
    return ServerAddress(unquote(parts.username), parts.hostname, port, database, sslmode,
                         options.get("sslrootcert", ""), int(timeout))


def server_engine(address: ServerAddress, password: str | None, schema: str | None = None,
                  pooled: bool = False) -> Engine:
    """An engine on the server. With `schema`, unqualified names are the tables of that one
    granskning (its own PostgreSQL schema, see storage/server_catalog.py), so the store's
    statements run there unchanged."""
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise ValueError(f"not a schema name the program makes: {schema!r}")
    query = {"sslmode": address.sslmode, **({"sslrootcert": address.sslrootcert} if address.sslrootcert else {})}
    url = URL.create("postgresql+psycopg", username=address.user, password=password or None, host=address.host,
                     port=address.port, database=address.database, query=query)
    connect_args: dict[str, object] = {"connect_timeout": address.connect_timeout, "application_name": "aktgranskning"}
    if schema is not None:
        connect_args["options"] = f"-c search_path={schema}"
    if pooled:
        return create_engine(url, connect_args=connect_args, pool_size=2, max_overflow=2, pool_pre_ping=True)
    return create_engine(url, connect_args=connect_args, poolclass=NullPool)


def connection_problem(address: ServerAddress, error: Exception) -> ServerProblem:
    """A failed connection or statement as a Swedish message that names the server."""
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = detail[0] if detail else type(error).__name__
    lowered = first.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        reason = (f"inloggningen som {address.user} nekades: fel eller inget lösenord (spara det med "
                  "Arkiv → Anslut till server…, eller i PGPASSWORD eller ~/.pgpass)")
    elif "permission denied" in lowered or "insufficient privilege" in lowered:
        reason = f"{address.user} har inte behörighet till detta ({first})"
    elif "could not connect" in lowered or "connection refused" in lowered or "timeout" in lowered:
        reason = f"servern svarar inte ({first})"
    elif "does not exist" in lowered and "database" in lowered:
        reason = f"databasen {address.database} finns inte på servern"
    else:
        reason = first
    return ServerProblem(f"Servern {address.text}: {reason}.")
