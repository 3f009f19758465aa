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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("table", "csv", "json", "xlsx")


def cell_text(value: Any) -> str:
    """A value as text for CSV and tables."""
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(cell_text(v)) for v in row])
    return buffer.getvalue()


def to_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return json.dumps([{c: json_value(v) for c, v in zip(columns, row)} for row in rows], indent=2, ensure_ascii=False)


def xlsx_value(value: Any) -> Any:
    """Numbers and dates stay typed in Excel; text is neutralised."""
    if value is None or isinstance(value, (bool, int, dt.date)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return neutralise(cell_text(value))


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
        sheet.append([neutralise(c) for c in columns])
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
