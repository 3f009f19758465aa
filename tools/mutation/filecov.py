"""A pytest plugin: which test reads which of the package's non-Python files, and how long
each test takes. Used once before the text mutants run, so each mutant runs only the tests
that read the file it changed.

Reads are seen by wrapping `open`/`io.open`; the package's in-memory caches (functools
caches, Jinja template caches) are emptied before each test so a file read by an earlier
test is read again by the next one that needs it. A fixture set up once for a module or the
session (a diagram page written once, then opened by each test) reads its files in the first
test only: what it read is counted for every test that uses it.
"""

from __future__ import annotations

import builtins
import functools
import gc
import io
import json
import os
import time
from pathlib import Path

import pytest

_OUT = os.environ.get("ICPMAP_FILECOV_OUT", "")
_PKG = Path(os.environ.get("ICPMAP_FILECOV_PKG", ".")).resolve()
_current: set[str] | None = None
_reads: dict[str, list[str]] = {}
_durations: dict[str, float] = {}
_fixture_reads: dict[int, set[str]] = {}  # id(FixtureDef) -> what its setup read
_real_open = builtins.open


def _note(file: object) -> None:
    if _current is None or not isinstance(file, (str, os.PathLike)):
        return
    try:
        path = Path(os.fspath(file)).resolve()
    except (OSError, ValueError, TypeError):
        return
    if path.suffix != ".py" and path.is_relative_to(_PKG):
        _current.add(str(path.relative_to(_PKG)))


def _open(file, *args, **kwargs):
    _note(file)
    return _real_open(file, *args, **kwargs)


def _clear_caches() -> None:
    for obj in gc.get_objects():
        try:
            if isinstance(obj, functools._lru_cache_wrapper) and getattr(obj, "__module__", "").startswith("icpmap"):
                obj.cache_clear()
            elif (type(obj).__name__ == "Environment" and type(obj).__module__.startswith("jinja2")
                  and getattr(obj, "cache", None) is not None):
                obj.cache.clear()
        except Exception:
            continue


def pytest_configure(config) -> None:
    builtins.open = _open
    io.open = _open


def pytest_runtest_setup(item) -> None:
    global _current
    _clear_caches()
    _current = set()
    item._filecov_start = time.perf_counter()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    global _current
    outer, mine = _current, set()
    _current = mine
    try:
        yield
    finally:
        _current = outer
        _fixture_reads.setdefault(id(fixturedef), set()).update(mine)
        if outer is not None:
            outer.update(mine)


def pytest_runtest_teardown(item, nextitem) -> None:
    global _current
    if _current is not None:
        info = getattr(item, "_fixtureinfo", None)
        for name in getattr(item, "fixturenames", ()):
            for fixturedef in (info.name2fixturedefs.get(name, ()) if info else ()):
                _current |= _fixture_reads.get(id(fixturedef), set())
        _reads[item.nodeid] = sorted(_current)
    _durations[item.nodeid] = time.perf_counter() - getattr(item, "_filecov_start", time.perf_counter())
    _current = None


def pytest_unconfigure(config) -> None:
    builtins.open = _real_open
    io.open = _real_open
    if _OUT:
        Path(_OUT).write_text(json.dumps({"reads": _reads, "durations": _durations}, indent=1), encoding="utf-8")
