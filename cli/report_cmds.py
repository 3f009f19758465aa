"""`icpmap report NAME` (one report, or `all`) and `icpmap reports` (the list)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..reports import tabular
from .app import Table, Text, app, console, fail, state
from .output import emit

if TYPE_CHECKING:
    from ..reports import ReportResult


@app.command("report")
def report(
    name: str = typer.Argument(..., metavar="NAME", help="A report from `icpmap reports`, or `all`."),
    place: str = typer.Option(None, "--place", help="A Place's ONS code (default: every Place)."),
    ics: str = typer.Option(None, "--ics", help="An ICS's ODS code, e.g. QYG: only its Places (default: every ICS)."),
    as_at: str = typer.Option(None, "--as-at", help="As-at date YYYY-MM-DD: what is current then (default: today)."),
    by: str = typer.Option(None, "--by", help="coterminosity: practices or patients."),
    level: str = typer.Option(None, "--level", help="coterminosity: place or neighbourhood."),
    threshold: str = typer.Option(None, "--threshold", help="coterminosity: share needed, e.g. 0.95."),
    view: str = typer.Option(None, "--view", help="coterminosity: pcns or neighbourhoods."),
    from_date: str = typer.Option(None, "--from", help="changes, progress: the first day, YYYY-MM-DD."),
    to_date: str = typer.Option(None, "--to", help="changes, progress: the last day, YYYY-MM-DD (default: today)."),
    every: str = typer.Option(None, "--every", help="progress: month or quarter."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or xlsx (xlsx needs --output)."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file (a folder for `all --format csv`)."),
) -> None:
    """Run a report. `icpmap report all --format xlsx --output pack.xlsx` writes every report into one workbook."""
    fmt = (fmt or "table").strip().lower()
    if fmt not in tabular.FORMATS:
        fail(f"Unknown format {fmt!r}; use one of {', '.join(tabular.FORMATS)}.")
    options: dict[str, Any] = {
        "place": place, "ics": ics, "as_at": as_at, "by": by, "level": level, "threshold": threshold, "view": view,
        "from_date": from_date, "to_date": to_date, "every": every,
    }
    if name.strip().lower() == "all":
        _report_all(options, fmt, output)
        return
    from ..reports import get_report, run_report

    get_report(name)  # an unknown name fails before the store is opened
    with state.store(read_only=True) as store:
        result = run_report(store, name, **options)
    emit(result.columns, result.rows, fmt, output, title=result.name)


def _report_all(options: dict[str, Any], fmt: str, output: Path | None) -> None:
    from ..reports import REPORTS, run_all

    specific = sorted(k for k, v in options.items() if v is not None and k not in ("place", "ics", "as_at"))
    for key in specific:  # check report-specific options against the report that takes them
        if not any(r.option(key) for r in REPORTS.values()):
            fail(f"No report takes --{key.replace('_', '-')}.")
    if options.get("to_date") is not None and options.get("as_at") is not None:
        fail("`report all` takes --as-at or --to (the reports over a window end on the as-at date), not both.")
    if fmt == "xlsx" and output is None:
        fail("`report all --format xlsx` needs --output FILE.xlsx.")
    if fmt == "csv" and output is None:
        fail("`report all --format csv` needs --output FOLDER (one CSV per report).")
    with state.store(read_only=True) as store:
        results = list(run_all(store, **{k: v for k, v in options.items() if v is not None}))
    _emit_all(results, fmt, output)


def _emit_all(results: list[ReportResult], fmt: str, output: Path | None) -> None:
    if fmt == "xlsx":
        assert output is not None
        tabular.write_xlsx(output, [(r.name, r.columns, r.rows) for r in results])
        console.print(f"Wrote {len(results)} reports to {output}", highlight=False)
    elif fmt == "csv":
        assert output is not None
        output.mkdir(parents=True, exist_ok=True)
        for r in results:
            (output / f"{r.name}.csv").write_text(tabular.to_csv(r.columns, r.rows), encoding="utf-8", newline="")
        console.print(f"Wrote {len(results)} CSV files to {output}", highlight=False)
    elif fmt == "json":
        text = "{\n" + ",\n".join(
            f"{json.dumps(r.name)}: {tabular.to_json(r.columns, r.rows)}" for r in results
        ) + "\n}\n"
        if output is not None:
            output.write_text(text, encoding="utf-8")
            console.print(f"Wrote {len(results)} reports to {output}", highlight=False)
        else:
            print(text, end="")
    else:
        if output is not None:
            fail("`report all` writes a file as --format xlsx, csv (a folder) or json.")
        for r in results:
            emit(r.columns, r.rows, "table", None, title=r.name)


@app.command("reports")
def list_reports() -> None:
    """List the reports with their options."""
    from ..reports import REPORTS

    table = Table("name", "options", "description", title="Reports")
    for r in REPORTS.values():
        flags = " ".join(o.flag for o in r.options)
        table.add_row(Text(r.name), Text(flags), Text(r.description))
    console.print(table)
    console.print(
        "Run one with: icpmap report NAME [--place CODE] [--ics CODE] [--as-at YYYY-MM-DD] [--format table|csv|json|xlsx]; "
        "what changed: icpmap report changes --from YYYY-MM-DD [--to YYYY-MM-DD]; "
        "all into one workbook: icpmap report all --format xlsx --output pack.xlsx",
        style="dim", highlight=False,
    )
