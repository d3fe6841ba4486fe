"""Swedish for argparse's own messages ('usage:', 'error:', 'the following arguments are required').

argparse translates through `gettext` (`from gettext import gettext as _, ngettext`) and looks both
names up in its module at call time, so installing a translation's `gettext` and `ngettext` there
turns every built-in text Swedish. The one text argparse does not translate — the default help of
`action="version"` — is given explicitly where the parser is built (`VERSION_HELP`).
"""

from __future__ import annotations

import argparse
import gettext

VERSION_HELP = "visa programmets version och avsluta"

# argparse's msgids (Python 3.11–3.13) → Swedish. Internal programming errors are included too, so
# that nothing English can reach a user even through a mistake in the parser's construction.
_SWEDISH = {
    "usage: ": "Användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "optional arguments": "flaggor",
    "subcommands": "kommandon",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": VERSION_HELP,
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "expected one argument": "ett värde behövs",
    "expected at most one argument": "högst ett värde får anges",
    "expected at least one argument": "minst ett värde behövs",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydig flagga: %(option)s kan betyda %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "not allowed with argument %s": "kan inte kombineras med %s",
    "one of the arguments %s is required": "ett av argumenten %s krävs",
    "ignored explicit argument %r": "flaggan tar inget värde (%r angavs)",
    "unexpected option string: %s": "oväntad flagga: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "okänt kommando %(parser_name)r (välj bland %(choices)s)",
    "can't open '%(filename)s': %(error)s": "kan inte öppna ”%(filename)s”: %(error)s",
    "argument \"-\" with mode %r": "argumentet ”-” med läget %r",
    "%r is not callable": "%r kan inte anropas",
    "cannot have multiple subparser arguments": "bara en grupp kommandon är tillåten",
    "conflicting subparser: %s": "kommandot finns redan: %s",
    "conflicting subparser alias: %s": "kommandots alias finns redan: %s",
    "mutually exclusive arguments must be optional": "argument som utesluter varandra måste vara flaggor",
    "'required' is an invalid argument for positionals": "”required” kan inte anges för argument",
    "dest= is required for options like %r": "dest= krävs för flaggor som %r",
    "invalid conflict_resolution value: %r": "ogiltigt värde för conflict_resolution: %r",
    "cannot merge actions - two groups are named %r": "två grupper heter %r",
    ".__call__() not defined": ".__call__() saknas",
}
_SWEDISH_PLURALS = {
    ("expected %s argument", "expected %s arguments"): ("%s värde behövs", "%s värden behövs"),
    ("conflicting option string: %s", "conflicting option strings: %s"): ("flaggan finns redan: %s",
                                                                          "flaggorna finns redan: %s"),
}


class SwedishArgparseTexts(gettext.NullTranslations):
    """A gettext translation for argparse's msgids; anything not listed is passed through."""

    def gettext(self, message: str) -> str:
        return _SWEDISH.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        singular, plural = _SWEDISH_PLURALS.get((msgid1, msgid2), (msgid1, msgid2))
        return singular if n == 1 else plural


_TEXTS = SwedishArgparseTexts()


def swedish(message: str) -> str:
    return _TEXTS.gettext(message)


def english_msgids() -> list[str]:
    """argparse's English texts, for tests that check none of them reaches a user."""
    return [*_SWEDISH, *(text for pair in _SWEDISH_PLURALS for text in pair)]


def install() -> None:
    """Make argparse speak Swedish. Idempotent; call before a parser is built."""
    argparse._ = _TEXTS.gettext  # type: ignore[attr-defined]
    argparse.ngettext = _TEXTS.ngettext  # type: ignore[attr-defined]
