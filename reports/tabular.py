"""Rows out: the one place that decides how a value looks in CSV, JSON, XLSX and tables.

The rules are the product's output contract: booleans `true`/`false`, dates ISO
`YYYY-MM-DD` (blank when none), counts as integers, lists `;`-separated and sorted.
Every exported CSV/XLSX cell that a spreadsheet would run as a formula (starting
with `=`, `+`, `-`, `@`, tab or carriage return) is neutralised with a leading `'`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("table", "csv", "json", "xlsx")


def cell_text(value: Any) -> str:
    """A value as text for CSV and tables."""
    if type(value) is str:  # the common case first: most cells are text
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(round(value, 3))
    if isinstance(value, (list, tuple, set)):
        return ";".join(sorted(cell_text(v) for v in value if v is not None))
    if isinstance(value, dict):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def neutralise(text: str) -> str:
    """Defuse a cell a spreadsheet would evaluate (CSV/formula injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple, set)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV with `\n` line ends. A row holding a carriage return is quoted whole: with `\n` as
    the terminator the csv module would leave a lone CR unquoted, and a spreadsheet would start
    a new row there (`x\r=1+1` would become a row beginning with a formula)."""
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(cells: list[str]) -> None:
        (quoted if any("\r" in c for c in cells) else plain).writerow(cells)

    write([neutralise(c) for c in columns])
    for row in rows:
        write([neutralise(cell_text(v)) for v in row])
    return buffer.getvalue()


def to_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return json.dumps([{c: json_value(v) for c, v in zip(columns, row)} for row in rows], indent=2, ensure_ascii=False)


def xlsx_value(value: Any) -> Any:
    """Numbers and dates stay typed in Excel; text is neutralised, and a control character
    (which an XLSX file cannot hold) is written as its escape, `\\x01`, never a failure."""
    if value is None or isinstance(value, (bool, int, dt.date)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return neutralise(xlsx_text(cell_text(value)))


def xlsx_text(text: str) -> str:
    return XLSX_ILLEGAL.sub(lambda m: repr(m.group())[1:-1], text) if XLSX_ILLEGAL.search(text) else text


def write_xlsx(path: Path | io.BytesIO, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> None:
    """One formatted sheet per (name, columns, rows): bold header, frozen, sized columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="005EB8")  # NHS blue
    for name, columns, rows in sheets:
        sheet = book.create_sheet(title=_sheet_title(name))
        sheet.append([neutralise(xlsx_text(str(c))) for c in columns])
        for cell in sheet[1]:
            cell.font, cell.fill = header_font, header_fill
        for row in rows:
            sheet.append([xlsx_value(v) for v in row])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(columns, start=1):
            width = max([len(str(column))] + [len(cell_text(r[i - 1])) for r in rows[:500]])
            sheet.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
            for row_cells in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                for cell in row_cells:
                    if isinstance(cell.value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
        if columns:
            sheet.auto_filter.ref = sheet.dimensions
    book.save(path)


def _sheet_title(name: str) -> str:
    cleaned = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)
    return cleaned[:31] or "sheet"


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


def rich_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*(Text(cell_text(v)) for v in row))  # Text: data is never read as markup
    return table


# -- data files: the input format written back, losslessly (`icpmap export --format csv|xlsx`) ----------
#
# A backup is a data file for icpmap, not a report: every value must read back exactly as it
# was stored, so floats keep every digit and nothing is rounded. In the CSV form no cell is
# changed, not even one that starts like a formula: a leading `'` would be read back as part
# of the value (see docs/concepts/data-safety.md). In the XLSX form every text cell is stored as text
# and those that start like a formula are also marked "quote prefix", so a spreadsheet shows
# them as text and never runs them, while the value stays exactly the same.

XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an XLSX file cannot hold
XLSX_MAX_TEXT = 32_767  # characters in one cell
XLSX_MAX_ROWS = 1_048_576  # rows in one sheet, the header included


def data_text(value: Any) -> str:
    """A value as the input format spells it, losslessly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_data_csv(path: Path, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A CSV data file (UTF-8, RFC 4180: CRLF line ends, quoted where needed), every value as
    `data_text` spells it. (CRLF, so that a value holding a lone CR is quoted too.)"""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([data_text(v) for v in row])


def _data_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) < 2**53:
        return value
    if isinstance(value, float) and math.isfinite(value) and float(f"{value:.16g}") == value \
            and not (value == 0 and math.copysign(1.0, value) < 0):
        return value  # openpyxl writes "%.16g": only then is the number exact (and "-0" would read back as 0)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and value >= dt.date(1900, 3, 1):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = data_text(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, never a formula, whatever it starts with
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True  # and a spreadsheet keeps it text when the cell is edited
    return cell


def write_data_xlsx(path: Path | io.BytesIO, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> None:
    """A workbook data file: one sheet per (name, columns, rows), streamed (bounded memory)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, columns, rows in sheets:
        sheet = book.create_sheet(title=_sheet_title(name))
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_data_cell(sheet, v) for v in row])
    book.save(path)
