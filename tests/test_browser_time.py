"""The diagram's time slider and compare mode in headless Chromium (Debian's `chromium`, Playwright).

On the changes fixture (`fixtures_changes.py`): a membership that ends on 2024-03-31 is drawn
up to that day and gone the day after; in compare mode a signature given between the two
dates is drawn in the "added" green. No request leaves the page, and a name that appears
only on earlier dates is shown as text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from icpmap.loaders import load_paths
from icpmap.visualise import build_graph, write_diagram
from icpmap.visualise.style import ADDED_COLOUR, REMOVED_COLOUR

from . import fixtures_changes as fx
from .offline_page import opened_page

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"




@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory, open_store_for) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("time-page")
    store = open_store_for("ladybug", root / "db")
    try:
        for path in fx.write_fixture(root / "files"):
            load_paths(store, [path])
        hostile = root / "hostile"
        hostile.mkdir()
        (hostile / "organisations.csv").write_text(
            'code,name,sector,statutory\nO-GONE,"' + HOSTILE.replace('"', '""') + '",voluntary,false\n', encoding="utf-8")
        (hostile / "memberships.csv").write_text(
            "organisation_code,board_code,role,from,to\nO-GONE,PPB-N,wider,2021-01-01,2022-12-31\n", encoding="utf-8")
        load_paths(store, [hostile])
        graph = build_graph(store, place=fx.N, as_at=dt.date(2024, 6, 1), history=True, practices=True)
    finally:
        store.close()
    return write_diagram(graph, root / "northam.html"), graph


MEMBERSHIP = ("Organisation:O-LEFT-T", "Board:PPB-N", "member_wider")  # 2020-04-01 to 2024-03-31
SIGNATURE = ("Organisation:O-CONT", "Agreement:MOU-N", "signed")  # signed on 2024-03-31


def test_an_ended_membership_is_drawn_before_its_end_and_not_after(browser, page_path):
    path, _ = page_path
    with opened_page(browser, path) as o:
        edge = o.js("(k) => window.icpmap.edgeId(k[0], k[1], k[2])", list(MEMBERSHIP))
        assert edge and o.js("() => window.icpmap.time.date()") == "2024-06-01"  # the page's own date
        assert o.js("(id) => window.icpmap.edges.get(id).hidden", edge) is True  # ended before 2024-06-01
        stops = o.js("() => window.icpmap.time.stops")
        assert "2024-04-01" in stops and "2024-03-31" in stops
        o.js("() => window.icpmap.time.setDate('2024-03-31')")  # its last day
        assert o.js("(id) => window.icpmap.edges.get(id).hidden", edge) is False
        assert o.js("(id) => window.icpmap.time.presence(id, true)", edge) == "present"
        # the ▶ button: one date on, the day after its end
        o.page.click("#time-next")
        assert o.js("() => document.getElementById('time-date').textContent") == "2024-04-01"
        assert o.js("(id) => window.icpmap.edges.get(id).hidden", edge) is True
        # and on the first date of all (2020-04-01 is a stop: it starts then) it is there
        o.js("() => window.icpmap.time.setDate('2020-04-01')")
        assert o.js("(id) => window.icpmap.edges.get(id).hidden", edge) is False
        # the slider itself, with the keyboard
        o.page.focus("#time-slider")
        before = o.js("() => window.icpmap.time.date()")
        o.page.keyboard.press("ArrowRight")
        after = o.js("() => window.icpmap.time.date()")
        assert stops.index(after) == stops.index(before) + 1
        assert o.js("() => document.getElementById('time-slider').getAttribute('aria-valuetext')") == after
        assert o.attempts == [] and o.problems == [] and o.js("() => window.icpmap.errors") == []


def test_compare_mode_colours_an_added_signature_green(browser, page_path):
    path, _ = page_path
    with opened_page(browser, path) as o:
        signed = o.js("(k) => window.icpmap.edgeId(k[0], k[1], k[2])", list(SIGNATURE))
        unsigned = o.js("(k) => window.icpmap.edgeId(k[0], k[1], 'not_signed')", list(SIGNATURE))
        o.js("() => window.icpmap.time.setDate('2024-03-31')")
        o.page.check("#compare-on")
        o.page.select_option("#compare-date", "2024-03-01")
        assert o.js("() => window.icpmap.time.base()") == "2024-03-01"
        assert o.js("(id) => window.icpmap.time.presence(id, true)", signed) == "added"
        look = o.js("(id) => { const e = window.icpmap.edges.get(id); return [e.hidden, e.color.color, e.width]; }", signed)
        assert look[0] is False and look[1] == ADDED_COLOUR and look[2] >= 3
        # its "listed, not signed" link of before is replaced, not drawn as removed on top of it
        assert o.js("(id) => window.icpmap.edges.get(id).hidden", unsigned) is True
        # what left between the dates is drawn grey and dashed: O-UNDATED-LEFT's membership ends on 2024-03-01
        left = o.js("() => window.icpmap.edgeId('Organisation:O-UNDATED-LEFT', 'Board:PPB-N', 'member_wider')")
        look = o.js("(id) => { const e = window.icpmap.edges.get(id); return [e.hidden, e.color.color, e.dashes]; }", left)
        assert look == [False, REMOVED_COLOUR, [4, 4]]
        assert o.js("(id) => window.icpmap.time.presence(id, true)", left) == "removed"
        status = o.js("() => document.getElementById('time-status').textContent")
        assert status.startswith("since 2024-03-01:") and "added" in status
        # turning compare off puts the signature's own colour back
        o.page.uncheck("#compare-on")
        assert o.js("(id) => window.icpmap.edges.get(id).color.color", signed) != ADDED_COLOUR
        assert o.js("(id) => window.icpmap.edges.get(id).hidden", left) is True
        assert o.attempts == [] and o.problems == []


def test_compare_mode_looks_come_back_after_a_focus_is_cleared(browser, page_path):
    """Focusing fades everything; clearing it must put compare mode's own looks back, not plain ones."""
    path, _ = page_path
    with opened_page(browser, path) as o:
        signed = o.js("(k) => window.icpmap.edgeId(k[0], k[1], k[2])", list(SIGNATURE))
        o.js("() => window.icpmap.time.setDate('2024-03-31')")
        assert o.js("() => window.icpmap.time.compare('2024-03-01')") == "2024-03-01"
        unchanged = o.js("""() => window.icpmap.nodes.getIds().filter(
            id => window.icpmap.time.presence(id, false) === 'unchanged')""")
        assert unchanged, "the fixture has nodes present on both dates"

        before = o.js("(ids) => ids.map(id => window.icpmap.nodes.get(id).opacity)", unchanged)
        assert set(before) == {0.35}  # unchanged on both dates: faded in compare mode
        assert o.js("(id) => window.icpmap.edges.get(id).color.color", signed) == ADDED_COLOUR
        o.js("() => window.icpmap.focusNode('Organisation:O-CONT')")
        o.js("() => window.icpmap.clearFocus()")
        assert o.js("(ids) => ids.map(id => window.icpmap.nodes.get(id).opacity)", unchanged) == before
        assert o.js("(id) => window.icpmap.edges.get(id).color.color", signed) == ADDED_COLOUR
        status = o.js("() => document.getElementById('time-status').textContent")
        assert status.startswith("since 2024-03-01: ")
        # compare off: no status line, every node at full opacity
        assert o.js("() => window.icpmap.time.compare(null)") is None
        assert o.js("() => document.getElementById('time-status').textContent") == ""
        assert set(o.js("(ids) => ids.map(id => window.icpmap.nodes.get(id).opacity)", unchanged)) == {1}
        assert o.attempts == [] and o.problems == []


