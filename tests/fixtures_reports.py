"""A small partnership world with known answers for every rule of the eight reports.

Four Places, as-at date AS_AT = 2024-06-01:
- Alpha (E09000001): two place partnership boards (so they, not its HWB, are its ICP
  boards), history and future memberships, a membership starting on AS_AT and one
  ending on AS_AT, an MOU with unsigned and missing parties, two earlier/later/future
  place leads, four neighbourhoods (one-to-one, shared, a PCN leading two, none).
- Beta (E09000002): no place partnership board, so its HWB is the ICP board; links in
  the reverse direction; an MOU signed late and a section 75 missing a core member.
- Gamma (E09000003): nothing at all (every assurance feature not_met).
- Delta (E09000004): everything in place (every assurance feature met).
PCN One has practices in Alpha and Gamma (and an old one in Beta); PCN Two is split
evenly between Alpha and Beta (a tie); PCN Six sits exactly on the 0.95 threshold and
PCN Seven just below it (0.9496, which rounds to 0.95).

The expected answers below were worked out by hand from these rows, not by running
the code; the comments say why.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

AS_AT = dt.date(2024, 6, 1)
ALPHA, BETA, GAMMA, DELTA = "E09000001", "E09000002", "E09000003", "E09000004"

FILES: dict[str, tuple[list[str], list[list[str]]]] = {
    "ics": (["code", "name"], [["ICS1", "Test ICS"]]),
    "places": (["code", "name", "ics_code"], [
        [ALPHA, "Alpha", "ICS1"], [BETA, "Beta", "ICS1"], [GAMMA, "Gamma", "ICS1"], [DELTA, "Delta", "ICS1"],
    ]),
    "neighbourhoods": (["code", "name", "place_code"], [
        ["NB-A1", "Alpha North", ALPHA], ["NB-A2", "Alpha South", ALPHA], ["NB-A3", "Alpha East", ALPHA],
        ["NB-A4", "Alpha West", ALPHA], ["NB-D1", "Delta Town", DELTA],
    ]),
    "pcns": (["code", "name", "neighbourhood_codes"], [
        ["U00001", "PCN One", "NB-A1"],
        ["U00002", "PCN Two", "NB-A2"],
        ["U00003", "PCN Three", "NB-A2;NB-A3"],
        ["U00004", "PCN Four", ""],
        ["U00005", "PCN Five", ""],
        ["U00006", "PCN Six", ""],
        ["U00007", "PCN Seven", ""],
        ["U00008", "PCN Delta", "NB-D1"],
    ]),
    "practices": (["code", "name", "pcn_code", "postcode", "place_code", "from", "to"], [
        ["P00001", "Alpha One Surgery", "U00001", "", ALPHA, "2019-07-01", ""],
        ["P00002", "Alpha Two Surgery", "U00001", "", ALPHA, "", ""],
        ["P00003", "Gamma Surgery", "U00001", "", GAMMA, "2019-07-01", ""],
        ["P00011", "Old Beta Surgery", "U00001", "", BETA, "2019-07-01", "2020-12-31"],
        ["P00004", "Alpha Four Surgery", "U00002", "", ALPHA, "2019-07-01", ""],
        ["P00005", "Beta Five Surgery", "U00002", "", BETA, "2019-07-01", ""],
        ["P00006", "Alpha Six Surgery", "U00003", "", ALPHA, "2019-07-01", ""],
        ["P00007", "Mover Surgery", "U00003", "", ALPHA, "2019-07-01", "2021-03-31"],
        ["P00007", "Mover Surgery", "U00004", "", ALPHA, "2021-04-01", ""],
        ["P00008", "Future Surgery", "U00005", "", ALPHA, "2030-01-01", ""],
        ["P00009", "Six Surgery", "U00006", "", "", "2019-07-01", ""],
        ["P00010", "Seven Surgery", "U00007", "", "", "2019-07-01", ""],
        ["P00012", "Delta One Surgery", "U00008", "", DELTA, "2019-07-01", ""],
        ["P00013", "Delta Two Surgery", "U00008", "", DELTA, "2019-07-01", "2024-06-01"],
        ["P00014", "Delta Three Surgery", "U00008", "", DELTA, "2024-06-02", ""],
        # Branches with no registered patients, so that PCNs Six and Seven have a practice
        # located in a Place (the report covers only those, or PCNs leading a neighbourhood).
        ["P00015", "Six Branch Surgery", "U00006", "", ALPHA, "2019-07-01", ""],
        ["P00016", "Seven Branch Surgery", "U00007", "", ALPHA, "2019-07-01", ""],
    ]),
    "areas": (["code", "name", "kind", "place_code", "neighbourhood_code"], [
        ["E01000001", "Area 1", "lsoa", ALPHA, "NB-A1"],
        ["E01000002", "Area 2", "lsoa", "", "NB-A1"],
        ["E01000003", "Area 3", "lsoa", ALPHA, ""],
        ["E01000004", "Area 4", "lsoa", BETA, ""],
        ["E01000005", "Area 5 (nowhere)", "lsoa", "", ""],
        ["E01000006", "Area 6", "lsoa", DELTA, "NB-D1"],
        ["E01000007", "Area 7", "lsoa", GAMMA, ""],
    ]),
    "registrations": (["practice_code", "area_code", "patients"], [
        ["P00001", "E01000001", "1000"], ["P00001", "E01000002", "500"], ["P00001", "E01000005", "100"],
        ["P00002", "E01000003", "300"], ["P00002", "E01000004", "100"],
        ["P00003", "E01000007", "400"],
        ["P00011", "E01000004", "5000"],
        ["P00004", "E01000003", "500"],
        ["P00005", "E01000004", "500"],
        ["P00006", "E01000001", "100"],
        ["P00007", "E01000003", "200"],
        ["P00008", "E01000001", "999"],
        ["P00009", "E01000001", "950"], ["P00009", "E01000005", "50"],
        ["P00010", "E01000001", "9496"], ["P00010", "E01000004", "504"],
        ["P00012", "E01000006", "700"],
        ["P00013", "E01000006", "300"],
        ["P00014", "E01000004", "1000"],
    ]),
    "organisations": (["code", "name", "sector", "statutory"], [
        ["LA-A", "Alpha Council", "local_authority", "true"],
        ["CCG-A", "Alpha CCG", "nhs_commissioner", "true"],
        ["TR-A", "Alpha Trust", "nhs_trust", "true"],
        ["GP-A", "Alpha GP Federation", "primary_care", "false"],
        ["HO-A", "Alpha Homes", "housing", "false"],
        ["VO-A", "Alpha CVS", "voluntary", ""],
        ["SW-A", "Alpha Care Forum", "social_care", "false"],
        ["TR-A2", "Alpha Community Trust", "community_health", "true"],
        ["ED-A", "Alpha College", "education", ""],
        ["OT-A", "Alpha Football Club Community", "other", "false"],
        ["OLD-A", "Old Partner", "housing", "false"],
        ["FUT-A", "Future Partner", "police", "true"],
        ["FI-A", "Alpha Fire", "fire", "true"],
        ["LA-B", "Beta Council", "local_authority", "true"],
        ["CCG-B", "Beta CCG", "nhs_commissioner", "true"],
        ["HW-B", "Healthwatch Beta", "healthwatch", "true"],
        ["TR-B", "Beta Trust", "nhs_trust", "true"],
        ["POL", "Shire Police", "police", "true"],
        ["LA-D", "Delta Council", "local_authority", "true"],
        ["CCG-D", "Delta CCG", "nhs_commissioner", "true"],
        ["VO-D", "Delta Voluntary Action", "voluntary", "false"],
    ]),
    "boards": (["code", "name", "kind", "place_code", "ics_code", "parent_board_code"], [
        ["HWB-A", "Alpha HWB", "health_and_wellbeing_board", ALPHA, "", ""],
        ["PPB-A", "Alpha Partnership Board", "place_partnership_board", ALPHA, "", "HWB-A"],
        ["PPB-A2", "Alpha Children's Partnership", "place_partnership_board", ALPHA, "", ""],
        ["SAB-A", "Alpha SAB", "safeguarding_adults_board", ALPHA, "", ""],
        ["SCP-A", "Alpha SCP", "safeguarding_children_partnership", ALPHA, "", ""],
        ["CSP-A", "Alpha CSP", "community_safety_partnership", ALPHA, "", ""],
        ["LEP-X", "Shire LEP", "local_enterprise_partnership", BETA, "", ""],
        ["HWB-B", "Beta HWB", "health_and_wellbeing_board", BETA, "", ""],
        ["SAB-B", "Beta SAB", "safeguarding_adults_board", BETA, "", ""],
        ["CSP-B", "Beta CSP", "community_safety_partnership", BETA, "", "HWB-B"],
        ["HWB-D", "Delta HWB", "health_and_wellbeing_board", DELTA, "", ""],
        ["PPB-D", "Delta Partnership Board", "place_partnership_board", DELTA, "", "HWB-D"],
        ["SAB-D", "Delta SAB", "safeguarding_adults_board", DELTA, "", ""],
        ["SCP-D", "Delta SCP", "safeguarding_children_partnership", DELTA, "", ""],
        ["CSP-D", "Delta CSP", "community_safety_partnership", DELTA, "", ""],
        ["LEP-D", "Delta LEP", "local_enterprise_partnership", DELTA, "", ""],
        ["PCF", "Place Collaborative Forum", "place_collaborative_forum", "", "ICS1", ""],
        ["ICP-X", "ICS Partnership", "ics_partnership", "", "ICS1", ""],
    ]),
    "board_links": (["board_code", "linked_board_code", "how"], [
        ["PPB-A", "SAB-A", "information sharing"],
        ["SCP-A", "PPB-A", "reports to"],  # reverse direction still links
        ["PPB-A", "LEP-X", "economic partner"],  # an LEP serving another Place still counts
        ["HWB-A", "CSP-A", "joint subgroup"],  # decoy: HWB-A is not Alpha's ICP board
        ["SAB-B", "HWB-B", "reports to"],  # reverse, to the HWB acting as ICP board
        ["PPB-D", "SAB-D", ""], ["PPB-D", "SCP-D", ""], ["CSP-D", "PPB-D", ""], ["PPB-D", "LEP-D", ""],
    ]),
    "memberships": (["organisation_code", "board_code", "role", "from", "to"], [
        ["LA-A", "HWB-A", "core", "2013-04-01", ""],
        ["CCG-A", "HWB-A", "core", "2013-04-01", ""],
        ["TR-A", "HWB-A", "wider", "2013-04-01", ""],  # core on PPB-A: core wins
        ["OT-A", "HWB-A", "wider", "2013-04-01", ""],
        ["LA-A", "PPB-A", "core", "2021-04-01", ""],
        ["CCG-A", "PPB-A", "core", "2021-04-01", ""],
        ["TR-A", "PPB-A", "core", "2021-04-01", ""],
        ["GP-A", "PPB-A", "core", "2021-04-01", ""],
        ["HO-A", "PPB-A", "wider", "2021-04-01", ""],
        ["VO-A", "PPB-A", "wider", "", ""],
        ["SW-A", "PPB-A", "wider", "2019-04-01", "2021-03-31"],  # wider, then core
        ["SW-A", "PPB-A", "core", "2021-04-01", ""],
        ["TR-A2", "PPB-A", "core", "2024-06-01", ""],  # starts on AS_AT: current
        ["ED-A", "PPB-A", "wider", "2021-04-01", "2024-06-01"],  # ends on AS_AT: current
        ["OLD-A", "PPB-A", "core", "2019-01-01", "2020-12-31"],  # history
        ["FUT-A", "PPB-A", "core", "2030-01-01", ""],  # not started
        ["FI-A", "SAB-A", "core", "2015-04-01", ""],
        ["LA-A", "SAB-A", "core", "2015-04-01", ""],
        ["LA-B", "HWB-B", "core", "2013-04-01", ""],
        ["CCG-B", "HWB-B", "core", "2013-04-01", ""],
        ["HW-B", "HWB-B", "core", "", ""],
        ["TR-B", "HWB-B", "wider", "2013-04-01", ""],
        ["POL", "HWB-B", "wider", "2013-04-01", ""],
        ["LA-A", "HWB-B", "wider", "2020-01-01", ""],  # in two partnerships
        ["POL", "CSP-B", "core", "2010-04-01", ""],
        ["LA-B", "SAB-B", "core", "2015-04-01", ""],
        ["LA-D", "HWB-D", "core", "2013-04-01", ""],
        ["CCG-D", "HWB-D", "core", "2013-04-01", ""],
        ["LA-D", "PPB-D", "core", "2021-07-01", ""],
        ["CCG-D", "PPB-D", "core", "2021-07-01", ""],
        ["VO-D", "PPB-D", "wider", "2021-07-01", ""],
        ["POL", "CSP-D", "core", "2010-04-01", ""],
        ["LA-D", "SAB-D", "core", "2015-04-01", ""],
    ]),
    "agreements": (["code", "title", "kind", "place_code", "effective_from"], [
        ["MOU-A", "Alpha MOU", "mou", ALPHA, "2021-09-01"],
        ["MOU-B", "Beta MOU", "mou", BETA, "2021-10-01"],
        ["S75-B", "Beta Section 75", "section_75", BETA, "2021-04-01"],
        ["PA-D", "Delta Place Agreement", "place_agreement", DELTA, "2021-09-15"],
    ]),
    "signatures": (["agreement_code", "organisation_code", "signed_on"], [
        ["MOU-A", "LA-A", "2021-09-10"],
        ["MOU-A", "CCG-A", "2021-09-20"],
        ["MOU-A", "TR-A", ""],
        ["MOU-A", "HO-A", "2021-09-15"],
        ["MOU-A", "OLD-A", ""],
        ["MOU-A", "TR-A2", "2021-09-25"],
        ["MOU-B", "LA-B", "2021-09-01"],
        ["MOU-B", "CCG-B", "2021-10-05"],
        ["MOU-B", "HW-B", "2021-09-02"],
        ["S75-B", "LA-B", "2021-03-20"],
        ["S75-B", "CCG-B", "2021-03-25"],
        ["PA-D", "LA-D", "2021-09-10"],
        ["PA-D", "CCG-D", "2021-09-20"],
        ["PA-D", "VO-D", "2021-09-12"],
    ]),
    "people": (["id", "name", "role_title", "organisation_code"], [
        ["PER-A1", "Ann Early", "Interim Place Director", "LA-A"],
        ["PER-A2", "Bob Lead", "Place Director", "CCG-A"],
        ["PER-A3", "Cat Future", "Place Director Designate", "LA-A"],
        ["PER-B1", "Dan Beta", "Director of Integration", "LA-B"],
        ["PER-D1", "Eve Delta", "Place Director", "LA-D"],
        ["PER-C1", "Fay Comms", "Communications Lead", "LA-A"],
        ["PER-C4", "Gus Comms", "Communications Lead", "LA-D"],
    ]),
    "roles": (["person_id", "role", "target_code", "from"], [
        ["PER-A1", "place_lead", ALPHA, "2021-06-01"],
        ["PER-A2", "place_lead", ALPHA, "2021-11-01"],
        ["PER-A3", "place_lead", ALPHA, "2030-01-01"],
        ["PER-A1", "member", "PCF", "2021-07-01"],
        ["PER-A2", "member", "PCF", "2021-12-01"],
        ["PER-B1", "place_lead", BETA, "2022-01-10"],
        ["PER-B1", "chair", "HWB-B", "2020-01-01"],
        ["PER-B1", "member", "ICP-X", "2022-02-01"],
        ["PER-D1", "place_lead", DELTA, "2021-10-01"],
        ["PER-D1", "member", "PCF", "2021-10-15"],
        ["PER-C1", "comms_link", ALPHA, "2021-08-01"],
        ["PER-C4", "comms_link", DELTA, ""],
    ]),
    "endorsements": (["organisation_code", "person_id", "endorsed_on"], [
        ["LA-A", "PER-A2", "2021-10-20"],
        ["CCG-A", "PER-A2", "2021-10-21"],
        ["TR-A", "PER-A1", "2021-05-20"],  # the earlier lead: does not count for PER-A2
        ["HO-A", "PER-A2", "2021-10-22"],  # a wider member: does not count
        ["LA-B", "PER-B1", "2022-01-01"],
        ["CCG-B", "PER-B1", "2022-01-02"],
        ["HW-B", "PER-B1", "2022-01-03"],
        ["LA-D", "PER-D1", "2021-09-20"],
        ["CCG-D", "PER-D1", "2021-09-21"],
    ]),
    "plans": (["code", "title", "kind", "place_code", "approved_by_board_code", "approved_on", "covers_seldom_heard"], [
        ["PL-A-VIS", "Alpha Vision", "shared_vision", ALPHA, "HWB-B", "2021-11-01", ""],  # another Place's HWB
        ["PL-A-JSNA", "Alpha JSNA", "jsna", ALPHA, "HWB-A", "2021-05-01", ""],
        ["PL-A-DEV", "Alpha Development Plan", "development_plan", ALPHA, "", "", ""],
        ["PL-A-ENG", "Alpha Engagement Plan", "engagement_plan", ALPHA, "", "", "false"],
        ["PL-B-PP", "Beta Place Plan", "place_plan", BETA, "HWB-B", "2022-02-01", ""],
        ["PL-B-ENG", "Beta Engagement Plan", "engagement_plan", BETA, "", "", "true"],
        ["PL-G-JSNA", "Gamma JSNA", "jsna", GAMMA, "", "", ""],
        ["PL-D-VIS", "Delta Vision", "shared_vision", DELTA, "HWB-D", "2021-12-01", ""],
        ["PL-D-DEV", "Delta Development Plan", "development_plan", DELTA, "", "", ""],
        ["PL-D-OD", "Delta OD Plan", "od_plan", DELTA, "", "", ""],
        ["PL-D-ENG", "Delta Engagement Plan", "engagement_plan", DELTA, "", "", "true"],
    ]),
    "commissioning": (["code", "name", "kind", "place_code", "value_gbp", "partner_codes"], [
        ["CM-A-BCF", "Alpha BCF", "pooled_budget", ALPHA, "1000000", "LA-A;CCG-A"],
        ["CM-A-LC", "Alpha Lead Commissioning", "lead_commissioning", ALPHA, "", "LA-A"],
        ["CM-B-JP", "Beta Joint Director", "joint_post", BETA, "90000", "LA-B;CCG-B"],
        ["CM-G-LC", "Gamma Lead Commissioning", "lead_commissioning", GAMMA, "", ""],
        ["CM-D-BCF", "Delta BCF", "pooled_budget", DELTA, "500000", "LA-D;CCG-D"],
        ["CM-D-JT", "Delta Joint Team", "joint_team", DELTA, "200000", "LA-D;CCG-D"],
    ]),
}


def write_fixture(folder: Path, files: dict[str, tuple[list[str], list[list[str]]]] = FILES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in files.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return folder


# ---------------------------------------------------------------------------------------
# Known answers at AS_AT.

BREADTH = [
    # Alpha: LA-A CCG-A TR-A OT-A (HWB-A); GP-A HO-A VO-A SW-A TR-A2 ED-A (PPB-A, current);
    # not OLD-A (ended), FUT-A (future), FI-A (SAB only). Statutory: LA-A CCG-A TR-A TR-A2.
    [ALPHA, "Alpha", 10, 10, 4, 6, ["police"]],
    # Beta: LA-B CCG-B HW-B TR-B POL LA-A; sectors: local_authority nhs_commissioner healthwatch nhs_trust police.
    [BETA, "Beta", 6, 5, 6, 0, ["housing", "primary_care", "voluntary"]],
    [GAMMA, "Gamma", 0, 0, 0, 0, ["housing", "local_authority", "nhs_trust", "police", "primary_care", "voluntary"]],
    # Delta: LA-D CCG-D VO-D.
    [DELTA, "Delta", 3, 3, 2, 1, ["housing", "nhs_trust", "police", "primary_care"]],
]

# Alpha on 2020-06-01: HWB-A's four, VO-A (no from), SW-A (wider then), OLD-A (core then).
BREADTH_ALPHA_2020 = [ALPHA, "Alpha", 7, 7, 3, 4, ["police", "primary_care"]]

UNSIGNED = [
    [ALPHA, "MOU-A", "GP-A", "Alpha GP Federation", "no_signature_row"],
    [ALPHA, "MOU-A", "OLD-A", "Old Partner", "not_signed"],  # listed: expected although no longer a member
    [ALPHA, "MOU-A", "SW-A", "Alpha Care Forum", "no_signature_row"],
    [ALPHA, "MOU-A", "TR-A", "Alpha Trust", "not_signed"],
    [BETA, "S75-B", "HW-B", "Healthwatch Beta", "no_signature_row"],
]
# On 2021-01-01 nobody had signed yet (the first signature is LA-A's, on 2021-09-10): every listed
# party is not_signed; Alpha's only core members then, LA-A and CCG-A (HWB-A), are listed.
UNSIGNED_ALPHA_2021 = [
    [ALPHA, "MOU-A", "CCG-A", "Alpha CCG", "not_signed"],
    [ALPHA, "MOU-A", "HO-A", "Alpha Homes", "not_signed"],
    [ALPHA, "MOU-A", "LA-A", "Alpha Council", "not_signed"],
    [ALPHA, "MOU-A", "OLD-A", "Old Partner", "not_signed"],
    [ALPHA, "MOU-A", "TR-A", "Alpha Trust", "not_signed"],
    [ALPHA, "MOU-A", "TR-A2", "Alpha Community Trust", "not_signed"],
]
# On 2021-09-15 LA-A (09-10) and HO-A (09-15, on the day itself) have signed; CCG-A (09-20) has not yet.
UNSIGNED_ALPHA_2021_09_15 = [
    [ALPHA, "MOU-A", "CCG-A", "Alpha CCG", "not_signed"],
    [ALPHA, "MOU-A", "GP-A", "Alpha GP Federation", "no_signature_row"],
    [ALPHA, "MOU-A", "OLD-A", "Old Partner", "not_signed"],
    [ALPHA, "MOU-A", "SW-A", "Alpha Care Forum", "no_signature_row"],
    [ALPHA, "MOU-A", "TR-A", "Alpha Trust", "not_signed"],
    [ALPHA, "MOU-A", "TR-A2", "Alpha Community Trust", "not_signed"],
]

# PCN Five is not covered: its only practice joins in 2030 and it leads no neighbourhood.
COTERMINOSITY_PRACTICES = [
    # pcn, name, main, share, footprints, coterminous, main_count, total, unknown
    ["U00001", "PCN One", ALPHA, 0.667, 2, False, 2, 3, 0],
    ["U00002", "PCN Two", ALPHA, 0.5, 2, False, 1, 2, 0],  # tie: smallest code
    ["U00003", "PCN Three", ALPHA, 1.0, 1, True, 1, 1, 0],  # the mover counts for PCN Four only
    ["U00004", "PCN Four", ALPHA, 1.0, 1, True, 1, 1, 0],
    ["U00006", "PCN Six", ALPHA, 0.5, 2, False, 1, 2, 1],  # P00009 LOCATED_IN nowhere; tie: E09... < unknown
    ["U00007", "PCN Seven", ALPHA, 0.5, 2, False, 1, 2, 1],
    ["U00008", "PCN Delta", DELTA, 1.0, 1, True, 2, 2, 0],  # P00013 ends on AS_AT; P00014 starts after
]
COTERMINOSITY_PATIENTS = [
    # PCN One: Alpha 1000 + 500 (Area 2 is IN NB-A1 only) + 300; Beta 100; Gamma 400; unknown 100.
    ["U00001", "PCN One", ALPHA, 0.75, 4, False, 1800, 2400, 100],
    ["U00002", "PCN Two", ALPHA, 0.5, 2, False, 500, 1000, 0],
    ["U00003", "PCN Three", ALPHA, 1.0, 1, True, 100, 100, 0],
    ["U00004", "PCN Four", ALPHA, 1.0, 1, True, 200, 200, 0],
    ["U00006", "PCN Six", ALPHA, 0.95, 2, True, 950, 1000, 50],  # exactly the threshold
    ["U00007", "PCN Seven", ALPHA, 0.95, 2, False, 9496, 10000, 0],  # 0.9496: below, though it shows 0.95
    ["U00008", "PCN Delta", DELTA, 1.0, 1, True, 1000, 1000, 0],
]
COTERMINOSITY_NEIGHBOURHOOD_LEVEL = [
    ["U00001", "PCN One", "NB-A1", 0.625, 2, False, 1500, 2400, 900],
    # Areas 3 and 4 are in no neighbourhood: main footprint unknown, so not coterminous (share 1).
    ["U00002", "PCN Two", "unknown", 1.0, 1, False, 1000, 1000, 1000],
    ["U00003", "PCN Three", "NB-A1", 1.0, 1, True, 100, 100, 0],
    ["U00004", "PCN Four", "unknown", 1.0, 1, False, 200, 200, 200],
    ["U00006", "PCN Six", "NB-A1", 0.95, 2, True, 950, 1000, 50],
    ["U00007", "PCN Seven", "NB-A1", 0.95, 2, False, 9496, 10000, 504],
    ["U00008", "PCN Delta", "NB-D1", 1.0, 1, True, 1000, 1000, 0],
]
COTERMINOSITY_NEIGHBOURHOODS = [
    ["NB-A1", "Alpha North", ALPHA, ["U00001"], True],
    ["NB-A2", "Alpha South", ALPHA, ["U00002", "U00003"], False],
    ["NB-A3", "Alpha East", ALPHA, ["U00003"], False],  # its one PCN also leads NB-A2
    ["NB-A4", "Alpha West", ALPHA, [], False],
    ["NB-D1", "Delta Town", DELTA, ["U00008"], True],
]

MISSING_LINKS = [
    [ALPHA, "PPB-A", "community_safety_partnership"],  # only HWB-A links to CSP-A
    [ALPHA, "PPB-A2", "community_safety_partnership"],
    [ALPHA, "PPB-A2", "health_and_wellbeing_board"],
    [ALPHA, "PPB-A2", "local_enterprise_partnership"],
    [ALPHA, "PPB-A2", "safeguarding_adults_board"],
    [ALPHA, "PPB-A2", "safeguarding_children_partnership"],
    [BETA, "HWB-B", "local_enterprise_partnership"],
    [BETA, "HWB-B", "safeguarding_children_partnership"],
]

PLACE_LEADS = [
    # Alpha's core: LA-A CCG-A TR-A GP-A SW-A TR-A2; PER-A2 (latest current) endorsed by LA-A, CCG-A.
    [ALPHA, "PER-A2", 6, 2, ["GP-A", "SW-A", "TR-A", "TR-A2"], True],
    [BETA, "PER-B1", 3, 3, [], False],  # holds roles on HWB-B and the ICS partnership, not the forum
    [GAMMA, None, 0, 0, None, False],
    [DELTA, "PER-D1", 2, 2, [], True],
]
# On 2021-10-01: Alpha's lead is PER-A1 (PER-A2 starts 2021-11-01), endorsed only by TR-A;
# TR-A2 is not yet a member; Beta's lead starts in 2022.
PLACE_LEADS_2021 = [
    [ALPHA, "PER-A1", 5, 1, ["CCG-A", "GP-A", "LA-A", "SW-A"], True],
    [BETA, None, 3, 0, None, False],
    [GAMMA, None, 0, 0, None, False],
    [DELTA, "PER-D1", 2, 2, [], False],  # joins the forum on 2021-10-15
]

ASSURANCE_STATUS = {
    ALPHA: ["partial"] * 7,
    BETA: ["partial", "partial", "met", "not_met", "not_met", "partial", "partial"],
    GAMMA: ["not_met"] * 7,
    DELTA: ["met"] * 7,
}
# Words each evidence sentence must contain (what is missing, named).
ASSURANCE_EVIDENCE = {
    (ALPHA, 1): ["MOU-A", "GP-A", "OLD-A", "SW-A", "TR-A", "community_safety_partnership"],
    (ALPHA, 2): ["GP-A", "SW-A", "TR-A2"],
    (ALPHA, 3): ["not approved"],
    (ALPHA, 4): ["OD"],
    (ALPHA, 5): ["NB-A2", "NB-A3", "NB-A4", "U00004"],
    (ALPHA, 6): ["seldom heard"],
    (ALPHA, 7): ["joint post"],
    (BETA, 1): ["S75-B", "HW-B", "local_enterprise_partnership", "safeguarding_children_partnership"],
    (BETA, 2): ["Place Collaborative Forum"],
    (BETA, 6): ["comms link"],
    (BETA, 7): ["pooled budget"],
    (GAMMA, 1): ["No ICP board"],
    (GAMMA, 2): ["No place lead"],
}

TIMELINE = [
    [ALPHA, "boundaries_confirmed", dt.date(2021, 6, 30), "on_time", dt.date(2021, 4, 1)],
    [ALPHA, "governance_confirmed", dt.date(2021, 9, 30), "on_time", dt.date(2021, 9, 1)],
    [ALPHA, "mou_agreed", dt.date(2021, 9, 30), "outstanding", None],
    [ALPHA, "place_lead_designate", dt.date(2021, 12, 31), "on_time", dt.date(2021, 11, 1)],
    [BETA, "boundaries_confirmed", dt.date(2021, 6, 30), "on_time", None],  # HW-B's membership has no from
    [BETA, "governance_confirmed", dt.date(2021, 9, 30), "late", dt.date(2021, 10, 1)],
    [BETA, "mou_agreed", dt.date(2021, 9, 30), "late", dt.date(2021, 10, 5)],  # the section 75 does not count
    [BETA, "place_lead_designate", dt.date(2021, 12, 31), "late", dt.date(2022, 1, 10)],
    [GAMMA, "boundaries_confirmed", dt.date(2021, 6, 30), "outstanding", None],
    [GAMMA, "governance_confirmed", dt.date(2021, 9, 30), "outstanding", None],
    [GAMMA, "mou_agreed", dt.date(2021, 9, 30), "outstanding", None],
    [GAMMA, "place_lead_designate", dt.date(2021, 12, 31), "outstanding", None],
    [DELTA, "boundaries_confirmed", dt.date(2021, 6, 30), "late", dt.date(2021, 7, 1)],
    [DELTA, "governance_confirmed", dt.date(2021, 9, 30), "on_time", dt.date(2021, 9, 15)],
    [DELTA, "mou_agreed", dt.date(2021, 9, 30), "on_time", dt.date(2021, 9, 20)],
    [DELTA, "place_lead_designate", dt.date(2021, 12, 31), "on_time", dt.date(2021, 10, 1)],
]
# Beta on 2021-10-01: its last signature (2021-10-05) and its lead (2022-01-10) are still to come.
TIMELINE_BETA_2021 = [
    [BETA, "boundaries_confirmed", dt.date(2021, 6, 30), "on_time", None],
    [BETA, "governance_confirmed", dt.date(2021, 9, 30), "late", dt.date(2021, 10, 1)],
    [BETA, "mou_agreed", dt.date(2021, 9, 30), "outstanding", None],
    [BETA, "place_lead_designate", dt.date(2021, 12, 31), "outstanding", None],
]

BROKERS_COUNTS = {
    # organisation: (boards, places) at AS_AT
    "LA-A": (4, 2),  # HWB-A, PPB-A, SAB-A, HWB-B
    "POL": (3, 1),  # HWB-B, CSP-B, CSP-D
    "LA-D": (3, 1),
    "LA-B": (2, 1),
    "CCG-A": (2, 1),
    "SW-A": (1, 1),  # two rows on PPB-A, one ended
    "FI-A": (1, 0),  # SAB-A serves Alpha but is not a partnership board
}
BROKERS_ABSENT = {"OLD-A", "FUT-A"}  # no current membership

# The current memberships, for an independent betweenness computation.
def current_membership_edges(as_at: dt.date = AS_AT) -> set[tuple[str, str]]:
    header, rows = FILES["memberships"]
    out = set()
    for row in rows:
        r = dict(zip(header, row))
        start = dt.date.fromisoformat(r["from"]) if r["from"] else None
        end = dt.date.fromisoformat(r["to"]) if r["to"] else None
        if (start is None or start <= as_at) and (end is None or end >= as_at):
            out.add((r["organisation_code"], r["board_code"]))
    return out
