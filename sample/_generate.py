#!/usr/bin/env python3
"""Generate the bundled icpmap sample: an ILLUSTRATIVE Cheshire and Merseyside.

Standard library (and shapely, for the invented Areas' outlines) and deterministic (fixed
seeds): running it again writes the same bytes. Run from anywhere, with icpmap's Python:
.venv/bin/python sample/_generate.py

What is real and what is invented
- Real public facts: the ICS code, the 9 Places and their ONS codes, the names of
  public bodies (councils, NHS trusts and CCGs with their ODS codes, police, fire,
  Healthwatch, well-known housing associations, CVSs, universities...).
- Invented: every membership, signature, endorsement, person, PCN, practice, area,
  patient count, plan, budget and link between boards; GP federations, care-provider
  forums and a few community groups. Nothing here records a real agreement.

Stable window: every dated fact is either on/before 2022-06-30 or on/after
FUTURE (2030-04-01, with one practice move ending 2030-03-31), so the reports give
the same answers for any as-at date from 2022-07-01 to 2030-03-31.
The deliberate gaps per Place are listed in sample/README.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from collections import defaultdict
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon  # a dependency of icpmap: clips the invented Areas to their Place

OUT = Path(__file__).resolve().parent
SEED = 20210930
FUTURE = "2030-04-01"          # memberships/moves that have not started yet
FUTURE_EVE = "2030-03-31"
REF = "2025-01-01"             # any date in the stable window; used to derive signatures
rng = random.Random(SEED)

ICS = ("QYG", "NHS Cheshire and Merseyside")

# short key -> (ONS code, name)
PLACES = {
    "CE": ("E06000049", "Cheshire East"),
    "CW": ("E06000050", "Cheshire West and Chester"),
    "HA": ("E06000006", "Halton"),
    "WA": ("E06000007", "Warrington"),
    "KN": ("E08000011", "Knowsley"),
    "LI": ("E08000012", "Liverpool"),
    "SH": ("E08000013", "St. Helens"),
    "SE": ("E08000014", "Sefton"),
    "WI": ("E08000015", "Wirral"),
}


def pc(p: str) -> str:
    return PLACES[p][0]


# ---------------------------------------------------------------------------
# Neighbourhoods: (name, short label used for area names). Knowsley has none.
NEIGHBOURHOODS = {
    "CE": [("Crewe", "Crewe"), ("Macclesfield", "Macclesfield"),
           ("Congleton and Holmes Chapel", "Congleton"), ("Nantwich and Rural", "Nantwich"),
           ("Wilmslow and Knutsford", "Wilmslow")],
    "CW": [("Chester City", "Chester City"), ("Chester Rural", "Chester Rural"),
           ("Ellesmere Port", "Ellesmere Port"), ("Northwich", "Northwich"),
           ("Winsford", "Winsford")],
    "HA": [("Runcorn", "Runcorn"), ("Widnes", "Widnes")],
    "WA": [("Warrington North", "Warrington North"), ("Warrington Central", "Warrington Central"),
           ("Warrington South", "Warrington South"), ("Warrington West", "Warrington West")],
    "KN": [],
    "LI": [("Walton and Fazakerley", "Walton"), ("City Centre and Everton", "Everton"),
           ("Wavertree and Childwall", "Wavertree"), ("Garston and Speke", "Garston"),
           ("West Derby and Norris Green", "West Derby")],
    "SH": [("St Helens Town", "St Helens Town"), ("Rainhill and Eccleston", "Rainhill"),
           ("Newton-le-Willows and Haydock", "Newton"), ("Rainford", "Rainford")],
    "SE": [("Southport", "Southport"), ("Formby", "Formby"), ("Bootle", "Bootle"),
           ("Crosby and Maghull", "Crosby")],
    "WI": [("Birkenhead", "Birkenhead"), ("Wallasey", "Wallasey"), ("West Wirral", "West Wirral"),
           ("Bebington", "Bebington"), ("South Wirral", "South Wirral")],
}


def nb(p: str, i: int) -> str:
    return f"NB-{pc(p)}-{i:02d}"


# Area groups that are NOT neighbourhoods (areas IN the Place only).
PLACE_ONLY_GROUPS = {
    "CE": [("Sandbach", 5)],                        # Sandbach is not an agreed neighbourhood
    "KN": [("Kirkby", 6), ("Huyton", 6), ("Halewood and Prescot", 5)],
}
# Extra areas: a few IN the Place only although they lie in a neighbourhood's patch,
# and a few IN a neighbourhood only (no place_code; the Place follows from it).
PLACE_ONLY_IN_NB = {("CW", 4): 2, ("WA", 2): 1, ("SH", 1): 2, ("LI", 4): 1, ("WI", 3): 1}
NB_ONLY = {("CE", 1): 1, ("LI", 2): 2, ("SE", 3): 1, ("WI", 1): 1, ("HA", 2): 1}
# Areas outside Cheshire and Merseyside: IN nothing (footprint "unknown").
OUTSIDE = [("W01990001", "Out of area – Deeside"), ("E01990901", "Out of area – Ormskirk"),
           ("E01990902", "Out of area – High Peak")]

# ---------------------------------------------------------------------------
# PCNs: name, place, neighbourhoods it LEADS (indices), practice localities,
# postcode districts, home area groups, spill [(place or "OUT", fraction)].
PCNS = [
    # Cheshire East: Sandbach and Alsager PCN leads no neighbourhood.
    ("Crewe Central PCN", "CE", [1], ["Crewe", "Wistaston", "Leighton", "Coppenhall", "Hungerford"],
     ["CW1", "CW2"], None, []),
    ("Macclesfield PCN", "CE", [2], ["Macclesfield", "Tytherington", "Broken Cross", "Bollington", "Prestbury"],
     ["SK10", "SK11"], None, [("OUT3", 0.03)]),
    ("Congleton and Holmes Chapel PCN", "CE", [3], ["Congleton", "Holmes Chapel", "Mossley", "Biddulph Road"],
     ["CW12", "CW4"], None, []),
    ("Nantwich and Rural PCN", "CE", [4], ["Nantwich", "Audlem", "Wrenbury", "Bunbury"],
     ["CW5"], None, [("CW", 0.02)]),
    ("Wilmslow and Knutsford PCN", "CE", [5], ["Wilmslow", "Handforth", "Knutsford", "Alderley Edge", "Mobberley"],
     ["SK9", "WA16"], None, []),
    ("Sandbach and Alsager PCN", "CE", [], ["Sandbach", "Alsager", "Elworth", "Wheelock"],
     ["CW11", "ST7"], ["Sandbach"], []),
    # Cheshire West and Chester: one PCN per neighbourhood.
    ("Chester City PCN", "CW", [1], ["Chester", "Hoole", "Boughton", "Handbridge", "Newton"],
     ["CH1", "CH2", "CH3"], None, [("OUT1", 0.10)]),
    ("Chester Rural PCN", "CW", [2], ["Tarvin", "Malpas", "Farndon", "Tattenhall"],
     ["CH3", "SY14"], None, [("OUT1", 0.02)]),
    ("Ellesmere Port PCN", "CW", [3], ["Ellesmere Port", "Whitby", "Great Sutton", "Little Sutton", "Neston"],
     ["CH65", "CH66", "CH64"], None, [("WI", 0.03)]),
    ("Northwich PCN", "CW", [4], ["Northwich", "Barnton", "Davenham", "Hartford", "Kingsmead"],
     ["CW8", "CW9"], None, []),
    ("Winsford PCN", "CW", [5], ["Winsford", "Wharton", "Over", "Middlewich Road"],
     ["CW7"], None, [("CE", 0.04)]),
    # Halton: Widnes PCN has a practice located in Warrington (see EXTRA_PRACTICES).
    ("Runcorn PCN", "HA", [1], ["Runcorn", "Halton Lea", "Castlefields", "Murdishaw", "Halton Brook"],
     ["WA7"], None, [("CW", 0.02)]),
    ("Widnes PCN", "HA", [2], ["Widnes", "Ditton", "Hough Green", "Farnworth"],
     ["WA8"], None, [("WA", 0.12), ("KN", 0.03)]),
    # Warrington
    ("Warrington North PCN", "WA", [1], ["Orford", "Longford", "Padgate", "Winwick", "Fearnhead"],
     ["WA2"], None, [("SH", 0.06)]),
    ("Warrington Central PCN", "WA", [2], ["Bewsey", "Fairfield", "Latchford", "Warrington Town", "Howley"],
     ["WA1", "WA4"], None, []),
    ("Warrington South PCN", "WA", [3], ["Stockton Heath", "Grappenhall", "Lymm", "Appleton"],
     ["WA4", "WA13"], None, [("CE", 0.02)]),
    ("Warrington West PCN", "WA", [4], ["Great Sankey", "Westbrook", "Burtonwood", "Callands"],
     ["WA5"], None, [("HA", 0.04)]),
    # Knowsley: no neighbourhoods, so its PCNs lead none.
    ("Kirkby PCN", "KN", [], ["Kirkby", "Northwood", "Tower Hill", "Westvale", "Southdene"],
     ["L32", "L33"], ["Kirkby"], [("LI", 0.12), ("SE", 0.03)]),
    ("Huyton PCN", "KN", [], ["Huyton", "Page Moss", "Roby", "Stockbridge Village", "Knowsley Village"],
     ["L36"], ["Huyton"], [("LI", 0.07)]),
    ("Halewood and Prescot PCN", "KN", [], ["Halewood", "Prescot", "Whiston", "Cronton"],
     ["L26", "L34", "L35"], ["Halewood and Prescot"], [("LI", 0.05), ("SH", 0.04)]),
    # Liverpool: two neighbourhoods are each led by two PCNs.
    ("Walton PCN", "LI", [1], ["Walton", "County Road", "Orrell Park", "Rice Lane"],
     ["L4", "L9"], None, [("SE", 0.05)]),
    ("Fazakerley PCN", "LI", [1], ["Fazakerley", "Aintree Road", "Warbreck", "Longmoor Lane"],
     ["L9", "L10"], None, [("KN", 0.06), ("SE", 0.02)]),
    ("Liverpool Central PCN", "LI", [2], ["Vauxhall", "Bold Street", "Great Homer Street", "Islington", "St Mary's"],
     ["L1", "L3", "L5"], None, []),
    ("Everton PCN", "LI", [2], ["Everton", "Anfield", "Breck Road", "Kirkdale"],
     ["L4", "L5", "L6"], None, [("SE", 0.02)]),
    ("Wavertree PCN", "LI", [3], ["Wavertree", "Childwall", "Picton", "Mossley Hill", "Allerton"],
     ["L15", "L16", "L18"], None, []),
    ("Garston and Speke PCN", "LI", [4], ["Garston", "Speke", "Woolton", "Hunts Cross"],
     ["L19", "L24", "L25"], None, [("HA", 0.03), ("KN", 0.04)]),
    ("West Derby PCN", "LI", [5], ["West Derby", "Norris Green", "Croxteth", "Dovecot", "Tuebrook"],
     ["L11", "L12", "L13", "L14"], None, [("KN", 0.10)]),
    # St Helens: St Helens Central PCN leads two neighbourhoods.
    ("St Helens Central PCN", "SH", [1, 2], ["St Helens Town", "Thatto Heath", "Eccleston", "Rainhill",
                                             "Sutton", "Parr"],
     ["WA9", "WA10", "L35"], None, [("KN", 0.02)]),
    ("Newton and Haydock PCN", "SH", [3], ["Newton-le-Willows", "Haydock", "Earlestown", "Blackbrook"],
     ["WA11", "WA12"], None, [("WA", 0.04)]),
    ("Rainford PCN", "SH", [4], ["Rainford", "Crank", "Kings Moss", "Moss Bank"],
     ["WA11"], None, [("OUT2", 0.05)]),
    # Sefton: one PCN per neighbourhood.
    ("Southport PCN", "SE", [1], ["Southport", "Birkdale", "Ainsdale", "Churchtown", "Crossens"],
     ["PR8", "PR9"], None, [("OUT2", 0.03)]),
    ("Formby PCN", "SE", [2], ["Formby", "Freshfield", "Hightown", "Ince Blundell"],
     ["L37", "L38"], None, []),
    ("Bootle PCN", "SE", [3], ["Bootle", "Litherland", "Netherton", "Seaforth", "Orrell"],
     ["L20", "L21", "L30"], None, [("LI", 0.15)]),
    ("Crosby and Maghull PCN", "SE", [4], ["Crosby", "Waterloo", "Maghull", "Lydiate", "Thornton"],
     ["L22", "L23", "L31"], None, [("LI", 0.02), ("KN", 0.02)]),
    # Wirral: one PCN per neighbourhood.
    ("Birkenhead PCN", "WI", [1], ["Birkenhead", "Claughton", "Oxton", "Tranmere", "Rock Ferry"],
     ["CH41", "CH42", "CH43"], None, []),
    ("Wallasey PCN", "WI", [2], ["Wallasey", "Liscard", "New Brighton", "Seacombe", "Moreton"],
     ["CH44", "CH45", "CH46"], None, []),
    ("West Wirral PCN", "WI", [3], ["West Kirby", "Hoylake", "Greasby", "Upton", "Irby"],
     ["CH47", "CH48", "CH49"], None, [("OUT1", 0.01)]),
    ("Bebington PCN", "WI", [4], ["Bebington", "Bromborough", "Port Sunlight", "Spital"],
     ["CH62", "CH63"], None, [("CW", 0.02)]),
    ("South Wirral PCN", "WI", [5], ["Heswall", "Pensby", "Eastham", "Thingwall", "Barnston"],
     ["CH60", "CH61", "CH62"], None, [("CW", 0.04)]),
]
SUFFIXES = ["Medical Centre", "Surgery", "Health Centre", "Family Practice", "Group Practice",
            "Medical Practice"]
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# ---------------------------------------------------------------------------
# Organisations: code, name, sector, statutory (True/False/None = blank)
ORGS = [
    # NHS trusts (real ODS codes)
    ("REM", "Liverpool University Hospitals NHS Foundation Trust", "nhs_trust", True),
    ("RBN", "St Helens and Knowsley Teaching Hospitals NHS Trust", "nhs_trust", True),
    ("RBL", "Wirral University Teaching Hospital NHS Foundation Trust", "nhs_trust", True),
    ("RBT", "Mid Cheshire Hospitals NHS Foundation Trust", "nhs_trust", True),
    ("RJR", "Countess of Chester Hospital NHS Foundation Trust", "nhs_trust", True),
    ("RWW", "Warrington and Halton Teaching Hospitals NHS Foundation Trust", "nhs_trust", True),
    ("RVY", "Southport and Ormskirk Hospital NHS Trust", "nhs_trust", True),
    ("RJN", "East Cheshire NHS Trust", "nhs_trust", True),
    ("RBQ", "Liverpool Heart and Chest Hospital NHS Foundation Trust", "nhs_trust", True),
    ("REP", "Liverpool Women's NHS Foundation Trust", "nhs_trust", True),
    ("RBS", "Alder Hey Children's NHS Foundation Trust", "nhs_trust", True),
    ("REN", "The Clatterbridge Cancer Centre NHS Foundation Trust", "nhs_trust", True),
    ("RET", "The Walton Centre NHS Foundation Trust", "nhs_trust", True),
    ("RX7", "North West Ambulance Service NHS Trust", "nhs_trust", True),
    ("RW4", "Mersey Care NHS Foundation Trust", "mental_health", True),
    ("RXA", "Cheshire and Wirral Partnership NHS Foundation Trust", "mental_health", True),
    ("RY7", "Wirral Community Health and Care NHS Foundation Trust", "community_health", True),
    ("RY2", "Bridgewater Community Healthcare NHS Foundation Trust", "community_health", True),
    # NHS commissioners (CCGs of 2021, with their ODS codes)
    ("27D", "NHS Cheshire CCG", "nhs_commissioner", True),
    ("01F", "NHS Halton CCG", "nhs_commissioner", True),
    ("02E", "NHS Warrington CCG", "nhs_commissioner", True),
    ("01J", "NHS Knowsley CCG", "nhs_commissioner", True),
    ("99A", "NHS Liverpool CCG", "nhs_commissioner", True),
    ("01X", "NHS St Helens CCG", "nhs_commissioner", True),
    ("01T", "NHS South Sefton CCG", "nhs_commissioner", True),
    ("01V", "NHS Southport and Formby CCG", "nhs_commissioner", True),
    ("12F", "NHS Wirral CCG", "nhs_commissioner", True),
    ("X24", "NHS England", "nhs_commissioner", True),
    # Primary care (invented GP federations)
    ("cheshire-east-gp-federation", "Cheshire East GP Federation", "primary_care", False),
    ("cheshire-west-gp-federation", "Cheshire West GP Federation", "primary_care", False),
    ("halton-gp-federation", "Halton GP Federation", "primary_care", False),
    ("warrington-gp-federation", "Warrington GP Federation", "primary_care", False),
    ("knowsley-gp-federation", "Knowsley GP Federation", "primary_care", None),
    ("liverpool-gp-federation", "Liverpool GP Federation", "primary_care", False),
    ("st-helens-gp-federation", "St Helens GP Federation", "primary_care", False),
    ("sefton-gp-federation", "Sefton GP Federation", "primary_care", False),
    ("wirral-gp-federation", "Wirral GP Federation", "primary_care", False),
    # Local authorities
    ("cheshire-east-council", "Cheshire East Council", "local_authority", True),
    ("cheshire-west-council", "Cheshire West and Chester Council", "local_authority", True),
    ("halton-council", "Halton Borough Council", "local_authority", True),
    ("warrington-council", "Warrington Borough Council", "local_authority", True),
    ("knowsley-council", "Knowsley Metropolitan Borough Council", "local_authority", True),
    ("liverpool-city-council", "Liverpool City Council", "local_authority", True),
    ("st-helens-council", "St Helens Borough Council", "local_authority", True),
    ("sefton-council", "Sefton Metropolitan Borough Council", "local_authority", True),
    ("wirral-council", "Wirral Council", "local_authority", True),
    ("lcr-combined-authority", "Liverpool City Region Combined Authority", "local_authority", True),
    # Social care (invented provider forums)
    ("cheshire-care-providers", "Cheshire Care Providers Network", "social_care", False),
    ("liverpool-care-providers", "Liverpool Care Providers Forum", "social_care", None),
    ("wirral-care-homes", "Wirral Care Home Association", "social_care", False),
    # Public health
    ("champs", "Champs Public Health Collaborative", "public_health", False),
    ("ukhsa-nw", "UK Health Security Agency – North West", "public_health", True),
    # Housing
    ("torus", "Torus", "housing", False),
    ("onward-homes", "Onward Homes", "housing", False),
    ("plus-dane", "Plus Dane Housing", "housing", False),
    ("livv", "Livv Housing Group", "housing", False),
    ("riverside", "The Riverside Group", "housing", False),
    ("halton-housing", "Halton Housing", "housing", False),
    ("magenta-living", "Magenta Living", "housing", False),
    ("peaks-plains", "Peaks & Plains Housing Trust", "housing", False),
    ("weaver-vale", "Weaver Vale Housing Trust", "housing", False),
    ("one-vision-housing", "One Vision Housing", "housing", None),
    ("your-housing", "Your Housing Group", "housing", False),
    # Voluntary and community sector
    ("liverpool-cvs", "Liverpool CVS", "voluntary", False),
    ("sefton-cvs", "Sefton CVS", "voluntary", False),
    ("halton-st-helens-vca", "Halton & St Helens VCA", "voluntary", False),
    ("one-knowsley", "One Knowsley", "voluntary", False),
    ("warrington-voluntary-action", "Warrington Voluntary Action", "voluntary", False),
    ("cvs-cheshire-east", "CVS Cheshire East", "voluntary", False),
    ("cheshire-west-voluntary-action", "Cheshire West Voluntary Action", "voluntary", False),
    ("cheshire-community-action", "Cheshire Community Action", "voluntary", None),
    ("vca-wirral", "Voluntary & Community Action Wirral", "voluntary", False),
    ("tea-toast-talk-kirkby", "Tea, Toast and Talk Kirkby", "voluntary", None),
    ("cafe-sefton", "Café Sefton – Community Kitchen", "voluntary", None),
    # Police and fire
    ("merseyside-police", "Merseyside Police", "police", True),
    ("cheshire-constabulary", "Cheshire Constabulary", "police", True),
    ("merseyside-pcc", "Merseyside Police and Crime Commissioner", "police", True),
    ("cheshire-pcc", "Cheshire Police and Crime Commissioner", "police", True),
    ("merseyside-fire", "Merseyside Fire and Rescue Service", "fire", True),
    ("cheshire-fire", "Cheshire Fire and Rescue Service", "fire", True),
    # Faith
    ("diocese-of-chester", "Diocese of Chester", "faith", None),
    ("diocese-of-liverpool", "Diocese of Liverpool", "faith", None),
    ("archdiocese-of-liverpool", "Archdiocese of Liverpool", "faith", False),
    ("sefton-interfaith-forum", "Sefton Interfaith Forum", "faith", None),
    # Education
    ("university-of-liverpool", "University of Liverpool", "education", False),
    ("ljmu", "Liverpool John Moores University", "education", False),
    ("university-of-chester", "University of Chester", "education", False),
    ("wirral-met-college", "Wirral Metropolitan College", "education", None),
    ("cheshire-college", "Cheshire College – South & West", "education", None),
    ("riverside-college", "Riverside College Halton", "education", False),
    ("warrington-vale-royal-college", "Warrington & Vale Royal College", "education", False),
    # Business
    ("liverpool-chamber", "Liverpool Chamber of Commerce", "business", None),
    ("wirral-chamber", "Wirral Chamber of Commerce", "business", None),
    ("st-helens-chamber", "St Helens Chamber", "business", None),
    ("halton-chamber", "Halton Chamber of Commerce and Enterprise", "business", False),
    # Healthwatch
    ("healthwatch-cheshire", "Healthwatch Cheshire", "healthwatch", True),
    ("healthwatch-halton", "Healthwatch Halton", "healthwatch", True),
    ("healthwatch-warrington", "Healthwatch Warrington", "healthwatch", True),
    ("healthwatch-knowsley", "Healthwatch Knowsley", "healthwatch", True),
    ("healthwatch-liverpool", "Healthwatch Liverpool", "healthwatch", True),
    ("healthwatch-st-helens", "Healthwatch St Helens", "healthwatch", True),
    ("healthwatch-sefton", "Healthwatch Sefton", "healthwatch", True),
    ("healthwatch-wirral", "Healthwatch Wirral", "healthwatch", True),
    # Other
    ("probation-nw", "Probation Service – North West", "other", True),
    ("dwp-merseyside", "Department for Work and Pensions – Merseyside", "other", True),
    ("everton-in-the-community", "Everton in the Community", "other", None),
]

COUNCIL = {"CE": "cheshire-east-council", "CW": "cheshire-west-council", "HA": "halton-council",
           "WA": "warrington-council", "KN": "knowsley-council", "LI": "liverpool-city-council",
           "SH": "st-helens-council", "SE": "sefton-council", "WI": "wirral-council"}
CCGS = {"CE": ["27D"], "CW": ["27D"], "HA": ["01F"], "WA": ["02E"], "KN": ["01J"], "LI": ["99A"],
        "SH": ["01X"], "SE": ["01T", "01V"], "WI": ["12F"]}
HEALTHWATCH = {"CE": "healthwatch-cheshire", "CW": "healthwatch-cheshire", "HA": "healthwatch-halton",
               "WA": "healthwatch-warrington", "KN": "healthwatch-knowsley",
               "LI": "healthwatch-liverpool", "SH": "healthwatch-st-helens",
               "SE": "healthwatch-sefton", "WI": "healthwatch-wirral"}
POLICE = {p: ("cheshire-constabulary" if p in ("CE", "CW", "HA", "WA") else "merseyside-police")
          for p in PLACES}
FIRE = {p: ("cheshire-fire" if p in ("CE", "CW", "HA", "WA") else "merseyside-fire") for p in PLACES}
ACUTE = {"CE": "RBT", "CW": "RJR", "HA": "RWW", "WA": "RWW", "KN": "RBN", "LI": "REM",
         "SH": "RBN", "SE": "RVY", "WI": "RBL"}

# ---------------------------------------------------------------------------
# Boards
HWB = {p: f"HWB-{pc(p)}" for p in PLACES}
PPB_NAMES = {
    "CE": "Cheshire East Health and Care Partnership Board",
    "CW": "Cheshire West Integrated Care Partnership Board",
    "WA": "Warrington Together Partnership Board",
    "LI": "One Liverpool Partnership Board",
    "SH": "St Helens Cares Partnership Board",
    "SE": "Sefton Partnership Board",
    "WI": "Wirral Place Based Partnership Board",
}   # Halton and Knowsley use their HWB as the ICP board
PPB = {p: f"PPB-{pc(p)}" for p in PPB_NAMES}
PPB_PARENT = {"CE", "CW", "LI", "SH", "WI"}       # SE linked by board_links; WA not linked
SAB = {p: f"SAB-{pc(p)}" for p in PLACES}
SCP = {p: f"SCP-{pc(p)}" for p in PLACES if p != "KN"}   # Knowsley: none in the sample
CSP = {p: f"CSP-{pc(p)}" for p in PLACES}
CSP_NAMES = {"CE": "Safer Cheshire East Partnership", "CW": "Safer Cheshire West Partnership",
             "HA": "Safer Halton Partnership", "WA": "Safer Warrington Partnership",
             "KN": "Safer Knowsley Partnership", "LI": "Citysafe Liverpool",
             "SH": "Safer St Helens Partnership", "SE": "Safer Sefton Together",
             "WI": "Safer Wirral Partnership"}
LEP_LCR, LEP_CW = "LEP-LCR", "LEP-CW"
PCF, ICP, VRP = "PCF-QYG", "ICP-QYG", "VRP-MERSEYSIDE"


def boards_rows():
    rows = []
    for p, (code, name) in PLACES.items():
        rows.append([HWB[p], f"{name} Health and Wellbeing Board", "health_and_wellbeing_board",
                     code, "", ""])
        if p in PPB:
            rows.append([PPB[p], PPB_NAMES[p], "place_partnership_board", code, "",
                         HWB[p] if p in PPB_PARENT else ""])
        sab_name = ("Wirral Safeguarding Adults Partnership Board" if p == "WI"
                    else f"{name} Safeguarding Adults Board")
        rows.append([SAB[p], sab_name, "safeguarding_adults_board", code, "", ""])
        if p in SCP:
            rows.append([SCP[p], f"{name} Safeguarding Children Partnership",
                         "safeguarding_children_partnership", code, "", ""])
        rows.append([CSP[p], CSP_NAMES[p], "community_safety_partnership", code, "", ""])
    rows.append([LEP_LCR, "Liverpool City Region Local Enterprise Partnership",
                 "local_enterprise_partnership", pc("LI"), "", ""])
    rows.append([LEP_CW, "Cheshire and Warrington Local Enterprise Partnership",
                 "local_enterprise_partnership", pc("CE"), "", ""])
    rows.append([PCF, "Cheshire and Merseyside Place Collaborative Forum",
                 "place_collaborative_forum", "", ICS[0], ""])
    rows.append([ICP, "Cheshire and Merseyside Health and Care Partnership",
                 "ics_partnership", "", ICS[0], ""])
    rows.append([VRP, "Merseyside Violence Reduction Partnership", "other", "", "", ""])
    return rows


# ---------------------------------------------------------------------------
# Memberships of the partnership boards (HWB, PPB): Place -> board -> role -> orgs
HWB_FROM, PPB_FROM = "2013-04-01", "2021-04-01"
PARTNERSHIP = {
    "CE": {"hwb_core": ["cheshire-east-council", "27D", "healthwatch-cheshire"],
           "hwb_wider": ["RBT", "RJN", "cheshire-constabulary", "cvs-cheshire-east", "champs"],
           "ppb_core": ["cheshire-east-council", "27D", "RBT", "RJN", "RXA", "cheshire-east-gp-federation"],
           "ppb_wider": ["healthwatch-cheshire", "peaks-plains", "plus-dane", "cvs-cheshire-east",
                         "cheshire-constabulary", "cheshire-fire", "diocese-of-chester",
                         "cheshire-college", "cheshire-care-providers", "champs"]},
    "CW": {"hwb_core": ["cheshire-west-council", "27D", "healthwatch-cheshire"],
           "hwb_wider": ["RJR", "cheshire-constabulary", "cheshire-community-action"],
           "ppb_core": ["cheshire-west-council", "27D", "RJR", "RBT", "RXA", "cheshire-west-gp-federation"],
           "ppb_wider": ["healthwatch-cheshire", "weaver-vale", "plus-dane", "cheshire-community-action",
                         "cheshire-constabulary", "cheshire-pcc", "cheshire-fire",
                         "university-of-chester", "diocese-of-chester", "probation-nw"]},
    "HA": {"hwb_core": ["halton-council", "01F", "healthwatch-halton", "RWW", "RY2", "RW4",
                        "halton-gp-federation"],
           "hwb_wider": ["champs", "halton-chamber", "riverside-college", "cheshire-fire",
                         "archdiocese-of-liverpool"]},
    "WA": {"hwb_core": ["warrington-council", "02E", "healthwatch-warrington"],
           "hwb_wider": ["RWW", "cheshire-fire"],
           "ppb_core": ["warrington-council", "02E", "RWW", "RY2", "RW4", "warrington-gp-federation"],
           "ppb_wider": ["healthwatch-warrington", "torus", "warrington-voluntary-action", "cheshire-fire",
                         "warrington-vale-royal-college", "diocese-of-liverpool"]},
    "KN": {"hwb_core": ["knowsley-council", "01J", "healthwatch-knowsley", "RBN", "RW4",
                        "knowsley-gp-federation"],
           "hwb_wider": ["merseyside-police", "merseyside-fire", "one-knowsley", "tea-toast-talk-kirkby",
                         "archdiocese-of-liverpool", "dwp-merseyside"]},
    "LI": {"hwb_core": ["liverpool-city-council", "99A", "healthwatch-liverpool"],
           "hwb_wider": ["REM", "liverpool-cvs", "merseyside-police", "ukhsa-nw"],
           "ppb_core": ["liverpool-city-council", "99A", "REM", "RBS", "REP", "RW4",
                        "liverpool-gp-federation", "liverpool-cvs"],
           "ppb_wider": ["healthwatch-liverpool", "plus-dane", "riverside", "onward-homes",
                         "merseyside-police", "merseyside-fire", "diocese-of-liverpool",
                         "archdiocese-of-liverpool", "university-of-liverpool", "ljmu",
                         "liverpool-chamber", "liverpool-care-providers", "champs", "dwp-merseyside",
                         "RBQ", "RET", "REN"]},
    "SH": {"hwb_core": ["st-helens-council", "01X", "healthwatch-st-helens"],
           "hwb_wider": ["RBN", "merseyside-police"],
           "ppb_core": ["st-helens-council", "01X", "RBN", "RW4", "RY2", "st-helens-gp-federation"],
           "ppb_wider": ["healthwatch-st-helens", "torus", "merseyside-police", "merseyside-fire",
                         "st-helens-chamber", "diocese-of-liverpool"]},
    "SE": {"hwb_core": ["sefton-council", "01T", "01V", "healthwatch-sefton"],
           "hwb_wider": ["REM", "sefton-cvs"],
           "ppb_core": ["sefton-council", "01T", "01V", "REM", "RVY", "RW4", "sefton-gp-federation"],
           "ppb_wider": ["healthwatch-sefton", "one-vision-housing", "sefton-cvs", "cafe-sefton",
                         "merseyside-police", "merseyside-fire", "sefton-interfaith-forum",
                         "probation-nw"]},
    "WI": {"hwb_core": ["wirral-council", "12F", "healthwatch-wirral"],
           "hwb_wider": ["RBL", "vca-wirral"],
           "ppb_core": ["wirral-council", "12F", "RBL", "RXA", "RY7"],
           "ppb_wider": ["healthwatch-wirral", "magenta-living", "vca-wirral", "merseyside-police",
                         "merseyside-fire", "wirral-met-college", "wirral-chamber", "REN",
                         "wirral-care-homes", "diocese-of-chester"]},
}
# History and not-yet-started memberships: (org, board, role, from, to)
MEMBERSHIP_HISTORY = [
    ("your-housing", PPB["CE"], "wider", "2019-04-01", "2020-03-31"),
    ("cheshire-west-voluntary-action", PPB["CW"], "wider", "2019-04-01", "2021-03-31"),
    ("cheshire-west-voluntary-action", PPB["CW"], "core", "2021-04-01", ""),   # wider -> core
    ("halton-housing", HWB["HA"], "wider", "2016-04-01", "2020-03-31"),        # Halton: ended
    ("cheshire-constabulary", HWB["HA"], "wider", FUTURE, ""),                 # Halton: future
    ("RX7", PPB["LI"], "core", "2019-04-01", "2021-03-31"),                    # ended core
    ("lcr-combined-authority", PPB["LI"], "core", FUTURE, ""),                 # future core
    ("halton-st-helens-vca", PPB["SH"], "wider", "2019-04-01", "2022-03-31"),  # St Helens: ended
    ("your-housing", CSP["WA"], "wider", "2017-04-01", "2020-03-31"),
]


def memberships_rows():
    rows = []
    for p, spec in PARTNERSHIP.items():
        for key, board, role, frm in (("hwb_core", HWB[p], "core", HWB_FROM),
                                      ("hwb_wider", HWB[p], "wider", HWB_FROM),
                                      ("ppb_core", PPB.get(p), "core", PPB_FROM),
                                      ("ppb_wider", PPB.get(p), "wider", PPB_FROM)):
            for i, org in enumerate(spec.get(key, [])):
                # a few blank `from` dates, deterministically
                f = "" if (i == 2 and role == "wider") else frm
                rows.append([org, board, role, f, ""])
    for p in PLACES:
        ccg = CCGS[p][0]
        rows += [[COUNCIL[p], SAB[p], "core", "2015-04-01", ""],
                 [ccg, SAB[p], "core", "2015-04-01", ""],
                 [POLICE[p], SAB[p], "core", "2015-04-01", ""],
                 [ACUTE[p], SAB[p], "wider", "2015-04-01", ""],
                 [HEALTHWATCH[p], SAB[p], "wider", "", ""]]
        if p in SCP:
            rows += [[COUNCIL[p], SCP[p], "core", "2019-09-29", ""],
                     [ccg, SCP[p], "core", "2019-09-29", ""],
                     [POLICE[p], SCP[p], "core", "2019-09-29", ""]]
        rows += [[COUNCIL[p], CSP[p], "core", "2010-04-01", ""],
                 [POLICE[p], CSP[p], "core", "2010-04-01", ""],
                 [FIRE[p], CSP[p], "core", "2010-04-01", ""],
                 ["probation-nw", CSP[p], "core", "2014-06-01", ""]]
    rows += [["halton-st-helens-vca", SAB["HA"], "wider", "2018-04-01", ""],
             ["livv", CSP["KN"], "wider", "2016-04-01", ""],
             ["one-knowsley", CSP["KN"], "wider", "2016-04-01", ""],
             ["magenta-living", CSP["WI"], "wider", "2016-04-01", ""],
             ["riverside-college", SCP["HA"], "wider", "2019-09-29", ""],
             ["wirral-met-college", SCP["WI"], "wider", "2019-09-29", ""],
             ["ljmu", SCP["LI"], "wider", "2019-09-29", ""]]
    # LEPs
    rows += [[o, LEP_LCR, "core", "2012-04-01", ""] for o in
             ("lcr-combined-authority", "liverpool-city-council", "liverpool-chamber")]
    rows += [[o, LEP_LCR, "wider", "2012-04-01", ""] for o in
             ("university-of-liverpool", "ljmu", "st-helens-chamber", "wirral-chamber", "halton-chamber")]
    rows += [[o, LEP_CW, "core", "2011-10-01", ""] for o in
             ("cheshire-east-council", "cheshire-west-council", "warrington-council")]
    rows += [[o, LEP_CW, "wider", "2011-10-01", ""] for o in ("university-of-chester", "cheshire-college")]
    # ICS level
    rows += [[COUNCIL[p], PCF, "core", "2021-07-01", ""] for p in PLACES]
    rows += [["X24", PCF, "wider", "2021-07-01", ""], ["champs", PCF, "wider", "2021-07-01", ""]]
    rows += [[COUNCIL[p], ICP, "core", "2021-04-01", ""] for p in PLACES]
    ccgs = sorted({c for cs in CCGS.values() for c in cs})
    rows += [[c, ICP, "core", "2021-04-01", "2022-06-30"] for c in ccgs]   # CCGs abolished
    rows += [[o, ICP, "wider", "2021-04-01", ""] for o in
             ("liverpool-cvs", "merseyside-police", "cheshire-constabulary", "X24", "champs", "ukhsa-nw")]
    rows += [["merseyside-police", VRP, "core", "2019-09-01", ""],
             ["merseyside-pcc", VRP, "core", "2019-09-01", ""]]
    rows += [[o, VRP, "wider", "2019-09-01", ""] for o in
             ("merseyside-fire", "liverpool-city-council", "knowsley-council", "sefton-council",
              "wirral-council", "st-helens-council")]
    rows += [list(m) for m in MEMBERSHIP_HISTORY]
    return rows


def is_current(frm: str, to: str, on: str = REF) -> bool:
    return (not frm or frm <= on) and (not to or to >= on)


def core_members(p: str, mrows) -> list[str]:
    boards = {HWB[p]} | ({PPB[p]} if p in PPB else set())
    return sorted({o for o, b, r, f, t in mrows if b in boards and r == "core" and is_current(f, t)})


# ---------------------------------------------------------------------------
BOARD_LINKS = [
    # Cheshire East: everything linked (LEP serves Cheshire East)
    (PPB["CE"], SAB["CE"], "information sharing"), (PPB["CE"], SCP["CE"], "joint work programme"),
    (PPB["CE"], CSP["CE"], "shared priorities"), (PPB["CE"], LEP_CW, "economic partner"),
    (PPB["CE"], ICP, "reports to"),
    # Cheshire West: LEP serving another Place still counts
    (PPB["CW"], SAB["CW"], "information sharing"), (PPB["CW"], SCP["CW"], "joint work programme"),
    (PPB["CW"], CSP["CW"], "shared priorities"), (PPB["CW"], LEP_CW, "economic partner"),
    (PPB["CW"], ICP, "reports to"),
    # Halton (HWB is the ICP board): links in both directions
    (SAB["HA"], HWB["HA"], "reports to"), (HWB["HA"], SCP["HA"], "joint subgroup"),
    (CSP["HA"], HWB["HA"], "reports to"), (HWB["HA"], LEP_LCR, "economic partner"),
    # Warrington: PPB has no parent and no link to the HWB
    (PPB["WA"], SAB["WA"], "information sharing"), (PPB["WA"], SCP["WA"], "joint work programme"),
    (PPB["WA"], CSP["WA"], "shared priorities"), (PPB["WA"], LEP_CW, "economic partner"),
    (HWB["WA"], SAB["WA"], "receives annual report"),
    # Knowsley (HWB is the ICP board): no safeguarding children board, no LEP link
    (SAB["KN"], HWB["KN"], "reports to"), (HWB["KN"], CSP["KN"], "joint subgroup"),
    # Liverpool
    (PPB["LI"], SAB["LI"], "information sharing"), (SCP["LI"], PPB["LI"], "reports to"),
    (PPB["LI"], CSP["LI"], "shared priorities"), (PPB["LI"], LEP_LCR, "economic partner"),
    (PPB["LI"], PCF, "place lead sits on"), (SAB["LI"], SCP["LI"], "joint subgroup"),
    # St Helens: CSP and LEP linked to the HWB only, not to the PPB (decoys)
    (PPB["SH"], SAB["SH"], "information sharing"), (PPB["SH"], SCP["SH"], "joint work programme"),
    (CSP["SH"], HWB["SH"], "reports to"), (HWB["SH"], LEP_LCR, "economic partner"),
    # Sefton: HWB link by board_links (no parent), several reverse rows
    (HWB["SE"], PPB["SE"], "oversees"), (SAB["SE"], PPB["SE"], "reports to"),
    (PPB["SE"], SCP["SE"], "joint work programme"), (PPB["SE"], CSP["SE"], "shared priorities"),
    (LEP_LCR, PPB["SE"], "economic partner"),
    # Wirral: no LEP link from the PPB (the HWB has one: decoy)
    (PPB["WI"], SAB["WI"], "information sharing"), (PPB["WI"], SCP["WI"], "joint work programme"),
    (CSP["WI"], PPB["WI"], "joint subgroup"), (HWB["WI"], LEP_LCR, "economic partner"),
    (PPB["WI"], ICP, "reports to"),
]

# ---------------------------------------------------------------------------
# Agreements and signatures
AGREEMENTS = [
    # code, title, kind, place, effective_from
    (f"MOU-{pc('CE')}", "Cheshire East Place Memorandum of Understanding", "mou", "CE", "2021-09-01"),
    (f"PA-{pc('CW')}", "Cheshire West Place Agreement", "place_agreement", "CW", "2021-09-15"),
    (f"MOU-{pc('HA')}", "One Halton Memorandum of Understanding", "mou", "HA", "2021-09-01"),
    (f"MOU-{pc('WA')}", "Warrington Together Memorandum of Understanding", "mou", "WA", "2021-10-01"),
    (f"MOU-{pc('LI')}", "One Liverpool Memorandum of Understanding", "mou", "LI", "2021-07-01"),
    (f"MOU-{pc('SH')}", "St Helens Cares Memorandum of Understanding", "mou", "SH", "2021-08-01"),
    (f"MOU-{pc('SE')}", "Sefton Partnership Memorandum of Understanding", "mou", "SE", "2021-09-01"),
    (f"MOU-{pc('WI')}", "Wirral Place Memorandum of Understanding", "mou", "WI", "2021-09-01"),
    (f"S75-{pc('WI')}", "Wirral Section 75 Agreement – Integrated Commissioning", "section_75",
     "WI", "2021-04-01"),
]   # Knowsley: no agreement
# per agreement: late {org: date}, blank [orgs listed, not signed], norow [core members left out],
# extra {org: date or ""} for listed non-core parties
SIGN_PLAN = {
    f"MOU-{pc('CE')}": dict(late={"cheshire-east-gp-federation": "2021-11-15"},
                            extra={"peaks-plains": "2021-09-20"}),
    f"PA-{pc('CW')}": dict(blank=["RJR", "cheshire-west-gp-federation"], norow=["RXA"],
                           extra={"cheshire-constabulary": "2021-09-29"}),
    f"MOU-{pc('HA')}": dict(late={"RW4": "2021-10-20"}),
    f"MOU-{pc('WA')}": dict(blank=["RW4", "RY2", "warrington-gp-federation"],
                            norow=["healthwatch-warrington"], extra={"torus": ""}),
    f"MOU-{pc('LI')}": dict(last={"liverpool-cvs": "2021-09-28"},
                            extra={"everton-in-the-community": "2021-09-20",
                                   "university-of-liverpool": "2021-08-12"}),
    f"MOU-{pc('SH')}": dict(norow=["st-helens-gp-federation"]),
    f"MOU-{pc('SE')}": dict(late={"RVY": "2021-10-14"}, extra={"sefton-cvs": "2021-09-10"}),
    f"MOU-{pc('WI')}": dict(norow=["RY7"], blank=["RXA"]),
    f"S75-{pc('WI')}": dict(only={"wirral-council": "2021-03-30", "12F": "2021-03-31"}),
}


def rand_date(a: str, b: str) -> str:
    d0, d1 = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return (d0 + dt.timedelta(days=rng.randint(0, (d1 - d0).days))).isoformat()


def signatures_rows(mrows):
    rows = []
    for code, _t, _k, p, eff in AGREEMENTS:
        plan = SIGN_PLAN[code]
        sig: dict[str, str] = {}
        if "only" in plan:
            sig.update(plan["only"])
        else:
            start = (dt.date.fromisoformat(eff) - dt.timedelta(days=45)).isoformat()
            for org in core_members(p, mrows):
                if org in plan.get("norow", []):
                    continue
                if org in plan.get("blank", []):
                    sig[org] = ""
                elif org in plan.get("late", {}):
                    sig[org] = plan["late"][org]
                elif org in plan.get("last", {}):
                    sig[org] = plan["last"][org]
                else:
                    sig[org] = rand_date(start, "2021-09-24")
            sig.update(plan.get("extra", {}))
        rows += [[code, o, sig[o]] for o in sorted(sig)]
    return rows


# ---------------------------------------------------------------------------
# People, roles, endorsements (names invented)
PEOPLE = [
    ("PER-001", "Siobhan Kelly", "Interim Place Director", "27D"),
    ("PER-002", "Gareth Lloyd", "Place Director", "cheshire-east-council"),
    ("PER-003", "Priya Shah", "Place Director", "cheshire-west-council"),
    ("PER-004", "Tom Whitfield", "Director of Integrated Care", "halton-council"),
    ("PER-005", "Nadia Rahman", "Place Director", "02E"),
    ("PER-006", "Daniel Okafor", "Director of One Liverpool", "99A"),
    ("PER-007", "Helen Barker", "Place Director", "st-helens-council"),
    ("PER-008", "Iqbal Hussain", "Place Director", "sefton-council"),
    ("PER-009", "Claire Donnelly", "Place Director", "12F"),
    ("PER-010", "Rachel Moss", "Communications and Engagement Lead", "cheshire-east-council"),
    ("PER-011", "Owen Fairclough", "Head of Communications", "27D"),
    ("PER-012", "Joanne Pritchard", "Communications Manager", "warrington-council"),
    ("PER-013", "Fiona McBride", "Head of Communications and Engagement", "99A"),
    ("PER-014", "Sam Ellison", "Communications Lead", "sefton-council"),
    ("PER-015", "Siân Roberts", "Engagement Manager", "wirral-council"),
    ("PER-016", "Mark Ashworth", "Cabinet Member for Adult Social Care", "cheshire-east-council"),
    ("PER-017", "Leah Cartwright", "Cabinet Member for Health", "knowsley-council"),
    ("PER-018", "Martin Doyle", "Cabinet Member for Health and Wellbeing", "liverpool-city-council"),
    ("PER-019", "Aisha Begum", "Independent Chair", ""),
    ("PER-020", "Chris Rimmer", "Leader of the Council", "sefton-council"),
    ("PER-021", "Kate Holroyd", "Chief Executive", "RBL"),
    ("PER-022", "Imran Malik", "Independent Chair", ""),
    ("PER-023", "Ruth Ogden", "Director of Public Health", "knowsley-council"),
    ("PER-024", "Neil Brereton", "Head of Communications", "halton-council"),
    ("PER-025", "Zoë Kirkham", "Chief Executive", "sefton-cvs"),
    ("PER-026", "Beth Lyon", "Chief Superintendent", "merseyside-police"),
    ("PER-027", "David Crank", "Managing Director", "RWW"),
    ("PER-028", "Sinead Roberts", "Director of Adult Social Services", "wirral-council"),
]
ROLES = [
    # place leads (Knowsley has none; Cheshire East has two, the later one is the lead)
    ("PER-001", "place_lead", pc("CE"), "2021-07-01"),
    ("PER-002", "place_lead", pc("CE"), "2022-04-01"),
    ("PER-003", "place_lead", pc("CW"), "2021-10-01"),
    ("PER-004", "place_lead", pc("HA"), "2021-11-01"),
    ("PER-005", "place_lead", pc("WA"), "2021-10-01"),
    ("PER-006", "place_lead", pc("LI"), "2021-09-01"),
    ("PER-007", "place_lead", pc("SH"), "2022-01-15"),
    ("PER-008", "place_lead", pc("SE"), "2021-12-01"),
    ("PER-009", "place_lead", pc("WI"), "2021-12-31"),
    # comms links (none for Halton, Knowsley, St Helens)
    ("PER-010", "comms_link", pc("CE"), "2021-08-01"),
    ("PER-011", "comms_link", pc("CW"), "2021-09-01"),
    ("PER-012", "comms_link", pc("WA"), "2021-11-01"),
    ("PER-013", "comms_link", pc("LI"), "2021-07-15"),
    ("PER-014", "comms_link", pc("SE"), "2021-10-01"),
    ("PER-015", "comms_link", pc("WI"), ""),
    # Place Collaborative Forum (Halton's lead sits on the ICS partnership instead)
    ("PER-006", "chair", PCF, "2021-07-01"),
    ("PER-001", "member", PCF, "2021-07-15"),
    ("PER-002", "member", PCF, "2022-04-01"),
    ("PER-003", "member", PCF, "2021-10-15"),
    ("PER-005", "member", PCF, "2021-10-15"),
    ("PER-007", "member", PCF, "2022-02-01"),
    ("PER-008", "member", PCF, "2021-12-10"),
    ("PER-009", "member", PCF, "2022-01-10"),
    ("PER-004", "member", ICP, "2021-11-15"),
    ("PER-019", "chair", ICP, "2021-04-01"),
    # other boards
    ("PER-016", "chair", HWB["CE"], "2021-05-20"),
    ("PER-017", "chair", HWB["KN"], "2020-05-21"),
    ("PER-018", "chair", HWB["LI"], "2019-05-23"),
    ("PER-020", "chair", PPB["SE"], "2021-04-01"),
    ("PER-021", "member", PPB["WI"], "2021-04-01"),
    ("PER-022", "chair", SAB["SH"], "2020-01-01"),
    ("PER-023", "member", HWB["KN"], "2018-09-01"),
    ("PER-024", "member", HWB["HA"], "2021-06-01"),
    ("PER-025", "member", PPB["SE"], "2021-04-01"),
    ("PER-026", "member", CSP["LI"], "2020-04-01"),
    ("PER-027", "member", PPB["WA"], "2021-04-01"),
    ("PER-028", "member", HWB["WI"], "2019-06-01"),
    ("PER-002", "member", PPB["CE"], "2022-04-01"),
    ("PER-006", "member", PPB["LI"], "2021-04-01"),
]
LEADS = {"CE": "PER-002", "CW": "PER-003", "HA": "PER-004", "WA": "PER-005", "LI": "PER-006",
         "SH": "PER-007", "SE": "PER-008", "WI": "PER-009"}
LEAD_FROM = {p: f for (_pid, r, t, f) in ROLES if r == "place_lead"
             for p in PLACES if pc(p) == t}
ENDORSE_PLAN = {"CE": "all", "CW": ["cheshire-west-council", "27D", "RJR"], "HA": "all",
                "WA": [], "LI": "all", "SH": ["st-helens-council", "01X"], "SE": "all", "WI": "all"}
ENDORSE_EXTRA = [  # (org, person, date): endorsements that must not count
    ("torus", "PER-007", "2022-01-10"),              # St Helens: wider member
    ("27D", "PER-001", "2021-06-20"),                 # Cheshire East: the earlier lead
    ("RBT", "PER-001", "2021-06-22"),
    ("RJN", "PER-001", "2021-06-25"),
    ("halton-council", "PER-005", "2021-09-30"),      # Warrington's lead, by another Place's council
]


def endorsements_rows(mrows):
    rows = []
    for p, plan in ENDORSE_PLAN.items():
        orgs = core_members(p, mrows) if plan == "all" else plan
        lead = LEADS[p]
        end = dt.date.fromisoformat(LEAD_FROM[p])
        for o in orgs:
            rows.append([o, lead, (end - dt.timedelta(days=rng.randint(1, 40))).isoformat()])
    rows += [list(e) for e in ENDORSE_EXTRA]
    return rows


# ---------------------------------------------------------------------------
# Plans: code suffix, title, kind, place, approved_by, approved_on, covers_seldom_heard
def plans_rows():
    P = []

    def add(p, suffix, title, kind, by="", on="", seldom=""):
        P.append([f"PLAN-{pc(p)}-{suffix}", title, kind, pc(p), by, on, seldom])

    add("CE", "PP", "Cheshire East Joint Local Health and Wellbeing Plan", "place_plan", HWB["CE"], "2022-03-15")
    add("CE", "DEV", "Cheshire East Place Development Plan 2021/22", "development_plan")
    add("CE", "OD", "Cheshire East Partnership OD Plan", "od_plan")
    add("CE", "ENG", "Cheshire East Communications and Engagement Plan", "engagement_plan", seldom="true")
    add("CE", "JSNA", "Cheshire East JSNA", "jsna", HWB["CE"], "2021-06-17")
    add("CW", "VIS", "Cheshire West Shared Vision for Health and Care", "shared_vision", PPB["CW"], "2022-01-20")
    add("CW", "DEV", "Cheshire West Place Development Plan", "development_plan")
    add("CW", "ENG", "Cheshire West Engagement Plan", "engagement_plan", seldom="false")
    add("CW", "JSNA", "Cheshire West and Chester JSNA", "jsna")
    add("HA", "VIS", "One Halton Shared Vision", "shared_vision", HWB["HA"], "2021-12-08")
    add("HA", "OD", "One Halton Organisational Development Plan", "od_plan")
    add("HA", "ENG", "One Halton Engagement Plan", "engagement_plan", seldom="true")
    add("HA", "JSNA", "Halton JSNA", "jsna", HWB["HA"], "2021-03-10")
    add("WA", "PP", "Warrington Together Place Plan", "place_plan")
    add("WA", "DEV", "Warrington Together Development Plan", "development_plan")
    add("WA", "JSNA", "Warrington JSNA", "jsna")
    add("KN", "JSNA", "Knowsley JSNA", "jsna", HWB["KN"], "2021-07-14")
    add("LI", "VIS", "One Liverpool Shared Vision", "shared_vision", HWB["LI"], "2021-11-10")
    add("LI", "PP", "One Liverpool Place Plan 2022-24", "place_plan", PPB["LI"], "2022-02-02")
    add("LI", "DEV", "One Liverpool Development Plan", "development_plan")
    add("LI", "OD", "One Liverpool OD Plan", "od_plan")
    add("LI", "ENG", "One Liverpool Communications and Engagement Plan", "engagement_plan", seldom="true")
    add("LI", "JSNA", "Liverpool JSNA", "jsna", HWB["LI"], "2021-05-27")
    add("SH", "PP", "St Helens Cares Place Plan", "place_plan", HWB["SH"], "2022-02-09")
    add("SH", "DEV", "St Helens Cares Development Plan", "development_plan")
    add("SH", "JSNA", "St Helens JSNA", "jsna")
    add("SE", "VIS", "Sefton Health and Wellbeing Strategy – Shared Vision", "shared_vision", HWB["SE"], "2021-10-06")
    add("SE", "DEV", "Sefton Partnership Development Plan", "development_plan")
    add("SE", "OD", "Sefton Partnership OD Plan", "od_plan")
    add("SE", "ENG", "Sefton Engagement and Seldom Heard Voices Plan", "engagement_plan", seldom="true")
    add("SE", "JSNA", "Sefton JSNA", "jsna", HWB["SE"], "2021-03-03")
    add("WI", "VIS", "Wirral Place Shared Vision", "shared_vision", HWB["WI"], "2021-12-15")
    add("WI", "DEV", "Wirral Place Development Plan", "development_plan")
    add("WI", "OD", "Wirral Place OD Plan", "od_plan")
    add("WI", "ENG", "Wirral Communications Plan", "engagement_plan", seldom="false")
    add("WI", "JSNA", "Wirral JSNA", "jsna")
    return P


def commissioning_rows():
    C = []

    def add(p, suffix, name, kind, value, partners):
        C.append([f"COM-{pc(p)}-{suffix}", name, kind, pc(p), value, ";".join(partners)])

    add("CE", "BCF", "Better Care Fund – Cheshire East", "pooled_budget", 41250000,
        ["cheshire-east-council", "27D"])
    add("CE", "JT", "Cheshire East Integrated Commissioning Team", "joint_team", 1850000,
        ["cheshire-east-council", "27D"])
    add("CW", "BCF", "Better Care Fund – Cheshire West and Chester", "pooled_budget", 38900000,
        ["cheshire-west-council", "27D"])
    add("HA", "BCF", "Better Care Fund – Halton", "pooled_budget", 17600000, ["halton-council", "01F"])
    add("HA", "JP", "Director of Integrated Commissioning (Halton)", "joint_post", 98000,
        ["halton-council", "01F"])
    add("WA", "JP", "Joint Director of Commissioning (Warrington)", "joint_post", 96500,
        ["warrington-council", "02E"])
    add("KN", "LC", "Knowsley Learning Disability Lead Commissioning", "lead_commissioning", "",
        ["knowsley-council", "01J"])
    add("LI", "BCF", "Better Care Fund – Liverpool", "pooled_budget", 92400000,
        ["liverpool-city-council", "99A"])
    add("LI", "JP", "Director of Adult Integrated Commissioning (Liverpool)", "joint_post", 105000,
        ["liverpool-city-council", "99A"])
    add("LI", "LC", "Liverpool Mental Health Lead Commissioning", "lead_commissioning", 64000000,
        ["99A", "liverpool-city-council", "RW4"])
    add("SH", "BCF", "Better Care Fund – St Helens", "pooled_budget", 24300000,
        ["st-helens-council", "01X"])
    add("SH", "LC", "St Helens Children's Services Lead Commissioning", "lead_commissioning", "",
        ["st-helens-council", "01X"])
    add("SE", "BCF", "Better Care Fund – Sefton", "pooled_budget", 37800000,
        ["sefton-council", "01T", "01V"])
    add("SE", "JP", "Joint Head of Integrated Commissioning (Sefton)", "joint_post", 88000,
        ["sefton-council", "01T", "01V"])
    add("WI", "BCF", "Better Care Fund – Wirral", "pooled_budget", 57100000, ["wirral-council", "12F"])
    add("WI", "JT", "Wirral All Age Disability Joint Commissioning Team", "joint_team", 2300000,
        ["wirral-council", "12F", "RY7"])
    return C


MILESTONES = [
    ("boundaries_confirmed", "Confirm ICS boundaries, constituent partners and place arrangements", "2021-06-30"),
    ("mou_agreed", "Agree an MOU with each Place", "2021-09-30"),
    ("governance_confirmed", "Confirm governance for the partnership", "2021-09-30"),
    ("place_lead_designate", "Designate place-level leaders", "2021-12-31"),
    ("ics_mou_2022_23", "ICS operating plans in an ICS MOU for 2022/23", "2022-03-31"),
    ("ics_body_established", "New ICS NHS body established", "2022-04-01"),
]


# ---------------------------------------------------------------------------
# Geography: areas, PCNs, practices, registrations
def build_geography():
    area_rows = []                 # code, name, kind, place_code, neighbourhood_code
    groups = defaultdict(list)     # group key -> area codes (where patients live)
    place_areas = defaultdict(list)
    seq = [1]

    def new_area(label, n, place, nbh, group):
        code = f"E0199{seq[0]:04d}"
        seq[0] += 1
        area_rows.append([code, f"{label} {n:02d}", "lsoa", place, nbh])
        groups[group].append(code)
        return code

    for p, nbs in NEIGHBOURHOODS.items():
        for i, (_name, label) in enumerate(nbs, start=1):
            n = rng.randint(5, 8)
            k = 0
            for _ in range(n):
                k += 1
                new_area(label, k, pc(p), nb(p, i), nb(p, i))
            for _ in range(PLACE_ONLY_IN_NB.get((p, i), 0)):
                k += 1
                new_area(label, k, pc(p), "", nb(p, i))
            for _ in range(NB_ONLY.get((p, i), 0)):
                k += 1
                new_area(label, k, "", nb(p, i), nb(p, i))
        for label, n in PLACE_ONLY_GROUPS.get(p, []):
            for k in range(1, n + 1):
                new_area(label, k, pc(p), "", label)
        for g in [nb(p, i) for i in range(1, len(nbs) + 1)] + [g for g, _ in PLACE_ONLY_GROUPS.get(p, [])]:
            place_areas[p] += groups[g]
    for j, (code, name) in enumerate(OUTSIDE, start=1):
        area_rows.append([code, name, "lsoa", "", ""])
        groups[f"OUT{j}"].append(code)

    pcn_rows, practice_rows, reg_rows = [], [], []
    pcode = [1]
    used_postcodes = set()

    def postcode(prefixes):
        while True:
            s = (f"{rng.choice(prefixes)} {rng.randint(1, 9)}"
                 f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}")
            if s not in used_postcodes:
                used_postcodes.add(s)
                return s

    def register(prac, home, same_place_other, spills, total=None):
        """Spread a practice's list over areas: home groups, a little elsewhere in the Place,
        and the PCN's spill outside the Place."""
        total = total or rng.randint(3000, 12000)
        alloc = defaultdict(int)
        spill_total = 0.0
        for target, frac in spills:
            f = frac * rng.uniform(0.7, 1.3)
            spill_total += f
            pool = groups[target] if target.startswith("OUT") else place_areas[target]
            for a in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
                alloc[a] += max(5, round(total * f / 2))
        other = 0.0
        if same_place_other:
            for a in rng.sample(same_place_other, min(len(same_place_other), rng.randint(0, 2))):
                f = rng.uniform(0.01, 0.03)
                other += f
                alloc[a] += max(5, round(total * f))
        homes = rng.sample(home, min(len(home), rng.randint(3, 6)))
        weights = [rng.uniform(1, 5) for _ in homes]
        rest = total * max(0.0, 1 - spill_total - other)
        for a, w in zip(homes, weights):
            alloc[a] += max(5, round(rest * w / sum(weights)))
        for a in sorted(alloc):
            reg_rows.append([prac, a, alloc[a]])

    pcn_code = {}
    pcn_practices = defaultdict(list)   # pcn name -> practice codes (current)
    for idx, (name, p, leads, localities, prefixes, home_groups, spills) in enumerate(PCNS, start=1):
        code = f"U99{idx:03d}"
        pcn_code[name] = code
        pcn_rows.append([code, name, ";".join(nb(p, i) for i in leads)])
        hg = [nb(p, i) for i in leads] if leads else home_groups
        home = [a for g in hg for a in groups[g]]
        others = [a for a in place_areas[p] if a not in home]
        n_prac = min(len(localities), rng.randint(4, 6))
        for j in range(n_prac):
            prac = f"P99{pcode[0]:03d}"
            pcode[0] += 1
            loc = localities[j]
            suffix = SUFFIXES[(idx + j) % len(SUFFIXES)]
            pname = f"{loc} {suffix}" if not loc.startswith("St ") else f"{loc} Surgery"
            practice_rows.append([prac, pname, code, postcode(prefixes), pc(p),
                                  "" if j == 3 else "2019-07-01", ""])
            pcn_practices[name].append(prac)
            register(prac, home, others, spills)
        if name == "Widnes PCN":     # a Halton PCN with a practice located in Warrington
            prac = f"P99{pcode[0]:03d}"
            pcode[0] += 1
            practice_rows.append([prac, "Penketh Health Centre", code, postcode(["WA5"]), pc("WA"),
                                  "2019-07-01", ""])
            pcn_practices[name].append(prac)
            home_wa = groups[nb("WA", 4)]
            register(prac, home_wa, [a for a in place_areas["WA"] if a not in home_wa],
                     [("HA", 0.10)], total=12500)

    # membership history: (practice's current PCN, index within PCN, old PCN, old to, new from)
    def move(pcn_new, j, pcn_old, to, frm):
        prac = pcn_practices[pcn_new][j]
        for r in practice_rows:
            if r[0] == prac:
                r[5], r[6] = frm, ""
                row = r
        practice_rows.append([prac, row[1], pcn_code[pcn_old], row[3], row[4], "2019-07-01", to])

    move("Nantwich and Rural PCN", 0, "Crewe Central PCN", "2021-03-31", "2021-04-01")
    move("Everton PCN", 1, "Liverpool Central PCN", "2022-03-31", "2022-04-01")
    # a move that has not happened yet: current PCN is West Wirral until 2030-03-31
    prac = pcn_practices["West Wirral PCN"][2]
    for r in practice_rows:
        if r[0] == prac:
            r[6] = FUTURE_EVE
            base = r
    practice_rows.append([prac, base[1], pcn_code["South Wirral PCN"], base[3], base[4], FUTURE, ""])
    # a closed practice (history only, no registrations)
    prac = f"P99{pcode[0]:03d}"
    practice_rows.append([prac, "Seaforth Road Surgery", pcn_code["Bootle PCN"], postcode(["L21"]),
                          pc("SE"), "2019-07-01", "2021-03-31"])

    practice_rows.sort(key=lambda r: (r[0], r[5]))
    avoid_borderline_shares(area_rows, practice_rows, reg_rows)
    return area_rows, pcn_rows, practice_rows, reg_rows


