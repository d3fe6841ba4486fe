"""One reviewer on a computer of their own, for tests/trust/test_reviewers_together.py.

    python reviewer_process.py ENHET NAME PLAN.json CONTROL_DIR

Runs the services the window uses (open_review_file, set_answer, refresh_from_folder on a timer)
through the phases the test drives with files in CONTROL_DIR:
1. `own`: answer the plan's own akter and the shared questions, without reading the folder (so the
   shared questions are answered from the same earlier state: a known conflict, and a known
   agreement);
2. `live` (after `start-live` appears): read the folder every 0.3 s while going on answering; when
   the plan says so, wait to see another reviewer's answer and then change it (an update that saw
   it: no conflict);
3. `settle` (after `stop` appears): stop answering, keep reading until `done` appears, then write
   RESULT: every answer confirmed, the longest single call on the window's thread, and what the
   folder looked like.
Every confirmed answer is logged as it returns, so a killed process still says what it confirmed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from aktgranskning.domain.answers import Answer

POLL = 0.3


def wait_for(control: Path, name: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not (control / name).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{name} kom aldrig")
        time.sleep(0.02)


def main() -> None:
    enhet, name, plan_path, control = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    from aktgranskning.services.opening import open_review_file

    session = open_review_file(enhet, reviewer=name)
    confirmed = control / f"{name}.bekräftat.jsonl"
    longest = 0.0

    def timed(call, *args):  # type: ignore[no-untyped-def]
        nonlocal longest
        began = time.perf_counter()
        result = call(*args)
        longest = max(longest, time.perf_counter() - began)
        return result

    def answer(case_id: int, question: str, value: str) -> None:
        timed(session.set_answer, case_id, question, Answer(value))
        with confirmed.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"akt": case_id, "fraga": question, "svar": value, "tid": time.time()}) + "\n")

    def refresh() -> None:
        contents = session.read_folder()  # the window does this in a worker thread
        if contents is not None:
            timed(session.take_in, contents)

    (control / f"{name}.redo").write_text("", encoding="utf-8")
    wait_for(control, "start")
    for case_id, question, value in plan["own"]:
        answer(case_id, question, value)
    (control / f"{name}.egna-klara").write_text("", encoding="utf-8")
    wait_for(control, "start-live")
    next_poll = 0.0
    pending_updates = list(plan.get("update_after_seeing", []))
    extra = list(plan.get("live", []))
    while not (control / "stop").exists():
        if time.monotonic() >= next_poll:
            next_poll = time.monotonic() + POLL
            refresh()
        for update in list(pending_updates):
            case_id, question, seen_value, new_value = update
            shown = {s.question_id: s.stored for s in session.question_states(case_id)}.get(question)
            if shown is not None and shown.value == seen_value:
                answer(case_id, question, new_value)
                pending_updates.remove(update)
        if extra:
            answer(*extra.pop(0))
        else:
            time.sleep(0.02)
    assert session.link is not None
    published = session.link.publisher.flush(timeout=60)
    (control / f"{name}.publicerat").write_text(json.dumps(published), encoding="utf-8")
    while not (control / "done").exists():
        refresh()
        time.sleep(POLL)
    refresh()
    result = {"longest": longest, "updates_left": pending_updates, "offline": session.link.offline,
              "conflicts": len(session.conflicts())}
    session.close()
    (control / f"{name}.resultat.json").write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
