"""Tests of the Neo4j engine (graph/neo4j_store.py).

WARNING: the server tests WIPE the database they point at. Before and after every
test they run `MATCH (n) DETACH DELETE n`, and the schema test drops and recreates
icpmap's constraints and indexes. Point them only at a throwaway server, such as the
one in docker-compose.yml:

    docker compose up -d
    ICPMAP_NEO4J_URI=bolt://localhost:7687 ICPMAP_NEO4J_PASSWORD=icpmap-dev-password make test

Without ICPMAP_NEO4J_URI they are skipped; the tests marked "no server" always run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Iterator

import neo4j.time
import pytest
from neo4j.exceptions import Neo4jError

from icpmap.graph import neo4j_store, open_store
from icpmap.graph.config import Neo4jSettings
from icpmap.graph.dialect import neo4j_schema
from icpmap.graph.model import NODES
from icpmap.graph.neo4j_store import Neo4jStore, safe_uri
from icpmap.graph.store import ReadOnlyViolation, StoreError, Tx, plain

_skip_without_server = pytest.mark.skipif(
    not os.environ.get("ICPMAP_NEO4J_URI", "").strip(),
    reason="needs a Neo4j server: set ICPMAP_NEO4J_URI (and ICPMAP_NEO4J_PASSWORD); the tests wipe that database",
)


def needs_server(test: Callable[..., None]) -> Callable[..., None]:
    """Run only against a server (marked `neo4j`, skipped without ICPMAP_NEO4J_URI)."""
    return pytest.mark.neo4j(_skip_without_server(test))


def _wipe(neo: Neo4jStore) -> None:
    neo.write("MATCH (n) DETACH DELETE n")


@pytest.fixture
def settings() -> Neo4jSettings:
    found = Neo4jSettings.from_env()
    assert found is not None
    return found


@pytest.fixture
def neo(settings: Neo4jSettings) -> Iterator[Neo4jStore]:
    s = Neo4jStore(settings)
    try:
        _wipe(s)
        s.ensure_schema()
        yield s
        _wipe(s)
    finally:
        s.close()


def _count(neo: Neo4jStore, label: str) -> int:
    return int(neo.read(f"MATCH (n:`{label}`) RETURN count(n) AS n").scalar())


# -- no server needed -----------------------------------------------------------------


def test_unreachable_server_is_a_clear_error_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    """No server: nothing listens on port 1."""
    monkeypatch.setenv("ICPMAP_NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("ICPMAP_NEO4J_USER", "neo4j")
    monkeypatch.setenv("ICPMAP_NEO4J_PASSWORD", "not-the-real-password-42")
    monkeypatch.delenv("ICPMAP_NEO4J_DATABASE", raising=False)
    started = time.monotonic()
    with pytest.raises(StoreError, match=r"Cannot reach Neo4j at bolt://127\.0\.0\.1:1") as caught:
        open_store()
    assert time.monotonic() - started < 5
    assert "not-the-real-password-42" not in str(caught.value)
    assert all(key[0] != "bolt://127.0.0.1:1" for key in neo4j_store._DRIVERS)  # no driver left behind


def test_unsupported_uri_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """No server: the URI is refused before any connection is tried."""
    monkeypatch.setenv("ICPMAP_NEO4J_URI", "http://127.0.0.1:1")
    with pytest.raises(StoreError, match="Cannot use the Neo4j URI"):
        open_store()


def test_safe_uri_hides_credentials() -> None:
    """No server."""
    assert safe_uri("neo4j+s://me:secret@abc.databases.neo4j.io") == "neo4j+s://abc.databases.neo4j.io"
    assert safe_uri("bolt://localhost:7687") == "bolt://localhost:7687"


def test_plain_converts_neo4j_temporal_values() -> None:
    """No server: what the driver returns for DATE and DATETIME becomes plain Python."""
    day = plain(neo4j.time.Date(2021, 9, 30))
    assert day == dt.date(2021, 9, 30) and type(day) is dt.date
    moment = plain(neo4j.time.DateTime(2021, 9, 30, 12, 30, 0))
    assert moment == dt.datetime(2021, 9, 30, 12, 30, 0)


# -- against a server ------------------------------------------------------------------


def _schema_names() -> list[tuple[str, str]]:
    names = []
    for statement in neo4j_schema():
        match = re.match(r"CREATE (CONSTRAINT|INDEX) (\w+)", statement)
        assert match, statement
        names.append((match.group(1), match.group(2)))
    return names


@needs_server
def test_schema_twice_is_harmless_and_has_a_unique_constraint_per_key(neo: Neo4jStore, settings: Neo4jSettings) -> None:
    driver = neo._shared.driver  # schema changes cannot share a transaction with icpmap's write lock
    for kind, name in _schema_names():  # start from no icpmap schema at all
        driver.execute_query(f"DROP {kind} {name} IF EXISTS", database_=settings.database)
    with Neo4jStore(settings) as first:
        first.ensure_schema()
    with Neo4jStore(settings) as second:
        second.ensure_schema()  # again: IF NOT EXISTS makes it a no-op

    constraints = neo.read(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties"
    ).records()
    for node in NODES.values():
        unique = [
            c
            for c in constraints
            if c["labelsOrTypes"] == [node.label] and c["properties"] == [node.key] and "UNIQUE" in c["type"]
        ]
        assert len(unique) == 1, (node.label, unique)
    indexes = {r["name"] for r in neo.read("SHOW INDEXES YIELD name RETURN name").records()}
    assert {name for kind, name in _schema_names() if kind == "INDEX"} <= indexes


@needs_server
def test_write_inside_read_is_refused_and_changes_nothing(neo: Neo4jStore) -> None:
    with pytest.raises(ReadOnlyViolation):
        neo.read("CREATE (:ICS {code: $code})", {"code": "QE1"})
    assert _count(neo, "ICS") == 0

    neo.write("CREATE (:ICS {code: $code, name: $name})", {"code": "QE1", "name": "original"})
    with pytest.raises(ReadOnlyViolation):
        neo.read("MATCH (n:ICS {code: $code}) SET n.name = 'changed'", {"code": "QE1"})
    with pytest.raises(ReadOnlyViolation):
        neo.read("MATCH (n) DETACH DELETE n")  # the server refuses it, guard or not
    assert neo.read("MATCH (n:ICS) RETURN n.name AS name").records() == [{"name": "original"}]


@needs_server
def test_reads_come_back_as_one_record_in_order_or_record_by_record(neo: Neo4jStore) -> None:
    from icpmap.graph import neo4j_store

    ordered = "UNWIND range(1, 5000) AS i RETURN i AS n, toString(i) AS s ORDER BY n DESC"
    assert neo.read(ordered).rows == [[i, str(i)] for i in range(5000, 0, -1)]
    assert neo4j_store._SHAPES[ordered] == ["n", "s"]  # it came back as one record
    day = "RETURN date('2024-03-31') AS day, [date('2024-04-01')] AS days"
    assert neo.read(day).rows == [[dt.date(2024, 3, 31), [dt.date(2024, 4, 1)]]]
    # Neo4j refuses an unaliased column inside CALL { }: such a read comes record by record
    unaliased = "UNWIND range(1, 3) AS i RETURN count(i)"
    assert neo.read(unaliased).scalar() == 3
    assert unaliased in neo4j_store._SHAPES and neo4j_store._SHAPES[unaliased] is None
    with pytest.raises(ReadOnlyViolation):  # a write that returns rows is still refused
        neo.read("CREATE (n:ICS {code: 'QE9'}) RETURN n.code AS code")
    assert _count(neo, "ICS") == 0
    with pytest.raises(StoreError, match=r"(?i)invalid input|syntax"):
        neo.read("MATCH (n RETURN n AS n")


@needs_server
def test_user_query_refuses_a_delete(neo: Neo4jStore) -> None:
    neo.write("CREATE (:ICS {code: $code})", {"code": "QE1"})
    with pytest.raises(ReadOnlyViolation):
        neo.user_query("MATCH (n) DETACH DELETE n")
    assert _count(neo, "ICS") == 1
    assert neo.user_query("MATCH (n:ICS) RETURN n.code AS code").records() == [{"code": "QE1"}]


@needs_server
def test_dates_round_trip_as_python_dates(neo: Neo4jStore) -> None:
    day = dt.date(2021, 9, 30)
    neo.write("CREATE (:Agreement {code: $code, effective_from: $day})", {"code": "A1", "day": day})
    row = neo.read(
        "MATCH (a:Agreement {code: $code}) "
        "RETURN a.effective_from AS day, a.effective_from = date('2021-09-30') AS is_date, a AS node",
        {"code": "A1"},
    ).records()[0]
    assert row["day"] == day and type(row["day"]) is dt.date
    assert row["is_date"] is True  # stored as a Neo4j DATE, not a string
    assert row["node"] == {"code": "A1", "effective_from": day}


@needs_server
def test_a_path_reads_as_its_nodes_and_relationships_properties(neo: Neo4jStore) -> None:
    """A Neo4j path (what LadybugDB gives as a dict) reads as plain Python: its nodes' and its
    relationships' properties, in path order."""
    neo.write("CREATE (:Organisation {code: 'O1', name: 'One'})-[:MEMBER_OF {role: 'core', `from`: date('2021-04-01')}]->"
              "(:Board {code: 'B1', name: 'Board'})")
    [[path]] = neo.read("MATCH p = (:Organisation)-[:MEMBER_OF]->(:Board) RETURN p").rows
    assert path == {"nodes": [{"code": "O1", "name": "One"}, {"code": "B1", "name": "Board"}],
                    "rels": [{"role": "core", "from": dt.date(2021, 4, 1)}]}


