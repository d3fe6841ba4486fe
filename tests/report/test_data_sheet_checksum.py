"""The reader's checksum over texts read back equals the writer's over the values it wrote."""

from datetime import date

from aktgranskning.excel import data_sheet
from aktgranskning.excel.tables import sheet_texts


def test_the_checksum_of_texts_read_back_is_the_checksum_of_the_values_written():
    meta = [["format", "1"], ["ar", 2026], ["checklista", "fb", "3", "abc", "Förhandsbedömning", ""]]
    rows = [[1, "fb", "kvinna", "6–12 år", "klar", "", "a", "Anmälan", "fb.anmalare", "Fråga ", "Ja"],
            [2, "fb", "man", "", "bortfall", "akten_saknas", "", "", "", "", ""],
            [3.0, "fb", " man", date(2026, 3, 1), "klar", "", "a", "A", "q", "F", ""]]
    # what calamine gives back: numbers as floats, empty cells as "", texts unstripped
    read_back = sheet_texts([[float(v) if isinstance(v, int) else v for v in row] for row in meta + rows])
    assert read_back[3][0] == "1" and read_back[5][3] == "2026-03-01" and read_back[5][2] == "man"
    assert data_sheet.checksum_of_texts(read_back[:3], read_back[3:]) == data_sheet.checksum(meta, rows)
    changed = [list(r) for r in read_back]
    changed[3][10] = "Nej"
    assert data_sheet.checksum_of_texts(changed[:3], changed[3:]) != data_sheet.checksum(meta, rows)
