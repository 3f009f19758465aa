"""Run the text mutants: a worker per core, each with its own staging copy.

A worker imports the heavy libraries once, then per mutant writes the mutated file into
its copy, forks, and runs only the covering tests in the child (`pytest -x`); the child
imports `icpmap` afresh from the copy, so mutated Python and data files both take effect.
A child that runs past its time limit is killed and counted as a timeout.

    python -m tools.mutation.textrun WORKDIR JOBS.json RESULTS.jsonl
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .stage import STAGE, stage

TEXT_STAGE = STAGE / "text"
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-p", "testlimit", "--no-header", "-W", "ignore::DeprecationWarning",
               "-m", "not slow and not neo4j and not shared_data"]


def env(workdir: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("ICPMAP_NEO4J", "ICPMAP_REQUIRE"))}
    e["PYTHONPATH"] = os.pathsep.join([str(workdir), str(Path(__file__).parent)])
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    e["ICPMAP_SHARED_DATA"] = "/nonexistent"
    e.setdefault("ICPMAP_FUZZ_EXAMPLES", "25")
    return e


def coverage(tests: list[str], out: Path, deselect: list[str] = ()) -> dict:
    """Run `tests` once in a clean copy with the file-reading recorder; returns its record."""
    workdir = stage(TEXT_STAGE / "coverage")
    e = env(workdir)
    e["ICPMAP_FILECOV_OUT"] = str(out)
    e["ICPMAP_FILECOV_PKG"] = str(workdir / "icpmap")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "filecov", "-p", "no:cacheprovider", "--no-header",
            "-m", "not slow and not neo4j and not shared_data", *tests,
            *(arg for test in deselect for arg in ("--deselect", test))]
    code = subprocess.call(argv, cwd=workdir, env=e, stdout=subprocess.DEVNULL)
    if code not in (0, 1):
        raise SystemExit(f"the coverage run failed to run (pytest exit {code})")
    return json.loads(out.read_text(encoding="utf-8"))


def spawn(index: int, jobs: list[dict], results: Path) -> subprocess.Popen:
    workdir = stage(TEXT_STAGE / f"w{index}")
    jobs_file = TEXT_STAGE / f"jobs-{index}.json"
    jobs_file.write_text(json.dumps(jobs), encoding="utf-8")
    argv = [sys.executable, "-m", "tools.mutation.textrun", str(workdir), str(jobs_file), str(results)]
    root = Path(__file__).resolve().parents[2]
    e = env(workdir)
    e["PYTHONPATH"] = os.pathsep.join([str(root), e["PYTHONPATH"]])
    return subprocess.Popen(argv, cwd=workdir, env=e)


def _preload() -> None:
    for name in ("pytest", "numpy", "pandas", "openpyxl", "jinja2", "fastapi", "starlette.testclient", "httpx",
                 "hypothesis", "networkx", "pyvis", "rich", "typer", "pydantic", "ladybug"):
        try:
            __import__(name)
        except ImportError:
            pass


def _run_one(workdir: Path, job: dict) -> tuple[str, float]:
    path = workdir / "icpmap" / job["file"]
    original = path.read_text(encoding="utf-8")
    mutated = original[: job["start"]] + job["replacement"] + original[job["end"]:]
    path.write_text(mutated, encoding="utf-8")
    started = time.monotonic()
    try:
        code = _child(job["tests"], started + job["timeout"])
        if code == 4:
            # pytest's usage error: a parametrised test's id changed with the mutant (a test
            # parametrised by the very constant mutated); run those tests by function instead
            by_function = list(dict.fromkeys(t.split("[", 1)[0] for t in job["tests"]))
            code = _child(by_function, started + job["timeout"])
    finally:
        path.write_text(original, encoding="utf-8")
    if code == "timeout":
        return "timeout", time.monotonic() - started
    # 36: a test ran past the per-test limit (tools/mutation/testlimit.py): undecided, not a kill
    status = {0: "survived", 1: "killed", 2: "killed", 3: "killed", 5: "no tests", 36: "timeout"}.get(
        code, f"error {code}")
    return status, time.monotonic() - started


def _child(tests: list[str], deadline: float) -> int | str:
    """Run `tests` in a forked child (a fresh import of the package copy); its exit code, or "timeout"."""
    pid = os.fork()
    if pid == 0:  # the child: a fresh pytest run with nothing of icpmap imported yet
        try:
            os.setpgid(0, 0)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            import pytest

            code = int(pytest.main([*PYTEST_ARGS, *tests]))
        except BaseException:
            code = 99
        os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            code = "timeout"
            break
        time.sleep(0.05)
    return code


def main(workdir: str, jobs_file: str, results_file: str) -> None:
    wd = Path(workdir)
    os.chdir(wd)
    sys.path.insert(0, str(wd))
    sys.dont_write_bytecode = True
    _preload()
    jobs = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    with open(results_file, "a", encoding="utf-8") as out:
        for job in jobs:
            status, seconds = _run_one(wd, job)
            out.write(json.dumps({"id": job["id"], "status": status, "seconds": round(seconds, 2)}) + "\n")
            out.flush()


if __name__ == "__main__":
    main(*sys.argv[1:4])
