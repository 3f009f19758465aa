"""Soak: 32 clients read from a real uvicorn (a child process on 127.0.0.1) while a load runs.

A fresh embedded store holds the bundled sample. The clients (keep-alive HTTP/1.1, an
analyst key) cycle through cached reads (`GET /places`, a Place, a report) and uncached
engine reads (`POST /query` counting nodes and relationships) for `seconds`; a third of
the way in, an admin uploads the synthetic region (`icpmap.synth`, about 26,000 rows)
with `POST /loads`. Every answer is checked against the answer to the same request
before the load (A) and after it (B): it must be A or B (never a mixture), and any request
sent after the load's response must get B. Figures: requests served, 5xx, wrong and stale
answers, answers served while the load ran, p95 inside and outside the load.

`engine="neo4j"` runs the same against the Neo4j of `ICPMAP_NEO4J_URI` (it WIPES that
database and loads the sample into it); the service then reads and loads through Neo4j.

Only loopback traffic; bounded in time (`seconds` plus start-up and the load).

    python -m benchmarks.bench_soak [--seconds 20] [--clients 32] [--engine neo4j]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .child_server import ChildServer

SERVER = """
import sys, uvicorn
from icpmap.api.app import create_app
db, keys, audit, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
app = create_app(db=db, keys_path=keys, audit=audit)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""
PLACES = ["E08000011", "E08000014", "E06000049"]
NEW_PLACE = "E09900001"  # the synthetic region's first Place: 404 before the load, 200 after
QUERIES = [
    "MATCH (p:Place) RETURN count(p) AS places",
    "MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board) RETURN count(m) AS memberships, count(DISTINCT o) AS members",
    "MATCH (x:Practice)-[r:REGISTERS]->(a:Area) RETURN count(r) AS registrations, sum(r.patients) AS patients",
]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes = b""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" + (f" {self.body[:60].decode()}" if self.body else "")


def calls() -> list[Call]:
    out = [Call("GET", "/places"), Call("GET", "/reports/unsigned"), Call("GET", f"/places/{NEW_PLACE}")]
    out += [Call("GET", f"/places/{code}") for code in PLACES]
    out += [Call("POST", "/query", json.dumps({"cypher": q, "max_rows": 10}).encode()) for q in QUERIES]
    return out


def wipe_neo4j(store: Any) -> None:
    """Delete every node of the Neo4j database, in batches (but icpmap's write lock, which each
    write makes again)."""
    from icpmap.graph.dialect import NEO4J_WRITE_LOCK_LABEL

    batch = f"MATCH (n) WHERE NOT n:{NEO4J_WRITE_LOCK_LABEL} WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n"
    while store.write(batch).scalar():
        pass


def prepare(root: Path, engine: str = "ladybug") -> dict[str, Any]:
    """The store with the sample, an analyst and an admin key, and the files to upload."""
    from icpmap.api.auth import KeyFile
    from icpmap.graph import open_store
    from icpmap.loaders import load_paths
    from icpmap.sample import SAMPLE_DIR
    from icpmap.synth import generate

    db = root / "store"
    with open_store(db, engine=engine) as store:
        if engine == "neo4j":
            wipe_neo4j(store)
        load_paths(store, [SAMPLE_DIR])
    keys = KeyFile(root / "keys.json")
    upload = root / "upload"
    generate(upload, scale="region", seed=0)
    return {"db": db, "keys": keys.path, "audit": root / "loads.jsonl", "upload": upload,
            "analyst": keys.create("soak reader", "analyst")[1], "admin": keys.create("soak loader", "admin")[1]}


class Server(ChildServer):
    def __init__(self, db: Path, keys: Path, audit: Path, engine: str = "ladybug") -> None:
        super().__init__(SERVER, [str(db), str(keys), str(audit), "{port}"], engine, 60)


