"""The dashboard in a real headless Chromium (Debian's), driven by Playwright, against a real uvicorn.

The service runs in a background thread on 127.0.0.1 with the sample loaded (plus one
organisation with a hostile name); every request to any other host is blocked.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import open_store
from icpmap.sample import SAMPLE_DIR

pytestmark = pytest.mark.browser

PLACE = "E08000014"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
PLACE_NAMES = ["Cheshire East", "Cheshire West and Chester", "Halton", "Warrington", "Knowsley", "Liverpool",
               "St. Helens", "Sefton", "Wirral"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[dict[str, str]]:
    import uvicorn

    from icpmap.loaders import load_paths

    root = tmp_path_factory.mktemp("browser")
    extra = root / "extra"
    extra.mkdir()
    quoted = '"' + HOSTILE.replace('"', '""') + '"'
    (extra / "organisations.csv").write_text(f"code,name,sector,statutory\nHOSTILE,{quoted},voluntary,false\n",
                                             encoding="utf-8")
    (extra / "memberships.csv").write_text(f"organisation_code,board_code,role,from,to\nHOSTILE,PPB-{PLACE},wider,2020-01-01,\n",
                                           encoding="utf-8")
    store = open_store(root / "db", engine="ladybug")
    load_paths(store, [SAMPLE_DIR])
    load_paths(store, [extra])
    keys = KeyFile(root / "keys.json")
    viewer = keys.create("browser viewer", "viewer")[1]
    app = create_app(store, keys_path=keys.path, audit=root / "loads.jsonl")
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "viewer": viewer}
    uv.should_exit = True
    thread.join(timeout=10)
    store.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    base_host = server["base"].split("//", 1)[1]
    outside: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or url.split("//", 1)[-1].startswith(base_host):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.outside, pg.errors = outside, errors  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not outside, f"requests to other hosts: {outside}"


def sign_in(page, server) -> None:
    page.goto(server["base"] + "/")
    assert "/login" in page.url
    page.fill("#key", server["viewer"])
    page.click("button[type=submit]")
    page.wait_for_url(server["base"] + "/")


def test_home_lists_the_nine_places_after_sign_in(page, server) -> None:
    sign_in(page, server)
    assert page.title() == "Places – icpmap"
    rows = page.locator("table.places tbody tr")
    assert rows.count() == 9
    text = page.locator("table.places").inner_text()
    for name in PLACE_NAMES:
        assert name in text
    cookies = page.context.cookies()
    cookie = next(c for c in cookies if c["name"] == "icpmap_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert server["viewer"].split("-")[2] not in cookie["value"]  # a session id, not the key
    assert page.evaluate("document.cookie") == ""  # out of reach of scripts
    assert not page.errors


def test_place_page_shows_the_diagram(page, server) -> None:
    sign_in(page, server)
    page.click("text=Sefton")
    page.wait_for_url(f"**/dashboard/places/{PLACE}")
    assert page.locator("h1").inner_text().startswith("Sefton")
    frame_element = page.wait_for_selector("iframe#diagram")
    frame = frame_element.content_frame()
    assert frame is not None
    frame.wait_for_selector("canvas", timeout=20_000)
    size = frame.evaluate("(() => { const c = document.querySelector('canvas'); return [c.width, c.height]; })()")
    assert size[0] > 100 and size[1] > 100
    frame.wait_for_function("document.body.innerText.length > 50", timeout=10_000)
    tables = page.locator("main table caption").all_inner_texts()
    assert "Assurance of Sefton" in tables and "Partnership members" in tables
    assert page.locator("a[href*='format=csv']").count() >= 5
    assert not page.errors, page.errors


def test_hostile_names_show_as_text_and_never_run(page, server) -> None:
    sign_in(page, server)
    page.goto(f"{server['base']}/dashboard/places/{PLACE}")
    assert HOSTILE in page.locator("main").inner_text()
    frame = page.wait_for_selector("iframe#diagram").content_frame()
    frame.wait_for_selector("canvas", timeout=20_000)
    page.wait_for_timeout(500)
    assert page.title() != "pwned" and frame.title() != "pwned"
    page.goto(f"{server['base']}/places/{PLACE}/network.html")
    page.wait_for_selector("canvas", timeout=20_000)
    page.wait_for_timeout(300)
    assert page.title() != "pwned"


def test_overview_page(page, server) -> None:
    sign_in(page, server)
    page.click("text=ICS overview")
    page.wait_for_url("**/dashboard/overview")
    matrix = page.locator("table.matrix tbody tr")
    assert matrix.count() == 9
    assert page.locator("table.matrix .tag").count() == 63  # 9 Places x 7 features
    assert not page.errors


def test_sign_out_forgets_the_key(page, server) -> None:
    sign_in(page, server)
    page.click("text=Sign out")
    page.wait_for_url("**/login")
    page.goto(server["base"] + "/dashboard/overview")
    assert "/login" in page.url
