"""Diagrams, charts and exports on the bundled sample (plus hostile names): contents, safety, files.

The browser half (the page really renders, offline, and no data runs) is test_browser_diagram.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from icpmap import cypher
from icpmap.graph import open_store
from icpmap.loaders import load_paths
from icpmap.reports import run_report
from icpmap.sample import SAMPLE_DIR
from icpmap.visualise import build_graph, export_graph, write_all, write_chart, write_diagram
from icpmap.visualise.charts import CHARTS
from icpmap.visualise.layout import initial_positions
from icpmap.visualise.page import render_html, script_json, vis_options
from icpmap.visualise.style import EDGE_STYLES, NODE_STYLES

ENGINES = ["ladybug", "neo4j"] if os.environ.get("ICPMAP_NEO4J_URI") else ["ladybug"]
AS_AT = dt.date(2025, 1, 1)  # inside the sample's stable window
WARRINGTON, SEFTON, HALTON = "E06000007", "E08000014", "E06000006"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
HOSTILE_PLACE = "Warrington</title><script>document.title='pwned'</script>"
ODD = "Fund $100 & <b>co</b>\u2028next"  # mathtext `$`, markup, a JS line separator


def hostile_files(folder: Path) -> Path:
    """Extra input files: hostile names on a Place, an organisation and a board (Warrington)."""
    folder.mkdir(parents=True, exist_ok=True)

    def q(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    (folder / "places.csv").write_text(f"code,name,ics_code\n{WARRINGTON},{q(HOSTILE_PLACE)},QYG\n", encoding="utf-8")
    (folder / "organisations.csv").write_text(
        f"code,name,sector,statutory\nHOSTILE,{q(HOSTILE)},voluntary,false\nODD,{q(ODD)},housing,false\n",
        encoding="utf-8")
    (folder / "memberships.csv").write_text(
        "organisation_code,board_code,role,from,to\n"
        f"HOSTILE,PPB-{WARRINGTON},wider,2020-01-01,\nODD,PPB-{WARRINGTON},core,2020-01-01,\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=ENGINES)
def sample(request, tmp_path_factory, open_store_for):
    store = open_store_for(request.param, tmp_path_factory.mktemp("visual-db") / "db")
    load_paths(store, [SAMPLE_DIR])
    load_paths(store, [hostile_files(tmp_path_factory.mktemp("hostile"))])
    yield store
    store.close()


@pytest.fixture(scope="module")
def warrington(sample):
    return build_graph(sample, place=WARRINGTON, as_at=AS_AT)


@pytest.fixture(scope="module")
def warrington_html(warrington):
    return render_html(warrington)


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="icpmap-data">(.*?)</script>', html, re.S)
    assert match, "the page carries its data as a JSON script block"
    return json.loads(match.group(1))


# -- the query library ------------------------------------------------------------------------


def test_visual_queries_are_in_the_library_and_run(sample):
    names = [n for n in cypher.queries() if n.startswith("visual-")]
    assert len(names) >= 10
    for name in names:
        q = cypher.get(name)
        assert q.description and q.columns, name
        lists = {p.name: [] for p in q.params if p.type == "list"}
        assert q.extra.get("internal", "").startswith("yes"), name  # building blocks, not reports
        result = sample.read(q.text, q.bind(lists))  # every list empty: no rows, no error
        assert list(result.columns) == list(q.columns), name
        assert result.rows == [], name


# -- what the diagram shows -------------------------------------------------------------------


def test_place_diagram_shows_partners_roles_boards(sample, warrington):
    g = warrington
    kinds = Counter(n.kind for n in g.nodes.values())
    assert kinds["Place"] >= 1 and kinds["Board"] >= 5 and kinds["Neighbourhood"] == 4 and kinds["PCN"] == 4
    members = {r["organisation_code"]: r["role"] for r in
               sample.read(cypher.get("place-members").text,
                           cypher.get("place-members").bind({"place": WARRINGTON, "as_at": AS_AT})).records()}
    orgs = {n.code for n in g.nodes.values() if n.kind == "Organisation"}
    assert set(members) <= orgs  # every partner is drawn
    core_edges = {g.nodes[e.source].code for e in g.edges if e.kind == "member_core"}
    assert {o for o, role in members.items() if role == "core"} <= core_edges
    assert g.nodes["Organisation:ODD"].weight >= 1
    # size by number of memberships: the most connected organisation is drawn biggest
    from icpmap.visualise.style import node_size
    org_nodes = [n for n in g.nodes.values() if n.kind == "Organisation"]
    top = max(org_nodes, key=lambda n: n.weight)
    assert node_size("Organisation", top.weight) >= max(node_size("Organisation", n.weight) for n in org_nodes)


def test_signatures_and_missing_links_are_the_reports(sample, warrington):
    g = warrington
    unsigned = run_report(sample, "unsigned", place=WARRINGTON, as_at=AS_AT).records()
    drawn = {(g.nodes[e.source].code, g.nodes[e.target].code, e.kind) for e in g.edges
             if e.kind in ("not_signed", "not_listed")}
    expected = {(r["organisation_code"], r["agreement_code"], "not_signed" if r["reason"] == "not_signed" else "not_listed")
                for r in unsigned}
    assert drawn == expected and expected  # Warrington has both kinds in the sample
    assert {k for _, _, k in drawn} == {"not_signed", "not_listed"}
    signed = sample.read(
        "MATCH (o:Organisation)-[s:PARTY_TO]->(a:Agreement)-[:`FOR`]->(p:Place {code: $p}) "
        "WHERE s.signed_on IS NOT NULL RETURN o.code AS o, a.code AS a", {"p": WARRINGTON}).records()
    assert {(r["o"], r["a"]) for r in signed} == {
        (g.nodes[e.source].code, g.nodes[e.target].code) for e in g.edges if e.kind == "signed"}
    missing = run_report(sample, "missing-links", place=WARRINGTON, as_at=AS_AT).records()
    drawn_missing = {(g.nodes[e.source].code, g.nodes[e.target].info["expected kind"]) for e in g.edges
                     if e.kind == "missing_link"}
    assert len(drawn_missing) == len(missing) >= 1
    assert {r["board_code"] for r in missing} == {b for b, _ in drawn_missing}
    assert all(EDGE_STYLES["missing_link"].dashes and EDGE_STYLES["missing_link"].colour == "#DA291C" for _ in missing)


def test_place_lead_and_endorsements(sample):
    g = build_graph(sample, place=SEFTON, as_at=AS_AT)
    lead = run_report(sample, "place-leads", place=SEFTON, as_at=AS_AT).records()[0]
    person = g.nodes[f"Person:{lead['lead_person_id']}"]
    assert any(e.kind == "place_lead" and e.source == person.id for e in g.edges)
    endorsed = [e for e in g.edges if e.kind == "endorsed" and e.target == person.id]
    assert len({e.source for e in endorsed}) >= lead["endorsed_by"]
    assert person.info["endorsed by"] == lead["endorsed_by"]
    hidden = build_graph(sample, place=SEFTON, as_at=AS_AT, people_names=False)
    assert all("name" not in n.info for n in hidden.nodes.values() if n.kind == "Person")
    assert all(n.label.startswith("Place lead ") for n in hidden.nodes.values() if n.kind == "Person")


def test_pcn_edges_carry_the_coterminosity_share(sample):
    g = build_graph(sample, ics="QYG", as_at=AS_AT)
    report = {r["pcn_code"]: r for r in run_report(sample, "coterminosity", as_at=AS_AT, by="patients",
                                                     level="neighbourhood", view="pcns").records()}
    leads = [e for e in g.edges if e.kind.startswith("leads_")]
    assert leads
    for e in leads:
        pcn, nb = g.nodes[e.source].code, g.nodes[e.target].code
        r = report[pcn]
        assert re.fullmatch(r"\d+%", e.label)
        if nb == r["main_footprint"]:
            assert abs(float(e.info["share of the PCN's patients"].rstrip("%")) / 100 - r["share"]) < 0.0011
            assert (e.kind == "leads_coterminous") == bool(r["coterminous"])
        else:
            assert e.kind == "leads_not_coterminous"
    assert {e.kind for e in leads} == {"leads_coterminous", "leads_not_coterminous"}


def test_pcn_board_and_ics_scopes(sample):
    pcn = build_graph(sample, pcn="U99013", as_at=AS_AT)  # Widnes PCN: patients across the Halton/Warrington line
    assert Counter(n.kind for n in pcn.nodes.values())["Practice"] >= 3
    assert any(e.kind == "patients_in" for e in pcn.edges)
    board = build_graph(sample, board=f"PPB-{WARRINGTON}", as_at=AS_AT)
    assert any(e.kind == "missing_link" for e in board.edges)
    assert any(n.kind == "Place" for n in board.nodes.values())
    ics = build_graph(sample, ics="QYG", as_at=AS_AT)
    assert Counter(n.kind for n in ics.nodes.values())["Place"] == 9
    from icpmap.errors import UserError
    for bad in ({"place": "E99999999"}, {"ics": "NOPE"}, {"pcn": "U00000"}, {"board": "NOPE"}, {}):
        with pytest.raises(UserError):
            build_graph(sample, **bad)
    with pytest.raises(UserError):
        build_graph(sample, place=WARRINGTON, ics="QYG")


def test_layout_places_every_node(sample):
    for g in (build_graph(sample, ics="QYG", as_at=AS_AT), build_graph(sample, pcn="U99001", as_at=AS_AT)):
        pos = initial_positions(g)
        assert set(pos) == set(g.nodes)
        assert all(abs(x) < 1e6 and abs(y) < 1e6 for x, y in pos.values())
        assert len(set(pos.values())) > 0.9 * len(pos)  # hardly any two nodes start on the same spot


# -- the page: offline, counts, escaping --------------------------------------------------------

class Tags(HTMLParser):
    """The elements of a page (script and style contents are text to it, as to a browser)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


