"""Brokers: organisations that connect many boards and partnerships (degree and betweenness)."""

from __future__ import annotations

from typing import Any

import networkx as nx

from .base import Context, Report, count
from .settings import ReportSettings

COLUMNS = ("organisation_code", "organisation_name", "boards", "places", "betweenness")
SEED = 20210930


def betweenness(edges: list[tuple[str, str]], settings: ReportSettings) -> dict[str, float]:
    """Betweenness of each organisation on the organisation–board graph, normalised as networkx does.

    Computed per connected component (paths never cross components) and rescaled to the
    whole graph, which gives exactly `nx.betweenness_centrality(G)`. A component larger
    than `betweenness_exact_max_nodes` is estimated from a fixed sample of pivots.
    """
    graph = nx.Graph()
    graph.add_edges_from((("o", org), ("b", board)) for org, board in edges)
    n = graph.number_of_nodes()
    out: dict[str, float] = {node[1]: 0.0 for node in graph if node[0] == "o"}
    if n <= 2:
        return out
    scale = 2.0 / ((n - 1) * (n - 2))
    for component in nx.connected_components(graph):
        if len(component) <= 2:
            continue
        sub = graph.subgraph(component)
        k = None
        if len(component) > settings.betweenness_exact_max_nodes:
            k = min(settings.betweenness_samples, len(component))
        raw = nx.betweenness_centrality(sub, k=k, normalized=False, seed=SEED)
        for node, value in raw.items():
            if node[0] == "o":
                out[node[1]] = value * scale
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
