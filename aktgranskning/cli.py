"""The command line: Swedish subcommands over the same services the GUI uses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from aktgranskning import __version__, cli_text
from aktgranskning.cli_server import (
    add_server_commands,
    add_server_reference,
    add_server_summary,
    open_for_reading_from,
    open_merge_target,
    run_server_command,
    server_summaries,
    wants_server,
    wants_server_summary,
)
from aktgranskning.domain.errors import UserError
from aktgranskning.domain.steps import Step, step_of
from aktgranskning.logging_setup import log_unexpected

if TYPE_CHECKING:
    from aktgranskning.domain.summary import Summary
    from aktgranskning.services.round import RoundStatus
    from aktgranskning.services.session import ReviewSession
    from aktgranskning.services.settings import Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_INCOMPLETE = 3  # sammanstall: written, but without the files that could not be read


class SwedishParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
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
    parser.add_argument("--version", action="version", version=f"Aktgranskning {__version__}",
                        help=cli_text.VERSION_HELP)
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
    status.add_argument("fil", metavar="FIL", type=Path, nargs="?", help="granskningsfilen")
    status.add_argument("--json", action="store_true", help="skriv ett JSON-objekt (för skript)")
    add_server_reference(status)

    check = commands.add_parser("kontrollera", help="kontrollera att en granskningsfil är hel och konsekvent")
    check.add_argument("fil", metavar="FIL", type=Path, nargs="?", help="granskningsfilen")
    add_server_reference(check)

    sample = commands.add_parser(
        "urval", help="dra ett stratifierat urval per enhet ur ärendelistan från verksamhetssystemet"
    )
    sample.add_argument("arendelista", metavar="ÄRENDELISTA", type=Path, help="exporten (xlsx eller csv)")
    sample.add_argument("-o", "--utfil", required=True, type=Path, metavar="URVAL.xlsx", help="urvalsboken som skrivs")
    sample.add_argument("--per-enhet", type=int, default=20, metavar="N", help="akter per enhet (standard 20)")
    sample.add_argument("--reserver", type=int, default=5, metavar="N", help="reserver per enhet (standard 5)")
    sample.add_argument("--seed", type=int, metavar="N", help="slumpfrö; samma frö ger samma urval")
    sample.add_argument("--aldersgrupper", default=None, metavar="GRUPPER",
                        help='åldersgrupper, t.ex. "0-5,6-12,13-17" (standard 0-5,6-12,13-17,18-25,26-64,65-)')
    sample.add_argument("--arendetyp", metavar="T", help="ta bara med ärenden av denna typ")
    sample.add_argument("--fran", metavar="DATUM", help="ta bara med ärenden från detta datum (ÅÅÅÅ-MM-DD)")
    sample.add_argument("--till", metavar="DATUM", help="ta bara med ärenden till och med detta datum")
    sample.add_argument("--kolumn", action="append", default=[], metavar="FÄLT=RUBRIK",
                        help="ange en kolumn själv, t.ex. --kolumn arendenummer=\"Akt nr\" eller "
                             "--kolumn startdatum=\"Beslut om utredning\" (ärendets start, då åldern räknas)")
    sample.add_argument("--granskningsfiler", type=Path, metavar="MAPP", help="skapa en granskningsfil per enhet här")
    sample.add_argument("--forvaltning", metavar="F", help="förvaltningens namn (för granskningsfilerna)")
    sample.add_argument("--ar", type=int, metavar="ÅR", help="granskningsåret (för granskningsfilerna)")

    report = commands.add_parser(
        "rapport", help="skriv enhetens resultat som Excelfil (och pdf) för APT och sammanställning"
    )
    report.add_argument("fil", metavar="FIL", type=Path, nargs="?", help="granskningsfilen")
    report.add_argument("-o", "--utfil", required=True, type=Path, metavar="ENHET.xlsx", help="Excelfilen som skrivs")
    report.add_argument("--pdf", type=Path, metavar="ENHET.pdf", help="skriv också en pdf-rapport")
    report.add_argument("--jamfor", type=Path, metavar="FJOLÅRETS_FIL",
                        help="jämför med ett tidigare år (granskningsfil eller enhetens Excelfil)")
    add_server_reference(report)

    summary = commands.add_parser(
        "sammanstall", help="sammanställ enheternas filer till område och förvaltning",
        description="Sammanställ enheternas filer till område och förvaltning, eller en hel omgång (--omgang): "
                    "då är varje enhet i omgången med, och en enhet utan fil visas som Saknas. En fil som inte "
                    "kan läsas stoppar inte de andra: den nämns med orsaken, ingår inte i resultatet, och "
                    f"programmet avslutas med kod {EXIT_INCOMPLETE} i stället för 0 (så också när en enhet i "
                    "omgången saknas). Med --server URL --ar ÅR sammanställs i stället årets granskningar på "
                    "förvaltningens server, utan filer (utvecklarens behörighet behövs).",
    )
    summary.add_argument("filer", metavar="FILER", type=Path, nargs="*",
                         help="enheternas Excelfiler eller granskningsfiler, eller mappar med dem "
                              "(behövs inte med --omgang)")
    summary.add_argument("--omgang", type=Path, metavar="OMGÅNG.omgang",
                         help="sammanställ omgången: dess enheter, i dess ordning, med dess färggränser")
    summary.add_argument("-o", "--utfil", type=Path, metavar="SAMMANSTÄLLNING.xlsx", help="Excelfilen som skrivs")
    summary.add_argument("--pdf", type=Path, metavar="FIL.pdf", help="skriv också en pdf-rapport")
    summary.add_argument("--json", type=Path, metavar="FIL.json", help="skriv siffrorna som JSON (för BI-verktyg)")
    summary.add_argument("--jamfor", type=Path, nargs="+", metavar="TIDIGARE",
                         help="ett tidigare års enhetsfiler (eller mapp, eller omgångsfil) att jämföra med; "
                              "jämförelsen står i Excelfilen, pdf:en och JSON-filen")
    summary.add_argument("--ersatt", type=Path, action="append", default=[], metavar="FIL",
                         help="när samma enhet och år finns i två filer: den fil som ska gälla")
    add_server_summary(summary)

    _round_parser(commands)

    merge = commands.add_parser(
        "sammanfoga", help="för in svaren från granskarnas kopior i enhetens granskningsfil"
    )
    merge.add_argument("enhetsfil", metavar="ENHETSFIL", type=Path, nargs="?",
                       help="enhetens granskningsfil "
                            "(utelämnas med --server: då förs svaren in i granskningen på servern)")
    merge.add_argument("kopior", metavar="KOPIOR", type=Path, nargs="+", help="kopiorna som granskarna arbetat i")
    merge.add_argument("--enhetsfilen-galler", action="store_true",
                       help="konflikterna är avgjorda: svaren i enhetsfilen gäller och kopiornas avvikande svar "
                            "läggs åt sidan (antecknas i ändringsloggen)")
    add_server_reference(merge)

    collect = commands.add_parser(
        "samla", help="samla enhetens filer (enhetens fil och granskarnas egna) i en ny granskningsfil",
        description="Samla enhetens mapp – enhetens granskningsfil och varje granskares egen fil bredvid den – "
                    "i en ny, fristående granskningsfil, t.ex. för att skicka med e-post, arkivera eller "
                    "jämföra med nästa år. Vägrar så länge granskarna har konflikter som ingen avgjort.",
    )
    collect.add_argument("fil", metavar="FIL", type=Path, help="enhetens granskningsfil (eller en granskares fil)")
    collect.add_argument("-o", "--utfil", required=True, type=Path, metavar="NY_FIL",
                         help="den nya granskningsfilen (skrivs aldrig över om den finns)")
    collect.add_argument("--behall-konflikter", action="store_true",
                         help="samla ändå; konflikterna står kvar öppna i den nya filen och avgörs där")

    matrix = commands.add_parser(
        "importera-resultat",
        help="läs ett tidigare års resultat ur en Excelmatris (frågor som rader, akter som kolumner)"
    )
    matrix.add_argument("matris", metavar="MATRIS.xlsx", type=Path, help="Excelfilen med matrisen")
    matrix.add_argument("-o", "--utfil", required=True, type=Path, metavar="FIL.xlsx", help="enhetsfilen som skrivs")
    matrix.add_argument("--forvaltning", required=True, metavar="F", help="förvaltningens namn")
    matrix.add_argument("--omrade", required=True, metavar="O", help="områdets (avdelningens) namn")
    matrix.add_argument("--enhet", required=True, metavar="E", help="enhetens namn")
    matrix.add_argument("--ar", required=True, type=int, metavar="ÅR", help="året som matrisen gäller")
    matrix.add_argument("--blad", metavar="NAMN", help="bladet som ska läsas (standard: det första)")
    matrix.add_argument("--markering", choices=["obesvarad", "x"], default="obesvarad",
                        help="vad en ensam fotnotsmarkering (uppgift saknas) räknas som (standard: obesvarad)")
    _add_checklist_commands(commands)
    _add_activities_parser(commands)
    add_server_commands(commands, SwedishParser)
    return parser


def _round_parser(commands: argparse._SubParsersAction[SwedishParser]) -> None:
    round_ = commands.add_parser(
        "omgang", help="förvaltningens omgång: vilka enheter som är med och hur långt de kommit",
        description="Omgången är utvecklarens egen fil (.omgang): förvaltningen, året, områden och enheter med "
                    "hur många akter var och en ska granska, färggränserna och mappen med enheternas filer. "
                    "En sammanställning av omgången visar varje enhet, också den som saknas eller inte är klar.",
    )
    actions = round_.add_subparsers(dest="omgang_kommando", title="kommandon", metavar="KOMMANDO",
                                    parser_class=SwedishParser)
    new = actions.add_parser("ny", help="skapa en omgång från urvalsboken (eller från enheternas filer)")
    new.add_argument("fil", metavar="OMGÅNG.omgang", type=Path, help="omgångsfilen som skapas (skrivs aldrig över)")
    new.add_argument("--urval", type=Path, metavar="URVAL.xlsx",
                     help="urvalsboken från kommandot urval; utan den tas enheterna ur filerna i MAPP")
    new.add_argument("--mapp", required=True, type=Path, metavar="MAPP",
                     help="mappen med enheternas granskningsfiler eller Excelfiler (omgången kommer ihåg den)")
    new.add_argument("--forvaltning", metavar="F", help="förvaltningens namn (standard: det som står i filerna)")
    new.add_argument("--ar", type=int, metavar="ÅR", help="granskningsåret (standard: filernas eller urvalets)")
    new.add_argument("--forra", type=Path, metavar="FÖRRA.omgang",
                     help="förra årets omgång: dess färggränser och förvaltningsgemensamma åtgärder följer med")
    status = actions.add_parser("status", help="visa läget per enhet: saknas, ej påbörjad, pågående eller klar")
    status.add_argument("fil", metavar="OMGÅNG.omgang", type=Path, help="omgångsfilen")
    status.add_argument("--json", action="store_true", help="skriv ett JSON-objekt (för skript)")


def run_cli(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    handler = _HANDLERS.get(args.kommando)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        code = handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not as noise when Python exits
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_ERROR
    except UserError as error:
        _say(f"Fel: {error.message}")
        return EXIT_ERROR
    except KeyboardInterrupt as interrupt:
        doing = f" medan {(step_of(interrupt) or command_step(args)).interrupted_text()}"
        _say(f"Avbrutet{doing}. Ingen fil har skrivits till hälften.")
        return EXIT_INTERRUPTED
    except Exception as error:  # last resort: one line naming the step and files, the stack in the log
        _say(unexpected_error_line(args, error))
        return EXIT_ERROR


def _settings() -> Settings:
    from aktgranskning.paths import user_config_dir
    from aktgranskning.services.settings import Settings

    return Settings(user_config_dir() / "installningar.json")


def _reviewer() -> str:
    """The reviewer name the user set in the window's settings (empty if none; never the login)."""
    return str(_settings().reviewer())


