"""The embedded engine: LadybugDB (the maintained fork of Kùzu), a database directory.

LadybugDB allows one writer: a second write transaction in the process fails at once
and a second read-write process cannot open the files. So this module keeps one
`Database` per path per process, serialises write transactions with a lock, gives
each thread its own connection for reads, and turns the engine's lock error into a
clear "in use by another process" message.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ladybug

from . import dialect, portable, snapshot
from .files import private_copy, tighten
from .model import NODES, RELS
from .store import ReadOnlyViolation, Reads, Result, Store, StoreBusy, StoreError, Tx, plain_values

_DATABASES: dict[str, ladybug.Database] = {}
_LOCKS: dict[str, int] = {}  # path -> fd of its .icpmap-lock, flock'ed while the Database is open
_DATABASES_LOCK = threading.Lock()
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_USERS: dict[str, int] = {}
_GENERATIONS: dict[str, int] = {}  # commits per path in this process: a snapshot is of one generation

BUFFER_POOL_MB = int(os.environ.get("ICPMAP_BUFFER_POOL_MB", "2048"))
READ_RETRIES = 5
# Reads share a few long-lived connections: LadybugDB 0.22 runs out of buffer pool with
# a connection per thread (~40 in a web server's pool) and has crashed with ~32 queries
# at once, while the same load on a handful of connections runs clean.
READERS = int(os.environ.get("ICPMAP_READERS", "0")) or max(2, min(8, 2 * (os.cpu_count() or 2)))
READER_WAIT_S = 30.0
# A read alone uses every core (0: the engine's limit); reads side by side (a web service)
# one each: on 2 cores the engine's hand-offs between threads then only add work (a Place's
# diagram: 73 -> 40 ms of CPU).
SHARED_READ_THREADS = 1
QUERY_WORKERS = int(os.environ.get("ICPMAP_QUERY_WORKERS", "2"))  # processes for user-written Cypher


UNDO_SUFFIX = ".icpmap-undo"
# The files LadybugDB 0.22 keeps beside a store while it writes (seen after a kill mid-checkpoint).
LADYBUG_SIDECARS = (".wal", ".shadow", ".wal.checkpoint", ".checkpoint.apply.lock", ".checkpoint.intent.lock")


def _busy(path: str) -> StoreBusy:
    return StoreBusy(f"The store at {path} is in use by another process; "
                     "close the other icpmap command or service and try again.")


def _take_lock(path: str, read_only: bool) -> int:
    """Our own lock beside the store, held while it is open: recovery must know nobody else has it."""
    fd = os.open(path + ".icpmap-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        portable.lock(fd, shared=read_only)
    except portable.LockHeld:
        os.close(fd)
        raise _busy(path) from None
    return fd


def recover(path: str) -> bool:
    """Put back the store as it was before a load that was killed while committing.

    LadybugDB 0.22 does not write rows added by `COPY FROM` to its write-ahead log: they reach
    the database file only at the checkpoint after the commit. So a transaction that copies
    first saves the committed store (the file and its log) beside it, and removes the copy once
    that checkpoint is done. Finding the copy means the process died in between, leaving a store
    that would hold the load without its copied rows: the saved store goes back. Call it only
    while holding the store's lock exclusively."""
    undo = Path(path + UNDO_SUFFIX)
    if not undo.exists():
        return False
    base = Path(path)
    for suffix in LADYBUG_SIDECARS:  # its log, and a checkpoint's shadow file, log and locks
        Path(path + suffix).unlink(missing_ok=True)
    saved_wal = Path(str(undo) + ".wal")
    if saved_wal.exists():
        os.replace(saved_wal, path + ".wal")
    os.replace(undo, path)
    _fsync_dir(base.parent)
    return True


def _save_undo(path: str) -> None:
    """Copy the committed store (its file and log: no commit is in flight) beside it, durably, 0600."""
    undo = Path(path + UNDO_SUFFIX)
    for source, target in ((Path(path + ".wal"), Path(str(undo) + ".wal")), (Path(path), undo)):
        if not source.exists():
            continue
        partial = target.with_name(target.name + ".part")
        private_copy(source, partial, sync=True)
        os.replace(partial, target)  # the data file last: its presence marks a complete copy
    _fsync_dir(Path(path).parent)


