"""Maps: boundary files and practice points as input, derived footprints, the page, the PNG/SVG.

Small hand-made GeoJSON and files for each rule, and the bundled sample (whose 9 Places have
their real ONS boundaries and whose invented Areas and practices have invented shapes and points
inside them). Store tests run on each engine (Neo4j too when `ICPMAP_NEO4J_URI` is set).
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from pathlib import Path

import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import Point, Polygon, shape

from icpmap.graph import Store
from icpmap.loaders import LoadError, load_paths
from icpmap.reports import run_report
from icpmap.sample import SAMPLE_DIR
from icpmap.visualise import build_map, write_map
from icpmap.visualise.map_page import render_map_html

from .conftest import ENGINES

AS_AT = dt.date(2025, 1, 1)
LIVERPOOL, HALTON, WARRINGTON = "E08000012", "E06000006", "E06000007"


def square(x: float, y: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def collection(features: list[tuple[dict, dict]], crs: str | None = None) -> str:
    out: dict = {"type": "FeatureCollection",
                 "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]}
    if crs:
        out["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(out)


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def geometry_of(store: Store, label: str, code: str):  # type: ignore[no-untyped-def]
    text = store.read(f"MATCH (n:{label}) WHERE n.code = $c RETURN n.geometry", {"c": code}).scalar()
    return None if text is None else shape(json.loads(text))


# -- boundary files as input -------------------------------------------------------------------------------------


def test_boundary_files_are_recognised_by_their_ons_code_fields(store: Store, tmp_path: Path) -> None:
    files = {
        "lad.geojson": collection([({"LAD22CD": "E06000001", "LAD22NM": "Alpha"}, square(-2.0, 53.0))]),
        "api.geojson": collection([({"lad23cd": "E06000002", "lad23nm": "Beta"}, square(-2.1, 53.0))]),
        "county.geojson": collection([({"CTYUA22CD": "E06000003", "CTYUA22NM": "Gamma"}, square(-2.2, 53.0))]),
        "lsoa11.geojson": collection([({"LSOA11CD": "E01000001", "LSOA11NM": "Alpha 001A"}, square(-2.0, 53.0, 0.005))]),
        "lsoa21.geojson": collection([({"FID": 7, "LSOA21CD": "E01000002", "LSOA21NM": "Alpha 001B",
                                        "LAD22CD": "E06000001"}, square(-1.995, 53.0, 0.005))]),
        "msoa.geojson": collection([({"MSOA21CD": "E02000001", "MSOA21NM": "Alpha 001"}, square(-2.0, 53.0))]),
        "wards.geojson": collection([({"WD22CD": "E05000001", "WD22NM": "Alpha Ward"}, square(-2.0, 53.0))]),
    }
    report = load_paths(store, [write(tmp_path / "in", files)])
    assert {f.format for f in report.files} == {"ons-boundaries"}
    places = store.read("MATCH (p:Place) RETURN p.code, p.name, p.geometry IS NOT NULL ORDER BY p.code").rows
    assert places == [["E06000001", "Alpha", True], ["E06000002", "Beta", True], ["E06000003", "Gamma", True]]
    areas = store.read("MATCH (a:Area) RETURN a.code, a.name, a.kind, a.geometry IS NOT NULL ORDER BY a.code").rows
    assert areas == [["E01000001", "Alpha 001A", "lsoa", True], ["E01000002", "Alpha 001B", "lsoa", True],
                     ["E02000001", "Alpha 001", "msoa", True], ["E05000001", "Alpha Ward", "ward", True]]
    # an Area file that names each Area's local authority places it there
    assert store.read("MATCH (a:Area)-[:`IN`]->(p:Place) RETURN a.code, p.code").rows == [["E01000002", "E06000001"]]
    assert geometry_of(store, "Place", "E06000001").equals_exact(shape(square(-2.0, 53.0)), 1e-9)
    again = load_paths(store, [tmp_path / "in"])
    assert not again.changed  # simplified and quantised once: the same text the second time


def test_a_boundary_file_in_british_national_grid_is_converted(store: Store, tmp_path: Path) -> None:
    # The Ordnance Survey's worked example (A Guide to Coordinate Systems in Great Britain): Caister
    # water tower, E 651409.903 N 313177.270 = 52°39'28.8282"N 1°42'57.7896"E in ETRS89 (~ WGS 84);
    # in OSGB36 it is 1°43'4.5177"E, 130 m away: a conversion without the datum shift fails this.
    e, n = 651409.903, 313177.270
    box = {"type": "Polygon", "coordinates": [[[e - 500, n - 500], [e + 500, n - 500], [e + 500, n + 500],
                                               [e - 500, n + 500], [e - 500, n - 500]]]}
    text = collection([({"LAD22CD": "E07000145", "LAD22NM": "Great Yarmouth"}, box)], crs="urn:ogc:def:crs:EPSG::27700")
    load_paths(store, [write(tmp_path / "in", {"lad.geojson": text})])
    centre = geometry_of(store, "Place", "E07000145").centroid
    assert centre.y == pytest.approx(52 + 39 / 60 + 28.8282 / 3600, abs=1e-4)
    assert centre.x == pytest.approx(1 + 42 / 60 + 57.7896 / 3600, abs=1e-4)


def test_neighbours_keep_sharing_their_edge_when_simplified(store: Store, tmp_path: Path) -> None:
    # Two Areas sharing a wiggly border of 400 points (a few metres of wiggle), in two files.
    border = [(-2.0 + 0.0001 * ((i % 2) * 0.3), 53.0 + i * 0.0001) for i in range(401)]
    west = [(-2.02, 53.0), *border, (-2.02, 53.04), (-2.02, 53.0)]
    east = [(-1.98, 53.0), (-1.98, 53.04), *reversed(border), (-1.98, 53.0)]
    files = {f"{name}.geojson": collection([({"LSOA21CD": code}, {"type": "Polygon", "coordinates": [ring]})])
             for name, code, ring in (("west", "E01000001", west), ("east", "E01000002", east))}
    load_paths(store, [write(tmp_path / "in", files)])
    a, b = geometry_of(store, "Area", "E01000001"), geometry_of(store, "Area", "E01000002")
    assert shapely.get_num_coordinates(a) < 60 and shapely.get_num_coordinates(b) < 60  # simplified
    assert a.intersection(b).area < 1e-9  # no overlap
    assert a.union(b).area == pytest.approx(0.04 * 0.04, rel=1e-4)  # no gap: the edge is shared
    assert a.hausdorff_distance(Polygon(west)) < 50 / 111_320  # within the tolerance (50 m)


def test_the_newer_edition_of_a_boundary_wins(store: Store, tmp_path: Path) -> None:
    files = {
        "lsoa21.geojson": collection([({"LSOA21CD": "E01000001"}, square(-2.0, 53.0))]),
        "lsoa11.geojson": collection([({"LSOA11CD": "E01000001"}, square(-2.5, 53.0))]),
    }
    load_paths(store, [write(tmp_path / "in", files)])
    assert geometry_of(store, "Area", "E01000001").bounds[0] == pytest.approx(-2.0)


def test_bad_boundaries_and_geometry_cells_are_problems_naming_file_row_and_column(store: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {
        "not-json.geojson": "{ nope",
        "no-code.geojson": collection([({"name": "x"}, square(-2, 53))]),
        "outside.geojson": collection([({"LAD22CD": "E06000001"}, square(400000, 300000))]),
        "areas.csv": 'code,name,kind,geometry\nA1,One,lsoa,"{""type"": ""Point"", ""coordinates"": [1, 2]}"\n',
    })
    with pytest.raises(LoadError) as caught:
        load_paths(store, [folder])
    text = str(caught.value)
    assert "not-json.geojson" in text and "not a readable GeoJSON file" in text
    assert "no-code.geojson" in text and "ONS code fields" in text
    assert re.search(r"outside.geojson, row 1, column 'geometry'.*not longitude/latitude", text)
    assert re.search(r"areas.csv, row 2, column 'geometry'.*not a GeoJSON Polygon or MultiPolygon", text)
    assert not any(store.counts().values())


# -- practice points ------------------------------------------------------------------------------------------------

GEOCODED = ("PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,SUB_ICB_LOCATION_CODE,ICB_CODE,"
            "PRACTICE_LAT,PRACTICE_LNG\n")
CODEPOINT = "Postcode,Positional_quality_indicator,Eastings,Northings,Country_code,NHS_regional_HA_code," \
            "NHS_HA_code,Admin_county_code,Admin_district_code,Admin_ward_code\n"


def points(store: Store) -> dict[str, tuple]:
    rows = store.read("MATCH (p:Practice) RETURN p.code, p.lat, p.lon, p.point_from ORDER BY p.code").rows
    return {r[0]: (None if r[1] is None else round(r[1], 4), None if r[2] is None else round(r[2], 4), r[3])
            for r in rows}


def test_practice_points_come_from_the_contract_then_geocoded_files_then_postcodes(store: Store, tmp_path: Path) -> None:
    own = write(tmp_path / "own", {"practices.csv": "code,name,pcn_code,postcode,lat,lon\n"
                                                    "P1,One,,NR30 1AA,52.1,1.1\nP2,Two,,NR30 1AB,,\n"
                                                    "P3,Three,,NR30 1AC,,\n"})
    load_paths(store, [own])
    assert points(store) == {"P1": (52.1, 1.1, "contract"), "P2": (None, None, None), "P3": (None, None, None)}
    published = write(tmp_path / "published", {
        "geocoded.csv": GEOCODED + "P1,ONE,NR30 1AA,U1,PCN ONE,S1,Q1,52.5,1.5\nP2,TWO,NR30 1AB,U1,PCN ONE,S1,Q1,52.6,1.6\n",
        # Caister water tower (the OS's worked example) for NR30 1AC: converted with pyproj
        "codepoint.csv": CODEPOINT + '"NR30 1AA",10,600000,300000,"E92000001","","","","E07000145",""\n'
                                     '"NR30 1AB",10,600000,300000,"E92000001","","","","E07000145",""\n'
                                     '"NR301AC",10,651410,313177,"E92000001","","","","E07000145",""\n',
    })
    report = load_paths(store, [published])
    assert points(store) == {
        "P1": (52.1, 1.1, "contract"),  # the partnership's own point is never replaced
        "P2": (52.6, 1.6, "geocoded"),  # a geocoded file's point beats the postcode's
        "P3": (52.658, 1.7161, "postcode"),  # 52°39'28.8"N 1°42'57.8"E, within ~10 m
    }
    assert report.points == {"contract": 1, "geocoded": 1, "postcode": 1, "none": 0}
    assert not load_paths(store, [published]).changed
    # a postcode lookup alone, later: it gives points only where nothing better is stored
    load_paths(store, [write(tmp_path / "later", {"codepoint.csv": CODEPOINT + '"NR30 1AB",10,651410,313177,'
                                                  '"E92000001","","","","E07000145",""\n'})])
    assert points(store)["P2"] == (52.6, 1.6, "geocoded")


def test_a_practice_point_must_be_a_latitude_and_longitude(store: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"practices.csv": "code,name,pcn_code,lat,lon\nP1,One,,95,1\nP2,Two,,52,lon\n"})
    with pytest.raises(LoadError) as caught:
        load_paths(store, [folder])
    text = str(caught.value)
    assert "row 2, column 'lat', value '95': must be between -90 and 90" in text
    assert "row 3, column 'lon', value 'lon': not a number" in text


# -- maps of the sample ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def sample(request, tmp_path_factory, open_store_for):  # type: ignore[no-untyped-def]
    store = open_store_for(request.param, tmp_path_factory.mktemp("maps") / "db")
    load_paths(store, [SAMPLE_DIR])
    yield store
    store.close()


def boundary_of(code: str):  # type: ignore[no-untyped-def]
    collection = json.loads((SAMPLE_DIR / "lad22_buc_cm.geojson").read_text(encoding="utf-8"))
    return next(shape(f["geometry"]) for f in collection["features"] if f["properties"]["LAD22CD"] == code)


def test_every_area_is_drawn_in_its_place_and_neighbourhoods_are_the_union_of_their_areas(sample: Store) -> None:
    data = build_map(sample, ics="QYG", as_at=AS_AT)
    areas_in_store = sample.read(
        "MATCH (a:Area) WHERE EXISTS { MATCH (a)-[:`IN`]->(:Place) } OR EXISTS { MATCH (a)-[:`IN`]->(:Neighbourhood) } "
        "RETURN count(a)").scalar()
    own = [a for a in data.drawn_areas() if not a.context]
    assert len(own) == areas_in_store == 254  # the sample's Areas in a Place (3 are out of area)
    for a in own:
        place = data.places[a.place]
        assert place.outline_from == "areas"
        assert a.shape.difference(place.shape).area < 1e-9 * a.shape.area + 1e-12, a.code
        assert a.shape.difference(boundary_of(a.place).buffer(3e-5)).area == 0, a.code  # in the ONS boundary (~2 m)
    for nb in data.neighbourhoods.values():
        members = [a.shape for a in own if a.neighbourhood == nb.code]
        assert nb.shape.area == pytest.approx(shapely.union_all(members).area, rel=1e-6)
        assert nb.shape.difference(data.places[nb.place].shape).area < 1e-9
    for p in data.located_practices():  # the sample's invented points lie inside their Place
        assert boundary_of(p.place).contains(Point(p.lon, p.lat)), p.code


def test_a_pcns_footprint_shares_match_the_coterminosity_report(sample: Store) -> None:
    data = build_map(sample, ics="QYG", as_at=AS_AT)
    for level in ("neighbourhood", "place"):
        report = run_report(sample, "coterminosity", as_at=AS_AT, level=level, by="patients", view="pcns")
        rows = {r[0]: dict(zip(report.columns, r)) for r in report.rows}
        checked = 0
        for code, pcn in data.pcns.items():
            row = rows.get(code)
            if row is None or not row["total"]:
                continue
            assert pcn.total == row["total"], code
            in_main = 0
            for area, n in pcn.patients.items():
                a = data.areas[area]
                footprint = a.neighbourhood if level == "neighbourhood" else (a.place or "unknown")
                in_main += n if (footprint or "unknown") == row["main_footprint"] else 0
            assert round(in_main / pcn.total, 3) == row["share"], (level, code)
            checked += 1
        assert checked >= 35
    verdicts = {c: p.verdict for c, p in data.pcns.items()}
    assert verdicts["U99013"].level == "neighbourhood" and not verdicts["U99013"].coterminous  # Widnes
    assert set(data.not_coterminous()) == {c for c, v in verdicts.items() if v is not None and not v.coterminous}


def test_a_place_map_draws_the_pcns_practices_elsewhere_and_their_patients(sample: Store) -> None:
    data = build_map(sample, place=HALTON, as_at=AS_AT, select="U99013")
    penketh = next(p for p in data.practices if p.name == "Penketh Health Centre")
    assert penketh.place == WARRINGTON and penketh.pcn == "U99013"  # Widnes PCN's practice in Warrington
    widnes = data.pcns["U99013"]
    assert any(data.areas[a].context for a in widnes.patients)  # its patients living in Warrington are drawn
    assert abs(sum(widnes.share(a) for a in widnes.patients) - 1) < 1e-9
    assert data.selected == "U99013"
    with pytest.raises(Exception, match="not on this map"):
        build_map(sample, place=HALTON, as_at=AS_AT, select="U99001")
    with pytest.raises(Exception, match="No Place"):
        build_map(sample, place="E99999999")


def test_the_page_is_self_contained_and_links_to_the_diagram(sample: Store) -> None:
    data = build_map(sample, place=LIVERPOOL, as_at=AS_AT)
    html = render_map_html(data, [{"label": "Diagram", "href": "../diagrams/place-E08000012.html"},
                                  {"label": "Evil", "href": "javascript:alert(1)"}])
    head = html.split("<body", 1)[0]
    csp = html_lib.unescape(re.search(r'Content-Security-Policy" content="([^"]+)"', head).group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp.split(";")[1]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from another host
    assert 'href="../diagrams/place-E08000012.html"' in html and "javascript:" not in html
    def group(name: str) -> str:
        return re.search(rf'<g id="{name}">(.*?)</g>', html).group(1)

    assert group("areas").count("<path d=") == len(data.drawn_areas())
    assert group("neighbourhoods").count("<path d=") == len(data.neighbourhoods) == 5
    assert group("places").count("<path d=") == 1
    assert group("practices").count("<circle ") == len(data.located_practices()) == 31
    assert "Office for National Statistics" in html  # the boundaries' attribution


def test_png_and_svg_for_papers(sample: Store, tmp_path: Path) -> None:
    data = build_map(sample, ics="QYG", as_at=AS_AT, select="U99022")
    png = write_map(data, tmp_path / "ics.png")
    svg = write_map(data, tmp_path / "ics.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Fazakerley PCN" in text and "Office for National Statistics" in text
    with pytest.raises(ValueError):
        write_map(data, tmp_path / "ics.pdf")


def test_icpmap_map_writes_html_png_and_svg(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "db"
    assert cli("load", str(SAMPLE_DIR), db=db).returncode == 0
    for args, out in ((["--place", LIVERPOOL], "liverpool.html"), (["--ics", "QYG", "--footprint", "U99022"], "ics.png"),
                      (["--pcn", "U99013", "--format", "svg"], "widnes.svg")):
        done = cli("map", *args, "-o", str(tmp_path / out), db=db)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / out).stat().st_size > 10_000
    assert "../diagrams/place-liverpool-E08000012.html" in (tmp_path / "liverpool.html").read_text(encoding="utf-8")
    for args, message in ((["--place", "NOPE"], "No Place with code 'NOPE'"), (["--ics", "QYG", "--footprint", "X"], "not on this map"),
                          (["--place", LIVERPOOL, "--format", "pdf"], "--format must be one of html, png, svg"),
                          (["--place", LIVERPOOL, "--ics", "QYG"], "exactly one")):
        done = cli("map", *args, "-o", str(tmp_path / "x.html"), db=db)
        assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_the_service_serves_the_maps_beside_the_diagrams(sample: Store, tmp_path: Path) -> None:
    from icpmap.api.app import create_app
    from icpmap.api.auth import KeyFile

    keys = KeyFile(tmp_path / "keys.json")
    key = keys.create("viewer", "viewer")[1]
    client = TestClient(create_app(sample, keys_path=keys.path, audit=tmp_path / "loads.jsonl"),
                        base_url="http://127.0.0.1")
    h = {"Authorization": f"Bearer {key}"}
    page = client.get(f"/places/{LIVERPOOL}/map.html", headers=h)
    assert page.status_code == 200 and "<svg" in page.text
    assert f'href="/places/{LIVERPOOL}/network.html"' in page.text
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "sandbox allow-scripts" in csp and "connect-src 'none'" in csp
    assert client.get("/ics/QYG/map.html?footprint=U99022", headers=h).status_code == 200
    assert client.get("/ics/QYG/map.html?footprint=NOPE", headers=h).status_code == 400
    assert client.get("/places/NOPE/map.html", headers=h).status_code == 404
    assert client.get("/ics/NOPE/map.html", headers=h).status_code == 404
    assert client.get(f"/places/{LIVERPOOL}/map.html").status_code == 401
    signed_in = client.post("/login", data={"key": key, "next": "/"}, headers={"Origin": "http://127.0.0.1"},
                            follow_redirects=False)
    jar = {"Cookie": f"icpmap_session={signed_in.cookies['icpmap_session']}"}
    place = client.get(f"/dashboard/places/{LIVERPOOL}", headers=jar).text
    # side by side, both as at the page's date (today's by default)
    today = dt.date.today().isoformat()
    assert f'src="/places/{LIVERPOOL}/network.html?as_at={today}"' in place
    assert f'src="/places/{LIVERPOOL}/map.html?as_at={today}"' in place
    dated = client.get(f"/dashboard/places/{LIVERPOOL}?as_at=2021-10-01", headers=jar).text
    assert f'src="/places/{LIVERPOOL}/map.html?as_at=2021-10-01"' in dated
    assert client.get(f"/places/{LIVERPOOL}/map.html?as_at=2021-10-01", headers=h).status_code == 200
    overview = client.get("/dashboard/overview", headers=jar).text
    assert 'src="/ics/QYG/network.html"' in overview and 'src="/ics/QYG/map.html"' in overview

