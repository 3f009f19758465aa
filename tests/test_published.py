"""From published files to right answers, one rule at a time, on small files written here.

Locating practices (postcode, then a Sub-ICB lying in one Place, never over a contract
place_code), `load --ics`, the practice map's `U` / `Unallocated`, status and open/close
dates, coterminosity that never claims an unknown footprint, and `--ics` on the reports,
the CLI and the API. The same rules on the real published files are in test_load_nhs.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from icpmap.errors import UserError
from icpmap.graph import Store, open_store
from icpmap.loaders import LoadError, load_paths
from icpmap.loaders.export import checksum, export, read_graph
from icpmap.reports import run_report

ALPHA, BETA, GAMMA, WIGAN = "E06000001", "E06000002", "E06000003", "E08000010"

MAP_HEADER = ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
              "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,ICB_NAME,"
              "ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME")


def practice_map(rows: list[tuple[str, str, str, str, str]], extract: str = "01Jan2024") -> str:
    """gp-reg-pat-prac-map.csv as NHS Digital publishes it: (practice, postcode, PCN, Sub-ICB, ICB) per row."""
    names = {"S1A": "Sub One", "S2A": "Sub Two", "S1B": "Sub Gamma"}
    lines = [MAP_HEADER]
    for code, postcode, pcn, sub, icb in rows:
        pcn_name = "Unallocated" if pcn == "U" else f"{pcn} PCN"
        lines.append(f"GP_PRAC_PAT_LIST,{extract},{code},{code} SURGERY,{postcode},{pcn},{pcn_name},E38000001,{sub},"
                     f"{names.get(sub, sub)},E54000001,{icb},ICB {icb},E40000010,Y62,North West")
    return "\n".join(lines) + "\n"


# The ONS LSOA (2011) -> Sub-ICB location -> ICB -> LAD (July 2022) lookup, as geographr gives it:
# S1A lies wholly in Alpha, S2A across Alpha and Beta, S1B in Gamma (another ICS).
ONS_LOOKUP = "\n".join([
    "lsoa11_name,lsoa11_code,sicbl22_name,sicbl22_code,sicbl22_code_h,icb22_name,icb22_code,icb22_code_h,ltla22_name,ltla22_code",
    f"Alpha 001A,E01000001,Sub One,E38000001,S1A,ICB A,E54000001,QAA,Alpha,{ALPHA}",
    f"Alpha 001B,E01000002,Sub One,E38000001,S1A,ICB A,E54000001,QAA,Alpha,{ALPHA}",
    f"Alpha 002A,E01000003,Sub Two,E38000002,S2A,ICB A,E54000001,QAA,Alpha,{ALPHA}",
    f"Beta 001A,E01000004,Sub Two,E38000002,S2A,ICB A,E54000001,QAA,Beta,{BETA}",
    f"Gamma 001A,E01000005,Sub Gamma,E38000003,S1B,ICB B,E54000002,QBB,Gamma,{GAMMA}",
]) + "\n"

CODEPOINT_HEADER = ("Postcode,Positional_quality_indicator,Eastings,Northings,Country_code,NHS_regional_HA_code,"
                    "NHS_HA_code,Admin_county_code,Admin_district_code,Admin_ward_code")


def codepoint(rows: list[tuple[str, str]], header: bool = True) -> str:
    """OS Code-Point Open: (postcode, local authority) per row; its data files have no header."""
    lines = [CODEPOINT_HEADER] if header else []
    lines += [f'"{pc}",10,334864,389326,"E92000001","E19000001","E18000002","","{lad}","E05015289"' for pc, lad in rows]
    return "\n".join(lines) + "\n"


def nspl(rows: list[tuple[str, str]]) -> str:
    """The ONS National Statistics Postcode Lookup's columns that matter, in its layout (`pcds`, `laua`)."""
    lines = ["pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa11,cty,laua,ward,lsoa11,ccg,lat,long"]
    for pc, lad in rows:
        lines.append(f'"{pc.replace(" ", "")}","{pc}","{pc}","198001","","0","358424","0406975","1","E00032291",'
                     f'"E11000001","{lad}","E05000861","E01006370","E38000205",53.5,-2.6')
    return "\n".join(lines) + "\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def located(store: Store) -> dict[str, tuple[str, str]]:
    rows = store.read("MATCH (p:Practice)-[l:LOCATED_IN]->(x:Place) RETURN p.code, x.code, l.located_by").rows
    return {r[0]: (r[1], r[2]) for r in rows}


