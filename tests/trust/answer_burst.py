"""Helper process for the crash test: answers questions as fast as it can and prints each answer
on stdout only after the service reported it saved (first a line naming its own files). The test
kills it with SIGKILL, or copies the file while it runs. An optional third argument is a pause in
seconds after each answer (a person typing), an optional fourth how many answers to give before
stopping by itself."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from aktgranskning.domain.answers import Answer
from aktgranskning.services.opening import open_review_file


def main(path: str, seed: str, pause: float = 0.0, limit: int | None = None) -> None:
    rng = random.Random(seed)
    session = open_review_file(Path(path), reviewer="krasch")
    assert session.link is not None  # the reviewer's own files: this computer's working copy, the folder's copy
    sys.stdout.write(f"FIL\t{session.store.path}\t{session.link.shared_path}\t-\n")
    sys.stdout.flush()
    pairs = [
        (case.id, question.id, question.allowed)
        for case in session.cases()
        if case.in_sample
        for question in session.checklist_for(case).questions()
        if question.condition is None
    ]
    rng.shuffle(pairs)  # each pair at most once per round: a printed answer is never overwritten
    for case_id, question_id, allowed in pairs[:limit]:
        answer: Answer = rng.choice(allowed)
        session.set_answer(case_id, question_id, answer)
        sys.stdout.write(f"{case_id}\t{question_id}\t{answer.value}\n")
        sys.stdout.flush()
        if pause:
            time.sleep(pause)
    session.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.0,
         int(sys.argv[4]) if len(sys.argv) > 4 else None)
