"""A realistic, clearly synthetic demo: one förvaltning, three områden, four enheter (three for barn
and unga, one for ekonomiskt bistånd), two years."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aktgranskning.domain.analysis import Activity, ActivityStatus
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.case import Case, DropoutReason, Gender
from aktgranskning.domain.checklist import (
    Applicability,
    Checklist,
    applicability,
    effective_answers,
)
from aktgranskning.domain.people import DEFAULT_AGE_BANDS, age_group_of, parse_age_bands
from aktgranskning.services.analysis import save_activities, save_analysis_text
from aktgranskning.services.opening import (
    NewFileInfo,
    create_review_file,
    open_for_filling,
)
from aktgranskning.services.session import ReviewSession

DEMO_ADMINISTRATION = "Socialförvaltningen Demokommun"
DEMO_SUFFIX = ".granskning"


@dataclass(frozen=True)
class DemoUnit:
    area: str
    unit: str
    code: str
    share_forhandsbedomning: float  # how many of the 20 cases are förhandsbedömningar
    quality: float  # how well the unit documents, 0–1
    single_checklist: str = ""  # an enhet of another verksamhet: every case has this checklist

    @property
    def checklist_ids(self) -> tuple[str, ...]:
        return (self.single_checklist,) if self.single_checklist else ("forhandsbedomning", "utredning")


DEMO_UNITS = (
    DemoUnit("Barn och familj", "Mottagningen", "MOT", 0.7, 0.86),
    DemoUnit("Barn och familj", "Utredning barn", "UTB", 0.3, 0.78),
    DemoUnit("Ungdom och vuxna", "Utredning ungdom", "UTU", 0.35, 0.70),
    DemoUnit("Försörjning och arbete", "Ekonomiskt bistånd", "EKB", 0.0, 0.80, single_checklist="ekonomiskt_bistand"),
)

# Questions that are hard in practice (from the audit's findings): lower chance of Ja.
_DIFFICULT = {
    "fb.skyndsamt": 0.25,
    "fb.tidigare_kannedom": 0.3,
    "ut.skyndsamt": 0.45,
    "ut.familjen_planering": 0.5,
    "ut.strukturerad_metod": 0.55,
    "ut.kommunicering": 0.3,
    "ut.polisanmalan_stallningstagande": 0.4,
    "ut.forlangning_skal": 0.2,
    "ut.tidigare_kannedom": 0.4,
    "ut.referenssamtal": 0.55,
    "eb.planering": 0.5,
    "eb.planering_uppfoljd": 0.45,
    "eb.barnets_basta": 0.45,
    "eb.beslut_motivering": 0.6,
}
# Questions that are often not applicable.
_OFTEN_X = {
    "fb.forlangning_skal": 0.75,
    "fb.aterkoppling": 0.2,
    "ut.vald_risk": 0.5,
    "ut.polisanmalan": 0.55,
    "ut.nya_anmalningar": 0.5,
    "ut.mal_insats": 0.2,
    "ut.forlangning_skal": 0.55,
    "ut.tidigare_kannedom": 0.25,
    "eb.arbetsformaga": 0.15,
    "eb.barnets_basta": 0.45,
    "eb.overklagande": 0.6,
}


def demo_file_name(unit: str, year: int) -> str:
    return f"{unit} {year}{DEMO_SUFFIX}"


def write_demo(folder: Path, checklists: Sequence[Checklist], year: int | None = None, seed: int = 2026) -> list[Path]:
    """Write the demo's files into `folder` and return their paths (this year's first)."""
    year = year or date.today().year
    by_id = {c.id: c for c in checklists}
    written: list[Path] = []
    for finished, file_year in ((False, year), (True, year - 1)):
        for index, unit in enumerate(DEMO_UNITS):
            rng = random.Random(f"{seed}-{unit.code}-{file_year}")
            path = folder / demo_file_name(unit.unit, file_year)
            info = NewFileInfo(DEMO_ADMINISTRATION, unit.area, unit.unit, file_year)
            cases = _demo_cases(unit, file_year, rng)
            create_review_file(path, info, [by_id[checklist_id] for checklist_id in unit.checklist_ids], cases)
            _answer_demo_cases(path, by_id, rng, unit, finished, dropout=index == 0 or finished)
            written.append(path)
    return written


# The demo's round: its three enheter, and one that has not sent a file, so the round shows one missing.
DEMO_MISSING_UNIT = DemoUnit("Ungdom och vuxna", "Familjebehandling", "FAM", 0.0, 0.0)


def write_demo_round(folder: Path, year: int) -> Path:
    """A round file for the demo's enheter of `year` in `folder` (written by write_demo), with
    one enhet more that has no file: `Omgång <år>.omgang`. Never overwrites a file."""
    from aktgranskning.domain.round import Round, RoundUnit
    from aktgranskning.storage.round_file import write_round_file

    units = tuple(RoundUnit(u.area, u.unit, 20) for u in (*DEMO_UNITS, DEMO_MISSING_UNIT))
    round_ = Round(DEMO_ADMINISTRATION, year, units, checklist_ids=("forhandsbedomning", "utredning"), folder=".")
    return write_round_file(folder / f"Omgång {year}.omgang", round_, new=True)


def _demo_cases(unit: DemoUnit, year: int, rng: random.Random) -> list[Case]:
    bands = parse_age_bands(DEFAULT_AGE_BANDS)
    caseworkers = [f"{unit.code}{n}" for n in range(1, rng.randint(6, 9))]
    cases: list[Case] = []
    for sequence in range(1, 26):
        is_reserve = sequence > 20
        if unit.single_checklist:
            case_type = unit.single_checklist
        else:
            case_type = "forhandsbedomning" if rng.random() < unit.share_forhandsbedomning else "utredning"
        gender = Gender.FEMALE if sequence % 2 else Gender.MALE
        if sequence % 11 == 0:
            gender = Gender.UNKNOWN
        case_number = f"DEMO-{year}-{unit.code}-{rng.randint(1000, 9999)}{sequence:02d}"
        age_group = age_group_of(rng.randint(19, 70) if unit.single_checklist else rng.randint(0, 17), bands)
        caseworker = caseworkers[sequence % len(caseworkers)]
        cases.append(Case.drawn(sequence, case_number, case_type, gender, age_group, caseworker, is_reserve))
    return cases


def _answer_demo_cases(
    path: Path, checklists: dict[str, Checklist], rng: random.Random, unit: DemoUnit, finished: bool, dropout: bool
) -> None:
    session = open_for_filling(path, reviewer="demo")
    try:
        if dropout:
            original = [c for c in session.cases() if not c.is_reserve]
            session.mark_dropout(original[6].id, DropoutReason.FILE_MISSING, "Akten gick inte att hitta i systemet.")
        reviewable = [c for c in session.cases() if c.counts_in_results]
        to_answer = reviewable if finished else reviewable[:12]
        answers = {
            case.id: _synthetic_answers(checklists[case.case_type], rng, unit.quality, finished or number < 8)
            for number, case in enumerate(to_answer)
        }
        reviewers = ["AB", "CD", "EF"]
        for offset, reviewer in enumerate(reviewers):
            part = {cid: a for i, (cid, a) in enumerate(answers.items()) if i % len(reviewers) == offset}
            session.apply_answers(part, reviewer=reviewer, at=f"{session.meta.year}-10-{5 + offset:02d}T10:00:00+02:00")
        for case_id in answers:
            if session.first_gap(case_id) is None:
                session.mark_done(case_id)
        if finished:
            _write_demo_analysis(session, unit)
    finally:
        session.close()


def _write_demo_analysis(session: ReviewSession, unit: DemoUnit) -> None:
    """Last year's analysis, so this year's has activities to follow up."""
    if unit.single_checklist == "ekonomiskt_bistand":
        texts = _ECONOMIC_AID_ANALYSIS
        planned = _ECONOMIC_AID_ACTIVITIES
    else:
        texts = _CHILDREN_ANALYSIS
        planned = _CHILDREN_ACTIVITIES
    for name, text in texts.items():
        save_analysis_text(session, name, text)
    year = session.meta.year
    save_activities(session, [
        Activity(text, "", responsible, date(year + 1, month, day), follow_up, status,
                 question_ids=tuple(question_ids.split()))
        for text, question_ids, responsible, (month, day), follow_up, status in planned
    ])


# text, question ids (separated by spaces), responsible role, due (month, day) next year, follow-up, status
_PlannedActivity = tuple[str, str, str, tuple[int, int], str, ActivityStatus]

_CHILDREN_ANALYSIS = {
    "strengths": "Anmälningar och anledningen till dem dokumenteras nästan alltid.",
    "development_areas": "Skyndsamheten i förhandsbedömningarna och kommuniceringen i utredningarna.",
    "keep_good": "Fortsätt med mallen för förhandsbedömning och gemensam genomgång på APT.",
    "improvements": "Se tabellen nedan.",
    "dropout_comment": "En akt gick inte att hitta; rutinen för arkivering ses över.",
}
_CHILDREN_ACTIVITIES: tuple[_PlannedActivity, ...] = (
    ("Checklista för skyndsam förhandsbedömning på varje ärendedragning", "fb.skyndsamt", "Enhetschef",
     (2, 28), "Stickprov 5 akter i mars", ActivityStatus.DONE),
    ("Utbildning i kommunicering enligt FL 25 §", "ut.kommunicering", "Metodstöd", (4, 30),
     "Genomgång på APT i maj", ActivityStatus.ONGOING),
    ("Mall för ställningstagande om polisanmälan enligt 10 kap. 21 § OSL",
     "ut.polisanmalan ut.polisanmalan_stallningstagande",
     "Gruppledare", (6, 30),
     "Nästa års aktgranskning", ActivityStatus.PLANNED),
)
_ECONOMIC_AID_ANALYSIS = {
    "strengths": "Ansökan, hushållet och kontrollen av inkomster dokumenteras nästan alltid.",
    "development_areas": "Planeringen mot egen försörjning och barnperspektivet i besluten.",
    "keep_good": "Fortsätt med gemensam mall för beräkning och genomgång av nya riktlinjer på APT.",
    "improvements": "Se tabellen nedan.",
    "dropout_comment": "En akt gick inte att hitta; rutinen för arkivering ses över.",
}
_ECONOMIC_AID_ACTIVITIES: tuple[_PlannedActivity, ...] = (
    ("Planering mot egen försörjning vid varje nybesök", "eb.planering", "Enhetschef", (3, 31),
     "Stickprov 5 akter i april", ActivityStatus.ONGOING),
    ("Barnets bästa som egen rubrik i beslutsmallen", "eb.barnets_basta", "Metodstöd", (5, 31),
     "Nästa års aktgranskning", ActivityStatus.PLANNED),
)


def _synthetic_answers(checklist: Checklist, rng: random.Random, quality: float, complete: bool) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    questions = list(checklist.questions())
    stop = len(questions) if complete else rng.randint(3, len(questions) - 3)
    for question in questions[:stop]:
        effective = effective_answers(checklist, answers)
        if applicability(question, effective) is not Applicability.APPLICABLE:
            continue
        if Answer.NOT_APPLICABLE in question.allowed and rng.random() < _OFTEN_X.get(question.id, 0.03):
            answers[question.id] = Answer.NOT_APPLICABLE
            continue
        chance = min(quality, _DIFFICULT.get(question.id, quality))
        answers[question.id] = Answer.YES if rng.random() < chance else Answer.NO
    return answers
