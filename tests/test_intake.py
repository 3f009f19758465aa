"""Intake limits at their boundaries: at the limit a file passes, one over it is refused, with
a message naming the file. The limits are made small here so the files stay small.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from icpmap.loaders import intake


def _book(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _sheet(rows: int, cells_per_row: int = 1) -> bytes:
    row = lambda i: b'<row r="%d">' % i + b"<c><v>1</v></c>" * cells_per_row + b"</row>"  # noqa: E731
    return b"<worksheet><sheetData>" + b"".join(row(i) for i in range(1, rows + 1)) + b"</sheetData></worksheet>"


def _messages(path: Path) -> list[str]:
    problems = intake.check_files([path])
    assert all(p.file == str(path) for p in problems.items)
    return [p.message for p in problems.items]


def test_parts_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_PARTS", 3)
    assert _messages(_book(tmp_path / "ok.xlsx", {f"xl/p{i}.bin": b"x" for i in range(3)})) == []
    [message] = _messages(_book(tmp_path / "over.xlsx", {f"xl/p{i}.bin": b"x" for i in range(4)}))
    assert message == "the workbook has 4 parts; icpmap reads workbooks of at most 3"


def test_sheets_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_SHEETS", 2)
    two = {f"xl/worksheets/sheet{i}.xml": _sheet(1) for i in range(2)}
    assert _messages(_book(tmp_path / "ok.xlsx", {**two, "xl/other.xml": b"<x/>"})) == []
    [message] = _messages(_book(tmp_path / "over.xlsx", {**two, "xl/worksheets/sheet9.xml": _sheet(1)}))
    assert message.startswith("the workbook has 3 sheets; icpmap reads at most 2")


def test_rows_and_cells_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_SHEET_ROWS", 10)
    monkeypatch.setattr(intake, "MAX_CELLS", 30)
    assert _messages(_book(tmp_path / "ok.xlsx", {"xl/worksheets/sheet1.xml": _sheet(10, 3)})) == []
    [rows] = _messages(_book(tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": _sheet(11, 1)}))
    assert rows == "a sheet has more than 10 rows, more than a workbook can hold"
    [cells] = _messages(_book(tmp_path / "cells.xlsx", {"xl/worksheets/sheet1.xml": _sheet(5, 3),
                                                         "xl/worksheets/sheet2.xml": _sheet(4, 4)}))
    assert cells.startswith("the workbook has more than 30 cells")  # counted across sheets: 15 + 16
    # Rows are counted per sheet: two sheets of 10 rows each are fine.
    assert _messages(_book(tmp_path / "two.xlsx", {"xl/worksheets/sheet1.xml": _sheet(10),
                                                    "xl/worksheets/sheet2.xml": _sheet(10)})) == []


def test_uncompressed_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_UNCOMPRESSED", 1000)
    monkeypatch.setattr(intake, "CHUNK", 64)
    assert _messages(_book(tmp_path / "ok.xlsx", {"xl/a.bin": b"a" * 600, "xl/b.bin": b"b" * 400})) == []
    [message] = _messages(_book(tmp_path / "over.xlsx", {"xl/a.bin": b"a" * 600, "xl/b.bin": b"b" * 401}))
    assert message.startswith("the workbook expands to more than 0 MB when unzipped")


def test_damaged_workbooks(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    assert _messages(junk)[0].startswith("not a readable Excel workbook (.xlsx): the file is not a zip archive")
    [xml] = _messages(_book(tmp_path / "xml.xlsx", {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData>"}))
    assert xml.startswith("not a readable Excel workbook: part xl/worksheets/sheet1.xml is damaged (")
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    [declared] = _messages(_book(tmp_path / "dtd.xlsx", {"xl/styles.xml": dtd}))
    assert declared == "not a readable Excel workbook: part xl/styles.xml declares a DTD, which a workbook never has"


def test_csv_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "organisations.csv"
    good.write_text('code,name\nA,"quoted, name"\n', encoding="utf-8")
    assert _messages(good) == []
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"code,name\nA,B\x00\n")
    assert _messages(nul)[0].startswith("is not a CSV text file: it holds NUL bytes")
    monkeypatch.setattr(intake, "CSV_HEAD", 16)  # only the head is checked; a record cut there is fine
    long = tmp_path / "long.csv"
    long.write_text('code,name\nA,"a name that goes past the head"\n', encoding="utf-8")
    assert _messages(long) == []


def test_check_files_expands_folders_and_skips_what_it_does_not_check(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.csv").write_bytes(b"\x00\x01")
    (folder / "notes.txt").write_bytes(b"\x00")
    _book(folder / "book.xlsx", {"xl/worksheets/sheet1.xml": b"<broken"})
    problems = intake.check_files([folder])
    assert sorted(Path(p.file).name for p in problems.items) == ["bad.csv", "book.xlsx"]
