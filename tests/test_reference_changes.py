"""The pandas script of the changes benchmark (benchmarks/reference/changes.py) prints exactly what
`icpmap report changes --format csv` prints, on the sample and on the hand-worked fixture's files:
two independent implementations of the README's definitions agree.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from icpmap.loaders import load_paths
from icpmap.reports import run_report, tabular
from icpmap.sample import SAMPLE_DIR

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "reference" / "changes.py"


def _fixture():
    spec = importlib.util.spec_from_file_location("icpmap_tests_fixtures_changes_ref",
                                                  Path(__file__).with_name("fixtures_changes.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(folder: Path, since: str, until: str) -> str:
    done = subprocess.run([sys.executable, str(SCRIPT), str(folder), "--from", since, "--to", until],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("since, until", [("2021-07-01", "2022-06-30"), ("2013-04-01", "2030-12-31")])
def test_the_pandas_script_agrees_on_the_sample(tmp_path, open_store_for, since, until):
    store = open_store_for("ladybug", tmp_path / "db")
    try:
        load_paths(store, [SAMPLE_DIR])
        result = run_report(store, "changes", from_date=since, to_date=until)
    finally:
        store.close()
    ours = tabular.to_csv(result.columns, result.rows)
    assert len(result.rows) > 100
    assert ours == reference(SAMPLE_DIR, since, until)


def test_the_pandas_script_agrees_on_the_fixture(tmp_path, open_store_for):
    fx = _fixture()
    contract = fx.write_fixture(tmp_path / "files")[0]  # the contract files only: the script reads no extract
    store = open_store_for("ladybug", tmp_path / "db")
    try:
        load_paths(store, [contract])
        result = run_report(store, "changes", from_date="2024-01-01", to_date="2024-03-31")
    finally:
        store.close()
    kinds = {r[2] for r in result.rows}
    assert len(kinds) == 18  # every kind but the two an extract gives
    assert tabular.to_csv(result.columns, result.rows) == reference(contract, "2024-01-01", "2024-03-31")
