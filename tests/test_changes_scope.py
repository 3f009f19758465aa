"""--ics and --place on the changes and progress reports: the hand-worked fixture
(`fixtures_changes.py`) with a second ICS and an ICS-level board for each ICS. An ICS's changes
are its Places' and those of the ICS-level boards that serve it; a Place's never include an
ICS-level board.

Runs on each engine (the Neo4j run WIPES the database of ICPMAP_NEO4J_URI).
"""

from __future__ import annotations

import pytest

from icpmap.loaders import load_paths
from icpmap.reports import ReportError, ReportSettings, run_report
from icpmap.reports.changes import KINDS

from . import fixtures_changes as fx
from .conftest import ENGINES


def changes(store, **options):
    return run_report(store, "changes", settings=ReportSettings(), **options)


@pytest.fixture(scope="module", params=ENGINES)
def two_ics_store(request, tmp_path_factory, open_store_for):
    """The fixture with a second ICS (one Place) and an ICS-level board for each ICS."""
    store = open_store_for(request.param, tmp_path_factory.mktemp("changes-ics-db") / "db")
    for path in fx.write_fixture(tmp_path_factory.mktemp("changes-ics-fixture"), other_ics=True):
        load_paths(store, [path])
    yield store
    store.close()


def _in_order(rows):
    """Rows in the report's order: by date, Place (rows without one last), kind as KINDS lists them."""
    kinds = list(KINDS)
    return sorted(rows, key=lambda r: (r[0], r[1] or "~", kinds.index(r[2]), r[3], r[5] or ""))


def test_one_ics_keeps_its_places_and_the_ics_level_boards_that_serve_it(two_ics_store):
    window = {"from_date": fx.FROM, "to_date": fx.TO}
    everything = changes(two_ics_store, **window).rows
    assert everything == _in_order(fx.CHANGES + fx.ICS9_BOARD_CHANGES + fx.ICS8_CHANGES)
    nine = changes(two_ics_store, ics="ics9", **window)  # any case, as stored
    assert nine.options["ics"] == "ICS9"
    # its Places' changes and its own ICS-level board's; not the other ICS's board or Place, and not
    # the extracts' practices, which are in no Place
    assert nine.rows == _in_order([r for r in fx.CHANGES if r[1] is not None] + fx.ICS9_BOARD_CHANGES)
    assert changes(two_ics_store, ics="ICS8", **window).rows == fx.ICS8_CHANGES
    # one Place: its boards only, never an ICS-level board (with or without its ICS)
    north = [r for r in fx.CHANGES if r[1] == fx.N]
    assert changes(two_ics_store, place=fx.N, **window).rows == north
    assert changes(two_ics_store, place=fx.N, ics="ICS9", **window).rows == north
    with pytest.raises(ReportError, match="not one of ICS 'ICS8'"):
        changes(two_ics_store, place=fx.N, ics="ICS8", **window)
    with pytest.raises(ReportError, match="No ICS with code 'ICS7'"):
        changes(two_ics_store, ics="ICS7", **window)


def test_progress_of_one_ics_has_its_places_only(two_ics_store):
    def places(**scope):
        rows = run_report(two_ics_store, "progress", from_date=fx.FROM, to_date=fx.TO, **scope).records()
        return {r["place_code"]: r["partners"] for r in rows}

    assert places(ics="ICS9").keys() == {fx.N, fx.S}
    assert places(ics="ICS8") == {fx.W: 1}  # Westham Council, core of its HWB since 2024-03-01
    assert places() == {**places(ics="ICS9"), **places(ics="ICS8")}
