"""A small partnership with known changes in the window 2024-01-01 to 2024-03-31 (Q1 2024).

Every kind of the changes report, and each boundary: a change on --from itself, on --to,
the day before --from and the day after --to (outside), an open-ended row (no change), a
row that starts and ends inside the window, a change of role (both ways), a membership
that continues in a second row (no change), a membership with no start that ends, and
snapshot evidence from two practice-map extracts (a practice seen in another PCN:
reported as seen in the extract, never as a dated move).

The expected rows below were worked out by hand from these rows, not by running the code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

FROM, TO = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
N, S = "E09000101", "E09000102"

FILES: dict[str, tuple[list[str], list[list[str]]]] = {
    "ics": (["code", "name"], [["ICS9", "Test ICS"]]),
    "places": (["code", "name", "ics_code"], [[N, "Northam", "ICS9"], [S, "Southam", "ICS9"]]),
    "neighbourhoods": (["code", "name", "place_code", "from"], [
        ["NB-N1", "Northam One", N, "2024-02-01"],  # set up inside the window
        ["NB-N2", "Northam Two", N, "2023-12-31"],  # the day before --from: outside
        ["NB-N3", "Northam Three", N, ""],  # undated: no change
    ]),
    "pcns": (["code", "name", "neighbourhood_codes", "status", "open_date", "close_date"], [
        ["U90001", "PCN A", "", "", "", ""], ["U90002", "PCN B", "", "", "", ""], ["U90003", "PCN C", "", "", "", ""],
        ["U90004", "PCN D", "", "", "", ""],
        ["U90007", "PCN G", "", "active", "2024-01-15", ""],  # opens on its published date
        ["U90008", "PCN H", "", "closed", "", "2024-03-10"],  # closes on its published date
    ]),
    "practices": (["code", "name", "pcn_code", "postcode", "place_code", "from", "to", "status", "close_date"], [
        ["X0001", "Steady Surgery", "U90001", "", N, "2019-07-01", "", "", ""],  # open-ended: no change
        ["X0002", "Joiner Surgery", "U90001", "", N, "2024-01-01", "", "", ""],  # joins on --from
        ["X0003", "Leaver Surgery", "U90001", "", N, "2019-07-01", "2024-03-31", "", ""],  # leaves on --to
        ["X0004", "Mover Surgery", "U90001", "", N, "2019-07-01", "2024-02-29", "", ""],  # moves A -> B
        ["X0004", "Mover Surgery", "U90002", "", N, "2024-03-01", "", "", ""],
        ["X0005", "Old Surgery", "U90002", "", N, "", "", "", ""],  # PCN B predates the records
        ["X0006", "New Surgery", "U90003", "", N, "2024-02-01", "", "", ""],  # PCN C's first practice
        ["X0007", "Last Surgery", "U90004", "", S, "2019-07-01", "2024-03-15", "", ""],  # PCN D's last practice
        ["X0008", "Gee Surgery", "U90007", "", N, "2024-02-01", "", "", ""],  # joins PCN G, open since 2024-01-15
        ["X0009", "Aitch Surgery", "U90008", "", S, "2019-07-01", "", "", ""],  # in PCN H until it closes
        ["X0010", "Closing Surgery", "U90001", "", N, "2019-07-01", "", "closed", "2024-02-20"],  # the practice closes
    ]),
    "organisations": (["code", "name", "sector", "statutory"], [
        [code, name, sector, "false"] for code, name, sector in (
            ("O-ON-FROM", "Joins On From", "voluntary"), ("O-ON-TO", "Joins On To", "housing"),
            ("O-BEFORE", "Joins Before", "voluntary"), ("O-LEFT-F", "Leaves On From", "voluntary"),
            ("O-LEFT-BEFORE", "Leaves Before", "voluntary"), ("O-LEFT-T", "Leaves On To", "voluntary"),
            ("O-LEFT-AFTER", "Leaves After", "voluntary"), ("O-OPEN", "Open Ended", "local_authority"),
            ("O-INSIDE", "In And Out", "police"), ("O-ROLE", "Wider Then Core", "nhs_trust"),
            ("O-CONT", "Continues", "nhs_commissioner"), ("O-DOWN", "Core Then Wider", "primary_care"),
            ("O-UNDATED-LEFT", "Undated Then Left", "voluntary"), ("O-LATE-START", "Starts Late", "education"),
            ("O-S1", "Southam Council", "local_authority"), ("O-LISTED", "Listed Later", "faith"),
        )
    ]),
    "boards": (["code", "name", "kind", "place_code", "ics_code", "parent_board_code"], [
        ["HWB-N", "Northam HWB", "health_and_wellbeing_board", N, "", ""],
        ["PPB-N", "Northam Partnership Board", "place_partnership_board", N, "", "HWB-N"],
        ["SAB-N", "Northam SAB", "safeguarding_adults_board", N, "", ""],
        ["SCP-N", "Northam SCP", "safeguarding_children_partnership", N, "", ""],
        ["CSP-N", "Northam CSP", "community_safety_partnership", N, "", ""],
        ["CSP-X", "Southam CSP", "community_safety_partnership", S, "", ""],
        ["HWB-S", "Southam HWB", "health_and_wellbeing_board", S, "", ""],
        ["SAB-S", "Southam SAB", "safeguarding_adults_board", S, "", ""],
    ]),
    "board_links": (["board_code", "linked_board_code", "how", "from", "to"], [
        ["PPB-N", "CSP-N", "shared priorities", "2024-02-01", ""],  # closes the missing CSP link
        ["CSP-X", "PPB-N", "", "2024-03-01", ""],  # a second CSP link: already linked, no change
        ["PPB-N", "SAB-N", "", "2020-01-01", "2024-03-15"],  # its only SAB link ends: opens
        ["SCP-N", "PPB-N", "", "2019-01-01", ""],  # open-ended: no change
        ["HWB-S", "SAB-S", "", "2023-12-31", ""],  # the day before --from: outside
    ]),
    "memberships": (["organisation_code", "board_code", "role", "from", "to"], [
        ["O-ON-FROM", "PPB-N", "core", "2024-01-01", ""],
        ["O-ON-TO", "PPB-N", "core", "2024-03-31", ""],
        ["O-BEFORE", "PPB-N", "core", "2023-12-31", ""],
        ["O-LEFT-F", "PPB-N", "wider", "2020-04-01", "2024-01-01"],
        ["O-LEFT-BEFORE", "PPB-N", "wider", "2020-04-01", "2023-12-31"],
        ["O-LEFT-T", "PPB-N", "wider", "2020-04-01", "2024-03-31"],
        ["O-LEFT-AFTER", "PPB-N", "wider", "2020-04-01", "2024-04-01"],
        ["O-OPEN", "PPB-N", "wider", "2020-04-01", ""],
        ["O-OPEN", "SAB-N", "core", "2024-01-01", ""],  # any kind of board
        ["O-INSIDE", "PPB-N", "core", "2024-02-01", "2024-02-29"],  # starts and ends inside
        ["O-ROLE", "PPB-N", "wider", "2022-04-01", "2024-02-14"],
        ["O-ROLE", "PPB-N", "core", "2024-02-15", ""],  # wider -> core on 2024-02-15
        ["O-CONT", "PPB-N", "core", "2022-04-01", "2024-01-31"],
        ["O-CONT", "PPB-N", "core", "2024-02-01", ""],  # continues: no change
        ["O-DOWN", "PPB-N", "core", "2020-04-01", "2024-03-10"],
        ["O-DOWN", "PPB-N", "wider", "2020-05-01", ""],  # core -> wider on 2024-03-11
        ["O-UNDATED-LEFT", "PPB-N", "wider", "", "2024-03-01"],
        ["O-LATE-START", "PPB-N", "core", "2024-03-20", ""],
        ["O-S1", "HWB-S", "core", "2013-04-01", ""],
    ]),
    "agreements": (["code", "title", "kind", "place_code", "effective_from"], [
        ["MOU-N", "Northam MOU", "mou", N, "2023-10-01"],
    ]),
    "signatures": (["agreement_code", "organisation_code", "signed_on", "added_on"], [
        ["MOU-N", "O-OPEN", "2024-01-01", ""],  # on --from
        ["MOU-N", "O-CONT", "2024-03-31", ""],  # on --to
        ["MOU-N", "O-DOWN", "2023-12-31", ""],  # the day before: outside
        ["MOU-N", "O-ROLE", "2024-04-01", ""],  # the day after: outside
        ["MOU-N", "O-LISTED", "", "2024-02-10"],  # listed inside the window
        ["MOU-N", "O-LEFT-T", "", "2023-12-31"],  # listed the day before: outside
    ]),
    "people": (["id", "name", "role_title", "organisation_code"], [
        ["PER-1", "Ann One", "Place Director", "O-OPEN"], ["PER-2", "Bob Two", "Place Director", "O-OPEN"],
        ["PER-3", "Cat Three", "Place Director", "O-S1"], ["PER-4", "Dan Four", "Place Director", "O-S1"],
    ]),
    "roles": (["person_id", "role", "target_code", "from", "to"], [
        ["PER-1", "place_lead", N, "2023-06-01", "2024-01-31"],  # ends inside; then no lead
        ["PER-2", "place_lead", N, "2024-03-31", ""],  # appointed on --to
        ["PER-3", "place_lead", S, "2022-01-01", ""],
        ["PER-4", "place_lead", S, "2024-02-15", ""],  # succeeds PER-3 (the latest `from` leads)
    ]),
    "endorsements": (["organisation_code", "person_id", "endorsed_on"], [
        ["O-OPEN", "PER-2", "2024-01-01"], ["O-CONT", "PER-2", "2024-04-01"], ["O-S1", "PER-4", "2024-03-31"],
    ]),
    "plans": (["code", "title", "kind", "place_code", "approved_by_board_code", "approved_on", "covers_seldom_heard"], [
        ["PLAN-N", "Northam Vision", "shared_vision", N, "HWB-N", "2024-03-31", ""],
        ["PLAN-N2", "Northam JSNA", "jsna", N, "HWB-N", "2023-12-31", ""],
    ]),
    "commissioning": (["code", "name", "kind", "place_code", "value_gbp", "partner_codes", "from", "to"], [
        ["CM-POOL", "Northam Better Care Fund", "pooled_budget", N, "1000000", "", "2024-01-01", ""],
        ["CM-JP", "Northam Joint Director", "joint_post", N, "90000", "", "2021-04-01", "2024-03-31"],
        ["CM-OLD", "Northam Old Fund", "pooled_budget", N, "", "", "2015-04-01", ""],
        ["CM-S", "Southam Joint Team", "joint_team", S, "", "", "2024-04-01", ""],
    ]),
}

EXTRACT_HEADER = ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
                  "CCG_CODE,CCG_NAME,STP_CODE,STP_NAME\n")
# Two editions of the practice map, loaded oldest first after the files above: Y0001 is in
# PCN E in the first and PCN F in the second (a move the extracts do not date); Y0003 is new.
EXTRACTS = {
    "gp-reg-pat-prac-map-2023-09.csv": EXTRACT_HEADER + (
        "GP,01-Sep-23,Y0001,YEW SURGERY,QA1 1AA,U90005,PCN E,99X,NHS TEST CCG,QXX,TEST STP\n"
        "GP,01-Sep-23,Y0002,YARROW SURGERY,QA1 1AB,U90005,PCN E,99X,NHS TEST CCG,QXX,TEST STP\n"),
    "gp-reg-pat-prac-map-2024-02.csv": EXTRACT_HEADER + (
        "GP,01-Feb-24,Y0001,YEW SURGERY,QA1 1AA,U90006,PCN F,99X,NHS TEST CCG,QXX,TEST STP\n"
        "GP,01-Feb-24,Y0002,YARROW SURGERY,QA1 1AB,U90005,PCN E,99X,NHS TEST CCG,QXX,TEST STP\n"
        "GP,01-Feb-24,Y0003,YEW TREE SURGERY,QA1 1AC,U90006,PCN F,99X,NHS TEST CCG,QXX,TEST STP\n"),
}


# A second ICS and an ICS-level board for each ICS (loaded only with `other_ics=True`, for the
# tests of --ics): the ICS-level boards serve an ICS, not a Place, so their rows have no Place.
W = "E09000103"
OTHER_ICS: dict[str, list[list[str]]] = {
    "ics": [["ICS8", "Other ICS"]],
    "places": [[W, "Westham", "ICS8"]],
    "organisations": [["O-ICB9", "Ninth ICB", "nhs_commissioner", "false"],
                      ["O-ICB8", "Eighth ICB", "nhs_commissioner", "false"],
                      ["O-W1", "Westham Council", "local_authority", "false"]],
    "boards": [["ICP-9", "Test ICS Partnership", "ics_partnership", "", "ICS9", ""],
               ["ICP-8", "Other ICS Partnership", "ics_partnership", "", "ICS8", ""],
               ["HWB-W", "Westham HWB", "health_and_wellbeing_board", W, "", ""]],
    "memberships": [["O-ICB9", "ICP-9", "core", "2024-02-01", ""],  # ICS9's board: joins inside
                    ["O-S1", "ICP-9", "wider", "2020-04-01", "2024-03-31"],  # leaves on --to
                    ["O-ICB8", "ICP-8", "core", "2024-02-01", ""],  # ICS8's board
                    ["O-W1", "HWB-W", "core", "2024-03-01", ""]],  # ICS8's Place
}
ICP9 = ("ICP-9", "Test ICS Partnership")
# date, place, kind, subject code, subject name, object code, object name, detail, evidence
ICS9_BOARD_CHANGES = [
    [dt.date(2024, 2, 1), None, "joined_board", "O-ICB9", "Ninth ICB", *ICP9, "core member", "dated"],
    [dt.date(2024, 3, 31), None, "left_board", "O-S1", "Southam Council", *ICP9, "wider member", "dated"],
]
ICS8_CHANGES = [
    [dt.date(2024, 2, 1), None, "joined_board", "O-ICB8", "Eighth ICB", "ICP-8", "Other ICS Partnership", "core member",
     "dated"],
    [dt.date(2024, 3, 1), W, "joined_board", "O-W1", "Westham Council", "HWB-W", "Westham HWB", "core member", "dated"],
]


def write_fixture(folder: Path, *, other_ics: bool = False) -> list[Path]:
    """The contract files (one folder) and the extracts, in the order to load them; with
    `other_ics`, a second ICS and the ICS-level boards too (`OTHER_ICS`)."""
    import csv

    contract = folder / "contract"
    contract.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in FILES.items():
        with (contract / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows + (OTHER_ICS.get(name, []) if other_ics else []))
    paths = [contract]
    for name, text in EXTRACTS.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


D = dt.date
MOU = ("MOU-N", "Northam MOU")
PPB = ("PPB-N", "Northam Partnership Board")
E = "extract"

# date, place, kind, subject code, subject name, object code, object name, detail, evidence
CHANGES = [
    [D(2024, 1, 1), N, "joined_board", "O-ON-FROM", "Joins On From", *PPB, "core member", "dated"],
    [D(2024, 1, 1), N, "joined_board", "O-OPEN", "Open Ended", "SAB-N", "Northam SAB", "core member", "dated"],
    [D(2024, 1, 1), N, "left_board", "O-LEFT-F", "Leaves On From", *PPB, "wider member", "dated"],
    [D(2024, 1, 1), N, "practice_joined_pcn", "X0002", "Joiner Surgery", "U90001", "PCN A", "", "dated"],
    [D(2024, 1, 1), N, "party_added", "O-ON-FROM", "Joins On From", *MOU, "became a core member of the partnership",
     "dated"],
    [D(2024, 1, 1), N, "signature_added", "O-OPEN", "Open Ended", *MOU, "signed the mou", "dated"],
    [D(2024, 1, 1), N, "endorsement", "O-OPEN", "Open Ended", "PER-2", None, "endorsed the place lead", "dated"],
    [D(2024, 1, 1), N, "commissioning_started", "CM-POOL", "Northam Better Care Fund", None, None,
     "pooled budget, £1,000,000", "dated"],
    [D(2024, 1, 15), N, "pcn_opened", "U90007", "PCN G", None, None, "its open date, as published", "dated"],
    [D(2024, 1, 31), N, "place_lead_ended", "PER-1", None, N, "Northam", "role ended", "dated"],
    [D(2024, 2, 1), N, "joined_board", "O-INSIDE", "In And Out", *PPB, "core member", "dated"],
    [D(2024, 2, 1), N, "practice_joined_pcn", "X0006", "New Surgery", "U90003", "PCN C", "", "dated"],
    [D(2024, 2, 1), N, "practice_joined_pcn", "X0008", "Gee Surgery", "U90007", "PCN G", "", "dated"],
    [D(2024, 2, 1), N, "pcn_opened", "U90003", "PCN C", None, None, "its first practice joined", "dated"],
    [D(2024, 2, 1), N, "party_added", "O-INSIDE", "In And Out", *MOU, "became a core member of the partnership",
     "dated"],
    [D(2024, 2, 1), N, "neighbourhood_added", "NB-N1", "Northam One", None, None, "", "dated"],
    [D(2024, 2, 1), N, "missing_link_closed", *PPB, "CSP-N", "Northam CSP",
     "now linked with a community safety partnership", "dated"],
    [D(2024, 2, 1), None, "practice_seen_in_pcn", "Y0001", "YEW SURGERY", "U90006", "PCN F",
     "seen in the extract of 2024-02-01; it was in U90005 before: the move is not dated", E],
    [D(2024, 2, 1), None, "practice_no_longer_seen_in_pcn", "Y0001", "YEW SURGERY", "U90005", "PCN E",
     "seen in U90006 in the extract of 2024-02-01: the move is not dated", E],
    [D(2024, 2, 10), N, "party_added", "O-LISTED", "Listed Later", *MOU, "listed as a party", "dated"],
    [D(2024, 2, 14), S, "place_lead_ended", "PER-3", None, S, "Southam", "succeeded by PER-4", "dated"],
    [D(2024, 2, 15), N, "board_role_changed", "O-ROLE", "Wider Then Core", *PPB, "wider → core member", "dated"],
    [D(2024, 2, 15), S, "place_lead_appointed", "PER-4", None, S, "Southam", "succeeds PER-3", "dated"],
    [D(2024, 2, 19), N, "practice_left_pcn", "X0010", "Closing Surgery", "U90001", "PCN A",
     "the practice closed on 2024-02-20", "dated"],
    [D(2024, 2, 29), N, "left_board", "O-INSIDE", "In And Out", *PPB, "core member", "dated"],
    [D(2024, 2, 29), N, "practice_left_pcn", "X0004", "Mover Surgery", "U90001", "PCN A", "", "dated"],
    [D(2024, 3, 1), N, "left_board", "O-UNDATED-LEFT", "Undated Then Left", *PPB, "wider member", "dated"],
    [D(2024, 3, 1), N, "practice_joined_pcn", "X0004", "Mover Surgery", "U90002", "PCN B", "", "dated"],
    [D(2024, 3, 9), S, "practice_left_pcn", "X0009", "Aitch Surgery", "U90008", "PCN H", "the PCN closed on 2024-03-10",
     "dated"],
    [D(2024, 3, 10), S, "pcn_closed", "U90008", "PCN H", None, None, "its close date, as published", "dated"],
    [D(2024, 3, 11), N, "board_role_changed", "O-DOWN", "Core Then Wider", *PPB, "core → wider member", "dated"],
    [D(2024, 3, 15), N, "missing_link_opened", *PPB, "SAB-N", "Northam SAB",
     "no current link with a safeguarding adults board after this day", "dated"],
    [D(2024, 3, 15), S, "practice_left_pcn", "X0007", "Last Surgery", "U90004", "PCN D", "", "dated"],
    [D(2024, 3, 15), S, "pcn_closed", "U90004", "PCN D", None, None, "its last practice left", "dated"],
    [D(2024, 3, 20), N, "joined_board", "O-LATE-START", "Starts Late", *PPB, "core member", "dated"],
    [D(2024, 3, 20), N, "party_added", "O-LATE-START", "Starts Late", *MOU, "became a core member of the partnership",
     "dated"],
    [D(2024, 3, 31), N, "joined_board", "O-ON-TO", "Joins On To", *PPB, "core member", "dated"],
    [D(2024, 3, 31), N, "left_board", "O-LEFT-T", "Leaves On To", *PPB, "wider member", "dated"],
    [D(2024, 3, 31), N, "practice_left_pcn", "X0003", "Leaver Surgery", "U90001", "PCN A", "", "dated"],
    [D(2024, 3, 31), N, "party_added", "O-ON-TO", "Joins On To", *MOU, "became a core member of the partnership",
     "dated"],
    [D(2024, 3, 31), N, "signature_added", "O-CONT", "Continues", *MOU, "signed the mou", "dated"],
    [D(2024, 3, 31), N, "place_lead_appointed", "PER-2", None, N, "Northam", "the Place had no lead", "dated"],
    [D(2024, 3, 31), N, "plan_approved", "HWB-N", "Northam HWB", "PLAN-N", "Northam Vision", "shared vision", "dated"],
    [D(2024, 3, 31), N, "commissioning_ended", "CM-JP", "Northam Joint Director", None, None,
     "joint post, £90,000", "dated"],
    [D(2024, 3, 31), S, "endorsement", "O-S1", "Southam Council", "PER-4", None, "endorsed the place lead", "dated"],
]
