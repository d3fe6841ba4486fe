"""What the program was doing when something failed: the step and the files it concerned.

An unexpected error (a bug, or a library failing where it should not) reaches the user as one
Swedish line naming the step and the files — "kunde inte skriva rapporten /x/y.xlsx" — instead of
a bare "oväntat fel". Code marks its steps with `work_step`; the innermost step an error passes
through is remembered on the error and read back with `step_of`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_ATTRIBUTE = "_aktgranskning_step"


@dataclass(frozen=True)
class Step:
    """`action` is a Swedish verb phrase that follows "kunde inte"; each `{}` in it takes the next
    path, the paths left over follow at the end: "skriva rapporten" + /x/y.xlsx. The action itself
    is fixed program text (it may be logged); only `paths` name the user's files."""

    action: str
    paths: tuple[Path, ...] = ()

    def failed_text(self) -> str:
        """'kunde inte skriva rapporten /x/y.xlsx'"""
        return f"kunde inte {self.filled()}"

    def interrupted_text(self) -> str:
        """'programmet skulle skriva rapporten /x/y.xlsx'"""
        return f"programmet skulle {self.filled()}"

    def filled(self) -> str:
        text, left = self.action, list(self.paths)
        while "{}" in text:
            text = text.replace("{}", str(left.pop(0)) if left else "", 1)
        return text + _files_text(left)


@contextmanager
def work_step(action: str, *paths: Path | str | None) -> Iterator[Step]:
    """Mark a step; an error leaving it carries it (unless an inner step already marked it)."""
    step = Step(action, tuple(Path(path) for path in paths if path is not None))
    try:
        yield step
    except BaseException as error:
        if step_of(error) is None:
            try:
                setattr(error, _ATTRIBUTE, step)
            except (AttributeError, TypeError):
                pass  # an exception type without a __dict__: the caller's fallback names the files
        raise


def step_of(error: BaseException) -> Step | None:
    step = getattr(error, _ATTRIBUTE, None)
    return step if isinstance(step, Step) else None


_MOST_FILES_NAMED = 4


def _files_text(paths: list[Path]) -> str:
    if not paths:
        return ""
    if len(paths) > _MOST_FILES_NAMED:
        shown = ", ".join(str(path) for path in paths[: _MOST_FILES_NAMED - 1])
        return f" {shown} och {len(paths) - _MOST_FILES_NAMED + 1} filer till"
    return " " + ", ".join(str(path) for path in paths)
