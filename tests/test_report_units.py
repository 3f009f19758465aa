"""The reports' Python rules on hand-made facts, exact answers: the timeline's evidence checks.
The queries that give those facts are checked on hand-worked stores in tests/test_report_boundaries.py."""

from __future__ import annotations

import datetime as dt

import pytest

from icpmap.reports.timeline import (
    CHECKS,
    NOT_DONE,
    Completion,
    PlaceEvidence,
    check_boundaries,
    check_governance,
    check_mou,
    check_place_lead,
)

D1, D2, D3 = dt.date(2021, 4, 1), dt.date(2021, 9, 30), dt.date(2022, 1, 15)


def _evidence(agreements=(), unsigned=(), lead=None, core_since=None) -> PlaceEvidence:  # type: ignore[no-untyped-def]
    return PlaceEvidence(list(agreements), list(unsigned), lead, core_since)


def test_the_checks_by_milestone() -> None:
    assert {"boundaries_confirmed": check_boundaries, "mou_agreed": check_mou,
                      "governance_confirmed": check_governance, "place_lead_designate": check_place_lead} == CHECKS


def test_boundaries_confirmed_by_a_current_core_member_since_the_earliest_from() -> None:
    assert check_boundaries(_evidence()) == NOT_DONE
    assert check_boundaries(_evidence(core_since={"core_memberships": 0, "undated": 0, "earliest_from": D1})) == NOT_DONE
    assert check_boundaries(_evidence(core_since={"core_memberships": 2, "undated": 0, "earliest_from": D1})) == \
        Completion(True, D1)
    # one membership with no `from`: done, on no known date
    assert check_boundaries(_evidence(core_since={"core_memberships": 2, "undated": 1, "earliest_from": D1})) == \
        Completion(True, None)


def test_mou_agreed_on_the_latest_signature_when_nobody_is_missing() -> None:
    signed = [{"last_signed_on": D2, "effective_from": D1}, {"last_signed_on": D3, "effective_from": None},
              {"last_signed_on": None, "effective_from": D2}]
    assert check_mou(_evidence()) == NOT_DONE
    assert check_mou(_evidence(signed, unsigned=[{"organisation_code": "X"}])) == NOT_DONE
    assert check_mou(_evidence(signed)) == Completion(True, D3)
    assert check_mou(_evidence([{"last_signed_on": None, "effective_from": None}])) == Completion(True, None)


def test_governance_confirmed_from_the_earliest_effective_date() -> None:
    agreements = [{"last_signed_on": D3, "effective_from": D2}, {"last_signed_on": None, "effective_from": D1},
                  {"last_signed_on": D1, "effective_from": None}]
    assert check_governance(_evidence()) == NOT_DONE
    assert check_governance(_evidence(agreements, unsigned=[{"organisation_code": "X"}])) == Completion(True, D1)
    assert check_governance(_evidence([{"effective_from": None, "last_signed_on": D3}])) == Completion(True, None)


def test_place_lead_designate_on_the_leads_from_date() -> None:
    assert check_place_lead(_evidence()) == NOT_DONE
    assert check_place_lead(_evidence(lead={"lead_person_id": None, "lead_from": None})) == NOT_DONE
    assert check_place_lead(_evidence(lead={"lead_person_id": "P1", "lead_from": D2})) == Completion(True, D2)
    assert check_place_lead(_evidence(lead={"lead_person_id": "P1", "lead_from": None})) == Completion(True, None)


# -- brokers: the sampled estimate's pivots go to the components that are estimated --------------------------


def _star(org_prefix: str, board: str, n: int) -> list[tuple[str, str]]:
    return [(f"{org_prefix}{i}", board) for i in range(n)]


def test_a_component_at_the_exact_limit_takes_no_share_of_the_pivots() -> None:
    """Pivots are shared among the components above the limit only: a component of exactly the
    limit is computed exactly and changes neither the estimated one's pivots nor its values (beyond
    the whole graph's normalisation, 1 / ((n - 1)(n - 2)))."""
    from icpmap.reports import ReportSettings
    from icpmap.reports.brokers import betweenness

    # the estimated component: a path of boards linked by organisations (b0 - o1 - b1 - o2 - ... ), 12 nodes
    path = [(f"p{i}", f"pb{i - 1}") for i in range(1, 7)] + [(f"p{i}", f"pb{i}") for i in range(1, 7)]
    exact_size = _star("s", "sb", 5)  # a star of 6 nodes: exactly the limit
    settings = ReportSettings(betweenness_exact_max_nodes=6, betweenness_samples=6)
    alone = betweenness(path, settings)
    both = betweenness(path + exact_size, settings)
    n_alone, n_both = 13, 19  # nodes: 6 organisations + 7 boards; and 6 more
    rescale = ((n_both - 1) * (n_both - 2)) / ((n_alone - 1) * (n_alone - 2))
    assert {o: both[o] * rescale for o in alone} == pytest.approx(alone, abs=1e-12)
    # the star is exact: its centre board is not an organisation; its leaves lie on no shortest path
    assert all(both[f"s{i}"] == 0.0 for i in range(5))
    # and a component of two nodes (one organisation, one board) has no betweenness at all
    assert betweenness([("solo", "sb9"), *path], settings)["solo"] == 0.0
