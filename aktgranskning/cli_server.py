"""The command line's server mode: `aktgranskning server …`, and `--server URL --enhet NAMN --ar ÅR`
for the commands that read one granskning (status, rapport, kontrollera) instead of a file, and
for sammanfoga, which brings reviewers' copies into the granskning on the server."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aktgranskning.domain.errors import UserError

if TYPE_CHECKING:
    from aktgranskning.domain.summary import Summary
    from aktgranskning.services.session import ReviewSession

EXIT_OK, EXIT_ERROR = 0, 1
EXIT_INCOMPLETE = 3
URL_HELP = ("serverns adress, postgresql://användare@värd:port/databas (lösenordet aldrig här: det tas ur datorns "
            "nyckelring, PGPASSWORD eller ~/.pgpass)")


def add_server_reference(parser: argparse.ArgumentParser) -> None:
    """`--server URL --enhet NAMN --ar ÅR`: the granskning on the server instead of FIL."""
    group = parser.add_argument_group("på servern (i stället för FIL)")
    group.add_argument("--server", metavar="URL", help=URL_HELP)
    group.add_argument("--enhet", metavar="NAMN", help="enhetens namn på servern")
    group.add_argument("--ar", type=int, metavar="ÅR", help="granskningsåret")


def wants_server(args: argparse.Namespace) -> bool:
    """Whether the command names a granskning on the server; checks that FIL or the server is given."""
    server = getattr(args, "server", None)
    if server is None:
        if getattr(args, "fil", None) is None:
            raise UserError("Ange granskningsfilen, eller en granskning på servern med "
                            "--server URL --enhet NAMN --ar ÅR.")
        return False
    if getattr(args, "fil", None) is not None:
        raise UserError("Ange antingen granskningsfilen eller --server, inte båda.")
    if not args.enhet or args.ar is None:
        raise UserError("Med --server behövs också --enhet NAMN och --ar ÅR: vilken enhet och vilket år.")
    return True


def open_for_reading_from(args: argparse.Namespace) -> ReviewSession:
    """The granskning a reading command names: a file, or one on the server."""
    if wants_server(args):
        from aktgranskning.services import server

        return server.open_on_server(server.address_of(args.server), args.enhet, args.ar)
    from aktgranskning.services.opening import open_for_reading

    return open_for_reading(args.fil)


def open_merge_target(args: argparse.Namespace, reviewer: str) -> ReviewSession | None:
    """`sammanfoga --server …`: the granskning on the server, open for writing, that the copies'
    answers go into (the first positional is then a copy too); None for an enhet's file."""
    if getattr(args, "server", None) is None:
        if args.enhetsfil is None or not args.kopior:
            raise UserError("Ange enhetens granskningsfil och minst en kopia, eller --server URL --enhet NAMN "
                            "--ar ÅR och kopiorna.")
        return None
    if not args.enhet or args.ar is None:
        raise UserError("Med --server behövs också --enhet NAMN och --ar ÅR: vilken enhet och vilket år.")
    if args.enhetsfil is not None:
        args.kopior = [args.enhetsfil, *args.kopior]
        args.enhetsfil = None
    from aktgranskning.services import server
    from aktgranskning.services.server_session import open_server_session

    session = open_server_session(server.address_of(args.server), args.enhet, args.ar, reviewer)
    if session.read_only:
        session.close()
        raise UserError(f"Svaren kan inte föras in: {' '.join(session.notes) or 'granskningen är skrivskyddad.'}")
    return session


def add_server_summary(parser: argparse.ArgumentParser) -> None:
    """`sammanstall --server URL --ar ÅR [--jamfor-ar ÅR]`: every enhet's result on the server."""
    group = parser.add_argument_group("från servern (i stället för FILER)")
    group.add_argument("--server", metavar="URL", help=URL_HELP + "; kräver utvecklarens behörighet")
    group.add_argument("--ar", type=int, metavar="ÅR", help="året som sammanställs")
    group.add_argument("--jamfor-ar", type=int, metavar="ÅR", help="ett tidigare år på samma server att jämföra med")


def wants_server_summary(args: argparse.Namespace) -> bool:
    """Whether `sammanstall` reads the server; checks that nothing of the file summary is mixed in."""
    if args.server is None:
        if args.ar is not None or args.jamfor_ar is not None:
            raise UserError("--ar och --jamfor-ar gäller sammanställning från servern: ange också --server URL.")
        return False
    if args.filer or args.omgang is not None or args.jamfor or args.ersatt:
        raise UserError("Med --server sammanställs granskningarna på servern: ange inte också filer, --omgang, "
                        "--jamfor eller --ersatt (jämför med ett tidigare år med --jamfor-ar ÅR).")
    if args.ar is None:
        raise UserError("Med --server behövs också --ar ÅR: vilket år som sammanställs.")
    return True


def server_summaries(args: argparse.Namespace) -> tuple[Summary, Summary | None]:
    """The year's summary from the server, and the earlier year's when --jamfor-ar asks for it."""
    from aktgranskning.services import server
    from aktgranskning.services.server_results import build_server_summary

    address = server.address_of(args.server)
    summary = build_server_summary(address, args.ar)
    earlier = build_server_summary(address, args.jamfor_ar) if args.jamfor_ar is not None else None
    return summary, earlier


