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
        if isinstance(values.dtype, pd.CategoricalDtype):  # the codes are the answer already
            codes = values.cat.codes.to_numpy().astype(np.int64) + 1  # missing (-1) becomes 0
            size = len(values.cat.categories) + 1
        else:
            codes, uniques = pd.factorize(values.astype(object).where(values.notna(), "\x00"))
            size = len(uniques)
        code = code * (size + 1) + codes
        if code.max(initial=0) > 2**52:  # re-densify before overflow
            code = pd.factorize(code)[0].astype(np.int64)
    return code


def duplicated(frame: pd.DataFrame, columns: Sequence[str], keep: str | bool = "first") -> np.ndarray:
    return pd.Series(group_codes(frame, columns)).duplicated(keep=keep).to_numpy()  # type: ignore[arg-type]


def joint_codes(a: pd.DataFrame, b: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys for the rows of `a` and `b` that are equal exactly when the rows' `columns`
    are (None equals None). Hashes each string of `b` once when `a`'s column is categorical."""
    ca = np.zeros(len(a), dtype=np.int64)
    cb = np.zeros(len(b), dtype=np.int64)
    for c in columns:
        x, y = a[c], b[c]
        if isinstance(x.dtype, pd.CategoricalDtype):
            cats = x.cat.categories
            xa = x.cat.codes.to_numpy().astype(np.int64)  # -1 = missing
            yv = y.to_numpy(dtype=object)
            yb = cats.get_indexer(yv).astype(np.int64) if len(yv) else np.zeros(0, dtype=np.int64)
            unknown = yb < 0
            y_missing = pd.isna(yv) if len(yv) else np.zeros(0, dtype=bool)
            yb[unknown] = len(cats)  # a value `a` does not have: matches nothing in `a`
            yb[y_missing] = -1
            size = len(cats) + 1
        else:
            both = pd.concat([x.astype(object), y.astype(object)], ignore_index=True)
            codes, uniques = pd.factorize(both.where(both.notna(), "\x00"))
            xa, yb = codes[: len(x)].astype(np.int64), codes[len(x):].astype(np.int64)
            size = len(uniques)
        ca = ca * (size + 2) + xa + 1
        cb = cb * (size + 2) + yb + 1
        if max(ca.max(initial=0), cb.max(initial=0)) > 2**52:  # re-densify before overflow
            dense = pd.factorize(np.concatenate([ca, cb]))[0].astype(np.int64)
            ca, cb = dense[: len(ca)], dense[len(ca):]
    return ca, cb


def positions(values: np.ndarray, of: np.ndarray) -> np.ndarray:
    """For each of `values`, a position in `of` holding the same key, or -1 (hashing once;
    numpy's isin sorts, which is slow on a million keys)."""
    if len(values) == 0 or len(of) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    codes = pd.factorize(np.concatenate([values, of]))[0]
    where = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    where[codes[len(values):]] = np.arange(len(of), dtype=np.int64)
    return where[codes[: len(values)]]


def member(values: np.ndarray, of: np.ndarray) -> np.ndarray:
    return positions(values, of) >= 0
