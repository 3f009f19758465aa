"""Reports at their date boundaries: on the date, a day before and a day after, with answers
worked out by hand; each assurance rule's met / partial / not_met; the sampled betweenness
estimate scaled up to the whole component.

A membership is current on `as_at` when `from <= as_at <= to` (both ends inclusive, a
blank end open); a role holds from its `from` on.
"""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import pytest

from icpmap.loaders import load_paths
from icpmap.reports import ReportSettings, assurance, run_report
from icpmap.reports.base import Context
from icpmap.reports.brokers import betweenness

from . import fixtures_reports as fx
from .conftest import ENGINES

D = dt.date(2024, 6, 1)
BEFORE, AFTER = D - dt.timedelta(days=1), D + dt.timedelta(days=1)
Z = "E09000026"



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


def _loaded(engine: str, tmp_path_factory, open_store_for, name: str, files: dict):  # type: ignore[no-untyped-def]
    """A new store of `engine` holding the fixture `files` (written as CSV and loaded)."""
    store = open_store_for(engine, tmp_path_factory.mktemp(name) / "db")
    load_paths(store, [fx.write_fixture(tmp_path_factory.mktemp(f"{name}-in"), files)])
    return store


@pytest.fixture(scope="module", params=ENGINES)
def boundary_store(request, tmp_path_factory, open_store_for):
    store = _loaded(request.param, tmp_path_factory, open_store_for, "boundary", BOUNDARY)
    yield store
    store.close()


@pytest.fixture
def fixture_store(store, tmp_path):
    """The hand-worked fixture in an empty store of each engine (one test uses it)."""
    load_paths(store, [fx.write_fixture(tmp_path / "reports-fixture")])
    return store


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


def test_a_component_of_exactly_the_limit_is_exact_and_not_counted_as_large() -> None:
    """`betweenness_exact_max_nodes` is the largest component computed exactly: a path of five
    nodes at a limit of five is exact (S2 lies on the shortest paths of 4 of the other 6 pairs:
    S1-SB2, S1-S3, SB1-SB2, SB1-S3; 4 / 6), and beside a large component it takes no share of
    the pivots: the large component's estimate is the one it has alone, rescaled to the bigger
    graph (48 + 5 nodes)."""
    path = [("S1", "SB1"), ("S2", "SB1"), ("S2", "SB2"), ("S3", "SB2")]
    at_limit = ReportSettings(betweenness_exact_max_nodes=5, betweenness_samples=10)
    assert betweenness(path, at_limit) == pytest.approx({"S1": 0.0, "S2": 4 / 6, "S3": 0.0}, rel=1e-12)
    large = _edges(40, 8, 20, seed=3)  # one component of 48 nodes: 10 pivots (9 if the path counted as large)
    alone, beside = betweenness(large, at_limit), betweenness(large + path, at_limit)

    def rescale(n: int) -> float:  # networkx's normalisation, 2 / ((n - 1)(n - 2)), from n nodes to 53
        return (n - 1) * (n - 2) / (52 * 51)

    assert beside == pytest.approx({**{o: v * rescale(48) for o, v in alone.items()}, "S1": 0.0,
                                    "S2": 4 / 6 * rescale(5), "S3": 0.0}, rel=1e-9, abs=1e-12)


def test_an_organisation_and_a_board_alone_are_on_no_path_even_when_everything_is_estimated() -> None:
    """Two organisations each alone with its board (components of two nodes, on no shortest path
    between others): betweenness 0, also with `betweenness_exact_max_nodes` 0 (every component
    estimated), where a pair must not be taken for a component to sample."""
    pairs = [("O1", "B1"), ("O2", "B2")]
    assert betweenness(pairs, ReportSettings(betweenness_exact_max_nodes=0)) == {"O1": 0.0, "O2": 0.0}


# -- signatures and board links at their date boundaries ---------------------------------------------------

