"""`icpmap report changes` for one year over England-sized synthetic data, as a user runs it: a whole
process, cold, beside the pandas script that computes the same from the CSV files
(benchmarks/reference/changes.py) in the same run. The two outputs must be identical.

Data: `icpmap synth --scale england` (seed 0), loaded once into an embedded store. Every dated
fact of the synthetic data is on or before 2022-06-30 (or from 2030), so the window is the year
to that day, 2021-07-01 to 2022-06-30. The processes take turns (interleaved), median of 5 each.
Target: icpmap <= 1x the pandas script, results agreeing.

    .venv/bin/python -m benchmarks.bench_changes [--quick]
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
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent / "reference" / "changes.py"
SINCE, UNTIL = "2021-07-01", "2022-06-30"
RUNS = 5


def _env() -> dict[str, str]:
    """The embedded store, and Python's bytecode cache as a user has it: an installed package has its
    .pyc files, and an editable one writes them on its first run (the warm-up run below), so a
    PYTHONDONTWRITEBYTECODE in the benchmark's own environment would make every run of ours compile
    its modules again (about 0.3 s) while the reference script imports only compiled pandas."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J") and k != "PYTHONDONTWRITEBYTECODE"}


def _timed(argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=_env(), check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} failed: {done.stderr[-2000:]}")
    return elapsed, done.stdout


def prepare(root: Path, scale: str) -> tuple[Path, Path]:
    from icpmap.synth import generate

    data = root / "csv"
    generate(data, scale=scale, seed=0)
    db = root / "db"
    subprocess.run([sys.executable, "-m", "icpmap", "--db", str(db), "load", str(data)], check=True,
                   capture_output=True, env=_env())
    return data, db


def run(quick: bool = False) -> list[dict[str, Any]]:
    scale, runs = ("region", 3) if quick else ("england", RUNS)
    root = Path(tempfile.mkdtemp(prefix="icpmap-bench-changes-"))
    load = os.getloadavg()[0]
    try:
        data, db = prepare(root, scale)
        ours_argv = [sys.executable, "-m", "icpmap", "--db", str(db), "report", "changes", "--from", SINCE, "--to",
                     UNTIL, "--format", "csv"]
        theirs_argv = [sys.executable, str(REFERENCE), str(data), "--from", SINCE, "--to", UNTIL]
        _timed(ours_argv)  # the first open of a freshly loaded store pays for its checkpoint (and the first run
        _timed(theirs_argv)  # writes the bytecode cache): not a user's run; the script's first run likewise
        ours, theirs, outputs = [], [], set()
        for _ in range(runs):  # taking turns, so both meet the same machine
            seconds, text = _timed(ours_argv)
            ours.append(seconds)
            outputs.add(text)
            seconds, reference_text = _timed(theirs_argv)
            theirs.append(seconds)
        text = outputs.pop() if len(outputs) == 1 else ""
        agree = text == reference_text and not outputs
        value, reference = statistics.median(ours), statistics.median(theirs)
        lines = text.count("\n") - 1
        return [{
            "name": f"icpmap report changes --from {SINCE} --to {UNTIL} ({scale}, {lines:,} rows), cold, median of "
                    f"{runs} processes; reference the pandas script (benchmarks/reference/changes.py) from the CSVs; "
                    f"results {'agree' if agree else 'DIFFER'}; load average {load:.1f} at the start",
            "value": round(value, 3), "unit": "s", "reference": round(reference, 3),
            "ratio": round(value / reference, 3) if reference else None,
            "target": "<= 1x, results agree", "ok": bool(agree and value <= reference),
        }]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="region scale, 3 runs each")
    args = parser.parse_args()
    for row in run(quick=args.quick):
        print(row)


if __name__ == "__main__":
    main()