def _demo(args: argparse.Namespace) -> int:
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.demo import write_demo, write_demo_round

    folder: Path = args.mapp
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder}: mappen är inte tom. Välj en ny eller tom mapp för demon.")
    written = write_demo(folder, installed_checklists(), year=args.ar)
    written.append(write_demo_round(folder, args.ar or date.today().year))
    print(f"Demon är skriven till {folder}:")
    for path in written:
        print(f"  {path.name}")
    print("Omgångsfilen visar omgångens läge och sammanställer den (en enhet har ingen fil ännu): "
          f"aktgranskning omgang status \"{written[-1]}\"")
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


def _print_opening_notes(session: ReviewSession) -> None:
    """What opening found (side files not used, answers only in -wal, a synced folder), on stderr
    so that --json output stays clean."""
    for note in (*session.notes, session.folder_warning):
        if note:
            print(f"Obs: {session.path.name}: {note}", file=sys.stderr)


def _status(args: argparse.Namespace) -> int:
    from aktgranskning.services.status import status_data, status_text

    session = open_for_reading_from(args)
    try:
        _print_opening_notes(session)
        if args.json:
            print(json.dumps(status_data(session), ensure_ascii=False, indent=2))
        else:
            print(status_text(session))
    finally:
        session.close()
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from aktgranskning.services.report import export_unit_report, unit_report

    session = open_for_reading_from(args)
    try:
        _print_opening_notes(session)
        report = unit_report(session, args.jamfor)
    finally:
        session.close()
    exported = export_unit_report(report, args.utfil, args.pdf, print_filler=_settings().print_filler())
    for path in exported:
        print(f"Skrev {path}")
    data = report.data
    print(f"{data.identity.display_name}: {data.describe_cases()}.")
    for notice in exported.notices:
        print(f"Obs: {notice}", file=sys.stderr)
    if report.previous is not None:
        print(f"Jämfört med {report.previous.identity.display_name}.")
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from aktgranskning.domain.summary import summary_warnings, unit_completeness
    from aktgranskning.services.summary import export_summary

    if args.utfil is None and args.json is None and args.pdf is None:
        raise UserError("Ange var sammanställningen ska skrivas: -o FIL.xlsx, --pdf FIL.pdf och/eller --json FIL.json.")
    if wants_server_summary(args):
        summary, earlier = server_summaries(args)
    else:
        summary, earlier = _file_summaries(args)
    if summary.round is not None:
        for level in summary.units():
            source = f" ({level.source})" if level.source else ""
            print(f"{level.name} ({level.area}): {level.state_text()}{source}"
                  + (" – PRELIMINÄR" if level.preliminary and not level.missing else ""))
    else:
        for item in summary.inputs:
            identity = item.data.identity
            print(f"Läste {item.source}: {identity.unit} {identity.year} ({identity.area}), "
                  f"{item.data.describe_cases()}"
                  + (" – PRELIMINÄR" if unit_completeness(item.data).preliminary else ""))
    print(f"{summary.administration} {summary.year}: {summary.banner()}.")
    print(f"{summary.limits_text()}.")
    if earlier is not None:
        from aktgranskning.domain.level_counts import compare_years, comparison_text

        print(f"{comparison_text(compare_years(summary, earlier))} Jämförelsen står i varje fil som skrivs.")
    for warning in summary_warnings(summary):
        print(warning, file=sys.stderr)
    exported = export_summary(summary, args.utfil, args.json, earlier, args.pdf)
    for path in exported:
        print(f"Skrev {path}")
    for notice in exported.notices:
        print(f"Obs: {notice}", file=sys.stderr)
    code = _report_excluded(summary, earlier)
    return EXIT_INCOMPLETE if summary.missing_units() else code


