import io

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from massline.lib.csvfile import CsvFormatError, neutralise, read_csv, unneutralise, write_csv

COLUMNS = ("code", "name", "note")


@pytest.mark.parametrize("cell", ["=1+1", "+86 731", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"])
def test_it_defuses_cells_a_spreadsheet_would_run(cell):
    assert neutralise(cell) == "'" + cell
    assert unneutralise(neutralise(cell)) == cell


def test_it_keeps_apostrophes_that_were_there_before():
    assert neutralise("'=x") == "''=x"
    assert unneutralise(neutralise("'=x")) == "'=x"


@pytest.mark.parametrize("cell", ["-12.5", "+3", "28.228", "示范县", "", "a=b", "'quoted", "it's"])
def test_it_leaves_numbers_and_plain_text_alone(cell):
    assert neutralise(cell) == cell


@given(st.text().filter(lambda text: "\x00" not in text))
def test_export_then_import_gives_back_every_text(text):
    stream = io.StringIO(newline="")
    write_csv(stream, COLUMNS, [["c1", text, "x"]])
    [(row, values)] = read_csv(stream.getvalue().encode(), columns=COLUMNS)
    # Imported cells are stripped of surrounding white space; otherwise the text comes back whole.
    assert (row, values["name"]) == (2, text.strip())


def test_it_reads_a_bom_and_reports_row_numbers_from_the_header():
    data = "\ufeffcode,name\r\nA,甲\r\n\r\nB,乙\r\n".encode()
    assert read_csv(data, columns=COLUMNS, required=("code",)) == [
        (2, {"code": "A", "name": "甲", "note": ""}),
        (4, {"code": "B", "name": "乙", "note": ""}),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        ("code,名字\n".encode(), "unknown columns: 名字"),
        (b"name\nx\n", "missing columns: code"),
        (b"code,code\nx,y\n", "repeated columns: code"),
        ("code,name\nA,甲\n".encode("gb18030"), "not UTF-8"),
        (b"code,name\nA,B,C,D\n", "has 4 cells but the header has 2"),
        (b"code\x00,name\n", "NUL bytes"),
    ],
)
def test_it_refuses_files_it_cannot_read(data, message):
    with translation.override("en"), pytest.raises(CsvFormatError, match=message):
        read_csv(data, columns=COLUMNS, required=("code",))


def test_write_csv_can_start_with_a_bom_for_excel():
    stream = io.StringIO()
    write_csv(stream, ("a",), [["=x"]], bom=True)
    assert stream.getvalue() == "\ufeffa\r\n'=x\r\n"
