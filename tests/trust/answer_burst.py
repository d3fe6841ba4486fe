"""Helper process for the crash test: answers questions as fast as it can and prints each answer
on stdout only after the service reported it saved. The test kills it with SIGKILL."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from aktgranskning.domain.answers import Answer
from aktgranskning.services.opening import open_review_file


def main(path: str, seed: str) -> None:
    rng = random.Random(seed)
    session = open_review_file(Path(path), reviewer="krasch")
    pairs = [
        (case.id, question.id, question.allowed)
        for case in session.cases()
        if case.in_sample
        for question in session.checklist_for(case).questions()
        if question.condition is None
    ]
    rng.shuffle(pairs)  # each pair at most once per round: a printed answer is never overwritten
    for case_id, question_id, allowed in pairs:
        answer: Answer = rng.choice(allowed)
        session.set_answer(case_id, question_id, answer)
        sys.stdout.write(f"{case_id}\t{question_id}\t{answer.value}\n")
        sys.stdout.flush()
    session.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
