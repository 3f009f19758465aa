"""The process that runs analysts' Cypher on LadybugDB (started by `query_pool`).

    python -m icpmap.graph.query_worker DB_PATH BUFFER_POOL_MB THREADS

It opens the database read-only (an immutable snapshot of the store, or the store itself
where no writer can exist), confines itself (`sandbox.confine`: no file can be opened,
created or executed from then on), says it is ready, then answers requests on stdin/stdout
(length-prefixed pickles, `multiprocessing.connection` framing), one at a time:

1. prepare the text: the engine itself refuses more than one statement;
2. `EXPLAIN` it with the same parameters and check the engine's plan (`ladybug_plan`);
3. run it in a read-only transaction, with the engine's own timeout, fetching at most
   `max_rows + 1` rows and `max_bytes` of values;
4. reply `("ok", columns, rows, truncated)` or `("error", kind, message)`.

The parent kills this process when it runs past its time or memory; it is then replaced.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import pickle
import sys
import uuid
import warnings
from collections import OrderedDict
from multiprocessing.connection import Connection
from typing import Any

# Loaded now: once confined, the process cannot open a module file to import it.
import ladybug

from . import ladybug_plan, sandbox
from .store import StoreError, plain

PLAIN_TYPES = (type(None), bool, int, float, str, bytes, dt.date, dt.datetime, dt.time, dt.timedelta,
               decimal.Decimal)


def safe_value(value: Any) -> Any:
    """A plain value the parent's restricted unpickler accepts (anything else as text)."""
    value = plain(value)
    if isinstance(value, list):
        return [safe_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): safe_value(v) for k, v in value.items()}
    if isinstance(value, PLAIN_TYPES):
        return value
    return str(value)


def _size(value: Any) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) + 16
    if isinstance(value, list):
        return 16 + sum(_size(v) for v in value)
    if isinstance(value, dict):
        return 16 + sum(_size(k) + _size(v) for k, v in value.items())
    return 16


# Statements whose plan passed, kept prepared: a query run again skips both compiles. Each holds
# a few MB of the buffer pool (128 of them filled 256 MB), so only the latest few are kept.
CHECKED_CACHE = 16


class Worker:
    def __init__(self, path: str, buffer_pool_mb: int, threads: int) -> None:
        self.db = ladybug.Database(path, read_only=True, buffer_pool_size=buffer_pool_mb * 1024 * 1024,
                                   max_num_threads=threads)
        self.conn = ladybug.Connection(self.db)
        self._checked: OrderedDict[str, Any] = OrderedDict()
        self._warm_up()

    def _warm_up(self) -> None:
        """Run each step once, so that nothing is loaded lazily after confinement."""
        sample = "RETURN 1 AS n, 'a' AS s, date('2024-01-01') AS d, interval('1 day') AS i, 1.5 AS f, [1] AS l"
        self.run(sample, {}, 5.0, 10, 1 << 20)
        pickle.dumps((decimal.Decimal("1.5"), uuid.UUID(int=0), dt.datetime.now(dt.UTC)))

    def _prepare(self, text: str) -> Any:
        with warnings.catch_warnings():  # "prepare is deprecated": it is the one call that refuses 2 statements
            warnings.simplefilter("ignore")
            statement = self.conn.prepare(text)
        if not statement.is_success():
            raise StoreError(statement.get_error_message())
        return statement

    def forget(self) -> None:
        self._checked.clear()

    def _checked_statement(self, cypher: str, params: dict[str, Any]) -> Any:
        """The prepared statement of `cypher`, once the engine's plan for it has passed the allowlist.

        The plan's operators do not depend on parameter values (the engine binds those at
        execution), so a statement that passed once is kept, by its exact text."""
        statement = self._checked.get(cypher)
        if statement is not None:
            self._checked.move_to_end(cypher)
            return statement
        statement = self._prepare(cypher)
        explain = self._prepare("EXPLAIN " + cypher)
        plan = self.conn.execute(explain, params)
        ladybug_plan.check_plan(str(plan.get_next()[0]) if plan.has_next() else "")
        plan.close()
        self._checked[cypher] = statement
        if len(self._checked) > CHECKED_CACHE:
            self._checked.popitem(last=False)
        return statement

    def run(self, cypher: str, params: dict[str, Any], timeout_s: float, max_rows: int,
            max_bytes: int) -> tuple[list[str], list[list[Any]], bool]:
        self.conn.set_query_timeout(max(1, int(timeout_s * 1000)))
        statement = self._checked_statement(cypher, params)
        self.conn.execute("BEGIN TRANSACTION READ ONLY")
        try:
            result = self.conn.execute(statement, params)
            columns = list(result.get_column_names())
            rows: list[list[Any]] = []
            truncated = False
            size = 0
            while result.has_next():
                if len(rows) >= max_rows:
                    truncated = True
                    break
                row = [safe_value(v) for v in result.get_next()]
                size += _size(row)
                if size > max_bytes:
                    raise StoreError(f"The query's answer is larger than {max_bytes // (1024 * 1024)} MB; "
                                     "return fewer or smaller values.")
                rows.append(row)
            result.close()
        finally:
            try:
                self.conn.execute("ROLLBACK")  # read-only: nothing to keep
            except RuntimeError:
                pass
        return columns, rows, truncated


