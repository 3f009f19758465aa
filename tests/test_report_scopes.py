"""Every Place at once gives the rows of each Place, added up: the scope filter changes nothing else.

A metamorphic check of the query library on a synthetic region (7 Places), on both engines.
It needs no known answers, so it reaches every query that takes a `place`; it found
LadybugDB 0.21-0.22 losing a relationship filter when a query starts from many Places
(tests/test_engine_regressions.py), which the one-Place fixtures never showed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icpmap import cypher
from icpmap.graph import Store

from .conftest import ENGINES

AS_AT = dt.date(2024, 6, 1)
GIVEN = {"as_at": AS_AT, "since": dt.date(2019, 1, 1), "until": AS_AT}

# Queries whose rows over every Place are not the sum of each Place's, by design.
ACROSS_PLACES = {
    "changes-board-memberships": "boards of no one Place (an ICS's forum) are listed only when no Place is given",
    "changes-latest": "the latest change of each kind over the scope, not per Place",
    "changes-practice-memberships": "a PCN whose practices sit in two Places is listed under each",
    "report-brokers": "organisations counted over every Place at once",
    "report-coterminosity-patients": "a PCN's footprint over every Place it reaches",
    "report-coterminosity-patients-live": "a PCN's footprint over every Place it reaches",
    "report-coterminosity-pcns": "a PCN's footprint over every Place it reaches",
    "report-coterminosity-practices": "a PCN's footprint over every Place it reaches",
    "report-pcn-practices": "a PCN whose practices sit in two Places is listed under each",
}


def _scoped() -> list[str]:
    return sorted(name for name, q in cypher.queries().items()
                  if any(p.name == "place" and not p.required for p in q.params) and name not in ACROSS_PLACES)


@pytest.fixture(scope="module", params=ENGINES)
def region(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, open_store_for) -> Iterator[Store]:
    from icpmap.loaders import load_paths
    from icpmap.synth import generate

    folder: Path = tmp_path_factory.mktemp("region")
    generate(folder / "in", scale="region", seed=0)
    store = open_store_for(request.param, folder / "db")
    load_paths(store, [folder / "in"])
    yield store
    store.close()


def _rows(store: Store, name: str, place: str | None) -> Counter:
    query = cypher.get(name)
    given = {k: v for k, v in GIVEN.items() if any(p.name == k for p in query.params)}
    result = store.read(query.text, query.bind({**given, "place": place}))
    return Counter(tuple(_plain(v) for v in row) for row in result.rows)


def _plain(value: Any) -> Any:
    """A collected list as a sorted tuple: the order `collect` gathers in is the engine's."""
    return tuple(sorted(value, key=repr)) if isinstance(value, list) else value


def test_the_scoped_queries_are_the_ones_expected() -> None:
    assert len(_scoped()) >= 15 and "report-place-leads" in _scoped() and "report-unsigned" in _scoped()


@pytest.mark.parametrize("name", _scoped())
def test_every_place_is_the_sum_of_each_place(region: Store, name: str) -> None:
    places = [r[0] for r in region.read("MATCH (p:Place) RETURN p.code ORDER BY p.code").rows]
    assert len(places) == 7
    every = _rows(region, name, None)
    each = Counter()
    for place in places:
        each += _rows(region, name, place)
    assert every == each, f"{name}: only over every Place {every - each}; only Place by Place {each - every}"
