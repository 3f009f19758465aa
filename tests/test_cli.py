"""The `icpmap` command end to end, in child processes, on a real embedded store and (when
ICPMAP_NEO4J_URI is set) on Neo4j."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from icpmap.sample import SAMPLE_DIR

from .conftest import ENGINES, neo4j_only, open_engine_store


@dataclass
class Loaded:
    """The sample loaded through `icpmap load` into a store of one engine."""

    engine: str
    db: Path | None  # the embedded store; None on Neo4j (the environment names it)
    cli: Callable[..., subprocess.CompletedProcess[str]]

    def __call__(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return self.cli(*args, db=self.db, engine=self.engine, timeout=timeout)


@pytest.fixture(scope="module", params=ENGINES)
def loaded(request, tmp_path_factory, cli) -> Loaded:
    tmp = tmp_path_factory.mktemp("cli")
    open_engine_store(request.param, tmp / "store").close()  # empty (Neo4j wiped)
    run = Loaded(request.param, tmp / "store" if request.param == "ladybug" else None, cli)
    out = run("load", str(SAMPLE_DIR))
    assert out.returncode == 0, out.stderr
    return run


def counts(run: Loaded) -> dict[str, int]:
    out = run("run", "counts", "--format", "json")
    assert out.returncode == 0, out.stderr
    return {r["name"]: r["count"] for r in json.loads(out.stdout)}


def test_info_shows_engine_location_and_counts(loaded: Loaded):
    out = loaded("info")
    assert out.returncode == 0, out.stderr
    if loaded.engine == "ladybug":
        assert "ladybug" in out.stdout and str(loaded.db.name) in out.stdout
    else:  # the server's address, never its password
        assert "neo4j" in out.stdout and os.environ["ICPMAP_NEO4J_URI"].split("//")[-1] in out.stdout
        assert os.environ["ICPMAP_NEO4J_PASSWORD"] not in out.stdout
    assert "Place" in out.stdout and " 9 " in out.stdout


def test_query_refuses_a_delete_and_nothing_changes(loaded: Loaded):
    before = counts(loaded)
    out = loaded("query", "MATCH (n) DETACH DELETE n")
    assert out.returncode != 0
    assert "read-only" in out.stderr and "Traceback" not in out.stderr
    assert counts(loaded) == before and before["Place"] == 9


def test_query_with_params_as_json_or_string(loaded: Loaded):
    out = loaded(
        "query", "MATCH (p:Place) WHERE p.code = $code RETURN p.name AS name, $n + 1 AS n",
        "--param", "code=E08000014", "--param", "n=41", "--format", "csv",
    )
    assert out.returncode == 0, out.stderr
    assert list(csv.reader(io.StringIO(out.stdout))) == [["name", "n"], ["Sefton", "42"]]


def test_queries_lists_the_library(cli):
    out = cli("queries")
    assert out.returncode == 0
    assert "place-members" in out.stdout and "counts" in out.stdout


def test_run_a_named_query_in_each_format(loaded: Loaded, tmp_path):
    for fmt in ("table", "csv", "json"):
        out = loaded("run", "place-members", "--param", "place=E08000012", "--format", fmt)
        assert out.returncode == 0, out.stderr
        assert "Liverpool" in out.stdout or "organisation_code" in out.stdout
    target = tmp_path / "m.xlsx"
    out = loaded("run", "places", "--format", "xlsx", "--output", str(target))
    assert out.returncode == 0 and target.stat().st_size > 0


def test_errors_are_messages_not_tracebacks(loaded: Loaded):
    for args in (["run", "no-such-query"], ["run", "place-members"], ["query", "MATCH (n RETURN n"],
                 ["run", "place-members", "--param", "place=E1", "--param", "as_at=yesterday"]):
        out = loaded(*args)
        assert out.returncode != 0, args
        assert "Error" in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)


@pytest.mark.neo4j
@neo4j_only
def test_demo_runs_on_neo4j(cli, tmp_path):
    """The demo on the embedded store is tests/test_demo.py; here it runs once on Neo4j."""
    open_engine_store("neo4j", tmp_path / "store").close()  # empty (Neo4j wiped)
    run = Loaded("neo4j", None, cli)
    # (the demo draws 16 diagrams and charts: minutes of CPU on a loaded machine)
    out = run("demo", "--out", str(tmp_path / "demo"), timeout=600)
    assert out.returncode == 0, out.stderr
    assert "Where to look" in out.stdout
    written = {p.name for p in (tmp_path / "demo").rglob("*") if p.is_file()}
    assert "counts.csv" in written and "index.html" in written
    assert counts(run)["Place"] == 9
