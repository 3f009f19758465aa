"""Known answers for every rule of the eight reports, on a small fixture loaded from CSV files.

The fixture and its hand-worked answers are in `fixtures_reports.py`. The same tests
run against Neo4j when `ICPMAP_NEO4J_URI` is set (that run WIPES the database).
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from icpmap import cypher
from icpmap.loaders import load_paths
from icpmap.reports import REPORTS, ReportError, ReportSettings, SettingsError, load_settings, run_report
from icpmap.reports.brokers import betweenness
from icpmap.reports.coterminosity import main_footprint

from . import fixtures_reports as fx
from .conftest import ENGINES

AS_AT = fx.AS_AT


@pytest.fixture(scope="module", params=ENGINES)
def fixture_store(request, tmp_path_factory, open_store_for):
    store = open_store_for(request.param, tmp_path_factory.mktemp("reports-db") / "db")
    load_paths(store, [fx.write_fixture(tmp_path_factory.mktemp("reports-fixture"))])
    yield store
    store.close()


def rows(store, name, **options):
    options.setdefault("as_at", AS_AT)
    return run_report(store, name, settings=ReportSettings(), **options).rows


# -- breadth ------------------------------------------------------------------------------


def test_breadth_known_answers(fixture_store):
    assert rows(fixture_store, "breadth") == fx.BREADTH


def test_breadth_follows_history_and_inclusive_dates(fixture_store):
    assert rows(fixture_store, "breadth", place=fx.ALPHA, as_at="2020-06-01") == [fx.BREADTH_ALPHA_2020]
    # ED-A's membership ends on 2024-06-01 and TR-A2's starts then: both count on that day only.
    before = rows(fixture_store, "breadth", place=fx.ALPHA, as_at="2024-05-31")[0]
    after = rows(fixture_store, "breadth", place=fx.ALPHA, as_at="2024-06-02")[0]
    assert before[2] == after[2] == 9


def test_breadth_expected_sectors_are_a_setting(fixture_store):
    settings = ReportSettings(expected_sectors=["police", "fire", "healthwatch"])
    result = run_report(fixture_store, "breadth", settings=settings, as_at=AS_AT, place=fx.BETA)
    assert result.rows[0][-1] == ["fire"]


# -- unsigned -----------------------------------------------------------------------------


def test_unsigned_known_answers(fixture_store):
    assert rows(fixture_store, "unsigned") == fx.UNSIGNED


def test_unsigned_lists_every_core_member_of_an_agreement_nobody_is_listed_on(store, tmp_path):
    q = "E09000099"
    tables = {
        "ics": (["code", "name"], [["ICSQ", "Q ICS"]]),
        "places": (["code", "name", "ics_code"], [[q, "Q", "ICSQ"]]),
        "organisations": (["code", "name", "sector", "statutory"], [
            ["QB", "Q Borough", "local_authority", "true"], ["QA", "Q Acute", "nhs_trust", "true"]]),
        "boards": (["code", "name", "kind", "place_code", "ics_code", "parent_board_code"], [
            ["PPB-Q", "Q Partnership Board", "place_partnership_board", q, "", ""]]),
        "memberships": (["organisation_code", "board_code", "role", "from", "to"], [
            ["QB", "PPB-Q", "core", "2020-01-01", ""], ["QA", "PPB-Q", "core", "2020-01-01", ""]]),
        "agreements": (["code", "title", "kind", "place_code", "effective_from"], [
            ["MOU-Q", "Q MOU", "mou", q, "2021-09-01"]]),
    }
    load_paths(store, [fx.write_fixture(tmp_path / "no-listings", tables)])
    assert rows(store, "unsigned") == [[q, "MOU-Q", "QA", "Q Acute", "no_signature_row"],
                                       [q, "MOU-Q", "QB", "Q Borough", "no_signature_row"]]


def test_unsigned_for_one_place_and_an_earlier_date(fixture_store):
    assert rows(fixture_store, "unsigned", place=fx.BETA) == [r for r in fx.UNSIGNED if r[0] == fx.BETA]
    assert rows(fixture_store, "unsigned", place=fx.ALPHA, as_at="2021-01-01") == fx.UNSIGNED_ALPHA_2021
    # a signature counts from its date: on the day it is given, not the day before
    assert rows(fixture_store, "unsigned", place=fx.ALPHA, as_at="2021-09-15") == fx.UNSIGNED_ALPHA_2021_09_15
    assert rows(fixture_store, "unsigned", place=fx.DELTA) == []


# -- coterminosity ------------------------------------------------------------------------


def test_coterminosity_defaults_to_patients_at_place_level(fixture_store):
    result = run_report(fixture_store, "coterminosity", as_at=AS_AT)
    assert result.columns[:6] == ["pcn_code", "pcn_name", "main_footprint", "share", "footprints", "coterminous"]
    assert result.options["by"] == "patients" and result.options["level"] == "place"
    assert result.rows == fx.COTERMINOSITY_PATIENTS


def test_coterminosity_by_patients_when_no_registrations_are_loaded(store, tmp_path):
    """Nothing to count: every PCN in scope is listed, none claimed coterminous (and no error)."""
    files = {name: table for name, table in fx.FILES.items() if name != "registrations"}
    load_paths(store, [fx.write_fixture(tmp_path / "no-registrations", files)])
    in_scope = [r[:2] for r in fx.COTERMINOSITY_PRACTICES]  # PCN Five's only practice opens after AS_AT
    for level in ("place", "neighbourhood"):
        got = rows(store, "coterminosity", by="patients", level=level)
        assert got == [[code, name, None, None, 0, False, 0, 0, 0] for code, name in in_scope], level
    assert run_report(store, "coterminosity", as_at=AS_AT).options["by"] == "practices"  # the default then


def test_coterminosity_by_practices(fixture_store):
    assert rows(fixture_store, "coterminosity", by="practices") == fx.COTERMINOSITY_PRACTICES


def test_coterminosity_at_neighbourhood_level(fixture_store):
    assert rows(fixture_store, "coterminosity", level="neighbourhood") == fx.COTERMINOSITY_NEIGHBOURHOOD_LEVEL


def test_coterminosity_threshold_is_compared_unrounded(fixture_store):
    loose = {r[0]: r[5] for r in rows(fixture_store, "coterminosity", threshold=0.75)}
    assert loose["U00001"] is True and loose["U00002"] is False
    strict = {r[0]: r[5] for r in rows(fixture_store, "coterminosity", threshold="0.9496")}
    assert strict["U00007"] is True


def test_coterminosity_threshold_setting(fixture_store):
    result = run_report(fixture_store, "coterminosity", settings=ReportSettings(coterminosity_threshold=0.5),
                        as_at=AS_AT)
    assert {r[0]: r[5] for r in result.rows}["U00002"] is True


def test_coterminosity_for_one_place(fixture_store):
    alpha = [r[0] for r in rows(fixture_store, "coterminosity", place=fx.ALPHA)]
    assert alpha == ["U00001", "U00002", "U00003", "U00004", "U00006", "U00007"]
    assert [r[0] for r in rows(fixture_store, "coterminosity", place=fx.GAMMA)] == ["U00001"]


def test_coterminosity_never_claims_an_unknown_footprint(fixture_store):
    """Main footprint `unknown` is never coterminous, whatever the threshold; every row says how
    much of the PCN is in unknown footprints."""
    for options in ({}, {"by": "practices"}, {"level": "neighbourhood"}, {"level": "neighbourhood", "threshold": 0.01}):
        for row in rows(fixture_store, "coterminosity", **options):
            if row[2] == "unknown":
                assert row[5] is False, (options, row)
            assert isinstance(row[8], int) and 0 <= row[8] <= row[7], (options, row)


def test_coterminosity_covers_pcns_with_a_practice_located_in_scope(fixture_store):
    # PCN Five's only practice joins in 2030: not covered now, covered then.
    assert "U00005" not in [r[0] for r in rows(fixture_store, "coterminosity")]
    later = {r[0]: r for r in rows(fixture_store, "coterminosity", as_at="2030-06-01")}
    assert later["U00005"][2:8] == [fx.ALPHA, 1.0, 1, True, 999, 999]
    # ICS1 holds every Place: --ics changes nothing; an unknown ICS is refused.
    assert rows(fixture_store, "coterminosity", ics="ics1") == fx.COTERMINOSITY_PATIENTS
    with pytest.raises(ReportError, match="No ICS"):
        rows(fixture_store, "coterminosity", ics="QXX")


def test_coterminosity_neighbourhoods_view(fixture_store):
    result = run_report(fixture_store, "coterminosity", view="neighbourhoods", as_at=AS_AT)
    assert result.columns == ["neighbourhood_code", "neighbourhood_name", "place_code", "pcn_codes", "one_to_one"]
    assert result.rows == fx.COTERMINOSITY_NEIGHBOURHOODS


def test_coterminosity_refuses_practices_by_neighbourhood(fixture_store):
    with pytest.raises(ReportError, match="place level only"):
        run_report(fixture_store, "coterminosity", by="practices", level="neighbourhood")


def test_main_footprint_ties_go_to_the_smallest_code():
    assert main_footprint({"E2": 5, "E1": 5, "unknown": 5}) == ("E1", 5, 15, 3)
    assert main_footprint({"E2": 6, "E1": 5}) == ("E2", 6, 11, 2)
    assert main_footprint({"E1": 0}) == (None, 0, 0, 0)


# -- missing-links ------------------------------------------------------------------------


def test_missing_links_known_answers(fixture_store):
    assert rows(fixture_store, "missing-links") == fx.MISSING_LINKS


def test_missing_links_expected_kinds_are_a_setting(fixture_store):
    settings = ReportSettings(expected_link_kinds=["local_enterprise_partnership"])
    result = run_report(fixture_store, "missing-links", settings=settings, as_at=AS_AT)
    assert result.rows == [
        [fx.ALPHA, "PPB-A2", "local_enterprise_partnership"], [fx.BETA, "HWB-B", "local_enterprise_partnership"],
    ]
    assert run_report(fixture_store, "missing-links", settings=ReportSettings(expected_link_kinds=[])).rows == []


# -- place-leads --------------------------------------------------------------------------


def test_place_leads_known_answers(fixture_store):
    assert rows(fixture_store, "place-leads") == fx.PLACE_LEADS


def test_place_leads_at_an_earlier_date(fixture_store):
    assert rows(fixture_store, "place-leads", as_at=dt.date(2021, 10, 1)) == fx.PLACE_LEADS_2021


# -- assurance ----------------------------------------------------------------------------


def test_assurance_statuses(fixture_store):
    result = rows(fixture_store, "assurance")
    assert [r[1] for r in result[:7]] == [1, 2, 3, 4, 5, 6, 7]
    got: dict[str, list[str]] = {}
    for place, _feature, _name, status, evidence in result:
        got.setdefault(place, []).append(status)
        assert evidence and evidence.endswith("."), evidence
    assert got == fx.ASSURANCE_STATUS


def test_assurance_evidence_names_what_is_missing(fixture_store):
    evidence = {(r[0], r[1]): r[4] for r in rows(fixture_store, "assurance")}
    for key, words in fx.ASSURANCE_EVIDENCE.items():
        for word in words:
            assert word in evidence[key], (key, word, evidence[key])


def test_assurance_beyond_health_sectors_setting(fixture_store):
    # Beta's only partner beyond health and care is the police; without police it is a gap.
    settings = ReportSettings(beyond_health_sectors=["housing"])
    result = run_report(fixture_store, "assurance", settings=settings, as_at=AS_AT, place=fx.BETA)
    assert "beyond health and care" in result.rows[0][4]


# -- timeline -----------------------------------------------------------------------------


def test_timeline_known_answers_with_default_milestones(fixture_store):
    assert [r[:5] for r in rows(fixture_store, "timeline")] == fx.TIMELINE


def test_timeline_at_an_earlier_date(fixture_store):
    got = [r[:5] for r in rows(fixture_store, "timeline", place=fx.BETA, as_at="2021-10-01")]
    assert got == fx.TIMELINE_BETA_2021


def test_timeline_uses_loaded_milestones(tmp_path, open_store_for):
    store = open_store_for("ladybug", tmp_path / "db")  # embedded only: the Neo4j database is the module's
    try:
        folder = fx.write_fixture(tmp_path / "in")
        (folder / "milestones.csv").write_text(
            "code,title,due\nmou_agreed,MOU by the end of Q3,2021-12-31\nics_body_established,ICB,2022-04-01\n",
            encoding="utf-8",
        )
        load_paths(store, [folder])
        got = [r[:5] for r in run_report(store, "timeline", as_at=AS_AT).rows]
    finally:
        store.close()
    assert got == [
        [fx.ALPHA, "mou_agreed", dt.date(2021, 12, 31), "outstanding", None],
        [fx.BETA, "mou_agreed", dt.date(2021, 12, 31), "on_time", dt.date(2021, 10, 5)],
        [fx.GAMMA, "mou_agreed", dt.date(2021, 12, 31), "outstanding", None],
        [fx.DELTA, "mou_agreed", dt.date(2021, 12, 31), "on_time", dt.date(2021, 9, 20)],
    ]


# -- brokers ------------------------------------------------------------------------------


def test_brokers_counts_and_ranking(fixture_store):
    result = rows(fixture_store, "brokers")
    by_code = {r[0]: r for r in result}
    for code, (boards, places) in fx.BROKERS_COUNTS.items():
        assert (by_code[code][2], by_code[code][3]) == (boards, places), code
    assert not fx.BROKERS_ABSENT & set(by_code)
    assert result[0][0] == "LA-A"  # the only organisation in two partnerships
    ranks = [(-r[3], -r[2], -r[4], r[0]) for r in result]
    assert ranks == sorted(ranks)


def test_brokers_betweenness_matches_networkx(fixture_store):
    graph = nx.Graph()
    graph.add_edges_from((("o", o), ("b", b)) for o, b in fx.current_membership_edges())
    expected = {node[1]: v for node, v in nx.betweenness_centrality(graph).items() if node[0] == "o"}
    got = {r[0]: r[4] for r in rows(fixture_store, "brokers")}
    assert set(got) == set(expected)
    for code, value in expected.items():
        assert got[code] == pytest.approx(value, abs=1e-6), code
    assert got["POL"] > 0 and got["FI-A"] == 0


def test_brokers_for_one_place(fixture_store):
    assert sorted(r[0] for r in rows(fixture_store, "brokers", place=fx.BETA)) == [
        "CCG-B", "HW-B", "LA-A", "LA-B", "POL", "TR-B",
    ]
    assert rows(fixture_store, "brokers", place=fx.GAMMA) == []


def test_betweenness_by_components_equals_the_whole_graph():
    edges = [("o1", "b1"), ("o1", "b2"), ("o2", "b2"), ("o2", "b3"), ("o3", "b4"), ("o3", "b5"), ("o4", "b5")]
    graph = nx.Graph()
    graph.add_edges_from((("o", o), ("b", b)) for o, b in edges)
    expected = {n[1]: v for n, v in nx.betweenness_centrality(graph).items() if n[0] == "o"}
    got = betweenness(edges, ReportSettings())
    assert got == pytest.approx(expected)
    sampled = betweenness(edges, ReportSettings(betweenness_exact_max_nodes=2, betweenness_samples=5))
    assert set(sampled) == set(expected)


# -- every report: options, errors, columns ------------------------------------------------


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_has_its_columns_and_runs_for_one_place(fixture_store, name):
    report = REPORTS[name]
    result = run_report(fixture_store, name, place=fx.ALPHA.lower(), as_at=AS_AT)
    assert result.columns[: len(report.columns)] == list(report.columns)
    assert result.options["place"] == fx.ALPHA
    assert all(len(row) == len(result.columns) for row in result.rows)
    assert all(q in cypher.queries() for q in report.queries)


def test_bad_options_are_clear_errors(fixture_store):
    with pytest.raises(ReportError, match="No report named"):
        run_report(fixture_store, "nope")
    with pytest.raises(ReportError, match="has no option --threshold"):
        run_report(fixture_store, "breadth", threshold=0.9)
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        run_report(fixture_store, "breadth", as_at="31/12/2021x")
    with pytest.raises(ReportError, match="No Place with code"):
        run_report(fixture_store, "breadth", place="E99999999")
    with pytest.raises(ReportError, match="one of practices, patients"):
        run_report(fixture_store, "coterminosity", by="people")
    with pytest.raises(ReportError, match="at most 1"):
        run_report(fixture_store, "coterminosity", threshold=1.5)


def test_report_names_accept_underscores(fixture_store):
    assert run_report(fixture_store, "missing_links", as_at=AS_AT).name == "missing-links"


# -- settings -----------------------------------------------------------------------------


def test_settings_file_overrides_defaults(tmp_path, monkeypatch):
    path = tmp_path / "icpmap.toml"
    path.write_text('[reports]\ncoterminosity_threshold = 0.8\nexpected_sectors = ["Fire", "police"]\n')
    monkeypatch.setenv("ICPMAP_SETTINGS", str(path))
    settings = load_settings()
    assert settings.coterminosity_threshold == 0.8 and settings.expected_sectors == ["fire", "police"]
    assert settings.expected_link_kinds == ReportSettings().expected_link_kinds


@pytest.mark.parametrize("text, message", [
    ("[reports]\nthreshold = 0.8\n", "unknown setting"),
    ("[reports]\nexpected_sectors = [\"pirates\"]\n", "pirates"),
    ("[reports]\ncoterminosity_threshold = 2\n", "coterminosity_threshold"),
    ("[reports\n", "not valid TOML"),
])
def test_bad_settings_are_clear_errors(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(path)
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_query_defaults_match_the_settings():
    """`icpmap run report-…` gives the same answers as the reports with default settings."""
    defaults = ReportSettings()
    kinds = next(p for p in cypher.get("report-missing-links").params if p.name == "kinds")
    assert kinds.default_value() == defaults.expected_link_kinds
    beyond = next(p for p in cypher.get("report-assurance-facts").params if p.name == "beyond_sectors")
    assert beyond.default_value() == defaults.beyond_health_sectors


def test_every_report_on_an_empty_store(store, tmp_path):
    """No data is no rows (and the pack still has every sheet), never an error."""
    for name in REPORTS:
        result = run_report(store, name)
        assert result.rows == [] and result.columns, name
    assert run_report(store, "coterminosity", view="neighbourhoods").rows == []
    from icpmap.reports import PACK_NAME, write_report_pack

    paths = write_report_pack(store, tmp_path / "pack")
    assert paths[-1].name == PACK_NAME and len(paths) == len(REPORTS) + 1


@pytest.mark.parametrize("name, options", [
    ("breadth", {}), ("unsigned", {}), ("missing-links", {}), ("place-leads", {}), ("assurance", {}),
    ("brokers", {}), ("coterminosity", {"by": "practices"}), ("coterminosity", {"by": "patients"}),
    ("coterminosity", {"by": "patients", "level": "neighbourhood"}), ("coterminosity", {"view": "neighbourhoods"}),
])
def test_the_one_ics_gives_what_every_ics_gives(fixture_store, name, options):
    """The fixture's Places are all in ICS1: naming it changes no row (and there are rows)."""
    every = rows(fixture_store, name, **options)
    assert every and rows(fixture_store, name, ics="ICS1", **options) == every
