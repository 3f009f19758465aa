"""The server engine: Neo4j 5 (single server, cluster or Aura) over Bolt.

It uses the official `neo4j` driver, not py2neo: py2neo is end-of-life (its author
asked users to move to the official driver in 2023, the repository is archived and
its last release dates from 2021), while the official driver is maintained by Neo4j
and supports Neo4j 5, clusters and Aura.

How the `Store` interface maps onto the driver, and why:

- One driver per server, user and database per process, shared by every store
  opened on it and closed when the last of them closes. A driver holds the
  connection pool (and, on a cluster, the routing table); it is thread-safe, while
  sessions are not, so each operation opens its own short-lived session. The
  sessions of one driver share a bookmark manager, so a read sees the writes made
  before it, even when a cluster sends it to another member.
- `verify_connectivity()` at open, so a wrong address or password is one clear
  `StoreError` at once rather than a traceback on the first query.
- Reads run as managed transactions in READ access mode (`execute_read`). The
  server then refuses any write in them (`Neo.ClientError.Statement.AccessMode`),
  which is the main defence for user-written Cypher; on a cluster or Aura, READ
  mode also routes the read to a reader. A query timeout is the transaction's
  timeout (`unit_of_work(timeout=...)`): the server stops the query.
- Writes run as write transactions (`execute_write`): all or nothing, and tried again
  after a transient failure (leader switch, deadlock, lost connection) for up to
  `RETRY_TIME`, as the driver's managed transactions are, so a write function must start
  from scratch each time it is called. The retries are icpmap's own, not the driver's:
  Neo4j reports a transaction over its memory limits as a transient error, which the
  driver would run again in full, and a refused load of a million rows must fail at once
  with a message saying what to do (`_translate`).
  Each first takes icpmap's write lock (`dialect.NEO4J_WRITE_LOCK`: one node it
  updates), so icpmap's writers take turns across processes, as on LadybugDB: two
  loads at once would otherwise diff against the same state and both write.
  `transaction()` gives an explicit transaction for callers that cannot be written
  as a function; it is not retried.
- Every record is read inside its transaction, and every value comes back plain
  (`store.plain`): Node and Relationship become property dicts, `neo4j.time.Date`
  becomes `datetime.date`. Python `datetime.date` parameters go as Neo4j dates.
- Values always travel as parameters, never formatted into Cypher.
- Schema: a uniqueness constraint per node key and an index per vocabulary property
  (`dialect.neo4j_schema()`), each created in its own transaction, as Neo4j does not
  let schema and data changes share one. They use IF NOT EXISTS, so creating the
  schema again is harmless.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import neo4j
from neo4j.api import BookmarkManager
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    ForbiddenOnReadOnlyDatabase,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from . import dialect
from .config import Neo4jSettings
from .store import ReadOnlyViolation, Result, Store, StoreError, Tx, plain, plain_rows, plain_values

T = TypeVar("T")

# Seconds to wait for a TCP connection (and TLS handshake) before giving up. The
# driver's default is 30 s; a wrong address should fail faster than that.
CONNECTION_TIMEOUT = 10.0

# The time limit of icpmap's write transactions, in seconds (a server's db.transaction.timeout
# applies only to clients that name none; Neo4j 5.3+ lets a client name a longer one). A
# load of all of England takes minutes on a busy 2-core machine.
WRITE_TIMEOUT = float(os.environ.get("ICPMAP_NEO4J_WRITE_TIMEOUT") or 3600)

# How long a write is tried again after a transient failure, counted from the first failure
# (the driver's own default for managed transactions), and the first pause between tries.
RETRY_TIME = 30.0
RETRY_DELAY = 1.0

# A transaction over one of the server's memory limits: transient errors to the driver, but
# running the same transaction again needs the same memory, so icpmap never retries them.
_MEMORY_CODES = frozenset({
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",  # db.memory.transaction.max, *.total.max
    "Neo.TransientError.General.TransactionOutOfMemoryError",  # db.memory.transaction.max
    "Neo.TransientError.General.TransactionMemoryLimit",  # server.memory.off_heap.transaction_max_size
    "Neo.TransientError.General.OutOfMemoryError",  # the heap itself
})

# Per read query text, its columns when it can be read as one record, else None
# (`Neo4jStore._collectable`); up to this many texts.
_SHAPES: dict[str, list[str] | None] = {}
_SHAPES_KEPT = 1024
_UNKNOWN: Any = object()
# Query texts that cannot be wrapped in CALL { }: read record by record without asking.
_UNWRAPPABLE = ("EXPLAIN", "PROFILE", "SHOW", "TERMINATE", "USE", "CYPHER")


def collected_text(cypher: str, columns: list[str]) -> str:
    """`cypher` returning all its rows as one record: `CALL { <query> } RETURN collect([...])`.
    Newlines around it: a `//` comment on the query's last line must not swallow the brace."""
    fields = ", ".join(dialect.q(c.replace("`", "``")) for c in columns)
    return f"CALL {{\n{cypher}\n}} RETURN collect([{fields}]) AS `rows`"

