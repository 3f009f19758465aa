"""Refusing hostile input files in bounded memory and time (moved here from the unit tests).

Every hostile file of `tests/test_hostile_input.py` (zip bombs, huge and many-sheet
workbooks, damaged workbooks, binary junk named .csv, 2.2 million cells, ...) is loaded in
turn by one child process through the load path of `icpmap load` and `POST /loads`; the
reference is the same child loading one tiny good file. Targets: the child's peak memory
at most 150 MB above the reference, each refusal under 20 s. The unit tests check that
each file is refused with the right message and that nothing is written.

    .venv/bin/python -m benchmarks bench_hostile
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

MEMORY_MARGIN_MB = 150
SECONDS_TARGET = 20.0


def run(quick: bool = False) -> list[dict]:
    from tests.test_hostile_input import CHECKER, _run_measured, hostile_files

    with tempfile.TemporaryDirectory(prefix="icpmap-bench-hostile-") as tmp:
        root = Path(tmp)
        files = hostile_files(root / "files")
        ok = root / "ok"
        ok.mkdir()
        (ok / "ics.csv").write_text("code,name\nQ1,An ICS\n")
        code, err, base_s, baseline = _run_measured([sys.executable, "-c", CHECKER, str(root / "db"), str(ok / "ics.csv")])
        if code != 0:
            raise RuntimeError(err)
        code, out, _seconds, peak = _run_measured(
            [sys.executable, "-c", CHECKER, str(root / "db"), *(str(p) for p, _ in files.values())], stdout=True)
        if code != 0:
            raise RuntimeError(out)
        results = {r["path"]: r for r in map(json.loads, out.splitlines())}
    slowest_what, slowest = max(((what, results[str(p)]["seconds"]) for what, (p, _) in files.items()),
                                key=lambda x: x[1])
    peak_mb, base_mb = peak / 2**20, baseline / 2**20
    return [
        {"name": f"peak memory refusing {len(files)} hostile files in one process (reference: a tiny good load)",
         "value": round(peak_mb), "unit": "MB", "reference": round(base_mb), "ratio": round(peak_mb / base_mb, 2),
         "target": f"<= reference + {MEMORY_MARGIN_MB} MB", "ok": peak_mb <= base_mb + MEMORY_MARGIN_MB},
        {"name": f"slowest refusal ({slowest_what}) (reference: the tiny good load, whole process)",
         "value": round(slowest, 2), "unit": "s", "reference": round(base_s, 2),
         "ratio": round(slowest / base_s, 2) if base_s else None,
         "target": f"< {SECONDS_TARGET:g} s", "ok": slowest < SECONDS_TARGET},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
