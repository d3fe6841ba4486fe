"""Swedish for argparse's own messages ('usage:', 'error:', 'the following arguments are required')."""

from __future__ import annotations

import argparse

_SWEDISH = {
    "usage: ": "Användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa programmets version och avsluta",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "expected one argument": "ett värde behövs",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydig flagga: %(option)s kan betyda %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "not allowed with argument %s": "kan inte kombineras med %s",
    "one of the arguments %s is required": "ett av argumenten %s krävs",
}


def swedish(message: str) -> str:
    return _SWEDISH.get(message, message)


def install() -> None:
    """argparse looks up its `_` at call time, so replacing it translates every built-in text."""
    argparse._ = swedish  # type: ignore[attr-defined]