# Relationships per statement on the bulk path (`Neo4jTx.create_rel_frame`).
GROUPED_BATCH = 20_000

# Bolt schemes only: the driver's http(s):// Query API support is a preview that
# needs extra packages, and has no transaction timeouts.
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

# The driver logs (e.g. "Unable to retrieve routing information", "Transaction
# failed and will be retried") without a handler of its own, so Python would print
# its warnings on stderr; an application that configures logging still sees them.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
log = logging.getLogger(__name__)  # execute_write's retries, silent unless logging is configured
log.addHandler(logging.NullHandler())

# Server errors that mean the database or server itself takes no writes. (A write in
# a READ transaction is Neo.ClientError.Statement.AccessMode.)
_READ_ONLY_DATABASE_CODES = {
    "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
    "Neo.ClientError.General.ReadOnly",
}
_TIMEOUT_CODES = {
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
}


# -- one driver per (uri, user, database) per process ------------------------------


@dataclass
class _Shared:
    driver: neo4j.Driver
    bookmarks: BookmarkManager
    users: int = 0


_DRIVERS: dict[tuple[str, str, str | None, str], _Shared] = {}
_DRIVERS_LOCK = threading.Lock()


def _key(settings: Neo4jSettings) -> tuple[str, str, str | None, str]:
    # The password is part of the key only as a digest, so that a store opened
    # with other credentials never borrows a driver authenticated with these.
    digest = hashlib.sha256(settings.password.encode()).hexdigest()
    return (settings.uri, settings.user, settings.database, digest)


