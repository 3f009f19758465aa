"""The api's small parts on their own, with exact answers: query parameters at their bounds,
the load audit's published shape from any line, upload names, sign-in redirects, page dates.
The routes that use them are checked over HTTP in tests/test_api.py and tests/test_auth_roles.py."""

from __future__ import annotations

import datetime as dt

import pytest

from icpmap.api.errors import Problem
from icpmap.api.routes_api import _check_param
from icpmap.api.routes_loads import _entry_out

# -- query parameters (POST /query): what the engines take, refused with a 400 that names it ------------


def _refusal(value: object, name: str = "p") -> Problem:
    with pytest.raises(Problem) as caught:
        _check_param(name, value)
    assert caught.value.status_code == 400
    return caught.value


def _nested(value: object, levels: int, kind: str) -> object:
    for _ in range(levels):
        value = [value] if kind == "list" else {"k": value}
    return value


@pytest.mark.parametrize("value", [None, "", "text", True, False, 0, -1, 1.5, float("inf"), [1, 2], ["a"],
                                   [[1], [2]], {"a": 1, "b": "x"}])
def test_plain_json_values_are_taken(value: object) -> None:
    assert _check_param("p", value) is None


def test_integers_at_the_64_bit_bounds() -> None:
    for ok in (2**63 - 1, -(2**63)):
        assert _check_param("p", ok) is None
        assert _check_param("p", [ok]) is None
    for bad in (2**63, -(2**63) - 1):
        assert _refusal(bad, "n").detail == "Parameter 'n' is an integer outside the 64-bit range."
        assert _refusal([bad], "n").detail == "Parameter 'n' is an integer outside the 64-bit range."
        assert _refusal({"k": bad}, "n").detail == "Parameter 'n' is an integer outside the 64-bit range."


@pytest.mark.parametrize("kind", ["list", "map"])
def test_nesting_is_taken_to_eight_levels_and_refused_at_nine(kind: str) -> None:
    assert _check_param("p", _nested(1, 8, kind)) is None
    assert _refusal(_nested(1, 9, kind), "deep").detail == "Parameter 'deep' is nested too deeply."


def test_lists_and_maps_that_the_engines_cannot_take() -> None:
    list_message = ("Parameter 'xs': a list parameter needs one or more values of one type, none of them null "
                    "and none of them maps.")
    for bad in ([], [None], [1, None], [1, "a"], [{"a": 1}], [{"a": 1}, {"b": 2}]):
        assert _refusal(bad, "xs").detail == list_message, bad
    map_message = "Parameter 'm': a map parameter needs named entries with non-null values."
    for bad in ({}, {"": 1}, {"a": None}, {"a": 1, "b": None}):
        assert _refusal(bad, "m").detail == map_message, bad
    # inside a map, the same rules (the parameter's own name in the message)
    assert _refusal({"a": [1, "b"]}, "m").detail == list_message.replace("'xs'", "'m'")


def test_a_value_of_another_type_is_refused() -> None:
    for bad in (b"bytes", (1, 2), {1, 2}, dt.date(2024, 1, 1), object()):
        assert _refusal(bad, "t").detail == "Parameter 't' has a type the query engine does not take."
    assert _refusal([b"x"], "t").detail == "Parameter 't' has a type the query engine does not take."


# -- the load audit as GET /loads publishes it, whoever wrote the line --------------------------------------


def test_an_audit_line_in_the_published_shape() -> None:
    line = {"id": "L1", "at": "2024-06-01T10:00:00+00:00", "by": "ops", "key_id": "abcd1234", "status": "loaded",
            "files": [{"name": "places.csv", "bytes": 120, "sha256": "ff", "rows": 3}],
            "report": {"created": 1}, "problems": 0}
    assert _entry_out(line) == {
        "id": "L1", "at": "2024-06-01T10:00:00+00:00", "by": "ops", "via": "api", "key_id": "abcd1234",
        "status": "loaded", "files": [{"name": "places.csv", "bytes": 120, "sha256": "ff", "rows": 3}],
        "report": {"created": 1}, "problems": 0, "person_id": None}


