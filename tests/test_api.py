"""The web service through HTTP (FastAPI's TestClient) on a real store with the sample: the
embedded one, and Neo4j when ICPMAP_NEO4J_URI is set (every test taking `env` runs on both).

Every endpoint with every role, names never without a key, read-only `/query`,
all-or-nothing uploads with errors by file and row, the upload limit, problem details
and security headers on every response.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from icpmap.api import routes_loads
from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import Store
from icpmap.sample import SAMPLE_DIR

from .conftest import ENGINES, open_engine_store

PLACE = "E08000014"  # Sefton
PEOPLE = [row["name"] for row in csv.DictReader((SAMPLE_DIR / "people.csv").open(encoding="utf-8"))]
ROLES = ("viewer", "analyst", "admin")
RANK = {None: 0, "viewer": 1, "analyst": 2, "admin": 3}
HEADER_ONLY = ("ics.csv", b"code,name\n")  # a valid upload that changes nothing


class Env:
    def __init__(self, root: Path, engine: str = "ladybug") -> None:
        from icpmap.loaders import load_paths

        self.root = root
        self.store = open_engine_store(engine, root / "db")
        load_paths(self.store, [SAMPLE_DIR])
        self.keys = KeyFile(root / "keys.json")
        self.key = {role: self.keys.create(f"test {role}", role)[1] for role in ROLES}
        self.app = create_app(self.store, keys_path=self.keys.path, audit=root / "loads.jsonl")
        self.client = TestClient(self.app, base_url="http://127.0.0.1")

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key[role]}"} if role else {}


@pytest.fixture(scope="module", params=ENGINES)
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Env:
    e = Env(tmp_path_factory.mktemp("api"), request.param)
    yield e
    e.client.close()
    e.store.close()


def counts(store: Store) -> dict[str, int]:
    return store.counts()


# -- every endpoint x every role ---------------------------------------------------------------------------------

API = [
    ("GET", "/places", "viewer", {}),
    ("GET", f"/places/{PLACE}", "viewer", {}),
    ("GET", f"/places/{PLACE}/network", "viewer", {}),
    ("GET", f"/places/{PLACE}/network.html", "viewer", {}),
    ("GET", f"/places/{PLACE}/map.html", "viewer", {}),
    ("GET", "/ics/QYG/map.html", "viewer", {}),
    ("GET", "/reports", "viewer", {}),
    ("GET", "/reports/unsigned", "viewer", {}),
    ("GET", f"/reports/assurance?place={PLACE}&format=csv", "viewer", {}),
    ("GET", "/reports/coterminosity?format=xlsx", "viewer", {}),
    ("GET", "/assurance", "viewer", {}),
    ("POST", "/query", "analyst", {"json": {"cypher": "MATCH (p:Place) RETURN p.code AS code ORDER BY code"}}),
    ("GET", "/loads", "admin", {}),
    ("POST", "/loads", "admin", {"files": [("files", HEADER_ONLY)]}),
]
PAGES = [
    ("GET", "/", "viewer"),
    ("GET", f"/dashboard/places/{PLACE}", "viewer"),
    ("GET", "/dashboard/overview", "viewer"),
    ("GET", "/dashboard/query", "analyst"),
    ("GET", "/dashboard/upload", "admin"),
]


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize(("method", "path", "needs", "kwargs"), API, ids=[f"{m} {p}" for m, p, _, _ in API])
def test_api_endpoint_by_role(env: Env, method: str, path: str, needs: str, kwargs: dict, role: str | None) -> None:
    response = env.client.request(method, path, headers=env.headers(role), **kwargs)
    if role is None:
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "Bearer" in response.headers["www-authenticate"]
    elif RANK[role] < RANK[needs]:
        assert response.status_code == 403, response.text
        assert response.json()["status"] == 403
    else:
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize(("method", "path", "needs"), PAGES, ids=[p for _, p, _ in PAGES])
def test_dashboard_page_by_role(env: Env, method: str, path: str, needs: str, role: str | None) -> None:
    response = env.client.request(method, path, headers=env.headers(role), follow_redirects=False)
    if role is None:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    elif RANK[role] < RANK[needs]:
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert '<p class="status">Error 403</p>' in response.text  # the page says which error, and offers
        assert '<a href="/login">Sign in with another key</a>' in response.text  # another key
    else:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")


def test_a_dashboard_error_page_says_the_status(env: Env) -> None:
    response = env.client.get("/dashboard/places/E99999999", headers=env.headers("viewer"))
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert '<p class="status">Error 404</p>' in response.text
    assert "Sign in with another key" not in response.text  # only for 401 and 403
    bad = env.client.get(f"/dashboard/places/{PLACE}?as_at=2024-02-30", headers=env.headers("viewer"))
    assert bad.status_code == 400 and '<p class="status">Error 400</p>' in bad.text
    assert "as_at must be a date as YYYY-MM-DD; got &#39;2024-02-30&#39;." in bad.text


def test_public_endpoints_need_no_key(env: Env) -> None:
    assert env.client.get("/health").json()["status"] == "ok"
    assert env.client.get("/openapi.json").json()["info"]["title"] == "icpmap"
    assert "POST" in env.client.get("/docs").text
    assert env.client.get("/login").status_code == 200
    assert env.client.get("/static/style.css").status_code == 200


def test_a_wrong_or_revoked_key_is_refused(env: Env) -> None:
    assert env.client.get("/places", headers={"X-API-Key": "icp-00000000-nope"}).status_code == 401
    assert env.client.get("/places", headers={"X-API-Key": "garbage"}).status_code == 401
    record, key = env.keys.create("short-lived", "viewer")
    assert env.client.get("/places", headers={"X-API-Key": key}).status_code == 200
    env.keys.revoke(record.id)
    refused = env.client.get("/places", headers={"X-API-Key": key})
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert refused.headers["www-authenticate"] == 'Bearer realm="icpmap", error="invalid_token"'  # RFC 6750
    none = env.client.get("/places")
    assert none.status_code == 401 and none.headers["www-authenticate"] == 'Bearer realm="icpmap"'


# -- personal data --------------------------------------------------------------------------------------------------


def _all_responses(client: TestClient, headers: dict[str, str]) -> list[str]:
    bodies = []
    for method, path, _, kwargs in API:
        if method == "POST" and path == "/loads":
            continue
        bodies.append(client.request(method, path, headers=headers, **kwargs).text)
    for method, path, _ in PAGES:
        bodies.append(client.request(method, path, headers=headers).text)  # follows to /login
    bodies.append(client.get("/health").text)
    bodies.append(client.get("/docs").text)
    return bodies


def test_names_never_appear_without_a_valid_key(env: Env) -> None:
    viewer = env.client.get(f"/places/{PLACE}", headers=env.headers("viewer")).text
    assert any(name in viewer for name in PEOPLE), "the sample should show a name to a key holder"
    for headers in ({}, {"X-API-Key": "icp-deadbeef-wrong"}, {"Cookie": "icpmap_key=wrong"}):
        for body in _all_responses(env.client, headers):
            for name in PEOPLE:
                assert name not in body


# -- /query -----------------------------------------------------------------------------------------------------


WRITES = [
    "MATCH (n) DETACH DELETE n",
    "CREATE (:Place {code: 'X', name: 'x'})",
    "MATCH (p:Place) SET p.name = 'hacked'",
    "MERGE (p:Place {code: 'Y'})",
    "MATCH (p:Place) RETURN p; MATCH (n) DETACH DELETE n",
    "COMMIT; MATCH (n) DETACH DELETE n",
    "COPY Place FROM '/etc/passwd'",
    "CALL db.clear()",
]


@pytest.mark.parametrize("cypher", WRITES)
def test_query_refuses_writes_and_changes_nothing(env: Env, cypher: str) -> None:
    before = counts(env.store)
    response = env.client.post("/query", json={"cypher": cypher}, headers=env.headers("admin"))
    assert response.status_code in (400, 403), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in response.text
    assert counts(env.store) == before


def test_query_reads_with_params_cap_and_csv(env: Env) -> None:
    h = env.headers("analyst")
    got = env.client.post("/query", headers=h, json={
        "cypher": "MATCH (p:Place) WHERE p.code = $code RETURN p.name AS name", "params": {"code": PLACE}}).json()
    assert got == {"columns": ["name"], "rows": [["Sefton"]], "row_count": 1, "truncated": False}
    capped = env.client.post("/query", headers=h, json={"cypher": "MATCH (p:Place) RETURN p.code", "max_rows": 3}).json()
    assert capped["row_count"] == 3 and capped["truncated"] is True
    as_csv = env.client.post("/query", headers=h, json={
        "cypher": "MATCH (o:Organisation) RETURN '=1+1' AS f, o.code AS c LIMIT 2", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[1].startswith("'=1+1,")  # formula neutralised


def test_query_fetches_no_more_than_the_cap(env: Env) -> None:
    """17 million rows without a LIMIT: only max_rows + 1 are fetched, so it answers at once."""
    h = env.headers("analyst")
    got = env.client.post("/query", headers=h, json={
        "cypher": "MATCH (a:Area), (b:Area), (c:Area) RETURN a.code, b.code, c.code", "max_rows": 10, "timeout_s": 5})
    assert got.status_code == 200 and got.json()["row_count"] == 10 and got.json()["truncated"] is True
    union = env.client.post("/query", headers=h, json={
        "cypher": "MATCH (p:Place) RETURN p.code AS c UNION MATCH (i:ICS) RETURN i.code AS c // trailing comment"})
    assert union.status_code == 200 and union.json()["row_count"] == 10


@pytest.mark.parametrize("body", [
    {"cypher": "MATCH (p:Place RETURN p"},
    {"cypher": "RETURN $x AS x", "params": {"x": [1, "a"]}},
    {"cypher": "RETURN $x AS x", "params": {"x": 2**70}},
    {"cypher": "RETURN $x AS x", "params": {"x": []}},
    {"cypher": "RETURN $x AS x", "params": {"bad name": 1}},
])
def test_query_bad_input_is_a_400_problem(env: Env, body: dict) -> None:
    response = env.client.post("/query", json=body, headers=env.headers("analyst"))
    assert response.status_code == 400, response.text
    assert response.json()["title"] == "Bad Request"


def test_query_validation_is_a_422_problem(env: Env) -> None:
    response = env.client.post("/query", json={"cypher": "RETURN 1", "max_rows": 0}, headers=env.headers("analyst"))
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and body["errors"][0]["location"].endswith("max_rows")


def test_query_refuses_writes_on_every_engine(store: Store) -> None:
    """The `store` fixture runs on LadybugDB, and on Neo4j too when ICPMAP_NEO4J_URI is set."""
    store.write("CREATE (:Place {code: 'P1', name: 'One'})")
    client = TestClient(create_app(store, allow_anonymous=True, keys_path=Path(os.devnull + ".none.json")),
                        base_url="http://127.0.0.1", headers={"Origin": "http://127.0.0.1"})
    for cypher in WRITES:
        response = client.post("/query", json={"cypher": cypher})
        assert response.status_code in (400, 403), (cypher, response.text)
    assert client.post("/query", json={"cypher": "MATCH (p:Place) RETURN p.name AS n"}).json()["rows"] == [["One"]]


# -- loads ----------------------------------------------------------------------------------------------------------


def _bad_files() -> list[tuple[str, tuple[str, bytes]]]:
    organisations = (SAMPLE_DIR / "organisations.csv").read_text(encoding="utf-8").splitlines()
    organisations[3] = organisations[3].rsplit(",", 2)[0] + ",not_a_sector,true"
    memberships = "organisation_code,board_code,role,from,to\nREM,NO-SUCH-BOARD,core,2021-01-01,\n"
    return [("files", ("organisations.csv", ("\n".join(organisations) + "\n").encode())),
            ("files", ("memberships.csv", memberships.encode()))]


def test_an_upload_with_errors_changes_nothing_and_lists_file_row_column(env: Env) -> None:
    before = counts(env.store)
    response = env.client.post("/loads", files=_bad_files(), headers=env.headers("admin"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    errors = problem["errors"]
    assert {"file", "row", "column", "value", "message"} <= set(errors[0])
    where = {(e["file"], e["row"], e["column"]) for e in errors}
    assert ("organisations.csv", 4, "sector") in where
    assert any(e["file"] == "memberships.csv" and e["row"] == 2 for e in errors)
    assert not any("icpmap-upload" in json.dumps(e) for e in errors)  # no server paths
    assert counts(env.store) == before
    audit = env.client.get("/loads", headers=env.headers("admin")).json()
    assert audit[0]["id"] == problem["load_id"] and audit[0]["status"] == "refused"
    assert audit[0]["by"] == "test admin"
    assert {f["name"] for f in audit[0]["files"]} == {"organisations.csv", "memberships.csv"}
    assert all(len(f["sha256"]) == 64 for f in audit[0]["files"])


def test_a_good_upload_loads_is_audited_and_refreshes_answers(env: Env) -> None:
    h = env.headers("admin")
    assert env.client.get(f"/places/{PLACE}", headers=h).json()["name"] == "Sefton"
    places = (SAMPLE_DIR / "places.csv").read_text(encoding="utf-8").replace(",Sefton,", ",Sefton (renamed),")
    response = env.client.post("/loads", files=[("files", ("places.csv", places.encode()))], headers=h)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "loaded"
    try:
        assert env.client.get(f"/places/{PLACE}", headers=h).json()["name"] == "Sefton (renamed)"
        entry = env.client.get("/loads", headers=h).json()[0]
        assert entry["status"] == "loaded" and entry["files"][0]["rows"] == 9
    finally:
        original = (SAMPLE_DIR / "places.csv").read_bytes()
        assert env.client.post("/loads", files=[("files", ("places.csv", original))], headers=h).status_code == 200
    assert env.client.get(f"/places/{PLACE}", headers=h).json()["name"] == "Sefton"


def _workbook(sheets: dict[str, str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, text in sheets.items():
        sheet = book.create_sheet(name)
        for row in csv.reader(io.StringIO(text)):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_admin_loads_a_workbook_and_sees_errors_by_sheet_and_row(env: Env) -> None:
    h = env.headers("admin")
    before = counts(env.store)
    good = _workbook({name: (SAMPLE_DIR / f"{name}.csv").read_text(encoding="utf-8")
                      for name in ("ics", "places", "organisations")})
    loaded = env.client.post("/loads", files=[("files", ("partnership.xlsx", good))], headers=h)
    assert loaded.status_code == 200, loaded.text
    [sent] = loaded.json()["files"]  # a workbook's rows are not counted from its bytes (only a CSV's lines)
    assert (sent["name"], sent["bytes"], sent["rows"]) == ("partnership.xlsx", len(good), None)
    assert counts(env.store) == before  # the same rows again: nothing changes
    organisations = (SAMPLE_DIR / "organisations.csv").read_text(encoding="utf-8").replace(
        ",nhs_trust,", ",hospital,", 1)
    bad = _workbook({"organisations": organisations})
    refused = env.client.post("/loads", files=[("files", ("partnership.xlsx", bad))], headers=h)
    assert refused.status_code == 422, refused.text
    error = refused.json()["errors"][0]
    assert error["file"].startswith("partnership.xlsx") and error["row"] == 2 and error["column"] == "sector"
    assert error["value"] == "hospital"
    assert counts(env.store) == before


def test_upload_size_limit_is_enforced(env: Env, tmp_path: Path) -> None:
    key_file = KeyFile(tmp_path / "keys.json")
    _, key = key_file.create("admin", "admin")
    app = create_app(env.store, keys_path=key_file.path, audit=tmp_path / "a.jsonl", max_upload_bytes=2000)
    client = TestClient(app, base_url="http://127.0.0.1")
    before = counts(env.store)
    big = b"code,name\n" + b"X,y\n" * 1000
    response = client.post("/loads", files=[("files", ("ics.csv", big))], headers={"X-API-Key": key})
    assert response.status_code == 413
    assert response.json()["title"] == "Content Too Large"

    def chunks():  # no Content-Length: the limit holds while streaming
        yield b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"ics.csv\"\r\n\r\n"
        for _ in range(100):
            yield b"X,y\n" * 50
        yield b"\r\n--b--\r\n"

    streamed = client.post("/loads", content=chunks(), headers={
        "X-API-Key": key, "Content-Type": "multipart/form-data; boundary=b"})
    assert streamed.status_code == 413, streamed.text
    assert counts(env.store) == before
    json_body = client.post("/query", content=b'{"cypher": "' + b" " * 2_000_000 + b'RETURN 1"}',
                            headers={"X-API-Key": key, "Content-Type": "application/json"})
    assert json_body.status_code == 413


@pytest.mark.parametrize(("files", "status"), [
    ([("files", ("notes.txt", b"hello"))], 415),
    ([("files", ("../../etc/passwd", b"x"))], 415),
    ([("files", ("ics.csv", b"code,name\n")), ("files", ("ICS.csv", b"code,name\n"))], 400),
])
def test_upload_names_are_checked(env: Env, files: list, status: int) -> None:
    response = env.client.post("/loads", files=files, headers=env.headers("admin"))
    assert response.status_code == status, response.text


def test_upload_file_and_field_counts_at_their_limits(env: Env) -> None:
    h = env.headers("admin")
    files = [("files", HEADER_ONLY)] + [("files", (f"extra{i}.csv", b"code,name\n")) for i in range(99)]
    assert len(files) == routes_loads.MAX_FILES == 100
    over = env.client.post("/loads", files=[*files, ("files", ("one_more.csv", b"code,name\n"))], headers=h)
    assert over.status_code == 400 and "Too many files" in over.json()["detail"], over.text  # the 101st file
    fields = {f"f{i}": "x" for i in range(20)}
    assert env.client.post("/loads", files=[("files", HEADER_ONLY)], data=fields, headers=h).status_code == 200
    too_many = env.client.post("/loads", files=[("files", HEADER_ONLY)], data={**fields, "f20": "x"}, headers=h)
    assert too_many.status_code == 400 and "Too many fields" in too_many.json()["detail"], too_many.text


def test_upload_needs_multipart(env: Env) -> None:
    response = env.client.post("/loads", json={"files": []}, headers=env.headers("admin"))
    assert response.status_code == 415


def test_one_load_at_a_time(env: Env) -> None:
    assert routes_loads._LOAD_LOCK.acquire(blocking=False)
    try:
        response = env.client.post("/loads", files=[("files", HEADER_ONLY)], headers=env.headers("admin"))
    finally:
        routes_loads._LOAD_LOCK.release()
    assert response.status_code == 409
    assert response.headers["retry-after"]


def test_upload_file_names_are_sanitised() -> None:
    assert routes_loads.clean_name("C:\\Users\\me\\Organisations.CSV") == "Organisations.csv"
    assert routes_loads.clean_name("dir/sub/plans.csv") == "plans.csv"
    assert routes_loads.clean_name("we<i>rd;name.xlsx") == "we_i_rd_name.xlsx"
    for bad in ("", ".csv", "x.exe", "x.csv.exe", None):
        with pytest.raises(Exception, match="CSV"):
            routes_loads.clean_name(bad)


# -- reports and data ----------------------------------------------------------------------------------------------


def test_places_lists_the_nine_places(env: Env) -> None:
    places = env.client.get("/places", headers=env.headers("viewer")).json()
    assert len(places) == 9 and {p["ics_code"] for p in places} == {"QYG"}


def test_network_json_and_html(env: Env) -> None:
    h = env.headers("viewer")
    network = env.client.get(f"/places/{PLACE}/network", headers=h).json()
    assert network["code"] == PLACE and network["nodes"] and network["edges"]
    ids = {n["id"] for n in network["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in network["edges"])
    page = env.client.get(f"/places/{PLACE}/network.html", headers=h)
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "sandbox" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "https://" not in page.text.split("<body", 1)[0].replace("https://www.w3.org", "")
    assert env.client.get("/places/NOPE/network", headers=h).status_code == 404
    assert env.client.get("/places/NOPE/network.html", headers=h).status_code == 404


def test_reports_in_three_formats(env: Env) -> None:
    h = env.headers("viewer")
    as_json = env.client.get("/reports/unsigned", headers=h).json()
    assert as_json["columns"][:5] == ["place_code", "agreement_code", "organisation_code", "organisation_name", "reason"]
    as_csv = env.client.get("/reports/unsigned?format=csv", headers=h)
    assert as_csv.headers["content-disposition"].startswith("attachment")
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == len(as_json["rows"]) + 1
    as_xlsx = env.client.get("/reports/unsigned?format=xlsx", headers=h)
    assert as_xlsx.content[:2] == b"PK"
    assert env.client.get("/reports/nope", headers=h).status_code == 404
    bad = env.client.get("/reports/breadth?view=pcns", headers=h)
    assert bad.status_code == 400 and "view" in bad.json()["detail"]
    assert env.client.get("/reports/coterminosity?threshold=2", headers=h).status_code == 422


def test_assurance_matrix(env: Env) -> None:
    matrix = env.client.get("/assurance", headers=env.headers("viewer")).json()
    assert len(matrix) == 9
    sefton = next(p for p in matrix if p["place_code"] == PLACE)
    assert [f["feature"] for f in sefton["features"]] == [1, 2, 3, 4, 5, 6, 7]
    assert sefton["met"] == 7  # the sample's Sefton meets all seven


# -- errors and headers --------------------------------------------------------------------------------------------


SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")


def _check_headers(response) -> None:
    for name in SECURITY_HEADERS:
        assert name in response.headers, (response.request.url, name)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in response.headers


def test_problem_details_and_headers_on_every_kind_of_response(env: Env) -> None:
    app: FastAPI = create_app(env.store, keys_path=env.keys.path, audit=env.root / "x.jsonl")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/shadow")

    client = TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1")
    h = env.headers("viewer")
    cases = [
        (client.get("/nope"), 404), (client.delete("/places", headers=h), 405),
        (client.get("/places"), 401), (client.post("/query", headers=h, json={"cypher": "RETURN 1"}), 403),
        (client.get("/boom"), 500), (client.get("/reports/unsigned?as_at=notadate", headers=h), 422),
    ]
    for response, status in cases:
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status and body["title"] and body["type"] == "about:blank"
        assert "Traceback" not in response.text and "secret internals" not in response.text
        _check_headers(response)
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    for path in ("/", f"/dashboard/places/{PLACE}", "/health", "/static/style.css", "/docs"):
        _check_headers(client.get(path, headers=h))
    page = client.get("/", headers=h)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text  # no inline script in the dashboard
    preflight = client.options("/places", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


# -- dashboard sign-in ----------------------------------------------------------------------------------------------


def _sign_in(client: TestClient, key: str) -> str:
    """The session cookie a sign-in from the service's own page sets."""
    response = client.post("/login", data={"key": key, "next": "/"}, headers={"Origin": "http://127.0.0.1"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.cookies["icpmap_session"]


def test_sign_in_sets_a_secure_http_only_session_cookie(env: Env) -> None:
    client = TestClient(env.app, base_url="http://127.0.0.1")
    origin = {"Origin": "http://127.0.0.1"}
    bad = client.post("/login", data={"key": "wrong", "next": "/"}, headers=origin)
    assert bad.status_code == 401 and "not valid" in bad.text
    ok = client.post("/login", data={"key": env.key["viewer"], "next": "https://evil.example/"}, headers=origin,
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # no open redirect
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    session = ok.cookies["icpmap_session"]
    assert env.key["viewer"] not in ok.headers["set-cookie"] and env.key["viewer"].split("-")[2] not in session
    jar = {"Cookie": f"icpmap_session={session}"}
    home = client.get("/", headers=jar)
    assert home.status_code == 200 and "Sefton" in home.text
    assert client.get("/places", headers=jar).status_code == 200  # the API accepts the session too
    assert client.get("/places", headers={"Cookie": f"icpmap_key={env.key['viewer']}"}).status_code == 401


def test_cookie_posts_need_same_origin(env: Env) -> None:
    client = TestClient(env.app, base_url="http://127.0.0.1")
    jar = f"icpmap_session={_sign_in(client, env.key['analyst'])}"
    form = {"cypher": "MATCH (p:Place) RETURN count(p) AS n"}
    assert client.post("/dashboard/query", data=form, headers={"Cookie": jar}).status_code == 403
    assert client.post("/dashboard/query", data=form, headers={"Cookie": jar, "Origin": "https://evil.example"}).status_code == 403
    same = client.post("/dashboard/query", data=form, headers={"Cookie": jar, "Origin": "http://127.0.0.1"})
    assert same.status_code == 200 and "<td>9</td>" in same.text


def test_sign_out_ends_the_session_on_the_server(env: Env) -> None:
    client = TestClient(env.app, base_url="http://127.0.0.1")
    session = _sign_in(client, env.key["viewer"])
    jar = {"Cookie": f"icpmap_session={session}"}
    assert client.get("/places", headers=jar).status_code == 200
    assert client.post("/logout", headers={**jar, "Origin": "https://evil.example"}).status_code == 403
    assert client.get("/places", headers=jar).status_code == 200  # a cross-site sign-out did nothing
    out = client.post("/logout", headers={**jar, "Origin": "http://127.0.0.1"}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/places", headers=jar).status_code == 401  # a kept copy of the cookie is dead too


def test_a_session_ends_when_its_key_is_revoked_or_it_expires(env: Env, tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "keys.json")
    _, key = keys.create("short-lived", "viewer")
    app = create_app(env.store, keys_path=keys.path, audit=tmp_path / "a.jsonl")
    client = TestClient(app, base_url="http://127.0.0.1")
    jar = {"Cookie": f"icpmap_session={_sign_in(client, key)}"}
    assert client.get("/places", headers=jar).status_code == 200
    keys.revoke("short-lived")
    assert client.get("/places", headers=jar).status_code == 401
    _, key = keys.create("expiring", "viewer")
    app.state.settings.sessions.ttl_s = 1.0
    jar = {"Cookie": f"icpmap_session={_sign_in(client, key)}"}
    assert client.get("/places", headers=jar).status_code == 200
    time.sleep(1.1)
    assert client.get("/places", headers=jar).status_code == 401


def test_dashboard_upload_lists_problems(env: Env) -> None:
    before = counts(env.store)
    response = env.client.post("/dashboard/upload", files=_bad_files(), headers=env.headers("admin"))
    assert response.status_code == 422
    assert "organisations.csv" in response.text and "not_a_sector" in response.text
    assert counts(env.store) == before


def test_hostile_text_is_escaped_in_pages(env: Env) -> None:
    hostile = "<script>alert(1)</script>"
    response = env.client.post("/dashboard/query", headers=env.headers("analyst"),
                               data={"cypher": f"RETURN '{hostile}' AS x"})
    assert response.status_code == 200
    assert hostile not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


# -- single-user mode, keys on the command line ---------------------------------------------------------------------


def test_single_user_mode_until_a_key_exists(env: Env, tmp_path: Path) -> None:
    key_file = KeyFile(tmp_path / "keys.json")
    client = TestClient(create_app(env.store, keys_path=key_file.path, allow_anonymous=True), base_url="http://127.0.0.1")
    assert client.get(f"/places/{PLACE}").status_code == 200
    assert client.post("/query", json={"cypher": "RETURN 1 AS x"}).status_code == 403  # where from? (a script)
    assert client.post("/query", json={"cypher": "RETURN 1 AS x"}, headers={"Origin": "https://evil.example"}
                       ).status_code == 403
    assert client.post("/query", json={"cypher": "RETURN 1 AS x"}, headers={"Origin": "http://127.0.0.1"}
                       ).status_code == 200
    # a session cookie left from before (ended, expired or never ours) is as good as none: still the local user
    stale = {"Cookie": "icpmap_session=stale-session-id"}
    assert client.get(f"/places/{PLACE}", headers=stale).status_code == 200
    assert client.get("/", headers=stale, follow_redirects=False).status_code == 200
    key_file.create("first", "viewer")
    assert client.get(f"/places/{PLACE}").status_code == 401
    assert client.get(f"/places/{PLACE}", headers=stale).status_code == 401
    assert client.get("/", headers=stale, follow_redirects=False).status_code == 303  # to sign in


def _icpmap(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    full.update(env)
    full["COLUMNS"] = "200"
    # Imports serve_cmds itself, so the commands are there whether or not cli/__init__ imports it yet.
    boot = "import sys; from icpmap.cli import serve_cmds, main; sys.argv = ['icpmap', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", boot, *args], capture_output=True, text=True, env=full, timeout=120)


def test_keys_commands(tmp_path: Path) -> None:
    env = {"ICPMAP_KEYS": str(tmp_path / "k.json"), "ICPMAP_DB": str(tmp_path / "db")}
    made = _icpmap("keys", "create", "--role", "analyst", "--name", "Ana Lyst", env=env)
    assert made.returncode == 0, made.stderr
    key = made.stdout.rstrip("\n").splitlines()[-1]
    assert key.startswith("icp-") and " " not in key
    record = KeyFile(tmp_path / "k.json").verify(key)
    assert record is not None and record.role == "analyst" and record.name == "Ana Lyst"
    stored = (tmp_path / "k.json").read_text()
    assert key.split("-", 2)[2] not in stored  # only a hash is kept
    assert oct((tmp_path / "k.json").stat().st_mode & 0o777) == "0o600"
    listed = _icpmap("keys", "list", env=env)
    assert "Ana Lyst" in listed.stdout and key not in listed.stdout
    assert _icpmap("keys", "create", "--role", "boss", "--name", "x", env=env).returncode != 0
    assert _icpmap("keys", "revoke", "Ana Lyst", env=env).returncode == 0
    assert KeyFile(tmp_path / "k.json").verify(key) is None
    assert _icpmap("keys", "revoke", "Ana Lyst", env=env).returncode != 0


def test_serve_refuses_single_user_mode_off_loopback(tmp_path: Path) -> None:
    env = {"ICPMAP_KEYS": str(tmp_path / "none.json"), "ICPMAP_DB": str(tmp_path / "db")}
    out = _icpmap("serve", "--host", "0.0.0.0", "--port", "1", env=env)
    assert out.returncode != 0
    assert "loopback" in out.stderr and "Traceback" not in out.stderr


def test_loopback_detection() -> None:
    from icpmap.cli.serve_cmds import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("10.0.0.1")


def test_many_concurrent_uncached_requests_all_succeed(env: Env) -> None:
    """32 requests at once: the engine sees a few reader connections, never one per request thread."""
    from concurrent.futures import ThreadPoolExecutor

    client = TestClient(create_app(env.store, keys_path=env.keys.path, audit=env.root / "c.jsonl", cache=False), base_url="http://127.0.0.1")
    h = env.headers("viewer")
    paths = [f"/places/{code}/network" for code in ("E08000014", "E08000012", "E06000049", "E06000006")] * 6
    paths += ["/reports/unsigned", "/assurance"] * 4
    with ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(lambda p: client.get(p, headers=h).status_code, paths))
    assert statuses == [200] * len(paths)


def test_network_bytes_are_json_bytes_of_the_same_value() -> None:
    """The diagram's fast encoder writes exactly what `json_bytes` writes (dates ISO, sets as lists,
    non-finite floats null, anything else as text), for a diagram and for each odd value."""
    import datetime as dt
    import math

    from icpmap.api.render import json_bytes, json_bytes_str_keys

    class Other:
        def __str__(self) -> str:
            return "other"

    odd = {"date": dt.date(2024, 1, 2), "when": dt.datetime(2024, 1, 2, 3, 4), "set": {"b"}, "tuple": (1, "é"),
           "nan": math.nan, "inf": [math.inf], "other": Other(), "nested": [{"x": None, "y": 1.5, "z": True}]}
    for value in (odd, {k: v for k, v in odd.items() if k not in ("nan", "inf")}, [odd["date"], "x"]):
        assert json_bytes_str_keys(value) == json_bytes(value)
    assert b'"nan":null' in json_bytes_str_keys(odd)