def avoid_borderline_shares(area_rows, practice_rows, reg_rows):
    """Keep every PCN's share (place and neighbourhood level) clear of the 0.95 threshold
    and of 3-decimal rounding half-way points, so that reports are unambiguous."""
    nb_place = {nb(p, i): pc(p) for p, nbs in NEIGHBOURHOODS.items() for i in range(1, len(nbs) + 1)}
    fp = {"place": {}, "neighbourhood": {}}
    for code, _n, _k, place, nbh in area_rows:
        fp["place"][code] = place or nb_place.get(nbh, "unknown")
        fp["neighbourhood"][code] = nbh or "unknown"
    current = defaultdict(list)
    for code, _n, pcn, _pc, _pl, frm, to in practice_rows:
        if (not frm or frm <= REF) and (not to or to >= REF):
            current[pcn].append(code)
    by_prac = defaultdict(list)
    for r in reg_rows:
        by_prac[r[0]].append(r)

    def bad(share):
        return abs(share - 0.95) < 0.002 or abs(share * 1000 % 1 - 0.5) < 0.01

    for pcn in sorted(current):
        rows = [r for pr in current[pcn] for r in by_prac[pr]]
        for _ in range(50):
            fixed = True
            for level in ("place", "neighbourhood"):
                counts = defaultdict(int)
                for _p, a, n in rows:
                    counts[fp[level][a]] += n
                main = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
                total = sum(counts.values())
                share = counts[main] / total
                if bad(share):     # move the share up by about 0.0015
                    top = max((r for r in rows if fp[level][r[1]] == main), key=lambda r: r[2])
                    top[2] += int(0.0015 * total / max(1 - share - 0.0015, 0.001)) + 1
                    fixed = False
            if fixed:
                break


