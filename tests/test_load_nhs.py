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
    files = sorted(shared_data.rglob("*.csv"))
    report = load_paths(store, [shared_data])
    assert len(report.files) == len(files)
    assert all(f.format for f in report.files)
    before = store.counts()
    assert not load_paths(store, [shared_data]).changed
    assert store.counts() == before


def test_practice_map_editions(store: Store, shared_data: Path) -> None:
    old_path, new_path = shared_data / "nhs/gp-reg-pat-prac-map-2020-09.csv", shared_data / "nhs/gp-reg-pat-prac-map-2022-01.csv"
    old, new = csv(old_path), csv(new_path)
    load_paths(store, [old_path])
    assert count(store, "MATCH (p:Practice) RETURN count(p)") == old["PRACTICE_CODE"].nunique()
    assert count(store, "MATCH (p:PCN) RETURN count(p)") == old["PCN_CODE"].nunique()
    assert count(store, "MATCH (i:ICS) RETURN count(i)") == old["STP_CODE"].nunique()
    assert count(store, "MATCH (o:Organisation {sector: 'nhs_commissioner'}) RETURN count(o)") == old["CCG_CODE"].nunique()
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) RETURN count(m)") == len(old)

    load_paths(store, [new_path])
    both = old.merge(new, on="PRACTICE_CODE", suffixes=("_old", "_new"))
    moved = both[both["PCN_CODE_old"] != both["PCN_CODE_new"]]
    arrived = new[~new["PRACTICE_CODE"].isin(old["PRACTICE_CODE"])]
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) RETURN count(m)") == len(old) + len(moved) + len(arrived)
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) WHERE m.`to` = date('2021-12-31') RETURN count(m)") == len(moved)
    assert count(store, "MATCH (:Practice)-[m:MEMBER_OF]->(:PCN) WHERE m.`from` = date('2022-01-01') RETURN count(m)") == len(moved)
    current = store.read(
        "MATCH (p:Practice)-[m:MEMBER_OF]->(n:PCN) WHERE m.`to` IS NULL RETURN p.code AS practice, n.code AS pcn").records()
    got = pd.DataFrame(current).set_index("practice")["pcn"]
    expected = new.set_index("PRACTICE_CODE")["PCN_CODE"]
    assert got.reindex(expected.index).equals(expected)


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
    open_gp = practices[(practices["Prescribing Setting"] == "4") & (practices["Status Code"] != "C")]
    assert count(store, "MATCH (p:Practice) RETURN count(p)") == open_gp["Organisation Code"].nunique()
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
    assert store.counts()["Practice"] > with_header["Practice"]
    assert store.counts()["Organisation"] == 17  # 18 C&M trusts, one closed in 2021


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
