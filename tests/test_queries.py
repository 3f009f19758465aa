"""The query library: headers parse, parameters bind, and every query runs on the sample."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from icpmap import cypher
from icpmap.cypher import Query, QueryError, parse
from icpmap.sample import SAMPLE_DIR

from .conftest import ENGINES, open_engine_store

SUBSET_BREAKERS = {
    r"\[:(FOR|IN)\b": "quote the FOR/IN relationship types with backticks",
    r"\blabels\s*\(": "labels() differs between engines",
    r"\bid\s*\(": "id() differs between engines",
    r"\bCALL\s*\{": "CALL { } is not available on LadybugDB",
    r"\bFOREACH\b": "FOREACH is not available on LadybugDB",
    r"\btype\s*\(": "type() is not available on LadybugDB",
    r"\bsplit\s*\(": "split() is not available on LadybugDB",
    r"\[\s*-?\d+\s*\]": "list indexing is 1-based on LadybugDB",
}


@pytest.fixture(scope="module", params=ENGINES)
def sample_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The bundled sample, loaded once for this module (its tests only read it): loading it for
    each of the library's queries made the module, and each mutant of the read path, minutes long."""
    from icpmap.loaders import load_paths

    store = open_engine_store(request.param, tmp_path_factory.mktemp("queries") / "db")
    load_paths(store, [SAMPLE_DIR])
    yield store
    store.close()


def test_library_has_the_foundation_queries():
    names = set(cypher.queries())
    assert {"counts", "place-members", "places"} <= names


@pytest.mark.parametrize("name", sorted(cypher.queries()))
def test_every_query_has_a_header_and_stays_portable(name):
    q = cypher.get(name)
    assert q.description and q.columns, f"{name}: description and columns are required"
    body = re.sub(r"'[^']*'", "''", q.text)
    for pattern, why in SUBSET_BREAKERS.items():
        assert not re.search(pattern, body), f"{q.path.name}: {why}"


def test_header_parsing(tmp_path):
    path = tmp_path / "x.cypher"
    path.write_text(
        "// name: x\n// description: A test.\n// param: place string required -- a Place\n"
        "// param: as_at date = today -- when\n// param: n int = 3\n// columns: a, b\nRETURN $n AS a, $place AS b\n"
    )
    q = parse(path)
    assert q.name == "x" and q.columns == ("a", "b")
    bound = q.bind({"place": "E1"})
    assert bound == {"place": "E1", "as_at": dt.date.today(), "n": 3}
    assert q.bind({"place": "E1", "as_at": "2021-09-30"})["as_at"] == dt.date(2021, 9, 30)
    with pytest.raises(QueryError, match="needs --param place"):
        q.bind({})
    with pytest.raises(QueryError, match="no parameter bogus"):
        q.bind({"place": "E1", "bogus": 1})
    with pytest.raises(QueryError, match="must be a date"):
        q.bind({"place": "E1", "as_at": "30th"})


def test_unknown_query_is_a_clear_error():
    with pytest.raises(QueryError, match="icpmap queries"):
        cypher.get("no-such-query")


def test_a_file_without_name_is_refused(tmp_path):
    path = tmp_path / "bad.cypher"
    path.write_text("MATCH (n) RETURN n\n")
    with pytest.raises(QueryError):
        parse(path)


def _run(store, q: Query, **params):
    return store.read(q.text, q.bind(params))


@pytest.mark.parametrize("name", sorted(cypher.queries()))
def test_every_query_runs_on_the_sample(sample_store, name):
    q = cypher.get(name)
    example = {"place": "E08000014", "ics": "QYG",
               "since": "2021-06-30", "until": "2022-06-30"}  # the changes queries: a year with changes
    params = {p.name: example[p.name] for p in q.params if p.required and p.name in example}
    result = _run(sample_store, q, **params)
    assert result.columns[: len(q.columns)] == list(q.columns)
    undated_in_the_sample = ("changes-neighbourhoods", "changes-board-links", "changes-commissioning",
                             "changes-expected-parties")  # no such change in the sample's year
    if q.name.startswith("changes-") and q.name not in undated_in_the_sample:
        assert result.rows, f"{q.name} finds nothing in the sample's year to 2022-06-30"


def test_counts_match_the_store(sample_store):
    rows = {r["name"]: r["count"] for r in _run(sample_store, cypher.get("counts")).records()}
    assert rows == sample_store.counts()
    assert rows["Place"] == 9 and rows["ICS"] == 1


def test_place_members_lists_current_members_only(sample_store):
    as_at = dt.date(2022, 6, 1)
    rows = _run(sample_store, cypher.get("place-members"), place="E08000012", as_at=as_at.isoformat()).records()
    assert rows, "Liverpool's partnership has members"
    expected = sample_store.read(
        "MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(:Place {code: 'E08000012'}) "
        "WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board'] "
        "RETURN o.code AS code, m.`from` AS f, m.`to` AS t, m.role AS role"
    ).records()
    current = [r for r in expected if (r["f"] is None or r["f"] <= as_at) and (r["t"] is None or r["t"] >= as_at)]
    assert {r["organisation_code"] for r in rows} == {r["code"] for r in current}
    core = {r["code"] for r in current if r["role"] == "core"}
    assert {r["organisation_code"] for r in rows if r["role"] == "core"} == core
    roles = [r["role"] for r in rows]
    assert roles == sorted(roles)  # core first


@pytest.mark.parametrize("engine", ENGINES)
def test_counts_names_every_label_with_its_count_even_when_none(engine: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`icpmap run counts` on an empty store lists each label with 0 (a plain MATCH would drop the row)."""
    store = open_engine_store(engine, tmp_path / "db")
    try:
        rows = store.read(cypher.get("counts").text).rows
        store.write("CREATE (:Place {code: 'E06000001', name: 'Hartlepool'})")
        after = store.read(cypher.get("counts").text).rows
    finally:
        store.close()
    nodes = {name: count for kind, name, count in rows if kind == "node"}
    assert set(nodes) >= {"ICS", "Place", "Neighbourhood", "PCN", "Practice", "Organisation", "Board", "Person"}
    assert set(nodes.values()) == {0}
    assert {name: count for kind, name, count in after if kind == "node"}["Place"] == 1
