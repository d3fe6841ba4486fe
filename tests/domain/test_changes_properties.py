"""The merge rule of domain.changes, proven over random histories (issue 19, item 2).

A history is simulated as it happens between computers: a few reviewers, each with the set of
changes their own file holds. A reviewer changes a register (the change replaces the heads of that
register in *their* file: what their screen showed), or decides a conflict they see, and learns
others' work only when another reviewer's whole file arrives (a causally closed set, as a file
is). Over every such history:

(a) convergence and order independence: any ChangeLogs holding the same set of changes — added in
    any order, in any grouping, with duplicates — have the same heads, values, conflicts and
    histories for every register;
(b) idempotence: adding changes already known changes nothing and reports nothing touched;
(c) no confirmed change lost: every change is a head, or is in the past of a head through
    changes made by someone who knew it; so its value holds or was seen and replaced;
(d) an update made after seeing the previous value is never a conflict; two changes made from the
    same earlier state to different values are a conflict wherever both arrive, until a change
    that replaces both arrives; a decision removes the conflict it saw everywhere it arrives;
(e) causal closure: every reviewer's file that holds a change holds every change it replaces.

The heads are also checked against a reference written from the rule's definition (the changes
no other change in the set replaces).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from aktgranskning.domain.changes import Change, ChangeLog, Register, encode

REGISTERS = (
    Register.answer(1, "FB1"),
    Register.answer(1, "FB2"),
    Register.comment(1, "FB1"),
)
VALUES = tuple(encode(v) for v in ("Ja", "Nej", "X", None))
# A few clock readings only, so that changes often share a time and the id must break the tie;
# clocks of different computers disagree, so a later change may well carry an earlier time.
TIMES = tuple(f"2026-12-02T10:0{minute}:00.000+01:00" for minute in range(4))

REVIEWER = st.integers(0, 3)
CHANGE_OP = st.tuples(st.just("change"), REVIEWER, st.integers(0, len(REGISTERS) - 1),
                      st.integers(0, len(VALUES) - 1), st.integers(0, len(TIMES) - 1))
DELIVER_OP = st.tuples(st.just("deliver"), REVIEWER, REVIEWER)
DECIDE_OP = st.tuples(st.just("decide"), REVIEWER, REVIEWER, st.integers(0, 7), st.integers(0, len(VALUES) - 1),
                      st.integers(0, len(TIMES) - 1))
OPERATIONS = st.lists(st.one_of(CHANGE_OP, CHANGE_OP, CHANGE_OP, DELIVER_OP, DELIVER_OP, DECIDE_OP, DECIDE_OP),
                      min_size=10, max_size=50)


@dataclass
class Reviewer:
    name: str
    known: dict[str, Change] = field(default_factory=dict)  # what their own file holds

    def log(self) -> ChangeLog:
        return ChangeLog(self.known.values())


@dataclass
class History:
    reviewers: list[Reviewer]
    made: list[Change] = field(default_factory=list)  # every change, in the order it was made
    knew: dict[str, frozenset[str]] = field(default_factory=dict)  # change id -> ids its maker knew
    decisions: list[Change] = field(default_factory=list)  # changes made to end a conflict seen

    def all_changes(self) -> list[Change]:
        return list(self.made)


def simulate(operations: Iterable[tuple], reviewers: int) -> History:
    history = History([Reviewer(f"granskare{i}") for i in range(reviewers)])
    for number, operation in enumerate(operations):
        kind, who = operation[0], history.reviewers[operation[1] % reviewers]
        if kind == "deliver":
            source = history.reviewers[operation[2] % reviewers]
            who.known.update(source.known)  # a whole file arrives: everything its writer knew
        elif kind == "change":
            _, _, register_index, value_index, time_index = operation
            _make(history, who, REGISTERS[register_index], VALUES[value_index], TIMES[time_index], number)
        else:
            # a file arrives, the person sees a conflict and decides it
            _, _, source_index, conflict_index, value_index, time_index = operation
            who.known.update(history.reviewers[source_index % reviewers].known)
            conflicts = who.log().conflicts()
            if not conflicts:
                continue
            seen = conflicts[conflict_index % len(conflicts)]
            # the decision takes one of the versions or a value of its own
            choices = [*seen.values, VALUES[value_index]]
            made = _make(history, who, seen.register, choices[value_index % len(choices)], TIMES[time_index], number)
            assert made.replaces == seen.head_ids
            history.decisions.append(made)
    return history


def _make(history: History, who: Reviewer, register: Register, value: str, at: str, number: int) -> Change:
    """A change as the recorder makes it: it replaces the heads the maker's file has."""
    state = who.log().state(register)
    change = Change(
        id=hashlib.md5(f"{who.name}/{number}".encode()).hexdigest(),  # unique, in no telling order
        writer=who.name, at=at, who=who.name, register=register, value=value,
        old_value=state.values[0] if state else encode(None),
        replaces=state.head_ids if state else frozenset(),
    )
    history.knew[change.id] = frozenset(who.known)
    who.known[change.id] = change
    history.made.append(change)
    return change


