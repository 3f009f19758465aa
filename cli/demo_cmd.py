"""`icpmap demo`: load the bundled sample, write everything the product can produce, and say
where to look: `index.html` links every file, and the summary gives the headline findings and
three next steps."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .app import Text, app, console, state, store_label

if TYPE_CHECKING:
    from ..graph import Store

# Producers beyond the query library, each `(store, out_dir) -> list[Path]`, found by
# import path so the demo grows as the product does.
PRODUCERS: tuple[tuple[str, str, str, str], ...] = (
    ("reports", "reports", "icpmap.reports", "write_report_pack"),
    ("changes in the last year", "reports", "icpmap.reports", "write_recent_changes"),
    ("diagrams, maps and charts", "", "icpmap.visualise", "write_all"),
    ("board papers", "papers", "icpmap.papers", "write_demo"),
)
TITLE = "Cheshire and Merseyside: the icpmap demo"
NOTE = ("The bundled sample is illustrative, not a record of real agreements: Place names, ONS codes and public "
        "bodies' names are real; memberships, signatures, people, PCNs, practices and numbers are invented.")


def _producer(module: str, attr: str) -> Callable[[Store, Path], list[Path]] | None:
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None


def write_queries(store: Store, out: Path) -> list[Path]:
    """The library's parameter-free queries, and the members of every Place, as CSV."""
    from .. import cypher
    from ..reports import tabular
    from ..visualise.names import file_name

    folder = out / "queries"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for q in cypher.queries().values():
        if any(p.required for p in q.params) or q.extra.get("internal"):
            continue
        result = store.read(q.text, q.bind({}))
        path = folder / f"{q.name}.csv"
        path.write_text(tabular.to_csv(result.columns, result.rows), encoding="utf-8")
        written.append(path)
    members = cypher.get("place-members")
    places = store.read("MATCH (p:Place) RETURN p.code AS code, p.name AS name ORDER BY code").rows
    for code, name in places:
        result = store.read(members.text, members.bind({"place": code}))
        path = folder / file_name("place-members", code, name, "csv")
        path.write_text(tabular.to_csv(result.columns, result.rows), encoding="utf-8")
        written.append(path)
    return written


def command_name() -> str:
    """How the user ran icpmap, to repeat in the next steps: `icpmap` when that is on PATH,
    else the path they typed (`.venv/bin/icpmap` from `make demo`)."""
    argv0 = Path(sys.argv[0])
    on_path = shutil.which("icpmap")
    if argv0.stem != "icpmap" or (on_path and Path(on_path).resolve() == argv0.resolve()):
        return "icpmap"
    return _shown(argv0)


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def next_steps(index: Path, store: Store) -> list[dict[str, str]]:
    """Three things to do next: open the index, see the dashboard, load your own files."""
    prog = command_name()
    if store.engine == "ladybug" and state.db is not None:
        prog = f"{prog} --db {_quoted(_shown(Path(store.location)))}"
    return [
        {"text": "Open the index of everything written, in a browser:", "command": index.as_uri()},
        {"text": "See the dashboard at http://127.0.0.1:8000 (every Place, its diagram, gaps, downloads):",
         "command": f"{prog} serve"},
        {"text": "Load your own files (CSVs, a workbook, or NHS and ONS files as published):",
         "command": f"{command_name()} --db my-store load my-files/"},
    ]


def _quoted(text: str) -> str:
    return f'"{text}"' if any(c.isspace() for c in text) else text


def _places(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from .. import cypher
    from ..visualise.graph import read_query

    places = store.read(cypher.get("places").text).records()
    codes = sorted({r["ics_code"] for r in places if r["ics_code"]})
    ics = read_query(store, "visual-ics", ics=codes) if codes else []
    return sorted(places, key=lambda r: ((r["place_name"] or r["place_code"]).lower(), r["place_code"])), ics


@app.command()
def demo(
    out: Path = typer.Option(Path("icpmap-demo"), "--out", help="Folder for everything the demo writes."),
) -> None:
    """Load the bundled Cheshire and Merseyside sample, write every output into OUT, and index it."""
    from ..loaders import load_paths
    from ..reports.findings import findings
    from ..safety import audit
    from ..sample import SAMPLE_DIR
    from ..visualise.index_page import write_index

    out = out.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    with state.store() as store:
        console.print(f"Loading the bundled sample into {store_label(store)} ...", highlight=False)
        report = load_paths(store, [SAMPLE_DIR])
        audit.record_load(audit.default_path(store.location), [SAMPLE_DIR], via="demo", report=report)
        console.print(f"Writing reports, diagrams, charts, board papers and query results into {out} ...",
                      highlight=False)
        outputs: dict[str, list[Path]] = {"queries": write_queries(store, out)}
        for label, folder, module, attr in PRODUCERS:
            producer = _producer(module, attr)
            if producer is not None:
                outputs[label] = producer(store, out / folder if folder else out)
        found = findings(store)
        places, ics = _places(store)
        counts = store.counts()
        written = [p for paths in outputs.values() for p in paths]
        steps = next_steps(out / "index.html", store)
        index = write_index(out, written, places, ics, findings=found, title=TITLE, note=NOTE, next_steps=steps)

    say = console.print
    say(f"Loaded {counts['Place']} Places, {counts['Neighbourhood']} neighbourhoods, {counts['PCN']} PCNs, "
        f"{counts['Practice']} practices, {counts['Organisation']} organisations and {counts['Board']} boards; "
        f"wrote {len(written) + 1} files into {out}.", highlight=False, soft_wrap=True)
    say(Text("\nWhat the reports found (illustrative data)", style="bold"))
    for line in found.headlines:
        say(Text("  • ") + Text(line), soft_wrap=True)
    say(Text("\nWhere to look: ", style="bold") + Text(str(index)), soft_wrap=True)
    say(Text("\nNext", style="bold"))
    for n, step in enumerate(steps, 1):
        say(Text(f"  {n}. {step['text']}"), soft_wrap=True)
        say(Text("     ") + Text(step["command"], style="bold"), soft_wrap=True)
