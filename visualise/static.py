"""The partnership diagram as a static picture (matplotlib), for board papers and print.

The same `DiagramGraph` as the interactive page, drawn with the same colours, shapes, line
styles and legend (`style.py`), with no browser: positions start from the page's own
layout (`layout.initial_positions`) and are settled with networkx's ForceAtlas2, as the
page settles them with vis-network's. Sized for a page of A4: labels are short, wrapped
and haloed; the legend lists only what the picture holds.

Text from the data is escaped for matplotlib's mathtext (`$`), so it prints as written.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

from .graph import DiagramGraph
from .style import EDGE_STYLES, MISSING_BORDER, NODE_STYLES, node_size, sector_colour, sector_label

# vis-network shapes -> matplotlib markers (the legend and the picture use the same ones)
MARKERS = {"dot": "o", "diamond": "D", "square": "s", "triangle": "^", "triangleDown": "v", "hexagon": "h", "star": "*"}
LABEL_CHARS = 40  # longest label printed (then "…")
WRAP = 20  # characters per label line
FONT = {"ICS": 7.5, "Place": 8.0, "Board": 5.6, "Agreement": 5.6, "Person": 6.0, "Neighbourhood": 5.4, "PCN": 5.4,
        "Organisation": 5.0, "Practice": 4.2, "MissingLink": 5.0}
MAX_ASPECT = 1.3  # height / width at most: the picture, its heading and caption fit one page of A4
DRAW_ORDER = ("Practice", "Organisation", "MissingLink", "PCN", "Neighbourhood", "Board", "Agreement", "Person",
              "Place", "ICS")


def text(value: Any) -> str:
    """Data as literal text for matplotlib: `$` would start mathtext, a backslash escape it."""
    return str(value if value is not None else "").replace("\\", "\\\\").replace("$", r"\$")


def short_label(label: str) -> str:
    label = " ".join(str(label).split())
    if len(label) > LABEL_CHARS:
        label = label[: LABEL_CHARS - 1] + "…"
    return "\n".join(textwrap.wrap(label, WRAP, break_long_words=True, break_on_hyphens=False)[:3]) or label


def positions(graph: DiagramGraph, iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Node id -> (x, y): the page's starting layout, settled by ForceAtlas2 (bounded, deterministic)."""
    import networkx as nx
    import numpy as np

    from .layout import initial_positions

    start = initial_positions(graph)
    if len(graph.nodes) < 3:
        return start
    g = nx.Graph()
    g.add_nodes_from(graph.nodes)
    for e in graph.edges:
        weight = 2.0 if e.kind in ("member_core", "place_lead", "part_of", "serves") else 1.0
        g.add_edge(e.source, e.target, weight=max(weight, g.get_edge_data(e.source, e.target, {}).get("weight", 0)))
    scale = max(max(abs(x), abs(y)) for x, y in start.values()) or 1.0
    pos0 = {n: np.array([x / scale, y / scale]) for n, (x, y) in start.items()}
    sizes = {n: 0.012 * node_size(graph.nodes[n].kind, graph.nodes[n].weight) / 10 for n in graph.nodes}
    n = len(graph.nodes)
    settled = nx.forceatlas2_layout(
        g, pos=pos0, max_iter=iterations or (200 if n <= 150 else 100 if n <= 600 else 50),
        scaling_ratio=2.0, gravity=1.0, node_size=sizes, weight="weight", seed=7,
    )
    return {k: (float(v[0]), float(v[1])) for k, v in settled.items()}


def _marker_area(kind: str, weight: int) -> float:
    """matplotlib marker area (pt²) for a vis-network node size (px)."""
    size = node_size(kind, weight)
    scale = 1.25 if NODE_STYLES[kind].shape == "star" else 1.0
    return (0.62 * size * scale) ** 2


def _dashes(pattern: tuple[int, ...]) -> Any:
    return "solid" if not pattern else (0, tuple(max(0.8, d * 0.45) for d in pattern))


def legend_handles(graph: DiagramGraph) -> list[Any]:
    """The page's legend (`page._legend`) as matplotlib handles: node kinds, sectors, then links."""
    from matplotlib.lines import Line2D

    kinds = {n.kind for n in graph.nodes.values()}
    handles: list[Any] = []
    for kind, style in NODE_STYLES.items():
        if kind not in kinds:
            continue
        fill = "#ffffff" if kind in ("Organisation", "MissingLink") else style.colour
        edge = MISSING_BORDER if kind == "MissingLink" else "#425563"
        handles.append(Line2D([], [], linestyle="none", marker=MARKERS[style.shape], markersize=6,
                              markerfacecolor=fill, markeredgecolor=edge, label=style.label))
    sectors = sorted({n.sector or "" for n in graph.nodes.values() if n.kind == "Organisation"})
    for s in sectors:
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=5.5, markerfacecolor=sector_colour(s or None),
                              markeredgecolor=sector_colour(s or None), label=text(sector_label(s or None))))
    kinds_drawn = {e.kind for e in graph.edges}
    for kind, style in EDGE_STYLES.items():
        if kind in kinds_drawn and style.in_legend:
            handles.append(Line2D([], [], color=style.colour, linewidth=max(0.7, style.width * 0.55),
                                  linestyle=_dashes(style.dashes), label=style.label))
    return handles


