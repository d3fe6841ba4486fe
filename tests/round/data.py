"""Small in-memory enheter and a realistic round for the round's analysis, outputs and window:
six enheter in two områden, each with its own analysis text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aktgranskning.domain.analysis import ActivityStatus, Analysis
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import CaseStatus, Gender
from aktgranskning.domain.round import AnalysisLevel, LevelAnalysis, Milestone, Round, RoundUnit, SharedAction
from aktgranskning.domain.summary import Summary, SummaryInput, summarise, summarise_round
from aktgranskning.domain.unit_data import CaseData, ChecklistRef, QuestionRef, UnitData, UnitIdentity

QUESTIONS = (
    QuestionRef("fb", "s1", "Inledning", "fb.anmalan", "Har anmälan dokumenterats samma dag?"),
    QuestionRef("fb", "s1", "Inledning", "fb.skydd", "Har en skyddsbedömning gjorts?"),
    QuestionRef("fb", "s2", "Barnets perspektiv", "fb.barnet", "Har barnet fått komma till tals?"),
    QuestionRef("fb", "s2", "Barnets perspektiv", "fb.beslut", "Framgår beslutet och dess motivering?"),
)
CHECKLISTS = (ChecklistRef("fb", "1", "hash", "Förhandsbedömning"),)


def unit_data(area: str, unit: str, yes: Sequence[int], *, cases: int = 10, done: int | None = None,
              analysis: Analysis | None = None) -> UnitData:
    """An enhet of `cases` akter where question n is answered Ja in the first yes[n] akter and Nej
    in the rest; only the first `done` akter are klar, the others pågående without answers."""
    done = cases if done is None else done
    rows = []
    for number in range(1, cases + 1):
        finished = number <= done
        answers = {q.question_id: (Answer.YES if number <= count else Answer.NO) if finished else None
                   for q, count in zip(QUESTIONS, yes, strict=True)}
        rows.append(CaseData(number, "fb", Gender.FEMALE if number % 2 else Gender.MALE, "13–17 år",
                             CaseStatus.DONE if finished else CaseStatus.IN_PROGRESS, None, answers))
    identity = UnitIdentity("Socialförvaltningen", area, unit, 2026, f"uuid-{unit}")
    return UnitData(identity, CHECKLISTS, QUESTIONS, tuple(rows), analysis or Analysis())


def six_units() -> list[UnitData]:
    """Two områden of three enheter; Familjeteamet is unfinished (4 of 10 klara)."""
    return [
        unit_data("Barn och unga", "Mottagningen", (10, 9, 5, 10), analysis=Analysis(
            strengths="- Anmälan dokumenteras samma dag\n- Tydliga beslut",
            development_areas="- Barnets röst syns sällan i utredningen\n- Skyddsbedömningen dröjer ibland",
            keep_good="Vi fortsätter med veckovisa ärendedragningar. Nya medarbetare får en mentor.")),
        unit_data("Barn och unga", "Utredning barn", (9, 10, 6, 9), analysis=Analysis(
            development_areas="Samtal med barnet dokumenteras inte alltid.\nMotiveringen saknas i några beslut.")),
        unit_data("Barn och unga", "Familjeteamet", (4, 4, 2, 3), done=4),
        unit_data("Vuxen", "Försörjningsstöd", (10, 10, 9, 7), analysis=Analysis(
            strengths="1. Snabb handläggning\n2. Bra samarbete med Arbetsmarknad")),
        unit_data("Vuxen", "Missbruk vuxen", (10, 8, 10, 6)),
        unit_data("Vuxen", "Socialpsykiatri", (10, 10, 10, 10)),
    ]


def six_unit_summary() -> Summary:
    return summarise([SummaryInput(f"{d.identity.unit} 2026.granskning", d) for d in six_units()])


def realistic_round(folder: str = "") -> Round:
    """A round of six enheter in two områden: five of the enheter above (Familjeteamet
    unfinished) and Boendestöd, which has no file; with analyses and two shared actions, one of
    them carried over from 2025."""
    units = tuple(RoundUnit(d.identity.area, d.identity.unit, 10) for d in six_units()[:5])
    units = (*units, RoundUnit("Vuxen", "Boendestöd", 20))
    return Round(
        "Socialförvaltningen", 2026, units, checklist_ids=("fb",), folder=folder,
        timetable=(Milestone("Granskningen klar", date(2026, 10, 31)), Milestone("Områdets analys klar", None)),
        analyses=(
            LevelAnalysis(AnalysisLevel.AREA, "Barn och unga", strengths="Dokumentationen av anmälan är stabil.",
                          development_areas="Barnets perspektiv – få akter visar att barnet fått komma till tals.",
                          keep_good="Gemensamma ärendedragningar en gång i månaden."),
            LevelAnalysis(AnalysisLevel.ADMINISTRATION, "Socialförvaltningen",
                          development_areas="Beslutens motivering och barnets röst i utredningen."),
        ),
        actions=(
            SharedAction("Gemensam mall för samtal med barn i förhandsbedömningen", 1, "Områdeschef barn och unga",
                         date(2027, 3, 31), ("fb.barnet",), ActivityStatus.ONGOING,
                         "Följs upp i nästa års aktgranskning och vid delårsrapporten."),
            SharedAction("Utbildning i att motivera beslut – för alla nya handläggare, med övningar på "
                         "avidentifierade ärenden", 2, "Förvaltningens kvalitetsutvecklare", date(2026, 12, 15),
                         ("fb.beslut", "fb.skydd"), ActivityStatus.PLANNED, "", from_year=2025),
        ),
    )


def realistic_round_summary() -> Summary:
    """The summary of `realistic_round` as the round's services make it: Boendestöd as saknas."""
    round_ = realistic_round()
    found = {d.identity.unit.casefold(): SummaryInput(f"{d.identity.unit} 2026.granskning", d) for d in six_units()}
    return summarise_round(round_, {unit.key: found[unit.key] for unit in round_.units if unit.key in found})
