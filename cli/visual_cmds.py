"""Diagrams, charts and exports: `icpmap visualise`, `icpmap chart`, `icpmap export`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from .app import Text, app, console, fail, state

DEFAULT_OUT = Path("icpmap-demo")  # where `icpmap demo` writes by default
SCOPE_LABELS = {"place": "Place", "ics": "ICS", "board": "Board", "pcn": "PCN"}


def _scope(place: str | None, board: str | None, pcn: str | None, ics: str | None) -> dict[str, str]:
    given = {k: v for k, v in {"place": place, "board": board, "pcn": pcn, "ics": ics}.items() if v}
    if len(given) != 1:
        fail("Give exactly one of --place, --board, --pcn or --ics.")
    return given


def _date(value: str | None, flag: str = "--as-at") -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{flag} must be a date as YYYY-MM-DD; got {value!r}.")


PLACE = typer.Option(None, "--place", help="A Place's ONS code, e.g. E08000014.")
BOARD = typer.Option(None, "--board", help="A board's code.")
PCN = typer.Option(None, "--pcn", help="A PCN's ODS code.")
ICS = typer.Option(None, "--ics", help="An ICS code: the whole system.")
AS_AT = typer.Option(None, "--as-at", help="Memberships and roles current on this date, YYYY-MM-DD (default: today).")
PRACTICES = typer.Option(None, "--practices/--no-practices",
                         help="Show each PCN's GP practices (default: only in a --pcn diagram).")
HISTORY = typer.Option(True, "--history/--no-history",
                       help="A time slider: the partnership on every date where something changed (default: on).")


@app.command("visualise")
def visualise(
    place: str = PLACE,
    board: str = BOARD,
    pcn: str = PCN,
    ics: str = ICS,
    output: Path = typer.Option(None, "--output", "-o", help="HTML file to write (default: icpmap-demo/diagrams/SCOPE-NAME-CODE.html)."),
    as_at: str = AS_AT,
    practices: bool = PRACTICES,
    history: bool = HISTORY,
) -> None:
    """Draw a Place, board, PCN or whole ICS as one self-contained HTML page that works offline."""
    from ..visualise.graph import build_graph
    from ..visualise.names import file_name
    from ..visualise.page import write_html

    scope = _scope(place, board, pcn, ics)
    (kind, code), = scope.items()
    with state.store(read_only=True) as store:
        graph = build_graph(store, as_at=_date(as_at), practices=practices, history=history, **scope)
    subject = graph.nodes.get(f"{SCOPE_LABELS[kind]}:{code}")
    path = output or DEFAULT_OUT / "diagrams" / file_name(kind, code, subject.label if subject else None, "html")
    write_html(graph, path)
    console.print(Text(f"Wrote {graph.title}: {len(graph.nodes)} nodes, {len(graph.edges)} links to {path}"))


@app.command("visualize", hidden=True)
def visualize(
    place: str = PLACE, board: str = BOARD, pcn: str = PCN, ics: str = ICS,
    output: Path = typer.Option(None, "--output", "-o"), as_at: str = AS_AT, practices: bool = PRACTICES,
    history: bool = HISTORY,
) -> None:
    """Same as `icpmap visualise`."""
    visualise(place, board, pcn, ics, output, as_at, practices, history)


@app.command("chart")
def chart(
    name: str = typer.Argument(..., help="breadth, coterminosity, assurance or progress."),
    output: Path = typer.Option(None, "--output", "-o", help=".png or .svg file (default: icpmap-demo/charts/NAME.png)."),
    place: list[str] = typer.Option(None, "--place", help="Only these Places (repeat for several)."),
    ics: str = typer.Option(None, "--ics", help="Only the Places of this ICS."),
    as_at: str = AS_AT,
    level: str = typer.Option(None, "--level", help="coterminosity: place or neighbourhood footprints."),
    by: str = typer.Option(None, "--by", help="coterminosity: patients or practices."),
    threshold: float = typer.Option(None, "--threshold", help="coterminosity: share needed, e.g. 0.95."),
    every: str = typer.Option(None, "--every", help="progress: month or quarter (default: quarter)."),
    from_date: str = typer.Option(None, "--from", help="progress: the first day, YYYY-MM-DD (default: a year before --to)."),
    to_date: str = typer.Option(None, "--to", help="progress: the last day, YYYY-MM-DD (default: --as-at, else today)."),
) -> None:
    """Write a static chart (PNG or SVG): breadth by sector, PCN coterminosity, the assurance matrix, or
    progress over time (one line per Place)."""
    from ..visualise.charts import CHARTS, write_chart

    key = name.strip().lower()
    if key not in CHARTS:
        fail(f"No chart named {name!r}; charts: {', '.join(CHARTS)}.")
    extra = {"level": level, "by": by, "threshold": threshold}
    if key != "coterminosity" and any(v is not None for v in extra.values()):
        fail("--level, --by and --threshold apply to the coterminosity chart only.")
    over_time = {"every": every, "from_date": _date(from_date, "--from"), "to_date": _date(to_date, "--to")}
    if key != "progress" and any(v is not None for v in over_time.values()):
        fail("--every, --from and --to apply to the progress chart only.")
    if every is not None and every.strip().lower() not in ("month", "quarter"):
        fail(f"--every must be month or quarter; got {every!r}.")
    path = output or DEFAULT_OUT / "charts" / f"{key}.png"
    with state.store(read_only=True) as store:
        options = {"places": place or None, "ics": ics, "as_at": _date(as_at)}
        if key == "coterminosity":
            options.update(extra)
        if key == "progress":
            options.update(over_time, every=every.strip().lower() if every else None)
        write_chart(store, key, path, **options)
    console.print(Text(f"Wrote the {key} chart to {path}"))


DATA_FORMATS = ("csv", "xlsx")


@app.command("export")
def export(
    target: Path = typer.Argument(None, metavar="[TARGET]",
                                  help="Where to write: a folder (csv) or a .xlsx file for the whole graph, "
                                       "or a .graphml/.gexf/.json file for a subgraph."),
    output: Path = typer.Option(None, "--output", "-o", help="Same as TARGET."),
    fmt: str = typer.Option(None, "--format", "-f",
                            help="csv or xlsx: the whole graph in the input format (a backup that `icpmap load` "
                                 "reads back into an identical graph); graphml, gexf or json: a subgraph for Gephi, "
                                 "yEd or code. Default: from TARGET's extension, else csv."),
    place: str = PLACE,
    board: str = BOARD,
    pcn: str = PCN,
    ics: str = ICS,
    as_at: str = AS_AT,
    practices: bool = PRACTICES,
) -> None:
    """Export the whole graph as input files (csv, xlsx), or a Place, board, PCN or ICS subgraph (gexf, graphml, json)."""
    from ..visualise.export import FORMATS

    if target is not None and output is not None and target != output:
        fail("Give TARGET or --output, not both.")
    path = target or output
    if path is None:
        fail("Give a folder or file to write, e.g. `icpmap export backup/` or `icpmap export -o place.gexf --place E08000014`.")
    suffix = path.suffix.lstrip(".").lower()
    chosen = (fmt or ("xlsx" if suffix == "xlsx" else suffix if suffix in FORMATS else "csv")).lower()
    if chosen in DATA_FORMATS:
        if any(v is not None for v in (place, board, pcn, ics, as_at, practices)):
            fail("--format csv and xlsx write the whole graph; --place, --board, --pcn, --ics, --as-at and "
                 "--practices are for graphml, gexf and json.")
        from ..loaders.export import export as export_input

        with state.store(read_only=True) as store:
            report = export_input(store, path, chosen)
        console.print(Text(f"Wrote {report.nodes} nodes and {report.relationships} relationships as {chosen} "
                           f"to {report.target} in {report.seconds:.1f}s (checksum {report.checksum[:16]}). "
                           "`icpmap load` of it into an empty store gives the same graph."))
        return
    if chosen not in FORMATS:
        fail(f"--format must be one of {', '.join((*DATA_FORMATS, *FORMATS))}.")
    from ..visualise.export import export_graph
    from ..visualise.graph import build_graph

    scope = _scope(place, board, pcn, ics)
    with state.store(read_only=True) as store:
        graph = build_graph(store, as_at=_date(as_at), practices=practices, **scope)
    export_graph(graph, path, chosen)
    console.print(Text(f"Wrote {len(graph.nodes)} nodes and {len(graph.edges)} links as {chosen} to {path}"))
