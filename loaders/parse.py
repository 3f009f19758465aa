"""Forgiving parsers for the contract's value types: dates, booleans, vocabularies, numbers.

Each scalar parser returns the value or raises `ValueError` with a message for the
user. `parse_series` applies one to a column through its distinct values, so a
million-row column with a few distinct dates costs a few parses, not a million.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

# Formats tried in order. ISO first; UK day-first; the NHS extract spellings.
_DATE_FORMATS = (
    "%Y-%m-%d",  # 2021-09-30 (the contract)
    "%d/%m/%Y",  # 30/09/2021 (UK, day first)
    "%d-%b-%y",  # 30-Sep-21 (NHS Digital)
    "%d-%b-%Y",  # 30-Sep-2021
    "%d%b%Y",  # 01Jan2022, 01JAN2021 (NHS Digital)
    "%Y%m%d",  # 20191001 (ODS, ePCN)
    "%d %b %Y",  # 30 Sep 2021
    "%d %B %Y",  # 30 September 2021
    "%d/%m/%y",  # 30/09/21
    "%Y/%m/%d",  # 2021/09/30
)
_DATE_SHAPE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?\s*$")

DATE_HELP = "expected a date like 2021-09-30, 30/09/2021 or 30-Sep-21"


def parse_date(text: str) -> dt.date:
    """Parse a date in any accepted spelling; reject impossible dates (2021-02-30)."""
    s = str(text).strip()
    m = _DATE_SHAPE.match(s)  # ISO, also as Excel writes a date-time at midnight
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d)
        except ValueError:
            raise ValueError(f"impossible date ({DATE_HELP})") from None
    for fmt in _DATE_FORMATS[1:]:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{8}", s):
        raise ValueError(f"impossible date ({DATE_HELP}, day first)")
    raise ValueError(f"not a date ({DATE_HELP})")


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def parse_bool(text: str) -> bool:
    s = str(text).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError("not a yes/no value (expected true/false, yes/no, y/n or 1/0)")


# Spellings users write for a few values, after normalising (see `vocab_key`).
_SYNONYMS: dict[str, str] = {
    "la": "local_authority",
    "council": "local_authority",
    "vcse": "voluntary",
    "vcs": "voluntary",
    "voluntary_sector": "voluntary",
    "voluntary_and_community_sector": "voluntary",
    "memorandum_of_understanding": "mou",
    "s75": "section_75",
    "hwb": "health_and_wellbeing_board",
    "health_and_well_being_board": "health_and_wellbeing_board",
    "ics_partnership_board": "ics_partnership",
    "integrated_care_partnership": "ics_partnership",
}


def vocab_key(text: str) -> str:
    """`Local Authority` -> `local_authority`; `Health & Wellbeing Board` -> `health_and_wellbeing_board`."""
    s = str(text).strip().lower().replace("&", " and ")
    return re.sub(r"[^0-9a-z]+", "_", s).strip("_")


def parse_vocab(text: str, allowed: tuple[str, ...]) -> str:
    key = vocab_key(text)
    if key in allowed:
        return key
    key = _SYNONYMS.get(key, key)
    if key in allowed:
        return key
    raise ValueError(f"not one of: {', '.join(allowed)}")


def parse_int(text: str) -> int:
    s = str(text).strip().replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise ValueError("not a whole number") from None
    if not np.isfinite(value) or value != int(value):
        raise ValueError("not a whole number")
    return int(value)


def parse_float(text: str) -> float:
    s = str(text).strip().replace(",", "").lstrip("£")
    try:
        value = float(s)
    except ValueError:
        raise ValueError("not a number") from None
    if not np.isfinite(value):
        raise ValueError("not a number")
    return value


def parse_bounded(text: str, parse: Callable[[str], Any], low: float, high: float) -> Any:
    """A number that must lie between `low` and `high` (a latitude, a longitude)."""
    value = parse(text)
    if not low <= value <= high:
        raise ValueError(f"must be between {low:g} and {high:g}")
    return value


def parse_distinct(values: pd.Series, parse: Callable[[str], Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column of strings once per distinct value.

    Returns the rows' codes (-1 for missing) and, per code, the parsed value and the
    error message (None where the value parsed); each table has one more entry, at
    the end, for missing (None, None), so `table[codes]` is right for every row."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # the codes are there: no hashing
        codes, uniques = values.cat.codes.to_numpy().astype(np.int64), values.cat.categories
    else:
        codes, uniques = pd.factorize(values)
    n = len(uniques)
    parsed = np.empty(n + 1, dtype=object)
    errors = np.empty(n + 1, dtype=object)
    for i, u in enumerate(uniques):
        try:
            parsed[i] = parse(u)
        except ValueError as exc:
            errors[i] = str(exc)
    parsed[n] = errors[n] = None  # code -1 (missing)
    return np.asarray(codes), parsed, errors


def parse_series(values: pd.Series, parse: Callable[[str], Any]) -> tuple[pd.Series, pd.Series]:
    """Parse a column of strings through its distinct values.

    Returns the parsed values and, aligned with them, the error message of each row
    that failed (None where the value parsed)."""
    codes, parsed, errors = parse_distinct(values, parse)
    return (
        pd.Series(parsed[codes], index=values.index, dtype=object),
        pd.Series(errors[codes], index=values.index, dtype=object),
    )


def numeric_column(codes: np.ndarray, parsed: np.ndarray, kind: str) -> np.ndarray | None:
    """The parsed values of a complete int or float column as int64/float64 (None when a
    value is missing or of another type): one number per row, no Python object each."""
    if kind not in ("int", "float") or (len(codes) and codes.min() < 0):
        return None
    distinct = parsed[:-1]
    used = np.bincount(codes, minlength=len(distinct)) > 0 if len(codes) else np.zeros(len(distinct), dtype=bool)
    wanted = int if kind == "int" else float
    if not all(type(v) is wanted for v, u in zip(distinct, used, strict=True) if u):
        return None
    try:
        table = np.array([v if u else 0 for v, u in zip(distinct, used, strict=True)],
                         dtype=np.int64 if kind == "int" else np.float64)
    except OverflowError:
        return None
    return table[codes]
