"""All of England into the graph: the load, the naive per-row loader, and Neo4j.

Data: `icpmap.synth.generate(scale="england")` (42 ICSs, 300 Places, 1,250 PCNs, 6,500
practices, 33,000 areas, 1,000,000 registrations, 20,000 organisations, ...), written to
a temporary folder in the contract CSV format. In the same run, beside each figure:

- **load**: every file into an empty embedded store with `load_paths`, each run in its
  own child process (so the peak RSS is the load's: the child's VmHWM just after
  the load), median of LOAD_RUNS runs; reference: pandas `read_csv` of every file (median
  of three). Then a re-load of the same files in that child: it must change nothing,
  and the node and relationship counts must be equal (asserted). Target: peak RSS < 2 GB.
- **registrations alone**: `registrations.csv` loaded into a store that already holds
  everything else (built once, then copied per run), median of REG_RUNS; reference:
  pandas reading that file (the issue's target for a registrations load is <= 4x).
- **naive loader**: what a py2neo-era script does, one auto-commit write per row through
  the same `Store` on the same engine:
  `MERGE (p:Practice {code:$p}) MERGE (a:Area {code:$a}) MERGE (p)-[r:REGISTERS]->(a)
  SET r.patients=$n`, over an evenly spaced sample of the registrations into a store
  already holding the practices and areas, extrapolated linearly to every row. The
  sample starts from no registrations, so each MERGE sees few relationships per
  practice; a real run would slow as they accumulate, so the extrapolation flatters
  the naive loader. Target: icpmap's loader >= 20x faster.
- **Neo4j** (only when `ICPMAP_NEO4J_URI` is set; this WIPES that database; `make
  neo4j-up` starts the bundled server): the same load and re-load, one run, against the
  embedded load; the registrations alone into a Neo4j holding everything else, one
  all-or-nothing transaction, against the plain loader a Neo4j user would write (the
  raw driver, `UNWIND $rows ... MERGE` in 10,000-row batches, each committed) on the same
  server and rows (target: >= 3x faster, server heap <= 2 GB); then every report over all
  Places, cold (the first run in a fresh process, the server's query caches cleared) and
  warm (median of RUNS after a warm-up; target < 2 s), beside the same report on the
  embedded store; the two engines' results must agree. Unset: one row saying it was skipped.

The load average before and after is reported too: these machines are shared.
`--quick` uses `scale="region"` (a sixth of England) for a smoke run.

    .venv/bin/python -m benchmarks bench_england [--quick]
    .venv/bin/python -m benchmarks.bench_england [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from icpmap.graph.model import NODES, RELS

from .peak_rss import own_peak_mb

ROOT = Path(__file__).resolve().parents[1]
LOAD_RUNS = 3
REG_RUNS = 3
READ_RUNS = 3
REPORT_RUNS = 3
NAIVE_SAMPLE = {"england": 3_000, "region": 500}
MEMORY_TARGET_MB = 2048
REG_RATIO_TARGET = 4.0
SPEEDUP_TARGET = 20.0
NEO4J_SPEEDUP_TARGET = 3.0
NEO4J_HEAP_TARGET_MB = 2048
NEO4J_REPORT_TARGET_S = 2.0
PLAIN_BATCH = 10_000
PLAIN_MERGE = (  # what a Neo4j user would write for the registrations
    "UNWIND $rows AS r MERGE (p:Practice {code: r.p}) MERGE (a:Area {code: r.a}) "
    "MERGE (p)-[x:REGISTERS]->(a) SET x.patients = r.n"
)
AS_AT = dt.date(2025, 1, 1)  # inside the synthetic data's stable window (as bench_reports)
NAIVE_MERGE = (
    "MERGE (p:Practice {code: $p}) MERGE (a:Area {code: $a}) "
    "MERGE (p)-[r:REGISTERS]->(a) SET r.patients = $n"
)
REGISTRATIONS = "registrations.csv"


# -- child processes ------------------------------------------------------------------------


def _wipe(store: Any) -> None:
    """Delete every node of a Neo4j database, in batches (but icpmap's write lock, which each
    write makes again)."""
    from icpmap.graph.dialect import NEO4J_WRITE_LOCK_LABEL

    batch = f"MATCH (n) WHERE NOT n:{NEO4J_WRITE_LOCK_LABEL} WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n"
    while store.write(batch).scalar():
        pass


def child_load(db: str, data: str) -> dict[str, Any]:
    """Load `data` into an empty store (Neo4j when configured: wiped first), then again."""
    from icpmap.graph import StoreError, open_store
    from icpmap.loaders import load_paths

    store = open_store(db)
    try:
        if store.engine == "neo4j":
            _wipe(store)
        started = time.perf_counter()
        try:
            first = load_paths(store, [data])
        except StoreError as exc:  # e.g. more than a Neo4j server lets one transaction hold
            return {"engine": store.engine, "refused": str(exc), "seconds": time.perf_counter() - started}
        load = time.perf_counter() - started
        rss_load = own_peak_mb()
        counts = store.counts()
        started = time.perf_counter()
        second = load_paths(store, [data])
        reload = time.perf_counter() - started
        after = store.counts()
    finally:
        store.close()
    return {"engine": store.engine, "load": load, "rss_load_mb": rss_load, "rss_mb": own_peak_mb(),
            "created": first.created, "counts": counts, "reload": reload, "reload_changed": second.changed,
            "reload_created": second.created, "reload_updated": second.updated, "reload_deleted": second.deleted,
            "counts_after": after}


def _copy_db(src: Path, dst: Path) -> None:
    """Copy a closed embedded store (one file, plus any sidecar files)."""
    for path in src.parent.glob(src.name + "*"):
        target = dst.parent / (dst.name + path.name[len(src.name):])
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copy2(path, target)


def _remove(db: Path) -> None:
    for path in db.parent.glob(db.name + "*"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def child_registrations(work: str, data: str, runs: int, sample: int) -> dict[str, Any]:
    """icpmap's loader and the naive loader on the registrations, each into a store
    already holding every other file."""
    from icpmap.graph import open_store
    from icpmap.loaders import load_paths

    work_dir, data_dir = Path(work), Path(data)
    rest = sorted(p for p in data_dir.glob("*.csv") if p.name != REGISTRATIONS)
    base = work_dir / "rest"
    store = open_store(base)
    try:
        load_paths(store, rest)
        practices, areas = store.counts()["Practice"], store.counts()["Area"]
    finally:
        store.close()

    times, created = [], []
    for i in range(runs):
        db = work_dir / f"regs-{i}"
        _copy_db(base, db)
        store = open_store(db)
        try:
            started = time.perf_counter()
            report = load_paths(store, [data_dir / REGISTRATIONS])
            times.append(time.perf_counter() - started)
            created.append(report.created)
        finally:
            store.close()
        _remove(db)

    regs = pd.read_csv(data_dir / REGISTRATIONS, dtype={"practice_code": str, "area_code": str})
    rows = regs.iloc[np.unique(np.linspace(0, len(regs) - 1, min(sample, len(regs))).astype(int))]
    params = [{"p": p, "a": a, "n": int(n)} for p, a, n in
              zip(rows["practice_code"], rows["area_code"], rows["patients"], strict=True)]
    db = work_dir / "naive"
    _copy_db(base, db)
    store = open_store(db)
    try:
        started = time.perf_counter()
        for row in params:
            store.write(NAIVE_MERGE, row)  # one auto-commit write per row
        naive = time.perf_counter() - started
        naive_registers = store.counts()["REGISTERS"]
    finally:
        store.close()
    return {"icpmap": times, "created": created, "rows": len(regs), "practices": practices, "areas": areas,
            "naive": naive, "naive_rows": len(params), "naive_registers": naive_registers}


def _comparable(value: Any) -> Any:
    """A report value with floats rounded, so the two engines' results compare fairly."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def _neo4j_heap_mb(store: Any) -> float | None:
    """The Neo4j server's maximum heap, from its JMX beans (None if the server will not say)."""
    try:
        heap = store.read("CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
                          "RETURN attributes.HeapMemoryUsage.value.properties.max AS max").scalar()
    except Exception:  # a server that does not allow the procedure
        return None
    return heap / 2**20 if heap else None


