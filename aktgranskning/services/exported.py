"""What an export wrote and what the user must be told about it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Exported:
    """The files written, and Swedish notices: characters a format could not hold and were
    replaced, a preliminary result. Iterates (and indexes) as the written paths."""

    paths: tuple[Path, ...]
    notices: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Path]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> Path:
        return self.paths[index]
