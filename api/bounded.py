"""The store as the service uses it: reads on a few dedicated reader threads.

The request threadpool has up to 40 threads, and the embedded store gives every thread
its own connection. LadybugDB 0.22 fails under that ("Buffer manager exception: the
buffer pool is full") after a few hundred queries spread over ~40 connections, and
has crashed with ~32 queries running at once; the same load on a handful of
long-lived connections runs clean. So every read goes to a small pool of `readers`
threads (one connection each), which also bounds the queries in the engine at once.
Writes are serialised by the store itself and do not use the pool, so reads go on
while a load runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import Any

from ..graph import Result, Store, StoreBusy, Tx

DEFAULT_READERS = int(os.environ.get("ICPMAP_API_READERS", "0")) or max(2, min(8, 2 * (os.cpu_count() or 2)))
WAIT_S = 30.0


class BoundedStore(Store):
    def __init__(self, inner: Store, readers: int = DEFAULT_READERS) -> None:
        self.inner = inner
        self.engine = inner.engine
        self.location = inner.location
        self.readers = readers
        self._pool = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="icpmap-read")

    def ensure_schema(self) -> None:
        self.inner.ensure_schema()

    def read(self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None) -> Result:
        future = self._pool.submit(self.inner.read, cypher, params, timeout=timeout)
        try:
            return future.result(timeout=WAIT_S + (timeout or 0))
        except FutureTimeout:
            future.cancel()
            raise StoreBusy("The service is too busy to run this query now; try again shortly.") from None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.inner.transaction() as tx:
            yield tx

    def execute_write(self, work: Any) -> Any:
        return self.inner.execute_write(work)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.inner.close()

    def __getattr__(self, name: str) -> Any:  # engine-specific extras, e.g. for loaders
        return getattr(self.inner, name)
