"""Every loader rule, with small files the tests write.

Each error case checks that the message names the file, the row as the user sees it
(header = 1) and the column, and that the store's counts are unchanged afterwards.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from icpmap.graph import Store
from icpmap.loaders import LoadError, LoadReport, Problem, load_paths

BASE = {
    "ics.csv": "code,name\nQYG,Cheshire and Merseyside\n",
    "places.csv": "code,name,ics_code\nE08000012,Liverpool,QYG\nE08000014,Sefton,QYG\n",
    "organisations.csv": "code,name,sector,statutory\n99A,NHS Liverpool CCG,nhs_commissioner,true\nLCC,Liverpool City Council,local_authority,yes\n",
    "boards.csv": "code,name,kind,place_code,ics_code,parent_board_code\n"
                  "HWB-L,Liverpool HWB,health_and_wellbeing_board,E08000012,,\n"
                  "PPB-L,One Liverpool,place_partnership_board,E08000012,,HWB-L\n",
}


def write(folder: Path, files: dict[str, str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode(encoding))
    return folder


def rows(store: Store, cypher: str) -> list[list]:
    return store.read(cypher).rows


def load_again(store: Store, tmp_path: Path, first: dict[str, str], later: dict[str, str]) -> LoadReport:
    """Load the files of `first`, then those of `later` over them; the second load's report."""
    load_paths(store, [write(tmp_path / "a", first)])
    return load_paths(store, [write(tmp_path / "b", later)])


def refused(store: Store, paths: list[Path]) -> list[Problem]:
    """Load, expect a refusal, check nothing changed; return the problems."""
    before = store.counts()
    with pytest.raises(LoadError) as info:
        load_paths(store, paths)
    assert store.counts() == before
    assert info.value.problems
    return info.value.problems


def where(p: Problem) -> tuple[str, int | None, str | None]:
    return Path(p.file.split(" [")[0]).name + (p.file[p.file.find(" ["):] if " [" in p.file else ""), p.row, p.column


@pytest.fixture
def base(store: Store, tmp_path: Path) -> Store:
    load_paths(store, [write(tmp_path / "base", BASE)])
    return store


# -- errors ------------------------------------------------------------------------------


def test_missing_required_column(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"places.csv": "code,name\nE08000013,St Helens\n"})
    (p,) = refused(base, [folder])
    assert where(p) == ("places.csv", 1, "ics_code")
    assert "missing required column" in p.message


def test_unknown_reference(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"places.csv": "code,name,ics_code\nE08000013,St Helens,QYG\nE08000011,Knowsley,QXX\n"})
    (p,) = refused(base, [folder])
    assert where(p) == ("places.csv", 3, "ics_code") and p.value == "QXX"
    assert "unknown ICS" in p.message
    assert "places.csv, row 3, column 'ics_code', value 'QXX'" in str(p)


def test_bad_vocabulary(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"organisations.csv": "code,name,sector\nX1,A Hospital,hospital\n"})
    (p,) = refused(base, [folder])
    assert where(p) == ("organisations.csv", 2, "sector") and p.value == "hospital"
    assert "nhs_trust" in p.message


def test_impossible_date(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"agreements.csv": "code,title,kind,place_code,effective_from\nA1,MOU,mou,E08000012,2021-02-30\n"})
    (p,) = refused(base, [folder])
    assert where(p) == ("agreements.csv", 2, "effective_from")
    assert "impossible date" in p.message


def test_duplicate_key_with_conflicting_values(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"ics.csv": "code,name\nQYG,Cheshire and Merseyside\nQOP,Greater Manchester\nQYG,Something Else\n"})
    (p,) = refused(base, [folder])
    assert (where(p), p.value) == (("ics.csv", 4, "name"), "Something Else")
    assert p.message == "ICS 'QYG' is given a different name on row 2 ('Cheshire and Merseyside')"


def test_duplicate_key_with_the_same_values_is_fine(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"ics.csv": "code,name\nQOP,Greater Manchester\nQOP,Greater Manchester\n"})
    load_paths(base, [folder])
    assert base.counts()["ICS"] == 2


def test_conflicting_relationship_rows(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {
        "practices.csv": "code,name,pcn_code\nP1,One,U1\n",
        "pcns.csv": "code,name\nU1,PCN One\n",
        "areas.csv": "code,name,kind\nE01,A,lsoa\n",
        "registrations.csv": "practice_code,area_code,patients\nP1,E01,10\nP1,E01,12\n",
    })
    (p,) = refused(base, [folder])
    assert where(p) == ("registrations.csv", 3, "patients")