FETCH = re.compile(r"""(?:\bsrc\s*=\s*["']?|\bhref\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)\s*(https?:)?//""", re.I)


def test_page_is_self_contained(warrington_html):
    html = warrington_html
    assert not FETCH.search(html), FETCH.search(html)
    tags = Tags(html).tags
    names = Counter(t for t, _ in tags)
    assert names["script"] == 3  # data, vis-network, our controls: none with a src
    assert not any("src" in a or "href" in a for t, a in tags if t != "a")
    assert not {"link", "iframe", "object", "embed", "img", "base", "frame"} & set(names)
    assert "sourceMappingURL" not in html
    assert "vis-network" in html and "forceAtlas2Based" in html
    assert re.search(r'http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;', html)
    assert "bootstrap" not in html.lower() and "tom-select" not in html.lower()


def test_page_counts_match_the_graph(warrington, warrington_html):
    data = page_data(warrington_html)
    assert len(data["nodes"]) == len(warrington.nodes)
    assert len(data["edges"]) == len(warrington.edges)
    assert {n["id"] for n in data["nodes"]} == set(warrington.nodes)
    assert Counter(e["kind"] for e in data["edges"]) == Counter(e.kind for e in warrington.edges)
    assert all({"x", "y", "shape", "color", "size", "info"} <= set(n) for n in data["nodes"])
    assert not any("title" in n for n in data["nodes"])  # tooltips are built as text in the page, not HTML


