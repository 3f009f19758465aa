"""The store as the service uses it: at most a few reads in the engine at once.

The threadpool serves up to 40 requests at a time, but the embedded engine gains
nothing from more concurrent queries than it has cores, and LadybugDB 0.22 has been
seen to fail ("buffer pool is full") or crash with ~32 queries running at once in one
process. So reads wait for one of `readers` slots; writes are serialised by the
store itself and take no read slot, so reads go on while a load runs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..graph import Result, Store, StoreBusy, Tx

DEFAULT_READERS = max(2, min(8, 2 * (os.cpu_count() or 2)))
WAIT_S = 30.0


class BoundedStore(Store):
    def __init__(self, inner: Store, readers: int = DEFAULT_READERS) -> None:
        self.inner = inner
        self.engine = inner.engine
        self.location = inner.location
        self.readers = readers
        self._slots = threading.BoundedSemaphore(readers)

    def ensure_schema(self) -> None:
        self.inner.ensure_schema()

    def read(self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None) -> Result:
        if not self._slots.acquire(timeout=WAIT_S):
            raise StoreBusy("The service is too busy to run this query now; try again shortly.")
        try:
            return self.inner.read(cypher, params, timeout=timeout)
        finally:
            self._slots.release()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.inner.transaction() as tx:
            yield tx

    def execute_write(self, work: Any) -> Any:
        return self.inner.execute_write(work)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:  # engine-specific extras, e.g. for loaders
        return getattr(self.inner, name)
