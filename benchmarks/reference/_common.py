"""What the pandas reference scripts share: reading the input CSVs, "current on a date", CSV out.

The scripts are what an analyst would otherwise write: read the files the report needs
with pandas, compute the same table, print it as `icpmap report NAME --format csv` does
(booleans true/false, lists `;`-joined and sorted, shares to 3 places, cells that a
spreadsheet would run as a formula prefixed with `'`), so the benchmark can compare the
two outputs byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

ICP_BOARD_KINDS = ["place_partnership_board", "health_and_wellbeing_board"]


def arguments(description: str, **extra: dict) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data", type=Path, help="folder of the input CSV files")
    parser.add_argument("--as-at", required=True, help="YYYY-MM-DD")
    for name, options in extra.items():
        parser.add_argument(f"--{name}", **options)
    return parser.parse_args()


def read(data: Path, name: str, columns: list[str]) -> pd.DataFrame:
    """A file's columns as stripped strings ('' for blank)."""
    frame = pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False, usecols=columns)
    return frame.apply(lambda c: c.str.strip())


def current(frame: pd.DataFrame, as_at: str) -> pd.DataFrame:
    """Rows whose from/to (ISO dates, blank = open) include `as_at`."""
    ok = (frame["from"] == "") | (frame["from"] <= as_at)
    if "to" in frame:
        ok &= (frame["to"] == "") | (frame["to"] >= as_at)
    return frame[ok]


def cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 3))
    if isinstance(value, (list, tuple, set)):
        return ";".join(sorted(str(v) for v in value))
    return str(value)


def write(columns: list[str], rows: Iterable[Iterable[object]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["'" + t if t.startswith(("=", "+", "-", "@", "\t", "\r")) else t for t in map(cell, row)])
