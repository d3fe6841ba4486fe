"""The command line: Swedish subcommands over the same services the GUI uses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from aktgranskning import __version__, cli_text
from aktgranskning.domain.errors import UserError
from aktgranskning.logging_setup import log_unexpected

SUBCOMMANDS = ("demo", "ny", "status", "kontrollera")
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class SwedishParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: fel: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    cli_text.install()
    parser = SwedishParser(
        prog="aktgranskning",
        description=(
            "Aktgranskning – egenkontroll av socialtjänstens akter. Utan kommando startar "
            "programmets fönster (med en fil, eller med --demo för en demofil)."
        ),
        epilog="Exempel: aktgranskning demo ~/demo   ·   aktgranskning status \"Mottagningen 2026.granskning\" --json",
    )
    parser.add_argument("--version", action="version", version=f"Aktgranskning {__version__}")
    commands = parser.add_subparsers(dest="kommando", title="kommandon", metavar="KOMMANDO", parser_class=SwedishParser)

    demo = commands.add_parser("demo", help="skriv en demo med påhittade granskningsfiler i en mapp")
    demo.add_argument("mapp", metavar="MAPP", type=Path, help="mappen där demofilerna skrivs")
    demo.add_argument("--ar", type=int, metavar="ÅR", help="granskningsåret (standard: i år)")

    new = commands.add_parser("ny", help="skapa en granskningsfil från en urvalslista")
    new.add_argument("fil", metavar="FIL", type=Path, help="granskningsfilen som ska skapas")
    new.add_argument("--forvaltning", required=True, metavar="F", help="förvaltningens namn")
    new.add_argument("--omrade", required=True, metavar="O", help="områdets (avdelningens) namn")
    new.add_argument("--enhet", required=True, metavar="E", help="enhetens namn")
    new.add_argument("--ar", required=True, type=int, metavar="ÅR", help="granskningsåret")
    new.add_argument(
        "--urval", required=True, type=Path, metavar="LISTA",
        help="urvalslistan (xlsx eller csv) med minst ärendenummer och ärendetyp",
    )

    status = commands.add_parser("status", help="visa hur långt granskningen kommit och resultatet per fråga")
    status.add_argument("fil", metavar="FIL", type=Path, help="granskningsfilen")
    status.add_argument("--json", action="store_true", help="skriv ett JSON-objekt (för skript)")

    check = commands.add_parser("kontrollera", help="kontrollera att en granskningsfil är hel och konsekvent")
    check.add_argument("fil", metavar="FIL", type=Path, help="granskningsfilen")

    for sub in (demo, new, status, check):
        sub._positionals.title = "argument"
        sub._optionals.title = "flaggor"
    parser._optionals.title = "flaggor"
    return parser


def run_cli(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    handler = _HANDLERS.get(args.kommando)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except UserError as error:
        print(f"Fel: {error.message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # last resort: a message, the details in the log, never a traceback
        log_path = log_unexpected(error)
        print(
            f"Fel: ett oväntat fel inträffade ({type(error).__name__}). Inget har skrivits till "
            f"halva. Detaljer finns i loggen: {log_path}",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _reviewer() -> str:
    from aktgranskning.paths import user_config_dir
    from aktgranskning.services.settings import Settings

    return Settings(user_config_dir() / "installningar.json").reviewer()


def _demo(args: argparse.Namespace) -> int:
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.demo import write_demo

    folder: Path = args.mapp
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder}: mappen är inte tom. Välj en ny eller tom mapp för demon.")
    written = write_demo(folder, installed_checklists(), year=args.ar)
    print(f"Demon är skriven till {folder}:")
    for path in written:
        print(f"  {path.name}")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.new_file import create_from_sample_list
    from aktgranskning.services.opening import NewFileInfo

    info = NewFileInfo(args.forvaltning.strip(), args.omrade.strip(), args.enhet.strip(), args.ar)
    report = create_from_sample_list(args.fil, args.urval, info, installed_checklists())
    print(f"Skapade {report.path} med {report.cases} akter och {report.reserves} reserver.")
    if report.unknown_columns:
        print("Kolumner som inte användes: " + ", ".join(report.unknown_columns))
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from aktgranskning.services.opening import open_review_file
    from aktgranskning.services.status import status_data, status_text

    session = open_review_file(args.fil, reviewer=_reviewer(), read_only=True, upgrade=False)
    try:
        if args.json:
            print(json.dumps(status_data(session), ensure_ascii=False, indent=2))
        else:
            print(status_text(session))
    finally:
        session.close()
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from aktgranskning.services.check import check_review_file

    report = check_review_file(args.fil)
    print(report.text())
    return EXIT_OK if report.ok else EXIT_ERROR


_HANDLERS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    "demo": _demo,
    "ny": _new,
    "status": _status,
    "kontrollera": _check,
}
