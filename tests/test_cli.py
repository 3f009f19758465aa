"""The `icpmap` command end to end, in child processes, on a real embedded store."""

from __future__ import annotations

import csv
import io
import json

import pytest

from icpmap.sample import SAMPLE_DIR


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory, cli):
    db = tmp_path_factory.mktemp("cli") / "store"
    out = cli("load", str(SAMPLE_DIR), db=db)
    assert out.returncode == 0, out.stderr
    return db


def counts(cli, db) -> dict[str, int]:
    out = cli("run", "counts", "--format", "json", db=db)
    assert out.returncode == 0, out.stderr
    return {r["name"]: r["count"] for r in json.loads(out.stdout)}


def test_info_shows_engine_location_and_counts(cli, loaded_db):
    out = cli("info", db=loaded_db)
    assert out.returncode == 0, out.stderr
    assert "ladybug" in out.stdout and str(loaded_db.name) in out.stdout
    assert "Place" in out.stdout and " 9 " in out.stdout


def test_query_refuses_a_delete_and_nothing_changes(cli, loaded_db):
    before = counts(cli, loaded_db)
    out = cli("query", "MATCH (n) DETACH DELETE n", db=loaded_db)
    assert out.returncode != 0
    assert "read-only" in out.stderr and "Traceback" not in out.stderr
    assert counts(cli, loaded_db) == before and before["Place"] == 9


def test_query_with_params_as_json_or_string(cli, loaded_db):
    out = cli(
        "query", "MATCH (p:Place) WHERE p.code = $code RETURN p.name AS name, $n + 1 AS n",
        "--param", "code=E08000014", "--param", "n=41", "--format", "csv", db=loaded_db,
    )
    assert out.returncode == 0, out.stderr
    assert list(csv.reader(io.StringIO(out.stdout))) == [["name", "n"], ["Sefton", "42"]]


def test_queries_lists_the_library(cli):
    out = cli("queries")
    assert out.returncode == 0
    assert "place-members" in out.stdout and "counts" in out.stdout


def test_run_a_named_query_in_each_format(cli, loaded_db, tmp_path):
    for fmt in ("table", "csv", "json"):
        out = cli("run", "place-members", "--param", "place=E08000012", "--format", fmt, db=loaded_db)
        assert out.returncode == 0, out.stderr
        assert "Liverpool" in out.stdout or "organisation_code" in out.stdout
    target = tmp_path / "m.xlsx"
    out = cli("run", "places", "--format", "xlsx", "--output", str(target), db=loaded_db)
    assert out.returncode == 0 and target.stat().st_size > 0


def test_errors_are_messages_not_tracebacks(cli, loaded_db):
    for args in (["run", "no-such-query"], ["run", "place-members"], ["query", "MATCH (n RETURN n"],
                 ["run", "place-members", "--param", "place=E1", "--param", "as_at=yesterday"]):
        out = cli(*args, db=loaded_db)
        assert out.returncode != 0, args
        assert "Error" in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)


