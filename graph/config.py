"""Where the store is: an embedded directory, or a Neo4j server named by the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


def default_db_path() -> Path:
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
