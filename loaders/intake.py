"""What may reach the loader: files that are what they say, in bounded size, checked cheaply first.

`icpmap load` and `POST /loads` call `load(store, paths)`, which checks every input file
before the loader reads it, then runs the all-or-nothing loader. The checks refuse, with a
message naming the file, what would otherwise cost unbounded memory or time, or end in an
unexplained error:

- a `.csv` that is not text (a NUL byte anywhere: binary junk, or UTF-16 "Unicode text"), or
  whose first lines no CSV reader can split (other control characters are refused cell by
  cell, naming the row: `control.py`);
- a workbook that is not a readable zip, has too many parts or sheets, expands to more than
  `MAX_UNCOMPRESSED` bytes (a zip bomb: the size is counted while decompressing, so a forged
  header does not help), holds more than `MAX_CELLS` cells or `MAX_SHEET_ROWS` rows in a
  sheet (counted in the sheet's XML as it streams), or whose XML is damaged or declares a
  DTD (entity expansion; Excel never writes one).

Which parts are XML is decided by their content, never their names: the spreadsheet library
follows the workbook's relationships to a sheet whatever the part is called, so every part
whose first bytes are XML is checked and its rows and cells counted, and a part in an XML
encoding other than UTF-8 (which Excel never writes, and whose tags the byte counts would
not see) is refused. A part that is not XML cannot be read as a sheet.

The check reads each workbook part once, in 1 MB pieces, through a streaming XML parser with
no handlers; its memory does not grow with the file.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from ..graph.store import Store
from . import LoadError, LoadReport, Progress, load_paths
from .problems import Problem, Problems
from .read import CSV_SUFFIXES, EXCEL_SUFFIXES, GEOJSON_SUFFIXES, decode_name, expand

MAX_SHEETS = 100
MAX_PARTS = 2_000
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # a workbook's parts, decompressed, all together
MAX_CELLS = 2_000_000  # in one workbook: bigger tables load far faster as CSV
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_GEOJSON = 1024 * 1024 * 1024  # a boundary file, read whole: the national LSOA 2021 BGC file is ~150 MB
CHUNK = 1024 * 1024
CSV_HEAD = 65_536

_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
_BOMS_OTHER = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
# Tag starts, with or without a namespace prefix (`<x:row>`): counted, not parsed (fast).
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/")
_TAG_MAX = 8  # longer than any of them


def check_files(paths: Sequence[Path | str]) -> Problems:
    """Every problem found in the input files named by `paths` (folders expanded as the loader does)."""
    problems = Problems()
    for path in expand(paths, Problems()):  # missing paths are the loader's to report
        suffix = path.suffix.lower()
        if suffix in EXCEL_SUFFIXES:
            check_workbook(path, problems)
        elif suffix in CSV_SUFFIXES:
            check_csv(path, problems)
        elif suffix in GEOJSON_SUFFIXES:
            check_geojson(path, problems)
    return problems


def check_geojson(path: Path, problems: Problems) -> None:
    """A boundary file is read whole (json): bounded in size, and JSON text at all."""
    display = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(CSV_HEAD)
    except OSError as exc:
        problems.add(display, None, None, None, f"cannot read the file: {exc.strerror or exc}")
        return
    if size > MAX_GEOJSON:
        problems.add(display, None, None, None,
                     f"the boundary file is {size / 1024 ** 2:,.0f} MB; icpmap reads GeoJSON files of at most "
                     f"{MAX_GEOJSON // 1024 ** 2:,} MB (download the generalised edition, BGC or BUC, which the "
                     "map simplifies further anyway)")
    elif b"\x00" in head or not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        problems.add(display, None, None, None, "not a GeoJSON file: it does not start with a JSON object")


def load(store: Store, paths: Sequence[Path | str], *, progress: Progress | None = None,
         ics: str | None = None) -> LoadReport:
    """`load_paths` after `check_files`: raises `LoadError` (nothing written) when either finds a problem.

    A workbook can be a well-formed zip of well-formed XML and still be damaged (a cell
    reference `E`, an attribute renamed): the spreadsheet library then fails while the loader
    reads the sheet, before anything is written. That failure becomes a problem naming the
    workbook and sheet, like any other unreadable file."""
    problems = check_files(paths)
    problems.raise_if_any()
    try:
        return load_paths(store, paths, progress=progress, ics=ics)
    except Exception as exc:
        where = _workbook_being_read(exc)
        if where is None:
            raise
        raise LoadError([Problem(where, None, None, None, "not a readable Excel workbook: the sheet is damaged "
                                 f"({type(exc).__name__}: {str(exc)[:200]})")]) from None


def _workbook_being_read(exc: BaseException) -> str | None:
    """The workbook (and sheet) the loader's workbook reader was reading when `exc` was raised in it."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "_read_workbook" and Path(code.co_filename).parent.name == "loaders":
            found = tb.tb_frame.f_locals
            name = str(getattr(found.get("source"), "display", "") or "the workbook")
            sheet = getattr(found.get("sheet"), "title", None)
            return f"{name} [{sheet}]" if sheet else name
        tb = tb.tb_next
    return None