# ---------------------------------------------------------------------------
# Invented geography for the map: each Area a cell inside its Place, each practice a point.
# The Places' outlines are the one real file shipped here (ONS, Local Authority Districts
# December 2022, ultra generalised, OGL); the cells are Voronoi cells of invented seeds (a
# neighbourhood's seeds around an invented centre, so that its cells touch), clipped to the
# Place. A separate random stream, so the rest of the sample does not change with it.
BOUNDARIES = OUT / "lad22_buc_cm.geojson"
geo_rng = random.Random(SEED + 18)
# Invented cells for the out-of-area Areas, outside Cheshire and Merseyside: (lon, lat).
OUTSIDE_AT = {"W01990001": (-3.075, 53.205), "E01990901": (-2.885, 53.575), "E01990902": (-1.925, 53.33)}


def place_rings():
    """Place code -> its polygons' outer rings, as [(lon, lat)] (the shipped boundary file)."""
    with open(BOUNDARIES, encoding="utf-8") as fh:
        collection = json.load(fh)
    out = {}
    for feature in collection["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        out[feature["properties"]["LAD22CD"]] = [[tuple(xy) for xy in poly[0]] for poly in polygons]
    return out


def inside(point, ring):
    """Ray casting: is the point inside the ring?"""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def area_of(ring):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))) / 2


