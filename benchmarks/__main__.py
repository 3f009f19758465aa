"""`make bench`: run every benchmark, print one table, write benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import json
import os
import pkgutil
import platform
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).parent
COLUMNS = ("name", "value", "unit", "reference", "ratio", "target", "ok")


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    return f"{os.cpu_count()} cores, {mem_gb:.0f} GB RAM, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return "" if value is None else str(value)


def write_results(rows: list[dict], ran: list[str]) -> None:
    """Keep every module's latest rows in results.json and render RESULTS.md from them.

    A run of some modules (`python -m benchmarks bench_diagram`) replaces only theirs.
    """
    store = HERE / "results.json"
    saved = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
    stamp = f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    for name in ran:
        saved[name] = {"when": stamp, "machine": machine(),
                       "rows": [{k: r.get(k) for k in COLUMNS} for r in rows if r["module"] == name]}
    store.write_text(json.dumps(saved, indent=1, default=str) + "\n", encoding="utf-8")
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m benchmarks`); each figure is beside a reference measured",
        "in the same run. Each module's rows are from its latest run, dated below.",
        "",
        "| module | run | " + " | ".join(COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 2) + "|",
    ]
    for name in sorted(saved):
        for r in saved[name]["rows"]:
            lines.append(f"| {name} | {saved[name]['when']} | " + " | ".join(fmt(r.get(c)) for c in COLUMNS) + " |")
    machines = sorted({v["machine"] for v in saved.values()})
    lines += ["", "Machine: " + "; ".join(machines)]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("only", nargs="*", help="benchmark modules to run (default: all)")
    args = parser.parse_args()
    names = args.only or sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    rows: list[dict] = []
    failures = 0
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        try:
            kwargs = {"quick": args.quick} if "quick" in inspect.signature(module.run).parameters else {}
            for row in module.run(**kwargs):
                rows.append({"module": name, **row})
        except Exception:
            failures += 1
            traceback.print_exc()
            rows.append({"module": name, "name": f"{name} FAILED", "ok": False})
    table = Table(title=f"icpmap benchmarks — {machine()}")
    for column in ("module", *COLUMNS):
        table.add_column(column)
    for row in rows:
        table.add_row(*(fmt(row.get(c)) for c in ("module", *COLUMNS)))
    Console().print(table)
    if not args.quick:
        write_results(rows, names)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