def describe(exc: BaseException) -> tuple[str, str]:
    """(kind, message) of a failure: `refused`, `timeout` or `error`, with a message for a person."""
    from .store import ReadOnlyViolation

    message = " ".join(str(exc).split()) or type(exc).__name__
    lower = message.lower()
    if isinstance(exc, ReadOnlyViolation):
        return "refused", message
    if "prepare multiple statements" in lower:
        return "error", "Run one statement at a time: the text holds more than one. Nothing was run."
    if "read-only database" in lower or "read only database" in lower:
        return "refused", "This query writes to the store; only read-only queries are allowed here. Nothing was run."
    if "operation not permitted" in lower:  # the sandbox: no file may be opened
        return "refused", "User queries may not read or write files, or load extensions. Nothing was run."
    if "interrupted" in lower or "timeout" in lower:
        return "timeout", message
    return "error", message


def serve(requests: Connection, replies: Connection, worker: Worker) -> None:
    while True:
        try:
            cypher, params, timeout_s, max_rows, max_bytes = pickle.loads(requests.recv_bytes())
        except EOFError:
            return
        try:
            columns, rows, truncated = worker.run(cypher, params, timeout_s, max_rows, max_bytes)
            reply: tuple[Any, ...] = ("ok", columns, rows, truncated)
        except (StoreError, RuntimeError, ValueError, TypeError, OverflowError, IndexError) as exc:
            if "buffer pool is full" in str(exc).lower():
                worker.forget()  # give back what the kept statements hold before the next query
            reply = ("error", *describe(exc))
        replies.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


def main(argv: list[str]) -> int:
    path, buffer_pool_mb, threads = argv[0], int(argv[1]), int(argv[2])
    replies = Connection(os.dup(1))
    os.dup2(2, 1)  # anything printed goes to stderr, never into the replies
    requests = Connection(0)
    try:
        worker = Worker(path, buffer_pool_mb, threads)
        if sandbox.supported():
            sandbox.confine()
        elif os.environ.get("ICPMAP_UNCONFINED_QUERIES") != "1":
            raise sandbox.ConfinementError(
                f"user queries run only where the worker can be confined (Linux x86-64 or arm64), "
                f"not on {sys.platform}; set ICPMAP_UNCONFINED_QUERIES=1 to accept the plan check alone")
    except Exception as exc:  # the parent shows this as the reason no query can run
        replies.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {' '.join(str(exc).split())}")))
        return 1
    replies.send_bytes(pickle.dumps(("ready", sandbox.supported())))
    serve(requests, replies, worker)
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except (BrokenPipeError, EOFError, OSError, KeyboardInterrupt):  # the parent went away: nothing to tell
        code = 1
    sys.exit(code)
