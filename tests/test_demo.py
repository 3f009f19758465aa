"""`icpmap demo` as a newcomer meets it: the summary says where to look, and `index.html` links
every file the demo wrote, by name, each with what it shows; in headless Chromium every link
on the index opens its target, and nothing is fetched from the network."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from icpmap.visualise.index_page import build_index, render_index
from icpmap.visualise.names import file_name, slug

from .conftest import run_cli

# The module's fixture runs the whole demo twice (every report, diagram, map, chart and both board
# papers, the ICS pack drawing 9 Places); on a shared 2-core machine under load that outlasts the
# suite's 300 s per test, which is meant for one test, not two whole demos.
pytestmark = pytest.mark.timeout(1200)

# what is not the network: local files, inline data, and Chromium's own resources (its PDF
# viewer, which opens the board papers, loads chrome:// and chrome-extension:// pages)
LOCAL = ("file:", "data:", "blob:", "about:", "chrome:", "chrome-extension:")


class Links(HTMLParser):
    """Every <a href> of a page, with its text; and whether the page holds any script."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.scripts = 0
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The real command, run twice on one store (the second run must change nothing and say the same)."""
    root = tmp_path_factory.mktemp("demo")
    out, db = root / "icpmap-demo", root / "store"
    first = run_cli("demo", "--out", str(out), db=db, timeout=600)
    assert first.returncode == 0, first.stderr
    again = run_cli("demo", "--out", str(out), db=db, timeout=600)
    assert again.returncode == 0, again.stderr
    assert again.stdout.replace(str(root), "") == first.stdout.replace(str(root), "")
    return out, db, again.stdout


def written_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_summary_says_where_to_look_what_was_found_and_what_next(demo):
    out, db, stdout = demo
    assert "Loaded 9 Places, 34 neighbourhoods, 39 PCNs" in stdout  # the second run too: nothing doubled
    assert f"Where to look: {out / 'index.html'}" in stdout
    assert "1. Open the index" in stdout and (out / "index.html").as_uri() in stdout
    assert "2. See the dashboard" in stdout and f"--db {db} serve" in stdout
    assert "3. Load your own files" in stdout and "load my-files/" in stdout
    # the headline findings are the reports' own counts
    unsigned = (out / "reports" / "unsigned.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(unsigned) > 1 and f"{len(unsigned)} expected signatures are outstanding" in stdout
    pcns = list(csv.DictReader(io.StringIO((out / "reports" / "coterminosity.csv").read_text(encoding="utf-8"))))
    apart = sum(1 for r in pcns if r["coterminous"] == "false")
    assert apart > 0 and f"{apart} of {len(pcns)} PCNs are not coterminous" in stdout
    missing = (out / "reports" / "missing-links.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert f"{len(missing)} expected links from ICP boards to other boards are missing" in stdout


def test_file_names_carry_the_places_name_and_code(demo):
    out, _, _ = demo
    files = written_files(out)
    for code, name in (("E08000012", "liverpool"), ("E08000013", "st-helens"), ("E06000050", "cheshire-west-and-chester")):
        assert f"diagrams/place-{name}-{code}.html" in files
        assert f"queries/place-members-{name}-{code}.csv" in files
    assert "diagrams/ics-nhs-cheshire-and-merseyside-QYG.html" in files
    for fmt in ("docx", "pdf"):  # the board papers too
        assert f"papers/profile-liverpool-E08000012.{fmt}" in files
        assert f"papers/pack-nhs-cheshire-and-merseyside-QYG.{fmt}" in files
    assert not [f for f in files if re.search(r"/place-E\d+\.", f)], "a file named by its code alone"


def test_index_links_every_file_the_demo_wrote_and_nothing_else(demo):
    out, _, _ = demo
    page = links_of((out / "index.html").read_text(encoding="utf-8"))
    assert page.scripts == 0
    targets = {unquote(urlsplit(href).path) for href, _ in page.links if not href.startswith("#")}
    for href, text in page.links:
        assert text, f"a link with no text: {href}"
        assert not urlsplit(href).scheme and not href.startswith(("/", "//")), f"not a relative link: {href}"
    expected = {f for f in written_files(out) if f != "index.html" and not f.startswith("store")}
    assert targets == expected
    # every diagram by its Place's name
    by_target = {unquote(urlsplit(h).path): t for h, t in page.links}
    assert by_target["diagrams/place-st-helens-E08000013.html"] == "St. Helens"
    assert by_target["diagrams/place-liverpool-E08000012.html"] == "Liverpool"


def test_index_says_what_each_thing_shows(demo):
    out, _, _ = demo
    html = (out / "index.html").read_text(encoding="utf-8")
    for expected in ("The partnership as a network", "Every report in one workbook",
                     "Members of each Place&#39;s partnership by sector", "report unsigned",
                     "Every Place with its ICS and how many neighbourhoods"):
        assert expected in html, expected
    assert "Content-Security-Policy" in html and "default-src &#39;none&#39;" in html
    assert "icpmap --db" in html and " serve" in html  # the next steps, on the page too


@pytest.mark.browser
def test_every_link_on_the_index_opens_its_target_in_chromium(browser, demo):
    out, _, _ = demo
    context = browser.new_context(accept_downloads=True)
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto((out / "index.html").as_uri())
    assert page.title().startswith("Cheshire and Merseyside")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => [a.getAttribute('href'), a.href])")
    assert len(hrefs) > 50
    opened = set()
    target = context.new_page()
    for raw, absolute in hrefs:
        if raw.startswith("#"):
            assert page.locator(raw).count() == 1, f"no element {raw} on the index"
            continue
        assert absolute.startswith(out.as_uri() + "/"), absolute
        if absolute in opened:
            continue
        opened.add(absolute)
        try:
            response = target.goto(absolute, wait_until="commit", timeout=60_000)
        except Exception as exc:  # Chromium downloads what it does not show (xlsx, csv)
            assert "Download is starting" in str(exc), f"{raw}: {exc}"
            continue
        assert response is None or response.ok, raw
        if absolute.endswith(".html"):
            target.wait_for_load_state("domcontentloaded")
            assert target.title(), f"{raw} opened with no title"
    assert len(opened) == len(written_files(out)) - 1 - len([f for f in written_files(out) if f.startswith("store")])
    # a link to a file that is not there is found out
    try:
        target.goto((out / "diagrams" / "no-such-page.html").as_uri(), wait_until="commit")
        raise AssertionError("a missing file opened")
    except Exception as exc:
        assert "ERR_FILE_NOT_FOUND" in str(exc)
    assert not outside, f"the index or a page it links tried the network: {outside}"
    context.close()


# -- the page's parts, on hand-made input ------------------------------------------------------------


HOSTILE = "<img src=x onerror=alert(1)>&amp;\"'"


def test_names_of_files():
    assert slug("St. Helens") == "st-helens" and slug("Ynys Môn") == "ynys-mon" and slug("  ") == ""
    assert file_name("place", "E08000012", "Liverpool", "html") == "place-liverpool-E08000012.html"
    assert file_name("place", "E1", None, ".csv") == "place-E1.csv"
    assert file_name("ics", "A/B", HOSTILE, "html") == "ics-img-src-x-onerror-alert-1-amp-A%2FB.html"


def test_index_escapes_names_and_links_only_what_it_was_given(tmp_path):
    out = tmp_path
    diagram = out / "diagrams" / file_name("place", "E1", HOSTILE, "html")
    legacy = out / "maps" / "place-E1.html"  # named by code alone: still found for its Place
    stray = out / "notes" / "read me.txt"
    for p in (diagram, legacy, stray):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    content = build_index(out, [diagram, legacy, stray], [{"place_code": "E1", "place_name": HOSTILE}], [])
    (place,) = content["places"]
    assert [c["kind"] for c in content["place_columns"]] == ["Diagram", "Map"]
    assert [c["href"] for c in place.cells] == [f"diagrams/{diagram.name.replace('%', '%25')}", "maps/place-E1.html"]
    (other,) = content["groups"]
    assert other["title"] == "Other files" and other["items"][0].files[0]["href"] == "notes/read%20me.txt"
    html = render_index(content, title=HOSTILE, next_steps=[{"text": HOSTILE, "command": HOSTILE}])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;&amp;amp;" in html
    assert "<script" not in html
    page = links_of(html)
    assert {h for h, _ in page.links if not h.startswith("#")} == {
        f"diagrams/{diagram.name.replace('%', '%25')}", "maps/place-E1.html", "notes/read%20me.txt"}


def test_index_describes_files_other_producers_add(tmp_path):
    """A report variant, a chart or a page kind the index has no words for still gets a line; nothing is left out."""
    files = [tmp_path / "reports" / "breadth-last-year.csv", tmp_path / "charts" / "progress.png",
             tmp_path / "papers" / "place-halton-E06000006.html", tmp_path / "reports" / "report-pack.xlsx",
             tmp_path / "papers" / "profile-E06000006.pdf"]
    for p in files:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    content = build_index(tmp_path, files, [{"place_code": "E06000006", "place_name": "Halton"}], [])
    groups = {g["title"]: g["items"] for g in content["groups"]}
    reports = {i.label: i.what for i in groups["Reports"]}
    assert list(reports) == ["Report pack", "breadth-last-year"]
    assert reports["breadth-last-year"].endswith("(report breadth, last year).")
    assert [(i.label, i.what) for i in groups["Charts"]] == [("Progress", "The progress chart.")]
    (halton,) = content["places"]
    assert [c["kind"] for c in content["place_columns"]] == ["Board paper", "Board paper (PDF)"]
    assert [c["href"] for c in halton.cells] == ["papers/place-halton-E06000006.html", "papers/profile-E06000006.pdf"]


def test_the_demo_says_what_changed_in_the_last_year_of_the_data(demo):
    out, _, _ = demo
    written = written_files(out)
    assert {"reports/changes-last-year.csv", "reports/changes-last-year.xlsx",
            "charts/progress.png", "charts/progress.svg"} <= written
    rows = list(csv.DictReader(io.StringIO((out / "reports" / "changes-last-year.csv").read_text(encoding="utf-8"))))
    dates = [row["date"] for row in rows]
    # the sample stops changing on 2022-06-30: the year to it, both ends included
    assert len(dates) > 50 and min(dates) >= "2021-07-01" and max(dates) == "2022-06-30"
    assert "changes-last-year.csv" in (out / "index.html").read_text(encoding="utf-8")
