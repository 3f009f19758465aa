"""Shared fixtures: real stores in temporary directories, the sample, the shared NHS data.

Every test that takes `store` runs on the embedded engine, and again on Neo4j when
`ICPMAP_NEO4J_URI` is set. The Neo4j run WIPES the database it points at.

A test that needs something this machine may lack (Chromium, a Neo4j server, the shared
NHS files, LibreOffice and poppler) skips with a reason through `require(kind, reason)`.
Where the environment says the thing is there — `ICPMAP_REQUIRE_BROWSER=1`,
`ICPMAP_REQUIRE_NEO4J=1`, `ICPMAP_REQUIRE_SHARED_DATA=1`, `ICPMAP_REQUIRE_OFFICE=1` (CI sets
them) — that skip is a failure instead, and so is any skip of a test marked `browser`,
`neo4j`, `shared_data` or `office`: CI cannot pass with the browser checks silently not run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from icpmap.graph import Store, open_store
from icpmap.sample import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ICPMAP_SHARED_DATA", ROOT.parent / "shared" / "data"))
NEO4J = bool(os.environ.get("ICPMAP_NEO4J_URI"))
ENGINES = ["ladybug", "neo4j"] if NEO4J else ["ladybug"]


REQUIRABLE = ("browser", "neo4j", "shared_data", "office")


def required(kind: str) -> bool:
    """True when the environment promises `kind` (ICPMAP_REQUIRE_<KIND>=1)."""
    return os.environ.get(f"ICPMAP_REQUIRE_{kind.upper()}", "").strip() not in ("", "0")


def require(kind: str, reason: str) -> None:
    """Skip the calling test for want of `kind`, or fail it where `kind` is required."""
    if required(kind):
        pytest.fail(f"{reason} (ICPMAP_REQUIRE_{kind.upper()}=1 says it must be here)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A skip of a test marked with a required kind is turned into a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        kinds = [k for k in REQUIRABLE if item.get_closest_marker(k) is not None and required(k)]
        if kinds:
            report.outcome = "failed"
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.longrepr = f"skipped, but ICPMAP_REQUIRE_{kinds[0].upper()}=1: {reason}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that take a browser fixture (`browser`, `chromium`) are browser tests, marked or not."""
    for item in items:
        uses = getattr(item, "fixturenames", ())
        if ("browser" in uses or "chromium" in uses) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


def pytest_sessionstart(session: pytest.Session) -> None:
    if required("neo4j") and not NEO4J:
        raise pytest.UsageError("ICPMAP_REQUIRE_NEO4J=1 but ICPMAP_NEO4J_URI is not set: no test would reach Neo4j")


def wipe(store: Store) -> None:
    store.write("MATCH (n) DETACH DELETE n")


def open_engine_store(engine: str, path: Path) -> Store:
    """An empty store: LadybugDB at `path`, or the (wiped) Neo4j of `ICPMAP_NEO4J_URI`."""
    if engine == "neo4j":
        store = open_store()
        wipe(store)
        return store
    return open_store(path, engine="ladybug")


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
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real `icpmap` command in a child process."""
    argv = [sys.executable, "-m", "icpmap"]
    if db is not None:
        argv += ["--db", str(db)]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    full_env.update(env or {})
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
