import re
from pathlib import Path

import pytest

from aktgranskning.checklist_files import load_checklist_file, load_checklist_folder
from aktgranskning.domain.answers import Answer
from aktgranskning.domain.errors import FileProblem
from aktgranskning.paths import checklists_dir

SOURCE_QUESTIONS = Path(__file__).with_name("data") / "kontrollfragor.txt"
# The audit's wording cites the old Socialtjänstlag's paragraph; the checklist (SoL 2025:400) asks
# the same question under the same id without it.
REWORDED = {"Om nej, har kontakter enligt 11 kap 2 § dokumenterats?": "ut.kontakter_utan_samtycke"}


def test_every_installed_checklist_loads():
    files = sorted(checklists_dir().glob("*.toml"))
    assert len(files) >= 2
    for path in files:
        checklist = load_checklist_file(path)
        assert checklist.content_hash and len(checklist.content_hash) == 64
        assert checklist.question_ids()


def test_default_checklists_contain_every_source_question(checklists_by_id):
    wanted = {}
    current = None
    for line in SOURCE_QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            current = line[2:].strip()
        elif line.strip():
            wanted.setdefault(current, []).append(line.strip())
    for checklist_id, questions in wanted.items():
        texts = [q.text for q in checklists_by_id[checklist_id].questions()]
        for question in questions:
            if question in REWORDED:
                assert checklists_by_id[checklist_id].has_question(REWORDED[question]), question
                continue
            # the audit's list writes "11 kap 2 §"; Swedish (and the checklist) write "11 kap. 2 §"
            wording = re.sub(r"\bkap (\d)", r"kap. \1", question.replace("vem/ vilka", "vem/vilka"))
            assert wording in texts, question


def test_conditions_in_default_utredning(checklists_by_id):
    utredning = checklists_by_id["utredning"]
    conditional = {q.id: q.condition for q in utredning.questions() if q.condition}
    assert {c.question_id for c in conditional.values()} == {"ut.barnet_till_tals", "ut.samtycke", "ut.polisanmalan"}
    assert all(c.answer is Answer.NO for c in conditional.values())


def test_hash_ignores_comments_and_spacing(tmp_path):
    original = checklists_dir() / "utredning.toml"
    copy = tmp_path / "utredning.toml"
    copy.write_text("# en kommentar till\n\n" + original.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_checklist_file(copy).content_hash == load_checklist_file(original).content_hash


def test_a_new_checklist_is_added_by_adding_a_file(tmp_path):
    (tmp_path / "ekonomiskt_bistand.toml").write_text(
        """
id = "ekonomiskt_bistand"
version = "1"
titel = "Ekonomiskt bistånd"

[[avsnitt]]
id = "behov"
rubrik = "Behov"

[[avsnitt.fragor]]
id = "eb.behov"
text = "Har varje sökt behov prövats?"
""",
        encoding="utf-8",
    )
    [checklist] = load_checklist_folder(tmp_path)
    assert checklist.id == "ekonomiskt_bistand"
    assert checklist.matches_case_type("Ekonomiskt bistånd")


BROKEN = {
    "syntax": ('id = "x"\nversion = \n', "rad 2"),
    "missing_title": ('id = "x"\nversion = "1"\n', "”titel” saknas"),
    "bad_id": (
        'id = "Förhandsbedömning"\nversion = "1"\ntitel = "T"\n[[avsnitt]]\nid="a"\nrubrik="A"\n'
        '[[avsnitt.fragor]]\nid="q"\ntext="Q?"\n',
        "id ”Förhandsbedömning”",
    ),
    "unknown_answer": (
        'id = "x"\nversion = "1"\ntitel = "T"\n[[avsnitt]]\nid="a"\nrubrik="A"\n'
        '[[avsnitt.fragor]]\nid="q"\ntext="Q?"\nsvar=["Ja","Kanske"]\n',
        "(avsnitt 1, fråga 1 (id q)): svaret ”Kanske” finns inte",
    ),
    "condition_on_later_question": (
        'id = "x"\nversion = "1"\ntitel = "T"\n[[avsnitt]]\nid="a"\nrubrik="A"\n'
        '[[avsnitt.fragor]]\nid="q1"\ntext="Q?"\nvillkor={fraga="q2", svar="Nej"}\n'
        '[[avsnitt.fragor]]\nid="q2"\ntext="Q2?"\n',
        "villkoret pekar på frågan ”q2”",
    ),
    "duplicate_question": (
        'id = "x"\nversion = "1"\ntitel = "T"\n[[avsnitt]]\nid="a"\nrubrik="A"\n'
        '[[avsnitt.fragor]]\nid="q"\ntext="Q?"\n[[avsnitt.fragor]]\nid="q"\ntext="Q igen?"\n',
        "(avsnitt 1, fråga 2 (id q)): frågans id ”q” används redan",
    ),
    "no_sections": ('id = "x"\nversion = "1"\ntitel = "T"\navsnitt = []\n', "inga avsnitt"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_checklist_names_file_place_and_problem(tmp_path, name):
    content, expected = BROKEN[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileProblem) as caught:
        load_checklist_file(path)
    message = caught.value.message
    assert str(path) in message
    assert expected in message


def test_checklist_not_in_utf8_is_named(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('titel = "Förhandsbedömning"\n'.encode("cp1252"))
    with pytest.raises(FileProblem, match="UTF-8"):
        load_checklist_file(path)


def test_a_text_read_before_gives_the_same_checklist_and_a_broken_one_names_every_file(tmp_path):
    from aktgranskning.checklist_files import checklist_data, checklist_from_json, checklist_to_json

    source = (checklists_dir() / "utredning.toml").read_text(encoding="utf-8")
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(source, encoding="utf-8")
    second.write_text(source, encoding="utf-8")
    assert load_checklist_file(first) is load_checklist_file(second)  # read once, by its text
    stored = checklist_to_json(checklist_data(load_checklist_file(first)))
    assert checklist_from_json(stored, "fil 1") is checklist_from_json(stored, "fil 2")
    broken = stored.replace('"titel":', '"titl":')
    for name in ("fil 1", "fil 2"):  # a text that fails is never kept: each error names its own file
        with pytest.raises(FileProblem, match="titel") as problem:
            checklist_from_json(broken, name)
        assert name in str(problem.value)