# -- locating practices ----------------------------------------------------------------------------------


def test_postcode_then_sub_icb_never_over_a_contract_place(store: Store, tmp_path: Path) -> None:
    rows = [
        ("P1", "AL1  1AA", "U11111", "S1A", "QAA"),  # postcode in Beta, though its Sub-ICB lies in Alpha
        ("P2", "AL9 9ZZ", "U11111", "S1A", "QAA"),  # postcode in no lookup: its Sub-ICB lies in Alpha only
        ("P3", "AL9 9ZY", "U22222", "S2A", "QAA"),  # ... and S2A is split across Alpha and Beta: not located
        ("P4", "WN1 2NN", "U22222", "S2A", "QAA"),  # postcode in Wigan, not a Place here: not located
        ("P5", "AL1 1AB", "U22222", "S2A", "QAA"),  # postcode in Alpha, but the partnership says Gamma
        ("P6", "al2 2ab", "U11111", "S2A", "QAA"),  # only in the NSPL (pcds), lower case
    ]
    folder = write(tmp_path / "in", {
        "gp-reg-pat-prac-map.csv": practice_map(rows),
        "lsoa_lookup.csv": ONS_LOOKUP,
        "codepoint.csv": codepoint([("AL1 1AA", BETA), ("AL1 1AB", ALPHA), ("WN1 2NN", WIGAN)]),
        "nspl.csv": nspl([("AL2 2AB", ALPHA)]),
        "practices.csv": "code,name,pcn_code,place_code\nP5,P5 SURGERY,U22222," + GAMMA + "\n",
    })
    report = load_paths(store, [folder])
    assert {f.format for f in report.files} == {
        "gp-reg-pat-prac-map", "ons-lookup", "os-code-point-open", "ons-postcode-directory", "practices"}
    assert located(store) == {
        "P1": (BETA, "postcode"), "P2": (ALPHA, "sub_icb"), "P5": (GAMMA, "contract"), "P6": (ALPHA, "postcode")}
    assert report.located == {
        "practices": 6, "contract": 1, "postcode": 2, "sub_icb": 1, "not_located": 2,
        "not_located_outside_places": 1, "not_located_sub_icb_split": 1, "not_located_no_evidence": 0,
    }
    assert not load_paths(store, [folder]).changed  # idempotent
    # A later load without the lookup keeps what was found; the contract row still wins.
    assert not load_paths(store, [folder / "gp-reg-pat-prac-map.csv"]).changed
    assert located(store)["P1"] == (BETA, "postcode")
    # A newer postcode moves the practice; a contract row without a place leaves derived ones alone.
    moved = practice_map([("P1", "AL1 1AB", "U11111", "S1A", "QAA")], extract="01Feb2024")
    write(tmp_path / "later", {"gp-reg-pat-prac-map.csv": moved, "codepoint.csv": codepoint([("AL1 1AB", ALPHA)]),
                               "practices.csv": "code,name,pcn_code,place_code\nP2,P2 SURGERY,U11111,\n"})
    load_paths(store, [tmp_path / "later"])
    assert located(store)["P1"] == (ALPHA, "postcode") and located(store)["P2"] == (ALPHA, "sub_icb")


def test_a_contract_place_code_stays_whatever_a_lookup_says(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "own", {
        "ics.csv": "code,name\nQAA,ICB A\n", "places.csv": f"code,name,ics_code\n{ALPHA},Alpha,QAA\n{BETA},Beta,QAA\n",
        "pcns.csv": "code,name\nU11111,One PCN\n",
        "practices.csv": f"code,name,pcn_code,postcode,place_code\nP1,One,U11111,AL1 1AA,{ALPHA}\n",
    })
    load_paths(store, [tmp_path / "own"])
    write(tmp_path / "lookup", {"codepoint.csv": codepoint([("AL1 1AA", BETA)])})
    report = load_paths(store, [tmp_path / "lookup"])
    assert located(store) == {"P1": (ALPHA, "contract")} and report.located["contract"] == 1


def test_code_point_open_as_published_has_no_header(store: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {
        "gp-reg-pat-prac-map.csv": practice_map([("P1", "AL1 1AA", "U11111", "S1A", "QAA")]),
        "lsoa_lookup.csv": ONS_LOOKUP,
        "al.csv": codepoint([("AL1 1AA", BETA)], header=False),  # codepo_gb/Data/CSV/al.csv
    })
    report = load_paths(store, [folder])
    assert {f.path.rsplit("/", 1)[-1]: f.format for f in report.files}["al.csv"] == "os-code-point-open"
    assert located(store) == {"P1": (BETA, "postcode")}