def test_edge_id_finds_the_link_of_the_kind_asked(browser, page_path):
    path, graph = page_path
    with opened_page(browser, path) as o:
        src, dst, _ = SIGNATURE
        for kind in ("signed", "not_signed"):
            expected = [f"e{i}" for i, e in enumerate(graph.edges) if (e.source, e.target, e.kind) == (src, dst, kind)]
            assert len(expected) == 1
            assert o.js("(k) => window.icpmap.edgeId(k[0], k[1], k[2])", [src, dst, kind]) == expected[0]
        assert o.js("(k) => window.icpmap.edgeId(k[0], k[1], 'member_core')", [src, dst]) is None


def test_a_name_from_an_earlier_date_shows_as_text(browser, page_path):
    path, graph = page_path
    with opened_page(browser, path) as o:
        node = "Organisation:O-GONE"
        assert o.js("(id) => window.icpmap.nodes.get(id).hidden", node) is True  # gone by 2024-06-01
        o.js("() => window.icpmap.time.setDate(window.icpmap.time.stops.find(d => d >= '2021-01-01'))")
        assert o.js("(id) => window.icpmap.nodes.get(id).hidden", node) is False
        tip = o.js("(id) => { const n = window.icpmap.nodes.get(id); return [n.title.textContent, n.title.querySelectorAll('img').length]; }", node)
        assert HOSTILE in tip[0] and tip[1] == 0
        o.js("(id) => window.icpmap.focusNode(id)", node)
        assert HOSTILE in o.js("() => document.getElementById('details').textContent")
        o.page.wait_for_timeout(300)
        assert o.js("() => document.title") == graph.title
        assert o.js("() => document.querySelectorAll('img').length") == 0
        assert o.attempts == [] and o.problems == []


@pytest.fixture(scope="module")
def ics_page_path(tmp_path_factory: pytest.TempPathFactory, open_store_for) -> Path:
    """ICS9's diagram, from the fixture with a second ICS and an ICS-level board for each ICS."""
    root = tmp_path_factory.mktemp("time-ics-page")
    store = open_store_for("ladybug", root / "db")
    try:
        for path in fx.write_fixture(root / "files", other_ics=True):
            load_paths(store, [path])
        graph = build_graph(store, ics="ICS9", as_at=dt.date(2024, 6, 1), history=True)
    finally:
        store.close()
    return write_diagram(graph, root / "ics9.html")


def test_the_ics_diagram_slider_moves_its_ics_level_board(browser, ics_page_path):
    with opened_page(browser, ics_page_path) as o:
        joined = o.js("() => window.icpmap.edgeId('Organisation:O-ICB9', 'Board:ICP-9', 'member_core')")
        left = o.js("() => window.icpmap.edgeId('Organisation:O-S1', 'Board:ICP-9', 'member_wider')")
        assert joined and left and o.js("() => window.icpmap.nodes.get('Board:ICP-8')") is None  # not this ICS's

        def hidden(day: str) -> list[bool]:
            o.js("(d) => window.icpmap.time.setDate(d)", day)
            assert o.js("() => window.icpmap.time.date()") == day
            return [o.js("(id) => window.icpmap.edges.get(id).hidden", e) for e in (joined, left)]

        stops = o.js("() => window.icpmap.time.stops")
        before = max(d for d in stops if d < "2024-02-01")
        assert hidden(before) == [True, False]  # O-ICB9 joins on 2024-02-01
        assert hidden("2024-02-01") == [False, False]
        assert hidden("2024-03-31") == [False, False]  # O-S1's last day
        assert hidden("2024-04-01") == [False, True]
        assert o.attempts == [] and o.problems == [] and o.js("() => window.icpmap.errors") == []
