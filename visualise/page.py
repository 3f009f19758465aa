"""The diagram as one self-contained, offline, escaped HTML page.

pyvis builds the node and edge records (its `Network.add_node` / `add_edge`); the page
is our own Jinja2 template (autoescape on), not pyvis's, because pyvis's template
fetches Bootstrap and tom-select from CDNs and writes tooltips as raw HTML.
Everything the page needs is inlined: vis-network's JS and CSS (the copy pyvis ships),
our controls (`assets/diagram.js`, `assets/diagram.css`). The data travels as JSON in
a `<script type="application/json">` block with `<`, `>`, `&`, U+2028 and U+2029
escaped, and the page's Content-Security-Policy allows only its own inline scripts
(by hash) and no network at all, so nothing in the data can run or fetch.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from .graph import DiagramGraph
from .html import inline_safe as _inline_safe
from .html import links as page_links
from .html import page_csp, script_json, template
from .layout import initial_positions
from .style import (
    ADDED_COLOUR,
    EDGE_STYLES,
    MISSING_BORDER,
    NODE_STYLES,
    REMOVED_COLOUR,
    kind_label,
    node_size,
    sector_colour,
    sector_label,
)

ASSETS = Path(__file__).parent / "assets"
VIS_VERSION = "9.1.2"
LARGE = 300  # nodes: above this, straight edges, no improved layout, edges hidden while dragging
LABEL_MAX = 48


# -- assets ---------------------------------------------------------------------------------


def _vis_dir() -> Path:
    """vis-network's standalone build: our own copy if present, else the one pyvis ships."""
    own = ASSETS / "vis-network"
    if (own / "vis-network.min.js").is_file():
        return own
    import pyvis

    shipped = Path(pyvis.__file__).parent / "lib" / f"vis-{VIS_VERSION}"
    if (shipped / "vis-network.min.js").is_file():
        return shipped
    raise FileNotFoundError(
        f"vis-network {VIS_VERSION} not found in {own} nor in pyvis's package ({shipped}); "
        "reinstall pyvis 0.3.2 or put vis-network.min.js and vis-network.min.css in visualise/assets/vis-network/"
    )


@cache
def assets() -> dict[str, str]:
    vis = _vis_dir()
    css_name = "vis-network.min.css" if (vis / "vis-network.min.css").is_file() else "vis-network.css"
    return {
        "vis_js": _inline_safe((vis / "vis-network.min.js").read_text(encoding="utf-8"), "script"),
        "vis_css": _inline_safe((vis / css_name).read_text(encoding="utf-8"), "style"),
        "page_js": _inline_safe((ASSETS / "diagram.js").read_text(encoding="utf-8"), "script"),
        "page_css": _inline_safe((ASSETS / "diagram.css").read_text(encoding="utf-8"), "style"),
        "template": (ASSETS / "diagram.html.j2").read_text(encoding="utf-8"),
    }


@cache
def _template() -> Any:
    return template(assets()["template"])


# -- vis-network options -------------------------------------------------------------------


def vis_options(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """Physics that settles quickly then stops (the page turns physics off once stable).

    forceAtlas2Based, started from `layout.initial_positions` (already readable), with
    a bounded number of iterations: many for a small diagram (more room, no overlaps),
    few for a large one, where each step costs tens of milliseconds and the starting
    layout needs only tidying. Large diagrams also get straight edges, no improved
    layout, no overlap avoidance (costly) and edges hidden while dragging or zooming.
    """
    large = n_nodes > LARGE
    if n_nodes <= 120:
        tune = {"g": -110, "central": 0.012, "spring": 120, "overlap": 0.6, "iterations": 300, "min_v": 0.75}
    elif n_nodes <= 600:
        tune = {"g": -70, "central": 0.008, "spring": 90, "overlap": 0.2, "iterations": 150, "min_v": 1.5}
    else:
        tune = {"g": -45, "central": 0.004, "spring": 70, "overlap": 0, "iterations": 50, "min_v": 3.0}
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "theta": 0.9 if large else 0.6,
                "gravitationalConstant": tune["g"],
                "centralGravity": tune["central"],
                "springLength": tune["spring"],
                "springConstant": 0.06,
                "damping": 0.6,
                "avoidOverlap": tune["overlap"],
            },
            "maxVelocity": 40,
            "minVelocity": tune["min_v"],
            "timestep": 0.45,
            "adaptiveTimestep": True,
            "stabilization": {"enabled": True, "iterations": tune["iterations"], "updateInterval": 25, "fit": True},
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": True,
            "navigationButtons": False,
            "keyboard": False,
        },
        "nodes": {
            "font": {"size": 13, "face": "Arial, Helvetica, sans-serif", "color": "#212B32",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1.5,
        },
        "edges": {
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "font": {"size": 11, "face": "Arial, Helvetica, sans-serif", "align": "middle", "strokeWidth": 3},
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.6}},
            "selectionWidth": 2,
        },
    }


