"""icpmap.visualise: interactive network diagrams, static charts and graph exports.

    from icpmap.visualise import build_graph, write_diagram, write_chart, export_graph, write_all
    graph = build_graph(store, place="E08000014")      # or board=, pcn=, ics=
    write_diagram(graph, "sefton.html")                # one self-contained offline HTML page
    write_chart(store, "assurance", "assurance.svg")   # breadth | coterminosity | assurance | progress, PNG or SVG
    export_graph(graph, "sefton.graphml")              # graphml | gexf | json
    write_all(store, out_dir)                          # what `icpmap demo` writes

    from icpmap.visualise import build_map, write_map
    data = build_map(store, place="E08000012")         # or ics=, pcn=; select= a PCN's footprint
    write_map(data, "liverpool.html")                  # offline page; .png or .svg for board papers

Heavy imports (matplotlib, pyvis, networkx, shapely) happen only when a function needs them.
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


def build_map(store: Store, **scope: Any) -> Any:
    """What a map of a Place, ICS or PCN shows (`place=`, `ics=` or `pcn=`; `as_at=`, `select=`)."""
    from .mapdata import build_map as _build_map

    return _build_map(store, **scope)


def write_map(data: Any, path: str | Path, fmt: str | None = None,
              links: list[dict[str, str]] | None = None, dpi: int = 150) -> Path:
    """Write a map (`build_map`) as an offline HTML page, or as PNG or SVG for papers: by `fmt`,
    else by the file's extension (.html, .png, .svg). `links`: the page's links to other pages;
    `dpi`: a PNG's resolution (A4 landscape)."""
    chosen = (fmt or Path(path).suffix.lstrip(".") or "html").lower()
    if chosen == "html":
        from .map_page import write_map_html

        return write_map_html(data, path, links)
    from .map_image import write_map_image

    return write_map_image(data, path, chosen, dpi=dpi)


def write_all(store: Store, out_dir: str | Path) -> list[Path]:
    """A diagram and a map per Place and per ICS, and every chart in PNG and SVG, under `out_dir`."""
    from .demo import write_all as _write_all

    return _write_all(store, out_dir)


CHARTS = ("breadth", "coterminosity", "assurance", "progress")
EXPORT_FORMATS = ("graphml", "gexf", "json")
MAP_FORMATS = ("html", "png", "svg")

__all__ = [
    "CHARTS", "EXPORT_FORMATS", "MAP_FORMATS", "SCOPES", "DiagramGraph", "build_graph", "build_map", "export_graph",
    "render_diagram", "write_all", "write_chart", "write_diagram", "write_map",
]
