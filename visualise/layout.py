"""Starting positions that already read well, so the physics only tidies up.

vis-network's physics costs tens of milliseconds per step at 2,000 nodes on a modest
machine, so a diagram that starts from random positions needs seconds to settle. This
places every node where it belongs, in O(n):

- each Place is a cluster; clusters sit on a ring around the ICS (one Place: centred);
- in a cluster, the Place in the middle with its agreement and place lead, its boards
  on an inner ring, neighbourhoods on an outer ring with the PCN that leads each just
  outside it and the PCN's practices beyond;
- an organisation sits among the boards it is a member of (their mean position, then
  a small golden-angle spiral so members of one board do not pile up); one with no
  membership here sits near the agreement or lead it is linked to;
- a missing-link marker sits just outside its board; an outside board near the board
  it is linked to; the ICS and ICS-wide boards in the middle.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .graph import DiagramGraph

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
SPACING = 42.0  # typical distance between neighbours, in vis-network units (large diagrams)
SMALL = 120  # diagrams up to this many nodes get more room

Point = tuple[float, float]


def _spiral_offset(i: int, spacing: float) -> Point:
    r = spacing * math.sqrt(i + 0.5)
    a = i * GOLDEN_ANGLE
    return r * math.cos(a), r * math.sin(a)


def _ring(n: int, radius: float, start: float = -math.pi / 2) -> list[Point]:
    return [(radius * math.cos(start + 2 * math.pi * k / max(n, 1)), radius * math.sin(start + 2 * math.pi * k / max(n, 1)))
            for k in range(n)]


def initial_positions(graph: DiagramGraph) -> dict[str, Point]:
    """Node id -> (x, y)."""
    nodes = graph.nodes
    sp = SPACING * (1.6 if len(nodes) <= SMALL else 1.0)
    pos: dict[str, Point] = {}
    by_home: dict[str | None, list[str]] = defaultdict(list)
    for node in nodes.values():
        by_home[node.home if node.kind != "ICS" else None].append(node.id)
    homes = sorted(h for h in by_home if h is not None)

    # Cluster centres and radii.
    radius = {h: sp * 1.15 * math.sqrt(len(by_home[h]) + 4) for h in homes}
    centre: dict[str | None, Point] = {None: (0.0, 0.0)}
    middle = by_home.get(None, [])
    if len(homes) == 1:
        centre[homes[0]] = (0.0, 0.0)
    elif homes:
        inner = sp * math.sqrt(len(middle) + 1)
        circumference = sum(2 * r + sp for r in radius.values())
        ring = max(circumference / (2 * math.pi), inner + max(radius.values()) + sp)
        angle = -math.pi / 2
        for h in homes:
            step = (2 * radius[h] + sp) / ring
            angle += step / 2
            centre[h] = (ring * math.cos(angle), ring * math.sin(angle))
            angle += step / 2

    out_edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    in_edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in graph.edges:
        out_edges[e.source].append((e.target, e.kind))
        in_edges[e.target].append((e.source, e.kind))

    def kind_ids(ids: list[str], kind: str) -> list[str]:
        return sorted((i for i in ids if nodes[i].kind == kind), key=lambda i: nodes[i].code)

    # The skeleton of each cluster: Place, lead, agreement, boards, neighbourhoods, PCNs, practices.
    for h in [*homes, None]:
        ids = by_home.get(h, [])
        cx, cy = centre[h]
        r = radius.get(h, sp * math.sqrt(len(ids) + 4))
        for i, nid in enumerate(kind_ids(ids, "ICS") + kind_ids(ids, "Place")):
            dx, dy = _spiral_offset(i, sp) if i else (0.0, 0.0)
            pos[nid] = (cx + dx, cy + dy)
        for k, nid in enumerate(kind_ids(ids, "Person") + kind_ids(ids, "Agreement")):
            a = math.pi / 4 + k * math.pi / 2
            pos[nid] = (cx + 1.6 * sp * math.cos(a), cy + 1.6 * sp * math.sin(a))
        boards = kind_ids(ids, "Board")
        for nid, (dx, dy) in zip(boards, _ring(len(boards), max(0.32 * r, 2.2 * sp), start=-math.pi / 3)):
            pos[nid] = (cx + dx, cy + dy)
        neighbourhoods = kind_ids(ids, "Neighbourhood")
        nb_angle: dict[str, float] = {}
        for k, nid in enumerate(neighbourhoods):
            a = math.pi / 2 + 2 * math.pi * k / max(len(neighbourhoods), 1)
            nb_angle[nid] = a
            pos[nid] = (cx + 0.72 * r * math.cos(a), cy + 0.72 * r * math.sin(a))
        pcns = kind_ids(ids, "PCN")
        taken: dict[str, int] = defaultdict(int)
        free = 0
        for nid in pcns:
            led = [t for t, kind in out_edges[nid] if t in nb_angle and kind.startswith("leads")]
            if led:
                a = nb_angle[led[0]] + 0.12 * taken[led[0]]
                taken[led[0]] += 1
            else:
                a = -math.pi / 2 + 0.2 * free
                free += 1
            pos[nid] = (cx + 0.86 * r * math.cos(a), cy + 0.86 * r * math.sin(a))
            practices = sorted(s for s, kind in in_edges[nid] if kind == "practice_member")
            for j, pid in enumerate(practices):
                b = a + (j - (len(practices) - 1) / 2) * (0.7 * sp / r)
                pos[pid] = (cx + 1.0 * r * math.cos(b), cy + 1.0 * r * math.sin(b))

    # Boards outside any cluster (linked from one): near the board they are linked to.
    for nid in kind_ids(list(nodes), "Board"):
        if nid in pos and nodes[nid].home is not None:
            continue
        linked = [t for t, _ in out_edges[nid] if t in pos] + [s for s, _ in in_edges[nid] if s in pos]
        if linked and nid not in pos:
            x = sum(pos[i][0] for i in linked) / len(linked)
            y = sum(pos[i][1] for i in linked) / len(linked)
            pos[nid] = (x + sp, y + sp)

    # Organisations: among their boards; else near what they are linked to.
    crowd: dict[tuple[int, int], int] = defaultdict(int)
    for nid in kind_ids(list(nodes), "Organisation"):
        anchors = [t for t, kind in out_edges[nid] if kind.startswith("member_") and t in pos]
        if not anchors:
            anchors = [t for t, _ in out_edges[nid] if t in pos]
        if anchors:
            x = sum(pos[i][0] for i in anchors) / len(anchors)
            y = sum(pos[i][1] for i in anchors) / len(anchors)
        else:
            x, y = centre.get(nodes[nid].home, (0.0, 0.0))
        key = (round(x / sp), round(y / sp))
        dx, dy = _spiral_offset(crowd[key] + 2, sp * 0.75)
        crowd[key] += 1
        pos[nid] = (x + dx, y + dy)

    # Missing-link markers just outside their board (fanned out when a board misses several).
    fan: dict[str, int] = defaultdict(int)
    for nid in kind_ids(list(nodes), "MissingLink"):
        boards = [s for s, _ in in_edges[nid] if s in pos]
        if boards:
            bx, by = pos[boards[0]]
            cx, cy = centre.get(nodes[nid].home, (0.0, 0.0))
            a = math.atan2(by - cy, bx - cx) + 0.5 * (fan[boards[0]] - 1)
            fan[boards[0]] += 1
            pos[nid] = (bx + 1.4 * sp * math.cos(a), by + 1.4 * sp * math.sin(a))
    leftover = [nid for nid in nodes if nid not in pos]
    for i, nid in enumerate(leftover):
        cx, cy = centre.get(nodes[nid].home, (0.0, 0.0))
        dx, dy = _spiral_offset(i + 3, sp)
        pos[nid] = (cx + dx, cy + dy)
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


__all__ = ["initial_positions"]
