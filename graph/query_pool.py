"""Worker processes for analysts' Cypher on LadybugDB, and the limits kept on each query.

LadybugDB checks its query timeout between steps, not inside one expression
(`RETURN size(lpad('a', 1000000000, 'x'))` ran 8.8 s past a 1 s timeout and took ~1 GB),
so a limit is only really kept from outside: each query runs in a worker process
(`query_worker`) that the parent kills when the query passes its time or its memory bound.
A killed worker is replaced in the background; the service keeps answering meanwhile.

A pool keeps `size` warm workers on one database source (a path opened read-only). The
source can change (a new snapshot after a load): idle workers on an old source are retired
and new ones started on the current one; a busy worker finishes its query first.
"""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from .limits import Limits, QueryStopped
from .store import ReadOnlyViolation, Result, StoreBusy, StoreError

WORKER_START_S = 60.0  # a worker opening a big snapshot under load
KILL_POLL_S = 0.05  # how often the parent looks at a running query's memory


class _Unpickler(pickle.Unpickler):
    """Answers come from a process running a stranger's query: only plain values are rebuilt."""

    ALLOWED = {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")} | {
        ("decimal", "Decimal")}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


class Worker:
    def __init__(self, source: str, buffer_pool_mb: int, threads: int) -> None:
        self.source = source
        self.process = subprocess.Popen(
            [sys.executable, "-m", "icpmap.graph.query_worker", source, str(buffer_pool_mb), str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
            start_new_session=True,  # not stopped by the terminal's Ctrl+C: the parent stops it
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests = Connection(os.dup(self.process.stdin.fileno()))
        self.replies = Connection(os.dup(self.process.stdout.fileno()))
        self.process.stdin.close()
        self.process.stdout.close()
        self.ready = False
        self.failure: str | None = None
        self.confined = False

    def wait_ready(self, timeout: float = WORKER_START_S) -> bool:
        if self.ready:
            return True
        if self.replies.poll(timeout):
            try:
                reply = _loads(self.replies.recv_bytes(1 << 16))
            except (EOFError, OSError, pickle.UnpicklingError):
                reply = ("failed", "the query process ended while starting")
            if reply[0] == "ready":
                self.ready, self.confined = True, bool(reply[1])
                return True
            self.failure = str(reply[1])
        else:
            self.failure = "the query process did not start in time"
        self.kill()
        return False

    def rss_mb(self) -> float:
        from .portable import rss_mb

        return rss_mb(self.process.pid)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for conn in (self.requests, self.replies):
            try:
                conn.close()
            except OSError:
                pass


class WorkerPool:
    """`size` warm workers on `source()`; `run` sends a query to an idle one."""

    def __init__(self, source: Callable[[], str], size: int = 2, *, buffer_pool_mb: int = 256, threads: int = 2,
                 on_idle_sources: Callable[[set[str]], None] | None = None) -> None:
        self._source = source
        self.size = max(1, size)
        self.buffer_pool_mb = buffer_pool_mb
        self.threads = threads
        self._on_sources = on_idle_sources
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._starting = 0
        self._starting_on: list[str] = []  # the source of each worker starting (its files must stay)
        self._lock = threading.Condition()
        self._closed = False
        self._current: str | None = None  # the source of the latest acquire
        self.failure: str | None = None
        self.killed = 0  # workers stopped for a limit (tests and the benchmark read it)

    # -- workers ------------------------------------------------------------------------------

    def _start_one(self, source: str) -> None:
        worker = Worker(source, self.buffer_pool_mb, self.threads)
        ok = worker.wait_ready()
        with self._lock:
            self._starting -= 1
            self._starting_on.remove(source)
            superseded = self._current is not None and source != self._current
            if ok and not self._closed and not superseded:
                self._idle.append(worker)
            else:
                if not ok and not superseded:  # one on a superseded snapshot does not count
                    self.failure = worker.failure
                worker.kill()
                if superseded and not self._closed:
                    self._sources_in_use(self._current)  # its snapshot may go now
            self._lock.notify_all()

    def _top_up(self, source: str, background: bool = True) -> None:
        """Start workers until `size` exist (caller holds the lock)."""
        missing = self.size - len(self._idle) - len(self._busy) - self._starting
        for _ in range(max(0, missing)):
            self._starting += 1
            self._starting_on.append(source)
            if background:
                threading.Thread(target=self._start_one, args=(source,), daemon=True).start()
            else:
                self._lock.release()
                try:
                    self._start_one(source)
                finally:
                    self._lock.acquire()

    def warm(self) -> None:
        """Start the workers now (a service at start-up) rather than at the first query."""
        source = self._source()
        with self._lock:
            self._current = source
            self._top_up(source)

    def _retire_stale(self, source: str) -> None:
        stale = [w for w in self._idle if w.source != source or not w.alive()]
        for w in stale:
            self._idle.remove(w)
            w.kill()
        if stale:
            self._sources_in_use(source)

    def _sources_in_use(self, current: str) -> None:
        """Tell the owner which sources workers have open or are opening: the others may go."""
        if self._on_sources is not None:
            self._on_sources({w.source for w in (*self._idle, *self._busy)} | set(self._starting_on) | {current})

    def _acquire(self, wait_s: float) -> Worker:
        """An idle worker on the current source: waits `wait_s` for a busy one, longer for one starting."""
        source = self._source()
        started = time.monotonic()
        with self._lock:
            self._current = source
            while True:
                if self._closed:
                    raise StoreError("The store is closed.")
                self._retire_stale(source)
                if self._idle:
                    worker = self._idle.pop()
                    self._busy.add(worker)
                    return worker
                if self.failure and not self._starting:
                    failure, self.failure = self.failure, None
                    raise StoreError(f"User queries cannot run: {failure}")
                self._top_up(source)
                limit = WORKER_START_S if self._starting else wait_s
                remaining = started + limit - time.monotonic()
                if remaining <= 0:
                    raise StoreBusy("Every query process is busy; try again in a moment.")
                self._lock.wait(min(remaining, 0.5))

    def _release(self, worker: Worker, healthy: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            if healthy and worker.alive() and not self._closed and worker.source == self._current:
                self._idle.append(worker)
            else:
                worker.kill()
                if not self._closed and self._current is not None:
                    self._top_up(self._current)
                    self._sources_in_use(self._current)
            self._lock.notify_all()

    # -- queries ------------------------------------------------------------------------------

    def run(self, cypher: str, params: dict[str, Any] | None, limits: Limits) -> Result:
        worker = self._acquire(limits.timeout_s)
        healthy = False
        try:
            payload = (cypher, params or {}, limits.timeout_s, limits.max_rows, limits.max_answer_mb * 1024 * 1024)
            try:
                worker.requests.send_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
            except (OSError, pickle.PicklingError, TypeError) as exc:
                raise StoreError(f"The query could not be sent to its process: {type(exc).__name__}.") from None
            reply = self._wait(worker, limits, time.monotonic() + limits.timeout_s + limits.grace_s())
            healthy = True
        finally:
            self._release(worker, healthy)
        if reply[0] == "ok":
            _, columns, rows, truncated = reply
            return Result(list(columns), list(rows), bool(truncated))
        _, kind, message = reply
        if kind == "refused":
            raise ReadOnlyViolation(message)
        if kind == "timeout":
            raise QueryStopped(f"The query ran past its time limit of {limits.timeout_s:g} s and was stopped.")
        raise StoreError(message)

    def _wait(self, worker: Worker, limits: Limits, deadline: float) -> tuple[Any, ...]:
        limit_bytes = (limits.max_answer_mb + 16) * 1024 * 1024
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._stop(worker)
                raise QueryStopped(f"The query ran past its time limit of {limits.timeout_s:g} s and was stopped.")
            try:
                if worker.replies.poll(min(KILL_POLL_S, remaining)):
                    return _loads(worker.replies.recv_bytes(limit_bytes))
            except OSError as exc:  # "bad message length": more than the answer may hold
                self._stop(worker)
                if "length" in str(exc):
                    raise StoreError(f"The query's answer is larger than {limits.max_answer_mb} MB.") from None
                raise StoreError("The query's process ended without an answer; nothing was changed.") from None
            except EOFError:
                self._stop(worker)
                raise StoreError("The query's process ended without an answer; nothing was changed.") from None
            except pickle.UnpicklingError:
                self._stop(worker)
                raise StoreError("The query's answer could not be read; nothing was changed.") from None
            if worker.rss_mb() > limits.max_memory_mb:
                self._stop(worker)
                raise QueryStopped(f"The query needed more than {limits.max_memory_mb} MB of memory and was stopped.")

    def _stop(self, worker: Worker) -> None:
        worker.kill()
        self.killed += 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._lock.notify_all()
        for w in workers:
            w.kill()