Y = "E09000027"
# One Place, Wye, around D: every party core on PPB-Y since 2020 unless said otherwise.
SIGNING = {
    "ics": (["code", "name"], [["ICSY", "Wye ICS"]]),
    "places": (["code", "name", "ics_code"], [[Y, "Wye", "ICSY"]]),
    "organisations": (["code", "name", "sector", "statutory"], [
        ["S-ON", "Signs on D", "local_authority", "true"],
        ["S-AFTER", "Signs the day after D", "nhs_trust", "true"],
        ["S-BEFORE", "Signed the day before D", "housing", "false"],
        ["ADD-ON", "Listed on D, not a member", "voluntary", "false"],
        ["ADD-AFTER", "Core, listed the day after D", "police", "true"],
    ]),
    "boards": (["code", "name", "kind", "place_code", "ics_code", "parent_board_code"], [
        ["PPB-Y", "Wye Partnership Board", "place_partnership_board", Y, "", ""],
        ["SAB-Y", "Wye SAB", "safeguarding_adults_board", Y, "", ""],
        ["SCP-Y", "Wye SCP", "safeguarding_children_partnership", Y, "", ""],
        ["CSP-Y", "Wye CSP", "community_safety_partnership", Y, "", ""],
        ["LEP-Y", "Wye LEP", "local_enterprise_partnership", Y, "", ""],
        ["HWB-Y", "Wye HWB", "health_and_wellbeing_board", Y, "", ""],
        ["PCF-Y", "Wye Collaborative Forum", "place_collaborative_forum", "", "ICSY", ""],
    ]),
    "memberships": (["organisation_code", "board_code", "role", "from", "to"], [
        ["S-ON", "PPB-Y", "core", "2020-01-01", ""],
        ["S-AFTER", "PPB-Y", "core", "2020-01-01", ""],
        ["S-BEFORE", "PPB-Y", "core", "2020-01-01", ""],
        ["ADD-AFTER", "PPB-Y", "core", "2020-01-01", ""],
    ]),
    "agreements": (["code", "title", "kind", "place_code", "effective_from"], [
        ["MOU-Y", "Wye MOU", "mou", Y, "2021-09-01"],
    ]),
    "signatures": (["agreement_code", "organisation_code", "signed_on", "added_on"], [
        ["MOU-Y", "S-ON", "2024-06-01", "2021-01-01"],
        ["MOU-Y", "S-AFTER", "2024-06-02", "2021-01-01"],
        ["MOU-Y", "S-BEFORE", "2024-05-31", ""],
        ["MOU-Y", "ADD-ON", "", "2024-06-01"],
        ["MOU-Y", "ADD-AFTER", "", "2024-06-02"],
    ]),
    # PPB-Y's links: SAB from D, SCP until D, CSP until the day before D, LEP from the day after D;
    # HWB-Y is linked for good (no dates).
    "board_links": (["board_code", "linked_board_code", "how", "from", "to"], [
        ["PPB-Y", "SAB-Y", "", "2024-06-01", ""],
        ["SCP-Y", "PPB-Y", "", "2020-01-01", "2024-06-01"],
        ["PPB-Y", "CSP-Y", "", "2020-01-01", "2024-05-31"],
        ["PPB-Y", "LEP-Y", "", "2024-06-02", ""],
        ["PPB-Y", "HWB-Y", "", "", ""],
    ]),
    # PER-Y1 leads until D (on the forum until the day before D); PER-Y2 from the day after D
    # (on the forum from then too). Endorsements of PER-Y1: the day before D, on D, the day after D.
    "people": (["id", "name", "role_title", "organisation_code"], [
        ["PER-Y1", "Yan First", "Place Director", "S-ON"],
        ["PER-Y2", "Yve Second", "Place Director", "S-ON"],
    ]),
    "roles": (["person_id", "role", "target_code", "from", "to"], [
        ["PER-Y1", "place_lead", Y, "2020-01-01", "2024-06-01"],
        ["PER-Y2", "place_lead", Y, "2024-06-02", ""],
        ["PER-Y1", "member", "PCF-Y", "2020-01-01", "2024-05-31"],
        ["PER-Y2", "member", "PCF-Y", "2024-06-02", ""],
        ["PER-Y1", "comms_link", Y, "2020-01-01", "2024-06-01"],  # Wye's comms link until D,
        ["PER-Y2", "comms_link", Y, "2024-06-02", ""],  # then from the day after D
    ]),
    "endorsements": (["organisation_code", "person_id", "endorsed_on"], [
        ["S-BEFORE", "PER-Y1", "2024-05-31"],
        ["S-ON", "PER-Y1", "2024-06-01"],
        ["S-AFTER", "PER-Y1", "2024-06-02"],
        ["S-ON", "PER-Y2", "2024-06-02"],
    ]),
}


