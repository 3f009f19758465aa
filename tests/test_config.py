"""Where the store is (graph/config.py): `--db` over `ICPMAP_DB` over the data directory, the
Neo4j settings from the environment, and the files kept beside a store (keys, audit)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from icpmap.graph import config


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ICPMAP_DB", "ICPMAP_NEO4J_URI", "ICPMAP_NEO4J_USER", "ICPMAP_NEO4J_PASSWORD", "ICPMAP_NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_default_store_is_in_the_users_data_directory() -> None:
    assert config.default_db_path() == Path(platformdirs.user_data_dir("icpmap")) / "store"


def test_no_uri_no_neo4j(clean_env: pytest.MonkeyPatch) -> None:
    assert config.Neo4jSettings.from_env() is None
    clean_env.setenv("ICPMAP_NEO4J_URI", "   ")
    assert config.Neo4jSettings.from_env() is None


def test_neo4j_settings_and_their_defaults(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ICPMAP_NEO4J_URI", "  bolt://db:7687 ")
    assert config.Neo4jSettings.from_env() == config.Neo4jSettings("bolt://db:7687", "neo4j", "", None)
    clean_env.setenv("ICPMAP_NEO4J_DATABASE", "")
    assert config.Neo4jSettings.from_env().database is None
    clean_env.setenv("ICPMAP_NEO4J_USER", "reader")
    clean_env.setenv("ICPMAP_NEO4J_PASSWORD", "pw")
    clean_env.setenv("ICPMAP_NEO4J_DATABASE", "icp")
    assert config.Neo4jSettings.from_env() == config.Neo4jSettings("bolt://db:7687", "reader", "pw", "icp")


def test_db_flag_beats_the_variable_which_beats_the_default(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert config.resolve_db_path() == config.default_db_path()
    clean_env.setenv("ICPMAP_DB", "  ")
    assert config.resolve_db_path() == config.default_db_path()
    clean_env.setenv("ICPMAP_DB", f" {tmp_path}/env ")
    assert config.resolve_db_path() == tmp_path / "env"
    clean_env.setenv("ICPMAP_DB", "~/env-store")
    assert config.resolve_db_path() == Path.home() / "env-store"
    assert config.resolve_db_path(tmp_path / "flag") == tmp_path / "flag"
    assert config.resolve_db_path("~/flag") == Path.home() / "flag"
    assert config.resolve_db_path("") == Path.home() / "env-store"


def test_files_beside_the_store(clean_env: pytest.MonkeyPatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.beside_store(".keys.json", location=str(tmp_path / "db")) == tmp_path / "db.keys.json"
    assert config.beside_store(".x", db=tmp_path / "a" / "db") == tmp_path / "a" / "db.x"
    monkeypatch.chdir(tmp_path)
    assert config.beside_store(".x", db="rel") == tmp_path / "rel.x"  # resolved against the working directory
    neo4j = config.default_db_path().parent / "neo4j.x"
    assert config.beside_store(".x", location="bolt://db:7687") == neo4j
    assert config.beside_store(".x") == config.default_db_path().parent / "store.x"
    clean_env.setenv("ICPMAP_NEO4J_URI", "bolt://db:7687")
    assert config.beside_store(".x", db=tmp_path / "ignored") == neo4j
    assert config.beside_store(".x", location=str(tmp_path / "db")) == tmp_path / "db.x"  # an embedded location wins


def test_every_variable_is_documented_once() -> None:
    names = [v.name for v in config.ENVIRONMENT]
    assert len(names) == len(set(names)) and all(n.startswith("ICPMAP_") for n in names)
    assert all(v.default and v.meaning and v.group for v in config.ENVIRONMENT)