def _file_summaries(args: argparse.Namespace) -> tuple[Summary, Summary | None]:
    if args.omgang is not None and args.filer:
        raise UserError("Ange antingen enheternas filer eller --omgang, inte båda: omgången vet var filerna finns.")
    if args.omgang is None and not args.filer:
        raise UserError("Ange enheternas filer (eller en mapp med dem), en omgång med --omgang OMGÅNG.omgang, "
                        "eller en server med --server URL --ar ÅR.")
    summary = _summary_of(args.filer, args.omgang, args.ersatt)
    return summary, _earlier_summary(args.jamfor) if args.jamfor else None


def _summary_of(files: list[Path], round_path: Path | None, replacements: list[Path]) -> Summary:
    from aktgranskning.services.round import build_round_summary, load_round
    from aktgranskning.services.summary import build_summary

    if round_path is not None:
        return build_round_summary(round_path, load_round(round_path), replacements)
    return build_summary(files, replacements)


def _earlier_summary(paths: list[Path]) -> Summary:
    """An earlier year to compare with: its enhet files, or its round file."""
    if len(paths) == 1 and paths[0].suffix.lower() == ".omgang":
        return _summary_of([], paths[0], [])
    return _summary_of(paths, None, [])


def _round(args: argparse.Namespace) -> int:
    if args.omgang_kommando == "ny":
        return _round_new(args)
    if args.omgang_kommando == "status":
        return _round_status(args)
    raise UserError("Ange vad som ska göras med omgången: aktgranskning omgang ny … eller omgang status ….")


