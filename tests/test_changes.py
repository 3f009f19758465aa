"""The changes report on a hand-worked fixture (`fixtures_changes.py`): every kind, both window
boundaries, and agreement with the as-at reports on every day of the window.

Runs on each engine (the Neo4j run WIPES the database of ICPMAP_NEO4J_URI).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from icpmap.loaders import load_paths
from icpmap.reports import REPORTS, ReportError, ReportSettings, run_report
from icpmap.reports.changes import COLUMNS, DEFAULT_DAYS, KINDS

from . import fixtures_changes as fx
from .conftest import ENGINES

ONE = dt.timedelta(days=1)


@pytest.fixture(scope="module", params=ENGINES)
def changes_store(request, tmp_path_factory, open_store_for):
    store = open_store_for(request.param, tmp_path_factory.mktemp("changes-db") / "db")
    for path in fx.write_fixture(tmp_path_factory.mktemp("changes-fixture")):
        load_paths(store, [path])  # the contract files, then each extract, oldest first
    yield store
    store.close()


def changes(store, **options):
    return run_report(store, "changes", settings=ReportSettings(), **options)


def test_known_changes_in_the_window(changes_store):
    result = changes(changes_store, from_date=fx.FROM, to_date=fx.TO)
    assert result.columns == list(COLUMNS)
    assert result.rows == fx.CHANGES
    assert result.options == {"from_date": fx.FROM, "to_date": fx.TO}


def test_the_fixture_covers_every_kind():
    assert {row[2] for row in fx.CHANGES} == set(KINDS)


def test_the_window_is_inclusive_at_both_ends(changes_store):
    on_from = changes(changes_store, from_date=fx.FROM, to_date=fx.FROM).rows
    assert on_from == [r for r in fx.CHANGES if r[0] == fx.FROM] and len(on_from) == 8
    on_to = changes(changes_store, from_date=fx.TO, to_date=fx.TO).rows
    assert on_to == [r for r in fx.CHANGES if r[0] == fx.TO] and len(on_to) == 9
    # the day before --from and the day after --to each hold changes that the window leaves out
    before = changes(changes_store, from_date=fx.FROM - ONE, to_date=fx.FROM - ONE).rows
    assert {(r[2], r[3]) for r in before} == {
        ("joined_board", "O-BEFORE"), ("left_board", "O-LEFT-BEFORE"), ("party_added", "O-BEFORE"),
        ("party_added", "O-LEFT-T"), ("signature_added", "O-DOWN"), ("plan_approved", "HWB-N"),
        ("neighbourhood_added", "NB-N2"), ("missing_link_closed", "HWB-S"),
    }
    after = changes(changes_store, from_date=fx.TO + ONE, to_date=fx.TO + ONE).rows
    assert {(r[2], r[3]) for r in after} == {
        ("left_board", "O-LEFT-AFTER"), ("signature_added", "O-ROLE"), ("endorsement", "O-CONT"),
        ("commissioning_started", "CM-S"),
    }


def test_one_place(changes_store):
    south = changes(changes_store, place=fx.S.lower(), from_date=fx.FROM, to_date=fx.TO)
    assert south.rows == [r for r in fx.CHANGES if r[1] == fx.S] and south.options["place"] == fx.S
    north = changes(changes_store, place=fx.N, **{"from": "2024-01-01", "to": "2024-03-31"})  # the API's names
    assert north.rows == [r for r in fx.CHANGES if r[1] == fx.N]


def test_snapshot_evidence_is_never_a_dated_move(changes_store):
    rows = changes(changes_store, from_date=dt.date(2023, 1, 1), to_date=dt.date(2024, 12, 31)).rows
    about_y = [r for r in rows if r[3].startswith("Y")]
    assert [(r[0], r[2], r[5], r[8]) for r in about_y] == [
        (dt.date(2024, 2, 1), "practice_seen_in_pcn", "U90006", "extract"),
        (dt.date(2024, 2, 1), "practice_no_longer_seen_in_pcn", "U90005", "extract"),
    ]  # nothing on 2024-01-31 (the guessed last day in PCN E), no first sighting, no PCN opened
    stored = changes_store.read(
        "MATCH (x:Practice {code: 'Y0001'})-[m:MEMBER_OF]->(c:PCN) "
        "RETURN c.code, m.`from`, m.`to`, m.from_extract, m.to_extract ORDER BY c.code").rows
    assert stored == [
        ["U90005", None, dt.date(2024, 1, 31), dt.date(2023, 9, 1), dt.date(2024, 2, 1)],
        ["U90006", dt.date(2024, 2, 1), None, dt.date(2024, 2, 1), None],
    ]


def test_defaults_and_errors(changes_store):
    result = changes(changes_store, to_date=fx.TO)
    assert result.options["from_date"] == fx.TO - dt.timedelta(days=DEFAULT_DAYS)
    assert changes(changes_store, as_at=fx.TO).options["to_date"] == fx.TO  # the as-at date is the last day
    with pytest.raises(ReportError, match="is after"):
        changes(changes_store, from_date=fx.TO, to_date=fx.FROM)
    with pytest.raises(ReportError, match="--from must be a date"):
        changes(changes_store, from_date="last tuesday")
    with pytest.raises(ReportError, match="once"):
        changes(changes_store, to_date=fx.TO, as_at=fx.TO)
    with pytest.raises(ReportError, match="no option --threshold"):
        run_report(changes_store, "changes", threshold=0.5)
    assert "changes" in REPORTS


# -- the changes agree with the as-at reports on every day -------------------------------------------


def _day_by_day(store, since: dt.date, until: dt.date, read) -> dict[dt.date, set]:
    """The answer on every day from the day before `since` to the day after `until` (a leaving on
    `until` shows the day after)."""
    day, out = since - ONE, {}
    while day <= until + ONE:
        out[day] = read(day)
        day += ONE
    return out


def test_memberships_agree_with_the_as_at_answer_on_every_day(changes_store):
    q = ("MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board) "
         "WHERE (m.`from` IS NULL OR m.`from` <= $d) AND (m.`to` IS NULL OR m.`to` >= $d) "
         "RETURN o.code, b.code, m.role")

    def roles(day):
        out: dict[tuple[str, str], str] = {}
        for org, board, role in changes_store.read(q, {"d": day}).rows:
            out[(org, board)] = "core" if role == "core" or out.get((org, board)) == "core" else role
        return out

    states = _day_by_day(changes_store, fx.FROM, fx.TO, roles)
    rows = [r for r in changes(changes_store, from_date=fx.FROM, to_date=fx.TO).rows
            if r[2] in ("joined_board", "left_board", "board_role_changed")]
    expected = []
    for day in sorted(states)[1:]:
        before, now = states[day - ONE], states[day]
        for key in sorted(set(before) | set(now)):
            if key not in before:
                expected.append((day, "joined_board", *key))
            elif key not in now:
                expected.append((day - ONE, "left_board", *key))
            elif before[key] != now[key]:
                expected.append((day, "board_role_changed", *key))
    in_window = [e for e in expected if fx.FROM <= e[0] <= fx.TO]
    assert sorted(in_window) == sorted((r[0], r[2], r[3], r[5]) for r in rows)


def test_leads_expected_parties_and_missing_links_agree_with_the_reports(changes_store):
    def leads(day):
        return {r[0]: r[1] for r in run_report(changes_store, "place-leads", as_at=day).rows}

    def expected_parties(day):
        signed = {(r[0], r[1]) for r in changes_store.read(
            "MATCH (o:Organisation)-[s:PARTY_TO]->(a:Agreement) WHERE s.signed_on <= $d "
            "AND (s.added_on IS NULL OR s.added_on <= $d) RETURN a.code AS agreement, o.code AS party",
            {"d": day}).rows}
        return signed | {(r[1], r[2]) for r in run_report(changes_store, "unsigned", as_at=day).rows}

    def missing(day):
        return {(r[1], r[2]) for r in run_report(changes_store, "missing-links", as_at=day).rows}

    rows = changes(changes_store, from_date=fx.FROM, to_date=fx.TO).rows
    lead_states = _day_by_day(changes_store, fx.FROM, fx.TO, leads)
    party_states = _day_by_day(changes_store, fx.FROM, fx.TO, expected_parties)
    missing_states = _day_by_day(changes_store, fx.FROM, fx.TO, missing)
    got_leads, got_parties, got_links = set(), set(), set()
    for day in sorted(lead_states)[1:]:
        for place in lead_states[day]:
            old, new = lead_states[day - ONE][place], lead_states[day][place]
            if old != new:
                if old:
                    got_leads.add((day - ONE, "place_lead_ended", old))
                if new:
                    got_leads.add((day, "place_lead_appointed", new))
        got_parties |= {(day, org) for _, org in party_states[day] - party_states[day - ONE]}
        got_links |= {(day, "missing_link_closed", b) for b, _ in missing_states[day - ONE] - missing_states[day]}
        got_links |= {(day - ONE, "missing_link_opened", b) for b, _ in missing_states[day] - missing_states[day - ONE]}
    got_leads = {g for g in got_leads if fx.FROM <= g[0] <= fx.TO}
    got_parties = {g for g in got_parties if fx.FROM <= g[0] <= fx.TO}
    got_links = {g for g in got_links if fx.FROM <= g[0] <= fx.TO}
    assert got_leads == {(r[0], r[2], r[3]) for r in rows if r[2].startswith("place_lead")}
    assert got_parties == {(r[0], r[3]) for r in rows if r[2] == "party_added"}
    assert got_links == {(r[0], r[2], r[3]) for r in rows if r[2].startswith("missing_link")}


# -- progress over time ------------------------------------------------------------------------------


def test_progress_known_answers(changes_store):
    from icpmap.reports.progress import periods

    result = run_report(changes_store, "progress", place=fx.N, from_date="2023-10-01", to_date=fx.TO)
    got = [r[:9] + r[12:] for r in result.rows]
    assert got == [
        # 2023-12-31: ten partners in five sectors; MOU-N lists five parties by then (O-LISTED comes on
        # 2024-02-10), O-DOWN alone has signed; O-BEFORE, core since that day, is not listed.
        [fx.N, "Northam", "2023-Q4", dt.date(2023, 12, 31), 10, 5, 6, 1, 5, 2, 2, 1.0],
        # 2024-03-31: O-OPEN and O-CONT have signed too; four core members are not listed.
        [fx.N, "Northam", "2024-Q1", dt.date(2024, 3, 31), 10, 7, 10, 3, 7, 4, 4, 1.0],  # and PCN G, opened
    ]
    assert all(sum(r[9:12]) == 7 for r in result.rows)  # met + partial + not met: the seven features
    assert result.options == {"place": fx.N, "from_date": dt.date(2023, 10, 1), "to_date": fx.TO, "every": "quarter"}
    # each row is what the reports say as at its date
    unsigned = run_report(changes_store, "unsigned", place=fx.N, as_at=fx.TO).rows
    assert result.rows[-1][8] == len(unsigned)
    assert periods(dt.date(2024, 1, 15), dt.date(2024, 3, 10), "month") == [
        ("2024-01", dt.date(2024, 1, 31)), ("2024-02", dt.date(2024, 2, 29)), ("2024-03", dt.date(2024, 3, 10))]
    assert periods(dt.date(2023, 11, 5), dt.date(2024, 1, 1), "quarter") == [
        ("2023-Q4", dt.date(2023, 12, 31)), ("2024-Q1", dt.date(2024, 1, 1))]


def test_progress_chart_has_a_line_per_place(changes_store, tmp_path):
    from icpmap.visualise.charts import PROGRESS_PANELS, progress_figure, write_chart

    figure = progress_figure(changes_store, from_date=dt.date(2023, 10, 1), to_date=fx.TO, every="month")
    panels = figure.axes[: len(PROGRESS_PANELS)]
    assert all(len(ax.get_lines()) == 2 for ax in panels)  # Northam and Southam
    assert [len(line.get_xdata()) for line in panels[0].get_lines()] == [6, 6]  # October to March
    path = write_chart(changes_store, "progress", tmp_path / "p.svg", places=[fx.S], to_date=fx.TO)
    assert path.stat().st_size > 10_000 and "Southam" in path.read_text(encoding="utf-8")


# -- the command line and the API ----------------------------------------------------------------------


def test_cli_changes_csv_and_progress(tmp_path, cli):
    from icpmap.graph import open_store

    db = tmp_path / "db"
    with open_store(db, engine="ladybug") as store:
        for path in fx.write_fixture(tmp_path / "files"):
            load_paths(store, [path])
    done = cli("report", "changes", "--from", "2024-01-01", "--to", "2024-03-31", "--place", fx.S,
               "--format", "csv", db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1:] == [
        "2024-02-14,E09000102,place_lead_ended,PER-3,,E09000102,Southam,succeeded by PER-4,dated",
        "2024-02-15,E09000102,place_lead_appointed,PER-4,,E09000102,Southam,succeeds PER-3,dated",
        "2024-03-09,E09000102,practice_left_pcn,X0009,Aitch Surgery,U90008,PCN H,the PCN closed on 2024-03-10,dated",
        "2024-03-10,E09000102,pcn_closed,U90008,PCN H,,,\"its close date, as published\",dated",
        "2024-03-15,E09000102,practice_left_pcn,X0007,Last Surgery,U90004,PCN D,,dated",
        "2024-03-15,E09000102,pcn_closed,U90004,PCN D,,,its last practice left,dated",
        "2024-03-31,E09000102,endorsement,O-S1,Southam Council,PER-4,,endorsed the place lead,dated",
    ]
    done = cli("report", "changes", "--from", "2024-04-01", "--to", "2024-03-31", db=db)
    assert done.returncode == 1 and "is after" in done.stderr and "Traceback" not in done.stderr
    done = cli("report", "progress", "--place", fx.N, "--every", "month", "--from", "2024-01-15", "--to",
               "2024-03-31", "--format", "json", db=db)
    assert done.returncode == 0, done.stderr
    months = json.loads(done.stdout)
    assert [(m["period"], m["as_at"]) for m in months] == [
        ("2024-01", "2024-01-31"), ("2024-02", "2024-02-29"), ("2024-03", "2024-03-31")]


def test_api_changes_and_progress(tmp_path):
    """GET /reports/changes and /reports/progress over HTTP, with the API's names for the window."""
    from fastapi.testclient import TestClient

    from icpmap.api.app import create_app
    from icpmap.api.auth import KeyFile
    from icpmap.graph import open_store

    store = open_store(tmp_path / "db", engine="ladybug")
    try:
        for path in fx.write_fixture(tmp_path / "files"):
            load_paths(store, [path])
        keys = KeyFile(tmp_path / "keys.json")
        key = keys.create("viewer", "viewer")[1]
        with TestClient(create_app(store, keys_path=keys.path, audit=tmp_path / "loads.jsonl"),
                        base_url="http://127.0.0.1") as client:
            h = {"Authorization": f"Bearer {key}"}
            got = client.get("/reports/changes", params={"from": "2024-01-01", "to": "2024-03-31"}, headers=h)
            assert got.status_code == 200, got.text
            assert [r["kind"] for r in got.json()["rows"]] == [r[2] for r in fx.CHANGES]
            csv_text = client.get("/reports/changes", params={"from": "2024-02-14", "to": "2024-02-15",
                                                              "place": fx.S, "format": "csv"}, headers=h).text
            assert csv_text.splitlines()[1:] == [
                "2024-02-14,E09000102,place_lead_ended,PER-3,,E09000102,Southam,succeeded by PER-4,dated",
                "2024-02-15,E09000102,place_lead_appointed,PER-4,,E09000102,Southam,succeeds PER-3,dated"]
            # the as-at date is the last day of the window (the dashboard's downloads send it)
            same = client.get("/reports/changes", params={"from": "2024-01-01", "as_at": "2024-03-31"}, headers=h)
            assert same.json() == got.json()
            bad = client.get("/reports/changes", params={"from": "2024-04-01", "to": "2024-03-31"}, headers=h)
            assert bad.status_code == 400 and "is after" in bad.json()["detail"]
            wrong = client.get("/reports/changes", params={"by": "patients"}, headers=h)
            assert wrong.status_code == 400 and "it takes: place, ics, from, to" in wrong.json()["detail"]
            progress = client.get("/reports/progress", params={"place": fx.N, "every": "month", "from": "2024-01-01",
                                                               "to": "2024-03-31"}, headers=h)
            assert [r["period"] for r in progress.json()["rows"]] == ["2024-01", "2024-02", "2024-03"]
            listed = {r["name"]: [o["name"] for o in r["options"]] for r in client.get("/reports", headers=h).json()}
            assert listed["changes"] == ["place", "ics", "from", "to"] and "every" in listed["progress"]
            assert client.get("/reports/changes", params={"from": "2024-01-01"}).status_code == 401
    finally:
        store.close()


def test_a_store_made_by_an_earlier_icpmap_gains_the_history_columns(tmp_path):
    """A store without the dated history's properties (made before they joined the model) is brought
    up to date the first time it is opened, even by a read-only command such as a report."""
    import ladybug

    from icpmap.graph import open_store

    path = tmp_path / "db"
    with open_store(path, engine="ladybug") as store:
        load_paths(store, [fx.write_fixture(tmp_path / "files")[0]])
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for table, column in (("MEMBER_OF", "from_extract"), ("MEMBER_OF", "to_extract"), ("HOLDS", "to"),
                          ("Neighbourhood", "from")):
        conn.execute(f"ALTER TABLE {table} DROP `{column}`")
    conn.close()
    db.close()
    with open_store(path, engine="ladybug", read_only=True) as store:
        assert store.schema_gaps() == []
        rows = run_report(store, "changes", from_date=fx.FROM, to_date=fx.TO).rows
    kinds = {r[2] for r in rows}
    assert not [r for r in rows if r[7] == "role ended"]  # the roles' `to` dates went with the column
    assert {"joined_board", "signature_added", "practice_left_pcn", "place_lead_ended"} <= kinds
