"""A grammar-based fuzzer around real payloads: queries built from the fragments lexers
disagree on (comments, quotes, escapes, line ends, separators, look-alikes, transaction
control) with a payload and a read placed among them. Every example must leave the store,
the canary, its folder and the audit unchanged, and show neither the canary nor a traceback.
`make test` runs ICPMAP_FUZZ_EXAMPLES (default 150) examples per engine; `make fuzz` 2000."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icpmap.graph import StoreError
from icpmap.loaders import load_paths
from icpmap.loaders.export import fingerprint

from .attacks.corpus import FRAGMENTS, READ, payloads
from .attacks.world import World, write_tiny
from .conftest import ENGINES

EXAMPLES = int(os.environ.get("ICPMAP_FUZZ_EXAMPLES", "150"))


@pytest.fixture(scope="module", params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, open_store_for):
    root = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    store = open_store_for(request.param, root / "db")
    load_paths(store, [write_tiny(root / "in")])
    world = World(root, root / "loads.jsonl")
    yield store, world
    store.close()


def queries(world: World) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(FRAGMENTS) | st.sampled_from(list(payloads(world.targets).values())) | st.just(READ) \
        | st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4)
    return st.lists(pieces, min_size=1, max_size=12).map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))


@pytest.mark.timeout(max(300, EXAMPLES * 2))
def test_fuzz_user_queries_never_change_or_leak_anything(target) -> None:
    store, world = target
    full_before = fingerprint(store)
    seen = {"refused": 0, "ran": 0}

    @given(text=queries(world))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(text: str) -> None:
        before = world.state(store)
        try:
            result = store.user_query(text, {}, timeout=5, max_rows=50)
            output = repr(result.columns) + repr(result.rows)
            seen["ran"] += 1
        except StoreError as exc:
            output = str(exc)
            seen["refused"] += 1
        world.check(before, world.state(store), output, repr(text))

    run()
    assert fingerprint(store) == full_before
    assert seen["refused"] + seen["ran"] >= EXAMPLES * 0.9
    print(f"fuzz examples: {sum(seen.values())} ({seen['refused']} refused, {seen['ran']} harmless reads ran)")