def clip(ring, a, b):
    """Sutherland-Hodgman: the part of a closed ring on the left of the line a -> b."""
    def left(p):
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0

    def cut(p, q):
        dx, dy = q[0] - p[0], q[1] - p[1]
        ex, ey = b[0] - a[0], b[1] - a[1]
        t = (ex * (a[1] - p[1]) - ey * (a[0] - p[0])) / (ex * dy - ey * dx)
        return (p[0] + t * dx, p[1] + t * dy)

    out = []
    points = ring[:-1]
    for i, q in enumerate(points):
        p = points[i - 1]
        if left(q):
            if not left(p):
                out.append(cut(p, q))
            out.append(q)
        elif left(p):
            out.append(cut(p, q))
    return out + out[:1] if out else []


def random_point(rings, box=None):
    """A point inside one of the rings (rejection sampling in their box, or in `box`)."""
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    x0, y0, x1, y1 = box or (min(xs), min(ys), max(xs), max(ys))
    for _ in range(10000):
        pt = (geo_rng.uniform(x0, x1), geo_rng.uniform(y0, y1))
        if any(inside(pt, r) for r in rings):
            return pt
    raise RuntimeError("no point found inside the rings")


def voronoi_cells(seeds, box):
    """Each seed's Voronoi cell (a convex ring) within the box."""
    x0, y0, x1, y1 = box
    cells = []
    for i, s in enumerate(seeds):
        cell = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        for j, t in enumerate(seeds):
            if i == j or not cell:
                continue
            mx, my = (s[0] + t[0]) / 2, (s[1] + t[1]) / 2
            dx, dy = t[0] - s[0], t[1] - s[1]
            cell = clip(cell, (mx + dy, my - dx), (mx - dy, my + dx))  # keep the side of s
        cells.append(cell)
    return cells


