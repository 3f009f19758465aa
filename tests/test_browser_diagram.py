"""The diagram page in a real headless Chromium (Debian's `chromium`), driven by Playwright for Python.

Every request that is not file:, data: or blob: is aborted and recorded: the page must
not try any. The page must render every node, settle and stop its physics, show hostile
names as text without running them, and its controls (search, filter, focus, PNG) work.
Never `playwright install`: CI installs Debian's chromium (.ci/run).
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest

from icpmap.loaders import load_paths
from icpmap.sample import SAMPLE_DIR
from icpmap.visualise import build_graph, write_diagram
from icpmap.visualise.synthetic import write_synthetic_ics

from .offline_page import open_page

pytestmark = pytest.mark.browser

AS_AT = dt.date(2025, 1, 1)
WARRINGTON = "E06000007"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
HOSTILE_PLACE = "Warrington</title><script>document.title='pwned'</script>"


def _hostile_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)

    def q(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    (folder / "places.csv").write_text(f"code,name,ics_code\n{WARRINGTON},{q(HOSTILE_PLACE)},QYG\n", encoding="utf-8")
    (folder / "organisations.csv").write_text(f"code,name,sector,statutory\nHOSTILE,{q(HOSTILE)},voluntary,false\n",
                                              encoding="utf-8")
    (folder / "memberships.csv").write_text(
        f"organisation_code,board_code,role,from,to\nHOSTILE,PPB-{WARRINGTON},wider,2020-01-01,\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, open_store_for) -> dict[str, tuple[Path, object]]:
    root = tmp_path_factory.mktemp("diagram-pages")
    store = open_store_for("ladybug", root / "db")
    try:
        load_paths(store, [SAMPLE_DIR])
        load_paths(store, [_hostile_files(root / "hostile")])
        out = {}
        for name, scope in {"warrington": {"place": WARRINGTON}, "ics": {"ics": "QYG"}, "pcn": {"pcn": "U99013"}}.items():
            graph = build_graph(store, as_at=AS_AT, **scope)
            out[name] = (write_diagram(graph, root / f"{name}.html"), graph)
    finally:
        store.close()
    return out


def test_place_diagram_renders_offline_and_settles(browser, pages):
    path, graph = pages["warrington"]
    o = open_page(browser, path)
    try:
        assert o.attempts == []
        assert o.problems == []
        assert o.js("() => window.icpmap.errors") == []
        assert o.js("() => window.icpmap.network.body.data.nodes.length") == len(graph.nodes)
        assert o.js("() => window.icpmap.network.body.data.edges.length") == len(graph.edges)
        assert o.js("() => Object.keys(window.icpmap.network.body.nodes).length") >= len(graph.nodes)
        # physics settled, then switched off
        assert o.js("() => window.icpmap.network.physics.options.enabled") is False
        assert o.js("() => window.icpmap.stabilisedAt") > 0
        # the canvas is not blank: many distinct non-white pixels
        coloured = o.js("""() => {
            const c = document.querySelector('#network canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 16) if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) n++;
            return n; }""")
        assert coloured > 2000
        # every node is drawn inside the visible area after fitting
        inside = o.js("""() => {
            const net = window.icpmap.network, c = document.querySelector('#network canvas').getBoundingClientRect();
            const ids = net.body.data.nodes.getIds(); const pos = net.getPositions(ids);
            return ids.filter(id => { const p = net.canvasToDOM(pos[id]); return p.x >= -5 && p.y >= -5 && p.x <= c.width + 5 && p.y <= c.height + 5; }).length; }""")
        assert inside == len(graph.nodes)
    finally:
        o.page.context.close()


def test_hostile_names_show_as_text_and_never_run(browser, pages):
    path, graph = pages["warrington"]
    o = open_page(browser, path)
    try:
        o.page.wait_for_timeout(300)  # give any injected handler a chance to fire
        assert o.js("() => document.title") == graph.title  # the hostile Place name, as text
        assert o.js("() => document.title") != "pwned"
        assert o.js("() => document.getElementById('heading').textContent") == graph.title
        assert o.js("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert o.js("() => document.scripts.length") == 3
        # the tooltip of the hostile organisation is text, with no element made from the name
        tip = o.js("""() => { const n = window.icpmap.network.body.data.nodes.get('Organisation:HOSTILE');
                              return [n.title.textContent, n.title.querySelectorAll('img').length]; }""")
        assert HOSTILE in tip[0] and tip[1] == 0
        # focusing it shows its details as text too
        o.js("() => window.icpmap.focusNode('Organisation:HOSTILE')")
        assert HOSTILE in o.js("() => document.getElementById('details').textContent")
        assert o.js("() => document.querySelectorAll('#details img').length") == 0
        # the hover tooltip, for real: move the mouse over the node
        xy = o.js("""() => { const net = window.icpmap.network; net.moveTo({scale: 1.5, animation: false});
                              const p = net.getPositions(['Organisation:HOSTILE'])['Organisation:HOSTILE'];
                              const r = document.querySelector('#network canvas').getBoundingClientRect();
                              const d = net.canvasToDOM(p); return [r.left + d.x, r.top + d.y]; }""")
        o.page.mouse.move(xy[0], xy[1])
        o.page.wait_for_timeout(600)
        assert o.js("() => document.title") == graph.title
        assert o.js("() => document.querySelectorAll('img').length") == 0
        assert o.attempts == [] and o.problems == []
    finally:
        o.page.context.close()


def test_search_filter_focus_and_png(browser, pages):
    path, graph = pages["ics"]
    o = open_page(browser, path)
    try:
        # search by name: one match is focused; by a fragment: several are selected
        hits = o.js("(q) => window.icpmap.search(q)", "Sefton Council")
        assert hits == ["Organisation:sefton-council"]
        assert o.js("() => window.icpmap.network.getSelectedNodes()") == ["Organisation:sefton-council"]
        assert "Sefton Metropolitan Borough Council" in o.js("() => document.getElementById('details').textContent")
        assert len(o.js("(q) => window.icpmap.search(q)", "PCN")) >= 30
        # a code typed whole (any case) finds that node alone, not every node that holds it
        place = graph.nodes["Place:E08000014"]
        assert o.js("(q) => window.icpmap.search(q)", place.code.lower()) == ["Place:E08000014"]
        assert o.js("() => document.getElementById('search-status').textContent") == "1 match"
        # the UI path: type and submit
        o.page.fill("#search", "Healthwatch Wirral")
        o.page.click("#search-form button[type=submit]")
        assert o.js("() => document.getElementById('search-status').textContent") == "1 match"
        # filters: by sector and by node type
        total = len(graph.nodes)
        voluntary = sum(1 for n in graph.nodes.values() if n.kind == "Organisation" and n.sector == "voluntary")
        assert o.js("() => window.icpmap.filter([], ['voluntary'])") == total - voluntary
        pcns = sum(1 for n in graph.nodes.values() if n.kind == "PCN")
        assert o.js("() => window.icpmap.filter(['PCN'], [])") == total - pcns
        assert o.js("() => window.icpmap.network.body.data.nodes.get().filter(n => n.hidden).length") == pcns
        assert o.js("() => window.icpmap.filter([], [])") == total
        o.page.click("#filter-box summary")
        o.page.uncheck("#filter-kinds input[value=Practice]" if pcns == 0 else "#filter-kinds input[value=PCN]")
        assert o.js("() => window.icpmap.visibleNodes") == total - pcns
        o.page.click("#filter-all")
        assert o.js("() => window.icpmap.visibleNodes") == total
        # click to focus: the neighbourhood stays, the rest fades
        o.js("() => window.icpmap.focusNode('Place:E08000014')")
        faded = o.js("() => window.icpmap.network.body.data.nodes.get().filter(n => n.opacity < 1).length")
        near = len(o.js("() => window.icpmap.network.getConnectedNodes('Place:E08000014')"))
        assert faded == total - near - 1
        o.page.click("#clear-focus")
        assert o.js("() => window.icpmap.network.body.data.nodes.get().filter(n => n.opacity < 1).length") == 0
        # PNG: the button downloads one; the data behind it is a real picture
        with o.page.expect_download() as download:
            o.page.click("#save-png")
        saved = Path(download.value.path())
        assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 20_000
        assert download.value.suggested_filename.endswith(".png")
        url = o.js("() => window.icpmap.pngDataUrl()")
        assert url.startswith("data:image/png;base64,") and len(base64.b64decode(url.split(",", 1)[1])) > 20_000
        assert o.attempts == [] and o.problems == []
    finally:
        o.page.context.close()


def test_pcn_diagram(browser, pages):
    path, graph = pages["pcn"]
    o = open_page(browser, path)
    try:
        assert o.js("() => window.icpmap.network.body.data.nodes.length") == len(graph.nodes)
        labels = o.js("() => window.icpmap.network.body.data.edges.get().map(e => e.label).filter(Boolean)")
        assert labels and all(label.endswith("%") for label in labels)
        assert o.attempts == [] and o.problems == []
    finally:
        o.page.context.close()


def test_two_thousand_nodes_settle_and_stop(browser, tmp_path, open_store_for):
    """A whole-ICS diagram of about 2,000 nodes becomes interactive (the benchmark times it)."""
    store = open_store_for("ladybug", tmp_path / "db")
    try:
        load_paths(store, [write_synthetic_ics(tmp_path / "csv", hostile_name=HOSTILE)])
        graph = build_graph(store, ics="QSY", practices=True)
    finally:
        store.close()
    assert 1800 <= len(graph.nodes) <= 2400
    path = write_diagram(graph, tmp_path / "big.html")
    o = open_page(browser, path, timeout=45)
    try:
        assert o.js("() => window.icpmap.network.body.data.nodes.length") == len(graph.nodes)
        assert o.js("() => window.icpmap.network.physics.options.enabled") is False
        assert o.js("() => window.icpmap.network.physics.options.stabilization.iterations") <= 100
        assert o.js("() => document.title") == graph.title
        assert o.attempts == [] and o.problems == []
    finally:
        o.page.context.close()