def test_single_valued_column_given_two_values(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"places.csv": "code,name,ics_code\nE08000012,Liverpool,QYG\nE08000012,Liverpool,QOP\n",
                                     "ics.csv": "code,name\nQOP,Greater Manchester\n"})
    problems = refused(base, [folder])
    assert ("places.csv", 3, "ics_code") in [where(p) for p in problems]


def test_non_numeric_count(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {
        "practices.csv": "code,name,pcn_code\nP1,One,U1\n",
        "pcns.csv": "code,name\nU1,PCN One\n",
        "areas.csv": "code,name,kind\nE01,A,lsoa\n",
        "registrations.csv": "practice_code,area_code,patients\nP1,E01,twelve\n",
    })
    (p,) = refused(base, [folder])
    assert where(p) == ("registrations.csv", 2, "patients") and p.value == "twelve"


def test_all_problems_are_reported_together(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {
        "organisations.csv": "code,name,sector,statutory\nA,,other,maybe\nB,Bee,nonsense,true\n",
        "places.csv": "code,name,ics_code\nE1,One,NOPE\n",
    })
    found = {where(p) for p in refused(base, [folder])}
    assert found == {("organisations.csv", 2, "name"), ("organisations.csv", 2, "statutory"),
                     ("organisations.csv", 3, "sector"), ("places.csv", 2, "ics_code")}


def test_problems_are_capped(base: Store, tmp_path: Path) -> None:
    body = "".join(f"O{i},Org {i},bogus\n" for i in range(300))
    folder = write(tmp_path / "in", {"organisations.csv": "code,name,sector\n" + body})
    before = base.counts()
    with pytest.raises(LoadError) as info:
        load_paths(base, [folder])
    assert len(info.value.problems) == 200 and info.value.total == 300
    assert "and 100 more" in str(info.value)
    assert base.counts() == before


def test_unknown_file_is_named(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"ics.csv": "code,name\nQOP,GM\n", "budgets.csv": "what,ever\n1,2\n"})
    (p,) = refused(base, [folder])
    assert Path(p.file).name == "budgets.csv" and "not a file icpmap knows" in p.message


def test_missing_path(base: Store, tmp_path: Path) -> None:
    (p,) = refused(base, [tmp_path / "nowhere"])
    assert "no such file" in p.message


def test_role_target_must_be_a_place_or_a_board(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {
        "people.csv": "id,name\nPER-1,Ann\n",
        "roles.csv": "person_id,role,target_code,from\nPER-1,chair,PPB-L,2021-04-01\nPER-1,place_lead,E08000012,\nPER-1,chair,NOWHERE,\n",
    })
    (p,) = refused(base, [folder])
    assert where(p) == ("roles.csv", 4, "target_code") and "Place or Board" in p.message
    (tmp_path / "in" / "roles.csv").write_text("person_id,role,target_code,from\nPER-1,chair,PPB-L,2021-04-01\nPER-1,place_lead,E08000012,\n")
    load_paths(base, [folder])
    assert sorted(rows(base, "MATCH (:Person)-[h:HOLDS]->(t) RETURN h.role ORDER BY h.role")) == [["chair"], ["place_lead"]]


def test_too_many_cells(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"ics.csv": "code,name\nQOP,GM\nQHM,North East,extra\n"})
    (p,) = refused(base, [folder])
    assert where(p) == ("ics.csv", 3, None)


# -- forgiving ----------------------------------------------------------------------------


