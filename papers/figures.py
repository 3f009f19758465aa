"""The pictures of a board paper, as PNG bytes (matplotlib, no pyplot), from the facts.

The partnership diagram is `visualise.static` (the interactive page's colours, shapes and
legend). The charts use the dashboard's colours: sectors as the diagram, statuses green /
amber / red. Each comes with the sentence a screen reader gives for it (`Figure.alt`).
Text from the data is escaped for mathtext, so it prints as written.
"""

from __future__ import annotations

import struct
import sys
from collections import Counter
from typing import Any

from ..visualise.static import text
from ..visualise.style import SECTOR_COLOURS, sector_colour, sector_label
from .facts import IcsFacts, PlaceFacts
from .model import AMBER, GREEN, RED, Figure

WIDTH_IN = 6.85  # the text width of an A4 page with 18 mm margins
DPI = 180


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(width, height), dpi=100)
    fig.set_facecolor("white")
    return fig


def png(fig: Any, dpi: int = DPI) -> tuple[bytes, float]:
    """The figure as PNG bytes (`visualise.static.figure_png`), and its height / width."""
    from ..visualise.static import figure_png

    width, height = fig.get_size_inches()
    return figure_png(fig, dpi), float(height / width)


def _picture(fig: Any, alt: str, caption: str, width: float = 1.0) -> Figure:
    data, aspect = png(fig)
    return Figure(data, alt, caption, width, aspect)


def _left(labels: list[str], size: float = 7.5) -> float:
    """Room (inches) for the longest of these tick labels at this font size."""
    return min(3.0, 0.2 + 0.56 * size / 72 * max([len(x) for x in labels] + [4]))


def _bars_layout(fig: Any, left_in: float, right_in: float = 0.25, top_in: float = 0.35, bottom_in: float = 0.45) -> Any:
    w, h = fig.get_size_inches()
    return fig.add_axes((left_in / w, bottom_in / h, 1 - (left_in + right_in) / w, 1 - (top_in + bottom_in) / h))


# -- one Place ------------------------------------------------------------------------------------------


def diagram(place: PlaceFacts) -> Figure:
    return diagram_of(place.graph, place.name, place.as_at)


def diagram_of(graph: Any, name: str, as_at: Any) -> Figure:
    """A Place's partnership diagram (its `DiagramGraph`) as a picture."""
    from ..visualise.static import diagram_png, summary

    data = diagram_png(graph, width_in=WIDTH_IN, dpi=DPI)
    width, height = struct.unpack(">II", data[16:24])  # the PNG header's size
    aspect = height / width
    return Figure(data, summary(graph), f"The {name} partnership as at {as_at.isoformat()}: boards, "
                  "members, the agreement and who signed it, missing links, the place lead, neighbourhoods and PCNs "
                  "(the legend below the picture says what each shape, colour and line means).", 1.0, aspect)


def sector_counts(place: PlaceFacts, expected: list[str]) -> list[tuple[str, int]]:
    """(sector, members) for every sector with a member, then each expected sector with none (0)."""
    counts = Counter(m["sector"] or "" for m in place.members)
    order = [s for s in SECTOR_COLOURS if counts.get(s)] + sorted(s for s in counts if s not in SECTOR_COLOURS)
    return [(s, counts[s]) for s in order] + [(s, 0) for s in expected if not counts.get(s)]


def sectors(place: PlaceFacts, expected: list[str]) -> Figure:
    rows = sector_counts(place, expected)
    labels = [text(sector_label(s or None)) for s, _ in rows]
    fig = _figure(WIDTH_IN, 0.35 + 0.19 * max(len(rows), 1))
    ax = _bars_layout(fig, _left(labels), top_in=0.1, bottom_in=0.1)
    y = list(range(len(rows)))[::-1]
    ax.barh(y, [n for _, n in rows], color=[sector_colour(s or None) for s, _ in rows], height=0.7)
    for yi, (_s, n) in zip(y, rows):
        ax.text(n + 0.1, yi, "missing (expected)" if n == 0 else str(n), va="center", fontsize=7.5,
                color=RED if n == 0 else "#425563")
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, max([n for _, n in rows] + [1]) * 1.25 + 1)
    ax.set_xticks([])  # each bar says its count
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    total = sum(n for _, n in rows)
    missing = [sector_label(s) for s, n in rows if n == 0]
    alt = (f"Bar chart of the {total} organisations in the {place.name} partnership by sector: "
           + "; ".join(f"{sector_label(s or None)} {n}" for s, n in rows if n)
           + (f". Expected sectors with no member: {', '.join(missing)}." if missing else ". Every expected sector has a member."))
    return _picture(fig, alt, f"Members of the {place.name} partnership by sector, as at {place.as_at.isoformat()} "
                    "(red: an expected sector with no member).")