def check_csv(path: Path, problems: Problems) -> None:
    display = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(CSV_HEAD)
            nul = b"\x00" in head or _has_nul(handle)  # anywhere in the file, not only its start
    except OSError as exc:
        problems.add(display, None, None, None, f"cannot read the file: {exc.strerror or exc}")
        return
    if nul:
        problems.add(display, None, None, None,
                     "is not a CSV text file: it holds NUL bytes (a binary file, or text saved as UTF-16 "
                     "\"Unicode text\"); save it as \"CSV UTF-8\"")
        return
    text = head.decode(decode_name(head), errors="replace")
    if len(head) == CSV_HEAD:  # cut at a line end, not inside a record
        text = text[: max(text.rfind("\n"), 0)]
    try:
        for _ in csv.reader(io.StringIO(text)):
            pass
    except csv.Error as exc:
        problems.add(display, None, None, None, f"not a readable CSV file: {exc}")


def _has_nul(handle: BinaryIO) -> bool:
    while chunk := handle.read(CHUNK):
        if b"\x00" in chunk:
            return True
    return False


def check_workbook(path: Path, problems: Problems) -> None:
    display = str(path)

    def refuse(message: str) -> None:
        problems.add(display, None, None, None, message)

    try:
        book = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        refuse("not a readable Excel workbook (.xlsx): the file is not a zip archive, so it is damaged or "
               "not a workbook")
        return
    except OSError as exc:
        refuse(f"cannot read the file: {exc.strerror or exc}")
        return
    with book:
        parts = book.infolist()
        if len(parts) > MAX_PARTS:
            refuse(f"the workbook has {len(parts):,} parts; icpmap reads workbooks of at most {MAX_PARTS:,}")
            return
        sheets = [p for p in parts if _SHEET.match(p.filename)]
        if len(sheets) > MAX_SHEETS:
            refuse(f"the workbook has {len(sheets):,} sheets; icpmap reads at most {MAX_SHEETS} "
                   "(one per input file, and a few notes)")
            return
        if sum(p.file_size for p in parts) > MAX_UNCOMPRESSED:  # as declared; counted for real below
            refuse(_too_big())
            return
        total = cells = 0
        for part in parts:
            parser: expat.XMLParserType | None = None
            is_sheet = False
            first = True
            rows = 0
            tail = b""
            try:
                with book.open(part) as stream:
                    while True:
                        chunk = stream.read(CHUNK)
                        total += len(chunk)
                        if total > MAX_UNCOMPRESSED:
                            refuse(_too_big())
                            return
                        if first:  # what the part is, from its content: its name decides nothing
                            first = False
                            kind = _xml_kind(chunk)
                            if kind == "other-encoding":
                                refuse(f"not a readable Excel workbook: part {part.filename} is XML in an "
                                       "encoding other than UTF-8, which Excel never writes")
                                return
                            is_sheet = kind == "xml"
                            parser = _xml_parser() if is_sheet else None
                        if parser is not None:
                            parser.Parse(chunk, not chunk)
                        if not is_sheet:
                            if not chunk:
                                break
                            continue
                        buffer = tail + chunk  # a tag cut by the chunk boundary is counted once, whole
                        cut = max(0, len(buffer) - _TAG_MAX) if chunk else len(buffer)
                        rows += sum(buffer.count(t, 0, cut + len(t) - 1) for t in _ROW_TAGS)  # those starting
                        cells += sum(buffer.count(t, 0, cut + len(t) - 1) for t in _CELL_TAGS)  # before `cut`
                        tail = buffer[cut:]
                        last = not chunk
                        if rows > MAX_SHEET_ROWS:
                            refuse(f"a sheet has more than {MAX_SHEET_ROWS:,} rows, more than a workbook can hold")
                            return
                        if cells > MAX_CELLS:
                            refuse(f"the workbook has more than {MAX_CELLS:,} cells; save big tables as CSV "
                                   "files, which load much faster")
                            return
                        if last:
                            break
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
                refuse(f"not a readable Excel workbook: part {part.filename} is damaged ({exc})")
                return
            except expat.ExpatError as exc:
                refuse(f"not a readable Excel workbook: part {part.filename} is damaged "
                       f"({expat.ErrorString(exc.code)} at line {exc.lineno}, column {exc.offset})")
                return
            except _Doctype:
                refuse(f"not a readable Excel workbook: part {part.filename} declares a DTD, which a workbook "
                       "never has")
                return


class _Doctype(Exception):
    pass


def _xml_kind(head: bytes) -> str:
    """`xml` (UTF-8), `other-encoding` (UTF-16/32: a BOM, or NULs around the first `<`), or `binary`."""
    if head.startswith(_BOMS_OTHER) or (b"\x00" in head[:4] and b"<" in head[:4]):
        return "other-encoding"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not text.startswith(b"<"):
        return "binary"
    declared = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)", text[:200])
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return "other-encoding"
    return "xml"


def _xml_parser() -> expat.XMLParserType:
    """A well-formedness check that keeps nothing: no handlers, and a DTD (entities) is refused.

    Read as UTF-8 whatever the document declares (`_xml_kind` has refused any other)."""
    parser = expat.ParserCreate("UTF-8")

    def doctype(*_: object) -> None:
        raise _Doctype

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


def _too_big() -> str:
    return (f"the workbook expands to more than {MAX_UNCOMPRESSED // (1024 * 1024)} MB when unzipped; "
            "save big tables as CSV files")


__all__ = ["MAX_CELLS", "MAX_SHEETS", "MAX_UNCOMPRESSED", "LoadError", "check_files", "load"]
