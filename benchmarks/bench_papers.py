"""Board papers as a user makes them: whole `icpmap profile` processes on the bundled sample, each
beside `icpmap report all` of the same scope written as a workbook (the reports the paper is
built from, without the pictures and the layout), measured in the same run, taking turns.

- a Place profile (`--place E08000012`, Liverpool) as Word and as PDF; target < 3 s;
- the same profile with `--since` (a year of the sample's changes: the figures as at two dates
  and the changes report), as PDF;
- the ICS pack (`--ics QYG`, the 9 Places) as Word and as PDF; target < 15 s;
- warm, in one process: reading the facts, drawing the pictures and writing each format.

Each whole-process row has a CPU row beside it: user + system seconds of the command and the
painter processes it forks (`papers.painter`), against the reference's. On a loaded machine the
wall time is what the other users leave over; the CPU seconds are the work, and on an idle
2-core machine a profile's wall time is below them (the painter draws while the facts are read).
The load average before and after is in the rows' names: these machines are shared.

    .venv/bin/python -m benchmarks bench_papers [--quick]
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from .bench_cli import Run, _row, icpmap

PLACE, ICS = "E08000012", "QYG"
RUNS = 3
PROFILE_TARGET_S, PACK_TARGET_S = 3.0, 15.0
SINCE = ("--as-at", "2022-06-30", "--since", "2021-07-01")  # the sample's last year of changes


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped children and what they reaped
    return usage.ru_utime + usage.ru_stime


def interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, list[tuple[float, float]]]:
    """Each command `runs` times, taking turns: (wall seconds, CPU seconds) of each run."""
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            before = _cpu()
            run = Run(argv)
            out[name].append((run.seconds, _cpu() - before))
    return out


def _warm(db: Path, runs: int) -> list[dict[str, Any]]:
    """In one process, the store open and everything imported: each step of a paper, median of `runs`."""
    from icpmap import papers
    from icpmap.graph import open_store
    from icpmap.reports import run_all

    rows = []
    with open_store(db, engine="ladybug") as store:
        for label, scope in (("Place profile", {"place": PLACE}), ("ICS pack", {"ics": ICS})):
            papers.render(papers.compose(papers.prepare(store, **scope)), "pdf")  # imports, fonts, query plans
            times: dict[str, list[float]] = {k: [] for k in ("reports", "prepare", "compose", "docx", "pdf")}
            for _ in range(runs):
                started = time.perf_counter()
                list(run_all(store, **scope))
                times["reports"].append(time.perf_counter() - started)
                started = time.perf_counter()
                prepared = papers.prepare(store, **scope)
                times["prepare"].append(time.perf_counter() - started)
                started = time.perf_counter()
                doc = papers.compose(prepared)
                times["compose"].append(time.perf_counter() - started)
                for fmt in papers.FORMATS:
                    started = time.perf_counter()
                    papers.render(doc, fmt)
                    times[fmt].append(time.perf_counter() - started)
            ref = statistics.median(times["reports"])
            for step, what in (("prepare", "read the facts (reports, diagram graph, audit)"),
                               ("compose", "draw the pictures and lay out"), ("docx", "write Word"),
                               ("pdf", "write PDF")):
                rows.append(_row(f"{label} warm in-process: {what}, median of {runs}; reference every report of the "
                                 "same scope in-process (run_all)", statistics.median(times[step]), "s", ref))
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    runs = 1 if quick else RUNS
    load_before = os.getloadavg()[0]
    rows: list[dict[str, Any]] = []
    cmd = icpmap()
    root = Path(tempfile.mkdtemp(prefix="icpmap-bench-papers-"))
    try:
        from icpmap.sample import SAMPLE_DIR

        db = root / "store"
        Run([*cmd, "--db", str(db), "load", "-q", str(SAMPLE_DIR)])  # through the CLI: the load audit has it
        base = [*cmd, "--db", str(db)]
        for label, scope, target in (("Place profile --place " + PLACE, ["--place", PLACE], PROFILE_TARGET_S),
                                     ("ICS pack --ics " + ICS + " (9 Places)", ["--ics", ICS], PACK_TARGET_S)):
            commands = {
                "reference": [*base, "report", "all", *scope, "--format", "xlsx", "-o", str(root / "reports.xlsx")],
                "docx": [*base, "profile", *scope, "-o", str(root / "paper.docx")],
                "pdf": [*base, "profile", *scope, "-o", str(root / "paper.pdf")],
            }
            if "--place" in scope:
                commands["since"] = [*base, "profile", *scope, *SINCE, "-o", str(root / "since.pdf")]
            got = interleaved(commands, runs)
            reference = statistics.median(w for w, _ in got["reference"])
            reference_cpu = statistics.median(c for _, c in got["reference"])
            for fmt in [k for k in commands if k != "reference"]:
                value = statistics.median(w for w, _ in got[fmt])
                what = f"{' '.join(SINCE)} -o paper.pdf" if fmt == "since" else f"-o paper.{fmt}"
                reference_name = f"icpmap report all {' '.join(scope)} --format xlsx"
                rows.append(_row(f"icpmap profile {label} {what}, whole process, median of {runs}; reference "
                                 f"{reference_name}", value, "s", reference, f"< {target:g} s", value < target))
                rows.append(_row(f"icpmap profile {label} {what}: CPU seconds (user + system, with its painter "
                                 f"processes), median of {runs}; reference {reference_name}",
                                 statistics.median(c for _, c in got[fmt]), "s", reference_cpu))
        rows += _warm(db, runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load_after = os.getloadavg()[0]
    for r in rows:
        r["name"] += f" (load average {load_before:.1f} before, {load_after:.1f} after)"
    return rows


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(json.dumps(run(parser.parse_args().quick), indent=1, default=str))