def test_hostile_names_are_escaped(warrington, warrington_html):
    html = warrington_html
    assert warrington.nodes["Organisation:HOSTILE"].label == HOSTILE
    assert warrington.title.startswith(HOSTILE_PLACE)
    assert "<img" not in html
    assert "onerror=\"document" not in html and "<script>document" not in html
    assert "&lt;img src=x onerror=" in html or "\\u003cimg src=x onerror=" in html
    assert "<title>Warrington&lt;/title&gt;&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert "\u2028" not in html and "\u2029" not in html
    data = page_data(html)  # and the data still says exactly what the store says
    names = {n["name"] for n in data["nodes"]}
    assert HOSTILE in names and ODD in names and warrington.title == data["title"]


def test_script_json_escapes_what_could_end_a_script():
    text = script_json({"a": "</script><!-- & \u2028 \u2029 >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028 \u2029 >"}


def test_physics_is_bounded_and_large_graphs_are_lighter():
    small, large = vis_options(30, 60), vis_options(2000, 4000)
    for o in (small, large):
        assert o["physics"]["stabilization"]["enabled"] and o["physics"]["stabilization"]["iterations"] <= 400
        assert o["layout"]["improvedLayout"] is False
    assert large["physics"]["stabilization"]["iterations"] < small["physics"]["stabilization"]["iterations"]
    assert large["edges"]["smooth"] is False and large["interaction"]["hideEdgesOnDrag"]
    assert set(NODE_STYLES) >= {"Organisation", "Board", "Place", "PCN", "Neighbourhood", "MissingLink"}


def test_write_diagram(tmp_path, warrington):
    path = write_diagram(warrington, tmp_path / "deep" / "w.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# -- charts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_charts_png_and_svg(sample, tmp_path, name):
    png = write_chart(sample, name, tmp_path / f"{name}.png", as_at=AS_AT)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    svg = write_chart(sample, name, tmp_path / f"{name}.svg", as_at=AS_AT)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and svg.stat().st_size > 10_000
    assert "<script" not in svg.read_text(encoding="utf-8")


def test_chart_options_and_errors(sample, tmp_path):
    from icpmap.errors import UserError

    path = write_chart(sample, "coterminosity", tmp_path / "c.png", ics="QYG", level="neighbourhood", as_at=AS_AT)
    assert path.stat().st_size > 10_000
    write_chart(sample, "breadth", tmp_path / "b.svg", places=[WARRINGTON, HALTON], as_at=AS_AT)
    with pytest.raises(UserError):
        write_chart(sample, "nope", tmp_path / "x.png")
    with pytest.raises(UserError):
        write_chart(sample, "breadth", tmp_path / "x.pdf")
    with pytest.raises(UserError):
        write_chart(sample, "breadth", tmp_path / "x.png", places=["E99999999"])


# -- exports --------------------------------------------------------------------------------------


def test_exports_open_in_networkx(tmp_path, warrington):
    gml = nx.read_graphml(export_graph(warrington, tmp_path / "w.graphml"))
    assert gml.number_of_nodes() == len(warrington.nodes) and gml.number_of_edges() == len(warrington.edges)
    assert gml.nodes["Organisation:HOSTILE"]["label"] == HOSTILE
    gexf = nx.read_gexf(export_graph(warrington, tmp_path / "w.gexf"))
    assert gexf.number_of_nodes() == len(warrington.nodes) and gexf.number_of_edges() == len(warrington.edges)
    data = json.loads(export_graph(warrington, tmp_path / "w.txt", "json").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == len(warrington.nodes) and len(data["edges"]) == len(warrington.edges)
    assert set(data) >= {"scope", "code", "title", "as_at", "nodes", "edges"}


# -- write_all and the CLI ---------------------------------------------------------------------


def test_write_all(sample, tmp_path):
    paths = write_all(sample, tmp_path)
    diagrams = sorted(p.name for p in paths if p.suffix == ".html" and p.parent.name == "diagrams")
    assert len(diagrams) == 10 and "ics-nhs-cheshire-and-merseyside-QYG.html" in diagrams
    assert f"place-sefton-{SEFTON}.html" in diagrams and "place-st-helens-E08000013.html" in diagrams
    maps = sorted(p.name for p in paths if p.parent.name == "maps")  # a map beside each diagram
    assert maps == sorted([*diagrams, "ics-nhs-cheshire-and-merseyside-QYG.png", "ics-nhs-cheshire-and-merseyside-QYG.svg"])
    name = f"place-sefton-{SEFTON}.html"
    diagram = (tmp_path / "diagrams" / name).read_text(encoding="utf-8")
    page = (tmp_path / "maps" / name).read_text(encoding="utf-8")
    assert f'href="../maps/{name}"' in diagram and f'href="../diagrams/{name}"' in page
    assert sorted(p.name for p in paths if p.parent.name == "charts") == sorted(
        f"{c}.{ext}" for c in CHARTS for ext in ("png", "svg"))
    assert all(p.is_file() and p.stat().st_size > 1000 for p in paths)


def run_icpmap(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """The real command line with the visual commands registered (whether or not cli/__init__ imports them)."""
    code = "import sys; from icpmap.cli import visual_cmds, main; sys.argv[0] = 'icpmap'; main()"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    env["COLUMNS"] = "200"
    return subprocess.run([sys.executable, "-c", code, "--db", str(db), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli(tmp_path):
    from typer.testing import CliRunner

    from icpmap.cli import visual_cmds  # noqa: F401  (registers the commands)
    from icpmap.cli.app import app

    db = tmp_path / "db"
    store = open_store(db, engine="ladybug")
    load_paths(store, [SAMPLE_DIR])
    store.close()
    out = tmp_path / "out"
    # the real command, in a child process: output and errors as a person sees them
    r = run_icpmap("visualise", "--place", SEFTON, "-o", str(out / "s.html"), db=db)
    assert r.returncode == 0, r.stderr
    assert "nodes" in r.stdout and (out / "s.html").stat().st_size > 100_000
    r = run_icpmap("visualise", "--place", "NOPE", db=db)
    assert r.returncode == 1 and r.stderr.startswith("Error: No Place") and "Traceback" not in r.stderr
    # the rest in process
    runner = CliRunner(env={"ICPMAP_NEO4J_URI": ""})  # the embedded store at --db, whatever the environment
    r = runner.invoke(app, ["--db", str(db), "chart", "assurance", "-o", str(out / "a.svg")])
    assert r.exit_code == 0, r.output
    assert ET.parse(out / "a.svg").getroot().tag.endswith("svg")
    # progress over time: one line per Place of the ICS (9 in the sample), by month over the sample's last year
    r = runner.invoke(app, ["--db", str(db), "chart", "progress", "--ics", "QYG", "--every", "month", "--from",
                            "2021-07-01", "--to", "2022-06-30", "-o", str(out / "p.svg")])
    assert r.exit_code == 0, r.output
    svg = (out / "p.svg").read_text(encoding="utf-8")
    assert ET.fromstring(svg).tag.endswith("svg") and "Sefton" in svg and "Cheshire East" in svg
    r = run_icpmap("chart", "progress", "--from", "2022-06-30", "--to", "2021-07-01", db=db)
    assert r.returncode == 1 and r.stderr.startswith("Error: --from (2022-06-30) is after --to") \
        and "Traceback" not in r.stderr
    for fmt in ("graphml", "gexf", "json"):
        r = runner.invoke(app, ["--db", str(db), "export", "--format", fmt, "--ics", "QYG", "-o", str(out / f"q.{fmt}")])
        assert r.exit_code == 0, r.output
    assert nx.read_gexf(out / "q.gexf").number_of_nodes() > 200
    r = runner.invoke(app, ["--db", str(db), "export", "--pcn", "U99001", "-o", str(out / "p.graphml")])
    assert r.exit_code == 0 and nx.read_graphml(out / "p.graphml").number_of_nodes() > 5
    for bad in (["visualise"], ["chart", "pie"], ["chart", "breadth", "--level", "place"],
                ["chart", "progress", "--every", "week"], ["chart", "assurance", "--every", "month"],
                ["export", "--place", SEFTON, "-o", str(out / "x.csv")]):
        r = runner.invoke(app, ["--db", str(db), *bad])
        assert r.exit_code == 1 and "Error:" in r.output, (bad, r.output)