def test_forgiving_spellings(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {
        "organisations.csv": " Code , NAME ,Sector,Statutory\nX1,Sefton CVS,Voluntary,No\nX2,Sefton Council,Local Authority,Y\n",
        "agreements.csv": "code,title,kind,place_code,effective_from\nA1,MOU,MoU,E08000014,30/09/2021\nA2,S75,Section 75,E08000014,30-Sep-21\n",
    })
    load_paths(base, [folder])
    assert sorted(rows(base, "MATCH (o:Organisation) WHERE o.code STARTS WITH 'X' RETURN o.code, o.sector, o.statutory")) == [
        ["X1", "voluntary", False], ["X2", "local_authority", True]]
    assert sorted(rows(base, "MATCH (a:Agreement) RETURN a.code, a.kind, a.effective_from")) == [
        ["A1", "mou", dt.date(2021, 9, 30)], ["A2", "section_75", dt.date(2021, 9, 30)]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(base: Store, tmp_path: Path, encoding: str) -> None:
    text = "code,name,sector\nCAFE,Café – Sefton,voluntary\n"
    load_paths(base, [write(tmp_path / "in", {"organisations.csv": text}, encoding=encoding)])
    assert rows(base, "MATCH (o:Organisation {code: 'CAFE'}) RETURN o.name") == [["Café – Sefton"]]


def test_blank_trailing_rows_and_header_only_files(base: Store, tmp_path: Path) -> None:
    before = base.counts()
    folder = write(tmp_path / "in", {
        "ics.csv": "code,name\r\nQOP,Greater Manchester\r\n,\r\n\r\n,\r\n",
        "milestones.csv": "code,title,due\n",
        "areas.csv": "",
    })
    report = load_paths(base, [folder])
    assert base.counts()["ICS"] == before["ICS"] + 1
    assert report.table("ICS").created == 1
    assert {Path(f.path).name: f.rows_read for f in report.files}["milestones.csv"] == 0


def test_row_numbers_count_blank_lines(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "in", {"ics.csv": "code,name\n\nQOP,GM\n\nQHM,\n"})
    (p,) = refused(base, [folder])
    assert where(p) == ("ics.csv", 5, "name")


# -- idempotency, updates, history --------------------------------------------------------


def test_reload_is_a_no_op_and_a_newer_file_updates(base: Store, tmp_path: Path) -> None:
    before = base.counts()
    again = load_paths(base, [tmp_path / "base"])
    assert not again.changed and base.counts() == before
    folder = write(tmp_path / "newer", {"organisations.csv": "code,name,sector,statutory\nLCC,Liverpool City Council,local_authority,no\n"})
    report = load_paths(base, [folder])
    assert report.table("Organisation").updated == 1 and report.table("Organisation").unchanged == 0
    assert rows(base, "MATCH (o:Organisation {code: 'LCC'}) RETURN o.statutory") == [[False]]
    assert base.counts() == before


def test_owned_references_are_replaced(base: Store, tmp_path: Path) -> None:
    folder = write(tmp_path / "move", {"boards.csv": "code,name,kind,place_code,parent_board_code\n"
                                                     "PPB-L,One Liverpool,place_partnership_board,E08000014,\n"})
    report = load_paths(base, [folder])
    assert rows(base, "MATCH (:Board {code: 'PPB-L'})-[:SERVES]->(p) RETURN p.code") == [["E08000014"]]
    assert rows(base, "MATCH (:Board {code: 'PPB-L'})-[:SUBGROUP_OF]->(p) RETURN p.code") == []
    assert report.table("SERVES (Board->Place)").deleted == 1
    assert not load_paths(base, [folder]).changed


def test_many_references_replace_the_set(base: Store, tmp_path: Path) -> None:
    files = {
        "neighbourhoods.csv": "code,name,place_code\nN1,North,E08000012\nN2,South,E08000012\n",
        "pcns.csv": "code,name,neighbourhood_codes\nU1,PCN One,N1; N2\n",
    }
    load_paths(base, [write(tmp_path / "a", files)])
    assert base.counts()["LEADS"] == 2
    load_paths(base, [write(tmp_path / "b", {"pcns.csv": "code,name,neighbourhood_codes\nU1,PCN One,N2\n"})])
    assert rows(base, "MATCH (:PCN)-[:LEADS]->(n) RETURN n.code") == [["N2"]]


def test_incoming_references(base: Store, tmp_path: Path) -> None:
    files = {
        "plans.csv": "code,title,kind,place_code,approved_by_board_code,approved_on,covers_seldom_heard\n"
                     "PL1,Vision,shared_vision,E08000012,PPB-L,01/10/2021,yes\n",
        "commissioning.csv": "code,name,kind,place_code,value_gbp,partner_codes\nC1,BCF,pooled_budget,E08000012,\"1,000,000\",99A;LCC\n",
    }
    load_paths(base, [write(tmp_path / "a", files)])
    assert rows(base, "MATCH (b:Board)-[a:APPROVED]->(p:Plan) RETURN b.code, a.`on`, p.covers_seldom_heard") == [
        ["PPB-L", dt.date(2021, 10, 1), True]]
    assert sorted(rows(base, "MATCH (o:Organisation)-[:CONTRIBUTES_TO]->(:Commissioning) RETURN o.code")) == [["99A"], ["LCC"]]
    assert rows(base, "MATCH (c:Commissioning) RETURN c.value_gbp") == [[1000000.0]]


def test_an_incoming_set_is_replaced_for_the_rows_in_the_file_only(base: Store, tmp_path: Path) -> None:
    """A commissioning row states its partners (the set of incoming CONTRIBUTES_TO): a later file
    that restates one row's set leaves every other row's set alone (found by mutation testing:
    fetching the existing set for any end, not the file's, went unnoticed)."""
    head = "code,name,kind,place_code,value_gbp,partner_codes\n"
    load_paths(base, [write(tmp_path / "a", {"commissioning.csv": head + "C1,BCF,pooled_budget,E08000012,1,99A;LCC\n"
                                                                      "C2,IBCF,pooled_budget,E08000012,2,LCC\n"})])
    load_paths(base, [write(tmp_path / "b", {"commissioning.csv": head + "C1,BCF,pooled_budget,E08000012,1,99A\n"})])
    got = sorted(rows(base, "MATCH (o:Organisation)-[:CONTRIBUTES_TO]->(c:Commissioning) RETURN c.code, o.code"))
    assert got == [["C1", "99A"], ["C2", "LCC"]]


def test_membership_history(base: Store, tmp_path: Path) -> None:
    first = {
        "pcns.csv": "code,name\nU1,PCN One\nU2,PCN Two\n",
        "practices.csv": "code,name,pcn_code,from,to\nP1,Surgery,U1,2019-07-01,\n",
    }
    moved = {"practices.csv": "code,name,pcn_code,from,to\nP1,Surgery,U1,2019-07-01,2021-03-31\nP1,Surgery,U2,2021-04-01,\n"}
    report = load_again(base, tmp_path, first, moved)
    got = sorted(rows(base, "MATCH (:Practice)-[m:MEMBER_OF]->(p:PCN) RETURN p.code, m.from, m.to"))
    assert got == [["U1", dt.date(2019, 7, 1), dt.date(2021, 3, 31)], ["U2", dt.date(2021, 4, 1), None]]
    counts = report.table("MEMBER_OF (Practice->PCN)")
    assert (counts.created, counts.updated) == (1, 1)
    assert not load_paths(base, [tmp_path / "b"]).changed


def test_link_rows_are_upserted_by_identity(base: Store, tmp_path: Path) -> None:
    files = {"memberships.csv": "organisation_code,board_code,role,from,to\n"
                                "LCC,HWB-L,core,2013-04-01,2019-03-31\nLCC,HWB-L,wider,2019-04-01,\n99A,HWB-L,Core,,\n"}
    load_paths(base, [write(tmp_path / "a", files)])
    assert base.counts()["MEMBER_OF"] == 3
    files["memberships.csv"] = "organisation_code,board_code,role,from,to\n99A,HWB-L,wider,,\n"
    report = load_paths(base, [write(tmp_path / "b", files)])
    assert report.table("MEMBER_OF (Organisation->Board)").updated == 1
    assert base.counts()["MEMBER_OF"] == 3


def test_an_upsert_changes_only_the_row_of_its_identity(base: Store, tmp_path: Path) -> None:
    """Two memberships of one organisation on one board, told apart by `from`: a later file that
    ends one of them leaves the other as it was (found by mutation testing: the update's `from`
    condition dropped went unnoticed)."""
    head = "organisation_code,board_code,role,from,to\n"
    load_paths(base, [write(tmp_path / "a", {"memberships.csv": head + "LCC,HWB-L,core,2013-04-01,2019-03-31\n"
                                                                  "LCC,HWB-L,wider,2019-04-01,\n"})])
    report = load_paths(base, [write(tmp_path / "b", {"memberships.csv": head + "LCC,HWB-L,wider,2019-04-01,2024-03-31\n"})])
    assert report.table("MEMBER_OF (Organisation->Board)").updated == 1
    got = sorted(rows(base, "MATCH (:Organisation {code: 'LCC'})-[m:MEMBER_OF]->(:Board {code: 'HWB-L'}) "
                            "RETURN m.from, m.to, m.role"))
    assert got == [[dt.date(2013, 4, 1), dt.date(2019, 3, 31), "core"], [dt.date(2019, 4, 1), dt.date(2024, 3, 31), "wider"]]


# -- several inputs, any order --------------------------------------------------------------


def test_files_in_any_order_and_references_to_the_store(store: Store, tmp_path: Path) -> None:
    write(tmp_path, {"places.csv": BASE["places.csv"], "ics.csv": BASE["ics.csv"]})
    problems = refused(store, [tmp_path / "places.csv"])
    assert where(problems[0]) == ("places.csv", 2, "ics_code")
    load_paths(store, [tmp_path / "places.csv", tmp_path / "ics.csv"])  # same load, any order
    assert store.counts()["PART_OF"] == 2
    write(tmp_path / "more", {"neighbourhoods.csv": "code,name,place_code\nN1,North,E08000012\n"})
    load_paths(store, [tmp_path / "more" / "neighbourhoods.csv"])  # references what is stored
    assert store.counts()["PART_OF"] == 3


def test_workbook_sheets(store: Store, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ics"
    sheet.append(["code", "name"])
    sheet.append(["QYG", "Cheshire and Merseyside"])
    places = book.create_sheet("places")
    places.append(["code", "name", "ics_code"])
    places.append(["E08000012", "Liverpool", "QYG"])
    orgs = book.create_sheet("organisations")
    orgs.append(["code", "name", "sector", "statutory"])
    orgs.append(["LCC", "Liverpool City Council", "Local Authority", True])
    agreements = book.create_sheet("agreements")
    agreements.append(["code", "title", "kind", "place_code", "effective_from"])
    agreements.append(["A1", "MOU", "mou", "E08000012", dt.datetime(2021, 9, 30)])
    path = tmp_path / "partnership.xlsx"
    book.save(path)
    report = load_paths(store, [path])
    assert store.counts()["PART_OF"] == 1 and store.counts()["Agreement"] == 1
    assert rows(store, "MATCH (a:Agreement) RETURN a.effective_from") == [[dt.date(2021, 9, 30)]]
    assert rows(store, "MATCH (o:Organisation) RETURN o.statutory") == [[True]]
    assert {f.path.split(" [")[1] for f in report.files} == {"ics]", "places]", "organisations]", "agreements]"}
    places.append([None, None, None])
    places.append(["E08000011", "Knowsley", "NOPE"])
    book.save(path)
    (p,) = refused(store, [path])
    assert where(p) == ("partnership.xlsx [places]", 4, "ics_code")


# -- published formats (small files written here; the real ones are in test_load_nhs.py) -----


def test_headerless_ods_practices(store: Store, tmp_path: Path) -> None:
    def row(code: str, name: str, status: str, setting: str) -> str:
        cells = [code, name, "Y62", "QYG", "1 HIGH ST", "", "", "LIVERPOOL", "", "L1 1AA", "20040401", "",
                 status, "B", "99A", "20130401", "", "0151", "", "", "", "0", "", "99A", "", setting, ""]
        return ",".join(cells) + "\n"

    closed = row("N82002", "CLOSED SURGERY", "C", "4").replace(",20040401,,C,", ",20040401,20210630,C,")
    (tmp_path / "epraccur.csv").write_text(row("N82001", "A SURGERY", "A", "4") + closed + row("Y00001", "OOH", "A", "8"))
    report = load_paths(store, [tmp_path / "epraccur.csv"])
    assert report.files[0].format == "ods-epraccur"
    # GP practices only (setting 4), the closed one kept with its status and close date (history).
    assert rows(store, "MATCH (p:Practice) RETURN p.code, p.name, p.postcode, p.status, p.open_date, p.close_date "
                       "ORDER BY p.code") == [
        ["N82001", "A SURGERY", "L1 1AA", "active", dt.date(2004, 4, 1), None],
        ["N82002", "CLOSED SURGERY", "L1 1AA", "closed", dt.date(2004, 4, 1), dt.date(2021, 6, 30)],
    ]
    # The commissioner is the practice's Sub-ICB location, PART_OF the ICS of an open practice.
    assert rows(store, "MATCH (p:Practice)-[:COMMISSIONED_BY]->(o:Organisation)-[:PART_OF]->(i:ICS) "
                       "RETURN p.code, o.code, o.sector, i.code ORDER BY p.code") == [
        ["N82001", "99A", "nhs_commissioner", "QYG"], ["N82002", "99A", "nhs_commissioner", "QYG"]]


def test_published_registrations_keep_placeholder_areas(store: Store, tmp_path: Path) -> None:
    text = ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n"
            "GP_PRAC_PAT_LIST,01JAN2024,N82001,\"SURGERY, THE\",E01006512,ALL,120\n"
            "GP_PRAC_PAT_LIST,01JAN2024,N82001,\"SURGERY, THE\",W01000001,ALL,3\n"
            "GP_PRAC_PAT_LIST,01JAN2024,N82001,\"SURGERY, THE\",NO2011,ALL,7\n"
            "GP_PRAC_PAT_LIST,01JAN2024,N82002,OTHER,E01006512,ALL,40\n")
    (tmp_path / "gp-reg-pat-prac-lsoa-all.csv").write_text(text)
    load_paths(store, [tmp_path])
    assert store.counts()["REGISTERS"] == 4
    assert rows(store, "MATCH (a:Area {code: 'NO2011'}) RETURN a.kind") == [["unknown"]]
    assert rows(store, "MATCH (:Practice)-[r:REGISTERS]->() RETURN sum(r.patients)") == [[170]]
    # A newer extract replaces the practice's registrations (a complete extract per practice).
    (tmp_path / "gp-reg-pat-prac-lsoa-all.csv").write_text(text.replace("NO2011,ALL,7", "E01006513,ALL,7"))
    report = load_paths(store, [tmp_path])
    assert report.table("REGISTERS (Practice->Area)").deleted == 1
    assert store.counts()["REGISTERS"] == 4
    bad = text.replace(",40\n", ",forty\n")
    (tmp_path / "gp-reg-pat-prac-lsoa-all.csv").write_text(bad)
    (p,) = refused(store, [tmp_path])
    assert where(p) == ("gp-reg-pat-prac-lsoa-all.csv", 5, "NUMBER_OF_PATIENTS")


def test_snapshot_memberships_keep_history(store: Store, tmp_path: Path) -> None:
    header = "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,CCG_CODE,CCG_NAME,STP_CODE,STP_NAME\n"
    old = header + "GP,01-Sep-20,P1,ONE,L1 1AA,U1,PCN ONE,99A,NHS LIVERPOOL CCG,QYG,C&M\n"
    new = (header.replace("CCG_", "SUB_ICB_LOCATION_").replace("STP_", "ICB_")
           + "GP,01Jan2022,P1,ONE,L1 1AA,U2,PCN TWO,99A,NHS C&M ICB - 99A,QYG,NHS C&M ICB\n")
    write(tmp_path, {"map-2020.csv": old, "map-2022.csv": new})
    load_paths(store, [tmp_path / "map-2020.csv"])
    load_paths(store, [tmp_path / "map-2022.csv"])
    got = sorted(rows(store, "MATCH (:Practice)-[m:MEMBER_OF]->(p:PCN) RETURN p.code, m.from, m.to"))
    assert got == [["U1", None, dt.date(2021, 12, 31)], ["U2", dt.date(2022, 1, 1), None]]
    assert not load_paths(store, [tmp_path / "map-2022.csv"]).changed
    older = load_paths(store, [tmp_path / "map-2020.csv"]).table("MEMBER_OF (Practice->PCN)")
    assert (older.created, older.updated, older.deleted) == (0, 0, 0)  # the 2020 evidence is already covered
    assert rows(store, "MATCH (o:Organisation) RETURN o.code, o.sector") == [["99A", "nhs_commissioner"]]
    assert rows(store, "MATCH (i:ICS) RETURN i.code") == [["QYG"]]


# -- the bulk path and the report -----------------------------------------------------------


def test_copy_path_matches_the_unwind_path(store: Store, sample_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    from icpmap.loaders import write as writer

    monkeypatch.setattr(writer, "COPY_MIN_ROWS", 1)  # every create through COPY FROM a DataFrame
    load_paths(store, [sample_dir])
    counts = store.counts()
    assert not load_paths(store, [sample_dir]).changed
    assert counts["REGISTERS"] > 1000 and counts["Agreement"] > 0
    blank = sum(1 for line in (sample_dir / "organisations.csv").read_text().splitlines()[1:] if line.endswith(","))
    assert rows(store, "MATCH (o:Organisation) WHERE o.statutory IS NULL RETURN count(o)") == [[blank]]
    assert rows(store, "MATCH (p:Person) WHERE p.role_title = 'nan' OR p.role_title = 'None' RETURN count(p)") == [[0]]
    # The same graph as row-by-row UNWIND statements give (on Neo4j: its grouped bulk path).
    from icpmap.graph import open_store
    from icpmap.loaders.export import checksum, read_graph

    monkeypatch.setattr(writer, "COPY_MIN_ROWS", 10**9)
    with open_store(tmp_path / "unwind", engine="ladybug") as unwind:
        load_paths(unwind, [sample_dir])
        assert checksum(read_graph(store)) == checksum(read_graph(unwind))


def test_report_and_progress(store: Store, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    report = load_paths(store, [write(tmp_path, BASE)], progress=lambda *a: seen.append(a))
    assert seen and seen[-1][1] == seen[-1][2]
    assert {Path(f.path).name for f in report.files} == set(BASE)
    assert all(len(f.sha256) == 64 for f in report.files)
    assert report.table("Place").rows_read == 2 and report.table("Place").created == 2


# -- a later file fills in a blank; an ambiguous reference ----------------------------------------


def test_a_later_file_fills_in_a_blank(base: Store, tmp_path: Path) -> None:
    first = {
        "organisations.csv": "code,name,sector,statutory\nNEW,New Partner,voluntary,\n",
        "memberships.csv": "organisation_code,board_code,role,from,to\nNEW,PPB-L,wider,2020-01-01,\n",
    }
    load_paths(base, [write(tmp_path / "a", first)])
    assert rows(base, "MATCH (o:Organisation {code: 'NEW'}) RETURN o.statutory") == [[None]]
    assert rows(base, "MATCH (:Organisation {code: 'NEW'})-[m:MEMBER_OF]->() RETURN m.to") == [[None]]
    later = {
        "organisations.csv": "code,name,sector,statutory\nNEW,New Partner,voluntary,true\n",
        "memberships.csv": "organisation_code,board_code,role,from,to\nNEW,PPB-L,wider,2020-01-01,2024-03-31\n",
    }
    report = load_paths(base, [write(tmp_path / "b", later)])
    assert rows(base, "MATCH (o:Organisation {code: 'NEW'}) RETURN o.statutory") == [[True]]
    assert rows(base, "MATCH (:Organisation {code: 'NEW'})-[m:MEMBER_OF]->() RETURN m.to") == [[dt.date(2024, 3, 31)]]
    assert (report.table("Organisation").updated, report.table("MEMBER_OF (Organisation->Board)").updated) == (1, 1)
    assert not load_paths(base, [tmp_path / "b"]).changed


def test_an_ambiguous_reference_is_reported(base: Store, tmp_path: Path) -> None:
    files = {  # a board coded like a Place: a role's target E08000014 could be either
        "boards.csv": "code,name,kind,place_code\nE08000014,Board coded like a Place,place_partnership_board,E08000012\n",
        "people.csv": "id,name,role_title,organisation_code\nPER-1,A Person,Lead,LCC\n",
        "roles.csv": "person_id,role,target_code,from\nPER-1,place_lead,E08000014,2021-01-01\n",
    }
    problems = refused(base, [write(tmp_path / "a", files)])
    assert [(where(p), p.value) for p in problems] == [(("roles.csv", 2, "target_code"), "E08000014")]
    assert "ambiguous code" in problems[0].message
    assert "Place" in problems[0].message and "Board" in problems[0].message
    files["roles.csv"] = "person_id,role,target_code,from\nPER-1,place_lead,E08000012,2021-01-01\n"
    load_paths(base, [write(tmp_path / "b", files)])  # a code that is only a Place is fine
    assert rows(base, "MATCH (:Person)-[h:HOLDS]->(p:Place) RETURN p.code, h.role") == [["E08000012", "place_lead"]]


def test_two_editions_in_one_load_each_practice_from_its_newest(store: Store, tmp_path: Path) -> None:
    """Two editions of the registrations in one load: a practice the newer edition states keeps
    only the newer edition's areas (not the union of both), a practice only the older edition
    states keeps the older one's. The newer file is listed first, so the edition date decides."""
    head = "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n"
    write(tmp_path, {
        "a-registrations-2024-04.csv": head + "GP_PRAC_PAT_LIST,01APR2024,N82001,ONE,E01006514,ALL,100\n",
        "b-registrations-2024-01.csv": head + ("GP_PRAC_PAT_LIST,01JAN2024,N82001,ONE,E01006512,ALL,120\n"
                                               "GP_PRAC_PAT_LIST,01JAN2024,N82001,ONE,E01006513,ALL,5\n"
                                               "GP_PRAC_PAT_LIST,01JAN2024,N82002,TWO,E01006512,ALL,40\n"),
    })
    load_paths(store, [tmp_path])
    got = sorted(rows(store, "MATCH (p:Practice)-[r:REGISTERS]->(a:Area) RETURN p.code, a.code, r.patients"))
    assert got == [["N82001", "E01006514", 100], ["N82002", "E01006512", 40]]


def test_a_snapshot_membership_given_its_start_and_then_ended_by_unallocated(store: Store, tmp_path: Path) -> None:
    """A membership first seen in a practice map (no start) gets its start from a dated row: the
    stored row is replaced, which the report counts as one update (not a create); a later map
    that puts the practice in no PCN (`U` / `Unallocated`) ends it the day before its date."""
    from icpmap.loaders.report import TableCounts

    header = ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,CCG_CODE,"
              "CCG_NAME,STP_CODE,STP_NAME\n")
    write(tmp_path, {
        "map-2020.csv": header + "GP,01-Sep-20,P1,ONE,L1 1AA,U1,PCN ONE,99A,NHS LIVERPOOL CCG,QYG,C&M\n",
        "practices.csv": "code,name,pcn_code,from,to\nP1,ONE,U1,2019-07-01,\n",
        "map-2022.csv": header + "GP,01-Jan-22,P1,ONE,L1 1AA,U,Unallocated,99A,NHS LIVERPOOL CCG,QYG,C&M\n",
    })
    member_of = "MATCH (:Practice)-[m:MEMBER_OF]->(p:PCN) RETURN p.code, m.from, m.to, m.from_extract, m.to_extract"
    load_paths(store, [tmp_path / "map-2020.csv"])
    assert rows(store, member_of) == [["U1", None, None, dt.date(2020, 9, 1), None]]
    report = load_paths(store, [tmp_path / "practices.csv"])
    assert report.table("MEMBER_OF (Practice->PCN)") == TableCounts(
        "MEMBER_OF (Practice->PCN)", "relationship", rows_read=1, created=0, updated=1, unchanged=0, deleted=0)
    assert rows(store, member_of) == [["U1", dt.date(2019, 7, 1), None, None, None]]
    load_paths(store, [tmp_path / "map-2022.csv"])
    assert rows(store, member_of) == [["U1", dt.date(2019, 7, 1), dt.date(2021, 12, 31), None, dt.date(2022, 1, 1)]]


def test_a_large_reload_reads_the_stored_nodes_in_one_scan_and_diffs_them_exactly(store: Store, tmp_path: Path) -> None:
    """From 2,000 keys of a label (loaders/write.py SCAN_KEYS) the stored nodes are read in one
    scan, not looked up by key: a re-load of 2,000 organisations with one renamed and one new
    updates one, creates one and leaves 1,999 alone, as the key lookups would."""
    head = "code,name,sector,statutory\n"
    body = [f"ORG{i:04d},Organisation {i},voluntary,false\n" for i in range(2000)]
    load_paths(store, [write(tmp_path / "a", {"organisations.csv": head + "".join(body)})])
    body[7] = "ORG0007,Renamed Organisation,voluntary,false\n"
    again = write(tmp_path / "b", {"organisations.csv": head + "".join(body) + "NEW,New Organisation,housing,true\n"})
    counts = load_paths(store, [again]).table("Organisation")
    assert (counts.rows_read, counts.created, counts.updated, counts.unchanged) == (2001, 1, 1, 1999)
    assert rows(store, "MATCH (o:Organisation) WHERE o.code IN ['ORG0007', 'ORG0008', 'NEW'] "
                       "RETURN o.code, o.name, o.sector ORDER BY o.code") == [
        ["NEW", "New Organisation", "housing"], ["ORG0007", "Renamed Organisation", "voluntary"],
        ["ORG0008", "Organisation 8", "voluntary"]]


def test_a_later_file_without_a_column_keeps_what_is_stored_there(base: Store, tmp_path: Path) -> None:
    """A signature first loaded with `added_on`, then by a file that has no `added_on` column and
    gives the signing date: the date is set, `added_on` is kept (a column the file does not have
    says nothing about it)."""
    first = {
        "agreements.csv": "code,title,kind,place_code\nMOU-L,Liverpool MOU,mou,E08000012\n",
        "signatures.csv": "agreement_code,organisation_code,signed_on,added_on\nMOU-L,LCC,,2021-01-01\n",
    }
    later = {"signatures.csv": "agreement_code,organisation_code,signed_on\nMOU-L,LCC,2024-06-01\n"}
    report = load_again(base, tmp_path, first, later)
    assert report.table("PARTY_TO (Organisation->Agreement)").updated == 1
    assert rows(base, "MATCH (o:Organisation)-[s:PARTY_TO]->(a:Agreement) RETURN o.code, a.code, s.signed_on, s.added_on") == [
        ["LCC", "MOU-L", dt.date(2024, 6, 1), dt.date(2021, 1, 1)]]


def test_a_practice_placed_by_the_partnerships_file_is_located_by_contract(base: Store, tmp_path: Path) -> None:
    """practices.csv's place_code is the contract's word on where a practice is: its LOCATED_IN
    says `located_by: contract` (the column has no such field; it is the default), and a practice
    with no place_code is located nowhere."""
    files = {"practices.csv": "code,name,pcn_code,place_code\nP1,Placed,,E08000012\nP2,Not placed,,\n"}
    load_paths(base, [write(tmp_path / "a", files)])
    assert rows(base, "MATCH (pr:Practice) OPTIONAL MATCH (pr)-[l:LOCATED_IN]->(p:Place) "
                      "RETURN pr.code, p.code, l.located_by ORDER BY pr.code") == [
        ["P1", "E08000012", "contract"], ["P2", None, None]]