@needs_server
def test_execute_write_is_all_or_nothing(neo: Neo4jStore) -> None:
    neo.write("CREATE (:ICS {code: $code})", {"code": "QE1"})
    before = neo.counts()

    def fails_in_python(tx: Tx) -> None:
        tx.run("CREATE (:ICS {code: $code})", {"code": "QE2"})
        tx.run("CREATE (:Place {code: $code})", {"code": "E1"})
        raise RuntimeError("stop half-way")

    with pytest.raises(RuntimeError, match="stop half-way"):
        neo.execute_write(fails_in_python)
    assert neo.counts() == before

    def fails_in_neo4j(tx: Tx) -> None:
        tx.run("CREATE (:Place {code: $code})", {"code": "E1"})
        tx.run("CREATE (:ICS {code: $code})", {"code": "QE1"})  # duplicate key

    with pytest.raises(StoreError):
        neo.execute_write(fails_in_neo4j)
    assert neo.counts() == before

    with pytest.raises(RuntimeError), neo.transaction() as tx:
        tx.run("CREATE (:Place {code: $code})", {"code": "E1"})
        raise RuntimeError("explicit transaction rolled back")
    assert neo.counts() == before


# What Neo4j 5.26 answered when the all-or-nothing load of every England file (68,813 nodes,
# 1,139,605 relationships) went past the bundled server's transaction limits (2300m), at commit.
_MEMORY_REFUSAL = (
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "The allocation of an extra 48.1 MiB would use more than the limit 2.2 GiB. Currently using 2.2 GiB. "
    "dbms.memory.transaction.total.max threshold reached",
)