def spread(points: Any, width: float, height: float, gap: tuple[float, float] = (58.0, 26.0),
           rounds: int = 120) -> Any:
    """Push nodes apart until no two are closer than a label's room (`gap`: points across, down),
    keeping them inside the box. O(n²) per round, for the few hundred nodes a page can hold."""
    import numpy as np

    p = np.array(points, dtype=float)
    n = len(p)
    if n < 2:
        return p
    room = np.array(gap, dtype=float)
    box = np.array([width, height])
    # a crowded picture gets proportionally less room per node (it can never have more than the box)
    fill = n * room[0] * room[1] / (width * height)
    if fill > 0.45:
        room = room * np.sqrt(0.45 / fill)
    for _ in range(rounds):
        d = (p[:, None, :] - p[None, :, :]) / room  # scaled differences, n x n x 2
        dist = np.sqrt((d ** 2).sum(-1))
        np.fill_diagonal(dist, 1e9)
        close = dist < 1.0
        if not close.any():
            break
        dist = np.where(dist == 0, 1e-6, dist)
        push = np.where(close, (1.0 - dist) / dist, 0.0)[:, :, None] * d * room * 0.5
        jitter = np.where((dist < 1e-5)[:, :, None], np.array([0.7, 0.3]), 0.0)  # identical points
        p += (push + jitter).sum(1) * 0.5
        p = np.clip(p, room / 2, box - room / 2)
    return p


def diagram_figure(graph: DiagramGraph, width_in: float = 6.9, height_in: float | None = None,
                   title: bool = False) -> Any:
    """The diagram on a matplotlib Figure (no pyplot): links, nodes, labels, and the legend below.

    Drawn in points (1 unit = 1 pt on paper), so node sizes, label room and where a link
    stops at a node's edge are exact whatever the number of nodes."""
    import numpy as np
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure

    handles = legend_handles(graph)
    legend_rows = math.ceil(len(handles) / 3)
    legend_in = 0.13 * legend_rows + 0.15
    title_in = 0.3 if title else 0.0
    ids = list(graph.nodes)
    raw = positions(graph)
    xy = np.array([raw.get(i, (0.0, 0.0)) for i in ids], dtype=float) if ids else np.zeros((2, 2))
    span = np.where(np.ptp(xy, 0) > 0, np.ptp(xy, 0), 1.0)
    if height_in is None:  # as tall as the layout needs, within a page
        height_in = float(np.clip(width_in * span[1] / span[0] * 1.05, width_in * 0.55,
                                  width_in * MAX_ASPECT - legend_in - title_in)) + legend_in + title_in
    draw_w, draw_h = width_in * 72, (height_in - legend_in - title_in) * 72
    fig = Figure(figsize=(width_in, height_in), dpi=100)
    fig.set_facecolor("white")
    ax = fig.add_axes((0, legend_in / height_in, 1, draw_h / 72 / height_in))
    ax.set_axis_off()
    ax.set_xlim(0, draw_w)
    ax.set_ylim(draw_h, 0)  # the page's y grows downwards
    if title:
        fig.text(0.01, 1 - 0.04 / height_in, text(graph.title), ha="left", va="top", fontsize=10)

    margin = np.array([34.0, 16.0])
    if len(ids):
        lo = xy.min(0)
        scale = min((draw_w - 2 * margin[0]) / span[0], (draw_h - 2 * margin[1] - 12) / span[1])
        xy = (xy - lo) * scale + margin + ((np.array([draw_w, draw_h - 12]) - 2 * margin) - span * scale) / 2
        xy = spread(xy, draw_w, draw_h - 12)
    pos = {i: (float(x), float(y)) for i, (x, y) in zip(ids, xy)}
    area = {nid: _marker_area(n.kind, n.weight) for nid, n in graph.nodes.items()}
    radius = {nid: math.sqrt(a) / 2 for nid, a in area.items()}

    # links: one collection per kind (its colour, width and dashes), arrowheads as small triangles
    segments: dict[str, list[Any]] = {}
    heads: dict[str, list[Any]] = {}
    labels: list[tuple[float, float, str, str]] = []
    for e in graph.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        length = math.hypot(x2 - x1, y2 - y1)
        if length <= radius[e.source] + radius[e.target] + 1:
            continue
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        a = (x1 + ux * (radius[e.source] + 0.6), y1 + uy * (radius[e.source] + 0.6))
        b = (x2 - ux * (radius[e.target] + 0.6), y2 - uy * (radius[e.target] + 0.6))
        style = EDGE_STYLES[e.kind]
        if style.arrow:
            size = 3.2 + style.width * 0.5
            base = (b[0] - ux * size, b[1] - uy * size)
            heads.setdefault(style.colour, []).append(
                [b, (base[0] - uy * size * 0.42, base[1] + ux * size * 0.42), (base[0] + uy * size * 0.42, base[1] - ux * size * 0.42)])
            b = base
        segments.setdefault(e.kind, []).append([a, b])
        if e.label:
            labels.append(((x1 + x2) / 2, (y1 + y2) / 2, e.label, style.colour))
    for kind, segs in segments.items():
        style = EDGE_STYLES[kind]
        ax.add_collection(LineCollection(segs, colors=style.colour, linewidths=max(0.45, style.width * 0.45),
                                         linestyles=_dashes(style.dashes), zorder=1, capstyle="butt"))
    for colour, polys in heads.items():
        ax.add_collection(PolyCollection(polys, facecolors=colour, edgecolors="none", zorder=1.5))
    for x, y, label, colour in labels:
        ax.text(x, y, text(label), fontsize=4.6, color=colour, ha="center", va="center", zorder=4,
                bbox={"boxstyle": "square,pad=0.08", "fc": "white", "ec": "none"})

    by_kind: dict[str, list[str]] = {}
    for nid, n in graph.nodes.items():
        by_kind.setdefault(n.kind, []).append(nid)
    for z, kind in enumerate(DRAW_ORDER, start=2):
        group = by_kind.get(kind, [])
        if not group:
            continue
        style = NODE_STYLES[kind]
        xs, ys = [pos[i][0] for i in group], [pos[i][1] for i in group]
        if kind == "MissingLink":
            ax.scatter(xs, ys, s=[area[i] for i in group], marker=MARKERS[style.shape], c="white",
                       edgecolors=MISSING_BORDER, linewidths=1.1, linestyles=(0, (2, 1.5)), zorder=z)
        else:
            colours = [sector_colour(graph.nodes[i].sector) if kind == "Organisation" else style.colour for i in group]
            ax.scatter(xs, ys, s=[area[i] for i in group], marker=MARKERS[style.shape], c=colours,
                       edgecolors="#212B32", linewidths=0.35, zorder=z)
        for i in group:
            ax.text(pos[i][0], pos[i][1] + radius[i] + 0.8, text(short_label(graph.nodes[i].label)), ha="center",
                    va="top", fontsize=FONT.get(kind, 5), color="#212B32", zorder=20, linespacing=1.0,
                    fontweight="bold" if kind in ("Place", "ICS") else "normal",
                    bbox={"boxstyle": "square,pad=0.05", "fc": (1, 1, 1, 0.72), "ec": "none"})
    if handles:
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=3, fontsize=5.6,
                   frameon=False, handlelength=2.6, columnspacing=1.2, labelspacing=0.3, borderaxespad=0.2)
    return fig