def test_an_odd_audit_line_is_published_with_safe_defaults() -> None:
    line = {"id": 7, "by": 42, "via": 3, "key_id": 5, "status": "refused", "problems": True, "person_id": 9,
            "report": ["not", "a", "map"],
            "files": [{"path": "/tmp/x/people.csv", "bytes": "12", "rows": False, "sha256": None},
                      {"bytes": 4, "rows": 2}, "not a file"]}
    assert _entry_out(line) == {
        "id": "7", "at": "", "by": "42", "via": "api", "key_id": None, "status": "refused",
        "files": [{"name": "/tmp/x/people.csv", "bytes": 0, "sha256": "", "rows": None},
                  {"name": "", "bytes": 4, "sha256": "", "rows": 2}],
        "report": None, "problems": None, "person_id": None}
    # a line of the command line: no key, its own `via`
    assert _entry_out({"via": "cli", "status": "loaded"})["via"] == "cli"
    assert _entry_out({"status": "forgotten", "person_id": "P1"})["via"] is None
    assert _entry_out({"status": "forgotten", "person_id": "P1"})["person_id"] == "P1"
    assert _entry_out({}) == {"id": "", "at": "", "by": "", "via": None, "key_id": None, "status": "", "files": [],
                              "report": None, "problems": None, "person_id": None}


# -- uploads: names, reports and problems ---------------------------------------------------------------------


def test_upload_names_exactly() -> None:
    from icpmap.api.routes_loads import clean_name

    assert clean_name("a.csv") == "a.csv"  # the shortest name taken: one letter and the extension
    assert clean_name("b.XLSX") == "b.xlsx" and clean_name("My Plan (v2).Csv") == "My Plan (v2).csv"
    assert clean_name("  .. x.csv .. ") == "x.csv"  # spaces and dots at either end are dropped
    assert clean_name("dir\\sub/Ünïcode-é.csv") == "Ünïcode-é.csv"
    assert clean_name("e\u0301.csv") == "\u00e9.csv"  # NFC: one letter, however it was spelled
    assert clean_name("a$b%c&d.csv") == "a_b_c_d.csv" and clean_name("a$$$b.csv") == "a_b.csv"
    # a long name is cut to 120 characters and keeps its extension (it was cut blind, then refused)
    assert clean_name("x" * 200 + ".csv") == "x" * 115 + ".csv"
    assert clean_name("y" * 200 + ".XLSX") == "y" * 115 + ".xlsx"
    assert clean_name("z" * 114 + " . .csv") == "z" * 114 + ".csv"
    for bad in (".csv", "csv", "x.csv.exe", "x.txt", "x.xls", "", None, "../"):
        with pytest.raises(Problem) as caught:
            clean_name(bad)
        assert caught.value.status_code == 415
        assert caught.value.title == "Unsupported Media Type"
        assert caught.value.detail == f"Upload CSV files (.csv) or an Excel workbook (.xlsx); {bad!r} is neither."


def test_load_problems_are_listed_without_the_upload_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from icpmap.api.routes_loads import _problem_items

    folder = tmp_path / "icpmap-upload-x"
    problems = [
        SimpleNamespace(file=str(folder / "people.csv"), row=3, column="name", value=0, message="blank"),
        SimpleNamespace(file="elsewhere/boards.csv", row=None, column=None, value=None, message="no rows"),
        "a bare message",  # anything else: its text, and nothing made up
    ]
    assert _problem_items(SimpleNamespace(problems=problems), folder) == [
        {"file": "people.csv", "row": 3, "column": "name", "value": "0", "message": "blank"},
        {"file": "elsewhere/boards.csv", "row": None, "column": None, "value": None, "message": "no rows"},
        {"file": "", "row": None, "column": None, "value": None, "message": "a bare message"},
    ]
    assert _problem_items(ValueError("no problems attribute"), folder) == []


def test_a_load_report_in_plain_json() -> None:
    from dataclasses import dataclass

    from icpmap.api.routes_loads import _plain_report

    @dataclass
    class Report:
        when: dt.date
        counts: tuple[int, ...]

    class WithDict:
        def as_dict(self) -> dict:
            return {"on": dt.date(2024, 6, 1), "n": float("nan")}

    class Plain:
        def __init__(self) -> None:
            self.created = {"Place": 1}

    assert _plain_report(None) == {}
    assert _plain_report(WithDict()) == {"on": "2024-06-01", "n": None}
    assert _plain_report(Report(dt.date(2024, 6, 1), (1, 2))) == {"when": "2024-06-01", "counts": [1, 2]}
    assert _plain_report({"k": {2}}) == {"k": [2]}
    assert _plain_report(Plain()) == {"created": {"Place": 1}}
    assert _plain_report(5) == {"summary": "5"}  # no fields at all: its text

    class ToDict:
        def to_dict(self) -> dict:
            return {"rows": (1,)}

    assert _plain_report(ToDict()) == {"rows": [1]}


