"""Crash-safe loads: a load killed with SIGKILL at any moment leaves the store exactly as before
or with the whole load applied, and the next command opens it cleanly.

A real child process loads generated data (8 Places: about 27,000 registrations, with
creates, updates and deletes against what the store holds) and is killed at several points:
while reading the files, in the open transaction once the nodes are written and relationships
are being bulk-copied, as the transaction commits (twice: at once, and half
way through the commit), after the commit before the store is closed, and the real
`icpmap load` command on a timer. After each kill `icpmap info` must open the store, and its
counts and checksum (`loaders.export.checksum` of every node, relationship and property)
must equal those of the store before the load, or after the whole load.

On Neo4j (when ICPMAP_NEO4J_URI is set; this WIPES it) the same child loads into the server
and is killed at the same points: the server must roll back or keep the whole transaction,
and hold exactly the graph before or after (the checksums are the same on both engines).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from icpmap.graph import open_store
from icpmap.loaders import load_paths
from icpmap.loaders.export import checksum, read_graph
from icpmap.synth import generate
from icpmap.synth.common import ENGLAND

from .conftest import child_env, neo4j_only, open_engine_store, run_cli

CHILD = """
import sys, time
from icpmap.graph import open_store
from icpmap.loaders import load_paths
store = open_store(sys.argv[1])
def tell(what, done, total):
    print("STEP", what, flush=True)
