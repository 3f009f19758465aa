"""loaders/parse.py value by value: each parser's exact answer and message at its edges, and the
column helpers (parse once per distinct value, typed numeric columns) on hand-made columns.

tests/test_parse.py holds the properties (every spelling round-trips, the rest is refused);
these pin the messages users read and the arrays the loader builds on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from icpmap.loaders.parse import (
    DATE_HELP,
    numeric_column,
    parse_bool,
    parse_bounded,
    parse_date,
    parse_distinct,
    parse_float,
    parse_int,
    parse_series,
    parse_vocab,
    vocab_key,
)

MARCH_5 = dt.date(2021, 3, 5)


@pytest.mark.parametrize("text", [
    " 2021-03-05 ", "2021-03-05 00:00", "2021-03-05T00:00", "2021-03-05 00:00:00.0", "2021-3-5T00:00:00",
    "\t05/03/2021\n",
])
def test_dates_with_space_and_midnight(text: str) -> None:
    assert parse_date(text) == MARCH_5


@pytest.mark.parametrize(("text", "message"), [
    ("2021-02-30", f"impossible date ({DATE_HELP})"),
    ("2021-13-01", f"impossible date ({DATE_HELP})"),
    ("31/02/2021", f"impossible date ({DATE_HELP}, day first)"),
    ("30/02/21", f"impossible date ({DATE_HELP}, day first)"),
    ("20210230", f"impossible date ({DATE_HELP}, day first)"),
    ("2021-03-05 01:00", f"not a date ({DATE_HELP})"),
    ("2021-03-05 00:00:01", f"not a date ({DATE_HELP})"),
    ("1/2/3", f"not a date ({DATE_HELP})"),
    ("123456789", f"not a date ({DATE_HELP})"),
    ("soon", f"not a date ({DATE_HELP})"),
])
def test_date_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_date(text)
    assert str(refused.value) == message


def test_date_help() -> None:
    assert DATE_HELP == "expected a date like 2021-09-30, 30/09/2021 or 30-Sep-21"


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), (" YES ", True), ("y", True), ("1", True), ("T", True),
    ("false", False), ("No", False), ("n", False), ("0", False), ("f", False),
])
def test_booleans(text: str, value: bool) -> None:
    assert parse_bool(text) is value


@pytest.mark.parametrize("text", ["", "2", "yes please", "oui", "-1"])
def test_other_booleans_refused_with_the_spellings(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_bool(text)
    assert str(refused.value) == "not a yes/no value (expected true/false, yes/no, y/n or 1/0)"


@pytest.mark.parametrize(("text", "key"), [
    ("LA", "local_authority"), ("Council", "local_authority"), ("VCSE", "voluntary"), ("vcs", "voluntary"),
    ("Voluntary Sector", "voluntary"), ("Voluntary and Community Sector", "voluntary"),
    ("Memorandum of Understanding", "mou"), ("S75", "section_75"), ("HWB", "health_and_wellbeing_board"),
    ("Health and Well-being Board", "health_and_wellbeing_board"), ("ICS Partnership Board", "ics_partnership"),
    ("Integrated Care Partnership", "ics_partnership"),
])
def test_each_synonym(text: str, key: str) -> None:
    assert parse_vocab(text, (key, "other")) == key


def test_vocabulary_keys_and_refusal() -> None:
    assert vocab_key("  A&B--c  ") == "a_and_b_c" and vocab_key("__x__") == "x" and vocab_key("9 Lives") == "9_lives"
    assert parse_vocab("la", ("la", "local_authority")) == "la"  # an allowed value is never read as a synonym
    with pytest.raises(ValueError) as refused:
        parse_vocab("council", ("nhs", "police"))
    assert str(refused.value) == "not one of: nhs, police"


@pytest.mark.parametrize(("text", "value"), [(" 7 ", 7), ("1,000", 1000), ("-0", 0), ("1e3", 1000), ("12.0", 12)])
def test_whole_numbers(text: str, value: int) -> None:
    got = parse_int(text)
    assert got == value and type(got) is int


@pytest.mark.parametrize("text", ["1.5", "inf", "-inf", "nan", "", "x", "1.0000001"])
def test_not_whole_numbers(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_int(text)
    assert str(refused.value) == "not a whole number"


@pytest.mark.parametrize(("text", "value"), [("£1,250", 1250.0), (" -2.5 ", -2.5), ("3", 3.0), ("1e-3", 0.001)])
def test_numbers(text: str, value: float) -> None:
    got = parse_float(text)
    assert got == value and type(got) is float


@pytest.mark.parametrize("text", ["£", "nan", "inf", "-inf", "", "ten"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_float(text)
    assert str(refused.value) == "not a number"


def test_bounds_are_inclusive() -> None:
    assert parse_bounded("-90", parse_float, -90, 90) == -90.0 and parse_bounded("90", parse_float, -90, 90) == 90.0
    for text in ("-90.000001", "90.000001"):
        with pytest.raises(ValueError) as refused:
            parse_bounded(text, parse_float, -90, 90)
        assert str(refused.value) == "must be between -90 and 90"
    with pytest.raises(ValueError, match=r"^must be between 0\.5 and 1\.5$"):
        parse_bounded("2", parse_float, 0.5, 1.5)


@pytest.mark.parametrize("categorical", [False, True])
def test_a_column_is_parsed_once_per_distinct_value(categorical: bool) -> None:
    seen: list[str] = []

    def parse(text: str) -> int:
        seen.append(text)
        return parse_int(text)

    values = pd.Series(["1", "x", None, "1", "2", "x"], index=[10, 11, 12, 13, 14, 15], dtype=object)
    if categorical:
        values = values.astype("category")
    codes, parsed, errors = parse_distinct(values, parse)
    assert sorted(seen) == ["1", "2", "x"]
    assert [parsed[c] for c in codes] == [1, None, None, 1, 2, None]
    assert [errors[c] for c in codes] == [None, "not a whole number", None, None, None, "not a whole number"]
    assert parsed[-1] is None and errors[-1] is None and len(parsed) == len(errors) == 4
    assert codes.tolist().count(-1) == 1
    out, why = parse_series(values, parse_int)
    assert out.index.tolist() == why.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert out.dtype == object and why.dtype == object
    assert out.tolist() == [1, None, None, 1, 2, None]
    assert why.tolist() == [None, "not a whole number", None, None, None, "not a whole number"]


def _column(texts: list[str | None], parse, kind: str):  # type: ignore[no-untyped-def]
    codes, parsed, _ = parse_distinct(pd.Series(texts, dtype=object), parse)
    return numeric_column(codes, parsed, kind)


def test_numeric_columns() -> None:
    ints = _column(["3", "1", "3"], parse_int, "int")
    assert ints.dtype == np.int64 and ints.tolist() == [3, 1, 3]
    floats = _column(["0.5", "2", "0.5"], parse_float, "float")
    assert floats.dtype == np.float64 and floats.tolist() == [0.5, 2.0, 0.5]
    assert _column(["1", None], parse_int, "int") is None  # a missing value
    assert _column(["1", "2"], parse_int, "string") is None
    assert _column(["1", "2"], parse_int, "float") is None  # ints are not floats
    assert _column(["1", "x"], parse_int, "int") is None  # a value that did not parse
    assert _column([str(2**70)], parse_int, "int") is None  # too big for int64
    empty = numeric_column(np.array([], dtype=np.int64), np.array([None], dtype=object), "int")
    assert empty is not None and empty.tolist() == []
    # a distinct value no row uses (a category) is not looked at
    codes = np.array([0, 0])
    parsed = np.array([4, "unused", None], dtype=object)
    assert numeric_column(codes, parsed, "int").tolist() == [4, 4]
    assert numeric_column(np.array([1, 1]), parsed, "int") is None
