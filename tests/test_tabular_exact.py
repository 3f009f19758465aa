"""The output contract cell by cell: every rule of reports/tabular.py and api/render.py on
hand-made values, with the exact text, type and formatting each one must give.

tests/test_tabular.py checks the main rules; these pin each branch (a boundary, a format, a
header's style, a column's width, a data file's typed cells) so that a change to any of them
fails a test.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from icpmap.api import render
from icpmap.reports import tabular

DAY = dt.date(2024, 6, 1)
MOMENT = dt.datetime(2024, 6, 1, 12, 30)


@pytest.mark.parametrize(("value", "text"), [
    ("x", "x"), ("", ""), (None, ""), (True, "true"), (False, "false"),
    (MOMENT, "2024-06-01T12:30:00"), (DAY, "2024-06-01"),
    (math.nan, ""), (3.0, "3"), (-2.0, "-2"), (0.0, "0"), (1.23456, "1.235"), (2.5, "2.5"),
    (999_999_999_999_999.0, "999999999999999"), (1e15, "1000000000000000.0"), (-1e15, "-1000000000000000.0"),
    (["b", None, "a"], "a;b"), (("b", "a"), "a;b"), ({"y", "x"}, "x;y"), ([True, 2, DAY], "2;2024-06-01;true"), ([], ""),
    ({"b": 1, "a": DAY}, '{"a": "2024-06-01", "b": 1}'), (7, "7"), (Path("a/b"), "a/b"),
])
def test_cell_text(value: object, text: str) -> None:
    assert tabular.cell_text(value) == text


def test_neutralise_only_a_leading_formula_start() -> None:
    assert tabular.FORMULA_START == ("=", "+", "-", "@", "\t", "\r")
    for start in tabular.FORMULA_START:
        assert tabular.neutralise(start + "x") == "'" + start + "x"
    for text in ("", "x=1", " =1", "'=1", "\n=1", "a-b"):
        assert tabular.neutralise(text) == text


def test_json_value() -> None:
    assert tabular.json_value(DAY) == "2024-06-01" and tabular.json_value(MOMENT) == "2024-06-01T12:30:00"
    assert tabular.json_value(math.nan) is None and tabular.json_value(1.5) == 1.5
    assert tabular.json_value((DAY, [math.nan])) == ["2024-06-01", [None]]
    assert tabular.json_value({"k": {"d": DAY}}) == {"k": {"d": "2024-06-01"}}
    assert tabular.json_value("=x") == "=x" and tabular.json_value(True) is True and tabular.json_value(None) is None
    assert sorted(tabular.json_value({2, 1})) == [1, 2]


def test_csv_text_exactly() -> None:
    assert tabular.to_csv(["=h", "b"], [["=1", None], [True, 2.0]]) == "'=h,b\n'=1,\ntrue,2\n"
    # a carriage return anywhere in a row quotes the whole row, header untouched
    assert tabular.to_csv(["a", "b"], [["x\r=1", "y"], ["\rz", "w"]]) == 'a,b\n"x\r=1","y"\n"\'\rz","w"\n'
    assert tabular.to_csv(["a"], []) == "a\n"


def test_json_text_exactly() -> None:
    assert tabular.to_json(["n", "é"], [[1, "café"], [math.nan, DAY]]) == (
        '[\n  {\n    "n": 1,\n    "é": "café"\n  },\n  {\n    "n": null,\n    "é": "2024-06-01"\n  }\n]')


@pytest.mark.parametrize(("value", "cell"), [
    (None, None), (True, True), (3, 3), (DAY, DAY), (math.nan, None), (1.5, 1.5),
    ("=x", "'=x"), ("a\x01b", "a\\x01b"), ("\x01=", "\\x01="), ("=\x01", "'=\\x01"), (["b", "a"], "a;b"),
    ("-1", "'-1"), ("tab\there", "tab\there"),
])
def test_xlsx_value(value: object, cell: object) -> None:
    got = tabular.xlsx_value(value)
    assert got == cell and type(got) is type(cell)


def test_xlsx_text_escapes_exactly_the_characters_a_workbook_cannot_hold() -> None:
    held = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
    assert tabular.xlsx_text("a" + held + "b") == "a" + "".join(repr(ch)[1:-1] for ch in held) + "b"
    assert tabular.xlsx_text("\t\n\r ok") == "\t\n\r ok"


def test_sheet_titles() -> None:
    assert tabular._sheet_title("a[b]:c*d?e/f\\g") == "a_b__c_d_e_f_g"
    assert tabular._sheet_title("x" * 40) == "x" * 31
    assert tabular._sheet_title("") == "sheet"
    assert tabular._sheet_title("Xmas X") == "Xmas X"  # only the characters a sheet name cannot hold


def test_report_workbook_layout(tmp_path: Path) -> None:
    long = "y" * 100
    rows = [["x" * 20, 1, MOMENT], ["a", 2, DAY]] + [["b", 3, None]] * 498 + [[long, 4, None]]  # row 501 not measured
    data = tabular.xlsx_bytes([("report: one", ["name", "=n", "when"], rows), ("empty", [], []),
                               ("wide", ["w"], [[long]])])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["report_ one", "empty", "wide"]
    sheet = book["report_ one"]
    assert [c.value for c in sheet[1]] == ["name", "'=n", "when"]
    for cell in sheet[1]:
        assert cell.font.b is True and cell.font.color.rgb == "00FFFFFF"
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "00005EB8"
    assert sheet["A2"].font.b is not True
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C502"
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [22, 10, 21]
    # a date-time in the first data row is shown as its date too (openpyxl alone would add the time)
    assert sheet["C2"].value == MOMENT and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].value == dt.datetime(2024, 6, 1) and sheet["C3"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].number_format == "General"
    assert book["empty"].auto_filter.ref is None and book["empty"].max_row == 1
    assert book["wide"].column_dimensions["A"].width == 60
    path = tmp_path / "r.xlsx"
    tabular.write_xlsx(path, [("s", ["a"], [[1]])])
    assert load_workbook(path).sheetnames == ["s"]


def test_a_terminal_table_shows_data_as_text_never_markup() -> None:
    table = tabular.rich_table(["name", "n"], [["[bold red]x[/]", 2.0], [None, True]], title="T")
    assert table.title == "T" and table.show_lines is False and table.header_style == "bold"
    assert [c.header for c in table.columns] == ["name", "n"]
    assert [[c.plain for c in col._cells] for col in table.columns] == [["[bold red]x[/]", ""], ["2", "true"]]
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(table)
    assert "[bold red]x[/]" in console.file.getvalue()
    assert tabular.rich_table(["a"], []).title is None


# -- data files: lossless ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "true"), (False, "false"), (DAY, "2024-06-01"), (MOMENT, "2024-06-01T12:30:00"),
    (0.1, "0.1"), (1e16, "1e+16"), (2.0, "2.0"), (7, "7"), ("=x", "=x"),
])
def test_data_text(value: object, text: str) -> None:
    assert tabular.data_text(value) == text


def test_data_csv_bytes(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    tabular.write_data_csv(path, ["code", "name"], [["=A1", "x\ry"], [None, 0.5]])
    assert path.read_bytes() == b'code,name\r\n=A1,"x\ry"\r\n,0.5\r\n'


def test_data_workbook_cells_read_back_exactly(tmp_path: Path) -> None:
    values = [None, True, 2**53 - 1, 2**53, 0.1, 0.1 + 0.2, -0.0, 0.0, -1.5, math.inf, math.nan,
              dt.date(1900, 3, 1), dt.date(1900, 2, 28), MOMENT, "=1+1", "x", "\tx"]
    path = tmp_path / "d.xlsx"
    tabular.write_data_xlsx(path, [("a:b", ["v"], [[v] for v in values]), ("two", ["w"], [])])
    book = load_workbook(path)
    assert book.sheetnames == ["a_b", "two"]
    cells = [row[0] for row in book["a_b"].iter_rows(min_row=1)]
    assert cells[0].value == "v"
    got = [(c.value, c.data_type, bool(c.quotePrefix)) for c in cells[1:]]
    assert got == [
        (None, "n", False), (True, "b", False), (2**53 - 1, "n", False), (str(2**53), "s", False),
        (0.1, "n", False), ("0.30000000000000004", "s", False), ("-0.0", "s", True), (0, "n", False), (-1.5, "n", False), ("inf", "s", False),
        ("nan", "s", False), (dt.datetime(1900, 3, 1), "d", False), ("1900-02-28", "s", False),
        ("2024-06-01T12:30:00", "s", False), ("=1+1", "s", True), ("x", "s", False), ("\tx", "s", True),
    ]
    assert cells[12].number_format == "yyyy-mm-dd"
    assert [c.value for c in book["two"][1]] == ["w"]


# -- api/render.py -------------------------------------------------------------------------------------


def test_plain_json() -> None:
    assert render.plain_json(None) is None and render.plain_json("s") == "s" and render.plain_json(True) is True
    assert render.plain_json(3) == 3 and render.plain_json(1.5) == 1.5
    assert render.plain_json(math.inf) is None and render.plain_json(-math.inf) is None and render.plain_json(math.nan) is None
    assert render.plain_json(DAY) == "2024-06-01" and render.plain_json(MOMENT) == "2024-06-01T12:30:00"
    assert render.plain_json({1: (DAY, {2})}) == {"1": ["2024-06-01", [2]]}
    assert render.plain_json(Path("a")) == "a"


def test_json_bytes_are_compact_utf8() -> None:
    assert render.json_bytes({"é": [1, math.nan], "d": DAY}) == '{"é":[1,null],"d":"2024-06-01"}'.encode()


@pytest.mark.parametrize(("name", "file"), [
    ("a b/c", "a_b_c"), ("..x..", "x"), ("", "result"), ("///", "result"), ("._.", "result"),
    ("réport 2024.csv", "r_port_2024.csv"), ("A-z_0.9", "A-z_0.9"), ("Xmas X", "Xmas_X"),
])
def test_safe_filename(name: str, file: str) -> None:
    assert render.safe_filename(name) == file


def test_table_responses_in_each_format() -> None:
    columns, rows = ["name", "n"], [["=x", 1], ["é", None]]
    csv = render.table_response("csv", "my report", columns, rows)
    assert csv.media_type == render.CSV == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"] == 'attachment; filename="my_report.csv"'
    assert csv.body == "name,n\n'=x,1\né,\n".encode()
    xlsx = render.table_response("xlsx", "my report", columns, rows)
    assert xlsx.media_type == render.XLSX == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.headers["content-disposition"] == 'attachment; filename="my_report.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.body))["my report"]
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [["name", "n"], ["'=x", 1], ["é", None]]
    for fmt in ("json", "table"):
        answer = render.table_response(fmt, "my report", columns, rows)
        assert answer.media_type == "application/json" and answer.status_code == 200
        assert "content-disposition" not in answer.headers
        assert json.loads(answer.body) == {"name": "my report", "columns": ["name", "n"],
                                           "rows": [{"name": "=x", "n": 1}, {"name": "é", "n": None}]}
    made = render.json_response([1], status=201, headers={"X-T": "1"})
    assert (made.status_code, made.headers["x-t"], made.body) == (201, "1", b"[1]")
