"""The three answers a control question can have."""

from __future__ import annotations

from enum import Enum


class Answer(str, Enum):
    YES = "Ja"
    NO = "Nej"
    NOT_APPLICABLE = "X"

    @property
    def label(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str) -> Answer:
        """Read an answer as people write it: 'Ja', 'ja', 'NEJ', 'x', 'X'."""
        cleaned = text.strip().casefold()
        for answer in cls:
            if answer.value.casefold() == cleaned:
                return answer
        raise ValueError(f"Okänt svar: {text!r} (tillåtna svar är Ja, Nej och X).")


ALL_ANSWERS: tuple[Answer, ...] = (Answer.YES, Answer.NO, Answer.NOT_APPLICABLE)