def test_a_folder_with_boundaries_reads_them_and_says_what_it_did_not_read(store: Store, tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[-2, 53], [-1.9, 53], [-1.9, 53.1], [-2, 53.1], [-2, 53]]]}

    def collection(properties: dict) -> str:
        return json.dumps({"type": "FeatureCollection",
                           "features": [{"type": "Feature", "properties": properties, "geometry": square}]})

    folder = write(tmp_path / "in", {"lsoa_lookup.csv": ONS_LOOKUP, "notes.txt": "read me",
                                     "lad.geojson": collection({"LAD22CD": ALPHA, "LAD22NM": "Alpha"})})
    report = load_paths(store, [folder])
    assert report.skipped == [str(folder / "notes.txt")] and len(report.files) == 2
    assert {f.format for f in report.files} == {"ons-lookup", "ons-boundaries"}
    assert store.read("MATCH (p:Place) WHERE p.geometry IS NOT NULL RETURN p.code").rows == [[ALPHA]]
    write(folder, {"other.geojson": collection({"id": 1})})
    with pytest.raises(LoadError, match="ONS code fields"):  # named on its own: a clear problem, not a crash
        load_paths(store, [folder / "other.geojson"])


# -- one ICS out of national files ------------------------------------------------------------------------


def national(tmp_path: Path) -> Path:
    rows = [("P1", "AL1 1AA", "U11111", "S1A", "QAA"), ("P2", "AL1 1AB", "U22222", "S2A", "QAA"),
            ("P3", "GA1 1AA", "U33333", "S1B", "QBB"), ("P4", "GA1 1AB", "U", "S1B", "QBB")]
    registrations = "\n".join(
        ["PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS"]
        + [f"GP_PRAC_PAT_LIST,01JAN2024,{p},{p} SURGERY,{a},ALL,{n}" for p, a, n in (
            ("P1", "E01000001", 100), ("P1", "E01000005", 5), ("P2", "E01000004", 50), ("P3", "E01000005", 70))]) + "\n"
    return write(tmp_path / "national", {
        "gp-reg-pat-prac-map.csv": practice_map(rows), "lsoa_lookup.csv": ONS_LOOKUP,
        "gp-reg-pat-prac-lsoa-all.csv": registrations,
        "codepoint.csv": codepoint([("AL1 1AA", ALPHA), ("AL1 1AB", BETA), ("GA1 1AA", GAMMA)]),
    })


def test_load_ics_keeps_that_ics_and_says_what_it_left_out(store: Store, tmp_path: Path) -> None:
    report = load_paths(store, [national(tmp_path)], ics="QAA")
    left = {f.path.rsplit("/", 1)[-1]: (f.rows_read, f.left_out) for f in report.files}
    assert left == {"codepoint.csv": (3, 0), "gp-reg-pat-prac-lsoa-all.csv": (4, 1), "gp-reg-pat-prac-map.csv": (4, 2),
                    "lsoa_lookup.csv": (5, 1)}
    assert report.ics == "QAA" and report.left_out == 4
    assert sorted(r[0] for r in store.read("MATCH (p:Practice) RETURN p.code").rows) == ["P1", "P2"]
    assert sorted(r[0] for r in store.read("MATCH (p:Place) RETURN p.code").rows) == [ALPHA, BETA]
    assert [r[0] for r in store.read("MATCH (i:ICS) RETURN i.code").rows] == ["QAA"]
    # P1's patients in Gamma's LSOA are kept (the row is P1's), the LSOA too; P3's are not.
    assert store.read("MATCH (:Practice)-[r:REGISTERS]->(:Area) RETURN sum(r.patients)").scalar() == 155
    assert located(store) == {"P1": (ALPHA, "postcode"), "P2": (BETA, "postcode")}


def test_load_without_ics_keeps_everything_and_an_unknown_ics_is_refused(store: Store, tmp_path: Path) -> None:
    report = load_paths(store, [national(tmp_path)])
    assert report.ics is None and report.left_out == 0
    assert store.read("MATCH (p:Practice) RETURN count(p)").scalar() == 4
    before = checksum(read_graph(store))
    with pytest.raises(UserError, match="QZZ"):
        load_paths(store, [national(tmp_path)], ics="QZZ")
    assert checksum(read_graph(store)) == before