def add_server_commands(commands: argparse._SubParsersAction, parser_class: type) -> None:  # type: ignore[type-arg]
    server = commands.add_parser(
        "server", help="förvaltningens PostgreSQL-server: förbered, ladda upp, ladda ned och lista granskningar",
        description="I serverläget ligger förvaltningens granskningar (varje enhet och år) i en PostgreSQL-databas "
                    "i stället för i filer. Filerna fungerar som förut; en granskning kan laddas upp till servern "
                    "och laddas ned som granskningsfil för arbete utan nät. Lösenordet skrivs aldrig på "
                    "kommandoraden: det tas ur datorns nyckelring, miljövariabeln PGPASSWORD eller ~/.pgpass.",
    )
    actions = server.add_subparsers(dest="server_kommando", title="åtgärder", metavar="ÅTGÄRD", required=True,
                                    parser_class=parser_class)
    init = actions.add_parser("initiera", help="skapa eller uppgradera det programmet behöver i databasen "
                                               "(kan köras igen; kräver en roll som får skapa i databasen)")
    init.add_argument("url", metavar="URL", help=URL_HELP)
    upload = actions.add_parser("ladda-upp", help="kopiera enheters granskningsfiler till servern")
    upload.add_argument("url", metavar="URL", help=URL_HELP)
    upload.add_argument("filer", metavar="FIL", type=Path, nargs="+", help="granskningsfilerna (en per enhet och år)")
    download = actions.add_parser("ladda-ned", help="skriv en granskning på servern som granskningsfil")
    download.add_argument("url", metavar="URL", help=URL_HELP)
    download.add_argument("--enhet", required=True, metavar="NAMN", help="enhetens namn")
    download.add_argument("--ar", required=True, type=int, metavar="ÅR", help="granskningsåret")
    download.add_argument("-o", "--utfil", required=True, type=Path, metavar="FIL",
                          help="granskningsfilen som skrivs (skrivs aldrig över)")
    listing = actions.add_parser("lista", help="visa granskningarna på servern som du får se")
    listing.add_argument("url", metavar="URL", help=URL_HELP)
    _add_access_commands(actions)


def _add_access_commands(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, verb in (("bevilja", "ge"), ("aterkalla", "ta tillbaka")):
        command = actions.add_parser(
            name, help=f"{verb} en inloggning behörighet till en enhet (alla år) eller utvecklarens läsning",
            description="Inloggningen skapar IT-avdelningen först (CREATE ROLE namn LOGIN PASSWORD …). En enhets "
                        "granskare läser och skriver bara sin enhets granskningar; utvecklaren läser bara de "
                        "avidentifierade resultaten för alla enheter, aldrig akter eller kommentarer. Körs av "
                        "databasens ägare.")
        command.add_argument("url", metavar="URL", help=URL_HELP)
        command.add_argument("--login", required=True, metavar="INLOGGNING", help="inloggningens namn på servern")
        which = command.add_mutually_exclusive_group(required=True)
        which.add_argument("--enhet", metavar="NAMN", help="enhetens namn, som i granskningsfilen")
        which.add_argument("--utvecklare", action="store_true",
                           help="utvecklarens läsning av avidentifierade resultat för alla enheter")
    listing = actions.add_parser("behorigheter", help="visa vilka inloggningar som har behörighet till vad")
    listing.add_argument("url", metavar="URL", help=URL_HELP)


def run_server_command(args: argparse.Namespace) -> int:
    from aktgranskning.services import server

    address = server.address_of(args.url)
    action = args.server_kommando
    if action == "initiera":
        done = server.initialise_server(address)
        made = "förberedd för Aktgranskning" if done.created else "redan förberedd; allt är uppgraderat"
        print(f"{address.text}: databasen är {made} ({done.upgraded} granskningar på senaste schemat).")
        return EXIT_OK
    if action == "ladda-upp":
        return _upload(server, address, args.filer)
    if action in ("bevilja", "aterkalla", "behorigheter"):
        return _access(action, address, args)
    if action == "ladda-ned":
        path = server.download_granskning(address, args.enhet, args.ar, args.utfil)
        print(f"Skrev {path}: {args.enhet} {args.ar} från {address.text}.")
        return EXIT_OK
    rows = server.list_granskningar(address)
    if not rows:
        print(f"{address.text}: inga granskningar som {address.user} får se.")
    for row in rows:
        print(f"{row.area or '–'}\t{row.unit}\t{row.year}\tuppladdad {row.uploaded[:10]} av {row.uploaded_by}")
    return EXIT_OK


def _upload(server: Any, address: Any, paths: list[Path]) -> int:
    failed = 0
    for path in paths:
        try:
            print(server.upload_file(address, path).text(path))
        except UserError as error:
            failed += 1
            print(f"Fel: {error.message}")
    if failed:
        print(f"{failed} av {len(paths)} filer laddades inte upp.")
    return EXIT_INCOMPLETE if failed else EXIT_OK


def _access(action: str, address: Any, args: argparse.Namespace) -> int:
    from aktgranskning.services import server_roles

    if action == "behorigheter":
        overview = server_roles.list_access(address)
        if not overview.grants:
            print(f"{address.text}: ingen inloggning har behörighet till någon enhet ännu.")
        for grant in overview.grants:
            print(f"{grant.login}\t{grant.what}")
        if overview.units_without_anyone:
            print(f"Enheter på servern som ingen har behörighet till: {', '.join(overview.units_without_anyone)}.")
        return EXIT_OK
    unit = None if args.utvecklare else args.enhet
    if action == "bevilja":
        print(server_roles.grant_access(address, args.login, unit).text(granting=True))
    else:
        print(server_roles.revoke_access(address, args.login, unit).text(granting=False))
    return EXIT_OK
