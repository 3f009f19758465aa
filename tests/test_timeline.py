"""The diagrams over time: on every date of the time slider, the page draws exactly what the diagram
built for that date draws (`build_graph(as_at=...)`, whose gaps come from the reports).

Runs on each engine for the hand-worked fixtures (the Neo4j run WIPES the database of
ICPMAP_NEO4J_URI), and on the bundled sample.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from icpmap.loaders import load_paths
from icpmap.reports.history import covers
from icpmap.sample import SAMPLE_DIR
from icpmap.visualise.graph import build_graph
from icpmap.visualise.page import page_data, render_html

from . import fixtures_changes as changes_fx
from . import fixtures_reports as reports_fx
from .conftest import ENGINES


@pytest.fixture(scope="module", params=ENGINES)
def timeline_store(request, tmp_path_factory, open_store_for):
    """Both hand-worked fixtures in one store (their codes do not overlap), the changes fixture with its
    second ICS and ICS-level boards."""
    store = open_store_for(request.param, tmp_path_factory.mktemp("timeline-db") / "db")
    load_paths(store, [reports_fx.write_fixture(tmp_path_factory.mktemp("reports-fixture"))])
    for path in changes_fx.write_fixture(tmp_path_factory.mktemp("changes-fixture"), other_ics=True):
        load_paths(store, [path])
    yield store
    store.close()


def _kind(kind: str) -> str:
    return "leads" if kind.startswith("leads") else kind  # coterminosity colours are those of the page's date


def drawn_on(graph, day: dt.date) -> tuple[set[str], set[tuple[str, str, str]]]:
    """What the slider shows on `day`."""
    def on(when):
        return when is None or covers(when, day)
    return ({n for n, node in graph.nodes.items() if on(node.when)},
            {(e.source, e.target, _kind(e.kind)) for e in graph.edges if on(e.when)})


def built_for(store, day: dt.date, scope: dict) -> tuple[set[str], set[tuple[str, str, str]]]:
    """What the diagram built for `day` draws."""
    g = build_graph(store, as_at=day, **scope)
    return set(g.nodes), {(e.source, e.target, _kind(e.kind)) for e in g.edges}


SCOPES = [
    {"place": reports_fx.ALPHA}, {"place": reports_fx.BETA, "practices": True}, {"ics": "ICS1"},
    {"board": "PPB-A"}, {"pcn": "U00003"},
    {"place": changes_fx.N, "practices": True}, {"place": changes_fx.S}, {"ics": "ICS9"}, {"board": "PPB-N"},
    {"pcn": "U90001"}, {"ics": "ICS8"}, {"board": "ICP-9"},
]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_the_slider_draws_each_date_as_the_diagram_of_that_date(timeline_store, scope):
    as_at = dt.date(2024, 6, 1)
    graph = build_graph(timeline_store, as_at=as_at, history=True, **scope)
    assert as_at in graph.stops and len(graph.stops) > 2
    assert drawn_on(graph, as_at) == built_for(timeline_store, as_at, scope)
    for day in graph.stops:
        assert drawn_on(graph, day) == built_for(timeline_store, day, scope), day
    # between two stops nothing changes: the day before each stop looks like the stop before it
    for before, stop in zip(graph.stops, graph.stops[1:]):
        assert drawn_on(graph, stop - dt.timedelta(days=1)) == drawn_on(graph, before)


def test_stops_are_the_dates_where_something_changed(timeline_store):
    graph = build_graph(timeline_store, as_at=dt.date(2024, 6, 1), history=True, place=changes_fx.N)
    stops = set(graph.stops)
    # a membership that ends on 2024-03-31 is last drawn that day: the slider stops the day after
    assert {dt.date(2024, 1, 1), dt.date(2024, 3, 31), dt.date(2024, 4, 1), dt.date(2024, 2, 1)} <= stops
    assert dt.date(2024, 3, 30) not in stops
    edge = graph.edge("Organisation:O-LEFT-T", "Board:PPB-N", "member_wider")
    assert edge.when == [(dt.date(2020, 4, 1), dt.date(2024, 3, 31))]
    signed = graph.edge("Organisation:O-CONT", "Agreement:MOU-N", "signed")
    unsigned = graph.edge("Organisation:O-CONT", "Agreement:MOU-N", "not_signed")
    assert signed.when == [(dt.date(2024, 3, 31), None)] and unsigned.when == [(None, dt.date(2024, 3, 30))]


def test_an_ics_diagram_has_its_own_ics_level_board_over_time(timeline_store):
    graph = build_graph(timeline_store, as_at=dt.date(2024, 6, 1), history=True, ics="ICS9")
    assert "Board:ICP-9" in graph.nodes and "Board:ICP-8" not in graph.nodes
    assert graph.edge("Organisation:O-ICB9", "Board:ICP-9", "member_core").when == [(dt.date(2024, 2, 1), None)]
    assert graph.edge("Organisation:O-S1", "Board:ICP-9", "member_wider").when == [
        (dt.date(2020, 4, 1), dt.date(2024, 3, 31))]
    assert {dt.date(2024, 2, 1), dt.date(2024, 4, 1)} <= set(graph.stops)


def test_the_page_carries_the_days_as_data(timeline_store):
    graph = build_graph(timeline_store, as_at=dt.date(2024, 2, 1), history=True, place=changes_fx.N)
    data = page_data(graph)
    assert data["time"]["as_at"] == "2024-02-01" and data["time"]["stops"][0] <= "2020-04-01"
    edges = {(e["from"], e["to"], e["kind"]): e for e in data["edges"]}
    future = edges[("Organisation:O-ON-TO", "Board:PPB-N", "member_core")]
    assert future["when"] == [["2024-03-31", None]] and future["hidden"] is True  # not yet, on 2024-02-01
    current = edges[("Organisation:O-INSIDE", "Board:PPB-N", "member_core")]
    assert current["when"] == [["2024-02-01", "2024-02-29"]] and current["hidden"] is False
    html = render_html(graph)
    assert 'id="time-slider"' in html and "2024-02-01" in html
    assert build_graph(timeline_store, as_at=dt.date(2024, 2, 1), place=changes_fx.N).stops == []  # no history asked


def test_extract_dates_are_shown_as_evidence(timeline_store):
    graph = build_graph(timeline_store, as_at=dt.date(2024, 6, 1), history=True, pcn="U90006")
    edge = graph.edge("Practice:Y0001", "PCN:U90006", "practice_member")
    assert edge.info["seen in extracts of"] == "2024-02-01"


def test_sample_ics_slider_agrees_on_every_date(tmp_path, open_store_for):
    store = open_store_for("ladybug", tmp_path / "db")
    try:
        load_paths(store, [SAMPLE_DIR])
        scope = {"ics": "QYG"}
        graph = build_graph(store, as_at=dt.date(2025, 1, 1), history=True, **scope)
        assert len(graph.stops) > 40
        for day in graph.stops[::3] + graph.stops[-3:]:
            assert drawn_on(graph, day) == built_for(store, day, scope), day
        json.dumps(page_data(graph))  # plain JSON
    finally:
        store.close()
