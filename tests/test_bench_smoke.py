"""Smoke tests of benchmarks/bench_england.py: the rows it returns, and its Neo4j pass on a real server."""

from __future__ import annotations

from pathlib import Path

import pytest

from icpmap.reports import REPORTS
from icpmap.sample import SAMPLE_DIR

from .conftest import neo4j_only

bench = pytest.importorskip("benchmarks.bench_england")


@pytest.mark.slow
def test_quick_run_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICPMAP_NEO4J_URI", raising=False)
    rows = bench.run(quick=True)
    by_start = {r["name"].split(" (")[0].split(":")[0]: r for r in rows}
    for row in rows:
        assert set(row) == {"name", "value", "unit", "reference", "ratio", "target", "ok"}
    assert by_start["peak RSS of that load"]["ok"] is True
    assert any(r["name"].startswith("re-load") and r["ok"] is True for r in rows)
    naive = next(r for r in rows if r["name"].startswith("naive loader"))
    assert naive["ok"] is True and naive["ratio"] >= bench.SPEEDUP_TARGET
    neo4j = next(r for r in rows if r["name"].startswith("Neo4j"))
    assert "skipped" in neo4j["name"] and neo4j["ok"] is None


@pytest.mark.neo4j
@neo4j_only
def test_neo4j_pass_on_the_sample(tmp_path: Path) -> None:
    """The Neo4j pass of `make bench` against the real server (WIPES it), on the bundled sample:
    its load equals the embedded one, the re-load changes nothing, the plain loader and icpmap's
    all-or-nothing load both write every registration, and every report agrees with the embedded
    store's."""
    embedded = bench.in_child("load", tmp_path / "embedded", SAMPLE_DIR)
    rows = bench.neo4j_rows(SAMPLE_DIR, {"load": embedded["load"], "counts": embedded["counts"],
                                         "db": tmp_path / "embedded"})
    assert rows[0]["ok"] is True and rows[1]["ok"] is True, rows[:2]
    plain, ours = rows[2], rows[3]
    assert plain["ok"] is True and "plain loader" in plain["name"]
    assert "icpmap's load" in ours["name"] and ours["ratio"] is not None and "heap max unknown" not in ours["name"]
    reports = [r for r in rows if r["name"].startswith("Neo4j: report") and " warm " in r["name"]]
    assert len(reports) == len(REPORTS)
    assert all("results agree" in r["name"] for r in reports), [r["name"] for r in reports]
