"""Errors the user sees. Each carries a Swedish message naming the file, the place and the problem."""

from __future__ import annotations


class UserError(Exception):
    """An error with a message fit to show a user as it is (Swedish, no traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileProblem(UserError):
    """Something is wrong with a file: names the file, the place in it and the problem."""

    def __init__(self, path: object, problem: str, place: str = "") -> None:
        self.path = str(path)
        self.place = place
        self.problem = problem
        where = f" ({place})" if place else ""
        super().__init__(f"{self.path}{where}: {problem}")
