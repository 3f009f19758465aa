"""The store interface on real engines: schema, reads, writes, transactions, read-only."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from icpmap.graph import ReadOnlyViolation, StoreBusy, StoreError, open_store
from icpmap.graph.dialect import Dialect
from icpmap.graph.model import NODES, RELS

from .conftest import child_env


def org_rows(*codes: str) -> list[dict]:
    return [{"code": c, "name": f"Org {c}", "sector": "voluntary", "statutory": None} for c in codes]


def add_orgs(store, *codes: str) -> None:
    store.write_batch(Dialect(store.engine).merge_nodes(NODES["Organisation"], ["code", "name", "sector", "statutory"]), org_rows(*codes))


def test_schema_twice_is_harmless(store):
    add_orgs(store, "A")
    store.ensure_schema()
    store.ensure_schema()
    assert store.counts()["Organisation"] == 1


def test_counts_cover_the_whole_model(store):
    counts = store.counts()
    assert set(counts) == set(NODES) | set(RELS)
    assert all(v == 0 for v in counts.values())


def test_write_then_read_plain_values(store):
    d = Dialect(store.engine)
    add_orgs(store, "A", "B")
    store.write_batch(d.merge_nodes(NODES["Board"], ["code", "name", "kind"]), [{"code": "B1", "name": "Board", "kind": "other"}])
    store.write_batch(
        d.create_rel_rows("MEMBER_OF", "Organisation", "Board", ["role", "from", "to"]),
        [{"src": "A", "dst": "B1", "role": "core", "from": dt.date(2021, 4, 1), "to": None}],
    )
    rows = store.read(
        "MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board) RETURN o.code AS o, m.`from` AS f, m.`to` AS t, count(*) AS n"
    ).records()
    assert rows == [{"o": "A", "f": dt.date(2021, 4, 1), "t": None, "n": 1}]
    assert isinstance(store.read("MATCH (o:Organisation) RETURN sum(1) AS s").scalar(), int)


def test_read_refuses_writes_and_changes_nothing(store):
    add_orgs(store, "A")
    with pytest.raises(ReadOnlyViolation):
        store.read("MATCH (n) DETACH DELETE n")
    assert store.counts()["Organisation"] == 1


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) DETACH DELETE n",
        "COMMIT; MATCH (n) DETACH DELETE n",
        "MATCH (n) RETURN n; MATCH (n) DETACH DELETE n",
        "CREATE (:Organisation {code: 'X'})",
        "MATCH (n:Organisation) SET n.name = 'x'",
    ],
)
def test_user_query_refuses_writes(store, cypher):
    add_orgs(store, "A")
    with pytest.raises(StoreError):
        store.user_query(cypher)
    assert store.counts()["Organisation"] == 1
    assert store.read("MATCH (n:Organisation) RETURN n.name AS name").scalar() == "Org A"


def test_transaction_is_all_or_nothing(store):
    add_orgs(store, "A")
    with pytest.raises(RuntimeError, match="boom"), store.transaction() as tx:
        tx.run("MATCH (n:Organisation {code: 'A'}) DETACH DELETE n")
        raise RuntimeError("boom")
    assert store.counts()["Organisation"] == 1


def test_failed_statement_rolls_back_the_whole_transaction(store):
    add_orgs(store, "A")

    def work(tx):
        tx.run("MATCH (n:Organisation {code: 'A'}) DETACH DELETE n")
        tx.run("THIS IS NOT CYPHER")

    with pytest.raises(StoreError):
        store.execute_write(work)
    assert store.counts()["Organisation"] == 1


def test_parameters_are_data_not_code(store):
    hostile = "x'}) DETACH DELETE n //"
    store.write_batch(
        Dialect(store.engine).merge_nodes(NODES["Organisation"], ["code", "name", "sector", "statutory"]),
        [{"code": hostile, "name": hostile, "sector": "other", "statutory": True}],
    )
    assert store.read("MATCH (n:Organisation {code: $c}) RETURN n.name", {"c": hostile}).scalar() == hostile


def test_null_and_empty_list_parameters_keep_their_meaning(store):
    """LadybugDB reads get nulls and empty lists as the literals NULL and [] (so it keeps their
    plan; graph/dialect.py ladybug_plannable): the answers must be those of the values."""
    add_orgs(store, "A", "B")
    q = ("MATCH (n:Organisation) WHERE coalesce($code, n.code) = n.code AND (size($codes) = 0 OR n.code IN $codes) "
         "RETURN n.code AS code, $code IS NULL AS any_code ORDER BY code")
    assert store.read(q, {"code": None, "codes": []}).rows == [["A", True], ["B", True]]
    assert store.read(q, {"code": "A", "codes": []}).rows == [["A", False]]
    assert store.read(q, {"code": None, "codes": ["B"]}).rows == [["B", True]]  # $code is not $codes
    with store.reading() as view:
        for _ in range(2):  # the same query again, in one read transaction
            assert view.read(q, {"code": None, "codes": ["A", "B"]}).rows == [["A", True], ["B", True]]
        assert view.read("MATCH (n:Organisation) RETURN count(n) AS n").scalar() == 2  # no parameters at all


def test_second_process_gets_a_clear_message(tmp_path):
    """Embedded only: a Neo4j server is shared by any number of processes."""
    store = open_store(tmp_path / "db", engine="ladybug")
    try:
        code = (
            "from icpmap.graph import open_store, StoreBusy\n"
            f"try:\n    open_store({str(tmp_path / 'db')!r})\nexcept StoreBusy as e:\n    print('BUSY', e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                             env=child_env("ladybug"))
        assert f"BUSY The store at {tmp_path / 'db'} is in use by another process" in out.stdout
    finally:
        store.close()
    # released: the next opener gets it
    open_store(tmp_path / "db", engine="ladybug").close()


def test_storebusy_is_a_store_error():
    assert issubclass(StoreBusy, StoreError)


def test_max_rows_stops_fetching(store):
    add_orgs(store, *[f"O{i}" for i in range(12)])
    result = store.read("MATCH (n:Organisation) RETURN n.code AS code", max_rows=5)
    assert len(result.rows) == 5 and result.truncated
    full = store.user_query("MATCH (n:Organisation) RETURN n.code AS code", max_rows=50)
    assert len(full.rows) == 12 and not full.truncated


def test_many_threads_read_at_once(store):
    """A web server's threadpool reading concurrently: no errors, right answers."""
    import threading

    add_orgs(store, *[f"O{i}" for i in range(20)])
    errors: list[str] = []
    answers: list[int] = []

    def reader() -> None:
        for _ in range(15):
            try:
                answers.append(store.read("MATCH (n:Organisation) RETURN count(n) AS n").scalar())
            except Exception as exc:  # collected, asserted below
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert answers == [20] * 600


def test_open_store_engine_choice(tmp_path, monkeypatch):
    monkeypatch.setenv("ICPMAP_NEO4J_URI", "bolt://127.0.0.1:1")  # set, but the embedded store is asked for
    with open_store(tmp_path / "db", engine="ladybug") as s:
        assert s.engine == "ladybug"
    monkeypatch.delenv("ICPMAP_NEO4J_URI")
    with pytest.raises(StoreError, match="ICPMAP_NEO4J_URI"):
        open_store(engine="neo4j")
    with pytest.raises(StoreError, match="Unknown engine"):
        open_store(tmp_path / "db", engine="sqlite")