def _round_new(args: argparse.Namespace) -> int:
    from aktgranskning.services.round import create_round, round_folder, round_notices

    made = create_round(args.fil, folder=args.mapp, urval=args.urval, administration=args.forvaltning,
                        year=args.ar, previous=args.forra)
    areas = len(made.areas())
    print(f"Skapade {args.fil}: {made.administration} {made.year}, {_count(len(made.units), 'enhet', 'enheter')} "
          f"i {_count(areas, 'område', 'områden')}, mappen {round_folder(args.fil, made)}.")
    for unit in made.units:
        print(f"  {unit.area}: {unit.unit} ({_cases(unit.expected_cases)})")
    if made.actions:
        print(f"{_count(len(made.actions), 'förvaltningsgemensam åtgärd', 'förvaltningsgemensamma åtgärder')} "
              "från förra omgången följer med för uppföljning.")
    print(f"Färggränser: {made.thresholds.describe()}.")
    for notice in round_notices(made):
        print(f"Obs: {notice}", file=sys.stderr)
    return EXIT_OK


def _round_status(args: argparse.Namespace) -> int:
    from aktgranskning.services.round import load_round, round_status

    round_ = load_round(args.fil)
    status = round_status(args.fil, round_)
    if args.json:
        print(json.dumps(round_status_json(status), ensure_ascii=False, indent=2))
    else:
        print(f"{round_.administration} {round_.year} – omgångens läge (mappen {status.folder})")
        print(round_status_table(status))
        for unknown in status.unknown:
            print(f"Obs: {unknown.source}: enheten ”{unknown.unit}” ({unknown.year}) ingår inte i omgången.")
    for notice in status.notices:
        print(f"Obs: {notice}", file=sys.stderr)
    for item in status.excluded:
        print(f"Varning: {item.source} kunde inte läsas: {item.reason}", file=sys.stderr)
    return EXIT_OK


