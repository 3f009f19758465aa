"""Shared fixtures: real stores in temporary directories, the sample, the shared NHS data.

Engines: every test that takes `store` or `engine` (or a module fixture with
`params=ENGINES`) runs on the embedded engine, and again on Neo4j when `ICPMAP_NEO4J_URI`
is set (`make neo4j-up` starts one). The Neo4j run WIPES the database it points at.
A server holds one database, so tests take turns with it: `open_engine_store` wipes it,
and within each module the Neo4j tests run after the embedded ones, those holding a
module-wide Neo4j store last (`pytest_collection_modifyitems`). Under pytest-xdist each
worker takes a server of its own (`_take_own_neo4j`); with one server, one process.

A test that needs something this machine may lack (Chromium, a Neo4j server, the shared
NHS files, LibreOffice and poppler) skips with a reason through `require(kind, reason)`.
Where the environment says the thing is there — `ICPMAP_REQUIRE_BROWSER=1`,
`ICPMAP_REQUIRE_NEO4J=1`, `ICPMAP_REQUIRE_SHARED_DATA=1`, `ICPMAP_REQUIRE_OFFICE=1` (CI sets
them) — that skip is a failure instead, and so is any skip of a test marked `browser`,
`neo4j`, `shared_data` or `office`: CI cannot pass with the browser, Neo4j or office checks silently not run (every test that
reaches Neo4j is marked `neo4j`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import neo4j  # noqa: F401  before pytest names test modules after the checkout's folder (see below)
import pytest

from icpmap.graph import Store, open_store
from icpmap.graph.dialect import NEO4J_WRITE_LOCK_LABEL
from icpmap.sample import SAMPLE_DIR

# (The repository root is a package, so pytest's importlib mode names test modules
# `<folder>.tests.test_x` and registers `<folder>` as a module: in a checkout folder named
# `neo4j` that would hide the driver, had it not been imported above.)
ROOT = Path(__file__).resolve().parents[1]


def _take_own_neo4j() -> None:
    """Under pytest-xdist (`make test` runs two workers), each worker takes its own Neo4j
    server: `.ci/run` starts one per worker and lists their variable files (what `make
    neo4j-up` prints) in ICPMAP_TEST_NEO4J_ENVS, so no worker wipes another's database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    files = os.environ.get("ICPMAP_TEST_NEO4J_ENVS", "").split()
    if not worker.startswith("gw") or not files:
        return
    chosen = Path(files[int(worker[2:]) % len(files)])
    for line in chosen.read_text(encoding="utf-8").splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        if name.startswith("ICPMAP_NEO4J_"):
            os.environ[name] = value


_take_own_neo4j()
SHARED_DATA = Path(os.environ.get("ICPMAP_SHARED_DATA", ROOT.parent / "shared" / "data"))
NEO4J = bool(os.environ.get("ICPMAP_NEO4J_URI", "").strip())
ENGINES = ["ladybug", "neo4j"] if NEO4J else ["ladybug"]
NO_NEO4J = "needs a Neo4j server: set ICPMAP_NEO4J_URI (make neo4j-up starts one); the test WIPES that database"

# A test that runs only against a Neo4j server: marked `neo4j`, skipped without one.
neo4j_only = pytest.mark.skipif(not NEO4J, reason=NO_NEO4J)


REQUIRABLE = ("browser", "neo4j", "shared_data", "office")


def required(kind: str) -> bool:
    """True when the environment promises `kind` (ICPMAP_REQUIRE_<KIND>=1)."""
    return os.environ.get(f"ICPMAP_REQUIRE_{kind.upper()}", "").strip() not in ("", "0")


class NotPromised(pytest.skip.Exception):
    """A skip for want of something the environment does not promise: a test marked `neo4j`
    that skips because the shared data is absent is not a Neo4j skip, even where Neo4j is required."""


