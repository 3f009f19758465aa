"""schemathesis against the service's own OpenAPI schema: no 500, no schema violation.

Runs every operation with an admin key on a real embedded store holding the sample.
The number of examples per operation comes from `ICPMAP_FUZZ_EXAMPLES` (default 15,
a few seconds; `make fuzz` sets 2000).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import open_store
from icpmap.sample import SAMPLE_DIR

EXAMPLES = int(os.environ.get("ICPMAP_FUZZ_EXAMPLES", "15"))
KEYS: dict[str, str] = {}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          response_headers_conformance]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    from icpmap.loaders import load_paths

    root = tmp_path_factory.mktemp("fuzz")
    store = open_store(root / "db", engine="ladybug")
    load_paths(store, [SAMPLE_DIR])
    keys = KeyFile(root / "keys.json")
    KEYS["admin"] = keys.create("fuzz", "admin")[1]
    # schemathesis calls the app as http://testserver, a host the service must be told to answer
    app = create_app(store, keys_path=keys.path, audit=root / "loads.jsonl", allowed_hosts=["testserver"])
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    store.close()


def test_api_fuzz_no_server_error_no_schema_violation(api_schema: schemathesis.BaseSchema) -> None:
    headers = {"Authorization": f"Bearer {KEYS['admin']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 11

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), print_blob=True)
        def check(case: schemathesis.Case) -> None:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            assert b"Traceback" not in response.content

        try:
            check()
        except Exception as exc:
            raise AssertionError(f"{operation.label}: {exc}") from exc
