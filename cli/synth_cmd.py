"""`icpmap synth`: write deterministic synthetic input files at Place, region or England scale."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from ..synth import FORMATS, NHS_FILE, SCALE_NAMES
from .app import Table, app, console, fail


@app.command("synth")
def synth(
    scale: str = typer.Option("england", "--scale", help=f"How much to make: {', '.join(SCALE_NAMES)}."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the files into (created if needed)."),
    seed: int = typer.Option(0, "--seed", min=0, help="The same seed gives byte-identical files."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv (a file per input), or xlsx (one workbook; place and region only)."),
    nhs_format: bool = typer.Option(
        False, "--nhs-format",
        help=f"Write the registrations as NHS Digital publishes them ({NHS_FILE}.csv, with placeholder "
             "LSOA codes such as NO2011) instead of registrations.csv.",
    ),
) -> None:
    """Write synthetic, invented data in the input format, with gaps for every report to find."""
    from ..synth import generate

    scale = scale.strip().lower()
    fmt = fmt.strip().lower()
    if scale not in SCALE_NAMES:
        fail(f"Unknown scale {scale!r}; use one of {', '.join(SCALE_NAMES)}.")
    if fmt not in FORMATS:
        fail(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if out.exists() and not out.is_dir():
        fail(f"{out} exists and is not a folder.")
    started = time.perf_counter()
    try:
        rows = generate(out, scale, seed, fmt=fmt, nhs_format=nhs_format)
    except ValueError as exc:
        fail(str(exc))
    took = time.perf_counter() - started
    where = out / "icpmap-synth.xlsx" if fmt == "xlsx" else out
    table = Table("file", "rows", title=f"synth: {scale}, seed {seed}", title_justify="left")
    table.columns[1].justify = "right"
    for name, n in rows.items():
        table.add_row(f"{name}.csv" if fmt == "csv" else name, f"{n:,}")
    table.add_row("total", f"{sum(rows.values()):,}", style="bold")
    console.print(table)
    console.print(f"Wrote {where} in {took:.1f} s.", highlight=False)