load_paths(store, [sys.argv[2]], progress=tell)
print("LOADED", flush=True)
time.sleep(120)  # killed here: committed, not yet closed
"""


def _embedded(path: Path):  # type: ignore[no-untyped-def]
    return open_store(path, engine="ladybug")


def _state(path: Path) -> tuple[dict[str, int], str]:
    with _embedded(path) as store:
        dump = read_graph(store)
        return dump.counts(), checksum(dump)


@dataclass
class States:
    root: Path
    base: Path  # the store before the load
    data: Path  # the files the load reads
    before: tuple[dict[str, int], str]
    after: tuple[dict[str, int], str]
    timings: dict[str, float] = field(default_factory=dict)  # s after start the child printed each line


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> States:
    root = tmp_path_factory.mktemp("crash")
    scale = ENGLAND.slice("crash", 8)
    generate(root / "d0", scale=scale, seed=0)
    generate(root / "d1", scale=scale, seed=1)  # same codes, other names and memberships: all kinds of change
    base = root / "base"
    with _embedded(base) as store:
        load_paths(store, [root / "d0"])
    before = _state(base)
    shutil.copy(base, root / "after")
    with _embedded(root / "after") as store:
        report = load_paths(store, [root / "d1"])
        assert report.created and report.updated and report.deleted
    after = _state(root / "after")
    assert before[1] != after[1]
    return States(root, base, root / "d1", before, after)


def _victim(states: States, name: str) -> Path:
    db = states.root / f"victim-{name}"
    shutil.copy(states.base, db)
    return db


def _env() -> dict[str, str]:
    return child_env("ladybug")


def _kill_at(states: States, db: Path, marker: str, delay: float = 0.0,
             engine: str = "ladybug") -> tuple[int, dict[str, float]]:
    """Run the loading child; SIGKILL it `delay` s after it prints a line starting with `marker`.
    Returns its exit status and when (s after start) it printed each line."""
    started = time.perf_counter()
    seen: dict[str, float] = {}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(states.data)], stdout=subprocess.PIPE,
                             text=True, env=child_env(engine))
    try:
        assert child.stdout is not None
        for line in child.stdout:
            seen.setdefault(line.strip(), time.perf_counter() - started)
            if line.startswith(marker):
                time.sleep(delay)
                os.kill(child.pid, signal.SIGKILL)
                break
        else:
            pytest.fail(f"the load never reached {marker!r}")
        return child.wait(timeout=60), seen
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


def _after_crash(states: States, db: Path) -> str:
    """The next command opens the store cleanly; the store is exactly before or after."""
    info = run_cli("info", db=db, timeout=120)
    assert info.returncode == 0 and "Traceback" not in info.stderr, info.stderr
    counts, digest = _state(db)
    if digest == states.before[1]:
        assert counts == states.before[0]
        return "before"
    if digest == states.after[1]:
        assert counts == states.after[0]
        return "after"
    pytest.fail(f"after the kill the store is neither as before nor as after the load: counts {counts}")


# (the line the child prints, then what the store must be after the kill)
POINTS = [
    ("STEP Reading registrations.csv", "before"),  # before the transaction
    ("STEP Writing REGISTERS", "before"),  # in the open transaction, after the node writes, during COPY FROM
    ("STEP Committing", None),  # as the commit starts: either
    ("LOADED", "after"),  # committed (and checkpointed), not closed
]
KILLS: list[str] = []


@pytest.mark.parametrize(("marker", "expected"), POINTS, ids=[m.split()[-1] for m, _ in POINTS])
def test_a_load_killed_at_a_point_leaves_the_store_before_or_after(states: States, marker: str,
                                                                     expected: str | None) -> None:
    db = _victim(states, marker.split()[-1])
    status, seen = _kill_at(states, db, marker)
    states.timings.update(seen)
    assert status == -signal.SIGKILL
    got = _after_crash(states, db)
    if expected is not None:
        assert got == expected
    KILLS.append(f"{marker} -> {got}")


def test_a_load_killed_half_way_through_its_commit_leaves_the_store_before_or_after(states: States) -> None:
    if "LOADED" not in states.timings:
        states.timings.update(_kill_at(states, _victim(states, "measure"), "LOADED", 0)[1])
    commit = states.timings["LOADED"] - states.timings["STEP Committing"]
    db = _victim(states, "mid-commit")
    status, _ = _kill_at(states, db, "STEP Committing", delay=commit / 2)
    assert status == -signal.SIGKILL
    KILLS.append(f"half way through the commit -> {_after_crash(states, db)}")


def test_the_load_command_killed_mid_way_leaves_the_store_before_or_after(states: States) -> None:
    at = states.timings.get("STEP Writing REGISTERS", 2.0) + 0.3
    db = _victim(states, "cli")
    child = subprocess.Popen([sys.executable, "-m", "icpmap", "--db", str(db), "load", "-q", str(states.data)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    try:
        child.wait(timeout=at)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
    status = child.wait(timeout=120)
    got = _after_crash(states, db)
    if status == -signal.SIGKILL:
        KILLS.append(f"icpmap load killed at {at:.1f}s -> {got}")
    else:  # the machine was quick: it finished first, which must then be the whole load
        assert status == 0 and got == "after"


def test_a_killed_load_can_simply_be_run_again(states: States) -> None:
    db = _victim(states, "again")
    status, _ = _kill_at(states, db, "STEP Writing REGISTERS")
    assert status == -signal.SIGKILL
    KILLS.append("STEP Writing REGISTERS (then loaded again) -> " + _after_crash(states, db))
    done = run_cli("load", "-q", str(states.data), db=db, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _state(db) == states.after
    print(f"\ncrash safety: {len(KILLS)} kills survived: " + "; ".join(KILLS))


# -- Neo4j: the same kills, the load going to the server ------------------------------------------------


def _neo4j_before(states: States) -> None:
    """Neo4j holding the store before the load (a kill that left it so needs no reload)."""
    with open_store(engine="neo4j") as neo:
        dump = read_graph(neo)
    if (dump.counts(), checksum(dump)) == states.before:
        return
    with open_engine_store("neo4j", states.root / "unused") as neo:
        load_paths(neo, [states.root / "d0"])
        dump = read_graph(neo)
    assert (dump.counts(), checksum(dump)) == states.before


def _neo4j_after_crash(states: States) -> str:
    """Once the server has ended the killed client's transaction, `icpmap info` works and
    Neo4j holds exactly the graph before or after the load."""
    with open_store(engine="neo4j") as neo:
        deadline = time.monotonic() + 60
        while True:  # the server notices the closed connection and rolls back (or finishes a commit)
            others = neo.read("SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' "
                              "RETURN count(*) AS n").scalar()
            if not others or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert not others, "the killed load's transaction is still open on the server after 60 s"
    info = run_cli("info", engine="neo4j", timeout=120)
    assert info.returncode == 0 and "Traceback" not in info.stderr, info.stderr
    with open_store(engine="neo4j") as neo:
        dump = read_graph(neo)
    got = (dump.counts(), checksum(dump))
    if got == states.before:
        return "before"
    if got == states.after:
        return "after"
    pytest.fail(f"after the kill Neo4j is neither as before nor as after the load: counts {got[0]}")


NEO4J_POINTS = [*POINTS, ("STEP Committing half way", None)]


@pytest.mark.neo4j
@neo4j_only
@pytest.mark.parametrize(("marker", "expected"), NEO4J_POINTS, ids=[m.split(maxsplit=1)[-1] for m, _ in NEO4J_POINTS])
def test_a_load_into_neo4j_killed_at_a_point_leaves_it_before_or_after(states: States, marker: str,
                                                                       expected: str | None) -> None:
    _neo4j_before(states)
    delay = 0.0
    if marker.endswith("half way"):
        marker = marker.removesuffix(" half way")
        if "neo4j-LOADED" not in states.timings:  # measure the commit once: a whole load into Neo4j
            _, seen = _kill_at(states, states.root / "unused", "LOADED", engine="neo4j")
            states.timings.update({f"neo4j-{k}": v for k, v in seen.items()})
            _neo4j_before(states)
        delay = (states.timings["neo4j-LOADED"] - states.timings["neo4j-STEP Committing"]) / 2
    status, seen = _kill_at(states, states.root / "unused", marker, delay, engine="neo4j")
    states.timings.update({f"neo4j-{k}": v for k, v in seen.items()})
    assert status == -signal.SIGKILL
    got = _neo4j_after_crash(states)
    if expected is not None:
        assert got == expected
    if marker == "STEP Writing REGISTERS":  # and the killed load can simply be run again
        done = run_cli("load", "-q", str(states.data), engine="neo4j", timeout=300)
        assert done.returncode == 0, done.stderr
        with open_store(engine="neo4j") as neo:
            dump = read_graph(neo)
        assert (dump.counts(), checksum(dump)) == states.after
    KILLS.append(f"Neo4j: {marker}{f' +{delay:.2f}s' if delay else ''} -> {got}")