@pytest.fixture(scope="module")
def signing_store(tmp_path_factory, open_store_for):
    store = _loaded("ladybug", tmp_path_factory, open_store_for, "signing", SIGNING)
    yield store
    store.close()


@pytest.mark.parametrize(("as_at", "expected"), [
    # A signature counts from its day on; a listing from its `added_on` on; a core member not
    # listed yet is reported as having no signature row.
    (BEFORE, [("ADD-AFTER", "no_signature_row"), ("S-AFTER", "not_signed"), ("S-ON", "not_signed")]),
    (D, [("ADD-AFTER", "no_signature_row"), ("ADD-ON", "not_signed"), ("S-AFTER", "not_signed")]),
    (AFTER, [("ADD-AFTER", "not_signed"), ("ADD-ON", "not_signed")]),
])
def test_unsigned_signatures_and_listings_on_their_day(signing_store, as_at, expected) -> None:
    names = {r[0]: r[1] for r in SIGNING["organisations"][1]}
    got = rows(signing_store, "unsigned", as_at)
    assert got == [[Y, "MOU-Y", code, names[code], reason] for code, reason in expected]


@pytest.mark.parametrize(("as_at", "missing"), [
    (BEFORE, ["local_enterprise_partnership", "safeguarding_adults_board"]),
    (D, ["community_safety_partnership", "local_enterprise_partnership"]),
    (AFTER, ["community_safety_partnership", "safeguarding_children_partnership"]),
])
def test_missing_links_follow_the_links_dates(signing_store, as_at, missing) -> None:
    assert rows(signing_store, "missing-links", as_at) == [[Y, "PPB-Y", kind] for kind in missing]


def test_mou_agreed_on_the_latest_signature(signing_store) -> None:
    """The timeline's mou_agreed: outstanding while anyone listed or core is unsigned."""
    got = {r[1]: r[3:5] for r in rows(signing_store, "timeline", AFTER) if r[0] == Y}
    assert got["mou_agreed"] == ["outstanding", None]
    assert got["governance_confirmed"][1] == dt.date(2021, 9, 1)


@pytest.mark.parametrize(("as_at", "expected"), [
    # Four core members: S-ON, S-AFTER, S-BEFORE, ADD-AFTER. An endorsement counts from its day on.
    (BEFORE, ["PER-Y1", 4, 1, ["ADD-AFTER", "S-AFTER", "S-ON"], True]),
    (D, ["PER-Y1", 4, 2, ["ADD-AFTER", "S-AFTER"], False]),
    (AFTER, ["PER-Y2", 4, 1, ["ADD-AFTER", "S-AFTER", "S-BEFORE"], True]),
])
def test_place_lead_endorsements_and_forum_on_their_day(signing_store, as_at, expected) -> None:
    assert rows(signing_store, "place-leads", as_at) == [[Y, *expected]]


@pytest.mark.parametrize(("as_at", "listed", "signed", "last"), [
    (BEFORE, 3, 1, BEFORE),  # S-ON, S-AFTER, S-BEFORE listed (ADD-ON from D); S-BEFORE signed
    (D, 4, 2, D),
    (AFTER, 5, 3, AFTER),
])
def test_agreement_signatures_count_listings_and_signatures_from_their_day(signing_store, as_at, listed, signed,
                                                                            last) -> None:
    """What the timeline's mou_agreed date rests on: listed, signed and the latest signature by the date."""
    ctx = Context(signing_store, ReportSettings(), None, as_at)
    [got] = ctx.records("report-agreement-signatures")
    assert (got["agreement_code"], got["listed"], got["signed"], got["last_signed_on"]) == ("MOU-Y", listed, signed,
                                                                                           last)
    assert got["effective_from"] == dt.date(2021, 9, 1)


@pytest.mark.parametrize("as_at", [BEFORE, D, AFTER])
def test_a_comms_link_counts_from_its_first_day_to_its_last(signing_store, as_at) -> None:
    """The engagement rule's comms links: PER-Y1's ends on D (it counts on D), PER-Y2's starts the
    day after, so Wye has exactly one on each of the three days (two would mean an end ignored)."""
    ctx = Context(signing_store, ReportSettings(), None, as_at)
    [facts] = ctx.records("report-assurance-facts", beyond_sectors=["-"])
    assert (facts["place_code"], facts["comms_links"]) == (Y, 1)


