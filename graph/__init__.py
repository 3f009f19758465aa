"""The graph store: one small interface (`Store`), two engines behind it."""

from __future__ import annotations

import os

from .config import Neo4jSettings, resolve_db_path
from .store import ReadOnlyViolation, Result, Store, StoreBusy, StoreError, Tx


def open_store(
    db: str | os.PathLike[str] | None = None, *, read_only: bool = False, schema: bool = True,
    engine: str | None = None,
) -> Store:
    """Open the configured store: Neo4j when `ICPMAP_NEO4J_URI` is set, else LadybugDB at `db`.

    `read_only=True` refuses writes; on the embedded engine it also skips the schema write
    and lets other read-only processes use the store at the same time.

    `engine="ladybug"` opens the embedded store at `db` whatever the environment says
    (tests, benchmarks, copies between engines); `engine="neo4j"` requires the variables.
    """
    if engine not in (None, "ladybug", "neo4j"):
        raise StoreError(f"Unknown engine {engine!r}: use ladybug or neo4j.")
    settings = None if engine == "ladybug" else Neo4jSettings.from_env()
    if engine == "neo4j" and settings is None:
        raise StoreError("engine neo4j needs ICPMAP_NEO4J_URI (and ICPMAP_NEO4J_USER, ICPMAP_NEO4J_PASSWORD).")
    if settings is not None:
        from .neo4j_store import Neo4jStore

        store: Store = Neo4jStore(settings, read_only=read_only)
    else:
        from .ladybug_store import LadybugStore

        path = resolve_db_path(db)
        if read_only and not path.exists():
            read_only = False  # a new store: create it, with its schema, before anything reads it
        store = LadybugStore(path, read_only=read_only)
        if read_only and schema and store.schema_gaps():
            # made by an earlier icpmap: add what the model has since gained, once, then read on
            store.close()
            upgrade = LadybugStore(path)  # needs the store to itself: a busy store says so
            try:
                upgrade.ensure_schema()
            finally:
                upgrade.close()
            store = LadybugStore(path, read_only=True)
    if schema and not read_only:
        store.ensure_schema()
    return store


__all__ = ["ReadOnlyViolation", "Result", "Store", "StoreBusy", "StoreError", "Tx", "open_store"]
