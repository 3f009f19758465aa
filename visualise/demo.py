"""`write_all`: what `icpmap demo` writes for diagrams and charts."""

from __future__ import annotations

from pathlib import Path

from .. import cypher
from ..graph import Store
from .charts import CHARTS, FORMATS, chart_figure
from .graph import build_graph, read_query
from .names import file_name
from .page import write_html


def write_all(store: Store, out_dir: str | Path) -> list[Path]:
    """A diagram per Place and per ICS (`diagrams/place-liverpool-E08000012.html`,
    `diagrams/ics-cheshire-and-merseyside-QYG.html`), every chart as PNG and SVG (`charts/`)."""
    out = Path(out_dir)
    written: list[Path] = []
    places = store.read(cypher.get("places").text).records()
    ics_codes = sorted({r["ics_code"] for r in places if r["ics_code"]})
    ics_names = {r["ics_code"]: r["ics_name"] for r in read_query(store, "visual-ics", ics=ics_codes)} if ics_codes else {}
    for r in places:
        graph = build_graph(store, place=r["place_code"])
        name = file_name("place", r["place_code"], r["place_name"], "html")
        written.append(write_html(graph, out / "diagrams" / name))
    for code in ics_codes:
        name = file_name("ics", code, ics_names.get(code), "html")
        written.append(write_html(build_graph(store, ics=code), out / "diagrams" / name))
    if places:
        (out / "charts").mkdir(parents=True, exist_ok=True)
        for name in CHARTS:
            figure = chart_figure(store, name)  # drawn once, saved in each format
            for fmt in FORMATS:
                path = out / "charts" / f"{name}.{fmt}"
                figure.savefig(path, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
                written.append(path)
    return written


__all__ = ["write_all"]