# -- report options: each spelling and each bound -------------------------------------------------------


def test_report_options_convert_each_spelling_and_refuse_out_of_bounds() -> None:
    from icpmap.reports.base import AS_AT, PLACE, ReportError
    from icpmap.reports.coterminosity import BY, THRESHOLD

    assert AS_AT.convert("2021-03-05") == dt.date(2021, 3, 5)
    assert AS_AT.convert(" 05/03/2021 ") == dt.date(2021, 3, 5)  # day first
    assert AS_AT.convert(dt.datetime(2021, 3, 5, 23, 59)) == dt.date(2021, 3, 5)
    assert AS_AT.convert(dt.date(2021, 3, 5)) == dt.date(2021, 3, 5)
    assert AS_AT.convert(None) is None and AS_AT.convert("  ") is None
    for bad in ("2021-02-30", "31/02/2021", "2021/03/05", "yesterday"):
        with pytest.raises(ReportError, match=r"--as-at must be a date"):
            AS_AT.convert(bad)
    assert THRESHOLD.convert("1") == 1.0 and THRESHOLD.convert(0.0001) == 0.0001
    for bad in ("0", 0, "-0.5", "1.0001", 2):
        with pytest.raises(ReportError, match=r"--threshold must be a share above 0 and at most 1"):
            THRESHOLD.convert(bad)
    with pytest.raises(ReportError, match=r"--threshold must be a number"):
        THRESHOLD.convert("most")
    assert BY.convert(" Patients ") == "patients"
    with pytest.raises(ReportError, match=r"--by must be one of practices, patients"):
        BY.convert("people")
    assert PLACE.convert(" E09000026 ") == "E09000026"
    assert (PLACE.flag, AS_AT.flag, PLACE.query_name) == ("--place", "--as-at", "place")


# -- the timeline: a milestone's due date and the as-at date, each a day either side ----------------------


def test_timeline_status_on_the_due_date_and_the_as_at_date() -> None:
    from icpmap.reports.timeline import Completion, status

    due, as_at = D, dt.date(2025, 1, 1)
    assert status(Completion(True, BEFORE), due, as_at) == ("on_time", BEFORE)
    assert status(Completion(True, D), due, as_at) == ("on_time", D)  # done on the due date is on time
    assert status(Completion(True, AFTER), due, as_at) == ("late", AFTER)
    assert status(Completion(True, None), due, as_at) == ("on_time", None)  # evidence without a date
    assert status(Completion(False), due, as_at) == ("outstanding", None)
    # done after the as-at date: not done yet on it
    assert status(Completion(True, as_at), due, as_at) == ("late", as_at)
    assert status(Completion(True, as_at + dt.timedelta(days=1)), due, as_at) == ("outstanding", None)
    assert status(Completion(True, BEFORE), due, BEFORE) == ("on_time", BEFORE)


def test_timeline_rows_carry_the_default_milestones_titles(signing_store) -> None:
    import csv

    from icpmap.reports.timeline import DEFAULT_MILESTONES

    with DEFAULT_MILESTONES.open(encoding="utf-8", newline="") as fh:
        shipped = {r["code"]: (dt.date.fromisoformat(r["due"]), r["title"]) for r in csv.DictReader(fh)}
    got = rows(signing_store, "timeline", AFTER)
    assert got and {r[1] for r in got} <= set(shipped)
    assert all((r[2], r[5]) == shipped[r[1]] for r in got)
    # by due date, then code (governance_confirmed and mou_agreed are both due 2021-09-30); the
    # milestones the graph cannot evidence are left out
    assert [r[1] for r in got] == ["boundaries_confirmed", "governance_confirmed", "mou_agreed",
                                   "place_lead_designate"]


@pytest.mark.parametrize("name", ["unsigned", "breadth", "missing-links", "place-leads", "timeline"])
def test_dated_reports_for_the_place_and_its_ics_are_the_whole_answer(signing_store, name) -> None:
    """Wye is the store's only Place, in its only ICS: asking for either changes nothing."""
    whole = rows(signing_store, name, D)
    assert whole
    assert rows(signing_store, name, D, ics="ICSY") == whole
    assert rows(signing_store, name, D, place=Y) == whole