def require(kind: str, reason: str) -> None:
    """Skip the calling test for want of `kind`, or fail it where `kind` is required."""
    if required(kind):
        pytest.fail(f"{reason} (ICPMAP_REQUIRE_{kind.upper()}=1 says it must be here)", pytrace=False)
    raise NotPromised(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A skip of a test marked with a required kind is turned into a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        kinds = [k for k in REQUIRABLE if item.get_closest_marker(k) is not None and required(k)]
        if kinds and not (call.excinfo is not None and isinstance(call.excinfo.value, NotPromised)):
            report.outcome = "failed"
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.longrepr = f"skipped, but ICPMAP_REQUIRE_{kinds[0].upper()}=1: {reason}"


def pytest_sessionstart(session: pytest.Session) -> None:
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    servers = len(os.environ.get("ICPMAP_TEST_NEO4J_ENVS", "").split())
    if NEO4J and workers > 1 and servers < workers:
        raise pytest.UsageError(f"{workers} pytest workers but {servers or 'one'} Neo4j server(s): the workers would wipe "
                                "each other's database. Run one process (TEST_WORKERS=0 make test, or pytest "
                                "without -n), or start a server per worker and list them in ICPMAP_TEST_NEO4J_ENVS "
                                "as .ci/run does")
    if required("neo4j") and not NEO4J:
        raise pytest.UsageError("ICPMAP_REQUIRE_NEO4J=1 but ICPMAP_NEO4J_URI is not set: no test would reach Neo4j "
                                "(make neo4j-up starts one)")


def wipe(store: Store) -> None:
    """Delete every node, in batches (one huge transaction is slow on Neo4j); not icpmap's
    write lock, which each write (this one too) would make again."""
    batch = f"MATCH (n) WHERE NOT n:{NEO4J_WRITE_LOCK_LABEL} WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS n"
    while store.write(batch).scalar():
        pass


def open_engine_store(engine: str, path: Path) -> Store:
    """An empty store: LadybugDB at `path`, or the (wiped) Neo4j of `ICPMAP_NEO4J_URI`."""
    if engine == "neo4j":
        if not NEO4J:
            require("neo4j", NO_NEO4J)
        store = open_store(engine="neo4j")
        wipe(store)
        return store
    return open_store(path, engine="ladybug")


_NEO4J_DATA_HOME: list[str] = []


def child_env(engine: str = "ladybug", extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process using `engine`: the Neo4j variables only for Neo4j,
    with a throwaway data folder (where icpmap keeps a Neo4j store's audit and keys), not the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    if engine == "neo4j":
        env.update({k: v for k, v in os.environ.items() if k.startswith("ICPMAP_NEO4J")})
        if not _NEO4J_DATA_HOME:
            _NEO4J_DATA_HOME.append(tempfile.mkdtemp(prefix="icpmap-test-data-"))
            atexit.register(shutil.rmtree, _NEO4J_DATA_HOME[0], True)
        env["XDG_DATA_HOME"] = _NEO4J_DATA_HOME[0]
    env.update(extra or {})
    return env


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(engine: str, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each engine."""
    s = open_engine_store(engine, tmp_path / "db")
    yield s
    s.close()


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture
def sample_store(store: Store) -> Store:
    """A store with the bundled sample loaded."""
    from icpmap.loaders import load_paths

    load_paths(store, [SAMPLE_DIR])
    return store


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        require("shared_data", f"shared NHS/ONS data not found at {SHARED_DATA}")
    return SHARED_DATA


def run_cli(*args: str, db: Path | None = None, env: dict[str, str] | None = None, input: str | None = None,
            timeout: float = 120, engine: str = "ladybug") -> subprocess.CompletedProcess[str]:
    """Run the real `icpmap` command in a child process, on the embedded store at `db` or on
    Neo4j (`engine="neo4j"`: the child gets the ICPMAP_NEO4J_* variables)."""
    argv = [sys.executable, "-m", "icpmap"]
    if db is not None:
        argv += ["--db", str(db)]
    full_env = child_env(engine, env)
    full_env.setdefault("COLUMNS", "200")
    return subprocess.run([*argv, *args], capture_output=True, text=True, env=full_env, input=input, timeout=timeout)


@pytest.fixture(scope="session")
def open_store_for():
    """`open_engine_store(engine, path)`, for module-scoped fixtures of test modules."""
    return open_engine_store


CHROMIUM = os.environ.get("ICPMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright for Python (never a downloaded browser).

    Module-scoped: Playwright's sync API keeps an event loop running while it is open,
    which would break `asyncio.run()` and other Playwright sessions in later modules."""
    if not Path(CHROMIUM).exists():
        require("browser", f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium; CI does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def cli():
    """`run_cli`, the real `icpmap` in a child process."""
    return run_cli


# -- Neo4j: one database, taken in turns -------------------------


def _neo4j_rank(item: pytest.Item) -> int:
    """0: no Neo4j; 1: Neo4j in the test's own fixtures; 2: a module-wide Neo4j fixture."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        scopes = getattr(callspec, "_arg2scope", {})
        wide = [name for name, value in callspec.params.items()
                if value == "neo4j" and str(getattr(scopes.get(name), "value", scopes.get(name))) != "function"]
        if wide:
            return 2
        if "neo4j" in callspec.params.values():
            return 1
    return 1 if item.get_closest_marker("neo4j") is not None else 0


# Where every engine test runs on Neo4j too would make `make test` too long on 2 cores, these
# modules' engine tests run on Neo4j by default (store, queries, reports, loading and its rules,
# export/copy, forget, the API, user queries and attacks, crash safety, concurrency);
# ICPMAP_NEO4J_TESTS=all runs every engine-parametrised test on Neo4j (docs/neo4j.md).
NEO4J_MODULES = frozenset({
    "test_store", "test_neo4j_store", "test_queries", "test_reports", "test_reports_sample",
    "test_report_boundaries", "test_changes", "test_changes_scope", "test_totals",
    "test_load", "test_load_rules", "test_load_nhs", "test_intake_load", "test_store_units", "test_control_chars", "test_hostile_input",
    "test_roundtrip", "test_forget_audit", "test_safety_units", "test_api", "test_neo4j_user_query", "test_attacks",
    "test_attack_fuzz", "test_crash_safety", "test_concurrency", "test_bench_smoke", "test_papers",
    "test_engine_regressions", "test_report_scopes",
})


# The longest modules (minutes each: whole demos, a wheel in a new venv, board-paper packs,
# published files, crash safety) start first, so the two pytest-xdist workers (`make test`,
# `--dist loadfile --no-loadscope-reorder`) finish together instead of one starting a long module at the end.
LONGEST_FIRST = frozenset({
    "test_wheel", "test_demo", "test_papers", "test_walkthrough", "test_loader_fuzz", "test_roundtrip",
    "test_load_nhs", "test_crash_safety", "test_hostile_input", "test_api",
})


def neo4j_everywhere() -> bool:
    return os.environ.get("ICPMAP_NEO4J_TESTS", "").strip().lower() == "all"


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tests that take a browser fixture (`browser`, `chromium`) are marked `browser`, and
    tests that reach Neo4j `neo4j` (before `-m` selects, so `pytest -m neo4j` works)."""
    uses = getattr(item, "fixturenames", ())
    if ("browser" in uses or "chromium" in uses) and item.get_closest_marker("browser") is None:
        item.add_marker(pytest.mark.browser)
    if _neo4j_rank(item) and item.get_closest_marker("neo4j") is None:
        item.add_marker(pytest.mark.neo4j)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Neo4j runs of modules outside NEO4J_MODULES are deselected (unless ICPMAP_NEO4J_TESTS=all).
    Within each module: embedded tests first, then tests that wipe Neo4j for themselves, then
    those sharing a module-wide Neo4j store (so no test wipes it under them)."""
    if NEO4J and not neo4j_everywhere():
        left_out = [item for item in items if _neo4j_rank(item) and item.path.stem not in NEO4J_MODULES]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            dropped = set(map(id, left_out))
            items[:] = [item for item in items if id(item) not in dropped]
    modules: dict[object, int] = {}
    for item in items:
        modules.setdefault(item.module, len(modules) + (0 if item.path.stem in LONGEST_FIRST else len(items)))
    items.sort(key=lambda item: (modules[item.module], _neo4j_rank(item)))
