"""The pandas scripts `make bench` times the reports against compute exactly what the reports do.

bench_cli compares their output with `icpmap report NAME --format csv` byte for byte on
England-sized data; here the same comparison runs on the bundled sample, so a change to a
report's definition that the script does not follow (or the other way round) fails the tests.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from icpmap.graph import Store
from icpmap.loaders import load_paths
from icpmap.reports import run_report, tabular
from icpmap.sample import SAMPLE_DIR

REFERENCE = Path(__file__).resolve().parents[1] / "benchmarks" / "reference"
AS_AT = "2025-01-01"
CASES = [
    ("breadth", {}, "breadth.py", []),
    ("unsigned", {}, "unsigned.py", []),
    ("missing-links", {}, "missing_links.py", []),
    ("coterminosity", {"by": "practices"}, "coterminosity.py", ["--by", "practices"]),
    ("coterminosity", {"by": "patients"}, "coterminosity.py", ["--by", "patients", "--level", "place"]),
    ("coterminosity", {"by": "patients", "level": "neighbourhood"}, "coterminosity.py",
     ["--by", "patients", "--level", "neighbourhood"]),
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, open_store_for) -> Store:
    store = open_store_for("ladybug", tmp_path_factory.mktemp("reference") / "store")
    load_paths(store, [SAMPLE_DIR])
    yield store
    store.close()


@pytest.mark.parametrize("name, options, script, args", CASES, ids=[f"{c[0]} {' '.join(c[3])}" for c in CASES])
def test_the_pandas_script_gives_the_report_byte_for_byte(sample: Store, name: str, options: dict, script: str,
                                                          args: list[str]) -> None:
    result = run_report(sample, name, as_at=dt.date.fromisoformat(AS_AT), **options)
    expected = tabular.to_csv(result.columns, result.rows)
    done = subprocess.run([sys.executable, str(REFERENCE / script), str(SAMPLE_DIR), "--as-at", AS_AT, *args],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert result.rows, "the sample gives every one of these reports some rows"
    assert done.stdout == expected
