"""User Cypher is checked before it reaches an engine (the read-only transaction is the backstop)."""

from __future__ import annotations

import pytest

from icpmap.graph.guard import check_read_only
from icpmap.graph.store import ReadOnlyViolation, StoreError


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) RETURN n",
        "MATCH (n {set: 1}) RETURN n.set, 'CREATE' AS x",
        "// DELETE everything\nMATCH (n) RETURN count(n)",
        "MATCH (p:Plan)-[:`FOR`]->(x) RETURN x.code",
        "CALL show_tables() RETURN *",
        "MATCH (n) RETURN n;",
        "RETURN \"a;b\" AS s",
    ],
)
def test_reads_pass(cypher):
    check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) DETACH DELETE n",
        "COMMIT; MATCH (n) DETACH DELETE n",
        "MATCH (n) RETURN n; MATCH (n) DELETE n",
        "LOAD FROM '/etc/passwd' RETURN *",
        "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
        "COPY (MATCH (n) RETURN n) TO '/tmp/x.csv'",
        "CALL apoc.load.json('http://example.org')",
        "MERGE (n:Organisation {code: 'x'})",
        "match (n) remove n.name",
        "",
    ],
)
def test_unsafe_is_refused(cypher):
    with pytest.raises((ReadOnlyViolation, StoreError)):
        check_read_only(cypher)
