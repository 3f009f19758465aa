"""Every place a name or code is shown, shown as text: each table of each dashboard page, each
control of the diagram, each exported cell.

The sample is loaded with every free-text value and every code (of the ICS, organisations,
boards, agreements, PCNs, neighbourhoods and people) turned into a marker element
`<i data-x="…">…</i>`. Wherever one reaches a page unescaped, the page holds `<i data-x=`;
escaped, it holds `&lt;i data-x=`. So each table is checked for the escaped marker (the
hostile value is there) and the page for the raw one (it is never markup).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import open_store
from icpmap.graph.model import FILES, NodeFile
from icpmap.loaders import load_paths
from icpmap.reports import tabular
from icpmap.sample import SAMPLE_DIR

PLACE = "E06000007"  # Warrington: every table of its page has rows
RAW = "<i data-x="
ESCAPED = "&lt;i data-x="
RENAMED = ("ICS", "Organisation", "Board", "Agreement", "PCN", "Neighbourhood", "Person")


def marker(tag: str, text: str) -> str:
    return f'<i data-x="{tag}">{text}</i>'


def hostile_everything(folder: Path) -> Path:
    """The sample with a marker in every free-text value and in every code of RENAMED."""
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    codes: dict[str, str] = {}
    text: dict[str, list[str]] = {}
    for name, spec in FILES.items():
        if not isinstance(spec, NodeFile):
            continue
        text[name] = [p.name for p in spec.node.props[1:] if p.type == "string" and not p.vocabulary and not p.format
                      and p.name != "postcode"]
        if spec.label in RENAMED:
            with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    codes[row[spec.node.key]] = marker("code", row[spec.node.key])
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
        for row in rows:
            for column, value in row.items():
                if column in text.get(path.stem, ()) and value:
                    row[column] = marker(f"{path.stem}.{column}", value)
                elif value:
                    row[column] = ";".join(codes.get(v, v) for v in value.split(";"))
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


class Hostile:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = open_store(root / "db", engine="ladybug")
        load_paths(self.store, [hostile_everything(root / "in")])
        keys = KeyFile(root / "keys.json")
        self.key = keys.create("escaping admin", "admin")[1]
        self.app = create_app(self.store, keys_path=keys.path, audit=root / "loads.jsonl")
        self.client = TestClient(self.app, base_url="http://127.0.0.1")
        self.headers = {"Authorization": f"Bearer {self.key}"}

    def get(self, path: str) -> str:
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    h = Hostile(tmp_path_factory.mktemp("escaping"))
    yield h
    h.client.close()
    h.store.close()


def _sections(body: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<section aria-labelledby="([\w-]+)-h">(.*?)</section>', body, flags=re.S)}


def _cells(table: str) -> list[list[str]]:
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)]


def test_the_hostile_sample_loaded_whole(hostile: Hostile) -> None:
    with open_store(hostile.root / "plain", engine="ladybug") as plain:
        load_paths(plain, [SAMPLE_DIR])
        assert hostile.store.counts() == plain.counts()
    names = hostile.store.read("MATCH (o:Organisation) RETURN o.code, o.name").rows
    assert names and all(code.startswith(RAW) and name.startswith(RAW) for code, name in names)


def test_every_table_of_the_place_page_shows_hostile_names_as_text(hostile: Hostile) -> None:
    body = hostile.get(f"/dashboard/places/{PLACE}")
    assert RAW not in body
    sections = _sections(body)
    # Each section that lists data shows a hostile value, escaped, in each data column.
    expected = {
        "unsigned": [1, 2],  # organisation name, code
        "links": [0],  # board code
        "members": [0, 1],  # organisation name, code (the members table is in the breadth section)
        "lead": None,
        "cot": [0, 1],  # PCN name, code
    }
    assert set(expected) - {"members"} <= set(sections), sorted(sections)
    for section, columns in expected.items():
        html = sections["breadth" if section == "members" else section]
        assert ESCAPED in html, section
        if columns is None:
            continue
        tables = re.findall(r"<table>(.*?)</table>", html, flags=re.S)
        table = tables[-1] if section == "members" else tables[0]
        rows = [r for r in _cells(table) if r and "scope=\"col\"" not in r[0]]
        assert rows, section
        for column in columns:
            assert any(ESCAPED in r[column] for r in rows), (section, column)
    # The place lead's name and title, and the assurance evidence that names organisations.
    assert "&lt;i data-x=&#34;people.name&#34;&gt;" in sections["lead"]
    assert "&lt;i data-x=&#34;people.role_title&#34;&gt;" in sections["lead"]
    assert "&lt;i data-x=&#34;ics.name&#34;&gt;" in body  # "Part of …"
    assert "&lt;i data-x=&#34;places.name&#34;&gt;" in body  # title, heading, captions


def test_the_other_pages_show_hostile_names_as_text(hostile: Hostile) -> None:
    home = hostile.get("/")
    overview = hostile.get("/dashboard/overview")
    for where, body in (("home", home), ("overview", overview)):
        assert RAW not in body, where
    assert "&lt;i data-x=&#34;code&#34;&gt;" in home  # ICS codes in the Places table
    assert "&lt;i data-x=&#34;organisations.name&#34;&gt;" in overview  # who has not signed
    assert "&lt;i data-x=&#34;code&#34;&gt;" in overview  # agreement codes
    query = hostile.client.post("/dashboard/query", headers=hostile.headers, data={
        "cypher": "MATCH (o:Organisation) RETURN o.name AS `<i data-x=\"col\">`, o.code AS code LIMIT 3"})
    assert query.status_code == 200 and RAW not in query.text
    assert "&lt;i data-x=&#34;col&#34;&gt;" in query.text  # the column heading
    assert query.text.count("&lt;i data-x=&#34;organisations.name&#34;&gt;") >= 3  # the cells, and the query
    refused = hostile.client.post("/dashboard/query", headers=hostile.headers,
                                  data={"cypher": 'RETURN <i data-x="q">'})
    assert refused.status_code == 400 and RAW not in refused.text and ESCAPED in refused.text


def test_upload_problems_show_hostile_values_as_text(hostile: Hostile) -> None:
    bad = b'code,name,sector,statutory\n<i data-x="v">X</i>,A name,<i data-x="sector">,maybe\n'
    response = hostile.client.post("/dashboard/upload", headers=hostile.headers,
                                   files={"files": ('<i data-x="f">.csv', bad)})
    assert response.status_code == 422, response.status_code  # not a file icpmap knows, named in the page
    assert RAW not in response.text, response.text[response.text.find(RAW) - 300:][:600]
    assert "_i data-x_22f_22_.csv" in response.text  # the name as the service keeps it
    upload = hostile.client.post("/dashboard/upload", headers=hostile.headers,
                                 files={"files": ("organisations.csv", bad)})
    assert upload.status_code == 422
    assert RAW not in upload.text
    assert "&lt;i data-x=&#34;sector&#34;&gt;" in upload.text  # the value column of the problems table


def test_error_pages_and_sign_in_show_hostile_text_as_text(hostile: Hostile) -> None:
    missing = hostile.client.get("/dashboard/places/E99999999", headers=hostile.headers)
    assert missing.status_code == 404 and "E99999999" in missing.text
    # an error's detail quotes what was sent: a date in the page's URL
    bad_date = hostile.client.get(f"/dashboard/places/{PLACE}", params={"as_at": marker("as_at", "d")},
                                  headers=hostile.headers)
    assert bad_date.status_code == 400 and RAW not in bad_date.text
    assert "got &#39;&lt;i data-x=&#34;as_at&#34;&gt;d&lt;/i&gt;&#39;." in bad_date.text
    login = hostile.client.get('/login?next=/x"><i data-x="next">')
    assert login.status_code == 200 and RAW not in login.text
    assert 'value="/x&#34;&gt;&lt;i data-x=&#34;next&#34;&gt;"' in login.text
    wrong = hostile.client.post("/login", data={"key": "nope", "next": '/"><i data-x="n">'},
                                headers={"Origin": "http://127.0.0.1"})
    assert wrong.status_code == 401 and RAW not in wrong.text and ESCAPED in wrong.text


# -- the diagram's controls, in a browser --------------------------------------------------------------------


@pytest.mark.browser
def test_every_diagram_control_shows_hostile_names_as_text(hostile: Hostile, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The details panel (name, facts), the "linked" buttons and the tooltips of a Place's diagram."""
    from icpmap.visualise import build_graph, write_diagram

    graph = build_graph(hostile.store, place=PLACE)
    path = write_diagram(graph, tmp_path / "diagram.html")
    page = browser.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_function("() => window.icpmap && window.icpmap.ready", timeout=60_000)
        nodes = page.evaluate("() => JSON.parse(document.getElementById('icpmap-data').textContent).nodes")
        hostile_nodes = [n for n in nodes if str(n["name"]).startswith(RAW)]
        assert hostile_nodes
        # The node with the most hostile neighbours: its panel lists them as buttons.
        checked = 0
        for node in sorted(hostile_nodes, key=lambda n: n["kind"] != "Board")[:3]:
            page.evaluate("id => window.icpmap.focusNode(id)", node["id"])
            panel = page.evaluate("""() => ({
                injected: document.querySelectorAll('[data-x]').length,
                strong: [...document.querySelectorAll('#details strong')].map(e => e.textContent),
                dd: [...document.querySelectorAll('#details dd')].map(e => e.textContent),
                buttons: [...document.querySelectorAll('#details ul.partners button')].map(e => e.textContent),
            })""")
            assert panel["injected"] == 0, node["name"]
            assert panel["strong"] == [node["name"]]
            neighbours = page.evaluate("id => window.icpmap.network.getConnectedNodes(id)", node["id"])
            names = sorted((n["name"] for n in nodes if n["id"] in neighbours), key=str)
            assert sorted(panel["buttons"], key=str) == names
            checked += sum(b.startswith(RAW) for b in panel["buttons"])
            assert any(v.startswith(RAW) for v in panel["dd"]) or not node.get("info")
        assert checked > 0  # hostile names were drawn on the "linked" buttons, as text
        # Clicking a linked button focuses that partner, still as text.
        page.click("#details ul.partners button")
        assert page.evaluate("() => document.querySelectorAll('[data-x]').length") == 0
        assert page.evaluate("() => window.icpmap.errors") == []
    finally:
        page.close()


