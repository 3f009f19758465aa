"""The dashboard's Place page over time, in headless Chromium against a real uvicorn: "what changed
since" at the top, and an as-at date picker (a URL parameter) that every table, the diagram and
every download follow.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import open_store
from icpmap.reports import run_report
from icpmap.sample import SAMPLE_DIR

pytestmark = pytest.mark.browser

CHESHIRE_EAST = "E06000049"
AS_AT, SINCE = dt.date(2021, 10, 1), dt.date(2021, 7, 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[dict[str, object]]:
    import uvicorn

    from icpmap.loaders import load_paths

    root = tmp_path_factory.mktemp("dashboard-time")
    store = open_store(root / "db", engine="ladybug")
    load_paths(store, [SAMPLE_DIR])
    keys = KeyFile(root / "keys.json")
    viewer = keys.create("time viewer", "viewer")[1]
    app = create_app(store, keys_path=keys.path, audit=root / "loads.jsonl")
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "viewer": viewer, "store": store}
    uv.should_exit = True
    thread.join(timeout=10)
    store.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True)
    host = str(server["base"]).split("//", 1)[1]
    outside: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or url.split("//", 1)[-1].startswith(host):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors  # type: ignore[attr-defined]
    pg.goto(f"{server['base']}/login")
    pg.fill("#key", str(server["viewer"]))
    pg.click("button[type=submit]")
    pg.wait_for_load_state()
    yield pg
    context.close()
    assert not outside, f"requests to other hosts: {outside}"


def _place(server, **query: str) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{server['base']}/dashboard/places/{CHESHIRE_EAST}" + (f"?{params}" if params else "")


def test_what_changed_since_heads_the_page_and_agrees_with_the_report(page, server) -> None:
    page.goto(_place(server, as_at=AS_AT.isoformat(), since=SINCE.isoformat()))
    assert page.locator("#changes-h").inner_text() == f"What changed since {SINCE.isoformat()}"
    expected = run_report(server["store"], "changes", place=CHESHIRE_EAST, from_date=SINCE, to_date=AS_AT).rows
    rows = page.locator("tr.change")
    assert expected and rows.count() == len(expected)
    first = rows.nth(0).inner_text()
    assert expected[0][0].isoformat() in first and (expected[0][4] or expected[0][3]) in first
    kinds = {r[2] for r in expected}
    assert "signature_added" in kinds and "place_lead_appointed" in kinds  # PER-001 from 2021-07-01
    # the changes download covers the same window
    link = page.locator("a", has_text="CSV").first
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query["from"] == [SINCE.isoformat()] and query["to"] == [AS_AT.isoformat()]
    assert not page.errors


def test_the_as_at_picker_drives_every_table_the_diagram_and_the_downloads(page, server) -> None:
    page.goto(_place(server))
    today = dt.date.today()
    assert page.input_value("#as_at") == today.isoformat()
    assert page.input_value("#since") == (today - dt.timedelta(days=90)).isoformat()
    # the sample has changed nothing lately: the page says when it last did
    assert "Nothing changed" in page.locator("#changes-h + p").inner_text()
    page.fill("#as_at", AS_AT.isoformat())
    page.fill("#since", SINCE.isoformat())
    page.click("form.as-at button[type=submit]")
    page.wait_for_url(f"**/dashboard/places/{CHESHIRE_EAST}?as_at={AS_AT.isoformat()}&since={SINCE.isoformat()}")
    store = server["store"]
    # every table follows: the unsigned parties and the members as at 2021-10-01
    unsigned = run_report(store, "unsigned", place=CHESHIRE_EAST, as_at=AS_AT).rows
    assert unsigned  # the MOU was not signed by everyone yet (the last signature came on 2021-11-15)
    table = page.locator("#unsigned-h + table tbody tr")
    assert table.count() == len(unsigned)
    members = run_report(store, "breadth", place=CHESHIRE_EAST, as_at=AS_AT).rows[0][2]
    assert f"As at {AS_AT.isoformat()}: {members} organisations" in page.locator("main").inner_text()
    # the seven features and the timeline as at 2021-10-01, which differ from today's
    def statuses(heading: str, column: int) -> list[str]:
        cells = page.locator(f"#{heading} ~ table tbody tr td:nth-of-type({column})")
        return [t.strip().replace(" ", "_") for t in cells.all_inner_texts()]

    assurance = run_report(store, "assurance", place=CHESHIRE_EAST, as_at=AS_AT).records()
    assert statuses("assurance-h", 2) == [r["status"] for r in assurance]
    assert assurance != run_report(store, "assurance", place=CHESHIRE_EAST).records()
    timeline = [r for r in run_report(store, "timeline", place=CHESHIRE_EAST, as_at=AS_AT).records()
                if r["place_code"] == CHESHIRE_EAST]
    assert statuses("timeline-h", 2) == [r["status"] for r in timeline] and "outstanding" in statuses("timeline-h", 2)
    # the place lead then (PER-001 until 2022; PER-002 now), with the endorsements counted then
    lead = run_report(store, "place-leads", place=CHESHIRE_EAST, as_at=AS_AT).records()[0]
    assert lead["lead_person_id"] != run_report(store, "place-leads", place=CHESHIRE_EAST).records()[0]["lead_person_id"]
    assert f"endorsed by {lead['endorsed_by']} of {lead['core_members']} core members" in \
        page.locator("#lead-h + p").inner_text()
    # the diagram follows, and its slider starts on the page's date
    frame_src = page.get_attribute("iframe#diagram", "src")
    assert frame_src.endswith(f"network.html?as_at={AS_AT.isoformat()}")
    frame = page.wait_for_selector("iframe#diagram").content_frame()
    frame.wait_for_function("window.icpmap && window.icpmap.ready", timeout=30_000)
    assert frame.evaluate("window.icpmap.time.date()") == AS_AT.isoformat()
    # every download follows
    hrefs = page.locator("ul.downloads a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(f"as_at={AS_AT.isoformat()}" in h for h in hrefs)
    response = page.request.get(server["base"] + next(h for h in hrefs if "/reports/unsigned?format=csv" in h))
    assert response.status == 200
    got = list(csv.reader(io.StringIO(response.text())))[1:]
    assert len(got) == len(unsigned) and {r[2] for r in got} == {r[2] for r in unsigned}
    assert not page.errors


def test_a_bad_date_is_a_clear_error(page, server) -> None:
    response = page.goto(_place(server, as_at="31/12/2021"))
    assert response.status == 400
    assert "as_at must be a date as YYYY-MM-DD" in page.locator("main").inner_text()
    response = page.goto(_place(server, as_at="2021-01-01", since="2021-06-01"))
    assert response.status == 400 and "is after" in page.locator("main").inner_text()
