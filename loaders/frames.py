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
    if isinstance(a.dtype, np.dtype) and isinstance(b.dtype, np.dtype) and a.dtype.kind in "iu" and b.dtype.kind in "iu":
        # numpy integers on both sides: nothing is missing
        return np.asarray(a.to_numpy() == b.to_numpy(), dtype=bool)
    a_na = a.isna().to_numpy()
    b_na = b.isna().to_numpy()
    eq = (a.to_numpy(dtype=object) == b.to_numpy(dtype=object))
    return np.where(a_na | b_na, a_na & b_na, eq).astype(bool)


def group_codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One integer per distinct combination of `columns` (None counts as a value)."""
    return _group_codes(frame, columns)[0]


def _group_codes(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, int]:
    """`group_codes` and a bound the codes stay below."""
    code = np.zeros(len(frame), dtype=np.int64)
    bound = 1
    for i, c in enumerate(columns):
        values = frame[c]
        if isinstance(values.dtype, pd.CategoricalDtype):  # the codes are the answer already
            codes = values.cat.codes.to_numpy().astype(np.int64)
            codes += 1  # missing (-1) becomes 0
            size = len(values.cat.categories) + 1
        else:
            codes, uniques = pd.factorize(values.astype(object).where(values.notna(), "\x00"))
            size = len(uniques)
        if i == 0:
            code = codes
        else:
            code *= size + 1
            code += codes
        bound *= size + 1
        if bound > 2**52 and code.max(initial=0) > 2**52:  # re-densify before overflow
            code = pd.factorize(code)[0].astype(np.int64)
            bound = int(code.max(initial=-1)) + 1
    return code, bound


def duplicated(frame: pd.DataFrame, columns: Sequence[str], keep: str | bool = "first") -> np.ndarray:
    code, bound = _group_codes(frame, columns)
    code = code.astype(np.int32) if bound <= 2**31 else _narrow(code)  # 32-bit keys hash in about half the time
    return pd.Series(code, copy=False).duplicated(keep=keep).to_numpy()  # type: ignore[arg-type]


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
            if isinstance(y.dtype, pd.CategoricalDtype):  # look each of y's categories up once
                y_codes = y.cat.codes.to_numpy()
                lookup = np.append(cats.get_indexer(y.cat.categories.to_numpy(dtype=object)), -1).astype(np.int64)
                yb = lookup[y_codes]  # code -1 (missing) takes the last entry
                y_missing = y_codes < 0
                unknown = (yb < 0) & ~y_missing
            else:
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
    codes = pd.factorize(_narrow(np.concatenate([values, of])))[0]
    where = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    where[codes[len(values):]] = np.arange(len(of), dtype=np.int64)
    return where[codes[: len(values)]]


def _nearly_sorted(keys: np.ndarray) -> bool:
    """Few descents: a stable (adaptive) sort of the keys takes about one pass."""
    return bool(np.count_nonzero(keys[1:] < keys[:-1]) <= len(keys) // 100)


def _narrow(keys: np.ndarray) -> np.ndarray:
    """Integer keys as int32 when they fit: hashing them takes about half the time."""
    if keys.dtype == np.int64 and len(keys) and keys.min() >= -(2**31) and keys.max() < 2**31:
        return keys.astype(np.int32)
    return keys


def member(values: np.ndarray, of: np.ndarray) -> np.ndarray:
    return positions(values, of) >= 0


def positions_both(values: np.ndarray, of: np.ndarray, *, unique: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """`positions(values, of)` and `member(of, values)`, hashing the keys once.

    With `unique` (the caller knows `values` has no repeated key), two equal sequences
    (a file loaded again, read back in the order it was written) need no hashing."""
    if len(values) == 0 or len(of) == 0:
        return np.full(len(values), -1, dtype=np.int64), np.zeros(len(of), dtype=bool)
    if unique and len(values) == len(of):
        if np.array_equal(values, of):
            return np.arange(len(values), dtype=np.int64), np.ones(len(of), dtype=bool)
        if _nearly_sorted(values) and _nearly_sorted(of):  # the same keys in another order?
            by_value, by_of = np.argsort(values, kind="stable"), np.argsort(of, kind="stable")
            if np.array_equal(values[by_value], of[by_of]):  # yes: match them up without hashing
                where = np.empty(len(values), dtype=np.int64)
                where[by_value] = by_of
                return where, np.ones(len(of), dtype=bool)
    codes = pd.factorize(_narrow(np.concatenate([values, of])))[0]
    where = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    where[codes[len(values):]] = np.arange(len(of), dtype=np.int64)
    wanted = np.zeros(len(where), dtype=bool)
    wanted[codes[: len(values)]] = True
    return where[codes[: len(values)]], wanted[codes[len(values):]]
