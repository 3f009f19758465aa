"""The loader on the bundled sample: loads, is idempotent, reports what it did."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from icpmap.graph import Store
from icpmap.loaders import LoadError, load_paths


def test_sample_loads_and_counts_match_pandas(store: Store, sample_dir: Path) -> None:
    report = load_paths(store, [sample_dir])
    counts = store.counts()
    practices = pd.read_csv(sample_dir / "practices.csv", dtype=str)
    assert counts["Practice"] == practices["code"].nunique()
    assert counts["Organisation"] == len(pd.read_csv(sample_dir / "organisations.csv"))
    assert counts["REGISTERS"] == len(pd.read_csv(sample_dir / "registrations.csv"))
    assert counts["HOLDS"] == len(pd.read_csv(sample_dir / "roles.csv"))
    assert report.created > 0 and report.updated == 0
    assert {f.format for f in report.files} >= {"practices", "ics", "registrations"}
    assert all(len(f.sha256) == 64 for f in report.files)


def test_reload_is_a_no_op(store: Store, sample_dir: Path) -> None:
    load_paths(store, [sample_dir])
    before = store.counts()
    again = load_paths(store, [sample_dir])
    assert not again.changed
    assert store.counts() == before


def test_error_names_file_row_column_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    (tmp_path / "ics.csv").write_text("code,name\nQYG,Cheshire and Merseyside\nQOP,\n", encoding="utf-8")
    before = store.counts()
    with pytest.raises(LoadError) as info:
        load_paths(store, [tmp_path])
    p = info.value.problems[0]
    assert (Path(p.file).name, p.row, p.column) == ("ics.csv", 3, "name")
    assert "ics.csv, row 3, column 'name'" in str(info.value)
    assert store.counts() == before