# -- pyvis: node and edge records ------------------------------------------------------------


class _Ids(list):
    """pyvis checks `id in node_ids` (a list) for every node and edge: O(n) each.
    A list that also keeps a set makes that check O(1) without changing pyvis."""

    def __init__(self) -> None:
        super().__init__()
        self._set: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._set.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._set


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _info_pairs(info: dict[str, Any]) -> list[list[str]]:
    out = []
    for key, value in info.items():
        if value is None or value == "":
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        out.append([str(key), str(value)])
    return out


def _when(spans: list[Any] | None) -> list[list[str | None]] | None:
    """Days drawn on, as ISO date pairs for the page's script (None: every day)."""
    if spans is None:
        return None
    return [[a.isoformat() if a else None, b.isoformat() if b else None] for a, b in spans]


def _shown_on(spans: list[Any] | None, day: Any) -> bool:
    return spans is None or any((a is None or a <= day) and (b is None or b >= day) for a, b in spans)


def to_pyvis(graph: DiagramGraph, positions: dict[str, tuple[float, float]] | None = None) -> Any:
    """A pyvis Network holding the diagram's nodes and edges, styled (no options set)."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    net.node_ids = _Ids()
    positions = positions if positions is not None else initial_positions(graph)
    for node in graph.nodes.values():
        style = NODE_STYLES[node.kind]
        colour = sector_colour(node.sector) if node.kind == "Organisation" else style.colour
        extra: dict[str, Any] = {}
        border = colour
        if node.kind == "MissingLink":
            border = MISSING_BORDER
            extra["shapeProperties"] = {"borderDashes": [4, 3]}
            extra["borderWidth"] = 2.5
        x, y = positions.get(node.id, (0.0, 0.0))
        if node.when is not None:
            extra["when"] = _when(node.when)
            extra["hidden"] = not _shown_on(node.when, graph.as_at)
        net.add_node(
            node.id,
            label=_short(node.label),
            shape=style.shape,
            color={"background": colour, "border": border,
                   "highlight": {"background": colour, "border": "#212B32"},
                   "hover": {"background": colour, "border": "#212B32"}},
            size=node_size(node.kind, node.weight),
            x=x, y=y,
            kind=node.kind, sector=node.sector or "", code=node.code, name=node.label,
            info=_info_pairs(node.info),
            **extra,
        )
    for i, edge in enumerate(graph.edges):
        style = EDGE_STYLES[edge.kind]
        timed: dict[str, Any] = {}
        if edge.when is not None:
            timed = {"when": _when(edge.when), "hidden": not _shown_on(edge.when, graph.as_at)}
        net.add_edge(
            edge.source, edge.target,
            id=f"e{i}",
            color={"color": style.colour, "highlight": style.colour, "hover": style.colour, "inherit": False},
            width=style.width,
            dashes=list(style.dashes) if style.dashes else False,
            arrows="to" if style.arrow else "",
            label=edge.label or None,
            kind=edge.kind,
            info=_info_pairs({"link": style.label, **edge.info}),
            **timed,
        )
    return net


# -- the page ---------------------------------------------------------------------------------

_SHAPE_SVG = {
    "dot": '<circle cx="9" cy="9" r="6"/>',
    "diamond": '<polygon points="9,2 16,9 9,16 2,9"/>',
    "square": '<rect x="3" y="3" width="12" height="12"/>',
    "triangle": '<polygon points="9,2 16,15 2,15"/>',
    "triangleDown": '<polygon points="2,3 16,3 9,16"/>',
    "hexagon": '<polygon points="5,3 13,3 17,9 13,15 5,15 1,9"/>',
    "star": '<polygon points="9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7"/>',
}


def _legend(graph: DiagramGraph) -> dict[str, list[dict[str, Any]]]:
    kinds = {n.kind for n in graph.nodes.values()}
    sectors = sorted({n.sector or "" for n in graph.nodes.values() if n.kind == "Organisation"})
    edge_kinds = {e.kind for e in graph.edges}
    node_rows = []
    for kind, style in NODE_STYLES.items():
        if kind in kinds:
            node_rows.append({
                "label": style.label, "svg": _SHAPE_SVG[style.shape],
                "fill": "#ffffff" if kind == "Organisation" else style.colour,
                "stroke": MISSING_BORDER if kind == "MissingLink" else "#425563",
                "dash": "3,2" if kind == "MissingLink" else "",
            })
    sector_rows = [{"label": sector_label(s or None), "colour": sector_colour(s or None)} for s in sectors]
    edge_rows = [
        {"label": style.label, "colour": style.colour, "width": style.width,
         "dash": ",".join(str(d) for d in style.dashes)}
        for kind, style in EDGE_STYLES.items() if kind in edge_kinds and style.in_legend
    ]
    return {"nodes": node_rows, "sectors": sector_rows, "edges": edge_rows}


def _filters(graph: DiagramGraph) -> dict[str, list[list[Any]]]:
    kinds: dict[str, int] = {}
    sectors: dict[str, int] = {}
    for n in graph.nodes.values():
        kinds[n.kind] = kinds.get(n.kind, 0) + 1
        if n.kind == "Organisation":
            sectors[n.sector or ""] = sectors.get(n.sector or "", 0) + 1
    return {
        "kinds": [[k, NODE_STYLES[k].label, kinds[k]] for k in NODE_STYLES if k in kinds],
        "sectors": [[s, sector_label(s or None), sector_colour(s or None), c] for s, c in sorted(sectors.items())],
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "diagram"


def page_data(graph: DiagramGraph, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page's script receives: nodes, edges, options, filters (plain JSON)."""
    net = to_pyvis(graph)
    net.options = options if options is not None else vis_options(len(graph.nodes), len(graph.edges))
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    return {
        "title": graph.title,
        "filename": _slug(f"{graph.scope}-{graph.code}"),
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options_json),
        "filters": _filters(graph),
        "time": _time(graph),
    }