# -- placeholders, status and dates ---------------------------------------------------------------------


def test_unallocated_is_no_pcn(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "a", {"gp-reg-pat-prac-map-2023-01.csv": practice_map(
        [("P1", "AL1 1AA", "U11111", "S1A", "QAA"), ("P2", "AL1 1AB", "U", "S1A", "QAA")], extract="01Jan2023")})
    write(tmp_path / "b", {"gp-reg-pat-prac-map-2024-01.csv": practice_map(
        [("P1", "AL1 1AA", "U", "S1A", "QAA"), ("P2", "AL1 1AB", "U", "S1A", "QAA")])})
    load_paths(store, [tmp_path / "a"])
    assert [r[0] for r in store.read("MATCH (p:PCN) RETURN p.code").rows] == ["U11111"]
    assert store.read("MATCH (:Practice {code: 'P2'})-[m:MEMBER_OF]->() RETURN count(m)").scalar() == 0
    load_paths(store, [tmp_path / "b"])  # P1 is Unallocated from 2024: its membership ends the day before
    assert store.read("MATCH (:Practice {code: 'P1'})-[m:MEMBER_OF]->(:PCN) RETURN m.`from`, m.`to`").rows == [
        [None, dt.date(2023, 12, 31)]]
    assert not load_paths(store, [tmp_path / "a", tmp_path / "b"]).changed


def test_practices_and_pcns_keep_their_status_and_dates(store: Store, tmp_path: Path) -> None:
    epcn = ("PCN Code,PCN Name,Current Sub ICB Loc Code,Sub ICB Location,Open Date,Close Date,Postcode\n"
            "U11111,ONE PCN,S1A,SUB ONE,20190701,,AL1 1AA\nU22222,TWO PCN,S1A,SUB ONE,20190701,20230331,AL1 1AB\n")
    write(tmp_path / "in", {"epcn_pcn_details_2024-01.csv": epcn})
    load_paths(store, [tmp_path / "in"])
    assert store.read("MATCH (p:PCN) RETURN p.code, p.status, p.open_date, p.close_date ORDER BY p.code").rows == [
        ["U11111", "active", dt.date(2019, 7, 1), None], ["U22222", "closed", dt.date(2019, 7, 1), dt.date(2023, 3, 31)]]


def test_closed_practices_and_pcns_leave_current_answers_at_their_close_date(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "own", {
        "ics.csv": "code,name\nQAA,ICB A\n", "places.csv": f"code,name,ics_code\n{ALPHA},Alpha,QAA\n{BETA},Beta,QAA\n",
        "pcns.csv": "code,name,status,close_date\nU11111,One PCN,,\nU22222,Two PCN,closed,2023-03-31\n",
        "practices.csv": (
            "code,name,pcn_code,place_code,status,close_date\n"
            f"P1,One,U11111,{ALPHA},active,\nP2,Two,U11111,{BETA},closed,2022-06-30\n"
            f"P3,Three,U22222,{ALPHA},,\n"),
    })
    load_paths(store, [tmp_path / "own"])

    def report(as_at: str) -> dict[str, list]:
        return {r[0]: r[2:] for r in run_report(store, "coterminosity", by="practices", as_at=as_at).rows}

    # Before P2 closed, PCN One is split; on its close date it is not; PCN Two goes at its close date.
    assert report("2022-06-29")["U11111"] == [ALPHA, 0.5, 2, False, 1, 2, 0]
    assert report("2022-06-30")["U11111"] == [ALPHA, 1.0, 1, True, 1, 1, 0]
    assert "U22222" in report("2023-03-30") and "U22222" not in report("2023-03-31")
    # History stays: the closed practice and its membership are still in the graph.
    assert store.read("MATCH (:Practice {code: 'P2'})-[m:MEMBER_OF]->(:PCN) RETURN count(m)").scalar() == 1


# -- coterminosity never claims what it does not know ----------------------------------------------------


def test_an_unknown_main_footprint_is_never_coterminous(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "own", {
        "ics.csv": "code,name\nQAA,ICB A\n", "places.csv": f"code,name,ics_code\n{ALPHA},Alpha,QAA\n",
        "pcns.csv": "code,name\nU11111,One PCN\nU99999,Nowhere PCN\n",
        "practices.csv": ("code,name,pcn_code,place_code\n"
                          f"P1,One,U11111,{ALPHA}\nP2,Two,U11111,\nP3,Three,U11111,\nP4,Four,U99999,\n"),
    })
    load_paths(store, [tmp_path / "own"])
    rows = run_report(store, "coterminosity", by="practices", threshold=0.5).rows
    # 2 of 3 practices in unknown footprints: share 0.667 >= 0.5, yet not coterminous; U99999 has no
    # practice located anywhere, so it is not covered at all.
    assert rows == [["U11111", "One PCN", "unknown", 0.667, 2, False, 2, 3, 2]]