def snapshot(log: ChangeLog) -> dict[str, object]:
    """Everything a reader can see in a change log, in comparable form."""
    states = {}
    for register in REGISTERS:
        state = log.state(register)
        states[register.text] = None if state is None else (
            tuple(h.id for h in state.heads), state.values, state.conflicted, state.latest.id)
    return {
        "states": states,
        "conflicts": [(s.register.text, tuple(h.id for h in s.heads)) for s in log.conflicts()],
        "changes": [c.id for c in log.changes()],
        "registers": sorted(r.text for r in log.registers()),
        "history": {r.text: [c.id for c in log.history(r)] for r in REGISTERS},
        "size": len(log),
    }


def reference_heads(changes: Iterable[Change], register: Register) -> set[str]:
    """The rule's definition: the changes of the register that no change in the set replaces."""
    changes = list(changes)
    replaced = {r for c in changes for r in c.replaces}
    return {c.id for c in changes if c.register == register and c.id not in replaced}


def past(change_id: str, by_id: dict[str, Change]) -> set[str]:
    """Every change in the transitive past of a change (what it replaced, and what those replaced)."""
    seen: set[str] = set()
    stack = list(by_id[change_id].replaces)
    while stack:
        current = stack.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        stack.extend(by_id[current].replaces)
    return seen


HISTORIES = st.builds(simulate, OPERATIONS, st.integers(2, 4))
DEFAULT = settings(max_examples=60, deadline=None)
LONG = settings(max_examples=3000, deadline=None)