def safe_uri(uri: str) -> str:
    """The URI without any user name or password in it, for messages."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "the configured Neo4j URI"
    if "@" not in parts.netloc:
        return uri
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def _connect(settings: Neo4jSettings) -> _Shared:
    uri = safe_uri(settings.uri)
    scheme = settings.uri.split("://", 1)[0].lower() if "://" in settings.uri else ""
    problem = None
    if scheme not in SCHEMES:
        problem = "the scheme must be one of " + ", ".join(f"{s}://" for s in SCHEMES)
    else:
        try:
            driver = neo4j.GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password),
                connection_timeout=CONNECTION_TIMEOUT,
                user_agent=f"icpmap/{_version()}",
                # No notifications_min_severity: the server-side filter needs Neo4j 5.7+
                # (Bolt 5.2), and an older 5.x server would refuse every session.
            )
        except (ConfigurationError, ValueError) as exc:  # the driver's text may quote the URI
            problem = str(exc).replace(settings.uri, uri).rstrip(".")
    if problem is not None:
        raise StoreError(
            f"Cannot use the Neo4j URI {uri}: {problem}. Use bolt://host:7687 for a single server, "
            "neo4j://host:7687 for a cluster, or neo4j+s://<id>.databases.neo4j.io for Aura."
        )
    try:
        driver.verify_connectivity()
        # verify_connectivity() checks the address and credentials; a missing
        # database only shows on the first query, so ask for it now.
        with driver.session(database=settings.database, default_access_mode=neo4j.READ_ACCESS) as session:
            session.execute_read(lambda tx: tx.run("RETURN 1").consume())
    except (Neo4jError, DriverError) as exc:
        driver.close()  # the driver must be closed even when verification fails
        raise _connect_error(exc, settings) from None
    return _Shared(driver, neo4j.GraphDatabase.bookmark_manager())


def _version() -> str:
    try:
        from .. import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - graph/ imported outside the package
        return "0"


def _connect_error(exc: Neo4jError | DriverError, settings: Neo4jSettings) -> StoreError:
    uri = safe_uri(settings.uri)
    code = getattr(exc, "code", "") or ""
    if isinstance(exc, AuthError) or code in {
        "Neo.ClientError.Security.Unauthorized",
        "Neo.ClientError.Security.AuthenticationRateLimit",
    }:
        hint = "" if settings.password else " (ICPMAP_NEO4J_PASSWORD is not set)"
        return StoreError(f"Neo4j refused the credentials for user {settings.user!r} at {uri}{hint}: {_message(exc)}")
    if code == "Neo.ClientError.Security.CredentialsExpired":
        return StoreError(
            f"Neo4j at {uri} requires a new password for user {settings.user!r} before it can be used; "
            "change it (e.g. in Neo4j Browser) and set ICPMAP_NEO4J_PASSWORD."
        )
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return StoreError(f"Neo4j at {uri} has no database named {settings.database!r}; check ICPMAP_NEO4J_DATABASE.")
    if isinstance(exc, (ServiceUnavailable, SessionExpired)):
        return StoreError(f"Cannot reach Neo4j at {uri}: {_message(exc)}")
    return _translate(exc, uri)


# -- errors ---------------------------------------------------------------------------


def _message(exc: BaseException) -> str:
    """The server's own message for a Neo4j error, else the exception's text, on one line."""
    text = ""
    if isinstance(exc, Neo4jError):
        text = str(exc.message or "")
    text = " ".join((text or str(exc) or type(exc).__name__).split())
    # "Unable to retrieve routing information" hides why: the driver chains the
    # failure of each router it tried (as an exception group) as the cause.
    causes = getattr(exc.__cause__, "exceptions", None)
    if causes:
        text += " (" + "; ".join(" ".join(str(c).split()) for c in causes[:3]) + ")"
    return text


def _translate(exc: Neo4jError | DriverError, uri: str, timeout: float | None = None) -> StoreError:
    code = getattr(exc, "code", "") or ""
    message = _message(exc)
    lower = message.lower()
    if code in _READ_ONLY_DATABASE_CODES or isinstance(exc, ForbiddenOnReadOnlyDatabase):
        return ReadOnlyViolation(f"The Neo4j database at {uri} is read-only: {message}")
    if (
        code == "Neo.ClientError.Statement.AccessMode"
        or ("write" in lower and "read access mode" in lower)
        or ("not allowed" in lower and ("access mode" in lower or "accessmode" in lower))
    ):
        return ReadOnlyViolation("This query writes to the store, and only reads are allowed here.")
    if code in _TIMEOUT_CODES or (code == "Neo.ClientError.Transaction.Terminated" and "timeout" in message.lower()):
        limit = f" of {timeout:g} s" if timeout else ""
        return StoreError(f"The query ran past its time limit{limit} and Neo4j stopped it.")
    if code in _MEMORY_CODES:
        return StoreError(
            f"The transaction needs more memory than the Neo4j server at {uri} allows one transaction, "
            f"so the server stopped it and nothing was written ({message}). Load the largest file in a "
            "load of its own, or give the server more memory: a larger heap and higher "
            "db.memory.transaction.max and dbms.memory.transaction.total.max (docs/neo4j.md, "
            "'Memory and time limits')."
        )
    if isinstance(exc, IncompleteCommit):
        return StoreError(
            f"The connection to Neo4j at {uri} was lost while committing; the write may or may not "
            "have been saved. Check the data before writing again."
        )
    if isinstance(exc, (ServiceUnavailable, SessionExpired)):
        return StoreError(f"Cannot reach Neo4j at {uri}: {message}")
    return StoreError(message)


def _retryable(exc: Neo4jError | DriverError) -> bool:
    """Whether running the transaction again may succeed: never after a memory refusal."""
    if (getattr(exc, "code", "") or "") in _MEMORY_CODES:
        return False
    try:
        return bool(exc.is_retryable())
    except Exception:  # pragma: no cover - defensive
        return False


def _fetch(result: neo4j.Result, max_rows: int | None = None) -> Result:
    """Read a result (inside its transaction) as plain values, up to `max_rows` rows."""
    columns = list(result.keys())
    rows = []
    truncated = False
    for record in result:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        rows.append(list(plain_values(record)))
    return Result(columns, rows, truncated)


# -- transactions ---------------------------------------------------------------------


class Neo4jTx(Tx):
    """An open transaction (managed or explicit). Results are read in full by `run`.

    In a managed transaction (`execute_write`'s) an error worth retrying (a transient
    error, a lost connection; not a memory refusal) is passed through untouched, so the
    transaction can be run again; any other error becomes a `StoreError` at once.
    """

    def __init__(
        self, tx: neo4j.ManagedTransaction | neo4j.Transaction, uri: str, managed: bool, timeout: float | None = None
    ) -> None:
        self.tx = tx
        self._uri = uri
        self._managed = managed
        self._timeout = timeout  # only for the message when the server stops the query

    def run(self, cypher: str, params: dict[str, Any] | None = None, max_rows: int | None = None) -> Result:
        try:
            return _fetch(self.tx.run(cypher, params or {}), max_rows)
        except (Neo4jError, DriverError) as exc:
            if self._managed and _retryable(exc):
                raise
            raise _translate(exc, self._uri, self._timeout) from None

    def run_collected(self, cypher: str, columns: list[str], params: dict[str, Any] | None = None) -> Result:
        """A read's whole result as ONE record (`collected_text`): see `Neo4jStore.read`."""
        try:
            record = self.tx.run(collected_text(cypher, columns), params or {}).single()
        except (Neo4jError, DriverError) as exc:
            if self._managed and _retryable(exc):
                raise
            raise _translate(exc, self._uri, self._timeout) from None
        rows = record["rows"] if record is not None else []
        return Result(list(columns), plain_rows(rows))

    def create_rel_frame(self, rel: str, src: str, dst: str, frame: Any, batch_size: int = GROUPED_BATCH) -> None:
        """Create a relationship for each row of `frame` (columns `src`, `dst` (end keys), then
        the relationship's properties), the way Neo4j takes them fastest over Bolt: every end
        key looked up once (its element id), rows grouped by source node, `batch_size` rows a
        statement (`Dialect.create_rel_groups`). Every end must exist (the loader checked)."""
        import numpy as np
        import pandas as pd

        if not len(frame):
            return
        d = dialect.Dialect("neo4j")
        props = [c for c in frame.columns if c not in ("src", "dst")]
        ids = {}
        for end, label in (("src", src), ("dst", dst)):
            keys = pd.unique(np.asarray(frame[end], dtype=object))
            found = self.fetch_frame(d.element_ids(label), {"keys": keys.tolist()})
            ids[end] = pd.Series(found["id"].to_numpy(), index=pd.Index(found["key"].to_numpy(dtype=object)))
            if len(found) != len(keys):
                raise StoreError(f"{rel}: {len(keys) - len(found)} {label} node(s) to link are missing from the store.")
        codes, uniques = pd.factorize(np.asarray(frame["src"], dtype=object))
        sources = ids["src"].reindex(uniques).tolist()  # element id per source code
        targets = ids["dst"].reindex(np.asarray(frame["dst"], dtype=object)).tolist()
        values = [frame[p].astype(object).where(frame[p].notna(), None).tolist() for p in props]
        order = np.argsort(codes, kind="stable").tolist()
        codes = codes.tolist()
        statement = d.create_rel_groups(rel, props)
        batch: list[list[Any]] = []
        size = 0
        current = -1
        group: list[list[Any]] = []
        for i in order:
            if codes[i] != current or size >= batch_size:
                if group:
                    batch.append([sources[current], group])
                if size >= batch_size:
                    self.run(statement, {"rows": batch})
                    batch, size = [], 0
                current, group = codes[i], []
            group.append([targets[i], *(column[i] for column in values)])
            size += 1
        batch.append([sources[current], group])
        self.run(statement, {"rows": batch})

    def fetch_frame(self, cypher: str, params: dict[str, Any] | None = None) -> Any:
        """Run a read inside the transaction and return a pandas DataFrame of plain values.

        The driver spends about a third of a millisecond of Python on each record it
        receives, so a loader reading what is stored (tens of thousands of rows, a
        million for the registrations) gets every row in one record instead: `CALL {
        <query> } RETURN collect([...])`, its columns found by `EXPLAIN` (nothing runs)."""
        import pandas as pd

        try:
            columns = list(self.tx.run("EXPLAIN " + cypher, params or {}).keys())
            if not columns:
                return pd.DataFrame()
            fields = ", ".join(dialect.q(c.replace("`", "``")) for c in columns)
            record = self.tx.run(f"CALL {{ {cypher} }} RETURN collect([{fields}]) AS rows", params or {}).single()
        except (Neo4jError, DriverError) as exc:
            if self._managed and _retryable(exc):
                raise
            raise _translate(exc, self._uri, self._timeout) from None
        rows = record["rows"] if record is not None else []
        frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(
            {c: pd.Series(dtype=object) for c in columns})
        for column in columns:  # dates come as neo4j.time.Date: make them datetime.date
            values = frame[column]
            if len(values) and any(hasattr(v, "to_native") for v in values.head(1000)):
                frame[column] = [plain(v) for v in values]
        return frame