# -- exported cells -------------------------------------------------------------------------------------------

RISKY = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\r=1+1"]
HARMLESS = ["a=b", "1-2", "x\r", "x\r=1+1", " =1", "'=1", "", "name@example.org"]


def test_a_carriage_return_inside_a_csv_cell_never_starts_a_row() -> None:
    text = tabular.to_csv(["name"], [["x\r=1+1"], ["plain"]])
    assert text == 'name\n"x\r=1+1"\nplain\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["name"], ["x\r=1+1"], ["plain"]]


def test_csv_neutralises_every_formula_start_including_carriage_return() -> None:
    text = tabular.to_csv(["=head", "plain"], [[v, "ok"] for v in RISKY + HARMLESS])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["'=head", "plain"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in RISKY] + HARMLESS


def test_xlsx_neutralises_every_formula_start_including_carriage_return() -> None:
    book = load_workbook(io.BytesIO(tabular.xlsx_bytes([("s", ["=head"], [[v] for v in RISKY + HARMLESS])])))
    values = [c.value for c in book["s"]["A"]]
    assert values[0] == "'=head"
    # (openpyxl's own XML reader gives a stored CR back as LF; with lxml installed, as python-docx
    # brings it, the CR comes back as written: either way the cell starts with the quote)
    expected = ["'" + v for v in RISKY] + [v or None for v in HARMLESS]

    def lf(v: str | None) -> str | None:
        return v.replace("\r", "\n") if v else v

    assert [lf(v) for v in values[1:]] == [lf(v) for v in expected]


