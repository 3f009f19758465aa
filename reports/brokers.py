"""Brokers: organisations that connect many boards and partnerships (degree and betweenness)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .base import Context, Report, count

if TYPE_CHECKING:
    from .settings import ReportSettings

COLUMNS = ("organisation_code", "organisation_name", "boards", "places", "betweenness")
SEED = 20210930


def _brandes(adj: list[list[int]], sources: list[int], n: int) -> list[float]:
    """Brandes' accumulation from `sources` on an unweighted graph (adjacency lists of ints).

    Returns, per node, the sum over the sources of its dependency: each unordered pair is
    counted from both ends when every node is a source, as networkx counts it.
    """
    bc = [0.0] * n
    for s in sources:
        sigma = [0] * n
        dist = [-1] * n
        sigma[s], dist[s] = 1, 0
        order = [s]
        i = 0
        while i < len(order):
            v = order[i]
            i += 1
            dv, sv = dist[v] + 1, sigma[v]
            for w in adj[v]:
                if dist[w] < 0:
                    dist[w] = dv
                    sigma[w] = sv
                    order.append(w)
                elif dist[w] == dv:
                    sigma[w] += sv
        delta = [0.0] * n
        for w in reversed(order):
            dw = dist[w] - 1
            coeff = (1.0 + delta[w]) / sigma[w]
            for v in adj[w]:
                if dist[v] == dw:
                    delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] += delta[w]
    return bc


def betweenness(edges: list[tuple[str, str]], settings: ReportSettings) -> dict[str, float]:
    """Betweenness of each organisation on the organisation–board graph, normalised as networkx does.

    Computed per connected component (no shortest path leaves one) and rescaled to the
    whole graph, which gives exactly `nx.betweenness_centrality(G)` for components up to
    `betweenness_exact_max_nodes`. Larger components are estimated from pivots sampled
    with a fixed seed (`betweenness_samples` in all, shared in proportion to size), as
    networkx does with `k`: repeatable, and seconds instead of minutes at England scale.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from((("o", org), ("b", board)) for org, board in edges)
    n = graph.number_of_nodes()
    out: dict[str, float] = {node[1]: 0.0 for node in graph if node[0] == "o"}
    if n <= 2:
        return out
    scale = 1.0 / ((n - 1) * (n - 2))
    components = [sorted(c) for c in nx.connected_components(graph) if len(c) > 2]
    large = sum(len(c) for c in components if len(c) > settings.betweenness_exact_max_nodes)
    rng = random.Random(SEED)
    for nodes in sorted(components):
        index = {node: i for i, node in enumerate(nodes)}
        adj = [[index[w] for w in sorted(graph[node])] for node in nodes]
        size = len(nodes)
        sources = list(range(size))
        factor = 1.0
        if size > settings.betweenness_exact_max_nodes:
            k = min(size, max(1, round(settings.betweenness_samples * size / large)))
            sources = sorted(rng.sample(sources, k))
            factor = size / k
        for node, value in zip(nodes, _brandes(adj, sources, size)):
            if node[0] == "o":
                out[node[1]] = value * factor * scale
    return out


def build(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    records = ctx.records("report-brokers")
    if not records:
        return COLUMNS, []
    edges = [(r["organisation_code"], r["board_code"]) for r in ctx.records("report-membership-edges")]
    scores = betweenness(edges, ctx.settings)
    rows = [
        [r["organisation_code"], r["organisation_name"], count(r["boards"]), count(r["places"]),
         round(scores.get(r["organisation_code"], 0.0), 6)]
        for r in records
    ]
    rows.sort(key=lambda row: (-row[3], -row[2], -row[4], row[0]))
    return COLUMNS, rows


BROKERS = Report(
    "brokers",
    "Organisations ranked by the partnerships (places) and boards they connect, with their betweenness.",
    COLUMNS,
    ("report-brokers", "report-membership-edges"),
    build,
)
