"""Control characters are refused in every cell of every file, with the file, row, column and value.

No field of the model is meant to hold one, a spreadsheet cannot hold most of them (XLSX
exports would fail), and they hide text from people reading a report. Tab, line feed and
carriage return stay allowed (a quoted CSV cell may span lines). Checked on each column's
distinct values, so a million-row file costs one pass over its distinct strings.
"""

from __future__ import annotations

import re

import numpy as np

from .problems import Problems
from .read import RawTable

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
MESSAGE = ("holds a control character ({found}), which no field may contain; remove it from the file "
           "(it is often pasted in by accident)")


def first_control(text: str) -> str | None:
    found = CONTROL.search(text)
    return None if found is None else repr(found.group())[1:-1]


def check_table(raw: RawTable, problems: Problems) -> None:
    """Add a problem for every cell of `raw` that holds a control character."""
    for name in raw.frame.columns:
        column = raw.frame[name]
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iufb":
            continue  # numbers read as numbers
        if raw.file.kind == "geojson" and name == "geometry":
            continue  # a boundary's coordinates (numbers); its properties are checked like any cell
        codes, uniques = raw.coded(name)
        if not len(uniques):
            continue
        texts = [u if type(u) is str else str(u) for u in np.asarray(uniques, dtype=object).tolist()]
        if CONTROL.search("\n".join(texts)) is None:  # one pass over them all (a line feed is allowed)
            continue
        bad = np.array([CONTROL.search(t) is not None for t in texts], dtype=bool)
        rows = np.flatnonzero(np.isin(codes, np.flatnonzero(bad)))
        values = [str(uniques[codes[r]]) for r in rows]
        problems.add_rows(raw.display, raw.lines[rows].tolist(), str(name), values,
                          [MESSAGE.format(found=first_control(v)) for v in values])
