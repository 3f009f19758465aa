"""Where the store is: an embedded directory, or a Neo4j server named by the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("icpmap")) / "store"


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str
    password: str
    database: str | None

    @classmethod
    def from_env(cls) -> Neo4jSettings | None:
        uri = os.environ.get("ICPMAP_NEO4J_URI", "").strip()
        if not uri:
            return None
        return cls(
            uri=uri,
            user=os.environ.get("ICPMAP_NEO4J_USER", "neo4j"),
            password=os.environ.get("ICPMAP_NEO4J_PASSWORD", ""),
            database=os.environ.get("ICPMAP_NEO4J_DATABASE") or None,
        )


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """`--db` beats `ICPMAP_DB`, which beats the user's data directory."""
    if db:
        return Path(db).expanduser()
    env = os.environ.get("ICPMAP_DB", "").strip()
    return Path(env).expanduser() if env else default_db_path()


def beside_store(suffix: str, db: str | os.PathLike[str] | None = None, location: str | None = None) -> Path:
    """A file kept beside the store (keys, audit): `<store><suffix>`, or in the data dir for Neo4j."""
    if location and "://" not in location:
        base = Path(location)
    elif location or Neo4jSettings.from_env() is not None:
        base = default_db_path().parent / "neo4j"
    else:
        base = resolve_db_path(db).expanduser().resolve()
    return base.parent / (base.name + suffix)


@dataclass(frozen=True)
class EnvVar:
    """An environment variable icpmap reads: the settings reference is generated from these."""

    name: str
    default: str
    meaning: str
    group: str


# Every ICPMAP_* variable the code reads (tests/test_docs.py fails when one is missing here).
ENVIRONMENT: tuple[EnvVar, ...] = (
    EnvVar("ICPMAP_DB", "the user data directory (`~/.local/share/icpmap/store` on Linux)",
           "The embedded store (a database file) when `--db` is not given.", "Where the data is"),
    EnvVar("ICPMAP_KEYS", "`<store>.keys.json` beside the embedded store",
           "The API key file of `icpmap keys` and `icpmap serve` (salted hashes only).", "Where the data is"),
    EnvVar("ICPMAP_AUDIT", "`<store>.loads.jsonl` beside the embedded store",
           "The load audit file (`icpmap loads`, `GET /loads`).", "Where the data is"),
    EnvVar("ICPMAP_SETTINGS", "unset: the defaults below",
           "A TOML file whose `[reports]` table overrides the report settings.", "Reports"),
    EnvVar("ICPMAP_NEO4J_URI", "unset: the embedded LadybugDB store",
           "A Neo4j server (`bolt://`, `neo4j://`, `neo4j+s://` for Aura); setting it switches every command "
           "to Neo4j.", "Neo4j"),
    EnvVar("ICPMAP_NEO4J_USER", "`neo4j`", "The Neo4j user name.", "Neo4j"),
    EnvVar("ICPMAP_NEO4J_PASSWORD", "empty", "The Neo4j password.", "Neo4j"),
    EnvVar("ICPMAP_NEO4J_DATABASE", "the user's home database",
           "The Neo4j database (name it: the target cannot change under a running command).", "Neo4j"),
    EnvVar("ICPMAP_BUFFER_POOL_MB", "`2048`", "LadybugDB's buffer pool per process, in MB.", "Embedded engine"),
    EnvVar("ICPMAP_READERS", "twice the cores, between 2 and 8",
           "How many engine connections the web service's reads share (LadybugDB).", "Embedded engine"),
    EnvVar("ICPMAP_QUERY_WORKERS", "`2`",
           "Worker processes kept warm for user-written Cypher in the web service (LadybugDB).", "User queries"),
    EnvVar("ICPMAP_QUERY_MEMORY_MB", "`1024`",
           "The memory one user-written query may use before its process is stopped.", "User queries"),
    EnvVar("ICPMAP_UNCONFINED_QUERIES", "unset",
           "`1` lets user-written Cypher run on a system where its worker cannot be confined by seccomp "
           "(not Linux x86-64/arm64), with the engine's plan check alone.", "User queries"),
)