# Two ICSs, a Place in each; organisations on a Place's board, on an ICS-wide board, or both.
TWO_ICS = {
    "ics": (["code", "name"], [["ICSA", "A ICS"], ["ICSB", "B ICS"]]),
    "places": (["code", "name", "ics_code"], [["E09000101", "Ay", "ICSA"], ["E09000102", "Bee", "ICSB"]]),
    "organisations": (["code", "name", "sector", "statutory"], [
        ["PLACE-A", "On Ay's board", "local_authority", "true"],
        ["ICS-A", "On A ICS's board only", "voluntary", "false"],
        ["ICS-B", "On B ICS's board only", "housing", "false"],
        ["PLACE-B", "On Bee's board", "nhs_trust", "true"],
    ]),
    "boards": (["code", "name", "kind", "place_code", "ics_code", "parent_board_code"], [
        ["PPB-A", "Ay Partnership Board", "place_partnership_board", "E09000101", "", ""],
        ["PPB-B", "Bee Partnership Board", "place_partnership_board", "E09000102", "", ""],
        ["ICP-A", "A ICS Partnership", "ics_partnership", "", "ICSA", ""],
        ["ICP-B", "B ICS Partnership", "ics_partnership", "", "ICSB", ""],
    ]),
    "memberships": (["organisation_code", "board_code", "role", "from", "to"], [
        ["PLACE-A", "PPB-A", "core", "2020-01-01", ""],
        ["PLACE-A", "PPB-A", "wider", "2023-01-01", ""],  # a second membership of the same board
        ["ICS-A", "ICP-A", "core", "2020-01-01", ""],
        ["ICS-B", "ICP-B", "core", "2020-01-01", ""],
        ["PLACE-B", "PPB-B", "core", "2020-01-01", ""],
    ]),
}


@pytest.mark.parametrize("engine", ENGINES)
def test_brokers_of_an_ics_are_those_on_its_places_boards_and_its_own(engine, tmp_path, open_store_for) -> None:
    store = open_store_for(engine, tmp_path / "db")
    try:
        load_paths(store, [fx.write_fixture(tmp_path / "in", TWO_ICS)])

        def brokers(**options: str) -> list[str]:
            return [r[0] for r in run_report(store, "brokers", settings=ReportSettings(), as_at=D, **options).rows]

        assert sorted(brokers()) == ["ICS-A", "ICS-B", "PLACE-A", "PLACE-B"]
        assert sorted(brokers(ics="ICSA")) == ["ICS-A", "PLACE-A"]
        assert sorted(brokers(ics="ICSB")) == ["ICS-B", "PLACE-B"]
        assert brokers(place="E09000101") == ["PLACE-A"]
        # two memberships of one board: one board, and the stronger role
        assert _query(store, "place-members", place="E09000101", as_at=D) == [
            ("PLACE-A", "On Ay's board", "local_authority", True, "core", 1)]
    finally:
        store.close()


# One Place, Pea, around D: PCN UP1's practices join and leave on D and a day either side;
# PCN UP2's only practice left the day before D. Each practice's patients live in Pea.
P = "E09000103"
PCN_DATES = {
    "ics": (["code", "name"], [["ICSP", "Pea ICS"]]),
    "places": (["code", "name", "ics_code"], [[P, "Pea", "ICSP"]]),
    "neighbourhoods": (["code", "name", "place_code"], [["NB-P", "Pea Central", P]]),
    "pcns": (["code", "name", "neighbourhood_codes"], [["UP1", "Pea One PCN", ""], ["UP2", "Pea Two PCN", ""]]),
    "practices": (["code", "name", "pcn_code", "postcode", "place_code", "from", "to", "lat", "lon"], [
        ["PSTART", "Joins on D", "UP1", "", P, "2024-06-01", "", "", ""],
        ["PEND", "Leaves on D", "UP1", "", P, "2020-01-01", "2024-06-01", "", ""],
        ["PEARLY", "Left the day before D", "UP1", "", P, "2020-01-01", "2024-05-31", "", ""],
        ["PLATE", "Joins the day after D", "UP1", "", P, "2024-06-02", "", "", ""],
        ["PGONE", "UP2's only practice, left the day before D", "UP2", "", P, "2020-01-01", "2024-05-31", "", ""],
    ]),
    "areas": (["code", "name", "kind", "place_code", "neighbourhood_code", "geometry"],
              [["E01990101", "Pea 01", "lsoa", P, "NB-P", ""]]),
    "registrations": (["practice_code", "area_code", "patients"], [
        ["PSTART", "E01990101", "100"], ["PEND", "E01990101", "200"], ["PEARLY", "E01990101", "400"],
        ["PLATE", "E01990101", "800"], ["PGONE", "E01990101", "1600"],
    ]),
}