# -- the dashboard's small rules ------------------------------------------------------------------------------


def test_sign_in_only_ever_returns_to_a_path_on_this_site() -> None:
    from icpmap.api.pages import _safe_next

    for ok in ("/", "/dashboard/places/E08000014?as_at=2024-06-01", "/a//b"):
        assert _safe_next(ok) == ok
    for bad in (None, "", "dashboard", "//evil.example/x", "/\\evil.example", "https://evil.example/",
                "http:/x", " /x"):
        assert _safe_next(bad) == "/", bad


def test_a_page_date_is_iso_or_blank_else_a_400() -> None:
    from icpmap.api.pages import _page_date

    assert _page_date(None, "as_at") is None and _page_date("", "as_at") is None and _page_date("  ", "x") is None
    assert _page_date(" 2024-02-29 ", "as_at") == dt.date(2024, 2, 29)
    for bad in ("2023-02-29", "01/06/2024", "x" * 100):
        with pytest.raises(Problem) as caught:
            _page_date(bad, "since")
        assert caught.value.status_code == 400
        assert caught.value.detail == f"since must be a date as YYYY-MM-DD; got {bad[:40]!r}."


def test_status_counts_by_place() -> None:
    from icpmap.api.pages import _status_counts

    rows = [{"place_code": "A", "status": "met"}, {"place_code": "A", "status": "met"},
            {"place_code": "A", "status": "partial"}, {"place_code": "B", "status": "not_met"}]
    assert _status_counts(rows) == {"A": {"met": 2, "partial": 1}, "B": {"not_met": 1}}
    assert _status_counts([]) == {}


# -- keys ------------------------------------------------------------------------------------------------------


def test_a_keys_secret_is_256_random_bits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import base64

    from icpmap.api.auth import KeyFile

    keys = KeyFile(tmp_path / "keys.json")
    secrets = set()
    for i in range(3):
        _, key = keys.create(f"k{i}", "viewer")
        prefix, key_id, secret = key.split("-", 2)
        assert prefix == "icp" and len(key_id) == 8
        assert len(secret) == 43 and len(base64.urlsafe_b64decode(secret + "=")) == 32
        secrets.add(secret)
    assert len(secrets) == 3


def test_a_removed_key_file_takes_every_key_with_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from icpmap.api.auth import KeyFile

    keys = KeyFile(tmp_path / "keys.json")
    first, first_key = keys.create("first", "admin")
    _, second_key = keys.create("second", "viewer")
    assert keys.verify(first_key) == first
    keys.create("third", "viewer")  # written last: what this object read before it is all it holds
    (tmp_path / "keys.json").unlink()
    assert keys.verify(first_key) is None and keys.verify(second_key) is None
    assert not keys.has_active() and keys.records() == []


# -- the answer cache: misses computed a few at a time, in order of arrival --------------------------------


def test_cache_computes_at_most_its_concurrency_at_once_first_come_first_served() -> None:
    import asyncio
    import threading
    import time

    from icpmap.api.data import Cache

    def run(concurrency: int) -> tuple[list[int], int, list[int]]:
        cache = Cache(enabled=False, concurrency=concurrency)  # off: every call computes (as after a load)
        lock = threading.Lock()
        running, most, started = [0], [0], []

        def compute(n: int) -> int:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                started.append(n)
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            return n * 10

        async def main() -> list[int]:
            calls = []
            for n in range(8):
                calls.append(asyncio.ensure_future(cache.aget(("k", n), lambda n=n: compute(n))))
                await asyncio.sleep(0.002)  # each call waits for its turn before the next is made
            return list(await asyncio.gather(*calls))

        answers = asyncio.run(main())
        assert asyncio.run(main()) == answers  # a second event loop gets a limiter of its own
        return answers, most[0], started

    answers, most, _ = run(2)
    assert answers == [n * 10 for n in range(8)] and most == 2
    answers, most, started = run(1)
    assert most == 1 and started == list(range(8)) * 2  # the waiting ones go in the order they came