def spread(candidates, k):
    """k of the candidate points far from each other (farthest-point sampling)."""
    chosen = [candidates[0]]
    while len(chosen) < min(k, len(candidates)):
        chosen.append(max(candidates, key=lambda c: min((c[0] - d[0]) ** 2 + (c[1] - d[1]) ** 2 for d in chosen)))
    return chosen


def geojson(polygons):
    """Rings of (x, y) in the local plane, back to a compact GeoJSON geometry in lon/lat."""
    def ring_text(ring):
        return [[round(x / K, 5), round(y, 5)] for x, y in ring]

    kept = [[ring_text(r)] for r in polygons if len(r) >= 4 and area_of(r) > 1e-9]
    if len(kept) == 1:
        return json.dumps({"type": "Polygon", "coordinates": kept[0]}, separators=(",", ":"))
    return json.dumps({"type": "MultiPolygon", "coordinates": kept}, separators=(",", ":"))


K = 0.6  # cos(53.3 degrees): x = longitude * K, so that distances are the same both ways


def invent_geometry(area_rows, practice_rows, reg_rows):
    """Area code -> GeoJSON cell, practice code -> (lat, lon): all inside their Place."""
    lonlat_rings = place_rings()
    rings = {p: [[(x * K, y) for x, y in r] for r in rs] for p, rs in lonlat_rings.items()}
    nb_place = {nb(p, i): pc(p) for p, nbs in NEIGHBOURHOODS.items() for i in range(1, len(nbs) + 1)}
    place_of = {code: (place or nb_place.get(nbh, "")) for code, _n, _k, place, nbh in area_rows}
    group_of = {}
    for code, name, _k, place, nbh in area_rows:
        group_of[code] = nbh or name.rsplit(" ", 1)[0]
    for p, nbs in NEIGHBOURHOODS.items():  # areas IN the Place only, in a neighbourhood's patch
        for i, (_name, label) in enumerate(nbs, start=1):
            for code, name, _k, _place, nbh in area_rows:
                if not nbh and name.rsplit(" ", 1)[0] == label and place_of[code] == pc(p):
                    group_of[code] = nb(p, i)
    shapes, cells_of = {}, {}
    for place, place_rings_xy in sorted(rings.items()):
        codes = [c for c, *_ in area_rows if place_of[c] == place]
        groups = sorted({group_of[c] for c in codes})
        xs = [x for r in place_rings_xy for x, _ in r]
        ys = [y for r in place_rings_xy for _, y in r]
        box = (min(xs) - 0.1, min(ys) - 0.1, max(xs) + 0.1, max(ys) + 0.1)
        candidates = [random_point(place_rings_xy) for _ in range(60 * len(codes))]
        centres = spread(candidates, len(groups))
        region = {g: [] for g in groups}
        for c in candidates:
            g = min(range(len(groups)), key=lambda k: (c[0] - centres[k][0]) ** 2 + (c[1] - centres[k][1]) ** 2)
            region[groups[g]].append(c)
        seeds = []
        for g in groups:
            members = [c for c in codes if group_of[c] == g]
            pool = region[g] or candidates
            seeds += list(zip(members, spread(pool, len(members))))
        cells = voronoi_cells([s for _, s in seeds], box)
        land = MultiPolygon([Polygon(r) for r in place_rings_xy])
        for (code, _seed), cell in zip(seeds, cells):
            got = Polygon(cell).intersection(land)
            pieces = [list(g.exterior.coords) for g in getattr(got, "geoms", [got])
                      if g.geom_type == "Polygon" and not g.is_empty]
            cells_of[code] = pieces
            shapes[code] = geojson(pieces)
    for code, (lon, lat) in OUTSIDE_AT.items():  # a small invented hexagon
        ring = [((lon + 0.02 * math.cos(k * math.pi / 3)) * K, lat + 0.012 * math.sin(k * math.pi / 3))
                for k in range(7)]
        cells_of[code] = [ring]
        shapes[code] = geojson([ring])
    biggest = defaultdict(lambda: (0, None))
    for prac, area, n in reg_rows:
        if n > biggest[prac][0] and area in cells_of:
            biggest[prac] = (n, area)
    points = {}
    for code, _name, _pcn, _post, place, _f, _t in practice_rows:
        if code in points:
            continue
        n, area = biggest[code]
        home = cells_of[area] if area and place_of.get(area) == place else rings[place]
        x, y = random_point([r for r in home if len(r) >= 4 and area_of(r) > 1e-9])
        points[code] = (round(y, 5), round(x / K, 5))
    return shapes, points


