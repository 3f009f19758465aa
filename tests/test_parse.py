"""The forgiving value parsers: every accepted spelling round-trips, anything else is refused."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icpmap.graph.model import VOCABULARIES
from icpmap.loaders.parse import parse_bool, parse_date, parse_float, parse_int, parse_vocab, vocab_key

EXAMPLES = int(os.environ.get("ICPMAP_FUZZ_EXAMPLES", "200"))
dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2068, 12, 31))


def _case(draw_case: int, text: str) -> str:
    return (text.lower(), text.upper(), text.title(), text)[draw_case % 4]


@settings(max_examples=EXAMPLES, deadline=None)
@given(dates, st.integers(0, 3), st.sampled_from(["", " ", "  "]))
def test_hypothesis_every_date_spelling_round_trips(day: dt.date, case: int, pad: str) -> None:
    spellings = [
        day.isoformat(),  # contract
        day.strftime("%d/%m/%Y"),  # UK, day first
        _case(case, day.strftime("%d-%b-%y")),  # 30-Sep-21
        _case(case, day.strftime("%d-%b-%Y")),
        _case(case, day.strftime("%d%b%Y")),  # 01Jan2022 / 01JAN2021
        day.strftime("%Y%m%d"),  # ODS / ePCN
        f"{day.isoformat()} 00:00:00",  # Excel's date-time at midnight
        _case(case, day.strftime("%d %b %Y")),  # 30 Sep 2021
        _case(case, day.strftime("%d %B %Y")),  # 30 September 2021
        day.strftime("%d/%m/%y"),  # 30/09/21
        day.strftime("%Y/%m/%d"),  # 2021/09/30
    ]
    for text in spellings:
        assert parse_date(pad + text + pad) == day, text


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(29, 31))
def test_hypothesis_impossible_dates_are_refused(year: int, month: int, day: int) -> None:
    try:
        dt.date(year, month, day)
    except ValueError:
        with pytest.raises(ValueError, match="impossible date"):
            parse_date(f"{year:04d}-{month:02d}-{day:02d}")
        with pytest.raises(ValueError, match="impossible date"):
            parse_date(f"{day:02d}/{month:02d}/{year:04d}")
    else:
        assert parse_date(f"{day:02d}/{month:02d}/{year:04d}") == dt.date(year, month, day)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=12))
def test_hypothesis_date_never_crashes_differently(text: str) -> None:
    try:
        assert isinstance(parse_date(text), dt.date)
    except ValueError as exc:
        assert "date" in str(exc)


TRUE = ["true", "yes", "y", "1"]
FALSE = ["false", "no", "n", "0"]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.sampled_from(TRUE + FALSE), st.integers(0, 3), st.sampled_from(["", " ", "\t"]))
def test_hypothesis_boolean_spellings(word: str, case: int, pad: str) -> None:
    assert parse_bool(pad + _case(case, word) + pad) is (word in TRUE)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=8))
def test_hypothesis_other_booleans_are_refused(text: str) -> None:
    if text.strip().lower() in {*TRUE, *FALSE, "t", "f"}:
        return
    with pytest.raises(ValueError, match="yes/no"):
        parse_bool(text)


vocab_values = st.sampled_from([(name, v) for name, values in VOCABULARIES.items() for v in values])


@settings(max_examples=EXAMPLES, deadline=None)
@given(vocab_values, st.integers(0, 3), st.sampled_from([" ", "-", "_", "  "]), st.sampled_from(["", " "]))
def test_hypothesis_vocabulary_case_and_spacing(item: tuple[str, str], case: int, sep: str, pad: str) -> None:
    name, value = item
    spelled = pad + _case(case, value.replace("_", sep)) + pad
    assert parse_vocab(spelled, VOCABULARIES[name]) == value


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.sampled_from(sorted(VOCABULARIES)), st.text(max_size=15))
def test_hypothesis_vocabulary_refuses_the_rest(name: str, text: str) -> None:
    allowed = VOCABULARIES[name]
    try:
        value = parse_vocab(text, allowed)
    except ValueError as exc:
        assert "not one of" in str(exc)
    else:
        assert value in allowed


def test_vocabulary_examples() -> None:
    assert parse_vocab("Local Authority", VOCABULARIES["sector"]) == "local_authority"
    assert parse_vocab("Health & Wellbeing Board", VOCABULARIES["board_kind"]) == "health_and_wellbeing_board"
    assert parse_vocab("Section 75", VOCABULARIES["agreement_kind"]) == "section_75"
    assert parse_vocab("MoU", VOCABULARIES["agreement_kind"]) == "mou"
    assert parse_vocab("VCSE", VOCABULARIES["sector"]) == "voluntary"
    assert vocab_key(" Place  Partnership-Board ") == "place_partnership_board"
    with pytest.raises(ValueError):
        parse_vocab("hospital", VOCABULARIES["sector"])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(-10**12, 10**12))
def test_hypothesis_whole_numbers(n: int) -> None:
    assert parse_int(str(n)) == n
    assert parse_int(f"{n:,}") == n
    assert parse_int(f"{n}.0") == n


def test_numbers_refused() -> None:
    for bad in ("twelve", "1.5", "", "nan", "inf"):
        with pytest.raises(ValueError):
            parse_int(bad)
    assert parse_float("£1,250,000.50") == 1250000.5
    with pytest.raises(ValueError):
        parse_float("lots")


# 5 March 2021: day and month both fit either way, so a spelling read month-first is caught.
MARCH_5 = dt.date(2021, 3, 5)


@pytest.mark.parametrize("text", [
    "2021-03-05", "2021-3-5", "2021-03-05 00:00:00", "2021-03-05T00:00:00.000",
    "05/03/2021", "5/3/2021", "05/03/21",
    "05-Mar-21", "05-MAR-2021", "05Mar2021", "05MAR2021",
    "20210305", "05 Mar 2021", "5 March 2021", "2021/03/05",
])
def test_every_accepted_spelling_reads_day_and_month_the_right_way_round(text: str) -> None:
    assert parse_date(text) == MARCH_5


@pytest.mark.parametrize("text", ["2021-03-05x", "03/05/2021/", "March 5, 2021", "2021.03.05", "5th March 2021"])
def test_other_spellings_are_not_dates(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["31/02/2021", "13/13/2021", "2021-02-29", "20210230", "00/01/2021"])
def test_impossible_dates_in_any_spelling_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="impossible date"):
        parse_date(text)
