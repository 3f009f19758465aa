"""`write_all`: what `icpmap demo` writes for diagrams and charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import cypher
from ..graph import Store
from .charts import CHARTS, FORMATS, chart_figure
from .graph import build_graph, read_query
from .names import file_name
from .page import write_html


def write_all(store: Store, out_dir: str | Path) -> list[Path]:
    """A diagram and a map per Place and per ICS (`diagrams/place-liverpool-E08000012.html`,
    `maps/place-liverpool-E08000012.html`, ...: each page links to the other), the ICS map as PNG
    and SVG too (`maps/ics-cheshire-and-merseyside-QYG.png`), every chart as PNG and SVG (`charts/`)."""
    from .map_image import write_map_image
    from .map_page import write_map_html
    from .mapdata import build_map

    out = Path(out_dir)
    written: list[Path] = []
    places = store.read(cypher.get("places").text).records()
    ics_codes = sorted({r["ics_code"] for r in places if r["ics_code"]})
    ics_names = {r["ics_code"]: r["ics_name"] for r in read_query(store, "visual-ics", ics=ics_codes)} if ics_codes else {}
    scopes = [("place", r["place_code"], r["place_name"]) for r in places]
    scopes += [("ics", code, ics_names.get(code)) for code in ics_codes]
    for scope, code, subject in scopes:
        name = file_name(scope, code, subject, "html")
        kind = "Place" if scope == "place" else "ICS"
        written.append(write_html(build_graph(store, history=True, **{scope: code}), out / "diagrams" / name,
                                  links=[{"label": f"Map of this {kind}", "href": f"../maps/{name}"}]))
        data = build_map(store, **{scope: code})
        written.append(write_map_html(data, out / "maps" / name,
                                      [{"label": f"Network diagram of this {kind}", "href": f"../diagrams/{name}"}]))
        if scope == "ics":
            for fmt in ("png", "svg"):
                written.append(write_map_image(data, out / "maps" / file_name(scope, code, subject, fmt), fmt))
    if places:
        (out / "charts").mkdir(parents=True, exist_ok=True)
        for name in CHARTS:
            # progress: quarter by quarter over the two years to the data's latest change
            options = _progress_window(store) if name == "progress" else {}
            figure = chart_figure(store, name, **options)  # drawn once, saved in each format
            for fmt in FORMATS:
                path = out / "charts" / f"{name}.{fmt}"
                figure.savefig(path, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
                written.append(path)
    return written


def _progress_window(store: Store) -> dict[str, dt.date]:
    from ..reports.changes import latest_change, year_to

    until = latest_change(store) or dt.date.today()
    return {"from_date": year_to(year_to(until)[0] - dt.timedelta(days=1))[0], "to_date": until, "every": "quarter"}


__all__ = ["write_all"]