def coterminosity(place: PlaceFacts) -> Figure | None:
    rows = sorted((r for r in place.coterminosity if r["share"] is not None),
                  key=lambda r: (float(r["share"]), r["pcn_code"]))
    if not rows:
        return None
    opts = place.coterminosity_options
    limit = float(opts.get("threshold") or 0.95)
    labels = [text(f"{r['pcn_name'] or r['pcn_code']} ({r['pcn_code']})") for r in rows]
    fig = _figure(WIDTH_IN, 0.75 + 0.19 * len(rows))
    ax = _bars_layout(fig, _left(labels, 7), right_in=0.3, top_in=0.15)
    y = list(range(len(rows)))
    ax.barh(y, [float(r["share"]) for r in rows], color=[GREEN if r["coterminous"] else AMBER for r in rows], height=0.7)
    ax.axvline(limit, color=RED, linestyle="--", linewidth=1.2)
    ax.text(limit, len(rows) - 0.35, f" threshold {limit:.0%}", color=RED, fontsize=7, va="bottom")
    for yi, r in zip(y, rows):
        ax.text(float(r["share"]) + 0.01, yi, f"{float(r['share']):.1%}", va="center", fontsize=7, color="#425563")
    ax.set_yticks(y, labels, fontsize=7)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, 1.12)
    ax.set_ylim(-0.6, len(rows) - 0.1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"], fontsize=7)
    ax.set_xlabel(f"share of {opts.get('by', 'patients')} in the main {opts.get('level', 'place')} footprint "
                  "(green: coterminous; amber: not)", fontsize=7.5)
    ax.spines[["top", "right"]].set_visible(False)
    yes = sum(1 for r in rows if r["coterminous"])
    alt = (f"Bar chart of the share of each PCN's {opts.get('by', 'patients')} in its main footprint, against a threshold "
           f"of {limit:.0%}: {yes} of {len(rows)} PCNs coterminous. "
           + "; ".join(f"{r['pcn_name'] or r['pcn_code']} {float(r['share']):.1%}" for r in rows) + ".")
    return _picture(fig, alt, f"Coterminosity of the PCNs with practices in {place.name}: share of "
                    f"{opts.get('by', 'patients')} in the main {opts.get('level', 'place')} footprint "
                    f"(threshold {limit:.0%}).")


MAP_HEIGHT_IN = 8.9  # a map with its legend is at most this tall: 1.3 × the text width, as the diagram


def has_geometry(data: Any) -> bool:
    """Whether a map has anything to draw: a boundary or a located practice."""
    from ..visualise.map_page import projection

    return data is not None and projection(data) is not None


def map_alt(data: Any) -> str:
    """What a screen reader says for a map: what is drawn, and the PCNs that are not coterminous."""
    scope = {"place": "the Place's boundary", "ics": "the boundaries of its Places"}.get(data.scope, "the boundaries")
    located = data.located_practices()
    apart = [data.pcns[c] for c in data.not_coterminous()]
    text = (f"Map of {data.name or data.code} as at {data.as_at.isoformat()}: {scope}, "
            f"{_count(len(data.neighbourhoods), 'neighbourhood')} (dashed lines) and "
            f"{_count(len(located), 'practice')} with a location, coloured by their PCN "
            f"({_count(len(data.pcns), 'PCN')}). ")
    if apart:
        text += (f"Practices of the {_count(len(apart), 'PCN')} that are not coterminous are ringed red: "
                 + "; ".join(f"{p.name or p.code} ({p.code})" for p in apart) + ".")
    else:
        text += "Every PCN on the map is coterminous."
    if not data.has_boundaries:
        text += " No boundary is loaded: practices only."
    return text


def _count(n: int, one: str) -> str:
    return f"{n} {one if n == 1 else one + 's'}"


def place_map(data: Any, what: str) -> Figure | None:
    """A map (`visualise.map_image.map_figure`, legend below) as a picture; None when the store
    has no boundary or practice location for it."""
    if not has_geometry(data):
        return None
    from ..visualise.map_image import map_figure

    fig = map_figure(data, width=WIDTH_IN, height=MAP_HEIGHT_IN, dpi=100, legend="below")
    picture = _picture(fig, map_alt(data), f"Map of {what} as at {data.as_at.isoformat()}: boundaries, neighbourhoods "
                       "and practices by PCN, ringed red where the PCN is not coterminous (the coterminosity report).")
    return picture


def place_pictures(place: PlaceFacts, expected: list[str]) -> dict[str, Figure | None]:
    """Every picture of one Place's profile: the diagram, the map, then the charts."""
    return {**graph_pictures(place.name, place.as_at, place.graph, place.map), **chart_pictures(place, expected)}


def graph_pictures(name: str, as_at: Any, graph: Any, map_data: Any) -> dict[str, Figure | None]:
    """A Place's diagram and map: they need nothing but its diagram graph and map data, so a
    painter draws them while the reports are still being read (`facts.gather(on_graph=)`)."""
    return {"diagram": diagram_of(graph, name, as_at) if graph is not None and graph.nodes else None,
            "map": place_map(map_data, name)}


def chart_pictures(place: PlaceFacts, expected: list[str]) -> dict[str, Figure | None]:
    """A Place's charts, from its reports."""
    return {"sectors": sectors(place, expected) if place.members else None, "coterminosity": coterminosity(place)}


_JOBS: list[tuple[PlaceFacts, list[str]]] = []  # what forked workers draw (inherited, never pickled)


def _draw(index: int) -> dict[str, Figure | None]:
    return place_pictures(*_JOBS[index])


def all_pictures(places: list[PlaceFacts], expected: list[str], workers: int = 1) -> dict[str, dict[str, Figure | None]]:
    """Every Place's pictures; with `workers` > 1, drawn in that many forked processes (drawing
    is CPU-bound and matplotlib holds the GIL). Fork only where the caller holds no open store:
    the workers use nothing but the facts they inherit."""
    import multiprocessing

    global _JOBS
    if workers > 1 and len(places) > 1 and sys.platform.startswith("linux"):
        from concurrent.futures import ProcessPoolExecutor

        # imported once here, so that each worker inherits them instead of importing them again
        import matplotlib.backends.backend_agg
        import matplotlib.figure  # noqa: F401
        import networkx  # noqa: F401
        from PIL import Image  # noqa: F401

        _JOBS = [(p, expected) for p in places]
        try:
            with ProcessPoolExecutor(min(workers, len(places)), mp_context=multiprocessing.get_context("fork")) as pool:
                drawn = list(pool.map(_draw, range(len(places))))
        finally:
            _JOBS = []
        return {p.code: d for p, d in zip(places, drawn)}
    return {p.code: place_pictures(p, expected) for p in places}


# -- across the Places of an ICS ----------------------------------------------------------------------


def outstanding_by_place(ics: IcsFacts) -> Figure:
    places = ics.places
    labels = [text(p.name) for p in places]
    fig = _figure(WIDTH_IN, 0.35 + 0.21 * len(places))
    ax = _bars_layout(fig, _left(labels), top_in=0.1, bottom_in=0.1)
    y = list(range(len(places)))[::-1]
    counts = [len(p.unsigned) for p in places]
    ax.barh(y, counts, color=[RED if n else GREEN for n in counts], height=0.65)
    for yi, n, p in zip(y, counts, places):
        note = str(n) if n else "0: all signed" if p.agreements else "no agreement"
        ax.text(n + 0.05, yi, note, va="center", fontsize=7.5, color="#425563")
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.set_ylim(-0.6, len(places) - 0.4)
    ax.set_xlim(0, max([*counts, 1]) * 1.3 + 1)
    ax.set_xticks([])  # each bar says its count
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    alt = ("Bar chart of expected signatures outstanding by Place: "
           + "; ".join(f"{p.name} {len(p.unsigned) if p.agreements else 'no agreement'}" for p in places) + ".")
    return _picture(fig, alt, f"Signatures outstanding by Place, as at {ics.as_at.isoformat()}.")


def coterminosity_by_place(ics: IcsFacts) -> Figure:
    places = ics.places
    labels = [text(p.name) for p in places]
    fig = _figure(WIDTH_IN, 0.6 + 0.21 * len(places))
    ax = _bars_layout(fig, _left(labels), top_in=0.1, bottom_in=0.35)
    y = list(range(len(places)))[::-1]
    yes = [p.headline()["coterminous_pcns"] for p in places]
    total = [p.headline()["pcns"] for p in places]
    no = [t - c for t, c in zip(total, yes)]
    ax.barh(y, yes, color=GREEN, height=0.65, label="coterminous")
    ax.barh(y, no, left=yes, color=AMBER, height=0.65, label="not coterminous")
    for yi, c, t in zip(y, yes, total):
        ax.text(t + 0.1, yi, f"{c} of {t}" if t else "no PCN", va="center", fontsize=7.5, color="#425563")
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.set_ylim(-0.6, len(places) - 0.4)
    ax.set_xlim(0, max([*total, 1]) * 1.25 + 1)
    ax.set_xticks([])  # each bar says its counts
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    fig.legend(loc="lower center", ncols=2, fontsize=7, frameon=False)
    alt = ("Stacked bar chart of PCNs by Place, coterminous and not: "
           + "; ".join(f"{p.name} {c} of {t} coterminous" for p, c, t in zip(places, yes, total)) + ".")
    return _picture(fig, alt, f"Coterminous PCNs by Place, as at {ics.as_at.isoformat()}.")


def ics_pictures(ics: IcsFacts) -> dict[str, Figure | None]:
    """The pictures of an ICS pack's summary: the ICS's map, and two charts across its Places."""
    return {"map": place_map(ics.map, ics.name), "outstanding": outstanding_by_place(ics),
            "coterminosity": coterminosity_by_place(ics)}


__all__ = [
    "all_pictures",
    "chart_pictures",
    "coterminosity",
    "coterminosity_by_place",
    "diagram",
    "diagram_of",
    "graph_pictures",
    "has_geometry",
    "ics_pictures",
    "map_alt",
    "outstanding_by_place",
    "place_map",
    "place_pictures",
    "png",
    "sector_counts",
    "sectors",
]
