"""Output rules: booleans, dates, lists, numbers, and formula injection in CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from openpyxl import load_workbook

from icpmap.reports import tabular


def test_cell_text_rules():
    assert tabular.cell_text(True) == "true" and tabular.cell_text(False) == "false"
    assert tabular.cell_text(None) == ""
    assert tabular.cell_text(dt.date(2021, 9, 30)) == "2021-09-30"
    assert tabular.cell_text(["b", "a"]) == "a;b"
    assert tabular.cell_text(3.0) == "3"
    assert tabular.cell_text(0.123456) == "0.123"


def test_csv_neutralises_formulas():
    text = tabular.to_csv(["name"], [["=HYPERLINK(\"http://x\")"], ["+1"], ["-2"], ["@SUM(A1)"], ["\tx"], ["ok"]])
    values = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert values == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "ok"]


def test_json_keeps_types():
    data = json.loads(tabular.to_json(["d", "b", "n"], [[dt.date(2021, 1, 2), True, 3]]))
    assert data == [{"d": "2021-01-02", "b": True, "n": 3}]


def test_xlsx_is_formatted_and_neutralised(tmp_path):
    path = tmp_path / "x.xlsx"
    tabular.write_xlsx(path, [("report", ["name", "n", "when"], [["=1+1", 4, dt.date(2021, 1, 2)]])])
    sheet = load_workbook(path)["report"]
    assert sheet["A2"].value == "'=1+1"
    assert sheet["B2"].value == 4
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold


def test_every_output_format_is_accepted_and_others_refused(tmp_path, capsys) -> None:
    import click
    import pytest

    from icpmap.cli.output import emit

    assert tabular.FORMATS == ("table", "csv", "json", "xlsx")
    emit(["name"], [["=1+1"]], "csv")
    assert capsys.readouterr().out == "name\n'=1+1\n"
    emit(["name"], [["=1+1"]], "json")
    assert json.loads(capsys.readouterr().out) == [{"name": "=1+1"}]
    emit(["name"], [["x"]], "table")
    assert "1 rows" in capsys.readouterr().out
    emit(["name"], [["=1+1"]], "xlsx", tmp_path / "out.xlsx")
    assert load_workbook(tmp_path / "out.xlsx")["result"]["A2"].value == "'=1+1"
    with pytest.raises((SystemExit, click.exceptions.Exit)):
        emit(["name"], [["x"]], "yaml")
