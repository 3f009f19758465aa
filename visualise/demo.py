"""`write_all`: what `icpmap demo` writes for diagrams and charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import cypher
from ..graph import Store
from .charts import CHARTS, FORMATS, chart_figure
from .graph import build_graph
from .page import write_html


def write_all(store: Store, out_dir: str | Path) -> list[Path]:
    """A diagram per Place and per ICS (`diagrams/`), every chart as PNG and SVG (`charts/`)."""
    out = Path(out_dir)
    written: list[Path] = []
    places = store.read(cypher.get("places").text).records()
    ics_codes = sorted({r["ics_code"] for r in places if r["ics_code"]})
    for r in places:
        graph = build_graph(store, place=r["place_code"], history=True)
        written.append(write_html(graph, out / "diagrams" / f"place-{r['place_code']}.html"))
    for code in ics_codes:
        written.append(write_html(build_graph(store, ics=code, history=True), out / "diagrams" / f"ics-{code}.html"))
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
