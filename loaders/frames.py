"""Small pandas helpers shared by the planner and the writer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..graph.model import PropType


def as_python(values: pd.Series, kind: PropType | str) -> pd.Series:
    """A column as Python values (date, int, float, bool, str) with None for missing.

    Engines return dates as datetime64 or date, integers as int64 or float with NaN;
    comparing like with like needs one spelling."""
    if len(values) == 0:
        return values.astype(object)
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            out = values.dt.date.astype(object)
        else:
            out = values.map(lambda v: v.date() if hasattr(v, "date") and callable(v.date) else v).astype(object)
    elif kind == "int":
        if pd.api.types.is_integer_dtype(values.dtype) and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            return pd.Series(values.to_numpy().astype(object), index=values.index)
        out = values.astype(object).map(lambda v: None if v is None or pd.isna(v) else int(v))
        return out
    elif kind == "float":
        out = values.astype(object).map(lambda v: None if v is None or pd.isna(v) else float(v))
        return out
    elif kind == "bool":
        out = values.astype(object).map(lambda v: None if v is None or pd.isna(v) else bool(v))
        return out
    else:
        out = values.astype(object)
    return out.where(out.notna(), None)


def same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Elementwise equality where missing equals missing."""
    a_na = a.isna().to_numpy()
    b_na = b.isna().to_numpy()
    eq = (a.to_numpy(dtype=object) == b.to_numpy(dtype=object))
    return np.where(a_na | b_na, a_na & b_na, eq).astype(bool)


def group_codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One integer per distinct combination of `columns` (None counts as a value)."""
    code = np.zeros(len(frame), dtype=np.int64)
    for c in columns:
        values = frame[c]
        codes, uniques = pd.factorize(values.astype(object).where(values.notna(), "\x00"))
        code = code * (len(uniques) + 1) + codes
        if len(uniques) and code.max(initial=0) > 2**52:  # re-densify before overflow
            code = pd.factorize(code)[0].astype(np.int64)
    return code


def duplicated(frame: pd.DataFrame, columns: Sequence[str], keep: str | bool = "first") -> np.ndarray:
    return pd.Series(group_codes(frame, columns)).duplicated(keep=keep).to_numpy()  # type: ignore[arg-type]