@pytest.mark.parametrize("start", tabular.FORMULA_START)
def test_neutralise_each_start(start: str) -> None:
    assert tabular.neutralise(start + "x") == "'" + start + "x"
    assert tabular.neutralise("x" + start) == "x" + start


def test_a_hostile_place_code_is_text_in_the_overview(tmp_path: Path) -> None:
    """A Place's code is not checked against a pattern on load (only a page's URL is): the ICS
    overview, which lists every Place in each of its tables (the timeline's too), shows it as text."""
    from . import fixtures_reports as fx

    code = marker("place", "P")
    tables = {"ics": (["code", "name"], [["ICSQ", "Q ICS"]]),
              "places": (["code", "name", "ics_code"], [[code, "Q", "ICSQ"]])}
    with open_store(tmp_path / "db", engine="ladybug") as store:
        load_paths(store, [fx.write_fixture(tmp_path / "in", tables)])
        app = create_app(store, allow_anonymous=True, keys_path=tmp_path / "keys.json", audit=tmp_path / "a.jsonl")
        with TestClient(app, base_url="http://127.0.0.1") as client:
            page = client.get("/dashboard/overview")
    assert page.status_code == 200 and RAW not in page.text
    timeline = _sections(page.text)["timeline"]
    header, *rows = _cells(timeline)
    assert header[0] == "Place" and len(rows) == 4  # the four milestones the graph can evidence
    assert all(row[0] == "&lt;i data-x=&#34;place&#34;&gt;P&lt;/i&gt;" for row in rows)
