"""The NHS and ONS files as published (../shared/data): every one loads, counts match pandas.

Skipped where the shared data folder is absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from icpmap.graph import Store
from icpmap.loaders import load_paths

pytestmark = pytest.mark.shared_data


def csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def count(store: Store, cypher: str) -> int:
    return int(store.read(cypher).scalar() or 0)


def test_every_shared_file_loads_and_reloads_as_a_no_op(store: Store, shared_data: Path) -> None:
    files = sorted([*shared_data.rglob("*.csv"), *shared_data.rglob("*.geojson")])
    report = load_paths(store, [shared_data])
    assert len(report.files) == len(files)
    assert all(f.format for f in report.files)
    # Boundaries (GeoJSON) are read; the provenance notes are listed as not read, never an error.
    geojson = {str(p) for p in shared_data.rglob("*.geojson")}
    assert len(geojson) == 19 and {f.path for f in report.files if f.format == "ons-boundaries"} == geojson
    assert not geojson & set(report.skipped) and all(p.endswith((".txt", ".md")) for p in report.skipped)
    assert {f.format for f in report.files} >= {"os-code-point-open", "ons-postcode-directory", "ons-lsoa-centroids"}
    before = store.counts()
    again = load_paths(store, [shared_data])
    assert not again.changed and again.located == report.located
    assert store.counts() == before


PLACEHOLDER = "U"  # the practice map's PCN_CODE for practices in no PCN (PCN_NAME "Unallocated")


def test_practice_map_2022_counts_match_the_publisher(store: Store, shared_data: Path) -> None:
    frame = csv(shared_data / "nhs/gp-reg-pat-prac-map-2022-01.csv")
    in_pcn = frame[(frame["PCN_CODE"] != PLACEHOLDER) & (frame["PCN_NAME"] != "Unallocated")]
    load_paths(store, [shared_data / "nhs/gp-reg-pat-prac-map-2022-01.csv"])
    assert in_pcn["PCN_CODE"].nunique() == 1254 and len(in_pcn) == 6459  # the publisher's figures
    assert count(store, "MATCH (p:PCN) RETURN count(p)") == in_pcn["PCN_CODE"].nunique()
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) RETURN count(m)") == len(in_pcn)
    assert count(store, "MATCH (p:Practice) RETURN count(p)") == frame["PRACTICE_CODE"].nunique()
    assert count(store, "MATCH (p:PCN) WHERE p.code = 'U' OR p.name = 'Unallocated' RETURN count(p)") == 0
    no_pcn = store.read("MATCH (p:Practice) WHERE NOT EXISTS { MATCH (p)-[:MEMBER_OF]->(:PCN) } RETURN p.code").rows
    assert sorted(r[0] for r in no_pcn) == sorted(frame.loc[frame["PCN_CODE"] == PLACEHOLDER, "PRACTICE_CODE"])


def test_practice_map_editions(store: Store, shared_data: Path) -> None:
    old_path, new_path = shared_data / "nhs/gp-reg-pat-prac-map-2020-09.csv", shared_data / "nhs/gp-reg-pat-prac-map-2022-01.csv"
    old, new = csv(old_path), csv(new_path)
    old_in, new_in = old[old["PCN_CODE"] != PLACEHOLDER], new[new["PCN_CODE"] != PLACEHOLDER]
    load_paths(store, [old_path])
    assert count(store, "MATCH (p:Practice) RETURN count(p)") == old["PRACTICE_CODE"].nunique()
    assert count(store, "MATCH (p:PCN) RETURN count(p)") == old_in["PCN_CODE"].nunique()
    assert count(store, "MATCH (i:ICS) RETURN count(i)") == old["STP_CODE"].nunique()
    assert count(store, "MATCH (o:Organisation {sector: 'nhs_commissioner'}) RETURN count(o)") == old["CCG_CODE"].nunique()
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) RETURN count(m)") == len(old_in)
    # Every CCG PART_OF its STP, every practice COMMISSIONED_BY its CCG, as the file says.
    assert count(store, "MATCH (:Organisation)-[r:PART_OF]->(:ICS) RETURN count(r)") == old["CCG_CODE"].nunique()
    assert count(store, "MATCH (:Practice)-[r:COMMISSIONED_BY]->(:Organisation) RETURN count(r)") == len(old)

    load_paths(store, [new_path])
    both = old.merge(new, on="PRACTICE_CODE", suffixes=("_old", "_new"))
    changed = both[both["PCN_CODE_old"] != both["PCN_CODE_new"]]
    ended = changed[changed["PCN_CODE_old"] != PLACEHOLDER]  # a membership to end on 2021-12-31
    started = ended[ended["PCN_CODE_new"] != PLACEHOLDER]  # moved: a membership from 2022-01-01
    # In no PCN in the earlier load, in one now: a membership with no start (the earlier extract's
    # "in no PCN" is not stored; loaded together, the start would be 2022-01-01).
    joined = changed[changed["PCN_CODE_old"] == PLACEHOLDER]
    arrived = new_in[~new_in["PRACTICE_CODE"].isin(old["PRACTICE_CODE"])]
    assert len(ended) > len(started) > 0 and len(joined) > 0
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) RETURN count(m)") == \
        len(old_in) + len(started) + len(joined) + len(arrived)
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) WHERE m.`to` = date('2021-12-31') RETURN count(m)") == len(ended)
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) WHERE m.`from` = date('2022-01-01') RETURN count(m)") == len(started)
    current = store.read(
        "MATCH (p:Practice)-[m:MEMBER_OF]->(n:PCN) WHERE m.`to` IS NULL RETURN p.code AS practice, n.code AS pcn").records()
    got = pd.DataFrame(current).set_index("practice")["pcn"].sort_index()
    expected = new_in.set_index("PRACTICE_CODE")["PCN_CODE"].sort_index()
    assert got.reindex(expected.index).equals(expected)
    # A practice now Unallocated has no current PCN; one missing from the newer extract keeps its own.
    unallocated = set(new.loc[new["PCN_CODE"] == PLACEHOLDER, "PRACTICE_CODE"])
    assert unallocated and not unallocated & set(got.index)
    assert set(got.index) - set(expected.index) <= set(old["PRACTICE_CODE"]) - set(new["PRACTICE_CODE"])


def test_epcn_partner_memberships(store: Store, shared_data: Path) -> None:
    path = shared_data / "nhs/epcn/cm_epcn_core_partner_details_2023-02.csv"
    frame = csv(path)
    load_paths(store, [path, shared_data / "nhs/epcn/cm_epcn_pcn_details_2023-02.csv"])
    key = ["Partner Organisation Code", "PCN Code", "Practice to PCN Relationship Start Date"]
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) RETURN count(m)") == len(frame.drop_duplicates(key))
    ended = frame["Practice to PCN Relationship End Date"] != ""
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) WHERE m.`to` IS NOT NULL RETURN count(m)") == \
        len(frame[ended].drop_duplicates(key))
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) WHERE m.`from` = date('2019-10-01') RETURN count(m)") == \
        len(frame[frame["Practice to PCN Relationship Start Date"] == "20191001"].drop_duplicates(key))


def test_ods_files(store: Store, shared_data: Path) -> None:
    epraccur, etr = shared_data / "nhs/ods/cm_epraccur_2023-02.csv", shared_data / "nhs/ods/etr_nhs_trusts_2022-03.csv"
    load_paths(store, [epraccur, etr])
    practices = csv(epraccur)
    gp = practices[practices["Prescribing Setting"] == "4"]
    assert count(store, "MATCH (p:Practice) RETURN count(p)") == gp["Organisation Code"].nunique()
    # Closed practices stay, with their status and dates (history); status codes as words.
    stored = pd.DataFrame(store.read("MATCH (p:Practice) RETURN p.code AS code, p.status AS status, "
                                     "p.open_date AS opened, p.close_date AS closed").records()).set_index("code")
    words = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
    expected = gp.set_index("Organisation Code")
    assert stored["status"].sort_index().equals(expected["Status Code"].map(words).sort_index().rename("status"))
    closed = expected[expected["Close Date"] != ""]
    assert len(closed) == int((gp["Status Code"] == "C").sum()) > 0
    assert all(stored.at[code, "closed"] == dt.datetime.strptime(day, "%Y%m%d").date()
               for code, day in closed["Close Date"].items())
    assert stored.loc[expected[expected["Close Date"] == ""].index, "closed"].isna().all()
    trusts = csv(etr)
    today = dt.date.today().strftime("%Y%m%d")
    open_trusts = trusts[(trusts["Close Date"] == "") | (trusts["Close Date"] > today)]
    assert count(store, "MATCH (o:Organisation {sector: 'nhs_trust'}) RETURN count(o)") == len(open_trusts)


def test_ods_files_without_their_header_row(store: Store, shared_data: Path, tmp_path: Path) -> None:
    for name in ("cm_epraccur_2023-02.csv", "cm_etr_nhs_trusts_2022-03.csv"):
        lines = (shared_data / "nhs/ods" / name).read_text().splitlines(keepends=True)
        (tmp_path / name.replace("cm_", "")).write_text("".join(lines[1:]))  # as ODS publishes them
    with_header = Store.counts(store)
    report = load_paths(store, [tmp_path])
    assert {f.format for f in report.files} == {"ods-epraccur", "ods-etr"}
    gp = csv(shared_data / "nhs/ods/cm_epraccur_2023-02.csv").query("`Prescribing Setting` == '4'")
    assert store.counts()["Practice"] == with_header["Practice"] + gp["Organisation Code"].nunique()  # closed ones too
    commissioners = gp["Commissioner"].nunique()  # each practice's Sub-ICB location (or older CCG)
    assert store.counts()["Organisation"] == 17 + commissioners  # 18 C&M trusts, one closed in 2021


def test_ons_lookups(store: Store, shared_data: Path) -> None:
    path = shared_data / "ons/geography/cm_lsoa11_to_ward19_to_lad19_bestfit.csv"
    frame = csv(path)
    load_paths(store, [path])
    assert count(store, "MATCH (p:Place) RETURN count(p)") == frame["LAD19CD"].nunique()
    assert count(store, "MATCH (a:Area {kind: 'lsoa'}) RETURN count(a)") == frame["LSOA11CD"].nunique()
    assert count(store, "MATCH (a:Area {kind: 'ward'}) RETURN count(a)") == frame["WD19CD"].nunique()
    assert count(store, "MATCH (:Area)-[r:`IN`]->(:Place) RETURN count(r)") == frame["LSOA11CD"].nunique() + frame["WD19CD"].nunique()

    icb = shared_data / "ons/geography/cm_lsoa11_to_sicbl22_icb22_ltla22.csv"
    load_paths(store, [icb])
    assert count(store, "MATCH (:Place)-[r:PART_OF]->(:ICS {code: 'QYG'}) RETURN count(r)") == csv(icb)["ltla22_code"].nunique()


def test_board_footprints(store: Store, shared_data: Path) -> None:
    path = shared_data / "ons/boards_geography/cm_ltla24_to_csp24_pfa24.csv"
    frame = csv(path)
    load_paths(store, [path])
    assert count(store, "MATCH (b:Board {kind: 'community_safety_partnership'})-[:SERVES]->(:Place) RETURN count(b)") == \
        frame["csp24_code"].nunique()
    assert count(store, "MATCH (o:Organisation {sector: 'police'})-[m:MEMBER_OF {role: 'core'}]->(:Board) RETURN count(m)") == \
        len(frame[["pfa24_code", "csp24_code"]].drop_duplicates())


def test_epcn_workbook_with_a_notes_sheet(store: Store, shared_data: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["ePCN: PCNs and their core partners"])
    for title, name in (("PCNDetails", "cm_epcn_pcn_details_2022-05.csv"),
                        ("PCN Core Partner Details", "cm_epcn_core_partner_details_2022-05.csv")):
        frame = csv(shared_data / "nhs/epcn" / name)
        sheet = book.create_sheet(title)
        sheet.append([c.replace(" Date", "\nDate") for c in frame.columns])  # headers as published, with newlines
        for row in frame.itertuples(index=False):
            sheet.append([int(v) if v.isdigit() and len(v) == 8 else v for v in row])
    path = tmp_path / "ePCN.xlsx"
    book.save(path)
    report = load_paths(store, [path])
    assert {f.format for f in report.files} == {"epcn-pcn-details", "epcn-core-partner-details"}
    partners = csv(shared_data / "nhs/epcn/cm_epcn_core_partner_details_2022-05.csv")
    pcns = csv(shared_data / "nhs/epcn/cm_epcn_pcn_details_2022-05.csv")
    assert count(store, "MATCH (p:PCN) RETURN count(p)") == len(set(pcns["PCN Code"]) | set(partners["PCN Code"]))
    key = ["Partner Organisation Code", "PCN Code", "Practice to PCN Relationship Start Date"]
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) RETURN count(m)") == len(partners.drop_duplicates(key))


def test_epcn_pcn_status_and_dates(store: Store, shared_data: Path) -> None:
    path = shared_data / "nhs/epcn/cm_epcn_pcn_details_2023-02.csv"
    frame = csv(path)
    load_paths(store, [path])
    stored = pd.DataFrame(store.read("MATCH (p:PCN) RETURN p.code AS code, p.status AS status, p.open_date AS opened, "
                                     "p.close_date AS closed").records()).set_index("code").sort_index()
    expected = frame.set_index("PCN Code").sort_index()
    assert list(stored.index) == list(expected.index)
    assert (stored["status"] == expected["Close Date"].map(lambda d: "closed" if d else "active")).all()
    day = lambda text: dt.datetime.strptime(text, "%Y%m%d").date() if text else None  # noqa: E731
    assert list(stored["closed"].map(lambda d: d if isinstance(d, dt.date) else None)) == list(expected["Close Date"].map(day))
    assert list(stored["opened"]) == list(expected["Open Date"].map(day))


# -- locating practices and one ICS out of national files -------------------------------------------

LOCATING = (
    "nhs/gp-reg-pat-prac-map-2022-01.csv", "nhs/ods/cm_epraccur_2023-02.csv",
    "ons/postcodes/codepoint_open_2025-10_cm_postcodes.csv", "ons/postcodes/nspl_nov2021_WN_area_cm.csv",
    "ons/geography/cm_lsoa11_to_sicbl22_icb22_ltla22.csv", "ons/geography/cm_lsoa21_to_sicbl24_icb24.csv",
    "ons/geography/cm_lsoa21_to_ward24_to_ltla24.csv",
)


def _postcode(values: pd.Series) -> pd.Series:
    return values.str.replace(r"\s+", "", regex=True).str.upper()


def expected_locations(data: Path) -> pd.DataFrame:
    """Where each C&M practice should be, computed with pandas from the same files, independently of
    the loader: its postcode (the newer file's, epraccur) through Code-Point Open (newer than the
    NSPL) to a local authority that is a Place; else its Sub-ICB location (epraccur's commissioner)
    when that one's LSOAs all lie in one Place."""
    practice_map = csv(data / LOCATING[0])
    practice_map = practice_map[practice_map["STP_CODE"] == "QYG"]
    lsoa22, lsoa24, ward24 = (csv(data / name) for name in LOCATING[4:])
    qyg_sub_icbs = set(practice_map["CCG_CODE"]) | set(lsoa22["sicbl22_code_h"]) | set(lsoa24["sicbl24_code_nhs"])
    epraccur = csv(data / LOCATING[1])
    epraccur = epraccur[(epraccur["Prescribing Setting"] == "4") & (
        (epraccur["High Level Health Geography"] == "QYG") | epraccur["Commissioner"].isin(qyg_sub_icbs))]
    practices = pd.concat([
        epraccur.rename(columns={"Organisation Code": "code", "Postcode": "postcode", "Commissioner": "sub_icb"}),
        practice_map.rename(columns={"PRACTICE_CODE": "code", "PRACTICE_POSTCODE": "postcode", "CCG_CODE": "sub_icb"}),
    ])[["code", "postcode", "sub_icb"]].drop_duplicates("code").set_index("code")
    codepoint, nspl = csv(data / LOCATING[2]), csv(data / LOCATING[3])
    lookup = pd.concat([
        pd.Series(codepoint["Admin_district_code"].to_numpy(), index=_postcode(codepoint["Postcode"])),
        pd.Series(nspl["laua"].to_numpy(), index=_postcode(nspl["pcds"])),
    ])
    lookup = lookup[~lookup.index.duplicated(keep="first")]
    places = set(lsoa22["ltla22_code"]) | set(ward24["ltla24_code"])
    pairs = pd.concat([
        lsoa22[["sicbl22_code_h", "ltla22_code"]].set_axis(["sub_icb", "lad"], axis=1),
        lsoa24.merge(ward24, on="lsoa21_code")[["sicbl24_code_nhs", "ltla24_code"]].set_axis(["sub_icb", "lad"], axis=1),
    ]).drop_duplicates()
    sub_icb_places = pairs.groupby("sub_icb")["lad"].agg(set)
    out = []
    for code, row in practices.iterrows():
        lad = lookup.get(_postcode(pd.Series([row["postcode"]])).iat[0])
        if lad in places:
            out.append((code, lad, "postcode"))
            continue
        covered = sub_icb_places.get(row["sub_icb"], set())
        out.append((code, next(iter(covered)), "sub_icb") if len(covered) == 1 else (code, None, None))
    return pd.DataFrame(out, columns=["code", "place", "located_by"]).set_index("code").sort_index()


def test_cm_practices_are_located_by_postcode_then_sub_icb(store: Store, shared_data: Path) -> None:
    report = load_paths(store, [shared_data / name for name in LOCATING], ics="QYG")
    expected = expected_locations(shared_data)
    stored = pd.DataFrame(store.read(
        "MATCH (p:Practice) OPTIONAL MATCH (p)-[l:LOCATED_IN]->(x:Place) "
        "RETURN p.code AS code, x.code AS place, l.located_by AS located_by").records()).set_index("code").sort_index()
    stored = stored.astype(object).where(stored.notna(), None)
    assert list(stored.index) == list(expected.index)  # the C&M practices, and only them
    assert stored.equals(expected.astype(object).where(expected.notna(), None))
    located = expected["place"].notna().mean()
    assert located >= 0.99, located
    by = expected["located_by"].value_counts().to_dict()
    assert report.located["postcode"] == by["postcode"] and report.located["sub_icb"] == by["sub_icb"]
    assert report.located["not_located"] == int(expected["place"].isna().sum())
    # By postcode, nearly every practice is in a Place of its Sub-ICB location (the ONS lookup);
    # the few exceptions are practices whose premises are in a neighbouring Place.
    lsoa22 = csv(shared_data / LOCATING[4])
    sub_places = lsoa22.groupby("sicbl22_code_h")["ltla22_code"].agg(set)
    practices = csv(shared_data / LOCATING[1]).set_index("Organisation Code")["Commissioner"]
    by_postcode = expected[expected["located_by"] == "postcode"]
    inside = [place in sub_places.get(practices.get(code), {place}) for code, place in by_postcode["place"].items()]
    assert sum(inside) / len(inside) >= 0.99


def test_load_ics_keeps_only_that_ics_from_the_national_map(store: Store, shared_data: Path) -> None:
    path = shared_data / "nhs/gp-reg-pat-prac-map-2022-01.csv"
    frame = csv(path)
    cm = frame[frame["STP_CODE"] == "QYG"]
    report = load_paths(store, [path], ics="qyg")
    assert report.ics == "QYG" and report.files[0].left_out == report.left_out == len(frame) - len(cm) > 6000
    assert report.files[0].rows_read == len(frame)
    codes = {r[0] for r in store.read("MATCH (p:Practice) RETURN p.code").rows}
    assert codes == set(cm["PRACTICE_CODE"])
    pcns = {r[0] for r in store.read("MATCH (p:PCN) RETURN p.code").rows}
    assert pcns == set(cm.loc[cm["PCN_CODE"] != PLACEHOLDER, "PCN_CODE"])
    assert [r[0] for r in store.read("MATCH (i:ICS) RETURN i.code").rows] == ["QYG"]
    commissioners = {r[0] for r in store.read("MATCH (o:Organisation)-[:PART_OF]->(:ICS {code: 'QYG'}) RETURN o.code").rows}
    assert commissioners == set(cm["CCG_CODE"])
