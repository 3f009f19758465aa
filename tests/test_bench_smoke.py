"""Smoke tests of benchmarks/bench_england.py: the rows it returns, and its Neo4j pass's plumbing."""

from __future__ import annotations

from pathlib import Path

import pytest

from icpmap.sample import SAMPLE_DIR

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


def test_neo4j_pass_plumbing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The Neo4j pass, run against the embedded engine standing in for the server."""
    original = bench.in_child

    def fake(mode: str, *args: object, neo4j: bool = False) -> dict:
        if neo4j:  # the "server" is another embedded store
            args = (tmp_path / "server", *args[1:])
        result = original(mode, *args)
        if neo4j:
            result["engine"] = "neo4j"
        return result

    monkeypatch.setattr(bench, "in_child", fake)
    monkeypatch.setenv("ICPMAP_NEO4J_URI", "bolt://stand-in")
    embedded = original("load", tmp_path / "embedded", SAMPLE_DIR)
    rows = bench.neo4j_rows(SAMPLE_DIR, {"load": embedded["load"], "counts": embedded["counts"],
                                         "db": tmp_path / "embedded"})
    assert rows[0]["ok"] is True and rows[1]["ok"] is True
    reports = [r for r in rows if r["name"].startswith("Neo4j: report")]
    assert reports and all(r["ok"] is True for r in reports), [r["name"] for r in reports if not r["ok"]]
