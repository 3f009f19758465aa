"""A seeded random sample of an area's mutants, and what its score says about all of them.

A full run of every area is ~8,000 Python mutants: more than a shared 2-core machine runs in a
session. `--sample N` measures N mutants per area (Python and text mutants separately), drawn at
random but reproducibly (the same seed, area and files give the same names), stratified over the
area's files: each file gets its share of N in proportion to its number of mutants, so a large
file cannot crowd out a small one by chance. The score of a sample is an estimate; the report
gives its 95% Wilson interval beside it.
"""

from __future__ import annotations

import math
import random


def allocate(counts: dict[str, int], n: int) -> dict[str, int]:
    """Each file's share of `n` in proportion to its count (largest remainder, ties by name);
    never more than the file has, and the whole population when `n` covers it."""
    total = sum(counts.values())
    if n >= total:
        return dict(counts)
    exact = {f: n * c / total for f, c in counts.items()}
    share = {f: math.floor(x) for f, x in exact.items()}
    left = n - sum(share.values())
    for f in sorted(counts, key=lambda f: (-(exact[f] - share[f]), f))[:left]:
        share[f] += 1
    return share


def draw(population: dict[str, list[str]], n: int, seed: int, label: str) -> list[str]:
    """A stratified sample of `n` names from `population` (file -> its mutants' names), sorted.

    Deterministic: each file's draw is seeded by (seed, label, file) and made from its names
    sorted, so neither the order of files nor another file's mutants change it."""
    share = allocate({f: len(set(names)) for f, names in population.items()}, n)
    chosen: list[str] = []
    for file, names in population.items():
        pool = sorted(set(names))
        chosen += random.Random(f"{seed}:{label}:{file}").sample(pool, share[file])
    return sorted(chosen)


def wilson(successes: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% for z = 1.96): sound near 0 and 1 and
    for small samples, where the normal approximation is not."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