def _drop_undo(path: str) -> None:
    undo = Path(path + UNDO_SUFFIX)
    undo.unlink(missing_ok=True)  # first: a log copy without it means nothing
    Path(str(undo) + ".wal").unlink(missing_ok=True)
    _fsync_dir(Path(path).parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _database(path: str, read_only: bool) -> ladybug.Database:
    with _DATABASES_LOCK:
        db = _DATABASES.get(path)
        if db is None or db.is_closed:
            if read_only and not Path(path).exists():
                raise StoreError(f"There is no store at {path} yet: load some data first (icpmap load FILES).")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            lock = _take_lock(path, read_only)
            try:
                if Path(path + UNDO_SUFFIX).exists():  # a load died while committing: put the store back
                    if read_only:  # only with the store to ourselves
                        portable.lock(lock)
                    recover(path)
                    if read_only:
                        portable.lock(lock, shared=True, wait=True)
                db = ladybug.Database(path, buffer_pool_size=BUFFER_POOL_MB * 1024 * 1024, read_only=read_only)
                if not read_only:  # we alone have it: copies left by a crash go, and the files are made private
                    snapshot.remove_all(path)
                    tighten(_store_files(path))
            except RuntimeError as exc:
                os.close(lock)
                message = str(exc)
                if "lock" in message.lower():
                    raise _busy(path) from None
                raise StoreError(f"Cannot open the store at {path}: {message}") from None
            except BlockingIOError:
                os.close(lock)
                raise _busy(path) from None
            except BaseException:
                os.close(lock)
                raise
            _DATABASES[path] = db
            _LOCKS[path] = lock
            _WRITE_LOCKS[path] = threading.RLock()
        _USERS[path] = _USERS.get(path, 0) + 1
        return db


def _store_files(path: str) -> list[str]:
    return [path, *(path + suffix for suffix in (*LADYBUG_SIDECARS, UNDO_SUFFIX, UNDO_SUFFIX + ".wal"))]


def generation(path: str) -> int:
    """How many commits this process has made to the store at `path` (snapshots compare it)."""
    return _GENERATIONS.get(path, 0)


def _committed(path: str) -> None:
    _GENERATIONS[path] = _GENERATIONS.get(path, 0) + 1
    tighten(_store_files(path))  # a log made by this commit, under a loose umask


def _release(path: str) -> None:
    """Close the Database when its last store in this process closes."""
    with _DATABASES_LOCK:
        _USERS[path] = _USERS.get(path, 1) - 1
        if _USERS[path] <= 0:
            db = _DATABASES.pop(path, None)
            _WRITE_LOCKS.pop(path, None)
            _USERS.pop(path, None)
            if db is not None and not db.is_closed:
                db.close()
            lock = _LOCKS.pop(path, None)
            if lock is not None:
                os.close(lock)


def _fetch(result: Any, max_rows: int | None = None) -> Result:
    """Read a result as plain values; with `max_rows`, stop there and mark it truncated."""
    if isinstance(result, list):  # several statements: keep the last result
        result = result[-1]
    columns = list(result.get_column_names())
    count = result.get_num_tuples()  # so each row costs one call, not a has_next() and a get_next()
    truncated = max_rows is not None and count > max_rows
    if truncated:
        count = max_rows
    get_next = result.get_next
    rows = []
    for _ in range(count):
        rows.append(plain_values(get_next()))
    result.close()
    return Result(columns, rows, truncated)


def _engine_error(exc: Exception) -> StoreError:
    message = str(exc)
    if "read-only" in message or "read only" in message.lower():
        return ReadOnlyViolation("This query writes to the store, and only reads are allowed here.")
    if "Only one write transaction" in message:
        return StoreBusy("Another write is in progress on this store; try again when it has finished.")
    return StoreError(message)


class LadybugTx(Tx):
    def __init__(self, conn: ladybug.Connection, location: str | None = None) -> None:
        self.conn = conn
        self.location = location
        self.saved = False  # the committed store is saved beside it (see `recover`)

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        try:
            return _fetch(self.conn.execute(cypher, params or {}))
        except RuntimeError as exc:
            raise _engine_error(exc) from None

    def copy_frame(self, table: str, frame: Any, ends: tuple[str, str] | None = None) -> None:
        """Bulk-insert a DataFrame with `COPY FROM` (columns in the table's order)."""
        if len(frame) == 0:
            return
        options = f" (from='{ends[0]}', to='{ends[1]}')" if ends else ""
        if self.location is not None and not self.saved:
            _save_undo(self.location)  # COPY rows are not in the log until the checkpoint: see `recover`
            self.saved = True
        try:  # Ladybug finds the DataFrame by its variable name, `frame`
            self.conn.execute(f"COPY {table} FROM frame{options}")
        except RuntimeError as exc:
            raise _engine_error(exc) from None

    def fetch_frame(self, cypher: str, params: dict[str, Any] | None = None) -> Any:
        """Run a read inside the transaction and return a pandas DataFrame.

        Much faster than `run` for big results (1M rows: 0.4 s against 3.7 s), which
        the loaders need to diff a file against what is stored."""
        try:
            result = self.conn.execute(cypher, params or {})
            if isinstance(result, list):
                result = result[-1]
            frame = result.get_as_df()
            result.close()
            return frame
        except RuntimeError as exc:
            raise _engine_error(exc) from None

    def fetch_rels_coded(self, rel: str, src: tuple[str, str], dst: tuple[str, str], props: Sequence[str]) -> Any:
        """Every `rel` relationship from a `src` node to a `dst` node ((label, key property)
        each) as a pandas DataFrame: `src` and `dst` as categoricals of the end keys, then
        `props`.

        The engine returns each relationship's ends as node offsets and each end table's
        keys once: a million relationships read in about a third of the time that their
        end keys as strings take."""
        import numpy as np
        import pandas as pd

        q = dialect.q
        fields = "".join(f", x.{q(p)} AS {q(p)}" for p in props)
        rows = self.fetch_frame(
            f"MATCH (a:{q(src[0])})-[x:{q(rel)}]->(b:{q(dst[0])}) "
            f"RETURN offset(id(a)) AS `~src`, offset(id(b)) AS `~dst`{fields}"
        )
        out: dict[str, Any] = {}
        for end, (label, key) in (("src", src), ("dst", dst)):
            if not len(rows):  # none stored (a first load): no end to name
                out[end] = pd.Categorical.from_codes(np.zeros(0, dtype=np.int64), categories=pd.Index([], dtype=object))
                continue
            nodes = self.fetch_frame(f"MATCH (n:{q(label)}) RETURN offset(id(n)) AS o, n.{q(key)} AS k")
            offsets = nodes["o"].to_numpy(dtype=np.int64)
            at = rows[f"~{end}"].to_numpy(dtype=np.int64)
            size = int(max(offsets.max(initial=-1), at.max(initial=-1))) + 1
            position = np.full(size, -1, dtype=np.int64)
            position[offsets] = np.arange(len(offsets), dtype=np.int64)
            codes = position[at]
            if (codes < 0).any():  # an end the node scan did not see: cannot happen in one transaction
                raise StoreError(f"{rel}: a relationship's {end} node is missing from {label}")
            keys = pd.Index(nodes["k"].to_numpy(dtype=object), dtype=object)
            out[end] = pd.Categorical.from_codes(codes, categories=keys)
        for p in props:
            out[p] = rows[p].to_numpy() if len(rows) else np.zeros(0, dtype=object)
        return pd.DataFrame(out)


class _Reading(Reads):
    """Reads in one read-only transaction of a LadybugStore (see `Store.reading`)."""

    def __init__(self, store: LadybugStore, conn: ladybug.Connection) -> None:
        self.engine, self.location = store.engine, store.location
        self._store = store
        self._conn = conn
        self._threads = -1  # the engine threads set on the connection (-1: not known here)
        self.failed = False
        self.closed = False

    def read(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        if self.closed or self.failed:
            raise StoreError("This read transaction of the store is closed.")
        if timeout:
            self._conn.set_query_timeout(int(timeout * 1000))
        threads = self._store._threads_now()  # others may have started or ended since the last read
        if threads != self._threads:
            self._conn.set_max_threads_for_exec(threads)
            self._threads = threads
        try:
            return _fetch(self._conn.execute(*dialect.ladybug_plannable(cypher, params or {})), max_rows)
        except RuntimeError as exc:
            # LadybugDB ends the transaction after a failing statement: start another, so the
            # caller may go on (e.g. to a fallback query), and report the failure
            LadybugStore._rollback(self._conn)
            try:
                LadybugStore._begin_read(self._conn)
            except StoreError:
                self.failed = True
            raise _engine_error(exc) from None
        finally:
            if timeout:
                self._conn.set_query_timeout(0)


class LadybugStore(Store):
    engine = "ladybug"

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        self.location = str(Path(path).expanduser().resolve())
        self.read_only = read_only
        self._db = _database(self.location, read_only)
        self._write_lock = _WRITE_LOCKS[self.location]
        self._writer: ladybug.Connection | None = None
        self._idle: queue.LifoQueue[ladybug.Connection] = queue.LifoQueue()
        self._reader_slots = threading.BoundedSemaphore(READERS)
        self._reading = 0  # reads running now (under _count_lock)
        self._count_lock = threading.Lock()
        self._all_conns: list[ladybug.Connection] = []
        self._schema_ready = False
        self._closed = False
        self._queries: Any = None  # the worker pool for user queries, started at the first one
        self._snapshots: snapshot.Snapshots | None = None

    def _new_conn(self) -> ladybug.Connection:
        conn = ladybug.Connection(self._db)
        self._all_conns.append(conn)
        return conn

    def _write_conn(self) -> ladybug.Connection:
        """The one connection writes use (callers hold the write lock)."""
        if self._writer is None or self._writer.is_closed:
            self._writer = self._new_conn()
        return self._writer

    @contextmanager
    def _reader(self) -> Iterator[ladybug.Connection]:
        """Borrow one of at most READERS read connections."""
        if not self._reader_slots.acquire(timeout=READER_WAIT_S):
            raise StoreBusy("The store is too busy to run this query now; try again shortly.")
        with self._count_lock:
            self._reading += 1
        try:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                conn = self._new_conn()
            conn.set_max_threads_for_exec(self._threads_now())
            try:
                yield conn
            finally:
                self._idle.put(conn)
        finally:
            with self._count_lock:
                self._reading -= 1
            self._reader_slots.release()

    def _threads_now(self) -> int:
        """Engine threads for a read starting now: every core when it runs alone, else one."""
        return 0 if self._reading <= 1 else SHARED_READ_THREADS

    def schema_gaps(self) -> list[str]:
        """The model's tables and properties this store lacks (a store made by an earlier icpmap)."""
        with self.reading() as view:
            tables = {str(row[0]).lower() for row in view.read("CALL show_tables() RETURN name").rows}
            gaps = []
            for table in (*NODES, *RELS):
                if table.lower() not in tables:
                    gaps.append(table)
                    continue
                existing = [row[0] for row in view.read(f"CALL table_info('{table}') RETURN name").rows]
                gaps += [f"{table}.{s.split(' ADD ')[1].split()[0].strip('`')}"
                         for s in dialect.ladybug_added_columns(table, existing)]
        return gaps

    def ensure_schema(self) -> None:
        if self._schema_ready or self.read_only:
            return
        with self.transaction() as tx:
            for statement in dialect.ladybug_schema():
                tx.run(statement)
            for table in (*NODES, *RELS):  # a store made before a property joined the model
                existing = [row[0] for row in tx.run(f"CALL table_info('{table}') RETURN name").rows]
                for statement in dialect.ladybug_added_columns(table, existing):
                    tx.run(statement)
        with self._write_lock:
            conn = self._write_conn()
            for statement in dialect.ladybug_macros():
                try:
                    conn.execute(statement)
                except RuntimeError as exc:
                    if "already exists" not in str(exc):
                        raise StoreError(str(exc)) from None
            _committed(self.location)
        self._schema_ready = True

    @staticmethod
    def _begin_read(conn: ladybug.Connection) -> None:
        for attempt in range(READ_RETRIES):
            try:
                conn.execute("BEGIN TRANSACTION READ ONLY")
                return
            except RuntimeError as exc:  # a checkpoint may hold the store briefly
                if attempt == READ_RETRIES - 1:
                    raise _engine_error(exc) from None
                time.sleep(0.05 * (attempt + 1))

    @contextmanager
    def reading(self) -> Iterator[Reads]:
        with self._reader() as conn:
            self._begin_read(conn)
            view = _Reading(self, conn)
            try:
                yield view
            finally:
                view.closed = True
                if view.failed:
                    self._rollback(conn)
                else:
                    try:
                        conn.execute("COMMIT")
                    except RuntimeError:
                        self._rollback(conn)

    def read(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        with self._reader() as conn:
            if timeout:
                conn.set_query_timeout(int(timeout * 1000))
            try:
                self._begin_read(conn)
                try:
                    result = _fetch(conn.execute(*dialect.ladybug_plannable(cypher, params or {})), max_rows)
                except RuntimeError as exc:
                    self._rollback(conn)
                    raise _engine_error(exc) from None
                try:
                    conn.execute("COMMIT")
                except RuntimeError as exc:
                    raise _engine_error(exc) from None
                return result
            finally:
                if timeout:
                    conn.set_query_timeout(0)

    @staticmethod
    def _checkpoint(conn: ladybug.Connection) -> None:
        for attempt in range(100):  # readers may hold it off for a moment
            try:
                conn.execute("CHECKPOINT")
                return
            except RuntimeError:
                time.sleep(0.05 * min(attempt + 1, 10))
        raise StoreError("The load was committed but not yet written to the store file; close the store "
                         "cleanly (it writes it then), or the next start will take the load back.")

    @staticmethod
    def _rollback(conn: ladybug.Connection) -> None:
        try:
            conn.execute("ROLLBACK")
        except RuntimeError:
            pass  # Ladybug already rolled back after the failing statement

    @contextmanager
    def transaction(self) -> Iterator[LadybugTx]:
        if self.read_only:
            raise ReadOnlyViolation(f"The store at {self.location} is open read-only.")
        with self._write_lock:
            conn = self._write_conn()
            try:
                conn.execute("BEGIN TRANSACTION")
            except RuntimeError as exc:
                raise _engine_error(exc) from None
            tx = LadybugTx(conn, self.location)
            try:
                yield tx
            except BaseException:
                self._rollback(conn)
                if tx.saved:
                    _drop_undo(self.location)
                raise
            try:
                conn.execute("COMMIT")
            except RuntimeError as exc:
                if tx.saved:
                    _drop_undo(self.location)
                raise _engine_error(exc) from None
            if tx.saved:  # the copied rows are safe once they are in the file, not before
                self._checkpoint(conn)
                _drop_undo(self.location)
            _committed(self.location)

    # -- user-written Cypher --------------------------------------------------------------

    def query_pool(self, size: int | None = None) -> Any:
        """The worker processes that run user queries (see `query_pool`); started on first use.

        A read-only store (the CLI: it holds the store's lock shared, so no writer exists) is
        opened read-only by the workers as it is; a writable one through snapshots."""
        from .query_pool import WorkerPool

        if self._queries is None:
            if self.read_only:
                location = self.location
                source = lambda: location  # noqa: E731
                on_sources = None
            else:
                self._snapshots = snapshot.Snapshots(self.location, self._write_lock,
                                                     lambda: generation(self.location))
                source = self._snapshots.current
                on_sources = self._snapshots.prune
            # one worker for a read-only store (a command that runs one query), a warm pool for a service
            default = 1 if self.read_only else QUERY_WORKERS
            self._queries = WorkerPool(source, size or default, on_idle_sources=on_sources)
        return self._queries

    def user_query(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None, max_memory_mb: int | None = None,
    ) -> Result:
        """Cypher written by a user, run read-only in a confined worker process (see docs/security.md)."""
        from .limits import Limits

        if self._closed:
            raise StoreError(f"The store at {self.location} is closed.")
        limits = Limits(timeout_s=timeout or Limits.timeout_s, max_rows=max_rows or Limits.max_rows,
                        max_memory_mb=max_memory_mb or Limits.max_memory_mb)
        return self.query_pool().run(cypher, params, limits)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._queries is not None:
            self._queries.close()
        if self._snapshots is not None:
            self._snapshots.close()
        for conn in self._all_conns:
            if not conn.is_closed:
                conn.close()
        self._all_conns.clear()
        _release(self.location)


def close_all() -> None:
    """Close every Database of this process and free its locks (cli.exit_now, at the end of a command)."""
    with _DATABASES_LOCK:
        for db in _DATABASES.values():
            if not db.is_closed:
                db.close()
        for lock in _LOCKS.values():
            os.close(lock)
        _LOCKS.clear()
        _DATABASES.clear()
        _WRITE_LOCKS.clear()
        _USERS.clear()
