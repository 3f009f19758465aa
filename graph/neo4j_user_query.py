"""User-written Cypher on Neo4j: refused unless the server's own plan says it only reads.

In one READ-mode transaction with the query's timeout (the server stops it and refuses any
write in it), the text is first `EXPLAIN`ed: the server parses and plans it, runs nothing,
and returns its summary. The query then runs only if the summary's query type is `r`
(read only) and every operator of the structured plan is a reading one, with procedures
only from a short allowlist (`LoadCSV` and every other procedure are refused). Rows are
fetched one by one up to `max_rows` (and `max_answer_mb` of values); the server's
`db.memory.transaction.max` bounds its memory (docs/neo4j.md lists the settings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from .store import ReadOnlyViolation, Result, StoreError, plain

if TYPE_CHECKING:
    from .limits import Limits
    from .neo4j_store import Neo4jStore

READ_OPERATORS = frozenset({
    "ProduceResults", "Filter", "Projection", "Limit", "ExhaustiveLimit", "Skip", "Sort", "PartialSort", "Top",
    "PartialTop", "Distinct", "OrderedDistinct", "Aggregation", "EagerAggregation", "OrderedAggregation", "Eager",
    "Unwind", "Optional", "CacheProperties", "ProjectEndpoints", "EmptyRow", "Argument", "ArgumentTracker",
    "AllNodesScan", "NodeByLabelScan", "NodeByIdSeek", "NodeByElementIdSeek", "NodeIndexSeek", "NodeUniqueIndexSeek",
    "NodeIndexSeekByRange", "NodeUniqueIndexSeekByRange", "NodeIndexContainsScan", "NodeIndexEndsWithScan",
    "NodeIndexScan", "MultiNodeIndexSeek", "AssertingMultiNodeIndexSeek", "UnionNodeByLabelsScan",
    "IntersectionNodeByLabelsScan", "SubtractionNodeByLabelsScan", "NodeCountFromCountStore",
    "RelationshipCountFromCountStore", "DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek",
    "DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan", "DirectedRelationshipIndexSeekByRange",
    "UndirectedRelationshipIndexSeekByRange", "DirectedRelationshipIndexContainsScan",
    "UndirectedRelationshipIndexContainsScan", "DirectedRelationshipIndexEndsWithScan",
    "UndirectedRelationshipIndexEndsWithScan", "DirectedRelationshipByIdSeek", "UndirectedRelationshipByIdSeek",
    "DirectedRelationshipByElementIdSeek", "UndirectedRelationshipByElementIdSeek", "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan", "DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan",
    "DirectedUnionRelationshipTypesScan", "UndirectedUnionRelationshipTypesScan",
    "Expand(All)", "Expand(Into)", "OptionalExpand(All)", "OptionalExpand(Into)", "VarLengthExpand(All)",
    "VarLengthExpand(Into)", "VarLengthExpand(Pruning)", "VarLengthExpand(Pruning,BFS)", "BFSPruningVarLengthExpand",
    "ShortestPath", "StatefulShortestPath(All)", "StatefulShortestPath(Into)", "Repeat(Trail)", "Repeat(Walk)",
    "NullifyMetadata", "Trail",
    "Apply", "SemiApply", "AntiSemiApply", "LetSemiApply", "LetAntiSemiApply", "SelectOrSemiApply",
    "SelectOrAntiSemiApply", "LetSelectOrSemiApply", "LetSelectOrAntiSemiApply", "RollUpApply", "ConditionalApply",
    "AntiConditionalApply", "CartesianProduct", "NodeHashJoin", "ValueHashJoin", "NodeLeftOuterHashJoin",
    "NodeRightOuterHashJoin", "Union", "OrderedUnion", "TriadicSelection", "TriadicBuild", "TriadicFilter",
    "AssertSameNode", "AssertSameRelationship", "Anti", "ProcedureCall",
})
# Schema lookups only: nothing that reads a file, a URL, the configuration or another database.
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
})


def operators(plan: Any) -> list[tuple[str, dict[str, Any]]]:
    """(operator type without the `@database` suffix, arguments) of every node of a plan."""
    out = []
    stack = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = str(node.get("operatorType", "")).split("@", 1)[0]
            out.append((name, dict(node.get("args") or node.get("arguments") or {})))
            stack.extend(node.get("children") or [])
        else:  # neo4j.summary plan objects (older drivers)
            name = str(getattr(node, "operator_type", "")).split("@", 1)[0]
            out.append((name, dict(getattr(node, "arguments", {}) or {})))
            stack.extend(getattr(node, "children", []) or [])
    return out


def check_summary(query_type: str | None, plan: Any) -> None:
    """Raise `ReadOnlyViolation` unless the server planned a read with allowed operators only."""
    if plan is None:
        raise StoreError("Neo4j gave no plan for this query, so it cannot be checked; it was not run.")
    found = operators(plan)
    if any(name == "LoadCSV" for name, _ in found):
        raise ReadOnlyViolation(_refusal("LOAD CSV (reads a file or URL)"))
    if query_type != "r":
        raise ReadOnlyViolation(_refusal("writes or schema changes"))
    for name, args in found:
        if name not in READ_OPERATORS:
            raise ReadOnlyViolation(_refusal(f"the operation {name}"))
        if name == "ProcedureCall":
            details = str(args.get("Details") or args.get("details") or args.get("signature") or "")
            procedure = details.split("(", 1)[0].strip()
            if procedure not in ALLOWED_PROCEDURES:
                raise ReadOnlyViolation(_refusal("a procedure that user queries may not call (allowed: "
                                                 + ", ".join(sorted(ALLOWED_PROCEDURES)) + ")"))


def _refusal(what: str) -> str:
    return (f"This query uses {what}, and only read-only queries of the graph are allowed here "
            "(no writes, schema changes, files or procedures outside the allowlist). Nothing was run.")


def run(store: Neo4jStore, cypher: str, params: dict[str, Any] | None, limits: Limits) -> Result:
    from .neo4j_store import _retryable, _translate

    max_bytes = limits.max_answer_mb * 1024 * 1024

    @neo4j.unit_of_work(timeout=limits.timeout_s)
    def work(tx: neo4j.ManagedTransaction) -> Result:
        try:
            summary = tx.run("EXPLAIN " + cypher, params or {}).consume()
            check_summary(summary.query_type, summary.plan)
            result = tx.run(cypher, params or {})
            columns = list(result.keys())
            rows: list[list[Any]] = []
            size = 0
            truncated = False
            for record in result:
                if len(rows) >= limits.max_rows:
                    truncated = True
                    break
                row = [plain(v) for v in record]
                size += len(repr(row))
                if size > max_bytes:
                    raise StoreError(f"The query's answer is larger than {limits.max_answer_mb} MB; "
                                     "return fewer or smaller values.")
                rows.append(row)
            return Result(columns, rows, truncated)
        except (Neo4jError, DriverError) as exc:
            if _retryable(exc):
                raise
            raise _translate(exc, store.location, limits.timeout_s) from None

    with store._session(read=True) as session:
        try:
            return session.execute_read(work)
        except (Neo4jError, DriverError) as exc:
            raise _translate(exc, store.location, limits.timeout_s) from None
