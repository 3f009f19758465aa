"""Loading practice x LSOA registrations at national scale, against pandas reading the same CSV.

Generates `gp-reg-pat-prac-lsoa-all.csv` as NHS Digital publishes it (1,000,000 rows,
6,500 practices, 33,000 areas, with a few placeholder area codes such as `NO2011`),
then in the same run:

- the floor: `pandas.read_csv` of the file (best of three, in this process). The floor
  depends on how pandas stores strings: without pyarrow (icpmap's dependencies) a Python
  object per cell; with pyarrow installed pandas 3 reads the same file about four times
  faster (Arrow strings), which moves the target, so the row names the storage used;
- icpmap's load of the file into an empty embedded store, in a child process, with
  that child's own peak memory (its VmHWM: `ru_maxrss` would count the parent's, see
  benchmarks/peak_rss.py); targets: at most 4x the floor, under 2 GB;
- the same load again (nothing changes: the idempotent re-load).

The file alone creates the practices (code, name), the areas (code; kind `lsoa`, or
`unknown` for a placeholder) and the REGISTERS relationships (see docs/concepts/published-files.md).

    .venv/bin/python -m benchmarks.bench_load [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FULL = {"rows": 1_000_000, "practices": 6_500, "areas": 33_000}
QUICK = {"rows": 20_000, "practices": 300, "areas": 2_000}
TIME_RATIO_TARGET = 4.0
MEMORY_TARGET_MB = 2048
HEADER = ["PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "LSOA_CODE", "SEX", "NUMBER_OF_PATIENTS"]
PLACEHOLDERS = ["NO2011", "CLOSED", "UNKNOWN"]


def generate(folder: Path, rows: int, practices: int, areas: int, seed: int = 3) -> Path:
    """Write the published registrations file: one row per (practice, area) pair."""
    rng = np.random.default_rng(seed)
    practice_codes = np.array(sorted(f"{chr(65 + i % 26)}{81000 + i:05d}" for i in range(practices)))
    practice_names = np.array([f"PRACTICE {i}, SURGERY" for i in range(practices)])
    welsh = max(1, areas // 20)
    area_codes = np.array(
        [f"E01{i:06d}" for i in range(areas - welsh - len(PLACEHOLDERS))]
        + [f"W01{i:06d}" for i in range(welsh)] + PLACEHOLDERS
    )
    pairs = np.unique(rng.integers(0, practices * areas, size=int(rows * 1.02), dtype=np.int64))
    while len(pairs) < rows:
        pairs = np.unique(np.concatenate([pairs, rng.integers(0, practices * areas, size=rows, dtype=np.int64)]))
    pairs = rng.permutation(pairs)[:rows]
    pairs.sort()  # the published file is ordered by practice
    p, a = pairs // areas, pairs % areas
    frame = pd.DataFrame({
        "PUBLICATION": "GP_PRAC_PAT_LIST",
        "EXTRACT_DATE": "01JAN2024",
        "PRACTICE_CODE": practice_codes[p],
        "PRACTICE_NAME": practice_names[p],
        "LSOA_CODE": area_codes[a],
        "SEX": "ALL",
        "NUMBER_OF_PATIENTS": rng.integers(1, 400, size=rows),
    }, columns=HEADER)
    path = folder / "gp-reg-pat-prac-lsoa-all.csv"
    frame.to_csv(path, index=False)
    return path


def floor_seconds(path: Path, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        pd.read_csv(path)
        best = min(best, time.perf_counter() - started)
    return best


CHILD = r"""
import json, sys, time
from benchmarks.peak_rss import own_peak_mb
from icpmap.graph import open_store
from icpmap.loaders import load_paths
store = open_store(sys.argv[1])
started = time.perf_counter()
first = load_paths(store, [sys.argv[2]])
load = time.perf_counter() - started
counts = store.counts()
started = time.perf_counter()
second = load_paths(store, [sys.argv[2]])
reload = time.perf_counter() - started
store.close()
print(json.dumps({"load": load, "reload": reload, "reload_changed": second.changed,
                  "rss_mb": own_peak_mb(),
                  "registers": counts["REGISTERS"], "practices": counts["Practice"], "areas": counts["Area"]}))
"""


def load_in_child(db: Path, path: Path) -> dict:
    """Load `path` into `db` twice in a fresh Python process; its timings, counts and own peak RSS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    done = subprocess.run([sys.executable, "-c", CHILD, str(db), str(path)], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the load failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> list[dict]:
    size = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="icpmap-bench-") as tmp:
        folder = Path(tmp)
        path = generate(folder, **size)
        floor = floor_seconds(path)
        result = load_in_child(folder / "db", path)
    rows = size["rows"]
    assert result["registers"] == rows, result
    ratio = result["load"] / floor
    rss = result["rss_mb"]
    return [
        {"name": f"pandas read_csv, {rows:,} registration rows (floor; {pd.StringDtype().storage} strings)",
         "value": floor, "unit": "s",
         "reference": None, "ratio": None, "target": None, "ok": None},  # the reference: nothing to judge
        {"name": f"icpmap load into an empty embedded store ({result['practices']:,} practices, "
                 f"{result['areas']:,} areas)", "value": result["load"], "unit": "s",
         "reference": floor, "ratio": ratio,
         # At smoke-run size fixed costs dominate: the ratio target applies to the national size.
         "target": f"<= {TIME_RATIO_TARGET:g}x" + (" (full size only)" if quick else ""),
         "ok": None if quick else ratio <= TIME_RATIO_TARGET},  # not judged at smoke size
        {"name": "peak memory of the load and re-load (the child's VmHWM)", "value": rss, "unit": "MB",
         "reference": None, "ratio": None, "target": f"< {MEMORY_TARGET_MB} MB", "ok": rss < MEMORY_TARGET_MB},
        {"name": "re-load of the same file (no changes)", "value": result["reload"], "unit": "s",
         "reference": floor, "ratio": result["reload"] / floor, "target": "no changes",
         "ok": not result["reload_changed"]},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK['rows']:,} rows, for a smoke run")
    args = parser.parse_args()
    for row in run(quick=args.quick):
        value = f"{row['value']:.2f} {row['unit']}"
        extra = f"  ({row['ratio']:.2f}x the floor; target {row['target']})" if row["ratio"] is not None else (
            f"  (target {row['target']})" if row["target"] else "")
        verdict = {True: "ok ", False: "NO ", None: "   "}[row["ok"]]  # None: nothing to judge
        print(f"{verdict} {row['name']}: {value}{extra}")


if __name__ == "__main__":
    main()