class Neo4jStore(Store):
    engine = "neo4j"
    # Each read is its own transaction and the server runs them on its own threads: a report
    # made of several independent reads (progress's dates) gains from a few at once.
    parallel_reads = 3

    def __init__(self, settings: Neo4jSettings, *, read_only: bool = False) -> None:
        self.settings = settings
        self.read_only = read_only
        self._uri = safe_uri(settings.uri)
        database = f"database {settings.database}" if settings.database else "home database"
        self.location = f"{self._uri} ({database})"
        self._key = _key(settings)
        self._schema_ready = False
        self._closed = False
        with _DRIVERS_LOCK:
            shared = _DRIVERS.get(self._key)
            if shared is None:
                shared = _connect(settings)
                _DRIVERS[self._key] = shared
            shared.users += 1
        self._shared = shared

    # -- sessions -------------------------------------------------------------------

    def _session(self, read: bool) -> neo4j.Session:
        if self._closed:
            raise StoreError(f"The store at {self.location} is closed.")
        try:
            return self._shared.driver.session(
                database=self.settings.database,
                default_access_mode=neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS,
                bookmark_manager=self._shared.bookmarks,
            )
        except DriverError as exc:
            raise _translate(exc, self._uri) from None

    def _refuse_writes(self) -> None:
        if self.read_only:
            raise ReadOnlyViolation(f"The store at {self.location} is open read-only.")

    # -- the Store interface --------------------------------------------------------

    def ensure_schema(self) -> None:
        if self._schema_ready or self.read_only:
            return
        with self._session(read=False) as session:
            for statement in dialect.neo4j_schema():
                try:
                    session.execute_write(lambda tx, s=statement: tx.run(s).consume())
                except (Neo4jError, DriverError) as exc:
                    raise _translate(exc, self._uri) from None
        self._schema_ready = True

    def read(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        # All rows in one record when the text allows it; with a row cap, record by record,
        # so that the cap stops the pull.
        columns = self._collectable(cypher, params) if max_rows is None else None

        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> Result:
            wrapped = Neo4jTx(tx, self._uri, managed=True, timeout=timeout)
            if columns:
                return wrapped.run_collected(cypher, columns, params)
            return wrapped.run(cypher, params, max_rows)

        with self._session(read=True) as session:
            try:
                return session.execute_read(work)
            except (Neo4jError, DriverError) as exc:
                raise _translate(exc, self._uri, timeout) from None

    def _collectable(self, cypher: str, params: dict[str, Any] | None) -> list[str] | None:
        """The columns of a read whose rows can come back as one record, else None.

        The driver spends a good third of a millisecond of Python on each record it receives
        (more on a busy machine): a report reading 20,000 rows over England spent two thirds
        of its time in the driver, not the server. So a read runs as `collected_text` (the
        rows keep the query's order: `collect` takes them as the subquery gives them). Its
        columns, and whether Neo4j accepts the text inside CALL { } (it refuses e.g. an
        unaliased `RETURN count(x)`), are learned by `EXPLAIN` (nothing runs), in a session
        of their own (a refused statement would end the read's transaction), once per text
        per process."""
        if cypher.lstrip().upper().startswith(_UNWRAPPABLE):
            return None
        known = _SHAPES.get(cypher, _UNKNOWN)  # one lookup: another thread may clear the dict
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        shape = None
        try:
            with self._session(read=True) as session:
                columns = list(session.run("EXPLAIN " + cypher, params or {}).keys())
                if columns:
                    session.run("EXPLAIN " + collected_text(cypher, columns), params or {}).consume()
                    shape = columns
        except Neo4jError as exc:
            if not (exc.code or "").startswith("Neo.ClientError."):
                return None  # not a property of the text: ask again next time
        except DriverError:
            return None
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.clear()
        _SHAPES[cypher] = shape
        return shape

    def user_query(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None, max_memory_mb: int | None = None,
    ) -> Result:
        """User-written Cypher: checked by the server's own plan, then run read-only (`neo4j_user_query`)."""
        from . import neo4j_user_query
        from .limits import Limits

        limits = Limits(timeout_s=timeout or Limits.timeout_s, max_rows=max_rows or Limits.max_rows)
        return neo4j_user_query.run(self, cypher, params, limits)

    def execute_write(self, work: Callable[[Tx], T]) -> T:
        """Run `work(tx)` in one write transaction, all or nothing.

        After a transient failure `work` is called again in a new transaction (for up to
        `RETRY_TIME` after the first failure), so it must start from scratch each time and
        have no other side effects. A memory refusal is not transient here (`_retryable`).
        """
        self._refuse_writes()
        first_failure: float | None = None
        delay = RETRY_DELAY
        while True:
            try:
                return self._write_once(work)
            except (Neo4jError, DriverError) as exc:
                now = time.monotonic()
                first_failure = now if first_failure is None else first_failure
                if not _retryable(exc) or now - first_failure > RETRY_TIME:
                    raise _translate(exc, self._uri) from None
                log.warning("Neo4j write failed, trying again in %.1f s: %s", delay, _message(exc))
            time.sleep(delay * random.uniform(0.8, 1.2))
            delay *= 2

    def _write_once(self, work: Callable[[Tx], T]) -> T:
        """One try of `execute_write`: a retryable error comes out untranslated."""
        with self._write_tx(managed=True) as tx:
            return work(tx)

    @contextmanager
    def transaction(self) -> Iterator[Neo4jTx]:
        """An explicit write transaction, committed at the end or rolled back on error.

        Not retried after a transient failure: prefer `execute_write`.
        """
        self._refuse_writes()
        try:
            with self._write_tx(managed=False) as tx:
                yield tx
        except (Neo4jError, DriverError) as exc:  # from its start or its commit (`Neo4jTx` translates the rest)
            raise _translate(exc, self._uri) from None

    @contextmanager
    def _write_tx(self, managed: bool) -> Iterator[Neo4jTx]:
        """A write transaction that first takes icpmap's write lock, committed when the block ends
        and rolled back if it raises; the driver's errors from its start and commit come out as
        they are (`execute_write` retries some, `transaction` translates them)."""
        with self._session(read=False) as session:
            tx = session.begin_transaction(timeout=WRITE_TIMEOUT)
            try:
                wrapped = Neo4jTx(tx, self._uri, managed=managed)
                wrapped.run(dialect.NEO4J_WRITE_LOCK)
                yield wrapped
                tx.commit()
            finally:
                self._rollback(tx)  # only closes a committed transaction

    @staticmethod
    def _rollback(tx: neo4j.Transaction) -> None:
        try:
            if not tx.closed():
                tx.rollback()
        except (Neo4jError, DriverError):
            pass  # the server has already ended a failed transaction
        finally:
            tx.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with _DRIVERS_LOCK:
            shared = _DRIVERS.get(self._key)
            if shared is not self._shared:
                return  # close_all() has already closed it
            shared.users -= 1
            if shared.users <= 0:
                _DRIVERS.pop(self._key, None)
                shared.driver.close()


def close_all() -> None:
    """Close every driver of this process (tests, and before forking a loader)."""
    with _DRIVERS_LOCK:
        for shared in _DRIVERS.values():
            shared.driver.close()
        _DRIVERS.clear()
