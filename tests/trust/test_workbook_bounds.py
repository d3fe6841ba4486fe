"""Small workbooks that would make the Excel reader take all the memory there is: one far cell
(calamine's grid reaches it: at XFD1048576 it asks for 512 GB and aborts the process), cells
without addresses in a far row, and a long shared string referred to from many cells. Each is
refused with a message naming the file and the sheet, at once; the summary goes on without it."""

from __future__ import annotations

import re
import resource
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from aktgranskning.domain.errors import FileProblem
from aktgranskning.excel.unit_workbook_reader import read_unit_workbook
from aktgranskning.services.summary import build_summary
from tests.support.demo_cache import copy_demo_workbooks


@pytest.fixture(scope="module")
def enhet_workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return copy_demo_workbooks(tmp_path_factory.mktemp("arbetsbocker"))


def _data_sheet_member(archive: zipfile.ZipFile) -> str:
    workbook = archive.read("xl/workbook.xml").decode()
    relationships = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="Data"[^>]*r:id="([^"]+)"', workbook)
    assert rid is not None
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', relationships)
    if target is None:
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', relationships)
    assert target is not None
    name = target.group(1).lstrip("/")
    return name if name.startswith("xl/") else f"xl/{name}"


def _edited(source: Path, target: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the workbook with each member passed through `edit(name, bytes)`."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        data_sheet = _data_sheet_member(original)
        for info in original.infolist():
            content = original.read(info)
            copy.writestr(info.filename, edit("Data" if info.filename == data_sheet else info.filename, content))
    return target


def _with_cells_at_end(cells: bytes) -> Callable[[str, bytes], bytes]:
    def edit(name: str, content: bytes) -> bytes:
        return content.replace(b"</sheetData>", cells + b"</sheetData>") if name == "Data" else content
    return edit


FAR = {
    "XFD1048576": b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "CV1000000": b'<row r="1000000"><c r="CV1000000" t="inlineStr"><is><t>x</t></is></c></row>',
    "utan adress på rad 99999": b'<row r="99999">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 200 + b"</row>",
    "attribut före adressen": b'<row r="900000"><c t="inlineStr" r="ZZ900000"><is><t>x</t></is></c></row>',
}


@pytest.mark.parametrize("far", FAR, ids=list(FAR))
def test_a_sheet_that_reaches_far_is_refused_by_name_before_it_is_read(enhet_workbooks, tmp_path, far):
    path = _edited(enhet_workbooks[0], tmp_path / "långt bort.xlsx", _with_cells_at_end(FAR[far]))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(FileProblem) as refused:
        read_unit_workbook(path)
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # kB: no grid was made
    assert str(path) in refused.value.message and refused.value.place == "blad Data"
    assert "rader och" in refused.value.problem and "kolumner" in refused.value.problem


def test_a_long_shared_string_in_many_cells_is_refused(enhet_workbooks, tmp_path):
    text = b"x" * (10 * 1024 * 1024)
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + text + b"</t></si></sst>")
    cells = b'<row r="400">' + b"".join(b'<c r="%s400" t="s"><v>0</v></c>' % bytes([65 + i]) for i in range(26))
    cells += b'</row><row r="401">' + b"".join(b'<c r="%s401" t="s"><v>0</v></c>' % bytes([65 + i])
                                                for i in range(26)) + b"</row>"

    def edit(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                   b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            return content.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxml'
                                   b'formats.org/officeDocument/2006/relationships/sharedStrings" '
                                   b'Target="sharedStrings.xml"/></Relationships>')
        return _with_cells_at_end(cells)(name, content)

    path = _edited(enhet_workbooks[0], tmp_path / "delad text.xlsx", edit)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", strings)
    with pytest.raises(FileProblem) as refused:
        read_unit_workbook(path)
    assert refused.value.place == "blad Data" and "MB text" in refused.value.problem


def test_the_summary_reads_the_others_and_names_the_refused_one(enhet_workbooks, tmp_path):
    folder = tmp_path / "enheter"
    folder.mkdir()
    for source in enhet_workbooks:
        (folder / source.name).write_bytes(source.read_bytes())
    _edited(enhet_workbooks[0], folder / "Trasig 2026.xlsx", _with_cells_at_end(FAR["XFD1048576"]))
    summary = build_summary([folder])
    assert len(summary.units()) == len(enhet_workbooks)
    [excluded] = summary.excluded
    assert Path(excluded.source).name == "Trasig 2026.xlsx" and "kolumner" in excluded.reason


def test_an_ordinary_workbook_passes_unchanged(enhet_workbooks):
    for path in enhet_workbooks:
        assert read_unit_workbook(path).data.cases