def check_convergence(history: History, seed: int) -> None:
    changes = history.all_changes()
    event(f"konflikter i enheten: {min(len(ChangeLog(changes).conflicts()), 2)}")
    event(f"beslut: {min(len(history.decisions), 2)}")
    shuffled = random.Random(seed)
    expected = snapshot(ChangeLog(changes))
    for _ in range(4):
        order = changes + shuffled.sample(changes, k=len(changes) // 2)  # with duplicates
        shuffled.shuffle(order)
        log = ChangeLog()
        for start in range(0, len(order), 3):  # in groups, as files arrive
            log.add(order[start:start + 3])
        assert snapshot(log) == expected
    # the same set reached through the reviewers' files, in any order, read any number of times
    log = ChangeLog()
    files = [list(r.known.values()) for r in history.reviewers] * 2
    shuffled.shuffle(files)
    for file in files:
        log.add(file)
    known_somewhere = {i for r in history.reviewers for i in r.known}
    assert known_somewhere == {c.id for c in changes}
    assert snapshot(log) == expected


@DEFAULT
@given(HISTORIES, st.integers(0, 2**32))
def test_same_set_gives_same_state_whatever_the_order(history: History, seed: int) -> None:
    check_convergence(history, seed)


@DEFAULT
@given(HISTORIES, st.data())
def test_any_subset_in_any_order_converges_and_matches_the_rule(history: History, data: st.DataObject) -> None:
    """Also for sets that are not causally closed (a file read while another is missing)."""
    changes = history.all_changes()
    subset = data.draw(st.lists(st.sampled_from(changes), unique_by=lambda c: c.id) if changes else st.just([]))
    one, other = ChangeLog(subset), ChangeLog(reversed(subset))
    assert snapshot(one) == snapshot(other)
    for register in REGISTERS:
        state = one.state(register)
        expected = reference_heads(subset, register)
        assert (state.head_ids if state else set()) == expected


@DEFAULT
@given(HISTORIES)
def test_adding_again_changes_nothing(history: History) -> None:
    log = ChangeLog(history.all_changes())
    before = snapshot(log)
    assert log.add(history.all_changes()) == set()
    for reviewer in history.reviewers:
        assert log.add(reviewer.known.values()) == set()
    assert snapshot(log) == before


def check_no_confirmed_change_is_lost(history: History) -> None:
    changes = history.all_changes()
    by_id = {c.id: c for c in changes}
    log = ChangeLog(changes)
    for register in {c.register for c in changes}:
        state = log.state(register)
        assert state is not None and state.heads
    for change in changes:
        state = log.state(change.register)
        assert state is not None
        if change.id in state.head_ids:
            assert change.value in state.values
            continue
        # replaced: by a change whose maker knew it, and it lies in the past of a head
        replacers = [c for c in changes if change.id in c.replaces]
        assert replacers and all(change.id in history.knew[c.id] for c in replacers)
        assert any(change.id in past(head.id, by_id) for head in state.heads)


def check_an_update_that_saw_the_previous_value_is_no_conflict(history: History) -> None:
    changes = history.all_changes()
    log = ChangeLog(changes)
    for change in changes:
        # in the maker's own file just after it was made: the change alone holds
        at_the_time = ChangeLog([by for by in changes if by.id in history.knew[change.id]] + [change])
        state = at_the_time.state(change.register)
        assert state is not None and state.head_ids == {change.id} and not state.conflicted
        # in the whole enhet: when its maker knew every other change of the register, it alone holds
        others = {c.id for c in changes if c.register == change.register and c.id != change.id}
        if others <= history.knew[change.id]:
            merged = log.state(change.register)
            assert merged is not None and merged.head_ids == {change.id} and not merged.conflicted


def check_changes_from_the_same_state_to_different_values_conflict_until_decided(history: History) -> None:
    changes = history.all_changes()
    logs = [("enheten", ChangeLog(changes))] + [(r.name, r.log()) for r in history.reviewers]
    for index, first in enumerate(changes):
        for second in changes[index + 1:]:
            concurrent = (first.register == second.register and first.id not in history.knew[second.id]
                          and second.id not in history.knew[first.id])
            if not concurrent or first.value == second.value:
                continue
            for name, log in logs:
                if first.id not in log or second.id not in log:
                    continue
                replaced_in_log = {r for c in log.changes() for r in c.replaces}
                state = log.state(first.register)
                assert state is not None
                if first.id not in replaced_in_log and second.id not in replaced_in_log:
                    assert state.conflicted, f"{name}: två ändringar från samma läge utan konflikt"
                    assert {first.id, second.id} <= state.head_ids


def check_a_decision_removes_the_conflict_wherever_it_arrives(history: History) -> None:
    changes = history.all_changes()
    logs = [ChangeLog(changes)] + [r.log() for r in history.reviewers]
    for decision in history.decisions:
        assert len(decision.replaces) >= 2  # it saw a conflict: several heads
        for log in logs:
            if decision.id not in log:
                continue
            state = log.state(decision.register)
            assert state is not None
            assert not (state.head_ids & decision.replaces), "a decided version is a head again"
            later = {c.id for c in changes if c.register == decision.register} - history.knew[decision.id]
            if not ({c.id for c in log.changes()} & (later - {decision.id})):
                assert state.head_ids == {decision.id} and not state.conflicted


def check_every_file_is_causally_closed(history: History) -> None:
    for reviewer in history.reviewers:
        for change in reviewer.known.values():
            assert change.replaces <= set(reviewer.known), f"{reviewer.name} saknar det som {change.id} ersatte"
            assert change.replaces <= history.knew[change.id]


CHECKS = (
    check_no_confirmed_change_is_lost,
    check_an_update_that_saw_the_previous_value_is_no_conflict,
    check_changes_from_the_same_state_to_different_values_conflict_until_decided,
    check_a_decision_removes_the_conflict_wherever_it_arrives,
    check_every_file_is_causally_closed,
)


@DEFAULT
@given(HISTORIES)
def test_no_confirmed_change_is_lost(history: History) -> None:
    check_no_confirmed_change_is_lost(history)


@DEFAULT
@given(HISTORIES)
def test_an_update_that_saw_the_previous_value_is_no_conflict(history: History) -> None:
    check_an_update_that_saw_the_previous_value_is_no_conflict(history)


@DEFAULT
@given(HISTORIES)
def test_changes_from_the_same_state_to_different_values_conflict_until_decided(history: History) -> None:
    check_changes_from_the_same_state_to_different_values_conflict_until_decided(history)


@DEFAULT
@given(HISTORIES)
def test_a_decision_removes_the_conflict_wherever_it_arrives(history: History) -> None:
    check_a_decision_removes_the_conflict_wherever_it_arrives(history)


@DEFAULT
@given(HISTORIES)
def test_every_file_is_causally_closed(history: History) -> None:
    check_every_file_is_causally_closed(history)


def _forged(draw: st.DrawFn) -> list[Change]:
    """Changes as a hostile or broken file may hold them: any change may replace any id, of its
    own register or another's, itself, or one that is never seen (cycles included)."""
    count = draw(st.integers(1, 12))
    ids = [f"c{number:02d}" for number in range(count)] + ["unseen"]
    return [Change(id=ids[number], writer="w", at=draw(st.sampled_from(TIMES)), who="w",
                   register=draw(st.sampled_from(REGISTERS)), value=draw(st.sampled_from(VALUES)),
                   old_value=encode(None), replaces=frozenset(draw(st.lists(st.sampled_from(ids), max_size=3))))
            for number in range(count)]


@DEFAULT
@given(st.composite(_forged)(), st.data())
def test_heads_read_between_additions_follow_the_rule_even_for_forged_replacements(
        changes: list[Change], data: st.DataObject) -> None:
    """The log keeps its heads as changes arrive; whatever was read before an addition, what is
    read after it is what the rule gives for everything known so far."""
    order = data.draw(st.permutations(changes))
    log, known = ChangeLog(), []
    for start in range(0, len(order), 2):
        for register in REGISTERS:  # read (and cached) before the next changes arrive
            log.state(register)
        log.conflicts()
        group = order[start:start + 2]
        touched = log.add(group)
        known.extend(group)
        for register in REGISTERS:
            state = log.state(register)
            expected = reference_heads(known, register)
            if not expected and any(c.register == register for c in known):
                newest = max((c for c in known if c.register == register), key=lambda c: c.order_key)
                expected = {newest.id}  # a cycle of replacements: the newest holds
            assert (state.head_ids if state else set()) == expected
        assert {register for change in group for register in (change.register,)} <= touched
        assert snapshot(log) == snapshot(ChangeLog(known))


@pytest.mark.slow
@LONG
@given(HISTORIES, st.integers(0, 2**32))
def test_convergence_long(history: History, seed: int) -> None:
    check_convergence(history, seed)
    for check in CHECKS:
        check(history)
