"""Which LadybugDB plans a user query may have: an allowlist read off the engine's own plan.

The worker prepares a user's text (the engine refuses more than one statement), then asks
the engine for the physical plan of that one statement (`EXPLAIN`). The plan is text: a box
per operator, headed `NAME[id]`, and a table function's box says `Function: NAME`. A query
runs only when every operator is a reading one and every table function a schema lookup.

How the text is read, and why it cannot be fooled into allowing more:

- Every `NAME[digits]` anywhere in the text counts as an operator, and every
  `Function: NAME` as a table function. The engine prints each operator's header and each
  table function's name in full (boxes widen to fit: see the tests), so a disallowed one is
  always found. Text of the user's (a string, an alias, a column name) can only *add*
  matches: an added disallowed name refuses the query (a false refusal); an added allowed
  name changes nothing, as names are only ever checked, never used to skip anything.
- The operator ids must run 0..n without a gap: a plan the reader does not understand is
  refused, not guessed at.
- The refusal names an operator only when it is one the engine is known to have, never a
  word taken from the plan (which may hold a file's header line).
"""

from __future__ import annotations

import re

from .store import ReadOnlyViolation, StoreError

# Physical operators of reading queries (seen in the plans of the query library and of the
# read-only constructs in tests/test_ladybug_plan.py). Anything else is refused.
READ_OPERATORS = frozenset({
    "RESULT_COLLECTOR", "PROJECTION", "FILTER", "FLATTEN", "LIMIT", "SKIP", "UNWIND",
    "SCAN_NODE_TABLE", "SCAN_REL_TABLE", "PRIMARY_KEY_SCAN_NODE_TABLE", "QUERY_PRIMARY_KEY_LOOKUP",
    "HASH_JOIN_BUILD", "HASH_JOIN_PROBE", "INTERSECT_BUILD", "INTERSECT", "CROSS_PRODUCT", "SEMI_MASKER",
    "AGGREGATE", "AGGREGATE_FINALIZE", "AGGREGATE_SCAN", "ORDER_BY", "ORDER_BY_MERGE", "ORDER_BY_SCAN",
    "TOP_K", "TOP_K_SCAN", "UNION_ALL_SCAN", "MULTIPLICITY_REDUCER", "RECURSIVE_EXTEND",
    "PATH_PROPERTY_PROBE", "DUMMY_SINK", "DUMMY_SIMPLE_SINK", "EMPTY_RESULT", "TABLE_FUNCTION_CALL",
})
# Table functions a user query may call: reading an intermediate result, and the schema.
READ_TABLE_FUNCTIONS = frozenset({
    "READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION", "SHOW_FUNCTIONS", "DB_VERSION",
})
# Operators the engine has that change something or reach outside the store: named in refusals.
KNOWN_REFUSED = {
    "COPY_TO": "COPY ... TO (writes a file)", "TRANSACTION": "transaction control (BEGIN, COMMIT, ROLLBACK)",
    "STANDALONE_CALL": "CALL of a setting", "CREATE_MACRO": "CREATE MACRO", "DROP": "DROP",
    "ALTER": "ALTER", "CREATE_TABLE": "CREATE TABLE", "CREATE_TYPE": "CREATE TYPE",
    "CREATE_SEQUENCE": "CREATE SEQUENCE", "INSERT": "CREATE", "MERGE": "MERGE", "SET_PROPERTY": "SET",
    "DELETE": "DELETE", "INDEX_LOOKUP": "a bulk write", "PARTITIONER": "COPY ... FROM (a bulk write)",
    "COPY_RDF": "COPY", "BATCH_INSERT": "COPY ... FROM (a bulk write)", "COPY_FROM": "COPY ... FROM",
    "ATTACH_DATABASE": "ATTACH", "DETACH_DATABASE": "DETACH", "USE_DATABASE": "USE",
    "EXPORT_DATABASE": "EXPORT DATABASE", "IMPORT_DATABASE": "IMPORT DATABASE",
    "INSTALL_EXTENSION": "INSTALL (an extension)", "LOAD_EXTENSION": "LOAD EXTENSION",
    "UNINSTALL_EXTENSION": "UNINSTALL (an extension)", "EXTENSION_CLAUSE": "an extension statement",
    "CHECKPOINT": "CHECKPOINT", "CREATE_GRAPH": "CREATE GRAPH", "USE_GRAPH": "USE GRAPH",
}
KNOWN_REFUSED_FUNCTIONS = {
    "READ_CSV_PARALLEL": "LOAD FROM (reads a file)", "READ_CSV_SERIAL": "LOAD FROM (reads a file)",
    "READ_PARQUET": "LOAD FROM (reads a file)", "READ_NPY": "LOAD FROM (reads a file)",
    "READ_PANDAS": "LOAD FROM (reads a Python object)", "READ_PYARROW": "LOAD FROM (reads a Python object)",
    "READ_POLARS": "LOAD FROM (reads a Python object)", "CURRENT_SETTING": "reading a setting",
    "SHOW_WARNINGS": "show_warnings", "CLEAR_WARNINGS": "clear_warnings", "PROJECT_GRAPH": "project_graph",
}

_OPERATOR = re.compile(r"([A-Z][A-Z0-9_]*)\[(\d+)\]")
_FUNCTION = re.compile(r"Function: ([A-Za-z0-9_]+)")


def check_plan(plan: str) -> None:
    """Raise `ReadOnlyViolation` unless every operator and table function of `plan` is allowed."""
    operators = _OPERATOR.findall(plan)
    if not operators:
        raise StoreError("The engine gave no plan for this query, so it cannot be checked; it was not run.")
    for name, _ in operators:
        if name not in READ_OPERATORS:
            raise ReadOnlyViolation(_refusal(KNOWN_REFUSED.get(name)))
    for name in _FUNCTION.findall(plan):
        if name not in READ_TABLE_FUNCTIONS:
            raise ReadOnlyViolation(_refusal(KNOWN_REFUSED_FUNCTIONS.get(name)))
    ids = {int(i) for _, i in operators}
    if ids != set(range(max(ids) + 1)):
        raise StoreError("The engine's plan for this query could not be read, so it was not run; "
                         "try writing it more simply.")


def _refusal(what: str | None) -> str:
    thing = what or "an operation that is not a read"
    return (f"This query uses {thing}, and only read-only queries of the graph are allowed here "
            "(no writes, schema changes, settings, transactions, files or extensions). Nothing was run.")
