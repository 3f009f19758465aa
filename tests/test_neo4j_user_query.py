"""The Neo4j plan check on plans shaped as the driver returns them (no server needed; the
attack corpus runs against a real server when ICPMAP_NEO4J_URI is set)."""

from __future__ import annotations

import pytest

from icpmap.graph import ReadOnlyViolation, StoreError
from icpmap.graph.neo4j_user_query import check_summary


def node(op: str, *children: dict, **args: str) -> dict:
    return {"operatorType": f"{op}@neo4j", "args": args, "identifiers": [], "children": list(children)}


READ = node("ProduceResults", node("Filter", node("NodeByLabelScan")))


def test_a_read_passes() -> None:
    check_summary("r", READ)
    check_summary("r", node("ProduceResults", node("ProcedureCall", Details="db.labels() :: (label :: STRING)")))


@pytest.mark.parametrize(("query_type", "plan", "said"), [
    ("r", node("ProduceResults", node("LoadCSV")), "LOAD CSV"),
    ("rw", node("ProduceResults", node("Projection", node("LoadCSV"))), "LOAD CSV"),
    ("w", node("EmptyResult", node("DetachDelete", node("AllNodesScan"))), "writes"),
    ("s", node("CreateIndex"), "writes"),
    ("r", node("ProduceResults", node("ProcedureCall", Details="dbms.listConfig() :: (name :: STRING)")), "procedure"),
    ("r", node("ProduceResults", node("ProcedureCall", Details="apoc.load.csv(...)")), "procedure"),
    ("r", node("ProduceResults", node("Apply", node("Argument"), node("SomethingNew"))), "SomethingNew"),
    ("r", node("AdministrationCommand"), "AdministrationCommand"),
])
def test_everything_else_is_refused(query_type: str, plan: dict, said: str) -> None:
    with pytest.raises(ReadOnlyViolation, match=said):
        check_summary(query_type, plan)


def test_no_plan_is_refused() -> None:
    with pytest.raises(StoreError):
        check_summary("r", None)
