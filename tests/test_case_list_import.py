"""Reading case-system exports: encodings, delimiters, headers, personnummer, bad files."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from aktgranskning.domain.case import Gender
from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel.case_list import read_case_list
from aktgranskning.excel.sample_workbook import write_sample_workbook
from aktgranskning.services.sampling import (
    SamplingOptions,
    draw_round,
    review_files_for_round,
)
from tests.support.workbook_text import zip_member_texts

TODAY = date(2026, 11, 22)


def luhn_pnr(birth: str, serial: str) -> str:
    digits = birth[2:] + serial
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return f"{birth}-{serial}{(10 - total % 10) % 10}"


PNR_GIRL = luhn_pnr("20150304", "128")  # third serial digit even: female
PNR_BOY = luhn_pnr("20090611", "237")  # odd: male


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8", ";"), ("utf-8-sig", ","), ("cp1252", ";"),
                                                    ("utf-16", "\t"), ("utf-16-le", "\t"), ("utf-16-be", ";")])
def test_encodings_and_delimiters(tmp_path, encoding, delimiter):
    """As Excel saves a list: CSV UTF-8, CSV (Windows-1252), and "Unicode text" (UTF-16 with tabs,
    with its BOM or without)."""
    d = delimiter
    text = f"Ärendenummer{d}Kön{d}Ålder{d}Handläggare{d}Enhet\nÄ-1{d}Flicka{d}7{d}Åsa Öberg{d}Mottagningen\n"
    result = read_case_list(write(tmp_path / "lista.csv", text, encoding), today=TODAY)
    [case] = result.cases
    assert (case.case_number, case.gender, case.age, case.caseworker, case.unit) == (
        "Ä-1", Gender.FEMALE, 7, "Åsa Öberg", "Mottagningen")


def test_a_utf8_list_with_one_line_in_another_encoding_is_refused_at_that_line(tmp_path):
    lines = ["Ärendenummer;Enhet", *(f"A-{n};Ekonomiskt bistånd" for n in range(300))]
    data = "\n".join(lines).encode("utf-8") + "\nA-300;Ekonomiskt bistånd\n".encode("cp1252")
    path = tmp_path / "blandad.csv"
    path.write_bytes(data)
    with pytest.raises(FileProblem) as refused:
        read_case_list(path, today=TODAY)
    assert refused.value.place == "rad 302" and "UTF-8" in refused.value.problem


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_list_of_several_megabytes_keeps_its_encoding_where_the_reading_steps_meet(tmp_path, encoding):
    """The file is checked and decoded in steps; an Å whose two UTF-8 bytes straddle a step, or
    a Windows-1252 byte found only late in the file, must read as in a small file."""
    header = "Ärendenummer;Handläggare\n"
    prefix = len(header.encode(encoding))
    filler = "A-0;Bo\n" * ((1024 * 1024 - prefix) // 7 - 2)
    filler += "B" * (1024 * 1024 - prefix - len(filler) - 5) + ";Bo\n"  # the next byte is at 1 MB - 1
    text = header + filler + "Ä-2;Åsa Öberg\n" + "A-3;Bo\n" * 1000
    source = write(tmp_path / "lista.csv", text, encoding)
    if encoding == "utf-8":
        assert source.read_bytes()[1024 * 1024 - 1:1024 * 1024 + 1] == "Ä".encode()  # split between steps
    result = read_case_list(source, today=TODAY)
    assert [c.caseworker for c in result.cases if c.case_number == "Ä-2"] == ["Åsa Öberg"]
    assert len(result.cases) == text.count("\n") - 1


@pytest.mark.parametrize("header", ["Ärendenummer", "Ärende-ID", "Aktnummer", "Akt", "ärende id"])
def test_case_number_header_variants(tmp_path, header):
    result = read_case_list(write(tmp_path / "l.csv", f"{header};Kön\nX-9;M\n", "utf-8"), today=TODAY)
    assert result.cases[0].case_number == "X-9" and result.cases[0].gender is Gender.MALE


def test_personnummer_gives_gender_and_age_and_is_never_written(tmp_path, checklists):
    text = (
        "Ärende-ID;Personnummer;Namn;Handläggare;Ärendetyp;Enhet\n"
        f"A-1;{PNR_GIRL};Klient Ett;Anna Berg;Förhandsbedömning;Mottagningen\n"
        f"A-2;{PNR_BOY.replace('-', '')};Klient Två;Bo Ek;Utredning;Mottagningen\n"
    )
    source = write(tmp_path / "export.csv", text, "utf-8")
    result = read_case_list(source, today=TODAY)
    assert [(c.gender, c.age) for c in result.cases] == [(Gender.FEMALE, 11), (Gender.MALE, 17)]
    assert result.derived_from_personnummer and result.ignored_columns == ["Namn"]

    sampling = draw_round(source, SamplingOptions(seed=3), today=TODAY)
    out = tmp_path / "ut"
    write_sample_workbook(sampling, out / "URVAL.xlsx")
    review_files_for_round(sampling, out, "F", 2026, checklists)
    forbidden = [PNR_GIRL, PNR_GIRL.replace("-", ""), PNR_GIRL[2:], PNR_BOY, PNR_BOY.replace("-", ""), PNR_BOY[2:],
                 "Klient Ett", "Klient Två", "Anna Berg", "Bo Ek"]
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) == 2
    for path in written:
        for text_found in _texts_in(path):
            for secret in forbidden:
                assert secret not in text_found, (path, secret)
            assert not re.search(r"\b(19|20)?\d{6}[-+]?\d{4}\b", text_found), path


def _texts_in(path: Path) -> list[str]:
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        return list(zip_member_texts(path).values())
    return [data.decode("utf-8", "replace"), data.decode("utf-16-le", "replace")]


def test_missing_values_form_their_own_unknown_stratum(tmp_path):
    text = "Ärendenummer;Kön;Ålder;Enhet\nA-1;;;E\nA-2;K;;E\nA-3;;4;E\n"
    source = write(tmp_path / "l.csv", text, "utf-8")
    sampling = draw_round(source, SamplingOptions(seed=1, age_bands="0-5,6-12,13-17"), today=TODAY)
    strata = set(sampling.units[0].result.population_per_stratum)
    assert strata == {("okänt", "okänd"), ("kvinna", "okänd"), ("okänt", "0–5 år")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kön;Ålder\nK;4\n", "ingen kolumn för ärendenummer"),
        ("Ärendenummer;Ålder\nA-1;fyra\n", "rad 2, kolumn Ålder"),
        ("Ärendenummer;Personnummer\nA-1;20150304-1234\n", "rad 2, kolumn Personnummer"),
        ("Ärendenummer;Inkom\nA-1;igår\n", "rad 2, kolumn Inkom"),
        ("Ärendenummer;Kön\n;K\n", "rad 2, kolumn Ärendenummer"),
        ("", "inga rader"),
    ],
)
def test_malformed_lists_name_file_row_and_column(tmp_path, text, expected):
    source = write(tmp_path / "trasig.csv", text, "utf-8")
    with pytest.raises(FileProblem) as caught:
        read_case_list(source, today=TODAY)
    assert str(source) in caught.value.message and expected in caught.value.message


def test_xlsx_that_is_not_a_zip_is_refused(tmp_path):
    source = write(tmp_path / "lista.xlsx", "Ärendenummer;Kön\n", "utf-8")
    with pytest.raises(FileProblem, match="ingen giltig Excelfil"):
        read_case_list(source, today=TODAY)


def test_xlsx_export_with_explicit_mapping_and_filters(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Akt nr", "Typ", "Kön", "Födelseår", "Sign", "Enhet", "Inkom"])
    for i in range(30):
        sheet.append([f"B-{i}", "Utredning" if i % 3 else "Förhandsbedömning", "K" if i % 2 else "M",
                      2010 + i % 10, f"S{i % 5}", "Enhet A" if i < 20 else "Enhet B", date(2026, 1 + i % 9, 1)])
    source = tmp_path / "export.xlsx"
    workbook.save(source)
    sampling = draw_round(
        source,
        SamplingOptions(per_unit=5, reserves=2, seed=9, case_type="Utredning", date_from=date(2026, 3, 1)),
        mapping={"case_number": "Akt nr", "caseworker": "Sign"},
        today=TODAY,
    )
    assert [u.unit for u in sampling.units] == ["Enhet A", "Enhet B"]
    for unit in sampling.units:
        for candidate in unit.result.chosen + unit.result.reserves:
            imported = unit.case_of(candidate)
            assert imported.case_type == "Utredning" and imported.case_date >= date(2026, 3, 1)
    assert sampling.filtered_out > 0


# --- the age is counted when the case began -------------------------------------------------

PNR_ALMOST_18 = luhn_pnr("20081215", "236")  # 18 on 2026-12-15
DRAWN_AFTER_BIRTHDAY = date(2026, 12, 20)


def _sheet_texts(path: Path) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    texts = [str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row
             if v is not None]
    workbook.close()
    return texts


@pytest.mark.parametrize("start_header", ["Inledningsdatum", "Startdatum", "Inledd", "Aktualiseringsdatum"])
def test_a_17_year_olds_case_drawn_after_the_18th_birthday_counts_among_children(tmp_path, start_header):
    text = f"Ärendenummer;Personnummer;{start_header};Enhet\nA-1;{PNR_ALMOST_18};2026-10-01;E\n"
    source = write(tmp_path / "export.csv", text, "utf-8")
    sampling = draw_round(source, SamplingOptions(seed=1, age_bands="0-12,13-17,18-25"), today=DRAWN_AFTER_BIRTHDAY)
    assert set(sampling.units[0].result.population_per_stratum) == {("kvinna", "13–17 år")}
    assert sampling.source.age_basis.text() == f"Ålder räknades vid ärendets start (kolumnen {start_header})."
    workbook = write_sample_workbook(sampling, tmp_path / "URVAL.xlsx")
    texts = _sheet_texts(workbook)
    assert "13–17 år" in texts and f"Ålder räknades vid ärendets start (kolumnen {start_header})." in texts
    assert not any(PNR_ALMOST_18[:8] in t or PNR_ALMOST_18[2:8] in t for t in texts)  # the personnummer is not kept


def test_without_a_start_date_the_age_is_counted_at_the_draw_and_the_workbook_says_so(tmp_path):
    text = f"Ärendenummer;Personnummer;Enhet\nA-1;{PNR_ALMOST_18};E\n"
    source = write(tmp_path / "export.csv", text, "utf-8")
    sampling = draw_round(source, SamplingOptions(seed=1, age_bands="0-12,13-17,18-25"), today=DRAWN_AFTER_BIRTHDAY)
    assert set(sampling.units[0].result.population_per_stratum) == {("kvinna", "18–25 år")}
    notice = "Ärendets startdatum saknas; ålder räknades vid dragningsdagen 2026-12-20."
    assert sampling.source.age_basis.text() == notice
    assert notice in _sheet_texts(write_sample_workbook(sampling, tmp_path / "URVAL.xlsx"))


def test_cases_without_a_start_date_in_a_start_column_are_counted_and_named(tmp_path):
    text = (f"Ärendenummer;Personnummer;Inledd;Enhet\nA-1;{PNR_ALMOST_18};2026-10-01;E\n"
            f"A-2;{PNR_ALMOST_18};;E\nA-3;{PNR_GIRL};;E\n")
    result = read_case_list(write(tmp_path / "export.csv", text, "utf-8"), today=DRAWN_AFTER_BIRTHDAY)
    assert [c.age for c in result.cases] == [17, 18, 11]
    assert result.age_basis.text() == ("Ålder räknades vid ärendets start (kolumnen Inledd). 2 ärenden saknar "
                                       "startdatum; deras ålder räknades vid dragningsdagen 2026-12-20.")


def test_an_arrival_date_column_serves_as_the_start_when_there_is_no_start_column(tmp_path):
    text = "Ärendenummer;Födelsedatum;Inkom;Enhet\nA-1;2008-12-15;2026-10-01;E\n"
    result = read_case_list(write(tmp_path / "export.csv", text, "utf-8"), today=DRAWN_AFTER_BIRTHDAY)
    assert result.cases[0].age == 17 and "(kolumnen Inkom)" in result.age_basis.text()


def test_a_start_date_that_is_not_a_date_names_row_and_column(tmp_path):
    source = write(tmp_path / "trasig.csv", "Ärendenummer;Inledd\nA-1;förra veckan\n", "utf-8")
    with pytest.raises(FileProblem, match="rad 2, kolumn Inledd"):
        read_case_list(source, today=TODAY)


def test_urval_prints_which_day_the_ages_were_counted_on(tmp_path):
    from tests.cli_runner import run_in_process

    rows = "".join(f"A-{i};{PNR_ALMOST_18};2026-10-0{1 + i % 5};E\n" for i in range(6))
    source = write(tmp_path / "export.csv", f"Ärendenummer;Personnummer;Startdatum;Enhet\n{rows}", "utf-8")
    result = run_in_process("urval", str(source), "-o", str(tmp_path / "U.xlsx"), "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert "Ålder räknades vid ärendets start (kolumnen Startdatum)." in result.stdout
    without = write(tmp_path / "utan.csv", f"Ärendenummer;Personnummer;Enhet\nA-1;{PNR_ALMOST_18};E\n", "utf-8")
    result = run_in_process("urval", str(without), "-o", str(tmp_path / "V.xlsx"), "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert f"Ärendets startdatum saknas; ålder räknades vid dragningsdagen {date.today().isoformat()}." in result.stdout


def test_a_sample_list_with_start_dates_gives_the_age_group_at_the_start(tmp_path, checklists):
    from aktgranskning.services.new_file import create_from_sample_list
    from aktgranskning.services.opening import NewFileInfo, open_for_reading

    text = (f"Ärendenummer;Ärendetyp;Personnummer;Inledd\nA-1;Utredning;{PNR_ALMOST_18};2026-10-01\n"
            f"A-2;Utredning;{PNR_ALMOST_18};\n")
    listing = write(tmp_path / "urval.csv", text, "utf-8")
    target = tmp_path / "E 2026.granskning"
    create_from_sample_list(target, listing, NewFileInfo("F", "O", "E", 2026), checklists, today=DRAWN_AFTER_BIRTHDAY)
    session = open_for_reading(target)
    try:
        assert [c.age_group for c in session.cases()] == ["13–17 år", "18–25 år"]
    finally:
        session.close()


def test_a_zip_that_is_no_workbook_is_refused_in_swedish_only(tmp_path):
    path = tmp_path / "lista.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("något.txt", "inte en arbetsbok")
    with pytest.raises(FileProblem) as caught:
        read_case_list(path, today=TODAY)
    message = caught.value.message
    assert str(path) in message and "spara den som Excel-arbetsbok (.xlsx)" in message
    assert not re.search(r"[A-Z][a-z]+(Error|Exception|File)\b", message), message


def test_the_start_date_column_can_be_named_with_kolumn(tmp_path):
    from aktgranskning.excel.case_list import parse_mapping

    text = f"Ärendenummer;Personnummer;Beslut om utredning\nA-1;{PNR_ALMOST_18};2026-10-01\n"
    source = write(tmp_path / "export.csv", text, "utf-8")
    mapping = parse_mapping(["startdatum=Beslut om utredning"])
    result = read_case_list(source, mapping, today=DRAWN_AFTER_BIRTHDAY)
    assert result.cases[0].age == 17 and "(kolumnen Beslut om utredning)" in result.age_basis.text()
