"""icpmap.visualise: interactive network diagrams, static charts and graph exports.

    from icpmap.visualise import build_graph, write_diagram, write_chart, export_graph, write_all
    graph = build_graph(store, place="E08000014")      # or board=, pcn=, ics=
    write_diagram(graph, "sefton.html")                # one self-contained offline HTML page
    write_chart(store, "assurance", "assurance.svg")   # breadth | coterminosity | assurance | progress, PNG or SVG
    export_graph(graph, "sefton.graphml")              # graphml | gexf | json
    write_all(store, out_dir)                          # what `icpmap demo` writes

Heavy imports (matplotlib, pyvis, networkx) happen only when a function needs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .graph import SCOPES, DiagramGraph, build_graph

if TYPE_CHECKING:
    from ..graph import Store


def render_diagram(graph: DiagramGraph, options: dict[str, Any] | None = None) -> str:
    """The diagram as one self-contained HTML page (a string)."""
    from .page import render_html

    return render_html(graph, options)


def write_diagram(graph: DiagramGraph, path: str | Path, options: dict[str, Any] | None = None) -> Path:
    """Write the diagram's HTML page to `path`."""
    from .page import write_html

    return write_html(graph, path, options)


def write_chart(store: Store, name: str, path: str | Path, **options: Any) -> Path:
    """Write chart `name` (see `CHARTS`) as PNG or SVG, by the file's extension."""
    from .charts import write_chart as _write_chart

    return _write_chart(store, name, path, **options)


def export_graph(graph: DiagramGraph, path: str | Path, fmt: str | None = None) -> Path:
    """Write the graph as GraphML, GEXF or JSON (by `fmt`, else by the file's extension)."""
    from .export import export_graph as _export

    return _export(graph, path, fmt)


def write_all(store: Store, out_dir: str | Path) -> list[Path]:
    """A diagram per Place and per ICS, and every chart in PNG and SVG, under `out_dir`."""
    from .demo import write_all as _write_all

    return _write_all(store, out_dir)


CHARTS = ("breadth", "coterminosity", "assurance", "progress")
EXPORT_FORMATS = ("graphml", "gexf", "json")

__all__ = [
    "CHARTS", "EXPORT_FORMATS", "SCOPES", "DiagramGraph", "build_graph", "export_graph", "render_diagram",
    "write_all", "write_chart", "write_diagram",
]