# -- --ics on reports, the CLI and the API ------------------------------------------------------------


def two_systems(tmp_path: Path) -> Path:
    return write(tmp_path / "own", {
        "ics.csv": "code,name\nQAA,ICB A\nQBB,ICB B\n",
        "places.csv": f"code,name,ics_code\n{ALPHA},Alpha,QAA\n{BETA},Beta,QAA\n{GAMMA},Gamma,QBB\n",
        "pcns.csv": "code,name\nU11111,One PCN\nU33333,Three PCN\n",
        "practices.csv": f"code,name,pcn_code,place_code\nP1,One,U11111,{ALPHA}\nP3,Three,U33333,{GAMMA}\n",
    })


def test_every_report_takes_ics(store: Store, tmp_path: Path) -> None:
    load_paths(store, [two_systems(tmp_path)])
    assert [r[0] for r in run_report(store, "breadth", ics="QAA").rows] == [ALPHA, BETA]
    assert [r[0] for r in run_report(store, "breadth", ics="qbb").rows] == [GAMMA]
    assert [r[0] for r in run_report(store, "coterminosity", ics="QBB").rows] == ["U33333"]
    assert [r[0] for r in run_report(store, "coterminosity").rows] == ["U11111", "U33333"]
    with pytest.raises(UserError, match="not one of ICS"):
        run_report(store, "breadth", ics="QBB", place=ALPHA)
    for name in ("breadth", "unsigned", "coterminosity", "missing-links", "place-leads", "assurance", "timeline",
                 "brokers"):
        result = run_report(store, name, ics="QBB")
        places = {r[0] for r in result.rows} if result.columns[0] == "place_code" else set()
        assert places <= {GAMMA}, name


def test_cli_and_api_take_ics(tmp_path: Path, cli) -> None:
    db = tmp_path / "db"
    done = cli("load", "--ics", "QAA", str(national(tmp_path)), db=db)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "left out 4 rows" in text and "2 by postcode" in text, text
    done = cli("report", "coterminosity", "--ics", "QAA", "--format", "json", db=db)
    assert done.returncode == 0, done.stderr
    assert [r["pcn_code"] for r in json.loads(done.stdout)] == ["U11111", "U22222"]
    done = cli("report", "breadth", "--ics", "QZZ", db=db)
    assert done.returncode == 1 and "No ICS" in done.stderr + done.stdout
    from icpmap.api.app import create_app

    with open_store(db, engine="ladybug") as store:
        client = TestClient(create_app(store, allow_anonymous=True, keys_path=Path(os.devnull + ".none.json")),
                            base_url="http://127.0.0.1")
        assert [r["pcn_code"] for r in client.get("/reports/coterminosity?ics=QAA").json()["rows"]] == [
            "U11111", "U22222"]
        assert [p["place_code"] for p in client.get("/places?ics=QAA").json()] == [ALPHA, BETA]
        assert client.get("/reports/breadth?ics=QZZ").status_code == 400
        assert client.get("/ics/QAA/network").status_code == 200
        assert client.get("/ics/QZZ/network").status_code == 404


# -- the export carries what was added --------------------------------------------------------------------


def test_export_round_trip_keeps_locations_status_and_practices_in_no_pcn(store: Store, tmp_path: Path) -> None:
    load_paths(store, [national(tmp_path)])
    write(tmp_path / "more", {"epcn_pcn_details_2024-01.csv": (
        "PCN Code,PCN Name,Current Sub ICB Loc Code,Sub ICB Location,Open Date,Close Date,Postcode\n"
        "U22222,TWO PCN,S2A,SUB TWO,20190701,20230331,AL1 1AB\n")})
    load_paths(store, [tmp_path / "more"])
    export(store, tmp_path / "out", "csv")
    with open_store(tmp_path / "copy", engine="ladybug") as copy:
        load_paths(copy, [tmp_path / "out"])
        assert checksum(read_graph(copy)) == checksum(read_graph(store))
        assert located(copy) == located(store) and located(copy)["P1"] == (ALPHA, "postcode")