def round_status_json(status: RoundStatus) -> dict[str, object]:
    """`omgang status --json`: per enhet "omrade", "enhet", "status" (saknas, ej_paborjad,
    pagaende, klar) and "akter" (as `status --json` counts them, plus "forvantade"), and whether
    it is analysed and submitted, and its file."""
    from aktgranskning.domain.completeness import Completeness

    return {
        "enheter": [
            {
                "omrade": s.unit.area,
                "enhet": s.unit.unit,
                "status": s.state.value,
                "akter": {**(s.completeness or Completeness()).as_json(), "forvantade": s.unit.expected_cases},
                "analyserad": s.analysed,
                "inlamnad": s.submitted,
                "fil": s.source,
                "arbetsbok": s.workbook,
                **({"trosklar": {"gron": s.thresholds.good, "gul": s.thresholds.fair}} if s.thresholds else {}),
            }
            for s in status.units
        ],
        "andra_enheter": [{"fil": f.source, "enhet": f.unit, "ar": f.year} for f in status.unknown],
        "ej_inlasta": [{"fil": item.source, "orsak": item.reason} for item in status.excluded],
        "obs": list(status.notices),
    }


def round_status_table(status: RoundStatus) -> str:
    """The round at a glance, one row per enhet, and a count per state."""
    from aktgranskning.domain.round import UnitState

    headers = ("Område", "Enhet", "Status", "Klara", "Analys", "Inlämnad", "Fil")
    rows = [headers]
    for s in status.units:
        done = (f"{s.completeness.done} av {s.completeness.to_review}" if s.completeness
                else f"– ({s.unit.expected_cases} väntas)")
        limits = f" (egna färggränser: {s.thresholds.describe()})" if s.thresholds else ""
        rows.append((s.unit.area, s.unit.unit, s.state.label, done, "ja" if s.analysed else "nej",
                     "ja" if s.submitted else "nej", (s.source or "–") + limits))
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths) + "  " + "-" * len(headers[-1]))
    plural = {UnitState.NOT_STARTED: "ej påbörjade", UnitState.DONE: "klara"}
    counts = ", ".join(f"{n} {state.label.lower() if n == 1 else plural.get(state, state.label.lower())}"
                       for state in UnitState if (n := status.count(state)))
    lines.append(f"{_count(len(status.units), 'enhet', 'enheter')}: {counts}.")
    return "\n".join(lines)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _report_excluded(summary: Summary, earlier: Summary | None) -> int:
    """Name every file left out of the summary, and say so in the exit code."""
    left_out = [(item, "") for item in summary.excluded]
    left_out += [(item, " (tidigare år)") for item in (earlier.excluded if earlier else ())]
    for item, which in left_out:
        print(f"Varning: {item.source}{which} lästes inte och ingår inte i sammanställningen: {item.reason}",
              file=sys.stderr)
    if not left_out:
        return EXIT_OK
    files = "1 fil" if len(left_out) == 1 else f"{len(left_out)} filer"
    units = "1 enhet" if len(summary.inputs) == 1 else f"{len(summary.inputs)} enheter"
    print(f"Obs: sammanställningen omfattar {units} men inte {files} som inte kunde läsas "
          "(se ovan och bladet Inläsning).", file=sys.stderr)
    return EXIT_INCOMPLETE