def request(port: int, call: Call, key: str, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        if call.body:
            headers["Content-Type"] = "application/json"
        conn.request(call.method, call.path, body=call.body or None, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def upload(port: int, folder: Path, key: str, timeout: float = 300) -> tuple[int, bytes]:
    """`POST /loads` with every CSV of `folder` as multipart/form-data."""
    boundary = uuid.uuid4().hex
    parts = []
    for path in sorted(folder.glob("*.csv")):
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{path.name}\"\r\n"
                     "Content-Type: text/csv\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/loads", body=body, headers={
            "Authorization": f"Bearer {key}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Answer:
    call: int  # index into calls()
    started: float
    finished: float
    status: int  # 0: the connection broke
    body: bytes


@dataclass
class Soak:
    answers: list[Answer] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    load_started: float = 0.0
    load_finished: float = 0.0
    load_status: int = 0
    load_body: bytes = b""
    seconds: float = 0.0


async def _client(port: int, todo: list[Call], key: str, stop_at: float, offset: int, soak: Soak) -> None:
    """One keep-alive connection sending requests back to back until `stop_at`."""
    reader = writer = None
    i = offset
    while time.perf_counter() < stop_at:
        n = i % len(todo)
        call = todo[n]
        i += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            head = (f"{call.method} {call.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
                    "Accept: application/json\r\n")
            if call.body:
                head += f"Content-Type: application/json\r\nContent-Length: {len(call.body)}\r\n"
            started = time.perf_counter()
            writer.write(head.encode() + b"\r\n" + call.body)
            raw = await reader.readuntil(b"\r\n\r\n")
            status = int(raw.split(b" ", 2)[1])
            length, close = 0, False
            for line in raw.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            body = await reader.readexactly(length)
            soak.answers.append(Answer(n, started, time.perf_counter(), status, body))
            if close:
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            soak.broken.append(f"{call.label}: {type(exc).__name__}: {exc}")
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _soak(port: int, todo: list[Call], key: str, admin_key: str, folder: Path, clients: int,
                seconds: float) -> Soak:
    soak = Soak()
    started = time.perf_counter()
    stop_at = started + seconds

    async def loader() -> None:
        await asyncio.sleep(seconds / 3)
        soak.load_started = time.perf_counter()
        soak.load_status, soak.load_body = await asyncio.to_thread(upload, port, folder, admin_key)
        soak.load_finished = time.perf_counter()

    await asyncio.gather(loader(), *(_client(port, todo, key, stop_at, n, soak) for n in range(clients)))
    soak.seconds = time.perf_counter() - started
    return soak


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000 if ordered else float("nan")


def soak(seconds: float = 20.0, clients: int = 32, root: Path | None = None, engine: str = "ladybug") -> dict[str, Any]:
    """Run the soak; returns the figures and the first few failures of each kind."""
    own = root is None
    root = root or Path(tempfile.mkdtemp(prefix="icpmap-soak-"))
    try:
        setup = prepare(root, engine)
        todo = calls()
        with Server(setup["db"], setup["keys"], setup["audit"], engine) as server:
            before = [request(server.port, c, setup["analyst"]) for c in todo]
            run = asyncio.run(_soak(server.port, todo, setup["analyst"], setup["admin"], setup["upload"],
                                    clients, seconds))
            after = [request(server.port, c, setup["analyst"]) for c in todo]
            stderr = server.stop()
        changed = [todo[i].label for i in range(len(todo)) if before[i] != after[i]]
        server_errors, wrong, stale = [], [], []
        for a in run.answers:
            got = (a.status, a.body)
            label = todo[a.call].label
            if a.status >= 500:
                server_errors.append(f"{label}: HTTP {a.status} {a.body[:200]!r}")
            elif got not in (before[a.call], after[a.call]):
                wrong.append(f"{label}: HTTP {a.status} {a.body[:200]!r}")
            elif run.load_finished and a.started > run.load_finished and got != after[a.call]:
                stale.append(f"{label}: answered as before the load, though sent after it finished")
        during = [a for a in run.answers if run.load_started <= a.started and a.finished <= run.load_finished]
        outside = [a for a in run.answers if a.finished < run.load_started or a.started > run.load_finished]
        return {
            "engine": engine, "clients": clients, "seconds": run.seconds, "requests": len(run.answers),
            "rps": len(run.answers) / run.seconds if run.seconds else 0.0,
            "server_errors": len(server_errors), "wrong": len(wrong), "stale": len(stale),
            "broken": len(run.broken), "non_200": sum(a.status not in (200, 404) for a in run.answers),
            "during_load": len(during), "load_seconds": run.load_finished - run.load_started,
            "load_status": run.load_status, "load_body": run.load_body[:500],
            "p95_during_ms": _p95([a.finished - a.started for a in during]),
            "p95_outside_ms": _p95([a.finished - a.started for a in outside]),
            "changed": changed, "calls": len(todo),
            "samples": (server_errors[:3] + wrong[:3] + stale[:3] + run.broken[:3]),
            "tracebacks": "Traceback" in stderr, "stderr": stderr[-3000:],
        }
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


def run(quick: bool = False, seconds: float | None = None, clients: int = 32) -> list[dict]:
    """The soak on the embedded store, then on Neo4j when ICPMAP_NEO4J_URI is set (it WIPES it)."""
    seconds = seconds if seconds is not None else (5.0 if quick else float(os.environ.get("ICPMAP_SOAK_SECONDS", "20")))
    rows = _rows(soak(seconds, clients), clients, "")
    if os.environ.get("ICPMAP_NEO4J_URI", "").strip():
        rows += _rows(soak(seconds, clients, engine="neo4j"), clients, "Neo4j: ")
    else:
        rows.append({"name": "Neo4j: skipped (ICPMAP_NEO4J_URI not set)", "value": None, "unit": "",
                     "reference": None, "ratio": None, "target": "skipped", "ok": None})
    return rows


def _rows(r: dict[str, Any], clients: int, prefix: str) -> list[dict]:
    clean = r["server_errors"] == 0 and r["wrong"] == 0 and r["stale"] == 0 and r["broken"] == 0
    rows = [
        {"name": f"requests served, {clients} clients, {r['seconds']:.0f} s, a load in the middle",
         "value": r["requests"], "unit": "", "reference": None, "ratio": None, "target": "", "ok": r["requests"] > 0},
        {"name": "throughput", "value": r["rps"], "unit": "req/s", "reference": None, "ratio": None, "target": "",
         "ok": None},
        {"name": "5xx answers", "value": r["server_errors"], "unit": "", "reference": None, "ratio": None,
         "target": "0", "ok": r["server_errors"] == 0},
        {"name": "wrong answers (neither before nor after the load)", "value": r["wrong"], "unit": "",
         "reference": None, "ratio": None, "target": "0", "ok": r["wrong"] == 0},
        {"name": "stale answers (sent after the load, answered as before)", "value": r["stale"], "unit": "",
         "reference": None, "ratio": None, "target": "0", "ok": r["stale"] == 0},
        {"name": "broken connections", "value": r["broken"], "unit": "", "reference": None, "ratio": None,
         "target": "0", "ok": r["broken"] == 0},
        {"name": f"answers served while the load ran ({r['load_seconds']:.1f} s, HTTP {r['load_status']})",
         "value": r["during_load"], "unit": "", "reference": None, "ratio": None, "target": "> 0",
         "ok": r["during_load"] > 0 and r["load_status"] == 200},
        {"name": "p95 while the load ran", "value": r["p95_during_ms"], "unit": "ms",
         "reference": r["p95_outside_ms"], "ratio": r["p95_during_ms"] / r["p95_outside_ms"]
         if r["p95_outside_ms"] else None, "target": "", "ok": clean},
    ]
    for row in rows:
        row["name"] = prefix + row["name"]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=None, help="seconds of load (default 20)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--engine", choices=["ladybug", "neo4j"], help="only this engine (default: both when "
                        "ICPMAP_NEO4J_URI is set)")
    args = parser.parse_args()
    if args.engine:
        seconds = args.seconds if args.seconds is not None else float(os.environ.get("ICPMAP_SOAK_SECONDS", "20"))
        rows = _rows(soak(seconds, args.clients, engine=args.engine), args.clients,
                     "Neo4j: " if args.engine == "neo4j" else "")
    else:
        rows = run(seconds=args.seconds, clients=args.clients)
    for row in rows:
        value = row["value"]
        shown = f"{value:,.1f}" if isinstance(value, float) else str(value)
        print(f"{'ok ' if row['ok'] else 'NO '} {row['name']}: {shown} {row['unit']}")


if __name__ == "__main__":
    main()
