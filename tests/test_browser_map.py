"""The map page in a real headless Chromium (Debian's `chromium`), driven by Playwright for Python.

Every request that is not file:, data: or blob: is aborted and recorded: the page must not try
any (no tiles, no CDN). It must draw every Area and practice, show hostile names as text in its
hover details and legend without running them, and its controls work: a PCN's footprint, the
layers, zoom, the link to the diagram.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from icpmap.loaders import load_paths
from icpmap.sample import SAMPLE_DIR
from icpmap.visualise import build_map, write_map
from icpmap.visualise.map_page import diagram_link
from icpmap.visualise.names import file_name

pytestmark = pytest.mark.browser

AS_AT = dt.date(2025, 1, 1)
LIVERPOOL = "E08000012"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
HOSTILE_PLACE = "Liverpool</title><script>document.title='pwned'</script>"
LOCAL = ("file:", "data:", "blob:")


def _hostile_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)

    def q(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    (folder / "places.csv").write_text(f"code,name,ics_code\n{LIVERPOOL},{q(HOSTILE_PLACE)},QYG\n", encoding="utf-8")
    (folder / "pcns.csv").write_text(f"code,name\nU99022,{q('PCN ' + HOSTILE)}\n", encoding="utf-8")
    (folder / "areas.csv").write_text(f"code,name,kind\nE01990132,{q('Area ' + HOSTILE)},lsoa\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, open_store_for) -> dict[str, tuple[Path, object]]:
    root = tmp_path_factory.mktemp("map-pages")
    store = open_store_for("ladybug", root / "db")
    try:
        load_paths(store, [SAMPLE_DIR])
        load_paths(store, [_hostile_files(root / "hostile")])
        out = {}
        for name, scope in {"liverpool": {"place": LIVERPOOL}, "ics": {"ics": "QYG"}, "pcn": {"pcn": "U99013"}}.items():
            data = build_map(store, as_at=AS_AT, **scope)
            out[name] = (write_map(data, root / f"{name}.html", links=[diagram_link(data)]), data)
    finally:
        store.close()
    return out


class Opened:
    def __init__(self, page, attempts: list[str], problems: list[str], seconds: float) -> None:
        self.page, self.attempts, self.problems, self.seconds = page, attempts, problems, seconds

    def js(self, expression: str, arg: object = None) -> object:
        return self.page.evaluate(expression, arg)


def open_page(browser, path: Path, timeout: float = 30.0) -> Opened:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    attempts: list[str] = []
    problems: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(LOCAL):
            r.continue_()
        else:
            attempts.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    started = time.monotonic()
    page.goto(path.as_uri())
    while not page.evaluate("() => !!(window.icpmap && window.icpmap.ready)"):
        if time.monotonic() - started > timeout:
            raise AssertionError(f"the map was not ready in {timeout} s; problems: {problems}")
        page.wait_for_timeout(20)
    return Opened(page, attempts, problems, time.monotonic() - started)


def test_the_map_draws_offline_with_no_request(browser, pages) -> None:
    for name, (path, data) in pages.items():
        o = open_page(browser, path)
        try:
            assert o.attempts == [], name
            assert o.problems == [] and o.js("() => window.icpmap.errors") == [], name
            assert o.js("() => document.querySelectorAll('#areas path').length") == len(data.drawn_areas())
            assert o.js("() => document.querySelectorAll('#practices circle').length") == len(data.located_practices())
            box = o.js("() => { const b = document.querySelector('#places path').getBBox(); return [b.width, b.height]; }")
            assert min(box) > 100  # the Place outline is drawn, not a speck
            painted = o.js("""() => { const r = document.getElementById('map').getBoundingClientRect();
                return [r.width, r.height]; }""")
            assert painted[0] > 600 and painted[1] > 400
        finally:
            o.page.context.close()


def test_hostile_names_are_text_in_the_hover_details_and_legend(browser, pages) -> None:
    path, data = pages["liverpool"]
    o = open_page(browser, path)
    try:
        assert o.js("() => document.title").startswith("Liverpool</title>")  # the name, as text
        assert o.js("() => document.querySelectorAll('img, [onerror], script:not([type]):not([id])').length") <= 1
        assert o.js("() => document.querySelectorAll('img').length") == 0
        legend = o.js("() => document.getElementById('legend').textContent")
        assert HOSTILE in legend  # shown as text
        # hover over the hostile Area, then a practice of the hostile PCN: plain text details
        index = [a.code for a in data.drawn_areas()].index("E01990132")
        o.js("(i) => document.querySelectorAll('#areas path')[i].scrollIntoView()", index)
        box = o.page.locator("#areas path").nth(index).bounding_box()
        o.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        o.page.wait_for_timeout(100)
        tip = o.js("() => document.getElementById('tip').textContent")
        assert tip.startswith(f"Area {HOSTILE} (E01990132)\nPlace: {HOSTILE_PLACE} (E08000012)")
        assert o.js("() => document.getElementById('tip').children.length") == 0
        practice = next(i for i, p in enumerate(data.located_practices()) if p.pcn == "U99022")
        text = o.js("(i) => window.icpmap.textOf(document.querySelectorAll('#practices circle')[i])", practice)
        assert f"PCN: PCN {HOSTILE} (U99022)" in text and "not coterminous" in text
        assert o.js("() => document.title") != "pwned" and o.problems == []
    finally:
        o.page.context.close()


def test_a_pcns_footprint_layers_zoom_and_the_diagram_link(browser, pages) -> None:
    path, data = pages["liverpool"]
    o = open_page(browser, path)
    try:
        o.page.select_option("#pcn-select", "U99022")
        assert o.js("() => window.icpmap.selected") == "U99022"
        filled = o.js("() => [...document.querySelectorAll('#areas path')].filter(p => p.style.fill).length")
        drawn = {a.code for a in data.drawn_areas()}
        assert filled == len(set(data.pcns["U99022"].patients) & drawn) > 5
        assert o.js("() => document.getElementById('footprint-legend').hidden") is False
        dimmed = o.js("() => document.querySelectorAll('#practices circle.dim').length")
        assert dimmed == sum(1 for p in data.located_practices() if p.pcn != "U99022")
        # clicking a practice chooses its PCN
        other = next(i for i, p in enumerate(data.located_practices()) if p.pcn == "U99023")
        o.js("(i) => document.querySelectorAll('#practices circle')[i].dispatchEvent(new MouseEvent('click', {bubbles: true}))",
             other)
        assert o.js("() => window.icpmap.selected") == "U99023"
        o.page.uncheck("#show-practices")
        assert o.js("() => getComputedStyle(document.getElementById('practices')).display") == "none"
        before = o.js("() => window.icpmap.view()")
        o.page.click("#zoom-in")
        after = o.js("() => window.icpmap.view()")
        assert after[2] < before[2] * 0.7
        o.page.click("#zoom-reset")
        assert o.js("() => window.icpmap.view()") == before
        href = o.js("() => document.querySelector('header a.link').getAttribute('href')")
        # the diagram demo writes beside it, named from the (hostile) Place name: a safe file name
        assert href == "../diagrams/" + file_name("place", "E08000012", HOSTILE_PLACE, "html")
        assert href.startswith("../diagrams/place-liverpool-") and "<" not in href
        assert o.attempts == [] and o.problems == []
    finally:
        o.page.context.close()


def test_a_pcn_map_opens_on_its_footprint(browser, pages) -> None:
    path, _ = pages["pcn"]
    o = open_page(browser, path)
    try:
        assert o.js("() => window.icpmap.selected") == "U99013"
        assert o.js("() => document.getElementById('footprint-title').textContent").startswith("Widnes PCN (U99013)")
        assert o.js("() => [...document.querySelectorAll('#areas path')].filter(p => p.style.fill).length") > 5
    finally:
        o.page.context.close()
