"""Reports at their date boundaries: on the date, a day before and a day after, with answers
worked out by hand; each assurance rule's met / partial / not_met; the sampled betweenness
estimate scaled up to the whole component.

A membership is current on `as_at` when `from <= as_at <= to` (both ends inclusive, a
blank end open); a role holds from its `from` on.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
from pathlib import Path

import networkx as nx
import pytest

from icpmap.loaders import load_paths
from icpmap.reports import ReportSettings, assurance, run_report
from icpmap.reports.brokers import betweenness

D = dt.date(2024, 6, 1)
BEFORE, AFTER = D - dt.timedelta(days=1), D + dt.timedelta(days=1)
Z = "E09000026"


def _fixture_module():
    name = "icpmap_tests_fixtures_reports"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("fixtures_reports.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


fx = _fixture_module()

# One Place, Zed, around D = 2024-06-01. Its ICP boards are PPB-Z and HWB-Z (SAB-Z is not one).
BOUNDARY = {
    "ics": (["code", "name"], [["ICSZ", "Zed ICS"]]),
    "places": (["code", "name", "ics_code"], [[Z, "Zed", "ICSZ"]]),
    "organisations": (["code", "name", "sector", "statutory"], [
        ["START", "Starts on D", "local_authority", "true"],
        ["END", "Ends on D", "nhs_trust", "true"],
        ["EARLY", "Ended the day before D", "voluntary", "false"],
        ["LATE", "Starts the day after D", "housing", "false"],
        ["HWBM", "Core on the HWB", "police", "true"],
        ["WIDER", "Wider member", "voluntary", "false"],
        ["SAB", "Core on the safeguarding board", "fire", "true"],
        ["SIGNED", "Core and signed", "nhs_commissioner", "true"],
        ["LISTED", "Listed, never signed", "primary_care", "false"],
    ]),
    "boards": (["code", "name", "kind", "place_code", "ics_code", "parent_board_code"], [
        ["PPB-Z", "Zed Partnership Board", "place_partnership_board", Z, "", ""],
        ["HWB-Z", "Zed HWB", "health_and_wellbeing_board", Z, "", ""],
        ["SAB-Z", "Zed SAB", "safeguarding_adults_board", Z, "", ""],
    ]),
    "memberships": (["organisation_code", "board_code", "role", "from", "to"], [
        ["START", "PPB-Z", "core", "2024-06-01", ""],
        ["END", "PPB-Z", "core", "2020-01-01", "2024-06-01"],
        ["EARLY", "PPB-Z", "core", "2020-01-01", "2024-05-31"],
        ["LATE", "PPB-Z", "core", "2024-06-02", ""],
        ["HWBM", "HWB-Z", "core", "", ""],
        ["WIDER", "PPB-Z", "wider", "2020-01-01", ""],
        ["SAB", "SAB-Z", "core", "2020-01-01", ""],
        ["SIGNED", "PPB-Z", "core", "2020-01-01", ""],
        ["LISTED", "PPB-Z", "core", "2020-01-01", ""],
    ]),
    "agreements": (["code", "title", "kind", "place_code", "effective_from"], [
        ["MOU-Z", "Zed MOU", "mou", Z, "2021-09-01"],
    ]),
    "signatures": (["agreement_code", "organisation_code", "signed_on"], [
        ["MOU-Z", "SIGNED", "2021-09-10"],
        ["MOU-Z", "LISTED", ""],
    ]),
}


@pytest.fixture(scope="module")
def boundary_store(tmp_path_factory, open_store_for):
    store = open_store_for("ladybug", tmp_path_factory.mktemp("boundary") / "db")
    load_paths(store, [fx.write_fixture(tmp_path_factory.mktemp("boundary-in"), BOUNDARY)])
    yield store
    store.close()


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory, open_store_for):
    store = open_store_for("ladybug", tmp_path_factory.mktemp("reports-db") / "db")
    load_paths(store, [fx.write_fixture(tmp_path_factory.mktemp("reports-fixture"))])
    yield store
    store.close()


def rows(store, name, as_at, **options):
    return run_report(store, name, settings=ReportSettings(), as_at=as_at, **options).rows


def _unsigned(*codes: str) -> list[list[str]]:
    names = {r[0]: r[1] for r in BOUNDARY["organisations"][1]}
    return [[Z, "MOU-Z", c, names[c], "not_signed" if c == "LISTED" else "no_signature_row", "mou"][:5]
            for c in sorted(codes)]


@pytest.mark.parametrize(("as_at", "expected"), [
    # LISTED is listed without a date (always); HWBM is core with no dates (always);
    # START from D, END to D, EARLY to D-1, LATE from D+1; WIDER, SAB and SIGNED never.
    (BEFORE, ["EARLY", "END", "HWBM", "LISTED"]),
    (D, ["END", "HWBM", "LISTED", "START"]),
    (AFTER, ["HWBM", "LATE", "LISTED", "START"]),
])
def test_unsigned_on_the_date_and_a_day_either_side(boundary_store, as_at, expected) -> None:
    got = [r[:5] for r in rows(boundary_store, "unsigned", as_at)]
    assert got == _unsigned(*expected)


@pytest.mark.parametrize(("as_at", "members"), [
    # ICP members: core or wider on PPB-Z / HWB-Z, current on the day (SAB-Z is not an ICP board).
    (BEFORE, {"EARLY", "END", "HWBM", "WIDER", "SIGNED", "LISTED"}),
    (D, {"START", "END", "HWBM", "WIDER", "SIGNED", "LISTED"}),
    (AFTER, {"START", "LATE", "HWBM", "WIDER", "SIGNED", "LISTED"}),
])
def test_breadth_on_the_date_and_a_day_either_side(boundary_store, as_at, members: set[str]) -> None:
    statutory = {r[0] for r in BOUNDARY["organisations"][1] if r[3] == "true"}
    sectors = {r[0]: r[2] for r in BOUNDARY["organisations"][1]}
    [row] = rows(boundary_store, "breadth", as_at)
    assert row[:6] == [Z, "Zed", len(members), len({sectors[m] for m in members}), len(members & statutory),
                       len(members - statutory)]


def test_place_lead_changes_on_the_day_the_new_lead_starts(fixture_store) -> None:
    alpha = {as_at: next(r for r in rows(fixture_store, "place-leads", as_at) if r[0] == fx.ALPHA)
             for as_at in (dt.date(2021, 10, 31), dt.date(2021, 11, 1), dt.date(2021, 11, 30), dt.date(2021, 12, 1))}
    # PER-A1 leads from 2021-06-01, PER-A2 from 2021-11-01; core: LA-A CCG-A TR-A GP-A SW-A (TR-A2 joins in 2024).
    assert alpha[dt.date(2021, 10, 31)][:6] == [fx.ALPHA, "PER-A1", 5, 1, ["CCG-A", "GP-A", "LA-A", "SW-A"], True]
    # PER-A2, endorsed by LA-A and CCG-A; on the forum from 2021-12-01 only.
    assert alpha[dt.date(2021, 11, 1)][:6] == [fx.ALPHA, "PER-A2", 5, 2, ["GP-A", "SW-A", "TR-A"], False]
    assert alpha[dt.date(2021, 11, 30)][:6] == [fx.ALPHA, "PER-A2", 5, 2, ["GP-A", "SW-A", "TR-A"], False]
    assert alpha[dt.date(2021, 12, 1)][:6] == [fx.ALPHA, "PER-A2", 5, 2, ["GP-A", "SW-A", "TR-A"], True]


# -- assurance rules: each status of each rule ------------------------------------------------------------


def test_development_plan_rule() -> None:
    rule = assurance.development_plan
    assert rule({"development_plans": 1, "od_plans": 1})[0] == "met"
    assert rule({"development_plans": 1, "od_plans": 0}) == ("partial", "No organisational development (OD) plan.")
    assert rule({"development_plans": 0, "od_plans": 2}) == ("partial", "No development plan.")
    assert rule({"development_plans": 0, "od_plans": 0})[0] == "not_met"


def test_shared_vision_rule() -> None:
    rule = assurance.shared_vision
    assert rule({"vision_plans_approved": 1, "vision_plans": 1})[0] == "met"
    assert rule({"vision_plans_approved": 0, "vision_plans": 1})[0] == "partial"
    assert rule({"vision_plans_approved": 0, "vision_plans": 0})[0] == "not_met"


def test_engagement_rule() -> None:
    rule = assurance.engagement

    def f(plans: int, seldom: int, comms: int) -> dict[str, int]:
        return {"engagement_plans": plans, "engagement_plans_seldom_heard": seldom, "comms_links": comms}

    assert rule(f(1, 1, 1))[0] == "met"
    assert rule(f(0, 0, 0)) == ("not_met", "No engagement plan and no comms link.")
    assert rule(f(1, 0, 1)) == ("partial", "The engagement plan does not cover seldom heard groups.")
    assert rule(f(1, 1, 0)) == ("partial", "No comms link.")
    assert rule(f(0, 0, 1)) == ("partial", "No engagement plan.")
    assert rule(f(1, 0, 0)) == ("partial", "The engagement plan does not cover seldom heard groups; no comms link.")


def test_commissioning_rule() -> None:
    rule = assurance.commissioning
    assert rule({"pooled_budgets": 1, "joint_posts_or_teams": 1})[0] == "met"
    assert rule({"pooled_budgets": 1, "joint_posts_or_teams": 0})[0] == "partial"
    assert rule({"pooled_budgets": 0, "joint_posts_or_teams": 3})[0] == "partial"
    assert rule({"pooled_budgets": 0, "joint_posts_or_teams": 0})[0] == "not_met"


def test_place_lead_rule() -> None:
    rule = assurance.place_lead
    lead = {"lead_person_id": "P1", "missing_endorsements": [], "on_collaborative_forum": True, "core_members": 4}
    assert rule(lead) == ("met", "Lead P1 endorsed by all 4 core members and on the Place Collaborative Forum.")
    assert rule({**lead, "missing_endorsements": ["B", "A"]}) == ("partial", "Lead P1: not endorsed by A, B.")
    assert rule({**lead, "on_collaborative_forum": False}) == (
        "partial", "Lead P1: the lead does not sit on the Place Collaborative Forum.")
    assert rule({**lead, "lead_person_id": None}) == ("not_met", "No place lead.")


def test_footprints_rule() -> None:
    rule = assurance.footprints
    paired = [["NB1", "n", "P", 1, True]]
    assert rule({"neighbourhoods": 1}, paired, [])[0] == "met"
    assert rule({"neighbourhoods": 0}, [], [])[0] == "not_met"
    assert rule({"neighbourhoods": 2}, [*paired, ["NB2", "n", "P", 0, False]], []) == (
        "partial", "Neighbourhoods not led by exactly one PCN of their own: NB2.")
    assert rule({"neighbourhoods": 1}, paired, ["U9"]) == (
        "partial", "PCNs with practices here leading no neighbourhood of the Place: U9.")


def test_governance_rule() -> None:
    rule = assurance.governance
    facts = {"icp_boards": 1, "beyond_health_members": 1, "agreements": 1}
    assert rule(facts, [], [], ["police"])[0] == "met"
    assert rule({**facts, "icp_boards": 0}, [], [], ["police"])[0] == "not_met"
    assert rule({**facts, "beyond_health_members": 0}, [], [], ["police"]) == (
        "partial", "No partner from beyond health and care (police).")
    assert rule({**facts, "beyond_health_members": 0}, [], [], [])[0] == "met"  # no sector expected
    assert rule({**facts, "agreements": 0}, [], [], ["police"]) == ("partial", "No place agreement or MOU.")
    unsigned = [{"agreement_code": "M", "organisation_code": c} for c in ("B", "A")]
    assert rule(facts, unsigned, [], ["police"]) == ("partial", "M not signed by A, B.")
    missing = [{"missing_kind": "safeguarding_adults_board"}]
    assert rule(facts, [], missing, ["police"]) == ("partial", "No link to a safeguarding_adults_board.")
    many = [{"agreement_code": "M", "organisation_code": f"O{i:02d}"} for i in range(10)]
    assert rule(facts, many, [], [])[1] == "M not signed by O00, O01, O02, O03, O04, O05, O06, O07 and 2 more."


# -- betweenness: exact for small components, a scaled estimate for large ones ---------------------------


def _edges(orgs: int, boards: int, links: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    edges = {(f"O{i}", f"B{i % boards}") for i in range(orgs)}  # every org on a board, boards connected below
    edges |= {(f"O{b}", f"B{b + 1}") for b in range(boards - 1)}
    while len(edges) < orgs + boards - 1 + links:
        edges.add((f"O{rng.randrange(orgs)}", f"B{rng.randrange(boards)}"))
    return sorted(edges)


def test_small_components_are_exact_and_large_ones_a_scaled_estimate() -> None:
    edges = _edges(300, 60, 300, seed=5)
    graph = nx.Graph()
    graph.add_edges_from((("o", o), ("b", b)) for o, b in edges)
    exact = {node[1]: v for node, v in nx.betweenness_centrality(graph).items() if node[0] == "o"}
    assert betweenness(edges, ReportSettings(betweenness_exact_max_nodes=10_000)) == pytest.approx(exact, abs=1e-9)
    # One component of 360 nodes, about a quarter of them sampled as pivots: each value is
    # multiplied by 360 / k, so the total stays near the exact total (unscaled it would be
    # a quarter of it) and the ranking of the top brokers holds.
    estimate = betweenness(edges, ReportSettings(betweenness_exact_max_nodes=50, betweenness_samples=90))
    assert set(estimate) == set(exact)
    assert sum(estimate.values()) == pytest.approx(sum(exact.values()), rel=0.15)
    top = sorted(exact, key=exact.get, reverse=True)[:5]
    assert all(estimate[o] == pytest.approx(exact[o], rel=0.35) for o in top), [(estimate[o], exact[o]) for o in top]
    # Repeatable: the pivots come from a fixed seed.
    assert estimate == betweenness(edges, ReportSettings(betweenness_exact_max_nodes=50, betweenness_samples=90))
