"""The load audit and the erasure, in process: each helper's exact output on hand-made input.

tests/test_forget_audit.py drives them end to end through the CLI (child processes); these
tests pin what each part does so a small change in one (an entry's field, the newest-first
order, a workbook's rows, the fallback user, a wrong count of relationships) fails here.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from icpmap.errors import UserError
from icpmap.graph import Store, open_store
from icpmap.loaders import LoadError, load_paths
from icpmap.loaders.export import checksum, read_graph
from icpmap.safety import audit, erasure
from icpmap.sample import SAMPLE_DIR

PERSON = "PER-002"  # Gareth Lloyd: works for one organisation, holds three roles, endorsed by seven


def test_ids_are_twelve_hex_digits_and_differ() -> None:
    ids = {audit.new_id() for _ in range(50)}
    assert len(ids) == 50 and all(re.fullmatch(r"[0-9a-f]{12}", i) for i in ids)


def test_now_is_utc_to_the_second() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", audit.now())


def test_the_os_user_and_its_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    assert audit.os_user() == getpass.getuser()

    def no_login() -> str:
        raise KeyError("no such user")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert audit.os_user() == f"uid {os.getuid()}"
    monkeypatch.delattr(os, "getuid")  # a system without user ids
    assert audit.os_user() == "unknown"


def test_the_audit_file_is_the_variable_else_beside_the_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ICPMAP_NEO4J_URI", raising=False)
    monkeypatch.setenv("ICPMAP_AUDIT", "  ~/audit/loads.jsonl  ")
    assert audit.default_path(str(tmp_path / "db")) == Path("~/audit/loads.jsonl").expanduser()
    monkeypatch.setenv("ICPMAP_AUDIT", "   ")
    assert audit.default_path(str(tmp_path / "db")) == tmp_path / "db.loads.jsonl"
    monkeypatch.delenv("ICPMAP_AUDIT")
    assert audit.default_path(str(tmp_path / "store")) == tmp_path / "store.loads.jsonl"
    assert audit.default_path(db=tmp_path / "other") == (tmp_path / "other.loads.jsonl").resolve()
    assert audit.SUFFIX == ".loads.jsonl"


def test_record_appends_one_compact_line_private_to_the_owner(tmp_path: Path) -> None:
    log = tmp_path / "new" / "dir" / "loads.jsonl"
    audit.record(log, {"by": "Zoë", "n": 1})
    audit.record(log, {"by": "Ann", "at": Path("x")})
    assert log.read_bytes() == '{"by":"Zoë","n":1}\n{"by":"Ann","at":"x"}\n'.encode()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_entries_are_newest_first_limited_and_skip_junk(tmp_path: Path) -> None:
    log = tmp_path / "loads.jsonl"
    for n in range(5):
        audit.record(log, {"n": n})
    with log.open("ab") as f:
        f.write(b"not json\n[1, 2]\n\"text\"\n\xff\xfe broken bytes\n")
    audit.record(log, {"n": 5})
    assert [e["n"] for e in audit.entries(log)] == [5, 4, 3, 2, 1, 0]
    assert [e["n"] for e in audit.entries(log, limit=2)] == [5, 4]
    assert [e["n"] for e in audit.entries(log, limit=6)] == [5, 4, 3, 2, 1, 0]
    assert [e["n"] for e in audit.entries(log, limit=100)] == [5, 4, 3, 2, 1, 0]
    assert audit.entries(tmp_path / "missing.jsonl") == []
    many = tmp_path / "many.jsonl"
    many.write_text("".join(f'{{"n":{n}}}\n' for n in range(101)), encoding="utf-8")
    assert [e["n"] for e in audit.entries(many)] == list(range(100, 0, -1))  # the latest 100 by default


def test_file_entries_hash_each_file_whole(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    big = os.urandom(1024 * 1024 + 7)  # more than one read of 1 MB
    (folder / "a.csv").write_bytes(big)
    (folder / "b.csv").write_bytes(b"")
    (folder / "notes.txt").write_text("not read")
    single = tmp_path / "places.csv"
    single.write_text("code\n")
    assert audit.file_entries([tmp_path / "missing.csv", tmp_path / "in" / "notes.txt"]) == [
        {"name": str(folder / "notes.txt"), "bytes": 8, "sha256": hashlib.sha256(b"not read").hexdigest(), "rows": None}]
    # a file that cannot be read is left out, and the files after it are still listed
    # (/proc/self/mem opens but cannot be read from its start)
    assert [f["name"] for f in audit.file_entries([Path("/proc/self/mem"), single])] == [str(single)]
    got = audit.file_entries([folder, single, folder / "a.csv"])  # a file named twice is listed once
    assert got == [
        {"name": str(folder / "a.csv"), "bytes": len(big), "sha256": hashlib.sha256(big).hexdigest(), "rows": None},
        {"name": str(folder / "b.csv"), "bytes": 0, "sha256": hashlib.sha256(b"").hexdigest(), "rows": None},
        {"name": str(single), "bytes": 5, "sha256": hashlib.sha256(b"code\n").hexdigest(), "rows": None},
    ]
    # a file the loader hashed as it read it is not read again: its digest comes from the load
    assert audit.file_entries([folder], hashed={str(folder / "a.csv"): (1, "s1")}) == [
        {"name": str(folder / "a.csv"), "bytes": len(big), "sha256": None, "rows": None},
        {"name": str(folder / "b.csv"), "bytes": 0, "sha256": hashlib.sha256(b"").hexdigest(), "rows": None},
    ]


def test_rows_per_file_add_up_a_workbooks_sheets() -> None:
    report = SimpleNamespace(files=[
        SimpleNamespace(path="/in/book.xlsx [places]", rows_read=2, sha256="s1"),
        SimpleNamespace(path="/in/book.xlsx [ics]", rows_read=1, sha256="s1"),
        SimpleNamespace(path="/in/book.xlsx [board members]", rows_read=4, sha256="s1"),  # a sheet name with a space
        SimpleNamespace(path="/in/people.csv", rows_read=4, sha256="s2"),
        SimpleNamespace(path="/in/odd [name].csv", rows_read=3, sha256="s3"),
        SimpleNamespace(path="/in/my plan [v2].xlsx [roles]", rows_read=5, sha256="s4"),
        SimpleNamespace(path="/in/my plan [v2].xlsx [people]", rows_read=1, sha256="s4"),
    ])
    assert audit._by_file(report) == {"/in/book.xlsx": (7, "s1"), "/in/people.csv": (4, "s2"),
                                      "/in/odd [name].csv": (3, "s3"), "/in/my plan [v2].xlsx": (6, "s4")}
    assert audit._by_file(SimpleNamespace(files=None)) == {} == audit._by_file(object())


def test_load_entries_for_a_load_and_a_refusal(tmp_path: Path) -> None:
    orgs = tmp_path / "organisations.csv"
    orgs.write_text("code,name,sector\nO1,Org,voluntary\nO2,Other,voluntary\n", encoding="utf-8")
    with open_store(tmp_path / "db", engine="ladybug") as store:
        report = load_paths(store, [orgs])
        entry = audit.load_entry([orgs], by="tester", via="api", report=report, key_id="k1")
        assert set(entry) == {"id", "at", "by", "via", "key_id", "files", "status", "report"}
        assert (entry["by"], entry["via"], entry["key_id"], entry["status"]) == ("tester", "api", "k1", "loaded")
        assert entry["files"] == [{"name": str(orgs), "bytes": orgs.stat().st_size,
                                   "sha256": hashlib.sha256(orgs.read_bytes()).hexdigest(), "rows": 2}]
        assert entry["report"] == json.loads(json.dumps(report.as_dict(), default=str))
        orgs.write_text("code,name,sector\nO1,Org,nope\nO2,Other,nope\n", encoding="utf-8")
        with pytest.raises(LoadError) as refused:
            load_paths(store, [orgs])
    entry = audit.load_entry([orgs], by="tester", via="cli", error=refused.value)
    assert set(entry) == {"id", "at", "by", "via", "key_id", "files", "status", "problems"}
    assert (entry["status"], entry["problems"], entry["key_id"], entry["via"]) == ("refused", 2, None, "cli")
    assert entry["files"][0]["rows"] is None
    assert audit.load_entry([orgs], by="x", via="cli", error=SimpleNamespace(total="2"))["problems"] is None
    assert audit.load_entry([orgs], by="x", via="cli", error=OSError("no total"))["problems"] is None
    odd = audit.load_entry([orgs], by="x", via="cli", report={"on": dt.date(2024, 6, 1), "path": Path("/in")})
    assert odd["report"] == {"on": "2024-06-01", "path": "/in"}  # what JSON cannot hold, as text
    given = [{"name": "upload.csv", "bytes": 3, "sha256": "abc", "rows": None}]
    assert audit.load_entry([orgs], by="x", via="api", error=refused.value, files=given)["files"] == given


def test_record_load_defaults_to_the_os_user_and_says_when_it_cannot_write(tmp_path: Path) -> None:
    orgs = tmp_path / "organisations.csv"
    orgs.write_text("code,name,sector\nO1,Org,voluntary\n", encoding="utf-8")
    log = tmp_path / "loads.jsonl"
    error = SimpleNamespace(total=1)
    entry = audit.record_load(log, [orgs], error=error)
    assert (entry["by"], entry["via"], entry["status"], entry["problems"]) == (getpass.getuser(), "cli", "refused", 1)
    assert audit.entries(log) == [entry]
    assert audit.record_load(log, [orgs], by="Someone", via="copy", error=error)["by"] == "Someone"
    loaded = audit.record_load(log, [orgs], report={"tables": [{"created": 1}]})
    assert (loaded["status"], loaded["report"]) == ("loaded", {"tables": [{"created": 1}]})
    assert [e["via"] for e in audit.entries(log)] == ["cli", "copy", "cli"]
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with pytest.raises(UserError) as refused:
        audit.record_load(blocked / "loads.jsonl", [orgs], error=error)
    assert str(refused.value) == ("The load was refused, but it could not be recorded in the load audit at "
                                  f"{blocked / 'loads.jsonl'}: File exists.")
    with pytest.raises(UserError, match=r"^The load was made, but it could not be recorded"):
        audit.record_load(blocked / "loads.jsonl", [orgs], report={"tables": []})


# -- erasure ---------------------------------------------------------------------------------------


def test_the_relationships_a_person_can_have() -> None:
    assert sorted(erasure.person_rels()) == ["ENDORSED", "HOLDS", "WORKS_FOR"]


def test_forget_counts_each_relationship_and_removes_only_the_person(sample_store: Store) -> None:
    sample = sample_store
    people = sample.read("MATCH (p:Person) RETURN count(p)").scalar()
    done = erasure.forget(sample, f"  {PERSON}\t")
    assert done.person_id == PERSON and done.rebuilt is False
    assert done.relationships == {"WORKS_FOR": 1, "HOLDS": 3, "ENDORSED": 7} and done.total == 11
    assert sample.read("MATCH (p:Person {id: $id}) RETURN count(p)", {"id": PERSON}).scalar() == 0
    assert sample.read("MATCH (p:Person) RETURN count(p)").scalar() == people - 1


def test_forget_refuses_a_blank_or_unknown_id_and_changes_nothing(sample_store: Store) -> None:
    sample = sample_store
    before = checksum(read_graph(sample))
    with pytest.raises(UserError, match=r"^Give the id of the person to forget"):
        erasure.forget(sample, "  ")
    with pytest.raises(UserError, match=r"^No person has the id 'PER-999'; nothing was changed\.$"):
        erasure.forget(sample, "PER-999")
    assert checksum(read_graph(sample)) == before


def test_a_person_without_relationships_is_forgotten_with_none(store: Store, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "people.csv").write_text("id,name,role_title\nP1,Alone,Clerk\n", encoding="utf-8")
    load_paths(store, [tmp_path / "in"])
    done = erasure.forget(store, "P1")
    assert done.relationships == {} and done.total == 0
    assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 0


def test_rebuilding_leaves_the_same_graph_and_no_forgotten_bytes(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with open_store(db, engine="ladybug") as store:
        load_paths(store, [SAMPLE_DIR])
        erasure.forget(store, PERSON)
        want = checksum(read_graph(store))
    erasure.rebuild_embedded(db)
    assert b"Gareth Lloyd" not in db.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no leftovers
    with open_store(db, engine="ladybug") as store:
        assert checksum(read_graph(store)) == want


def test_a_rebuild_that_does_not_check_out_keeps_the_old_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rebuilt file is compared with the old graph; when they differ (here: the check is made
    to see a difference) the old file itself is put back, and no temporary file is left."""
    from icpmap.loaders import export

    db = tmp_path / "db"
    with open_store(db, engine="ladybug") as store:
        load_paths(store, [SAMPLE_DIR])
        want = checksum(read_graph(store))
    before = db.stat().st_ino  # the old file itself (the rebuild keeps it as a hard link until checked)
    real = export.checksum
    calls: list[int] = []

    def differs_for_the_rebuild(dump):  # type: ignore[no-untyped-def]
        # only the rebuild's own check (mutmut renames the function it runs: `x_rebuild_embedded…`);
        # copy_graph's checks stay true
        if "rebuild_embedded" not in sys._getframe(1).f_code.co_name:
            return real(dump)
        calls.append(1)
        return real(dump) + "-changed"

    monkeypatch.setattr(export, "checksum", differs_for_the_rebuild)
    with pytest.raises(UserError) as refused:
        erasure.rebuild_embedded(db)
    assert str(refused.value) == f"Rebuilding the store at {db.resolve()} gave a different graph; the old store was kept."
    assert len(calls) == 1 and db.stat().st_ino == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    monkeypatch.setattr(export, "checksum", real)
    with open_store(db, engine="ladybug") as store:
        assert checksum(read_graph(store)) == want
