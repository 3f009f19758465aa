"""Immutable copies of the embedded store for the processes that run analysts' queries.

A LadybugDB `Database` opened read-only sees the store as it was when it opened, and
whether it may read while the writer checkpoints is not documented. So a service's query
workers never open the live store: they open a snapshot, a private copy of the store file
and its log taken while no write is in flight (under the store's write lock, between
commits, as the crash-safety copy is). A new snapshot is taken at the first query after a
commit; the old one is deleted once no worker has it open. A load in progress does not
wait for queries, nor queries for it: they read the last committed snapshot meanwhile.

Snapshots live in `<store>.icpmap-snapshots/` (0700, files 0600) and hold people's names:
they are removed when the store closes, and any left by a crash are removed the next time
the store is opened for writing (so an erasure is not undone by an old copy).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from .files import private_copy, private_dir

SUFFIX = ".icpmap-snapshots"
LOG_SUFFIX = ".wal"


def folder(store_path: str) -> Path:
    return Path(store_path + SUFFIX)


def remove_all(store_path: str) -> None:
    shutil.rmtree(folder(store_path), ignore_errors=True)


class Snapshots:
    def __init__(self, store_path: str, write_lock: threading.RLock, generation: Callable[[], int]) -> None:
        self.store = Path(store_path)
        self.root = folder(store_path)
        self._write_lock = write_lock
        self._generation = generation
        self._lock = threading.Lock()
        self._latest: tuple[int, str] | None = None
        self._count = 0

    def current(self) -> str:
        """The path of the snapshot of the last commit (made now if needed, unless a write is running)."""
        with self._lock:
            latest = self._latest
            if latest is not None and latest[0] == self._generation():
                return latest[1]
            # Wait for a running write only when there is no snapshot at all to read meanwhile.
            if not self._write_lock.acquire(blocking=latest is None):
                assert latest is not None
                return latest[1]
            try:
                generation = self._generation()
                self._latest = (generation, self._copy())
            finally:
                self._write_lock.release()
            return self._latest[1]

    def _copy(self) -> str:
        self._count += 1
        target = private_dir(private_dir(self.root) / f"{self._count}")
        database = target / self.store.name
        log = Path(str(self.store) + LOG_SUFFIX)
        if log.exists():
            private_copy(log, Path(str(database) + LOG_SUFFIX))
        private_copy(self.store, database)
        return str(database)

    def prune(self, in_use: set[str]) -> None:
        """Delete every snapshot but the latest and those in `in_use`."""
        with self._lock:
            keep = {Path(p).parent.name for p in in_use}
            if self._latest is not None:
                keep.add(Path(self._latest[1]).parent.name)
            if not self.root.exists():
                return
            for child in self.root.iterdir():
                if child.name not in keep:
                    shutil.rmtree(child, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            self._latest = None
        shutil.rmtree(self.root, ignore_errors=True)
