"""A pytest plugin for mutation runs: a wall-clock limit on each test.

A mutant that makes one test loop for ever would otherwise hold a worker until the whole
mutant's time limit (minutes). Here a test running past ICPMAP_MUTATION_TEST_TIMEOUT seconds
(setup, call and teardown together) fails, the session stops, and pytest exits with 36,
which mutmut and tools/mutation/textrun.py read as *timeout*: undecided, out of the score,
never a kill. A clean run that times out therefore fails loudly instead of passing.

    pytest -p testlimit ...      # with tools/mutation on PYTHONPATH
"""

from __future__ import annotations

import os
import signal

import pytest

TIMEOUT_EXIT = 36  # mutmut's own code for a timeout
_limit = float(os.environ.get("ICPMAP_MUTATION_TEST_TIMEOUT", "0") or 0)
_timed_out: list[str] = []


class TestTimedOut(Exception):
    """Raised in the main thread when the running test passes its limit."""


def _alarm(signum, frame) -> None:  # type: ignore[no-untyped-def]
    raise TestTimedOut(f"test ran past {_limit:.0f}s (ICPMAP_MUTATION_TEST_TIMEOUT)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):  # type: ignore[no-untyped-def]
    if _limit <= 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, _limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pytest_runtest_logreport(report) -> None:  # type: ignore[no-untyped-def]
    if report.failed and "TestTimedOut" in str(report.longrepr):
        _timed_out.append(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus) -> None:  # type: ignore[no-untyped-def]
    if _timed_out:
        session.exitstatus = TIMEOUT_EXIT