def child_neo4j_registrations(data: str) -> dict[str, Any]:
    """Neo4j: wipe, load every file but the registrations; then icpmap's all-or-nothing load of
    the registrations, the plain loader (the raw driver, UNWIND ... MERGE in 10,000-row batches,
    each committed), the plain loader again and icpmap again, each timed and deleted after it
    but the last: each goes first once (a store that has just had a million relationships
    deleted is not the same as a fresh one), and the store ends holding every file."""
    import neo4j as driver_module

    from icpmap.graph import open_store
    from icpmap.graph.config import Neo4jSettings
    from icpmap.loaders import load_paths

    data_dir = Path(data)
    rest = sorted(p for p in data_dir.glob("*.csv") if p.name != REGISTRATIONS)
    store = open_store()
    try:
        _wipe(store)
        load_paths(store, rest)
        heap = _neo4j_heap_mb(store)
    finally:
        store.close()
    regs = pd.read_csv(data_dir / REGISTRATIONS, dtype={"practice_code": str, "area_code": str})
    rows = [{"p": p, "a": a, "n": int(n)} for p, a, n in
            zip(regs["practice_code"], regs["area_code"], regs["patients"], strict=True)]
    settings = Neo4jSettings.from_env()
    assert settings is not None
    out: dict[str, Any] = {"plain": [], "icpmap": [], "plain_count": [], "count": [], "rows": len(rows),
                           "heap_mb": heap}
    with (driver_module.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as driver,
          driver.session(database=settings.database) as session):

        def delete() -> None:  # what either loader made: the registrations, and icpmap's totals
            for rel in ("REGISTERS", "PATIENTS_IN"):
                session.run(f"MATCH ()-[x:{rel}]->() CALL {{ WITH x DELETE x }} IN TRANSACTIONS OF 50000 ROWS").consume()

        def plain() -> None:
            started = time.perf_counter()
            for i in range(0, len(rows), PLAIN_BATCH):
                batch = rows[i:i + PLAIN_BATCH]
                session.execute_write(lambda tx, b=batch: tx.run(PLAIN_MERGE, rows=b).consume())
            out["plain"].append(time.perf_counter() - started)
            out["plain_count"].append(session.run("MATCH (:Practice)-[x:REGISTERS]->() RETURN count(x) AS n").single()["n"])

        def icpmap() -> None:
            store = open_store()
            try:
                assert store.counts()["REGISTERS"] == 0
                started = time.perf_counter()
                load_paths(store, [data_dir / REGISTRATIONS])
                out["icpmap"].append(time.perf_counter() - started)
                out["count"].append(store.counts()["REGISTERS"])
            finally:
                store.close()

        # each goes first once and second once; icpmap's last load stays, for the reports after
        steps = [icpmap, plain, plain, icpmap]
        for i, step in enumerate(steps):
            step()
            if i < len(steps) - 1:
                delete()
    return out