@pytest.fixture(scope="module", params=ENGINES)
def pcn_dates_store(request, tmp_path_factory, open_store_for):
    store = _loaded(request.param, tmp_path_factory, open_store_for, "pcn-dates", PCN_DATES)
    yield store
    store.close()


def _query(store, name: str, **given):
    from icpmap import cypher

    q = cypher.get(name)
    return sorted(tuple(r) for r in store.read(q.text, q.bind(given)).rows)


@pytest.mark.parametrize("as_at, practices", [
    (BEFORE, {("UP1", "PEND"), ("UP1", "PEARLY"), ("UP2", "PGONE")}),
    (D, {("UP1", "PSTART"), ("UP1", "PEND")}),
    (AFTER, {("UP1", "PSTART"), ("UP1", "PLATE")}),
])
def test_pcn_practices_and_patients_on_the_date_and_a_day_either_side(pcn_dates_store, as_at, practices) -> None:
    patients = {"PSTART": 100, "PEND": 200, "PEARLY": 400, "PLATE": 800, "PGONE": 1600}
    assert set(_query(pcn_dates_store, "report-pcn-practices", as_at=as_at)) == practices
    assert set(_query(pcn_dates_store, "report-pcn-practices", as_at=as_at, place=P)) == practices
    per_pcn: dict[str, int] = {}
    for pcn, practice in practices:
        per_pcn[pcn] = per_pcn.get(pcn, 0) + patients[practice]
    at_place = sorted(("place", pcn, P, n) for pcn, n in per_pcn.items())
    at_nb = sorted(("neighbourhood", pcn, "NB-P", n) for pcn, n in per_pcn.items())
    assert _query(pcn_dates_store, "report-coterminosity-patients", as_at=as_at) == sorted(at_nb + at_place)
    live = _query(pcn_dates_store, "report-coterminosity-patients-live", as_at=as_at, level="place")
    assert [(pcn, fp, n) for pcn, fp, n in live] == [row[1:] for row in at_place]
    for scope in ({}, {"place": P}):
        assert _query(pcn_dates_store, "report-coterminosity-practices", as_at=as_at, **scope) == sorted(
            (pcn, P, sum(1 for c, _ in practices if c == pcn)) for pcn in per_pcn)
    # a PCN is the Place's while one of its practices there is a member (UP2 leads no neighbourhood)
    assert _query(pcn_dates_store, "report-place-pcns", as_at=as_at) == sorted((P, pcn) for pcn in per_pcn)


def test_an_agreement_nobody_is_listed_on_reports_every_core_member(tmp_path, open_store_for) -> None:
    """An agreement with no signature rows at all: each current core member of its Place is
    reported as having no signature row (a wider member and a former core member are not)."""
    x = "E09000105"
    files = {
        "ics": (["code", "name"], [["ICSX", "Ex ICS"]]),
        "places": (["code", "name", "ics_code"], [[x, "Ex", "ICSX"]]),
        "organisations": (["code", "name", "sector", "statutory"], [
            ["X-CORE", "Core member", "local_authority", "true"], ["X-WIDE", "Wider member", "voluntary", "false"],
            ["X-GONE", "Left before D", "housing", "false"]]),
        "boards": (["code", "name", "kind", "place_code"], [["PPB-X", "Ex Board", "place_partnership_board", x]]),
        "memberships": (["organisation_code", "board_code", "role", "from", "to"], [
            ["X-CORE", "PPB-X", "core", "2020-01-01", ""], ["X-WIDE", "PPB-X", "wider", "2020-01-01", ""],
            ["X-GONE", "PPB-X", "core", "2020-01-01", "2024-05-31"]]),
        "agreements": (["code", "title", "kind", "place_code", "effective_from"], [["MOU-X", "Ex MOU", "mou", x, ""]]),
    }
    store = open_store_for("ladybug", tmp_path / "db")
    try:
        load_paths(store, [fx.write_fixture(tmp_path / "in", files)])
        assert rows(store, "unsigned", D) == [[x, "MOU-X", "X-CORE", "Core member", "no_signature_row"]]
    finally:
        store.close()