# ---------------------------------------------------------------------------
def fmt(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return ""
    return str(v)


def write(name, header, rows):
    with open(OUT / name, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(v) for v in r])
    print(f"{name:20s} {len(rows):5d} rows")


def main():
    write("ics.csv", ["code", "name"], [ICS])
    write("places.csv", ["code", "name", "ics_code"], [[c, n, ICS[0]] for c, n in PLACES.values()])
    write("neighbourhoods.csv", ["code", "name", "place_code"],
          [[nb(p, i), n, pc(p)] for p, nbs in NEIGHBOURHOODS.items()
           for i, (n, _l) in enumerate(nbs, start=1)])
    areas, pcns, practices, regs = build_geography()
    shapes, points = invent_geometry(areas, practices, regs)
    write("pcns.csv", ["code", "name", "neighbourhood_codes"], pcns)
    write("practices.csv", ["code", "name", "pcn_code", "postcode", "place_code", "from", "to", "lat", "lon"],
          [[*r, *points[r[0]]] for r in practices])
    write("organisations.csv", ["code", "name", "sector", "statutory"], [list(o) for o in ORGS])
    write("boards.csv", ["code", "name", "kind", "place_code", "ics_code", "parent_board_code"],
          boards_rows())
    mrows = memberships_rows()
    write("memberships.csv", ["organisation_code", "board_code", "role", "from", "to"], mrows)
    write("board_links.csv", ["board_code", "linked_board_code", "how"], [list(x) for x in BOARD_LINKS])
    write("agreements.csv", ["code", "title", "kind", "place_code", "effective_from"],
          [[c, t, k, pc(p), e] for c, t, k, p, e in AGREEMENTS])
    write("signatures.csv", ["agreement_code", "organisation_code", "signed_on"], signatures_rows(mrows))
    write("people.csv", ["id", "name", "role_title", "organisation_code"], [list(x) for x in PEOPLE])
    write("roles.csv", ["person_id", "role", "target_code", "from"], [list(x) for x in ROLES])
    write("endorsements.csv", ["organisation_code", "person_id", "endorsed_on"], endorsements_rows(mrows))
    write("plans.csv", ["code", "title", "kind", "place_code", "approved_by_board_code", "approved_on",
                        "covers_seldom_heard"], plans_rows())
    write("commissioning.csv", ["code", "name", "kind", "place_code", "value_gbp", "partner_codes"],
          commissioning_rows())
    write("areas.csv", ["code", "name", "kind", "place_code", "neighbourhood_code", "geometry"],
          [[*r, shapes[r[0]]] for r in areas])
    write("registrations.csv", ["practice_code", "area_code", "patients"], regs)
    write("milestones.csv", ["code", "title", "due"], [list(m) for m in MILESTONES])


if __name__ == "__main__":
    main()
