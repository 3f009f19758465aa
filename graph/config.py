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