def _merge(args: argparse.Namespace) -> int:
    from aktgranskning.services.copy_merge import merge_copies

    target = open_merge_target(args, _reviewer())
    if target is None:
        result = merge_copies(args.enhetsfil, args.kopior, _reviewer(), keep_target=args.enhetsfilen_galler)
        name = args.enhetsfil.name
    else:
        try:
            result = merge_copies(target.path, args.kopior, _reviewer(), keep_target=args.enhetsfilen_galler,
                                  session=target)
        finally:
            target.close()
        name = target.path.name
    print(f"Förde in {result.applied} svar i {name}.")
    for conflict in result.plan.conflicts:
        sides = " ≠ ".join(
            f"{v.answer.value} ({v.reviewer or 'okänd'}, {v.at[:16].replace('T', ' ')}, {v.source})"
            for v in conflict.versions
        )
        print(f"Konflikt: akt {conflict.sequence}, {_question(conflict.question_id)}: {sides}", file=sys.stderr)
    for (sequence, question_id), why in result.not_applied:
        print(f"Fördes inte in: akt {sequence}, {_question(question_id)}: {why}", file=sys.stderr)
    if result.plan.conflicts or result.not_applied:
        print(f"{len(result.plan.conflicts)} konflikter lämnades orörda i {name}. Avgör dem: "
              "sätt rätt svar i enhetsfilen i fönstret och kör sedan sammanfoga igen med --enhetsfilen-galler.",
              file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _question(question_id: str) -> str:
    """A question as a person knows it: its wording, not its id."""
    from aktgranskning.services.checklists import installed_checklists

    for checklist in installed_checklists():
        if checklist.has_question(question_id):
            return f"frågan ”{checklist.question(question_id).text}”"
    return f"frågan {question_id}"


def _import_matrix(args: argparse.Namespace) -> int:
    from aktgranskning.domain.matrix_import import MarkerMeaning, NoteKind
    from aktgranskning.services.matrix_import import read_matrix, write_imported

    result = read_matrix(args.matris, args.forvaltning.strip(), args.omrade.strip(), args.enhet.strip(), args.ar,
                         MarkerMeaning(args.markering), args.blad)
    for checklist_id, count in result.blocks:
        print(f"Block: {result.data.checklist_title(checklist_id)}, {_cases(count)}")
    as_in_review = " (räknas som vid en granskning i programmet)"
    headings = (
        (NoteKind.READING, "cell eller rad lästes inte som ett rent Ja/Nej/X",
         "celler eller rader lästes inte som ett rent Ja/Nej/X"),
        (NoteKind.DROPOUT, "akt räknas som bortfall enligt matrisen", "akter räknas som bortfall enligt matrisen"),
        (NoteKind.NOT_APPLICABLE, "svar på en fråga som inte gällde" + as_in_review,
         "svar på frågor som inte gällde" + as_in_review),
    )
    for kind, one, many in headings:
        notes = result.notes_of(kind)
        if notes:
            print(f"{len(notes)} {one if len(notes) == 1 else many}:")
        for note in notes:
            print(f"  {args.matris.name}, {note.place}: {note.message}")
    path = write_imported(result, args.utfil)
    dropouts = len(result.data.dropouts)
    print(f"Skrev {path} ({_cases(result.data.counted)}, {dropouts} bortfall). Ärendenumren sparades inte.")
    return EXIT_OK


def _cases(count: int) -> str:
    return f"{count} akt" if count == 1 else f"{count} akter"


def _collect(args: argparse.Namespace) -> int:
    from aktgranskning.services.collect import collect_enhet

    result = collect_enhet(args.fil, args.utfil, keep_conflicts=args.behall_konflikter)
    print(f"Skrev {result.path} ur {result.sources} {'fil' if result.sources == 1 else 'filer'}.")
    if result.conflicts:
        print(f"{len(result.conflicts)} konflikter står kvar öppna i den nya filen:", file=sys.stderr)
        for conflict in result.conflicts:
            print(f"  – {conflict.describe()}", file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from aktgranskning.services.check import check_open_session, check_review_file

    if wants_server(args):
        session = open_for_reading_from(args)
        try:
            report = check_open_session(session)
        finally:
            session.close()
    else:
        report = check_review_file(args.fil)
    print(report.text())
    return EXIT_OK if report.ok else EXIT_ERROR


def _sample(args: argparse.Namespace) -> int:
    from datetime import date

    from aktgranskning.domain.people import DEFAULT_AGE_BANDS
    from aktgranskning.excel.case_list import parse_mapping
    from aktgranskning.excel.sample_workbook import write_sample_workbook
    from aktgranskning.services.checklists import installed_checklists
    from aktgranskning.services.sampling import (
        SamplingOptions,
        draw_round,
        plan_review_files,
        remove_written,
        write_review_files,
    )

    if args.granskningsfiler and not (args.forvaltning and args.ar):
        raise UserError("--granskningsfiler kräver också --forvaltning och --ar.")
    if args.per_enhet < 1 or args.reserver < 0:
        raise UserError("--per-enhet måste vara minst 1 och --reserver minst 0.")
    try:
        mapping = parse_mapping(args.kolumn)
        date_from = date.fromisoformat(args.fran) if args.fran else None
        date_to = date.fromisoformat(args.till) if args.till else None
    except ValueError as error:
        raise UserError(str(error) if "Kolumn" in str(error) or "fält" in str(error) else
                        f"Datumet kunde inte tolkas ({error}); skriv ÅÅÅÅ-MM-DD.") from error
    options = SamplingOptions(args.per_enhet, args.reserver, args.seed, args.aldersgrupper or DEFAULT_AGE_BANDS,
                              args.arendetyp, date_from, date_to)
    sampling = draw_round(args.arendelista, options, mapping)
    # all of it or nothing: the granskningsfiler are checked, then written, and removed again
    # if the urval's workbook cannot be written after them
    planned = (plan_review_files(sampling, args.granskningsfiler, args.forvaltning, args.ar, installed_checklists())
               if args.granskningsfiler else [])
    written = write_review_files(planned, installed_checklists())
    try:
        write_sample_workbook(sampling, args.utfil)
    except BaseException:
        remove_written(written)
        raise
    source = sampling.source
    print(f"Läste {len(source.cases)} ärenden ur {source.path.name}; {sampling.filtered_out} föll bort i filtren.")
    print("Kolumner: " + ", ".join(f"{header}" for header in source.used_columns.values()))
    if source.derived_from_personnummer:
        print("Kön och ålder räknades fram ur personnummer i minnet; personnumren sparades inte.")
    if source.age_basis is not None:
        print(source.age_basis.text())
    if source.ignored_columns:
        print("Lästes inte (namn): " + ", ".join(source.ignored_columns))
    if source.unknown_columns:
        print("Okända kolumner som inte användes: " + ", ".join(source.unknown_columns))
    print(f"Slumpfrö: {sampling.seed} (ange --seed {sampling.seed} för att få samma urval igen)")
    for unit in sampling.units:
        result = unit.result
        print(f"  {unit.unit}: {len(result.chosen)} av {sum(result.population_per_stratum.values())} ärenden, "
              f"{len(result.reserves)} reserver, {result.distinct_caseworkers} olika handläggare")
    for warning in sampling.warnings:
        print(f"Obs: {warning}")
    print(f"Urvalet är sparat i {args.utfil}")
    if args.granskningsfiler:
        print(f"Skapade {len(written)} granskningsfiler i {args.granskningsfiler}")
    return EXIT_OK


# --- aktiviteter: the activity statuses of many enheter ----------------------------------------------
def _add_activities_parser(commands: argparse._SubParsersAction[SwedishParser]) -> None:
    activities = commands.add_parser(
        "aktiviteter", help="exportera enheternas förbättringsaktiviteter med status till Excel",
        description="Exportera varje enhets förbättringsaktiviteter – frågor, ansvarig roll, klart senast, status "
                    "och uppföljning – till en Excelfil för delårsuppföljning och verksamhetsberättelse. En fil "
                    "som inte kan läsas stoppar inte de andra: den nämns med orsaken och programmet avslutas med "
                    f"kod {EXIT_INCOMPLETE}.",
    )
    activities.add_argument("filer", metavar="FILER", type=Path, nargs="+",
                            help="enheternas granskningsfiler eller Excelfiler, eller mappar med dem")
    activities.add_argument("-o", "--utfil", required=True, type=Path, metavar="AKTIVITETER.xlsx",
                            help="Excelfilen som skrivs")
    activities.add_argument("--ersatt", type=Path, action="append", default=[], metavar="FIL",
                            help="när samma enhet och år finns i två filer: den fil som ska gälla")


def _activities(args: argparse.Namespace) -> int:
    from aktgranskning.services.activities_export import export_activities

    exported = export_activities(args.filer, args.utfil, args.ersatt)
    for item in exported.inputs:
        identity = item.data.identity
        count = len(item.data.analysis.activities)
        print(f"Läste {item.source}: {identity.unit} {identity.year} ({identity.area}), "
              f"{count} {'aktivitet' if count == 1 else 'aktiviteter'}")
    print(f"Skrev {exported.path} ({len(exported.rows)} aktiviteter)")
    for notice in exported.notices:
        print(f"Obs: {notice}", file=sys.stderr)
    for excluded in exported.excluded:
        print(f"Varning: {excluded.source} lästes inte och dess aktiviteter saknas i exporten: {excluded.reason}",
              file=sys.stderr)
    return EXIT_INCOMPLETE if exported.excluded else EXIT_OK


_HANDLERS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    "urval": _sample,
    "demo": _demo,
    "ny": _new,
    "status": _status,
    "kontrollera": _check,
    "rapport": _report,
    "sammanstall": _summary,
    "omgang": _round,
    "sammanfoga": _merge,
    "samla": _collect,
    "importera-resultat": _import_matrix,
    "checklista": lambda args: _checklist(args),
    "aktiviteter": _activities,
    "server": run_server_command,
}
# The first words that run a command rather than open the window, even when a file or folder of
# that name is in the current directory. Derived from the handlers so a new command is never missed.
SUBCOMMANDS = tuple(name for name in _HANDLERS if name is not None)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl+C


# --- checklista: write, check, install and export checklists (Excel) -------------------------

def _add_checklist_commands(commands: argparse._SubParsersAction[SwedishParser]) -> None:
    checklist = commands.add_parser(
        "checklista", help="kontrollera, installera, exportera och lista checklistor (Excel)",
        description="Checklistor skrivs i Excel (bladen Checklista och Frågor) och installeras i "
                    "organisationens checklistmapp, som programmet läser utöver de inbyggda. Mappen är "
                    "miljövariabeln AKTGRANSKNING_CHECKLISTOR, annars den som valts i fönstret, annars "
                    "”checklistor” i användarens datamapp.",
    )
    actions = checklist.add_subparsers(dest="atgard", title="åtgärder", metavar="ÅTGÄRD", required=True,
                                       parser_class=SwedishParser)
    check = actions.add_parser("kontrollera", help="kontrollera en checklista i Excel (kod 0: rätt, 1: fel)")
    check.add_argument("fil", metavar="FIL.xlsx", type=Path, help="arbetsboken med checklistan")
    install = actions.add_parser("installera", help="kontrollera och installera en checklista i Excel")
    install.add_argument("fil", metavar="FIL.xlsx", type=Path, help="arbetsboken med checklistan")
    export = actions.add_parser("exportera", help="skriv en installerad checklista som Excelfil")
    export.add_argument("id", metavar="ID", help="checklistans id (se aktgranskning checklista lista)")
    export.add_argument("-o", "--utfil", required=True, type=Path, metavar="FIL.xlsx", help="Excelfilen som skrivs")
    actions.add_parser("lista", help="visa de installerade checklistorna och var de kommer ifrån")


def _checklist(args: argparse.Namespace) -> int:
    from aktgranskning.services import checklist_authoring as authoring
    from aktgranskning.services.checklists import checklist_inventory

    inventory = checklist_inventory()
    if args.atgard == "kontrollera":
        result = authoring.check_checklist_workbook(args.fil, inventory)
        print("\n".join(result.lines()))
        return EXIT_OK if result.ok else EXIT_ERROR
    if args.atgard == "installera":
        result, installed = authoring.install_checklist_workbook(args.fil, inventory)
        print("\n".join(result.lines(with_notes=False)))
        if result.checklist is not None:
            print(installed.text(result.checklist))
        return EXIT_OK
    if args.atgard == "exportera":
        path = authoring.export_checklist_workbook(args.id, args.utfil, inventory)
        print(f"Checklistan {args.id} är skriven till {path}.")
        return EXIT_OK
    print(f"Organisationens checklistmapp: {inventory.organisation_folder} ({inventory.folder_source})")
    for entry in inventory.installed.checklists:
        c = entry.checklist
        print(f"  {c.id}  version {c.version}  ”{c.title}”  {len(c.question_ids())} frågor  {entry.origin}")
    for old, new in inventory.installed.replaced:
        print(f"  (version {old.checklist.version} av {old.checklist.id} i {old.origin} "
              f"ersätts av {new.checklist.version})")
    for problem in inventory.problems:
        print(f"Fel: {problem}")
    return EXIT_ERROR if inventory.problems else EXIT_OK


def unexpected_error_line(args: argparse.Namespace, error: BaseException) -> str:
    """'Fel i kommandot rapport: kunde inte skriva rapporten /x/y.xlsx: oväntat fel (KeyError). …'"""
    step = step_of(error) or command_step(args)
    log_path = log_unexpected(error, where=f"kommandot {args.kommando}: {step.action}")
    where_logged = f"Detaljer finns i loggen: {log_path}" if log_path else "Loggen kunde inte skrivas."
    return (f"Fel i kommandot {args.kommando}: {step.failed_text()}: oväntat fel ({type(error).__name__}). "
            f"Ingen fil har skrivits till hälften. {where_logged}")


def command_step(args: argparse.Namespace) -> Step:
    """What a command does, naming its files, for an error no inner step has named."""
    describe = _COMMAND_STEPS.get(args.kommando)
    try:
        if describe is not None:
            action, values = describe(args)
            return Step(action, _paths_in(values))
    except AttributeError:
        pass  # the command's arguments have changed: name them all
    return Step("slutföra kommandot med", _paths_in(list(vars(args).values())))


def _paths_in(values: list[object]) -> tuple[Path, ...]:
    paths: list[Path] = []
    for value in values:
        paths.extend(item for item in (value if isinstance(value, list) else [value]) if isinstance(item, Path))
    return tuple(paths)


_COMMAND_STEPS: dict[str, Callable[[argparse.Namespace], tuple[str, list[object]]]] = {
    "demo": lambda a: ("skriva demofilerna i", [a.mapp]),
    "ny": lambda a: ("skapa granskningsfilen {} från urvalslistan {}", [a.fil, a.urval]),
    "status": lambda a: ("läsa granskningsfilen", [a.fil]),
    "kontrollera": lambda a: ("kontrollera granskningsfilen", [a.fil]),
    "urval": lambda a: ("dra urvalet ur ärendelistan {} till", [a.arendelista, a.utfil, a.granskningsfiler]),
    "rapport": lambda a: ("skriva rapporten ur granskningsfilen {} till", [a.fil, a.utfil, a.pdf]),
    "sammanstall": lambda a: (
        ("sammanställa från servern till", [getattr(a, "utfil", None), getattr(a, "json", None)])
        if getattr(a, "server", None) is not None
        else ("sammanställa enheternas filer", [a.filer, getattr(a, "omgang", None)])),
    "omgang": lambda a: ("läsa eller skapa omgången", [a.fil, getattr(a, "urval", None), getattr(a, "mapp", None)]),
    "sammanfoga": lambda a: (
        ("föra in svaren i granskningen på servern från kopiorna", [a.kopior])
        if getattr(a, "server", None) is not None
        else ("föra in svaren i enhetsfilen {} från kopiorna", [a.enhetsfil, a.kopior])),
    "samla": lambda a: ("samla enhetens filer {} i den nya filen {}", [a.fil, a.utfil]),
    "importera-resultat": lambda a: ("läsa matrisen {} och skriva enhetsfilen {}", [a.matris, a.utfil]),
    "checklista": lambda a: (f"{a.atgard} checklistan", [getattr(a, "fil", None), getattr(a, "utfil", None)]),
    "aktiviteter": lambda a: ("exportera förbättringsaktiviteterna ur enheternas filer {} till", [a.filer, a.utfil]),
    "server": lambda a: (f"{a.server_kommando} på servern", [getattr(a, "filer", None), getattr(a, "utfil", None)]),
}


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except OSError:
        pass  # stderr is gone too: the exit code still says it failed


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at the null device, so Python's own flush at exit has
    nowhere to fail (the recipe in Python's documentation of SIGPIPE)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
