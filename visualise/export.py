"""The diagram's graph for other tools: GraphML (yEd, Cytoscape), GEXF (Gephi), JSON.

Attributes are flat and typed (kind, code, label, sector, weight, and the details
shown in the tooltips). GEXF also carries each node's colour, size and starting
position, so Gephi opens it looking like the diagram. Characters XML cannot hold
(control characters) are dropped; everything else is escaped by the writers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import UserError
from .graph import DiagramGraph
from .style import NODE_STYLES, node_size, sector_colour

FORMATS = ("graphml", "gexf", "json")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> Any:
    return _XML_INVALID.sub("", value) if isinstance(value, str) else value


def _xml_ready(g: Any) -> Any:
    g.graph.update({k: _clean(v) for k, v in g.graph.items()})
    for _, attrs in g.nodes(data=True):
        for k in list(attrs):
            attrs[k] = _clean(attrs[k])
    for _, _, attrs in g.edges(data=True):
        for k in list(attrs):
            attrs[k] = _clean(attrs[k])
    return g


def _rgb(colour: str) -> dict[str, int]:
    colour = colour.lstrip("#")
    return {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16), "a": 1.0}


def to_gexf_graph(graph: DiagramGraph) -> Any:
    from .layout import initial_positions

    g = _xml_ready(graph.to_networkx())
    positions = initial_positions(graph)
    for node in graph.nodes.values():
        colour = sector_colour(node.sector) if node.kind == "Organisation" else NODE_STYLES[node.kind].colour
        x, y = positions.get(node.id, (0.0, 0.0))
        g.nodes[node.id]["viz"] = {
            "color": _rgb(colour), "size": float(node_size(node.kind, node.weight)),
            "position": {"x": float(x), "y": float(-y), "z": 0.0},
        }
    return g


def export_graph(graph: DiagramGraph, path: str | Path, fmt: str | None = None) -> Path:
    """Write `graph` to `path` as `fmt` (default: from the file's extension)."""
    import networkx as nx

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UserError(f"Export format must be one of {', '.join(FORMATS)}; got {fmt!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps(graph.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif fmt == "graphml":
        nx.write_graphml(_xml_ready(graph.to_networkx()), path, encoding="utf-8", prettyprint=True)
    else:
        nx.write_gexf(to_gexf_graph(graph), path, encoding="utf-8", prettyprint=True)
    return path


__all__ = ["FORMATS", "export_graph", "to_gexf_graph"]
