"""Brokers: organisations that connect many boards and partnerships (degree and betweenness)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .base import Context, Report, count

if TYPE_CHECKING:
    import numpy as np

    from .settings import ReportSettings

COLUMNS = ("organisation_code", "organisation_name", "boards", "places", "betweenness")
SEED = 20210930
BLOCK = 256  # sources whose shortest paths are followed together (memory: nodes x BLOCK floats a few times)


def _spread(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions starts[i], starts[i] + 1, ... (counts[i] of them) for every i, end to end."""
    import numpy as np

    offsets = np.cumsum(counts) - counts
    return np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))


def _brandes(ptr: np.ndarray, nbrs: np.ndarray, sources: list[int]) -> np.ndarray:
    """Brandes' accumulation from `sources` on an unweighted graph given as adjacency arrays
    (node v's neighbours are nbrs[ptr[v]:ptr[v + 1]]).

    Returns, per node, the sum over the sources of its dependency: each unordered pair is
    counted from both ends when every node is a source, as networkx counts it. The textbook
    algorithm run for a block of sources at once, level by level, on arrays of (node, source)
    pairs: the same sums as one breadth-first search per source, in numpy instead of Python.
    """
    import numpy as np

    n = len(ptr) - 1
    deg = np.diff(ptr)
    bc = np.zeros(n)
    for lo in range(0, len(sources), BLOCK):
        block = np.asarray(sources[lo:lo + BLOCK], dtype=np.int64)
        k = len(block)
        size = n * k  # pair (v, source j) is v * k + j
        dist = np.full(size, -1, dtype=np.int64)
        sigma = np.zeros(size)  # shortest paths from the source to v
        keys = block * k + np.arange(k)
        dist[keys], sigma[keys] = 0, 1.0
        levels = [keys]  # the pairs at each distance
        while True:  # forward: the next level's pairs and their path counts
            v, j = np.divmod(keys, k)
            counts = deg[v]
            target = nbrs[_spread(ptr[v], counts)] * k + np.repeat(j, counts)
            weights = np.repeat(sigma[keys], counts)
            fresh = dist[target] < 0
            if not fresh.any():
                break
            summed = np.bincount(target[fresh], weights[fresh], minlength=size)
            keys = np.flatnonzero(summed)
            dist[keys], sigma[keys] = len(levels), summed[keys]
            levels.append(keys)
        delta = np.zeros(size)
        for d in range(len(levels) - 1, 0, -1):  # backward: dependencies, farthest level first
            keys = levels[d]
            v, j = np.divmod(keys, k)
            counts = deg[v]
            target = nbrs[_spread(ptr[v], counts)] * k + np.repeat(j, counts)
            weights = np.repeat((1.0 + delta[keys]) / sigma[keys], counts)
            closer = dist[target] == d - 1
            acc = np.bincount(target[closer], weights[closer], minlength=size)
            prev = levels[d - 1]
            delta[prev] += sigma[prev] * acc[prev]
        delta[levels[0]] = 0.0  # a source's own dependency does not count
        bc += delta.reshape(n, k).sum(axis=1)
    return bc


def _components(ptr: np.ndarray, nbrs: np.ndarray) -> np.ndarray:
    """Per node, the smallest node of its connected component (every node has a neighbour)."""
    import numpy as np

    label = np.arange(len(ptr) - 1)
    while True:
        lowest = np.minimum(label, np.minimum.reduceat(label[nbrs], ptr[:-1]))
        lowest = lowest[lowest]  # jump: a node's label takes its label's label
        if np.array_equal(lowest, label):
            return label
        label = lowest


def betweenness(edges: list[tuple[str, str]], settings: ReportSettings) -> dict[str, float]:
    """Betweenness of each organisation on the organisation–board graph, normalised as networkx does.

    Computed per connected component (no shortest path leaves one) and rescaled to the
    whole graph, which gives exactly `nx.betweenness_centrality(G)` for components up to
    `betweenness_exact_max_nodes`. Larger components are estimated from pivots sampled
    with a fixed seed (`betweenness_samples` in all, shared in proportion to size), as
    networkx does with `k`: repeatable, and seconds instead of minutes at England scale.
    """
    import numpy as np

    orgs = sorted({org for org, _ in edges})
    boards = sorted({board for _, board in edges})
    out: dict[str, float] = dict.fromkeys(orgs, 0.0)
    n = len(orgs) + len(boards)
    if n <= 2:
        return out
    # Nodes in the order networkx's ("b", board) < ("o", organisation) tuples sort: boards, then organisations.
    at = {board: i for i, board in enumerate(boards)}
    first_org = len(boards)
    at_org = {org: first_org + i for i, org in enumerate(orgs)}
    pairs = np.unique(np.array([(at_org[o], at[b]) for o, b in edges], dtype=np.int64).reshape(-1, 2), axis=0)
    ends = np.concatenate([pairs, pairs[:, ::-1]])
    ends = ends[np.lexsort((ends[:, 1], ends[:, 0]))]  # by node, then neighbour: sorted adjacency
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends[:, 0], minlength=n), out=ptr[1:])
    label = _components(ptr, ends[:, 1])
    scale = 1.0 / ((n - 1) * (n - 2))
    roots, sizes = np.unique(label, return_counts=True)
    big = roots[sizes > 2]  # in the order of their smallest node, as networkx's sorted components
    large = int(sizes[(sizes > 2) & (sizes > settings.betweenness_exact_max_nodes)].sum())
    rng = random.Random(SEED)
    local = np.full(n, -1, dtype=np.int64)
    for root in big:
        nodes = np.flatnonzero(label == root)
        size = len(nodes)
        local[nodes] = np.arange(size)
        counts = np.diff(ptr)[nodes]
        sub_ptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(counts, out=sub_ptr[1:])
        sub_nbrs = local[ends[_spread(ptr[nodes], counts), 1]]
        sources = list(range(size))
        factor = 1.0
        if size > settings.betweenness_exact_max_nodes:
            k = min(size, max(1, round(settings.betweenness_samples * size / large)))
            sources = sorted(rng.sample(sources, k))
            factor = size / k
        values = _brandes(sub_ptr, sub_nbrs, sources) * (factor * scale)
        for node, value in zip(nodes.tolist(), values.tolist()):
            if node >= first_org:
                out[orgs[node - first_org]] = value
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
