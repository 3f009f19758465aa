"""`icpmap profile`: a board paper, as Word or PDF (a Place profile, or an ICS pack)."""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from pathlib import Path

import typer

from .app import Text, app, console, fail, state


def _day(value: str | None, flag: str) -> dt.date | None:
    if not value:
        return None
    text = value.strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            pass
    fail(f"{flag} must be a date as YYYY-MM-DD (or DD/MM/YYYY); got {value!r}.")


@app.command("profile")
def profile(
    place: str = typer.Option(None, "--place", help="A Place's ONS code, e.g. E08000012: its partnership profile."),
    ics: str = typer.Option(None, "--ics", help="An ICS's ODS code, e.g. QYG: the pack of all its Places."),
    output: Path = typer.Option(..., "--output", "-o", help="The file to write: .docx (Word) or .pdf."),
    as_at: str = typer.Option(None, "--as-at", help="As-at date YYYY-MM-DD: what is current then (default: today)."),
    since: str = typer.Option(None, "--since", help="Compare with this date (YYYY-MM-DD): the headline figures' "
                                                    "change and what changed since (the changes report)."),
    names: bool = typer.Option(True, "--names/--no-names",
                               help="Name people (the place lead); --no-names shows them by id, for wider circulation."),
) -> None:
    """Write a board paper: a Place partnership profile (--place) or an ICS pack (--ics), as Word or PDF.

    Built from the same reports as `icpmap report`, with the partnership diagram, the map, charts
    and the data sources of the load audit; with --since, what changed since then."""
    from ..papers import format_of

    if (place is None) == (ics is None):
        fail("Give --place CODE (a Place profile) or --ics CODE (the ICS pack), not both.")
    format_of(output)  # a wrong extension fails before the store is opened
    when, before = _day(as_at, "--as-at"), _day(since, "--since")
    if when and before and before > when:
        fail(f"--since ({before}) is after the as-at date ({when}).")
    from ..papers import compose, prepare, write, writer
    from ..papers.painter import Painter

    started = time.perf_counter()
    cores = os.cpu_count() or 1
    # the painter's processes import the drawing libraries while the store is read, then draw
    # while this process imports the writer: a Place's pictures in one, an ICS pack's in up to 4
    with Painter(workers=0 if cores < 2 else 1 if place else min(4, cores)) as painter:
        with state.store(read_only=True) as store:
            prepared = prepare(store, place=place, ics=ics, as_at=when, since=before, names=names, painter=painter)
        drawing = painter.draw(prepared)
        writer(format_of(output))  # imported meanwhile
        doc = compose(prepared, drawn=drawing.result())
    path = write(doc, output)
    console.print(Text(f"Wrote {doc.title} ({len(doc.figures())} pictures) to {path} "
                       f"in {time.perf_counter() - started:.1f}s"))
    # the process ends now: its objects are left out of the garbage collector's passes at exit
    # (the PDF library's font tables made those passes take longer than writing the PDF)
    gc.freeze()
