"""The report pack: every report as CSV, and all of them in one workbook."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..graph.store import Store
from . import tabular
from .registry import run_all
from .settings import ReportSettings

PACK_NAME = "report-pack.xlsx"


def write_report_pack(
    store: Store,
    out_dir: str | os.PathLike[str],
    as_at: dt.date | str | None = None,
    *,
    place: str | None = None,
    settings: ReportSettings | None = None,
) -> list[Path]:
    """Write `<report>.csv` for every report and `report-pack.xlsx` (one sheet each) into `out_dir`.

    Returns the paths written, the workbook last.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    results = list(run_all(store, settings=settings, as_at=as_at, place=place))
    paths = []
    for result in results:
        path = folder / f"{result.name}.csv"
        path.write_text(tabular.to_csv(result.columns, result.rows), encoding="utf-8", newline="")
        paths.append(path)
    book = folder / PACK_NAME
    tabular.write_xlsx(book, [(r.name, r.columns, r.rows) for r in results])
    paths.append(book)
    return paths


def write_recent_changes(store: Store, out_dir: str | os.PathLike[str], *, place: str | None = None,
                         settings: ReportSettings | None = None) -> list[Path]:
    """`changes-last-year.csv` and `.xlsx`: what changed in the year to the latest dated change on or
    before today (the last year of the data; today's year when something changed today)."""
    from .changes import latest_change, year_to
    from .registry import run_report

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    latest = latest_change(store, place) or dt.date.today()
    since, until = year_to(latest)
    result = run_report(store, "changes", settings=settings, place=place, from_date=since, to_date=until)
    csv_path = folder / "changes-last-year.csv"
    csv_path.write_text(tabular.to_csv(result.columns, result.rows), encoding="utf-8", newline="")
    book = folder / "changes-last-year.xlsx"
    tabular.write_xlsx(book, [(f"changes {since.isoformat()} to {until.isoformat()}"[:31], result.columns, result.rows)])
    return [csv_path, book]


__all__ = ["PACK_NAME", "write_recent_changes", "write_report_pack"]