def _time(graph: DiagramGraph) -> dict[str, Any] | None:
    """The time slider: its dates (where something changed) and where it starts (the page's date)."""
    if not graph.stops:
        return None
    return {"stops": [d.isoformat() for d in graph.stops], "as_at": graph.as_at.isoformat(),
            "added": ADDED_COLOUR, "removed": REMOVED_COLOUR}


def render_html(graph: DiagramGraph, options: dict[str, Any] | None = None,
                links: list[dict[str, str]] | None = None) -> str:
    """The complete HTML page for the diagram. `links`: [{label, href}] to other pages (the map)."""
    a = assets()
    data_json = script_json(page_data(graph, options))
    summary = [f"{len(graph.nodes):,} nodes, {len(graph.edges):,} links"]
    for kind, one, many in (("Organisation", "organisation", "organisations"), ("Board", "board", "boards"),
                            ("PCN", "PCN", "PCNs"), ("Practice", "practice", "practices")):
        n = graph.count(kind)
        if n:
            summary.append(f"{n:,} {one if n == 1 else many}")
    if graph.scope in ("place", "ics"):
        summary.append(f"{graph.edge_count('not_signed') + graph.edge_count('not_listed'):,} expected signatures missing")
    if graph.scope != "pcn":
        summary.append(f"{graph.edge_count('missing_link'):,} expected links missing")
    csp = page_csp(a["vis_js"], a["page_js"])
    stops = [d.isoformat() for d in graph.stops]
    return _template().render(
        stops=stops,
        as_at_index=stops.index(graph.as_at.isoformat()) if graph.as_at.isoformat() in stops else 0,
        added_colour=ADDED_COLOUR,
        removed_colour=REMOVED_COLOUR,
        title=graph.title,
        scope={"ics": "ICS", "pcn": "PCN"}.get(graph.scope, kind_label(graph.scope)),
        code=graph.code,
        as_at=graph.as_at.isoformat(),
        summary=summary,
        notes=graph.notes,
        legend=_legend(graph),
        csp=csp,
        links=page_links(links),
        data_json=data_json,
        vis_js=a["vis_js"],
        vis_css=a["vis_css"],
        page_js=a["page_js"],
        page_css=a["page_css"],
    )


def write_html(graph: DiagramGraph, path: str | Path, options: dict[str, Any] | None = None,
               links: list[dict[str, str]] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(graph, options, links), encoding="utf-8")
    return path


__all__ = ["assets", "page_data", "render_html", "script_json", "to_pyvis", "vis_options", "write_html"]