def figure_png(fig: Any, dpi: int = 200) -> bytes:
    """A figure as a compact PNG for documents: drawn without hinting (pointless at print
    resolution, and half the drawing time), in 256 colours (a third of the size, and a PDF
    writer embeds one byte per pixel instead of three), with its resolution recorded."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    with matplotlib.rc_context({"text.hinting": "no_hinting"}):
        canvas.draw()
    size = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3, dpi=(dpi, dpi))
    return buffer.getvalue()


def diagram_png(graph: DiagramGraph, width_in: float = 6.9, height_in: float | None = None, dpi: int = 200) -> bytes:
    """The diagram as PNG bytes."""
    return figure_png(diagram_figure(graph, width_in, height_in), dpi)


def write_static(graph: DiagramGraph, path: str | Path) -> Path:
    """Write the diagram as .png or .svg (by the file's extension)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        from ..errors import UserError

        raise UserError(f"A static diagram is written as .png or .svg; got {path.name!r}.")
    fig = diagram_figure(graph, title=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt, dpi=200, metadata={"Date": None} if fmt == "svg" else {"Software": None})
    return path


def summary(graph: DiagramGraph) -> str:
    """A sentence saying what the picture holds (its alternative text)."""
    kinds = Counter(n.kind for n in graph.nodes.values())
    links = Counter(e.kind for e in graph.edges)
    parts = []
    for kind, one, many in (("Board", "board", "boards"), ("Organisation", "organisation", "organisations"),
                            ("Agreement", "agreement", "agreements"), ("Neighbourhood", "neighbourhood", "neighbourhoods"),
                            ("PCN", "PCN", "PCNs"), ("Practice", "GP practice", "GP practices")):
        if kinds[kind]:
            parts.append(f"{kinds[kind]} {one if kinds[kind] == 1 else many}")
    signed = links["signed"]
    missing = links["not_signed"] + links["not_listed"]
    cot = links["leads_coterminous"] + links["main_place_coterminous"]
    not_cot = links["leads_not_coterminous"] + links["main_place_not_coterminous"]
    sentence = (f"Network diagram of {graph.title}, as at {graph.as_at.isoformat()}: {', '.join(parts) or 'no nodes'}. "
                f"{links['member_core']} core and {links['member_wider']} wider board memberships; "
                f"{signed} signatures, {missing} expected signatures missing; "
                f"{links['missing_link']} expected links missing; ")
    if kinds["Person"]:
        sentence += f"a place lead endorsed by {links['endorsed']} organisations; "
    sentence += f"PCN links: {cot} coterminous, {not_cot} not coterminous."
    return sentence


__all__ = ["diagram_figure", "diagram_png", "figure_png", "legend_handles", "positions", "summary", "write_static"]
