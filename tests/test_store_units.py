"""Store details found by mutation testing (tools/mutation, graph/): batch sizes, the read-only
open of an older store (its schema gaps added once), the user-query pool of a read-only and of a
writable store, and the plan check's own refusal. Real engines, no mocks."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from icpmap.graph import StoreError, ladybug_store, open_store
from icpmap.graph.ladybug_plan import check_plan
from icpmap.graph.model import NODES, RELS


def test_write_batch_runs_in_batches_of_the_size_given(store) -> None:  # type: ignore[no-untyped-def]
    rows = [{"code": f"O{i}"} for i in range(5)]
    # each node records the size of the batch that created it
    store.write_batch("UNWIND $rows AS r CREATE (p:Practice {code: r.code, lat: size($rows) * 1.0})",
                      rows, batch_size=2)
    sizes = store.read("MATCH (p:Practice) RETURN p.code AS code, p.lat AS n ORDER BY code").rows
    assert [tuple(r) for r in sizes] == [("O0", 2.0), ("O1", 2.0), ("O2", 2.0), ("O3", 2.0), ("O4", 1.0)]


def _older_store(path: Path) -> None:
    """A store made by an earlier icpmap: only an Organisation table, with its key alone."""
    store = open_store(path, engine="ladybug", schema=False)
    try:
        store.write("CREATE NODE TABLE Organisation(code STRING, PRIMARY KEY(code))")
        store.write("CREATE (:Organisation {code: 'A'})")
    finally:
        store.close()


def test_schema_gaps_name_every_missing_table_and_property(tmp_path: Path) -> None:
    _older_store(tmp_path / "db")
    store = open_store(tmp_path / "db", engine="ladybug", schema=False)
    try:
        gaps = store.schema_gaps()
    finally:
        store.close()
    organisation = [f"Organisation.{p.name}" for p in NODES["Organisation"].props if p.name != "code"]
    assert organisation == ["Organisation.name", "Organisation.sector", "Organisation.statutory"][: len(organisation)]
    tables = [t for t in (*NODES, *RELS) if t != "Organisation"]
    assert sorted(gaps) == sorted(organisation + tables)
    assert "Organisation" not in gaps and "Organisation.code" not in gaps


def test_a_read_only_open_of_an_older_store_adds_its_gaps_once_then_reads(tmp_path: Path) -> None:
    _older_store(tmp_path / "db")
    store = open_store(tmp_path / "db", engine="ladybug", read_only=True)
    try:
        assert store.read_only
        assert store.schema_gaps() == []
        assert store.read("MATCH (o:Organisation) RETURN o.code, o.name").rows == [["A", None]]
    finally:
        store.close()


def test_user_queries_on_a_read_only_store_run_in_one_worker_on_the_store_itself(tmp_path: Path) -> None:
    writer = open_store(tmp_path / "db", engine="ladybug")
    writer.write("CREATE (:Organisation {code: 'A', name: 'Alpha'})")
    writer.close()
    store = open_store(tmp_path / "db", engine="ladybug", read_only=True)
    try:
        assert store.user_query("MATCH (o:Organisation) RETURN o.name AS name").rows == [["Alpha"]]
        assert store.query_pool().size == 1
    finally:
        store.close()


def test_user_queries_on_a_writable_store_see_each_committed_write(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db", engine="ladybug")
    try:
        assert store.query_pool().size == ladybug_store.QUERY_WORKERS
        count = "MATCH (o:Organisation) RETURN count(o) AS n"
        assert store.user_query(count).rows == [[0]]
        store.write("CREATE (:Organisation {code: 'A'})")
        assert store.user_query(count).rows == [[1]]  # a new snapshot, not the old one
        store.write("CREATE (:Organisation {code: 'B'})")
        assert store.user_query(count).rows == [[2]]
    finally:
        store.close()


def test_a_plan_with_no_operators_is_refused_with_its_reason() -> None:
    with pytest.raises(StoreError) as refused:
        check_plan("")
    assert str(refused.value) == "The engine gave no plan for this query, so it cannot be checked; it was not run."


def test_recover_without_a_saved_store_touches_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_bytes(b"now")
    (tmp_path / "db.wal").write_bytes(b"log")
    assert ladybug_store.recover(str(db)) is False
    assert (db.read_bytes(), (tmp_path / "db.wal").read_bytes()) == (b"now", b"log")


@pytest.mark.parametrize("saved_log", [True, False])
def test_recover_puts_the_saved_store_back_and_drops_the_killed_commit_s_files(tmp_path: Path,
                                                                                saved_log: bool) -> None:
    db = tmp_path / "db"
    db.write_bytes(b"half-committed")
    for suffix in ladybug_store.LADYBUG_SIDECARS:  # the killed commit's log, shadow file, locks
        (tmp_path / f"db{suffix}").write_bytes(b"junk")
    undo = tmp_path / f"db{ladybug_store.UNDO_SUFFIX}"
    undo.write_bytes(b"committed before")
    if saved_log:
        (tmp_path / f"db{ladybug_store.UNDO_SUFFIX}.wal").write_bytes(b"its log")
    assert ladybug_store.recover(str(db)) is True
    assert db.read_bytes() == b"committed before"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == (["db", "db.wal"] if saved_log else ["db"])
    if saved_log:
        assert (tmp_path / "db.wal").read_bytes() == b"its log"


def test_the_saved_store_is_a_private_copy_of_file_and_log_and_dropping_it_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.write_bytes(b"data")
    (tmp_path / "db.wal").write_bytes(b"log")
    ladybug_store._save_undo(str(db))
    undo = tmp_path / f"db{ladybug_store.UNDO_SUFFIX}"
    assert (undo.read_bytes(), Path(f"{undo}.wal").read_bytes()) == (b"data", b"log")
    assert undo.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["db", "db.wal", undo.name, undo.name + ".wal"])
    ladybug_store._drop_undo(str(db))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "db.wal"]


def test_old_snapshots_of_a_writable_store_are_removed_once_no_query_uses_them(tmp_path: Path) -> None:
    from icpmap.graph import snapshot

    store = open_store(tmp_path / "db", engine="ladybug")
    try:
        root = snapshot.folder(str(store.location))
        for i in range(3):
            store.write("CREATE (:Organisation {code: $code})", {"code": f"C{i}"})
            assert store.user_query("MATCH (o:Organisation) RETURN count(o) AS n").rows == [[i + 1]]
            # the latest only, once the workers still opening an earlier one have started and gone
            deadline = time.monotonic() + 30
            while len(list(root.iterdir())) > 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(list(root.iterdir())) == 1
    finally:
        store.close()


def test_a_copy_saves_the_committed_store_once_and_its_commit_drops_the_copy(tmp_path: Path) -> None:
    import pandas as pd

    store = open_store(tmp_path / "db", engine="ladybug")
    undo = Path(str(store.location) + ladybug_store.UNDO_SUFFIX)
    saved: list[tuple[bool, int]] = []

    def org(code: str) -> pd.DataFrame:
        return pd.DataFrame({"code": [code], "name": ["x"], "sector": ["voluntary"], "statutory": [True]})

    def work(tx) -> None:  # type: ignore[no-untyped-def]
        tx.copy_frame("Organisation", org("A"))  # COPY rows reach the log only at the checkpoint
        saved.append((undo.exists(), undo.stat().st_mtime_ns if undo.exists() else 0))
        tx.copy_frame("Organisation", org("B"))
        saved.append((undo.exists(), undo.stat().st_mtime_ns if undo.exists() else 0))

    try:
        store.execute_write(work)
        assert [s[0] for s in saved] == [True, True]
        assert saved[0][1] == saved[1][1]  # saved once, before the first copy
        assert not undo.exists()
        assert store.read("MATCH (o:Organisation) RETURN o.code ORDER BY o.code").rows == [["A"], ["B"]]
    finally:
        store.close()


def test_reads_with_a_time_limit_run(tmp_path: Path) -> None:
    """A time limit is handed to the engine in milliseconds (the limit being hit is the user-query
    tests' business: on a loaded machine the engine takes a minute to interrupt)."""
    store = open_store(tmp_path / "db", engine="ladybug")
    try:
        store.write("CREATE (:Organisation {code: 'A'})")
        assert store.read("MATCH (o:Organisation) RETURN o.code", timeout=5).rows == [["A"]]
        with store.reading() as view:
            assert view.read("MATCH (o:Organisation) RETURN count(o)", timeout=0.5).rows == [[1]]
            assert view.read("MATCH (o:Organisation) RETURN count(o)").rows == [[1]]
        assert store.read("MATCH (o:Organisation) RETURN count(o)").rows == [[1]]
    finally:
        store.close()


def test_a_read_transaction_goes_on_after_a_failing_statement_and_caps_rows(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db", engine="ladybug")
    try:
        store.write("CREATE (:Organisation {code: 'A'}), (:Organisation {code: 'B'})")
        with store.reading() as view:
            capped = view.read("MATCH (o:Organisation) RETURN o.code ORDER BY o.code", max_rows=1)
            assert (capped.rows, capped.truncated) == ([["A"]], True)
            with pytest.raises(StoreError):
                view.read("MATCH (o:NoSuchLabel) RETURN o")
            # the caller may go on (a fallback query) in a new read transaction
            assert view.read("MATCH (o:Organisation) RETURN count(o)").rows == [[2]]
    finally:
        store.close()


def test_the_lock_beside_the_store_is_shared_by_readers_and_named_as_erasure_expects(tmp_path: Path) -> None:
    import subprocess
    import sys

    from .conftest import child_env

    db = tmp_path / "db"
    open_store(db, engine="ladybug").close()
    store = open_store(db, engine="ladybug", read_only=True)
    try:
        assert Path(f"{db}.icpmap-lock").exists()  # safety/erasure.py removes it by this name
        code = (f"from icpmap.graph import open_store\ns = open_store({str(db)!r}, read_only=True)\n"
                "print('READ', s.read('MATCH (o:Organisation) RETURN count(o)').rows)\ns.close()\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                             env=child_env("ladybug"))
        assert "READ [[0]]" in out.stdout, out.stderr[-2000:]  # a second reader is let in
    finally:
        store.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_opening_a_store_a_killed_load_left_puts_the_saved_store_back(tmp_path: Path, read_only: bool) -> None:
    import shutil

    db = tmp_path / "db"
    store = open_store(db, engine="ladybug")
    store.write("CREATE (:Organisation {code: 'A'})")
    store.close()
    saved = tmp_path / "saved"
    shutil.copy(db, saved)  # the committed store, as a load saves it before its first COPY
    store = open_store(db, engine="ladybug")
    store.write("CREATE (:Organisation {code: 'B'})")  # the load that was killed while committing
    store.close()
    undo = Path(f"{db}{ladybug_store.UNDO_SUFFIX}")
    saved.rename(undo)  # the copy it left
    store = open_store(db, engine="ladybug", read_only=read_only)
    try:
        assert store.read("MATCH (o:Organisation) RETURN o.code").rows == [["A"]]
        assert not undo.exists()
    finally:
        store.close()


def test_close_all_closes_every_database_and_frees_its_lock(tmp_path: Path) -> None:
    """`icpmap`'s fast exit (cli.exit_now) closes the stores through close_all: it must not fail,
    and a store it closed can be opened again at once (its lock released)."""
    first = open_store(tmp_path / "db", engine="ladybug")
    first.write("CREATE (:Place {code: 'E06000001', name: 'Hartlepool'})")
    ladybug_store.close_all()
    assert not ladybug_store._DATABASES and not ladybug_store._LOCKS
    again = open_store(tmp_path / "db", engine="ladybug")
    try:
        assert again.read("MATCH (p:Place) RETURN p.name").scalar() == "Hartlepool"
    finally:
        again.close()


def test_reads_give_plain_python_for_decimals_and_nested_lists(tmp_path: Path) -> None:
    """LadybugDB returns DECIMAL values as Decimal: a whole one reads as an int, a fraction as a
    float (never cut to an int), and inside a list of lists each item is converted too."""
    store = open_store(tmp_path / "db", engine="ladybug")
    try:
        row = store.read("RETURN CAST(1.5 AS DECIMAL(4, 2)) AS half, CAST(3 AS DECIMAL(4, 2)) AS whole, "
                         "[[1, 2], [3]] AS nested, [[CAST(2.25 AS DECIMAL(4, 2))]] AS deep").rows[0]
        assert row == [1.5, 3, [[1, 2], [3]], [[2.25]]]
        assert [type(v) for v in row[:2]] == [float, int]
    finally:
        store.close()


def test_a_read_only_open_that_must_recover_under_another_reader_is_refused_as_busy(tmp_path: Path) -> None:
    """A killed load left its undo file, and another process reads the store (a shared hold on
    the lock beside it): a read-only open cannot put the store back under that reader, so it is
    refused as busy, naming the store, and the undo file is left for a later open."""
    from icpmap.graph import StoreBusy, portable

    db = tmp_path / "db"
    open_store(db, engine="ladybug").close()
    other = os.open(f"{db}.icpmap-lock", os.O_RDWR)  # another open file description: another process's hold
    try:
        portable.lock(other, shared=True)
        undo = Path(f"{db}{ladybug_store.UNDO_SUFFIX}")
        undo.write_bytes(b"")
        with pytest.raises(StoreBusy) as refused:
            open_store(db, engine="ladybug", read_only=True)
        assert str(refused.value) == (f"The store at {db} is in use by another process; close the other icpmap "
                                      "command or service and try again.")
        assert undo.exists()
    finally:
        os.close(other)


def test_plain_converts_neo4j_durations_and_points_without_a_server() -> None:
    """What the Neo4j driver returns for a duration and a spatial point, made plain (no server:
    the driver's own value types): a duration without months is a timedelta, its nanoseconds
    cut (not rounded) to microseconds; one with months keeps its ISO text, as a timedelta cannot
    hold a month; a point (a tuple) is a list of its coordinates."""
    import datetime as dt

    import neo4j.spatial
    import neo4j.time

    from icpmap.graph.store import plain

    assert plain(neo4j.time.Duration(days=3, hours=1, nanoseconds=1_500_999)) == dt.timedelta(
        days=3, hours=1, microseconds=1500)
    assert plain(neo4j.time.Duration(months=2, days=1)) == "P2M1D"
    assert plain(neo4j.spatial.CartesianPoint((1.5, 2.0))) == [1.5, 2.0]
    assert plain([neo4j.time.Duration(days=1)]) == [dt.timedelta(days=1)]


def test_plain_rows_converts_only_the_values_that_need_it() -> None:
    """A collected Neo4j result made plain column by column: driver dates (alone, or inside a
    list) become datetime.date wherever they are, a list of plain items is kept as it is, plain
    values are untouched, and every row keeps its length and order."""
    import datetime as dt

    import neo4j.time

    from icpmap.graph.store import plain_rows

    assert plain_rows([]) == []
    codes = ["a", "b"]
    plain_only = [["P1", 3, None, 1.5, True, codes], ["P2", 0, "x", 2.0, False, []]]
    assert plain_rows(plain_only) == [["P1", 3, None, 1.5, True, ["a", "b"]], ["P2", 0, "x", 2.0, False, []]]
    assert plain_rows(plain_only)[0][5] is codes  # kept, not copied
    mixed = [["P1", neo4j.time.Date(2024, 3, 31), [neo4j.time.Date(2024, 1, 1), None], "z"],
             ["P2", None, ["y"], "w"]]
    out = plain_rows(mixed)
    assert out == [["P1", dt.date(2024, 3, 31), [dt.date(2024, 1, 1), None], "z"], ["P2", None, ["y"], "w"]]
    assert type(out[0][1]) is dt.date and type(out[0][2][0]) is dt.date
