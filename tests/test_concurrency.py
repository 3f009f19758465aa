"""Concurrent use: the service keeps answering reads, right, while a load runs; a second process on
the same embedded store is told clearly that it is in use, and nothing is corrupted.

The soak is `benchmarks/bench_soak.py`: 32 clients against a real uvicorn child on 127.0.0.1 for
`ICPMAP_SOAK_SECONDS` (8 s by default; `make fuzz` gives 20), with `POST /loads` of the synthetic
region a third of the way in. Every answer must be the answer before the load or after it, and
every request sent after the load finished must get the answer after it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from icpmap.graph import open_store
from icpmap.loaders import load_paths
from icpmap.loaders.export import checksum, read_graph
from icpmap.sample import SAMPLE_DIR

from .conftest import ENGINES, run_cli

SECONDS = float(os.environ.get("ICPMAP_SOAK_SECONDS") or (20 if os.environ.get("ICPMAP_FUZZ_EXAMPLES") else 8))


def _bench_soak() -> ModuleType:
    """The soak benchmark's own code (benchmarks/bench_soak.py), as `make bench` runs it."""
    return importlib.import_module("benchmarks.bench_soak")


@pytest.mark.parametrize("engine", ENGINES)
def test_property_32_clients_get_right_answers_while_a_load_runs(tmp_path: Path, engine: str) -> None:
    result = _bench_soak().soak(SECONDS, 32, root=tmp_path, engine=engine)
    print(f"\nsoak ({engine}): {result['requests']} requests from {result['clients']} clients in {result['seconds']:.1f}s "
          f"({result['rps']:.0f}/s), {result['during_load']} answered during the {result['load_seconds']:.1f}s load; "
          f"5xx {result['server_errors']}, wrong {result['wrong']}, stale {result['stale']}, "
          f"broken {result['broken']}; p95 {result['p95_outside_ms']:.0f} ms, "
          f"{result['p95_during_ms']:.0f} ms during the load")
    assert result["load_status"] == 200, result["load_body"]
    # The load changes the answers, so a mixed or stale answer would be seen.
    assert len(result["changed"]) >= 5, result["changed"]
    assert result["requests"] > 100 * SECONDS
    assert result["during_load"] >= 32, "the service stopped answering while the load ran"
    assert result["server_errors"] == 0, result["samples"]
    assert result["wrong"] == 0, result["samples"]
    assert result["stale"] == 0, result["samples"]
    assert result["broken"] == 0, result["samples"]
    assert not result["tracebacks"], result["stderr"]


HOLDER = """
import sys, time
from icpmap.graph import open_store
store = open_store(sys.argv[1])
print("OPEN", flush=True)
time.sleep(120)
"""


def _embedded(path: Path):  # type: ignore[no-untyped-def]
    return open_store(path, engine="ladybug")


def test_a_second_process_is_told_the_store_is_in_use_and_nothing_changes(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with _embedded(db) as store:
        load_paths(store, [SAMPLE_DIR])
        before = checksum(read_graph(store))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "OPEN"
        for args in (["info"], ["load", "-q", str(SAMPLE_DIR)], ["export", str(tmp_path / "backup")],
                     ["forget", "PER-001", "--yes"], ["query", "MATCH (n) RETURN count(n)"],
                     ["copy", "--to", str(tmp_path / "other")]):
            # The holder keeps the store until it is killed, so a command that waited for it
            # would never finish: run_cli's timeout fails the test (no clock is read here).
            done = run_cli(*args, db=db, timeout=60)
            assert done.returncode == 1, (args, done.stdout, done.stderr)
            message = " ".join(done.stderr.split())
            assert "is in use by another process" in message, (args, message)
            assert "Traceback" not in done.stderr
        assert not (tmp_path / "backup").exists()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    with _embedded(db) as store:  # the holder was killed: the store opens, unchanged
        assert checksum(read_graph(store)) == before


def test_loads_from_two_threads_of_one_process_are_serialised(tmp_path: Path) -> None:
    import threading

    from icpmap.synth import generate

    generate(tmp_path / "a", scale="place", seed=1)
    with _embedded(tmp_path / "db") as store:
        errors: list[BaseException] = []

        def run(path: Path) -> None:
            try:
                load_paths(store, [path])
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(p,)) for p in (SAMPLE_DIR, tmp_path / "a")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        both = checksum(read_graph(store))
    with _embedded(tmp_path / "serial") as store:  # the same loads one after the other
        load_paths(store, [SAMPLE_DIR])
        load_paths(store, [tmp_path / "a"])
        assert checksum(read_graph(store)) == both


@pytest.mark.skipif(not os.environ.get("ICPMAP_NEO4J_URI"), reason="needs ICPMAP_NEO4J_URI")
@pytest.mark.neo4j
def test_neo4j_shares_one_database_between_processes(tmp_path: Path) -> None:
    env = dict(os.environ)
    with open_store() as store:
        store.write("MATCH (n) DETACH DELETE n")
    argv = [sys.executable, "-m", "icpmap", "load", "-q", str(SAMPLE_DIR)]
    children = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
    with open_store() as store, _embedded(tmp_path / "ref") as ref:
        load_paths(ref, [SAMPLE_DIR])
        assert checksum(read_graph(store)) == checksum(read_graph(ref))
