"""Write a result in the format the user asked for, to the terminal or a file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..reports import tabular
from .app import console, fail


def emit(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str = "table",
    output: Path | None = None,
    title: str | None = None,
) -> None:
    if fmt not in tabular.FORMATS:
        fail(f"Unknown format {fmt!r}; use one of {', '.join(tabular.FORMATS)}.")
    if fmt == "xlsx":
        if output is None:
            fail("--format xlsx needs --output FILE.xlsx.")
        tabular.write_xlsx(output, [(title or "result", columns, rows)])
        console.print(f"Wrote {len(rows)} rows to {output}", highlight=False)
        return
    if fmt == "table":
        if output is not None:
            fmt = "csv"
        else:
            console.print(tabular.rich_table(columns, rows, title))
            console.print(f"{len(rows)} rows", style="dim")
            return
    text = tabular.to_csv(columns, rows) if fmt == "csv" else tabular.to_json(columns, rows) + "\n"
    if output is not None:
        output.write_text(text, encoding="utf-8", newline="")
        console.print(f"Wrote {len(rows)} rows to {output}", highlight=False)
    else:
        print(text, end="")
