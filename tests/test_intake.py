"""Intake limits at their boundaries: at the limit a file passes, one over it is refused, with
a message naming the file. The limits are made small here so the files stay small.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from icpmap.loaders import intake
from icpmap.loaders.problems import Problems


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


# Every way a workbook spells an opening row or cell tag: plain, with attributes, empty, and with
# a namespace prefix (the Open XML SDK writes `<x:row>`), whose closing tags must not count too.
ROW_SPELLINGS = [b'<row r="%d">', b"<row>", b'<x:row r="%d">', b"<x:row>", b'<row\n r="%d">']
CELL_SPELLINGS = [b'<c r="A1"><v>1</v></c>', b"<c><v>1</v></c>", b'<c r="A1"/>', b"<c/>",
                  b'<x:c r="A1"><x:v>1</x:v></x:c>', b"<x:c><x:v>1</x:v></x:c>", b"<x:c/>"]


def _spelled_sheet(rows: int, row: bytes, cells_per_row: int, cell: bytes) -> bytes:
    close = b"</x:row>" if row.startswith(b"<x:") else b"</row>"
    body = b"".join((row % i if b"%d" in row else row) + cell * cells_per_row + close for i in range(1, rows + 1))
    return (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<x:sheetData>" + body + b"</x:sheetData></x:worksheet>")


@pytest.mark.parametrize("row", ROW_SPELLINGS)
def test_every_spelling_of_a_row_counts_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: bytes) -> None:
    monkeypatch.setattr(intake, "MAX_SHEET_ROWS", 4)
    at = _book(tmp_path / "at.xlsx", {"xl/worksheets/sheet1.xml": _spelled_sheet(4, row, 1, b"<c/>")})
    assert _messages(at) == []
    over = _book(tmp_path / "over.xlsx", {"xl/worksheets/sheet1.xml": _spelled_sheet(5, row, 1, b"<c/>")})
    assert _messages(over) == ["a sheet has more than 4 rows, more than a workbook can hold"]


@pytest.mark.parametrize("cell", CELL_SPELLINGS)
def test_every_spelling_of_a_cell_counts_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: bytes) -> None:
    monkeypatch.setattr(intake, "MAX_CELLS", 6)
    at = _book(tmp_path / "at.xlsx", {"xl/worksheets/sheet1.xml": _spelled_sheet(2, b"<x:row>", 3, cell)})
    assert _messages(at) == []
    over = _book(tmp_path / "over.xlsx", {"xl/worksheets/sheet1.xml": _spelled_sheet(1, b"<row>", 7, cell)})
    [message] = _messages(over)
    assert message.startswith("the workbook has more than 6 cells")


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 8, 9, 10, 11, 13, 64])
def test_tags_cut_by_a_chunk_boundary_count_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  chunk: int) -> None:
    """Small chunks cut tags at every offset: each is still counted once, whole."""
    monkeypatch.setattr(intake, "CHUNK", chunk)
    monkeypatch.setattr(intake, "MAX_SHEET_ROWS", 6)
    monkeypatch.setattr(intake, "MAX_CELLS", 12)
    for row in (b'<row r="%d">', b"<x:row>"):
        at = _spelled_sheet(6, row, 2, b"<x:c/>")
        assert _messages(_book(tmp_path / "at.xlsx", {"xl/worksheets/sheet1.xml": at})) == [], row
        over = _spelled_sheet(7, row, 1, b"<c/>")
        assert _messages(_book(tmp_path / "over.xlsx", {"xl/worksheets/sheet1.xml": over})) == [
            "a sheet has more than 6 rows, more than a workbook can hold"], row


@pytest.mark.parametrize(("bom", "encoding"), [
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
])
def test_a_part_in_utf16_or_utf32_is_refused_whatever_follows_its_bom(tmp_path: Path, bom: bytes,
                                                                        encoding: str) -> None:
    for text in ("<worksheet/>", " <worksheet/>", "\n<worksheet/>"):
        book = _book(tmp_path / "u.xlsx", {"xl/worksheets/sheet1.xml": bom + text.encode(encoding)})
        assert _messages(book) == ["not a readable Excel workbook: part xl/worksheets/sheet1.xml is XML in an "
                                   "encoding other than UTF-8, which Excel never writes"], (encoding, text)


@pytest.mark.parametrize("name", ["gone.csv", "gone.xlsx", "gone.geojson"])
def test_a_file_that_cannot_be_opened_is_named(tmp_path: Path, name: str) -> None:
    check = {".csv": intake.check_csv, ".xlsx": intake.check_workbook, ".geojson": intake.check_geojson}
    problems = Problems()
    check[Path(name).suffix](tmp_path / name, problems)
    [problem] = problems.items
    assert (problem.file, problem.row, problem.column, problem.value) == (str(tmp_path / name), None, None, None)
    assert problem.message == "cannot read the file: No such file or directory"


def test_a_csv_no_reader_can_split_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"code,name\nA,B\rC\n")  # a carriage return alone inside an unquoted field
    [message] = _messages(bad)
    assert message.startswith("not a readable CSV file: new-line character seen in unquoted field")
    good = tmp_path / "good.csv"
    good.write_bytes(b'code,name\r\nA,"B\rC"\r\n')  # quoted, or as a line end: fine
    assert _messages(good) == []


def test_geojson_size_limit_and_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_GEOJSON", 20)
    at = tmp_path / "at.geojson"
    at.write_bytes(b"\xef\xbb\xbf \r\n\t{\"type\": \"x\"}")  # 20 bytes: a BOM and blanks before the object
    assert at.stat().st_size == 20
    assert _messages(at) == []
    over = tmp_path / "over.geojson"
    over.write_bytes(b'{"type": "x"}' + b" " * 8)  # 21 bytes
    assert _messages(over) == [
        "the boundary file is 0 MB; icpmap reads GeoJSON files of at most 0 MB (download the generalised "
        "edition, BGC or BUC, which the map simplifies further anyway)"]
    for junk in (b'[{"type": "x"}]', b"type", b'{"a": "\x00"}', b""):
        path = tmp_path / "junk.geojson"
        path.write_bytes(junk)
        assert _messages(path) == ["not a GeoJSON file: it does not start with a JSON object"], junk


@pytest.mark.parametrize("declared", [b"UTF-8", b"utf-8", b"utf8", b"UTF8", b"utf_8", b"Utf-8"])
def test_a_part_declaring_utf8_in_any_spelling_is_read(tmp_path: Path, declared: bytes) -> None:
    part = b'<?xml version="1.0" encoding="' + declared + b'" standalone="yes"?>' + _sheet(2)
    assert _messages(_book(tmp_path / "u.xlsx", {"xl/worksheets/sheet1.xml": part})) == []


@pytest.mark.parametrize("declared", [b"ISO-8859-1", b"windows-1252", b"UTF-16"])
def test_a_part_declaring_another_encoding_is_refused(tmp_path: Path, declared: bytes) -> None:
    part = b"<?xml version='1.0' encoding='" + declared + b"'?>" + _sheet(1)
    assert _messages(_book(tmp_path / "o.xlsx", {"xl/styles.xml": part})) == [
        "not a readable Excel workbook: part xl/styles.xml is XML in an encoding other than UTF-8, which Excel "
        "never writes"]


def test_csv_head_decoded_forgivingly_and_cut_at_its_last_line_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "CSV_HEAD", 16)
    cut_letter = tmp_path / "cut.csv"
    cut_letter.write_bytes("code,name\nA,Bé\nC,D\n".encode())  # the head's 16 bytes end inside "é"
    assert _messages(cut_letter) == []
    second = tmp_path / "second.csv"
    second.write_bytes(b"code\nA,B\rC\nDDDD,EEEE\n")  # the bad record lies within the head's whole lines
    assert _messages(second)[0].startswith("not a readable CSV file: new-line character seen in unquoted field")
    monkeypatch.setattr(intake, "CSV_HEAD", 65_536)
    short = tmp_path / "short.csv"
    short.write_bytes(b"code,name\nA,B\rC")  # a whole file shorter than the head: its last line is read too
    assert _messages(short)[0].startswith("not a readable CSV file: new-line character seen in unquoted field")


def test_size_messages_give_megabytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "MAX_GEOJSON", 2 * 1024 * 1024)
    big = tmp_path / "big.geojson"
    big.write_bytes(b"{" + b" " * (3 * 1024 * 1024))
    assert _messages(big)[0].startswith("the boundary file is 3 MB; icpmap reads GeoJSON files of at most 2 MB (")
    monkeypatch.setattr(intake, "MAX_UNCOMPRESSED", 3 * 1024 * 1024)
    book = _book(tmp_path / "big.xlsx", {"xl/a.bin": b"\x00" * (3 * 1024 * 1024 + 1)})
    assert _messages(book) == ["the workbook expands to more than 3 MB when unzipped; save big tables as CSV files"]


def test_what_a_part_is_comes_from_its_first_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = ("not a readable Excel workbook: part xl/worksheets/sheet1.xml is XML in an encoding other than UTF-8, "
             "which Excel never writes")
    for head in ("<worksheet/>".encode("utf-16-le"), "<worksheet/>".encode("utf-16-be")):  # no BOM: NULs by the <
        assert _messages(_book(tmp_path / "u.xlsx", {"xl/worksheets/sheet1.xml": head})) == [other]
    # a NUL or a < further in is not a sign of UTF-16: binary junk is no sheet, junk after a < is damaged XML
    assert _messages(_book(tmp_path / "b.xlsx", {"xl/worksheets/sheet1.xml": b" \x00\x00 <x/>"})) == []
    [damaged] = _messages(_book(tmp_path / "d.xlsx", {"xl/worksheets/sheet1.xml": b"\r\n<a\x00/>"}))
    assert damaged.startswith("not a readable Excel workbook: part xl/worksheets/sheet1.xml is damaged (")
    # a UTF-8 byte order mark and blank lines before the XML: still a sheet, its rows counted
    monkeypatch.setattr(intake, "MAX_SHEET_ROWS", 1)
    assert _messages(_book(tmp_path / "bom.xlsx", {"xl/worksheets/sheet1.xml": b"\xef\xbb\xbf\r\n" + _sheet(2)})) == [
        "a sheet has more than 1 rows, more than a workbook can hold"]


def test_any_dtd_is_refused_even_without_entities(tmp_path: Path) -> None:
    [message] = _messages(_book(tmp_path / "dtd.xlsx", {"xl/styles.xml": b"<!DOCTYPE x><x/>"}))
    assert message == "not a readable Excel workbook: part xl/styles.xml declares a DTD, which a workbook never has"


def _bad_crc(path: Path) -> Path:
    """The zip's CRC of its first part made wrong (local header and central directory): the
    damage shows only once the part has been read to its end."""
    import struct

    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 14, struct.unpack_from("<I", data, 14)[0] ^ 1)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 16, struct.unpack_from("<I", data, central + 16)[0] ^ 1)
    path.write_bytes(bytes(data))
    return path


def test_every_part_is_read_to_its_end_and_each_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "CHUNK", 64)
    monkeypatch.setattr(intake, "MAX_SHEET_ROWS", 1)
    # a part that is not XML, damaged past its first chunk: read to the end, so its damage is seen
    book = _bad_crc(_book(tmp_path / "crc.xlsx", {"xl/media/image1.bin": random.Random(1).randbytes(4096)}))
    [message] = _messages(book)
    assert message.startswith("not a readable Excel workbook: part xl/media/image1.bin is damaged (Bad CRC-32")
    # a part that is not XML does not end the check: the sheet after it is still counted
    two = _book(tmp_path / "two.xlsx", {"xl/media/image1.bin": b"\x89PNG" * 40, "xl/worksheets/sheet1.xml": _sheet(2)})
    assert _messages(two) == ["a sheet has more than 1 rows, more than a workbook can hold"]
