"""The attack corpus against every way user-written Cypher comes in: `Store.user_query` (what
all of them call), `icpmap query` (a child process), `POST /query` and the dashboard's query
form (over HTTP, a real uvicorn), on LadybugDB and, with ICPMAP_NEO4J_URI, on Neo4j.

Each case asserts: the store's checksum, the canary file, its folder and the audit are
unchanged, and no output holds the canary's secret, /etc/passwd or a traceback. `make test`
runs the whole corpus in process and a part of it (every payload, the wrappers taken in
turn) through each outer door; `make fuzz` (ICPMAP_ATTACKS_FULL=1) runs all of it everywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from icpmap.graph import StoreError, open_store
from icpmap.loaders import load_paths
from icpmap.loaders.export import fingerprint

from .attacks.corpus import Targets, cases, payloads, sample
from .attacks.world import World, write_tiny
from .conftest import ENGINES
from .serving import serving

FULL = os.environ.get("ICPMAP_ATTACKS_FULL") == "1"
# LadybugDB ends a line comment at \n or \r only, and reads \u0027 in a string as a quote inside it.
HARMLESS_FOR_LADYBUG = {"line comment U+2028", "line comment NEL", "unicode escape"}
TARGETS = Targets(canary="{canary}", write_to="{write_to}", folder="{folder}")  # ids only


def _bind(text: str, world: World) -> str:
    t = world.targets
    return text.replace("{canary}", t.canary).replace("{write_to}", t.write_to).replace("{folder}", t.folder)


def corpus(every: int | None) -> list[tuple[str, str]]:
    return cases(TARGETS) if every is None or FULL else sample(TARGETS, every)


# -- in process: the one entry point ---------------------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def attacked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, open_store_for):
    root = tmp_path_factory.mktemp(f"attack-{request.param}")
    store = open_store_for(request.param, root / "db")
    load_paths(store, [write_tiny(root / "in")])
    world = World(root, root / "loads.jsonl")
    yield store, world
    store.close()


def test_every_attack_in_process(attacked) -> None:
    store, world = attacked
    full_before = fingerprint(store)
    accepted = set()
    for case, text in corpus(12):
        text = _bind(text, world)
        before = world.state(store)
        try:
            result = store.user_query(text, {}, timeout=5, max_rows=100)
            output = repr(result.rows) + repr(result.columns)
            accepted.add(case.split(" / ")[1])
        except StoreError as exc:
            output = str(exc)
        world.check(before, world.state(store), output, case)
    assert fingerprint(store) == full_before
    if store.engine == "ladybug":  # only where the engine reads the payload as part of a comment or a string
        assert accepted <= HARMLESS_FOR_LADYBUG, accepted - HARMLESS_FOR_LADYBUG


def test_a_refused_query_is_refused_before_anything_runs(attacked) -> None:
    """The reproductions of the issue, one by one, with the reason given: in LadybugDB's
    dialect on LadybugDB, and their Neo4j counterparts (the server's own statement count,
    EXPLAIN's query type and operators, its procedure allowlist) on Neo4j."""
    store, world = attacked
    t = world.targets
    before = world.state(store)
    if store.engine == "ladybug":
        expect = {
            f"/* **/ ' */ COMMIT; {payloads(t)['delete people']} // '": "one statement",
            payloads(t)["copy to new"]: "read-only",
            payloads(t)["setting"]: "read-only",
            payloads(t)["load from"]: "files",
            payloads(t)["drop table"]: "read-only",
        }
        comment = ("RETURN 1 /* **/ + 1 */ AS x", 1)  # LadybugDB's own comment rule
    else:
        expect = {
            f"/* **/ RETURN 1; {payloads(t)['delete people']}": "one statement",
            payloads(t)["delete people"]: "writes",
            payloads(t)["in transactions"]: "writes",
            payloads(t)["load csv"]: "LOAD CSV",
            "DROP CONSTRAINT person_id_unique IF EXISTS": "schema changes",
            "CALL db.createLabel('Evil')": "writes",
            "CALL dbms.security.listUsers()": "no procedure",  # not even loaded: the server's allowlist
        }
        comment = ("RETURN 1 /* **/ + 1 AS x", 2)  # Cypher's comment rule
    for text, said in expect.items():
        with pytest.raises(StoreError) as caught:
            store.user_query(text)
        assert said in str(caught.value), (text, str(caught.value))
    world.check(before, world.state(store), "", "reproductions")
    assert store.user_query(comment[0]).rows == [[comment[1]]]


# -- over HTTP: POST /query and the dashboard form -----------------------------------------------------------


@pytest.fixture(scope="module")
def served(attacked) -> Iterator[dict]:
    from icpmap.api.app import create_app
    from icpmap.api.auth import KeyFile

    store, world = attacked
    keys = KeyFile(world.root / "keys.json")
    analyst = keys.create("attacker", "analyst")[1]
    app = create_app(store, keys_path=keys.path, audit=world.audit, cache=False)
    with serving(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        signed_in = client.post("/login", data={"key": analyst, "next": "/"}, headers={"Origin": base})
        session = signed_in.cookies.get("icpmap_session")
        yield {"client": client, "key": analyst, "base": base, "session": session, "store": store, "world": world}


def test_every_attack_through_post_query(served) -> None:
    client, store, world = served["client"], served["store"], served["world"]
    auth = {"Authorization": f"Bearer {served['key']}"}
    full_before = fingerprint(store)
    for case, text in corpus(4):
        before = world.state(store)
        response = client.post("/query", json={"cypher": _bind(text, world), "timeout_s": 5}, headers=auth)
        assert response.status_code in (200, 400, 403), (case, response.status_code, response.text)
        world.check(before, world.state(store), response.text, case)
    assert fingerprint(store) == full_before


def test_every_attack_through_the_dashboard_form(served) -> None:
    client, store, world = served["client"], served["store"], served["world"]
    assert served["session"], "signed in"
    headers = {"Origin": served["base"], "Cookie": f"icpmap_session={served['session']}"}
    for case, text in corpus(2):
        before = world.state(store)
        response = client.post("/dashboard/query", data={"cypher": _bind(text, world)}, headers=headers)
        assert response.status_code in (200, 400, 403), (case, response.status_code)
        world.check(before, world.state(store), response.text, case)


# -- the command line: a child process per case ----------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def cli_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, open_store_for):
    root = tmp_path_factory.mktemp(f"attack-cli-{request.param}")
    db = root / "db"
    store = open_store_for(request.param, db)
    load_paths(store, [write_tiny(root / "in")])
    store.close()  # the CLI opens it itself
    return request.param, db, World(root, Path(str(db) + ".loads.jsonl"))


def test_every_attack_through_the_cli(cli_world) -> None:
    engine, db, world = cli_world
    env = {k: v for k, v in os.environ.items() if engine == "neo4j" or not k.startswith("ICPMAP_NEO4J")}
    files = [db, Path(str(db) + ".wal")]  # the embedded store's files, byte for byte
    server = open_store(engine="neo4j") if engine == "neo4j" else None  # Neo4j: its graph, read alongside
    picked = corpus(1) if FULL else corpus(1)[::2]  # a child process each: every other payload in `make test`
    for case, text in picked:
        if "\x00" in text:
            continue  # a command line cannot carry a NUL byte
        before = world.state(server, files)
        out = subprocess.run([sys.executable, "-m", "icpmap", "--db", str(db), "query", _bind(text, world),
                              "--timeout", "5", "--format", "csv"], capture_output=True, text=True, env=env,
                             timeout=120)
        world.check(before, world.state(server, files), out.stdout + out.stderr, case)
        assert out.returncode in (0, 1), (case, out.returncode, out.stderr)
    if server is not None:
        server.close()