def _epraccur_row(code: str, name: str, status: str, close: str) -> str:
    """One headerless epraccur row of a GP practice (prescribing setting 4) opened 2004-04-01."""
    cells = [code, name, "Y62", "QYG", "1 HIGH ST", "", "", "LIVERPOOL", "", "L1 1AA", "20040401", close,
             status, "B", "99A", "20130401", "", "0151", "", "", "", "0", "", "99A", "", "4", ""]
    return ",".join(cells) + "\n"


def test_a_pcn_whose_only_practice_closes_on_d_is_left_out_from_d(tmp_path, open_store_for) -> None:
    """A practice is open until the day before its close date: PCN UQ1's only practice closes on
    D, so the coterminosity report covers UQ1 the day before D and no longer on D; UQ2's stays.
    UQ2's practice is its member with no start date (a member all along), which puts UQ2 in the
    Place's scope too."""
    q = "E09000104"
    files = {
        "ics": (["code", "name"], [["ICSQ", "Queue ICS"]]),
        "places": (["code", "name", "ics_code"], [[q, "Queue", "ICSQ"]]),
        "pcns": (["code", "name"], [["UQ1", "Queue One PCN"], ["UQ2", "Queue Two PCN"]]),
        "practices": (["code", "name", "pcn_code", "place_code", "from"], [
            ["N82001", "Closes on D", "UQ1", q, "2020-01-01"], ["N82002", "Stays open", "UQ2", q, ""]]),
    }
    folder = fx.write_fixture(tmp_path / "in", files)
    (folder / "epraccur.csv").write_text(_epraccur_row("N82001", "CLOSES", "C", "20240601")
                                         + _epraccur_row("N82002", "STAYS", "A", ""))
    store = open_store_for("ladybug", tmp_path / "db")
    try:
        load_paths(store, [folder])
        got = {as_at: _query(store, "report-coterminosity-pcns", as_at=as_at) for as_at in (BEFORE, D, AFTER)}
        assert got == {BEFORE: [("UQ1", "Queue One PCN"), ("UQ2", "Queue Two PCN")],
                       D: [("UQ2", "Queue Two PCN")], AFTER: [("UQ2", "Queue Two PCN")]}
        assert _query(store, "report-pcn-practices", as_at=BEFORE, place=q) == [("UQ1", "N82001"), ("UQ2", "N82002")]
        assert _query(store, "report-pcn-practices", as_at=D, place=q) == [("UQ2", "N82002")]
        # by patients in a store with no registrations (the loader kept no totals, rightly): each
        # PCN covered, with no patients and so no main footprint
        assert rows(store, "coterminosity", BEFORE, by="patients") == [
            ["UQ1", "Queue One PCN", None, None, 0, False, 0, 0, 0],
            ["UQ2", "Queue Two PCN", None, None, 0, False, 0, 0, 0]]
    finally:
        store.close()


@pytest.mark.parametrize("as_at, core, earliest", [
    (BEFORE, ["END", "EARLY", "SIGNED", "LISTED"], dt.date(2020, 1, 1)),
    (D, ["START", "END", "SIGNED", "LISTED"], dt.date(2020, 1, 1)),
    (AFTER, ["START", "LATE", "SIGNED", "LISTED"], dt.date(2020, 1, 1)),
])
def test_icp_core_since_counts_the_core_memberships_of_the_day(boundary_store, as_at, core, earliest) -> None:
    """Zed's ICP board is PPB-Z (so HWB-Z's member is not counted); every membership there is dated."""
    assert _query(boundary_store, "report-icp-core-since", as_at=as_at) == [(Z, len(core), earliest, 0)]
