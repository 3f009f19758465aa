"""The graph store: one small interface (`Store`), two engines behind it."""

from __future__ import annotations

import os

from .config import Neo4jSettings, resolve_db_path
from .store import ReadOnlyViolation, Result, Store, StoreBusy, StoreError, Tx


def open_store(db: str | os.PathLike[str] | None = None, *, read_only: bool = False, schema: bool = True) -> Store:
    """Open the configured store: Neo4j when `ICPMAP_NEO4J_URI` is set, else LadybugDB at `db`."""
    settings = Neo4jSettings.from_env()
    if settings is not None:
        from .neo4j_store import Neo4jStore

        store: Store = Neo4jStore(settings, read_only=read_only)
    else:
        from .ladybug_store import LadybugStore

        store = LadybugStore(resolve_db_path(db), read_only=read_only)
    if schema and not read_only:
        store.ensure_schema()
    return store


__all__ = ["ReadOnlyViolation", "Result", "Store", "StoreBusy", "StoreError", "Tx", "open_store"]
