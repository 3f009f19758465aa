"""User queries (`POST /query`): latency through the confined worker processes against the
in-process read they replaced, the time limit kept, and the service's memory under the
worst query.

Both services run the sample in a child uvicorn on 127.0.0.1 with an analyst key:
- "workers": as shipped (each query in a worker process on a snapshot, plan-checked, confined);
- "in process" (the reference): `user_query` replaced by the store's in-process read-only
  transaction, which is what POST /query did before (its regex check cost microseconds).
Figures: p50 and p95 latency, 1 and 8 clients; the seconds a query that ignores its timeout
takes to be stopped, as a ratio to the timeout (target < 2); peak RSS of the service
process, and of the service with its workers, while `RETURN size(lpad('a', 1000000000, 'x'))`
runs under the default 1024 MB bound.

    python -m benchmarks.bench_query [--quick] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from .child_server import ChildServer

QUERY = "MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board) RETURN o.code AS code, b.code AS board ORDER BY code LIMIT 50"
WORST = "RETURN size(lpad('a', 1000000000, 'x')) AS n"
TARGET_RATIO = 2.0

SERVER = """
import sys, uvicorn
from icpmap.api.app import create_app
from icpmap.graph.ladybug_store import LadybugStore
db, keys, audit, port, mode = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
if mode == "inprocess":
    def user_query(self, cypher, params=None, *, timeout=None, max_rows=None, max_memory_mb=None):
        return LadybugStore.read(self, cypher, params, timeout=timeout, max_rows=max_rows)
    LadybugStore.user_query = user_query
app = create_app(db=db, keys_path=keys, audit=audit, cache=False)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""


def _prepare(root: Path) -> tuple[Path, Path, str]:
    from icpmap.api.auth import KeyFile
    from icpmap.graph import open_store
    from icpmap.loaders import load_paths
    from icpmap.sample import SAMPLE_DIR

    db = root / "store"
    with open_store(db, engine="ladybug") as store:
        load_paths(store, [SAMPLE_DIR])
    keys = root / "keys.json"
    return db, keys, KeyFile(keys).create("bench", "analyst")[1]


class Service(ChildServer):
    def __init__(self, db: Path, keys: Path, audit: Path, mode: str) -> None:
        super().__init__(SERVER, [str(db), str(keys), str(audit), "{port}", mode])

    def post(self, key: str, body: dict[str, Any]) -> tuple[int, float, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/query", data=json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {key}",
                                                  "Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, time.perf_counter() - started, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, time.perf_counter() - started, exc.read()


def latency(service: Service, key: str, clients: int, seconds: float, fresh: bool = False) -> dict[str, float]:
    """`fresh`: every request a new text (a comment with a counter), so nothing prepared is reused."""
    times: list[float] = []
    errors: list[int] = []
    stop_at = time.perf_counter() + seconds
    counter = iter(range(10**9))
    samples: list[bytes] = []

    def client() -> None:
        while time.perf_counter() < stop_at:
            text = f"{QUERY} // {next(counter)}" if fresh else QUERY
            status, took, _ = service.post(key, {"cypher": text})
            times.append(took)
            if status != 200:
                errors.append(status)
                samples.append(_[:200])

    for _ in range(5):
        service.post(key, {"cypher": QUERY})  # warm
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ordered = sorted(times)
    return {"p50": statistics.median(ordered) * 1000, "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
            "n": len(ordered), "errors": len(errors), "samples": samples[:3]}


def stopped(service: Service, key: str, timeout_s: float) -> float:
    status, took, body = service.post(key, {"cypher": WORST, "timeout_s": timeout_s})
    if status != 400 or b"stopped" not in body:
        raise RuntimeError(f"the worst query was not stopped: {status} {body[:200]!r}")
    return took


def peak_rss(service: Service, key: str) -> tuple[float, float, float]:
    """(service MB, service + workers MB, seconds) while the worst query runs to its memory bound."""
    import psutil

    proc = psutil.Process(service.proc.pid)
    peak_own = peak_all = 0.0
    result: dict[str, float] = {}
    thread = threading.Thread(target=lambda: result.update(s=service.post(key, {"cypher": WORST, "timeout_s": 60})[1]))
    thread.start()
    while thread.is_alive():
        try:
            own = proc.memory_info().rss
            total = own + sum(c.memory_info().rss for c in proc.children(recursive=True))
        except psutil.Error:
            continue
        peak_own, peak_all = max(peak_own, own), max(peak_all, total)
        time.sleep(0.02)
    thread.join()
    return peak_own / 2**20, peak_all / 2**20, result.get("s", float("nan"))


def run(quick: bool = False, seconds: float | None = None) -> list[dict]:
    seconds = seconds if seconds is not None else (2.0 if quick else 10.0)
    root = Path(tempfile.mkdtemp(prefix="icpmap-bench-query-"))
    rows: list[dict] = []
    try:
        db, keys, key = _prepare(root)
        measured: dict[str, dict[int, dict[str, float]]] = {}
        for mode in ("inprocess", "workers"):
            service = Service(db, keys, root / "loads.jsonl", mode)
            try:
                measured[mode] = {n: latency(service, key, n, seconds) for n in (1, 8)}
                measured[mode][0] = latency(service, key, 1, seconds, fresh=True)
                if mode == "workers":
                    limits = {t: stopped(service, key, t) for t in ((1.0,) if quick else (1.0, 3.0))}
                    own, total, took = peak_rss(service, key)
            finally:
                service.stop()
        for clients in (1, 8, 0):
            for pct in ("p50", "p95"):
                after, before = measured["workers"][clients][pct], measured["inprocess"][clients][pct]
                who = "1 client, a new query text each time" if clients == 0 else f"{clients} client(s)"
                rows.append({"name": f"{pct} POST /query, {who}, workers vs in-process read",
                             "value": after, "unit": "ms", "reference": before, "ratio": after / before,
                             "target": "", "ok": measured["workers"][clients]["errors"] == 0,
                             "errors": measured["workers"][clients]["samples"]})
        for timeout_s, took in limits.items():
            rows.append({"name": f"a query ignoring its {timeout_s:g} s timeout is stopped after", "value": took,
                         "unit": "s", "reference": timeout_s, "ratio": took / timeout_s,
                         "target": f"< {TARGET_RATIO:g}x", "ok": took / timeout_s < TARGET_RATIO})
        rows.append({"name": f"peak RSS of the service process under the worst query (stopped after {took:.1f} s)",
                     "value": own, "unit": "MB", "reference": None, "ratio": None, "target": "", "ok": True})
        rows.append({"name": "peak RSS of the service and its query workers together", "value": total, "unit": "MB",
                     "reference": None, "ratio": None, "target": "< 1024 MB + service",
                     "ok": total - own < 1024 + 200})
        return rows
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    for row in run(quick=args.quick, seconds=args.seconds):
        ratio = f"  ratio {row['ratio']:.2f}" if isinstance(row.get("ratio"), float) else ""
        ref = f"  (reference {row['reference']:,.2f})" if isinstance(row.get("reference"), float) else ""
        print(f"{'ok ' if row['ok'] else 'NO '} {row['name']}: {row['value']:,.2f} {row['unit']}{ref}{ratio}"
              f"{'  target ' + row['target'] if row['target'] else ''}")


if __name__ == "__main__":
    main()
