"""A workbook is checked part by part whatever its parts are called (openpyxl follows the
relationships to a sheet of any name): cell limits, DTD refusal, and UTF-8 only."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from icpmap.loaders import intake

NS = "http://schemas.openxmlformats.org"
SHEET_HEAD = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}/spreadsheetml/2006/main">'
              "<sheetData>").encode()


def renamed_sheet_workbook(path: Path, sheet_name: str, sheet_xml: bytes) -> Path:
    """A workbook whose one sheet lives at `sheet_name` (not xl/worksheets/*.xml)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{NS}/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/>'
                   f'<Override PartName="/{sheet_name}" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{NS}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{NS}/spreadsheetml/2006/main" '
                   f'xmlns:r="{NS}/officeDocument/2006/relationships"><sheets>'
                   '<sheet name="organisations" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{NS}/package/2006/'
                   f'relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/worksheet" '
                   f'Target="/{sheet_name}"/></Relationships>')
        z.writestr(sheet_name, sheet_xml)
    return path


def _rows(n: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>X%d</t></is></c></row>' % (i + 1, i + 1, i)
                    for i in range(n))


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.bin", "data/cells", "xl/worksheets/sheet1.XML.txt"])
def test_the_cell_limit_holds_whatever_the_sheet_is_called(tmp_path: Path, monkeypatch, name: str) -> None:
    book = renamed_sheet_workbook(tmp_path / "renamed.xlsx", name, SHEET_HEAD + _rows(50) + b"</sheetData></worksheet>")
    assert len(list(openpyxl.load_workbook(book, read_only=True)["organisations"].iter_rows())) == 50  # it is read
    monkeypatch.setattr(intake, "MAX_CELLS", 49)
    problems = intake.check_files([book])
    assert problems and "more than 49 cells" in problems.items[0].message


def test_a_dtd_is_refused_whatever_the_part_is_called(tmp_path: Path) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet><sheetData>'
              b"<row><c><v>&a;</v></c></row></sheetData></worksheet>")
    book = renamed_sheet_workbook(tmp_path / "dtd.xlsx", "misc/blob.dat", laughs)
    assert "declares a DTD" in intake.check_files([book]).items[0].message


@pytest.mark.parametrize("encode", [lambda t: t.decode().encode("utf-16"),
                                    lambda t: t.replace(b"UTF-8", b"ISO-8859-1")])
def test_xml_in_another_encoding_is_refused(tmp_path: Path, encode) -> None:  # type: ignore[no-untyped-def]
    xml = encode(SHEET_HEAD + _rows(3) + b"</sheetData></worksheet>")
    book = renamed_sheet_workbook(tmp_path / "enc.xlsx", "xl/worksheets/sheet1.xml", xml)
    assert "encoding other than UTF-8" in intake.check_files([book]).items[0].message


def test_a_normal_workbook_with_an_image_passes(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "organisations"
    sheet.append(["code", "name"])
    sheet.append(["A", "B"])
    book.save(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(tmp_path / "ok.xlsx", "a") as z:
        z.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    assert not intake.check_files([tmp_path / "ok.xlsx"])