def child_reports(db: str, runs: int) -> dict[str, Any]:
    """Every report over all Places: the first run's seconds (cold: a fresh process, and on
    Neo4j the server's query caches cleared), median seconds after it, and the rows."""
    from icpmap.graph import open_store
    from icpmap.reports import REPORTS, ReportSettings, run_report

    settings = ReportSettings()
    out: dict[str, Any] = {}
    store = open_store(db)
    try:
        engine = store.engine
        if engine == "neo4j":
            store.write("CALL db.clearQueryCaches()")
        for name in REPORTS:
            started = time.perf_counter()
            result = run_report(store, name, as_at=AS_AT, settings=settings)  # cold, and the warm-up
            cold = time.perf_counter() - started
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                result = run_report(store, name, as_at=AS_AT, settings=settings)
                times.append(time.perf_counter() - started)
            out[name] = {"seconds": statistics.median(times), "cold": cold,
                         "rows": sorted(json.dumps(_comparable(r), default=str) for r in result.rows)}
    finally:
        store.close()
    return {"engine": engine, "reports": out}


CHILDREN = {"load": child_load, "registrations": child_registrations, "reports": child_reports,
            "neo4j_registrations": child_neo4j_registrations}


def in_child(mode: str, *args: object, neo4j: bool = False) -> dict[str, Any]:
    """Run `CHILDREN[mode](*args)` in a fresh Python process; its JSON result."""
    env = dict(os.environ) if neo4j else {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    argv = [sys.executable, "-m", "benchmarks.bench_england", "--child", mode, *map(str, args)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench_england child {mode} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the benchmark ----------------------------------------------------------------------------


def median_seconds(work: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _row(name: str, value: Any, unit: str, reference: Any = None, target: Any = None, ok: Any = None,
         ratio: float | None = None) -> dict[str, Any]:
    if ratio is None and isinstance(value, (int, float)) and isinstance(reference, (int, float)) and reference:
        ratio = value / reference
    return {"name": name, "value": value, "unit": unit, "reference": reference, "ratio": ratio,
            "target": target, "ok": ok}


def load_rows(data: Path, work: Path, generated: dict[str, int], scale: str, quick: bool) -> tuple[list, dict]:
    files = sorted(data.glob("*.csv"))
    read_all = median_seconds(lambda: [pd.read_csv(p) for p in files], READ_RUNS)
    read_regs = median_seconds(lambda: pd.read_csv(data / REGISTRATIONS), READ_RUNS)

    loads = [in_child("load", work / f"england-{i}", data) for i in range(LOAD_RUNS)]
    for i in range(1, LOAD_RUNS):  # keep the first store, for the Neo4j pass's reference
        _remove(work / f"england-{i}")
    for result in loads:
        assert result["counts"] == loads[0]["counts"], "loads of the same files gave different counts"
        assert result["counts_after"] == result["counts"], "the re-load changed the counts"
        assert result["counts"]["REGISTERS"] == generated["registrations"], result["counts"]
        assert result["counts"]["Area"] == generated["areas"], result["counts"]
    load = statistics.median(r["load"] for r in loads)
    reload = statistics.median(r["reload"] for r in loads)
    rss = max(r["rss_load_mb"] for r in loads)
    rss_all = max(r["rss_mb"] for r in loads)
    unchanged = not any(r["reload_changed"] for r in loads)
    counts = loads[0]["counts"]
    nodes = sum(counts[label] for label in NODES)
    rels = sum(counts[rel] for rel in RELS)

    regs = in_child("registrations", work, data, REG_RUNS, NAIVE_SAMPLE[scale])
    assert all(c == regs["rows"] for c in regs["created"]), regs["created"]
    assert regs["naive_registers"] == regs["naive_rows"], regs
    icpmap_regs = statistics.median(regs["icpmap"])
    naive_total = regs["naive"] / regs["naive_rows"] * regs["rows"]
    speedup = naive_total / icpmap_regs
    reg_ratio = icpmap_regs / read_regs

    full_only = " (full size only)" if quick else ""
    rows = [
        _row(f"pandas read_csv of all {len(files)} {scale} files (reference)", read_all, "s", ok=None),
        _row(f"load all of {scale} into an empty embedded store ({nodes:,} nodes, {rels:,} relationships), "
             f"median of {LOAD_RUNS} child processes", load, "s", read_all, target=None, ok=None),
        _row("peak RSS of that load (child's VmHWM after the load)", rss, "MB",
             target=f"< {MEMORY_TARGET_MB} MB", ok=rss < MEMORY_TARGET_MB),
        _row(f"re-load of the same files: no changes, counts equal (child peak {rss_all:,.0f} MB)", reload, "s",
             read_all, target="no changes", ok=unchanged),
        _row(f"registrations.csv alone ({regs['rows']:,} rows) into a store holding the rest, "
             f"median of {REG_RUNS}; reference pandas read_csv of it", icpmap_regs, "s", read_regs,
             target=f"<= {REG_RATIO_TARGET:g}x{full_only}", ok=None if quick else reg_ratio <= REG_RATIO_TARGET),
        _row(f"naive loader (one MERGE per row, auto-commit): {regs['naive_rows']:,}-row sample took "
             f"{regs['naive']:.1f} s, extrapolated to {regs['rows']:,} rows; reference icpmap's load of them",
             naive_total, "s", icpmap_regs, target=f">= {SPEEDUP_TARGET:g}x speed-up",
             ok=speedup >= SPEEDUP_TARGET),
    ]
    return rows, {"load": load, "counts": counts, "db": work / "england-0"}


def neo4j_rows(data: Path, embedded: dict, scale: str = "england") -> list[dict[str, Any]]:
    """The Neo4j column; the load speed-up target is for England's 1,000,000 registrations only."""
    if not os.environ.get("ICPMAP_NEO4J_URI", "").strip():
        return [_row("Neo4j: skipped (ICPMAP_NEO4J_URI not set)", None, "", target="skipped", ok=None)]
    result = in_child("load", "-", data, neo4j=True)
    assert result["engine"] == "neo4j", result["engine"]
    if "refused" in result:  # the server's limits refused it cleanly; the registrations go in a load of their own
        message = " ".join(result["refused"].split())
        rows = [_row(f"Neo4j: load all of {scale} at once into the wiped database: REFUSED after "
                     f"{result['seconds']:.0f} s, nothing written, the server still up ({message[:160]}...); "
                     "the rest of this column loads the registrations on their own", None, "",
                     target="counts equal the embedded store's", ok=False)]
    else:
        same = result["counts"] == embedded["counts"]
        rows = [
            _row(f"Neo4j: load all of {scale} into the wiped database (one run); reference the embedded load",
                 result["load"], "s", embedded["load"], target="counts equal the embedded store's", ok=same),
            _row("Neo4j: re-load of the same files (no changes)", result["reload"], "s", embedded["load"],
                 target="no changes", ok=not result["reload_changed"] and result["counts_after"] == result["counts"]),
        ]
    regs = in_child("neo4j_registrations", data, neo4j=True)
    full = scale == "england"
    plain, icpmap = statistics.median(regs["plain"]), statistics.median(regs["icpmap"])
    speedup = plain / icpmap
    heap = regs["heap_mb"]
    heap_ok = heap is not None and heap <= NEO4J_HEAP_TARGET_MB

    def each(times: list[float]) -> str:
        return "each run " + ", ".join(f"{t:.1f}" for t in times) + " s"

    rows += [
        _row(f"Neo4j: plain loader (raw driver, UNWIND ... MERGE, {PLAIN_BATCH:,}-row batches each committed) of "
             f"{regs['rows']:,} registrations into a store holding the rest (reference; median; {each(regs['plain'])})", plain, "s",
             ok=all(n == regs["rows"] for n in regs["plain_count"])),
        _row(f"Neo4j: icpmap's load of the same registrations, one all-or-nothing transaction "
             f"({regs['rows'] / icpmap:,.0f}/s; median; {each(regs['icpmap'])}, alternating with the plain loader); "
             f"server heap max {f'{heap:,.0f} MB' if heap else 'unknown'}; "
             "reference the plain loader", icpmap, "s", plain,
             target=f">= {NEO4J_SPEEDUP_TARGET:g}x faster, heap <= {NEO4J_HEAP_TARGET_MB} MB"
             + ("" if full else " (full size only)"),
             ok=(speedup >= NEO4J_SPEEDUP_TARGET or not full) and heap_ok
             and all(n == regs["rows"] for n in regs["count"]), ratio=speedup),
    ]
    neo = in_child("reports", "-", REPORT_RUNS, neo4j=True)["reports"]
    lady = in_child("reports", embedded["db"], REPORT_RUNS)["reports"]
    for name, got in neo.items():
        agree = got["rows"] == lady[name]["rows"]
        rows.append(_row(f"Neo4j: report {name} warm (all Places, {len(got['rows']):,} rows, median of {REPORT_RUNS}); "
                         f"reference the embedded store; results {'agree' if agree else 'DIFFER'}",
                         got["seconds"], "s", lady[name]["seconds"], target=f"< {NEO4J_REPORT_TARGET_S:g} s, agree",
                         ok=agree and got["seconds"] < NEO4J_REPORT_TARGET_S))
        rows.append(_row(f"Neo4j: report {name} cold (first run, fresh process, query caches cleared); "
                         "reference the embedded store's first run", got["cold"], "s", lady[name]["cold"]))
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    from icpmap.synth import generate

    scale = "region" if quick else "england"
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="icpmap-bench-england-") as tmp:
        data, work = Path(tmp) / "csv", Path(tmp) / "work"
        work.mkdir()
        generated = generate(data, scale=scale, seed=0)
        rows, embedded = load_rows(data, work, generated, scale, quick)
        try:
            rows += neo4j_rows(data, embedded, scale)
        except RuntimeError as exc:  # the server refused or died: say so beside the embedded rows, not instead of them
            last = str(exc).strip().splitlines()[-1]
            rows.append(_row(f"Neo4j: FAILED: {last}", None, "", target="a result", ok=False))
    rows.append(_row(f"load average (1 min) before / after; {os.cpu_count()} cores; whole benchmark "
                     f"{time.perf_counter() - started:.0f} s", f"{load_before:.2f} / {os.getloadavg()[0]:.2f}", ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="region scale, for a smoke run")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "registrations":
            rest = [rest[0], rest[1], int(rest[2]), int(rest[3])]
        elif mode == "reports":
            rest = [rest[0], int(rest[1])]
        elif mode == "neo4j_registrations":
            rest = [rest[0]]
        print(json.dumps(CHILDREN[mode](*rest)))
        return
    for row in run(quick=args.quick):
        ratio = f"  ({row['ratio']:.2f}x the reference)" if row["ratio"] is not None else ""
        target = f"  target {row['target']}" if row["target"] else ""
        verdict = {True: "ok ", False: "NO ", None: "   "}[row["ok"]]
        value = f"{row['value']:.3g}" if isinstance(row["value"], float) else (row["value"] or "")
        print(f"{verdict} {row['name']}: {value} {row['unit']}{ratio}{target}")


if __name__ == "__main__":
    main()
