"""What a user feels: whole `icpmap` processes on England-sized data, each beside a reference
process measured in the same run (interleaved, so both see the same machine load).

Data: `icpmap synth --scale england` (300 Places, 1,250 PCNs, 6,600 practices, 33,000 areas,
1,000,000 registrations), loaded into a fresh embedded store. Every figure is the median of
RUNS runs of a new process (the operating system's file cache is warm after the first):

- `icpmap --help` against `python -c pass` (the floor of any Python command); target <= 0.3 s;
- `icpmap info` on the England store, against the same floor; target <= 0.6 s;
- each report, `icpmap report NAME --format csv` with a cold store (a new process), against a
  pandas script computing the same table from the CSV files (benchmarks/reference/); the two
  outputs must be identical, byte for byte; target <= 1x the script;
- the 1,000,000-row registrations file loaded by `icpmap load -q` into an empty store (the file as
  NHS Digital publishes it, which creates its practices and areas) and into a store holding the
  rest of England (the contract file), each against a `python -c "import pandas;
  pandas.read_csv(FILE)"` process reading the same file; target <= 3x, and the load's peak RSS
  under 1 GB (that process's own: started from a small launcher, as `ru_maxrss` would otherwise
  count this process's memory too; benchmarks/peak_rss.py). Beside them, the floor of such a load
  (`reference/load_floor.py`: the pandas read, then the engine's COPY and commit, nothing checked),
  against the same read: what the engine itself costs.

icpmap's modules are compiled to bytecode first, as `pip install` leaves an installed package
(`compile_bytecode`). The load average before and after is reported too: these machines are shared.

    .venv/bin/python -m benchmarks bench_cli [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .peak_rss import peak_mb_of

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "reference"
RUNS = 5
AS_AT = "2025-01-01"  # inside the synthetic data's stable window
HELP_TARGET_S = 0.3
INFO_TARGET_S = 0.6
LOAD_RATIO_TARGET = 3.0
LOAD_RSS_TARGET_MB = 1024
NHS_FILE = "gp-reg-pat-prac-lsoa-all.csv"
REPORTS: tuple[tuple[str, list[str], str, list[str]], ...] = (
    # (label, icpmap report arguments, reference script, its extra arguments)
    ("breadth", ["breadth"], "breadth.py", []),
    ("unsigned", ["unsigned"], "unsigned.py", []),
    ("coterminosity --by patients", ["coterminosity", "--by", "patients"], "coterminosity.py",
     ["--by", "patients", "--level", "place"]),
    ("coterminosity --by patients --level neighbourhood",
     ["coterminosity", "--by", "patients", "--level", "neighbourhood"], "coterminosity.py",
     ["--by", "patients", "--level", "neighbourhood"]),
    ("coterminosity --by practices", ["coterminosity", "--by", "practices"], "coterminosity.py", ["--by", "practices"]),
    ("missing-links", ["missing-links"], "missing_links.py", []),
)


def icpmap() -> list[str]:
    """The installed `icpmap` command beside this Python, as a user runs it."""
    script = Path(sys.executable).with_name("icpmap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "icpmap"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("ICPMAP_NEO4J", "ICPMAP_SETTINGS"))}


class Run:
    """One child process: wall seconds, CPU seconds, its own peak RSS (MB), and what it printed."""

    def __init__(self, argv: Sequence[str], cwd: Path | None = None) -> None:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=cwd)
        out, err = proc.communicate()  # reads the pipes, then reaps the child: use its rusage instead
        self.seconds = time.perf_counter() - started
        self.stdout, self.stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        self.code = proc.returncode
        if self.code != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({self.code}):\n{self.stderr[-3000:]}")


def _rss_mb(argv: Sequence[str]) -> float:
    """A command's own peak RSS in MB, run as a user would (this process's memory is not counted)."""
    return peak_mb_of(list(argv), env=_env())


def interleaved(commands: dict[str, Any], runs: int) -> dict[str, list[Run]]:
    """Run each command (argv, or a callable returning one after its untimed set-up) `runs`
    times, taking turns, so the reference and the figure meet the same machine."""
    out: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            argv = command() if callable(command) else command
            out[name].append(Run(argv))
    return out


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def _row(name: str, value: Any, unit: str, reference: Any = None, target: str = "", ok: Any = None) -> dict[str, Any]:
    ratio = value / reference if isinstance(value, float) and isinstance(reference, float) and reference else None
    return {"name": name, "value": value, "unit": unit, "reference": reference, "ratio": ratio,
            "target": target, "ok": ok}


def _copy_store(src: Path, dst: Path) -> None:
    for path in src.parent.glob(src.name + "*"):
        if path.name.endswith(".icpmap-lock"):
            continue
        target = dst.parent / (dst.name + path.name[len(src.name):])
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copy2(path, target)


def _remove_store(db: Path) -> None:
    for path in db.parent.glob(db.name + "*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()


def compile_bytecode() -> None:
    """Compile icpmap's modules to bytecode, as `pip install` does for an installed package, so the
    processes measured read it as a user's do. Without it (a source checkout run under
    PYTHONDONTWRITEBYTECODE, as on the shared machines) every process compiles its imports again:
    about 0.1 s of CPU for a load (2026-12-03, load 8)."""
    import compileall
    import re

    compileall.compile_dir(ROOT, quiet=1, rx=re.compile(r"[/\\](\.venv|\.git|tests|build|node_modules)[/\\]"))


def prepare(root: Path, scale: str) -> dict[str, Path]:
    """The England files (contract CSVs, and the registrations as NHS Digital publishes them), the
    store holding all of it, and the store holding everything but the registrations."""
    from icpmap.synth import generate

    data, nhs, rest = root / "csv", root / "nhs", root / "rest"
    generate(data, scale=scale, seed=0)
    generate(nhs, scale=scale, seed=0, nhs_format=True)
    rest.mkdir()
    for path in data.glob("*.csv"):
        if path.name != "registrations.csv":
            os.link(path, rest / path.name)
    cmd = icpmap()
    Run([*cmd, "--db", str(root / "db"), "load", "-q", str(data)])
    Run([*cmd, "--db", str(root / "rest-db"), "load", "-q", str(rest)])
    return {"data": data, "nhs": nhs / NHS_FILE, "db": root / "db", "rest": root / "rest-db"}


def run(quick: bool = False) -> list[dict[str, Any]]:
    scale, runs = ("region", 3) if quick else ("england", RUNS)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    cmd = icpmap()
    python = [sys.executable]
    root = Path(tempfile.mkdtemp(prefix="icpmap-bench-cli-"))
    try:
        compile_bytecode()
        paths = prepare(root, scale)
        db = ["--db", str(paths["db"])]

        # -- start-up ----------------------------------------------------------------------
        got = interleaved({"floor": [*python, "-c", "pass"], "help": [*cmd, "--help"],
                           "info": [*cmd, *db, "info"]}, runs)
        floor = median(got["floor"])
        rows.append(_row("python -c pass (the floor of any Python command)", floor, "s"))
        for name, target in (("help", HELP_TARGET_S), ("info", INFO_TARGET_S)):
            value = median(got[name])
            label = "icpmap --help" if name == "help" else f"icpmap info ({scale} store)"
            rows.append(_row(f"{label}, median of {runs} processes; reference python -c pass", value, "s", floor,
                             f"<= {target:g} s", value <= target))

        # -- reports cold, against pandas scripts ----------------------------------------------
        for label, args, script, extra in REPORTS:
            got = interleaved({
                "icpmap": [*cmd, *db, "report", *args, "--format", "csv", "--as-at", AS_AT],
                "pandas": [*python, str(REFERENCE / script), str(paths["data"]), "--as-at", AS_AT, *extra],
            }, runs)
            ours, theirs = got["icpmap"][0].stdout, got["pandas"][0].stdout
            agree = ours == theirs and all(r.stdout == ours for r in got["icpmap"])
            value, reference = median(got["icpmap"]), median(got["pandas"])
            lines = ours.count("\n") - 1
            rows.append(_row(f"icpmap report {label} cold ({lines:,} rows), median of {runs} processes; reference "
                             f"the pandas script (benchmarks/reference/{script}); results "
                             f"{'agree' if agree else 'DIFFER'}", value, "s", reference,
                             "<= 1x, results agree", agree and value <= reference))

        # -- the registrations load ------------------------------------------------------------
        counter = iter(range(10_000))

        def fresh(base: Path | None, command: list[str], file: Path) -> Any:
            def argv() -> list[str]:
                target = root / f"load-{next(counter)}"
                if base is not None:
                    _copy_store(base, target)
                if command == cmd:
                    return [*cmd, "--db", str(target), "load", "-q", str(file)]
                return [*command, str(target), str(file)]
            return argv

        floor = [*python, str(REFERENCE / "load_floor.py")]
        for label, base, file in (("into an empty store (the file as NHS Digital publishes it)", None, paths["nhs"]),
                                  ("into a store holding the rest of England", paths["rest"],
                                   paths["data"] / "registrations.csv")):
            got = interleaved({"icpmap": fresh(base, cmd, file), "floor": fresh(base, floor, file),
                               "pandas": [*python, "-c", f"import pandas; pandas.read_csv({str(file)!r})"]}, runs)
            value, reference = median(got["icpmap"]), median(got["pandas"])
            target = root / "rss"
            if base is not None:
                _copy_store(base, target)
            rss = _rss_mb([*cmd, "--db", str(target), "load", "-q", str(file)])
            _remove_store(target)
            ratio_ok = value <= LOAD_RATIO_TARGET * reference
            rows.append(_row(f"icpmap load of the registrations ({file.name}) {label}, median of {runs} "
                             f"processes; reference a process reading it with pandas", value, "s", reference,
                             f"<= {LOAD_RATIO_TARGET:g}x" + (" (full size only)" if quick else ""),
                             quick or ratio_ok))
            rows.append(_row("peak RSS of that load (the icpmap process's own, from a small launcher's wait4)", rss, "MB", None,
                             f"< {LOAD_RSS_TARGET_MB} MB", rss < LOAD_RSS_TARGET_MB))
            rows.append(_row(f"the floor of that load: read {file.name} with pandas, COPY its rows into the store, "
                             f"commit, nothing checked (benchmarks/reference/load_floor.py), median of {runs} "
                             "processes; reference the same pandas read", median(got["floor"]), "s", reference))
            for path in root.glob("load-*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows.append(_row(f"load average (1 min) before / after; {os.cpu_count()} cores; whole benchmark "
                     f"{time.perf_counter() - started:.0f} s", f"{load_before:.2f} / {os.getloadavg()[0]:.2f}", ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="region scale, 3 runs each, for a smoke run")
    args = parser.parse_args()
    for row in run(quick=args.quick):
        ratio = f"  ({row['ratio']:.2f}x the reference)" if row["ratio"] is not None else ""
        target = f"  target {row['target']}" if row["target"] else ""
        verdict = {True: "ok ", False: "NO ", None: "   "}[row["ok"]]
        value = f"{row['value']:.3g}" if isinstance(row["value"], float) else (row["value"] or "")
        print(f"{verdict} {row['name']}: {value} {row['unit']}{ratio}{target}")


if __name__ == "__main__":
    main()
