"""The load audit (`icpmap loads`, `GET /loads`) and the right to erasure (`icpmap forget`).

Every load, from the CLI or the service, refused or not, is recorded: when, by whom (the OS
user, or the API key's name), which files with their SHA-256, the rows and the counts. One
audit file serves both. Forgetting a person removes them and their relationships and nothing
else; the export no longer holds them, nor the store file, nor the audit.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
from pathlib import Path

from fastapi.testclient import TestClient

from icpmap.api.app import audit_path, create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import Store, open_store
from icpmap.loaders.export import Dump, checksum, read_graph
from icpmap.safety import audit, erasure
from icpmap.sample import SAMPLE_DIR

PERSON = "PER-002"


def _embedded(path: Path) -> Store:
    return open_store(path, engine="ladybug")


def _rows(path: Path) -> int:
    """A CSV file's data rows; a GeoJSON file's features."""
    if path.suffix == ".geojson":
        return len(json.loads(path.read_text(encoding="utf-8"))["features"])
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def test_cli_loads_are_audited_with_user_files_digests_and_counts(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "db"
    assert cli("load", "-q", str(SAMPLE_DIR), db=db).returncode == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "places.csv").write_text("code,name,ics_code\nE1,Somewhere,NOPE\n")
    assert cli("load", "-q", str(bad), db=db).returncode == 1
    done = cli("loads", "--format", "json", db=db)
    assert done.returncode == 0, done.stderr
    refused, loaded = json.loads(done.stdout)  # newest first
    user = getpass.getuser()
    for entry in (refused, loaded):
        assert entry["by"] == user and entry["via"] == "cli" and len(entry["id"]) == 12 and entry["at"]
    assert refused["status"] == "refused" and refused["problems"] == 1
    assert [Path(f["name"]).name for f in refused["files"]] == ["places.csv"]
    assert refused["files"][0]["sha256"] == hashlib.sha256((bad / "places.csv").read_bytes()).hexdigest()
    assert loaded["status"] == "loaded"
    files = {Path(f["name"]).name: f for f in loaded["files"]}
    sample = sorted([*SAMPLE_DIR.glob("*.csv"), *SAMPLE_DIR.glob("*.geojson")])  # the 19 input files and the boundaries
    assert sorted(files) == [p.name for p in sample]
    for path in sample:
        assert files[path.name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert files[path.name]["bytes"] == path.stat().st_size
        assert files[path.name]["rows"] == _rows(path)
    created = sum(t["created"] for t in loaded["report"]["tables"])
    with _embedded(db) as store:
        assert created == sum(store.counts().values())
    table = cli("loads", db=db)
    assert table.returncode == 0 and user in table.stdout and "refused" in table.stdout


def test_the_service_and_the_cli_share_one_audit(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "db"
    assert cli("load", "-q", str(SAMPLE_DIR), db=db).returncode == 0
    with _embedded(db) as store:
        assert audit_path(store.location) == audit.default_path(store.location) == Path(f"{store.location}.loads.jsonl")
        keys = KeyFile(tmp_path / "keys.json")
        admin = {"Authorization": f"Bearer {keys.create('Audit Admin', 'admin')[1]}"}
        viewer = {"Authorization": f"Bearer {keys.create('Audit Viewer', 'viewer')[1]}"}
        with TestClient(create_app(store, keys_path=keys.path), base_url="http://127.0.0.1") as client:  # the default audit file
            listed = client.get("/loads", headers=admin).json()
            assert [e["status"] for e in listed] == ["loaded"] and listed[0]["by"] == getpass.getuser()
            assert len(listed[0]["files"]) == 20 and all(len(f["sha256"]) == 64 for f in listed[0]["files"])
            assert client.get("/loads", headers=viewer).status_code == 403
            assert client.get("/loads").status_code == 401
            body = b"code,name,sector,statutory\nNEW1,New partner,voluntary,false\n"
            posted = client.post("/loads", headers=admin, files={"files": ("organisations.csv", body)})
            assert posted.status_code == 200, posted.text
            listed = client.get("/loads", headers=admin).json()
            assert [e["by"] for e in listed] == ["Audit Admin", getpass.getuser()]
            assert [e["via"] for e in listed] == ["api", "cli"] and listed[0]["key_id"]
            assert listed[0]["files"][0]["sha256"] == hashlib.sha256(body).hexdigest()
            assert listed[0]["files"][0]["rows"] == 1
    done = cli("loads", "--format", "json", db=db)
    assert [e["by"] for e in json.loads(done.stdout)] == ["Audit Admin", getpass.getuser()]


def _without(dump: Dump, person: str) -> Dump:
    """The graph as it should be once `person` is forgotten."""
    nodes = {label: [r for r in rows if not (label == "Person" and r[0] == person)] for label, rows in dump.nodes.items()}
    rels = {}
    for (rel, src, dst), rows in dump.rels.items():
        rels[(rel, src, dst)] = [r for r in rows if not ((src == "Person" and r[0] == person)
                                                         or (dst == "Person" and r[1] == person))]
    return Dump(nodes, rels)


def test_forget_removes_the_person_and_their_relationships_and_nothing_else(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "db"
    assert cli("load", "-q", str(SAMPLE_DIR), db=db).returncode == 0
    with _embedded(db) as store:
        before = read_graph(store)
        name = store.read("MATCH (p:Person {id: $id}) RETURN p.name", {"id": PERSON}).scalar()
    assert name and name.encode() in db.read_bytes()
    touching = sum(1 for rows in before.rels.values() for r in rows if PERSON in (r[0], r[1]))
    assert touching >= 3
    done = cli("forget", PERSON, "--yes", db=db)
    assert done.returncode == 0, done.stderr
    assert f"Forgot {PERSON}" in " ".join(done.stdout.split())
    with _embedded(db) as store:
        after = read_graph(store)
    assert checksum(after) == checksum(_without(before, PERSON))
    assert after.counts()["Person"] == before.counts()["Person"] - 1
    # Not in an export, not in the store's files (rebuilt), not in the audit.
    assert cli("export", str(tmp_path / "backup"), db=db).returncode == 0
    for path in (tmp_path / "backup").iterdir():
        text = path.read_text(encoding="utf-8")
        assert name not in text and PERSON not in text, path.name
    for path in tmp_path.glob("db*"):
        if path.is_file() and not path.name.endswith(".jsonl"):
            assert name.encode() not in path.read_bytes(), path.name
    trail = Path(f"{db.resolve()}.loads.jsonl").read_text(encoding="utf-8")
    assert name not in trail
    last = json.loads(trail.splitlines()[-1])
    assert last["status"] == "forgotten" and last["person_id"] == PERSON and sum(last["relationships"].values()) == touching
    # An unknown id changes nothing.
    again = cli("forget", PERSON, "--yes", db=db)
    assert again.returncode == 1 and "No person has the id" in again.stderr
    with _embedded(db) as store:
        assert checksum(read_graph(store)) == checksum(after)


def test_forget_on_each_engine(sample_store: Store) -> None:
    before = read_graph(sample_store)
    done = erasure.forget(sample_store, PERSON)
    assert done.total == sum(1 for rows in before.rels.values() for r in rows if PERSON in (r[0], r[1]))
    assert set(done.relationships) <= set(erasure.person_rels())
    assert checksum(read_graph(sample_store)) == checksum(_without(before, PERSON))


def test_an_audit_entry_counts_every_sheet_of_a_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from icpmap.loaders import LoadError, load_paths

    book = Workbook()
    ics = book.active
    ics.title = "ics"
    ics.append(["code", "name"])
    ics.append(["Q1", "An ICS"])
    places = book.create_sheet("places")
    places.append(["code", "name", "ics_code"])
    places.append(["E1", "One", "Q1"])
    places.append(["E2", "Two", "Q1"])
    path = tmp_path / "partnership.xlsx"
    book.save(path)
    (tmp_path / "orgs").mkdir()
    orgs = tmp_path / "orgs" / "organisations.csv"
    orgs.write_text("code,name,sector\nO1,Org,voluntary\n", encoding="utf-8")
    with _embedded(tmp_path / "db") as store:
        report = load_paths(store, [path, tmp_path / "orgs"])
        entry = audit.load_entry([path, tmp_path / "orgs"], by="tester", via="cli", report=report, key_id="k1")
        assert (entry["by"], entry["via"], entry["key_id"], entry["status"]) == ("tester", "cli", "k1", "loaded")
        files = {Path(f["name"]).name: f for f in entry["files"]}
        assert files["partnership.xlsx"]["rows"] == 3  # both sheets: 1 + 2
        assert files["organisations.csv"]["rows"] == 1
        for name, f in files.items():
            file = path if name == "partnership.xlsx" else orgs
            assert f["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
            assert f["bytes"] == file.stat().st_size
        log = tmp_path / "loads.jsonl"
        audit.record(log, entry)
        orgs.write_text("code,name,sector\nO1,Org,not-a-sector\n", encoding="utf-8")
        try:
            load_paths(store, [orgs])
        except LoadError as exc:
            refused = audit.load_entry([orgs], by="tester", via="api", error=exc)
        assert (refused["status"], refused["problems"], refused["files"][0]["rows"]) == ("refused", 1, None)
        audit.record(log, refused)
        log.open("a", encoding="utf-8").write("not json\n[1]\n")
        assert [e["status"] for e in audit.entries(log)] == ["refused", "loaded"]  # newest first, junk skipped
        assert [e["status"] for e in audit.entries(log, limit=1)] == ["refused"]
        assert audit.entries(tmp_path / "none.jsonl") == []
