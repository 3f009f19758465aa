"""The one small interface between icpmap and a graph engine.

Everything above `graph/` talks to a `Store`: run a read, run a write, write a batch,
open a transaction, create the schema. The engines (LadybugDB embedded, Neo4j over
Bolt) live behind it, and every result comes back as plain Python values (str, int,
float, bool, None, datetime.date, lists and dicts), never engine objects.
"""

from __future__ import annotations

import datetime as dt
import decimal
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import UserError
from .model import NODES, RELS

T = TypeVar("T")

BATCH_SIZE = 10_000


class StoreError(UserError):
    """A problem the user can act on (bad query, engine refused, store busy...)."""


class ReadOnlyViolation(StoreError):
    """A write was attempted where only reads are allowed."""


class StoreBusy(StoreError):
    """Another process holds the embedded store."""


@dataclass
class Result:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False  # more rows existed than `max_rows` allowed

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None


# Values already plain (`plain` gives them back as they are), by exact type: a set lookup per
# value instead of a call (`plain` itself also takes their subclasses).
AS_IS = frozenset((str, int, float, bool, type(None), dt.date, dt.datetime))
_PLAIN = tuple(AS_IS)


def plain(value: Any) -> Any:
    """Convert an engine value to plain Python (the engines disagree on these)."""
    if isinstance(value, _PLAIN):
        return value
    if type(value) is list:  # a collected list
        return plain_values(value)
    if isinstance(value, decimal.Decimal):  # Ladybug returns integer sums as Decimal
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(type(value), "to_native"):  # neo4j.time.Date / DateTime, asked of the class: a Date's
        return value.to_native()  # own attribute lookup builds a dict per miss (a third of a read)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not str(k).startswith("_")}
    if hasattr(value, "months") and hasattr(value, "iso_format"):  # neo4j.time.Duration (a tuple)
        if value.months:
            return value.iso_format()
        return dt.timedelta(days=value.days, seconds=value.seconds, microseconds=value.nanoseconds // 1000)
    if hasattr(value, "nodes") and hasattr(value, "relationships"):  # neo4j.graph.Path
        return {"nodes": [plain(n) for n in value.nodes], "rels": [plain(r) for r in value.relationships]}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    items = getattr(value, "items", None)  # neo4j Node / Relationship
    if callable(items):
        return {k: plain(v) for k, v in items()}
    return value


def plain_values(values: Sequence[Any]) -> Sequence[Any]:
    """`values` made plain: the same sequence when every value is plain already (checked in C,
    without a Python call per value), else a list of each one made plain."""
    if AS_IS.issuperset(map(type, values)):
        return values
    return [v if type(v) in AS_IS else plain(v) for v in values]


def plain_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows of engine values as plain Python, column by column: a column holding only plain values
    (most of them) is kept as it is."""
    columns = list(zip(*rows))
    made = [plain_values(column) for column in columns]
    if all(m is c for m, c in zip(made, columns, strict=True)):
        return rows
    return list(map(list, zip(*made)))


def chunks(rows: Sequence[dict[str, Any]], size: int = BATCH_SIZE) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class Tx(ABC):
    """An open write transaction: everything in it commits or none of it does."""

    @abstractmethod
    def run(self, cypher: str, params: dict[str, Any] | None = None) -> Result: ...

    def run_batch(self, cypher: str, rows: Sequence[dict[str, Any]], batch_size: int = BATCH_SIZE, **params: Any) -> None:
        """Run `cypher` (which reads `UNWIND $rows AS r`) over `rows` in batches."""
        for batch in chunks(rows, batch_size):
            if batch:  # Ladybug rejects an empty UNWIND list
                self.run(cypher, {**params, "rows": list(batch)})


class Reads(ABC):
    """What runs reads: a store, or one read transaction of it (`Store.reading`)."""

    engine: str
    location: str
    # How many of this object's reads may usefully run at once from threads of one process: a
    # server works on them elsewhere, in parallel; an embedded read transaction is one connection.
    parallel_reads: int = 1

    @abstractmethod
    def read(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result: ...

    @contextmanager
    def reading(self) -> Iterator[Reads]:
        """Something with this store's `read`, for several reads that belong together (a diagram,
        a report): on LadybugDB they share one read-only transaction on one connection, so
        they see one state of the store and pay for one transaction, not one each."""
        yield self


class Store(Reads):
    """A graph store. Open one per location per process (see `open_store`)."""

    engine: str
    location: str

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the model's schema if it is missing. Harmless to call again."""

    @abstractmethod
    def read(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        """Run a query in a read-only transaction: any write in it is refused.

        With `max_rows`, at most that many rows are fetched (`Result.truncated` says
        whether there were more), so a careless query cannot exhaust memory.
        """

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction; writes are serialised within the process."""

    @abstractmethod
    def close(self) -> None: ...

    # -- conveniences built on the above -------------------------------------------

    @abstractmethod
    def user_query(
        self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        max_rows: int | None = None, max_memory_mb: int | None = None,
    ) -> Result:
        """Run Cypher written by a user (`icpmap query`, `POST /query`, the dashboard's query page).

        The one entry point for such text: it may only read the graph, whatever it says. The
        engine decides what the text is (one statement, its plan), and the query runs only if
        that plan reads; it is stopped after `timeout` seconds or `max_memory_mb`, and at most
        `max_rows` rows are fetched (`Result.truncated` says whether there were more). How each
        engine guarantees this: docs/security.md.
        """

    def execute_write(self, work: Callable[[Tx], T]) -> T:
        """Run `work(tx)` in one write transaction, all or nothing.

        Neo4j runs it as a managed transaction and may call `work` again after a
        transient failure, so `work` must start from scratch each time it is called.
        """
        with self.transaction() as tx:
            return work(tx)

    def write(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        return self.execute_write(lambda tx: tx.run(cypher, params))

    def write_batch(self, cypher: str, rows: Sequence[dict[str, Any]], batch_size: int = BATCH_SIZE) -> None:
        self.execute_write(lambda tx: tx.run_batch(cypher, rows, batch_size))

    def counts(self) -> dict[str, int]:
        """Node count per label of the model (0 for empty labels), then per relationship type."""
        out: dict[str, int] = {}
        with self.reading() as view:  # one read transaction for them all
            for label in NODES:
                out[label] = int(view.read(f"MATCH (n:`{label}`) RETURN count(n) AS n").scalar() or 0)
            for rel in RELS:
                out[rel] = int(view.read(f"MATCH ()-[r:`{rel}`]->() RETURN count(r) AS n").scalar() or 0)
        return out

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def as_rows(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows with the same keys in the same order, as Ladybug's UNWIND requires."""
    return [{c: r.get(c) for c in columns} for r in records]
