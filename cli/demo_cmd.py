"""`icpmap demo`: load the bundled sample and write everything the product can produce."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .app import Table, app, console, state, store_label

if TYPE_CHECKING:
    from ..graph import Store

# Producers beyond the query library, each `(store, out_dir) -> list[Path]`, found by
# import path so the demo grows as the product does.
PRODUCERS: tuple[tuple[str, str, str, str], ...] = (
    ("reports", "reports", "icpmap.reports", "write_report_pack"),
    ("diagrams and charts", "", "icpmap.visualise", "write_all"),
    ("board papers", "papers", "icpmap.papers", "write_demo"),
)


def _producer(module: str, attr: str) -> Callable[[Store, Path], list[Path]] | None:
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None


def write_queries(store: Store, out: Path) -> list[Path]:
    """The library's parameter-free queries, and the members of every Place, as CSV."""
    from .. import cypher
    from ..reports import tabular

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
    places = store.read("MATCH (p:Place) RETURN p.code AS code ORDER BY code").rows
    for (code,) in places:
        result = store.read(members.text, members.bind({"place": code}))
        path = folder / f"place-members-{code}.csv"
        path.write_text(tabular.to_csv(result.columns, result.rows), encoding="utf-8")
        written.append(path)
    return written


@app.command()
def demo(
    out: Path = typer.Option(Path("icpmap-demo"), "--out", help="Folder for everything the demo writes."),
) -> None:
    """Load the bundled Cheshire and Merseyside sample and write every output into OUT."""
    from ..graph.model import RELS
    from ..loaders import load_paths
    from ..safety import audit
    from ..sample import SAMPLE_DIR

    out = out.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    with state.store() as store:
        console.print(f"Loading the bundled sample into {store_label(store)} ...", highlight=False)
        report = load_paths(store, [SAMPLE_DIR])
        audit.record_load(audit.default_path(store.location), [SAMPLE_DIR], via="demo", report=report)
        outputs: dict[str, list[Path]] = {"queries": write_queries(store, out)}
        for label, folder, module, attr in PRODUCERS:
            producer = _producer(module, attr)
            if producer is not None:
                outputs[label] = producer(store, out / folder if folder else out)
        counts = store.counts()

    summary = Table("what", "count", title="icpmap demo: Cheshire and Merseyside (illustrative sample)")
    for name in ("Place", "Neighbourhood", "PCN", "Practice", "Organisation", "Board", "Agreement", "Area"):
        summary.add_row(name, str(counts[name]))
    summary.add_row("relationships", str(sum(counts[r] for r in RELS)))
    console.print(summary)
    files = Table("output", "files", "where", title="Written")
    for label, paths in outputs.items():
        folders = sorted({str(p.parent) for p in paths})
        files.add_row(label, str(len(paths)), "\n".join(folders))
    console.print(files)
    console.print(f"Everything is in {out}", highlight=False)
