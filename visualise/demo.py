"""`write_all`: what `icpmap demo` writes for diagrams and charts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from .. import cypher
from ..graph import Store
from .charts import CHARTS, FORMATS, chart_figure
from .graph import build_graph
from .page import write_html


def write_all(store: Store, out_dir: str | Path) -> list[Path]:
    """A diagram and a map per Place and per ICS (`diagrams/`, `maps/`: each page links to the
    other), the ICS map as PNG and SVG too, every chart as PNG and SVG (`charts/`)."""
    from .map_page import diagram_link, write_map_html
    from .mapdata import build_map

    out = Path(out_dir)
    written: list[Path] = []
    places = store.read(cypher.get("places").text).records()
    ics_codes = sorted({r["ics_code"] for r in places if r["ics_code"]})
    scopes = [("place", r["place_code"]) for r in places] + [("ics", code) for code in ics_codes]
    for scope, code in scopes:
        name = f"{scope}-{quote(code, safe='')}.html"
        map_link = {"label": f"Map of this {'Place' if scope == 'place' else 'ICS'}", "href": f"../maps/{name}"}
        written.append(write_html(build_graph(store, **{scope: code}), out / "diagrams" / name, links=[map_link]))
        data = build_map(store, **{scope: code})
        written.append(write_map_html(data, out / "maps" / name, [diagram_link(data)]))
        if scope == "ics":
            from .map_image import write_map_image

            for fmt in ("png", "svg"):
                written.append(write_map_image(data, out / "maps" / f"ics-{quote(code, safe='')}.{fmt}", fmt))
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