def _server_error(code: str, message: str) -> Neo4jError:
    """The driver's exception for a server's failure, built as the driver builds it from the reply
    (a memory refusal cannot be provoked cheaply: the limits are the server's, over 2 GB)."""
    return Neo4jError._hydrate_neo4j(code=code, message=message)


@needs_server
def test_a_memory_refusal_is_one_clear_error_at_once(neo: Neo4jStore) -> None:
    """The driver would run a transaction over the memory limits again in full (a transient
    error to it): a refused load of a million rows must fail once, saying what to do."""
    calls = []

    def refused(tx: Tx) -> None:
        calls.append(1)
        tx.run("CREATE (:ICS {code: $code})", {"code": "QE9"})
        raise _server_error(*_MEMORY_REFUSAL)

    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        neo.execute_write(refused)
    assert len(calls) == 1 and time.monotonic() - started < neo4j_store.RETRY_DELAY
    text = str(caught.value)
    assert "more memory than the Neo4j server" in text and "nothing was written" in text
    assert "dbms.memory.transaction.total.max threshold reached" in text  # the server's own words
    assert "load of its own" in text and "docs/neo4j.md" in text
    assert _count(neo, "ICS") == 0


@needs_server
def test_a_transient_failure_is_tried_again_from_scratch(neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neo4j_store, "RETRY_DELAY", 0.01)
    calls = []

    def deadlocked_once(tx: Tx) -> int:
        calls.append(1)
        tx.run("CREATE (:ICS {code: $code})", {"code": f"QE{len(calls)}"})
        if len(calls) == 1:
            raise _server_error("Neo.TransientError.Transaction.DeadlockDetected", "a deadlock, for the test")
        return len(calls)

    assert neo.execute_write(deadlocked_once) == 2
    assert neo.read("MATCH (n:ICS) RETURN n.code AS code").rows == [["QE2"]]  # the first try rolled back


@needs_server
def test_duplicate_key_violates_the_constraint(neo: Neo4jStore) -> None:
    neo.write("CREATE (:ICS {code: $code})", {"code": "QE1"})
    with pytest.raises(StoreError) as caught:
        neo.write("CREATE (:ICS {code: $code})", {"code": "QE1"})
    assert not isinstance(caught.value, ReadOnlyViolation)
    with pytest.raises(StoreError):
        neo.write_batch("UNWIND $rows AS r CREATE (:ICS {code: r.code})", [{"code": "QE2"}, {"code": "QE2"}])
    assert _count(neo, "ICS") == 1


@needs_server
def test_read_timeout_stops_the_query(neo: Neo4jStore) -> None:
    started = time.monotonic()
    with pytest.raises(StoreError, match="time limit"):  # 10^10 rows in constant memory
        neo.read(
            "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b WITH a, b WHERE a + b < 0 RETURN count(*) AS n",
            timeout=1,
        )
    assert time.monotonic() - started < 30


@needs_server
def test_stores_share_one_driver_closed_by_the_last(settings: Neo4jSettings) -> None:
    first = Neo4jStore(settings)
    second = Neo4jStore(settings)
    assert first._shared is second._shared
    first.close()
    assert second.read("RETURN 1 AS one").scalar() == 1
    second.close()
    assert neo4j_store._key(settings) not in neo4j_store._DRIVERS
    if settings.password:
        assert settings.password not in second.location
