"""`icpmap load PATH...`: load folders, workbooks and single files, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .app import Table, Text, app, console, err_console, state, store_label

if TYPE_CHECKING:
    from ..loaders import LoadReport


def summary(report: LoadReport) -> Any:
    table = Table(title="Loaded", title_justify="left")
    table.add_column("table")
    for name in ("rows read", "created", "updated", "unchanged", "deleted"):
        table.add_column(name, justify="right")
    for t in report.tables:
        table.add_row(t.name, *(str(v) for v in (t.rows_read, t.created, t.updated, t.unchanged, t.deleted)))
    return table


def files_table(report: LoadReport) -> Any:
    table = Table(title="Files", title_justify="left")
    table.add_column("file")
    table.add_column("read as")
    table.add_column("rows", justify="right")
    if report.ics:
        table.add_column(f"not {report.ics}", justify="right")
    table.add_column("sha256")
    for f in report.files:
        left_out = [str(f.left_out)] if report.ics else []
        table.add_row(Text(f.path), f.format, str(f.rows_read), *left_out, f.sha256[:16])
    return table


def located_line(report: LoadReport) -> str | None:
    """How the practices the load concerned are located, in one sentence."""
    n = report.located
    if not n or not n.get("practices"):
        return None
    from ..loaders.locate import REASONS

    share = 1 - n["not_located"] / n["practices"]
    text = (f"Practices located in a Place: {n['practices'] - n['not_located']:,} of {n['practices']:,} ({share:.1%}): "
            f"{n['postcode']:,} by postcode, {n['sub_icb']:,} by Sub-ICB location, {n['contract']:,} by practices.csv "
            f"place_code; not located: {n['not_located']:,}")
    why = [f"{n[key]:,} {reason}" for key, reason in REASONS.items() if n.get(key)]
    return text + (f" ({'; '.join(why)})." if why else ".")


def notes(report: LoadReport) -> list[str]:
    out = []
    if report.ics:
        kept = report.rows_read - report.left_out
        out.append(f"--ics {report.ics}: kept {kept:,} rows of the files read; left out {report.left_out:,} rows "
                   f"of national files that are not {report.ics}'s.")
    if report.skipped:
        kinds: dict[str, int] = {}
        for path in report.skipped:
            suffix = Path(path).suffix.lower() or Path(path).name
            kinds[suffix] = kinds.get(suffix, 0) + 1
        listed = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        out.append(f"Not read: {len(report.skipped)} file(s) in the folders given that are not CSV, Excel or "
                   f"GeoJSON: {listed}.")
    line = located_line(report)
    if line:
        out.append(line)
    n = report.points
    if n and sum(n.values()):
        out.append(f"Practice points (for maps): {n['contract']:,} from practices.csv, {n['geocoded']:,} from a "
                   f"geocoded file, {n['postcode']:,} from their postcode; {n['none']:,} without a point.")
    return out


@app.command("load")
def load(
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Folders of CSV files, .xlsx workbooks or single files, in any order."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only problems and a one-line result."),
    ics: str = typer.Option(None, "--ics", help="Keep from national NHS/ONS files only this ICS's rows (its ODS "
                                                "code, e.g. QYG); the partnership's own files are loaded whole."),
) -> None:
    """Load the partnership's files and NHS/ONS files as published. Nothing is written if any row is wrong.

    Every load, refused or not, is recorded in the load audit (`icpmap loads`) with the files'
    SHA-256, the counts and the local user's name."""
    from ..loaders import LoadError, intake
    from ..safety import audit

    with state.store() as store:
        trail = audit.default_path(store.location)
        try:
            # quiet: no progress bar, and rich's progress module is not even imported
            report = intake.load(store, paths, ics=ics) if quiet else _load_showing_progress(store, paths, ics)
        except LoadError as exc:
            audit.record_load(trail, paths, error=exc)
            err_console.print(Text(f"Nothing was loaded: {exc.total} problem{'s' if exc.total != 1 else ''}.", style="bold red"))
            for p in exc.problems:
                err_console.print(Text("  " + str(p)), soft_wrap=True)
            if exc.total > len(exc.problems):
                err_console.print(Text(f"  ... and {exc.total - len(exc.problems)} more."))
            raise typer.Exit(1) from None
        audit.record_load(trail, paths, report=report)
        label = store_label(store)
    if not quiet:
        console.print(files_table(report))
        console.print(summary(report))
        for line in notes(report):
            console.print(Text(line))
    verdict = "no changes (already loaded)" if not report.changed else (
        f"{report.created} created, {report.updated} updated, {report.deleted} removed"
    )
    console.print(Text(f"Loaded {len(report.files)} file(s) into {label} in {report.seconds:.1f}s: {verdict}."))


def _load_showing_progress(store: Any, paths: list[Path], ics: str | None) -> LoadReport:
    """`intake.load` with a transient progress bar on stderr."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..loaders import intake

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=err_console.rich, transient=True,
    ) as bar:
        task = bar.add_task("Reading files", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        return intake.load(store, paths, progress=progress, ics=ics)
