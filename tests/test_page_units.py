"""The diagram page's parts (visualise/page.py) with exact answers on small hand-made graphs:
the physics tiers at their bounds, labels cut at their limit, tooltips, the days a node is drawn
on, the legend, the filters, the summary line and the file name. The whole page is checked
through the browser in tests/test_browser_diagram.py and tests/test_escaping.py."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from icpmap.visualise import page
from icpmap.visualise.graph import DiagramGraph
from icpmap.visualise.style import ADDED_COLOUR, MISSING_BORDER, REMOVED_COLOUR, sector_colour

D = dt.date(2024, 6, 1)
DAY = dt.timedelta(days=1)

# -- physics: three tiers by node count, lighter above LARGE --------------------------------------------


TIERS = {
    "small": {"gravitationalConstant": -110, "centralGravity": 0.012, "springLength": 120, "avoidOverlap": 0.6,
              "iterations": 300, "minVelocity": 0.75},
    "medium": {"gravitationalConstant": -70, "centralGravity": 0.008, "springLength": 90, "avoidOverlap": 0.2,
               "iterations": 150, "minVelocity": 1.5},
    "large": {"gravitationalConstant": -45, "centralGravity": 0.004, "springLength": 70, "avoidOverlap": 0,
              "iterations": 50, "minVelocity": 3.0},
}


def _tier(options: dict) -> dict:
    physics = options["physics"]
    fa = physics["forceAtlas2Based"]
    return {"gravitationalConstant": fa["gravitationalConstant"], "centralGravity": fa["centralGravity"],
            "springLength": fa["springLength"], "avoidOverlap": fa["avoidOverlap"],
            "iterations": physics["stabilization"]["iterations"], "minVelocity": physics["minVelocity"]}


@pytest.mark.parametrize(("nodes", "tier", "large"), [
    (0, "small", False), (120, "small", False), (121, "medium", False), (300, "medium", False),
    (301, "medium", True), (600, "medium", True), (601, "large", True), (5000, "large", True),
])
def test_physics_tier_and_lightness_at_each_bound(nodes: int, tier: str, large: bool) -> None:
    o = page.vis_options(nodes, 2 * nodes)
    assert _tier(o) == TIERS[tier]
    assert o["physics"]["forceAtlas2Based"]["theta"] == (0.9 if large else 0.6)
    assert o["interaction"]["hover"] is not large
    assert o["interaction"]["hideEdgesOnDrag"] is large and o["interaction"]["hideEdgesOnZoom"] is large
    assert o["edges"]["smooth"] == (False if large else {"enabled": True, "type": "continuous", "roundness": 0.3})


def test_physics_settles_then_stops_and_nothing_fetches() -> None:
    o = page.vis_options(10, 10)
    assert o["physics"]["enabled"] is True and o["physics"]["solver"] == "forceAtlas2Based"
    assert o["physics"]["stabilization"] == {"enabled": True, "iterations": 300, "updateInterval": 25, "fit": True}
    assert o["physics"]["adaptiveTimestep"] is True and o["physics"]["maxVelocity"] == 40
    assert o["layout"] == {"improvedLayout": False, "randomSeed": 7}
    assert o["interaction"]["multiselect"] is True and o["interaction"]["navigationButtons"] is False
    assert o["interaction"]["keyboard"] is False and o["autoResize"] is True
    assert o["edges"]["font"] == {"size": 11, "face": "Arial, Helvetica, sans-serif", "align": "middle",
                                  "strokeWidth": 3}


# -- node and edge records ----------------------------------------------------------------------------------


def test_labels_are_cut_at_their_limit_with_an_ellipsis() -> None:
    assert page.LABEL_MAX == 48
    assert page._short("x" * 48) == "x" * 48
    assert page._short("x" * 49) == "x" * 47 + "…"
    assert page._short("  a \n b\t c  ") == "a b c"
    assert page._short(12) == "12"


def test_tooltip_pairs_leave_out_blanks_and_write_dates_as_iso() -> None:
    info = {"a": None, "b": "", "c": 0, "d": D, "e": "text", "f": False}
    assert page._info_pairs(info) == [["c", "0"], ["d", "2024-06-01"], ["e", "text"], ["f", "False"]]


def test_the_days_a_node_is_drawn_on() -> None:
    assert page._when(None) is None
    assert page._when([(D, None), (None, D + DAY)]) == [["2024-06-01", None], [None, "2024-06-02"]]
    spans = [(D, D + DAY)]  # both ends inclusive
    assert [page._shown_on(spans, d) for d in (D - DAY, D, D + DAY, D + 2 * DAY)] == [False, True, True, False]
    assert page._shown_on(None, D) is True
    assert page._shown_on([], D) is False
    assert page._shown_on([(None, None)], D) is True
    assert page._shown_on([(D + DAY, None), (None, D - DAY)], D) is False


def _graph() -> DiagramGraph:
    g = DiagramGraph("place", "E0", "Zed <place>", D)
    place = g.add_node("Place", "E0", "Zed")
    board = g.add_node("Board", "B1", "Board one")
    a = g.add_node("Organisation", "A", "Alpha", sector="nhs_trust", weight=2)
    b = g.add_node("Organisation", "B", "Beta", sector="housing")
    c = g.add_node("Organisation", "C", "Gamma", sector=None)
    m = g.add_node("MissingLink", "M", "no safeguarding board")
    a.when = [(D, None)]
    b.when = [(None, D - DAY)]
    g.add_edge(a, board, "member_core", "core", role="core", since=D)
    g.add_edge(b, board, "member_wider")
    g.add_edge(c, board, "member_core")
    g.add_edge(board, place, "serves")
    g.add_edge(board, m, "missing_link")
    return g


def test_the_records_given_to_the_page() -> None:
    g = _graph()
    data = page.page_data(g)
    nodes = {n["id"]: n for n in data["nodes"]}
    alpha = nodes[g.nodes[next(k for k, n in g.nodes.items() if n.code == "A")].id]
    assert alpha["label"] == "Alpha" and alpha["name"] == "Alpha" and alpha["code"] == "A"
    assert alpha["kind"] == "Organisation" and alpha["sector"] == "nhs_trust"
    assert alpha["color"]["background"] == sector_colour("nhs_trust") == alpha["color"]["border"]
    assert alpha["when"] == [["2024-06-01", None]] and alpha["hidden"] is False
    beta = next(n for n in data["nodes"] if n["code"] == "B")
    assert beta["when"] == [[None, "2024-05-31"]] and beta["hidden"] is True
    gamma = next(n for n in data["nodes"] if n["code"] == "C")
    assert gamma["sector"] == "" and "when" not in gamma and "hidden" not in gamma
    missing = next(n for n in data["nodes"] if n["kind"] == "MissingLink")
    assert missing["color"]["border"] == MISSING_BORDER and missing["borderWidth"] == 2.5
    assert missing["shapeProperties"] == {"borderDashes": [4, 3]}
    edges = data["edges"]
    assert [e["id"] for e in edges] == ["e0", "e1", "e2", "e3", "e4"]
    assert edges[0]["label"] == "core" and edges[0]["info"][0] == ["link", "Core member of board"]
    assert edges[0]["width"] == 3 and edges[0]["dashes"] is False and edges[0]["arrows"] == ""
    assert edges[3]["arrows"] == "to" and edges[4]["dashes"] == [8, 8]
    assert edges[0]["color"] == {"color": "#425563", "highlight": "#425563", "hover": "#425563", "inherit": False}
    assert ["since", "2024-06-01"] in edges[0]["info"] and ["role", "core"] in edges[0]["info"]
    assert data["filename"] == "place-e0" and data["title"] == "Zed <place>"
    assert data["time"] is None
    # links both ways between two nodes are two links (a directed network keeps both)
    g.add_edge("Place:E0", "Board:B1", "part_of")
    assert len(page.page_data(g)["edges"]) == 6


def test_filters_and_legend_count_what_is_drawn() -> None:
    g = _graph()
    filters = page._filters(g)
    assert filters["kinds"] == [["Place", "Place", 1], ["Board", "Board", 1],
                                ["Organisation", "Organisation (colour = sector)", 3],
                                ["MissingLink", "Missing link (expected board kind)", 1]]
    assert [s[0] for s in filters["sectors"]] == ["", "housing", "nhs_trust"]
    assert [s[3] for s in filters["sectors"]] == [1, 1, 1]
    assert [s[2] for s in filters["sectors"]] == [sector_colour(None), sector_colour("housing"),
                                                  sector_colour("nhs_trust")]
    assert sector_colour("housing") != sector_colour(None)
    legend = page._legend(g)
    assert [r["label"] for r in legend["nodes"]] == ["Place", "Board", "Organisation (colour = sector)",
                                                    "Missing link (expected board kind)"]
    org = legend["nodes"][2]
    assert org["fill"] == "#ffffff" and org["stroke"] == "#425563" and org["dash"] == ""
    missing = legend["nodes"][3]
    assert missing["stroke"] == MISSING_BORDER and missing["dash"] == "3,2" and missing["svg"].startswith("<circle")
    assert legend["nodes"][0]["fill"] == "#330072"
    assert legend["sectors"] == [{"label": "Not recorded", "colour": sector_colour(None)},
                                 {"label": "Housing", "colour": sector_colour("housing")},
                                 {"label": "NHS trust", "colour": sector_colour("nhs_trust")}]
    assert [(r["label"], r["width"], r["dash"]) for r in legend["edges"]] == [
        ("Core member of board", 3, ""), ("Wider member of board", 1, ""), ("Missing expected link", 2.5, "8,8"),
        ("Board serves", 1.5, "")]


def test_file_names_are_slugs() -> None:
    assert page._slug("Place-E08000014") == "place-e08000014"
    assert page._slug("  A/B  c ") == "a-b-c"
    assert page._slug("!!!") == "diagram"
    assert page._slug("x" * 70) == "x" * 60


def test_the_summary_line_and_the_time_slider() -> None:
    g = _graph()
    html = page.render_html(g)
    text = re.sub(r"\s+", " ", html)
    assert "6 nodes, 5 links" in text
    assert "3 organisations" in text and "1 board" in text and "1 boards" not in text
    assert "0 expected signatures missing" in text and "1 expected links missing" in text
    # the page's data block is the script's input, whole
    block = re.search(r'<script type="application/json" id="icpmap-data">(.*?)</script>', html, flags=re.S)
    assert block and json.loads(block.group(1)) == json.loads(json.dumps(page.page_data(g)))
    mou = g.add_node("Agreement", "MOU", "Zed MOU")
    g.add_edge("Organisation:A", mou, "not_signed")
    g.add_edge("Organisation:B", mou, "not_listed")
    g.add_edge("Organisation:C", mou, "not_signed")
    text = re.sub(r"\s+", " ", page.render_html(g))
    assert "7 nodes, 8 links" in text and "3 expected signatures missing" in text
    g.stops = [D - DAY, D, D + DAY]
    data = page.page_data(g)
    assert data["time"] == {"stops": ["2024-05-31", "2024-06-01", "2024-06-02"], "as_at": "2024-06-01",
                            "added": ADDED_COLOUR, "removed": REMOVED_COLOUR}
    assert json.loads(json.dumps(data["time"])) == data["time"]
