"""A synthetic ICS in the input format, sized for the diagram benchmark and tests.

`write_synthetic_ics(folder, places=10)` writes contract CSVs (deterministic for a
seed) for one ICS whose whole-system diagram with practices has about 2,000 nodes:
per Place seven boards, about 110 partner organisations (some shared with the next
Place), 14 neighbourhoods led by 12 PCNs, about 48 practices with registrations, an
agreement with some parties unsigned, a place lead and endorsements, and gaps
(missing board links, PCNs across neighbourhoods). The national generator
(`icpmap synth`) is the realistic source; this one is small, fast and self-contained.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SECTOR_WEIGHTS = {
    "voluntary": 26, "social_care": 10, "housing": 7, "education": 6, "faith": 5, "business": 4, "other": 3,
    "primary_care": 6, "community_health": 3, "mental_health": 2, "public_health": 2,
}
BOARD_KINDS = (
    ("HWB", "health_and_wellbeing_board", "Health and Wellbeing Board"),
    ("PPB", "place_partnership_board", "Health and Care Partnership Board"),
    ("SAB", "safeguarding_adults_board", "Safeguarding Adults Board"),
    ("SCP", "safeguarding_children_partnership", "Safeguarding Children Partnership"),
    ("CSP", "community_safety_partnership", "Community Safety Partnership"),
    ("OTH", "other", "Population Health Board"),
    ("LEP", "local_enterprise_partnership", "Enterprise Partnership"),
)
TOWNS = (
    "Ashby", "Brookfield", "Carrow", "Dunmere", "Elston", "Fairholm", "Glenmoor", "Hartwell", "Ivybridge", "Kelby",
    "Lowfield", "Marston", "Northam", "Oakley", "Penrith", "Quarry Bank", "Redhill", "Stanmore", "Thornby", "Upton",
)


def _write(folder: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _day(rng: random.Random, first: str, last: str) -> str:
    a, b = dt.date.fromisoformat(first).toordinal(), dt.date.fromisoformat(last).toordinal()
    return dt.date.fromordinal(rng.randint(a, b)).isoformat()


def write_synthetic_ics(
    folder: str | Path, places: int = 10, seed: int = 7, orgs_per_place: int = 110, practices_per_pcn: int = 4,
    hostile_name: str | None = None, history: bool = True,
) -> Path:
    """Write the CSVs into `folder` (created); returns it. ICS code `QSY`, Places `E0999nnnn`.

    `hostile_name`, when given, becomes the name of the first Place's first partner. `history`
    adds dated changes for the time slider (memberships that ended between 2020 and 2024 and
    wider members who joined since 2022, signatures over nine months, an interim place lead
    before the lead, a practice moving PCN, board links set up in 2022), drawn from their own
    random stream, so what is current today is the same with or without it.
    """
    rng = random.Random(seed)
    hist = random.Random(seed + 1_000_003)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ics = "QSY"
    sectors = list(SECTOR_WEIGHTS)
    weights = list(SECTOR_WEIGHTS.values())
    t: dict[str, list[list[object]]] = {k: [] for k in (
        "places", "organisations", "boards", "memberships", "board_links", "agreements", "signatures", "people",
        "roles", "endorsements", "neighbourhoods", "pcns", "practices", "areas", "registrations")}
    t["ics"] = [[ics, "NHS Synthetic Integrated Care System"]]
    t["organisations"].append([f"{ics}-ICB", "NHS Synthetic ICB", "nhs_commissioner", "true"])
    for code, kind, name in (("PCF", "place_collaborative_forum", "Place Collaborative Forum"),
                             ("ICP", "ics_partnership", "Health and Care Partnership")):
        t["boards"].append([f"{code}-{ics}", f"Synthetic {name}", kind, "", ics, ""])
    trusts = [f"RZ{900 + i}" for i in range(max(2, places // 2))]
    for i, trust in enumerate(trusts):
        t["organisations"].append([trust, f"{TOWNS[i % len(TOWNS)]} Hospitals NHS Foundation Trust", "nhs_trust", "true"])
    prev_shared: list[str] = []
    person = 0
    practice = 0
    area = 0
    for p in range(places):
        town = TOWNS[p % len(TOWNS)] + ("" if p < len(TOWNS) else f" {p // len(TOWNS) + 1}")
        place = f"E0999{p:04d}"
        t["places"].append([place, town, ics])
        council = f"council-{place}"
        orgs = [council, f"{ics}-ICB", trusts[p % len(trusts)], f"police-{p // 3}", f"healthwatch-{place}"]
        t["organisations"] += [
            [council, f"{town} Council", "local_authority", "true"],
            [f"healthwatch-{place}", f"Healthwatch {town}", "healthwatch", "true"],
        ]
        if p % 3 == 0:
            t["organisations"].append([f"police-{p // 3}", f"{town} Constabulary", "police", "true"])
        for k in range(orgs_per_place):
            code = f"org-{place}-{k:03d}"
            sector = rng.choices(sectors, weights)[0]
            name = f"{town} {sector.replace('_', ' ').title()} Partner {k + 1}"
            if hostile_name and p == 0 and k == 0:
                name = hostile_name
            t["organisations"].append([code, name, sector, "false"])
            orgs.append(code)
        orgs += prev_shared
        prev_shared = orgs[5:13]
        boards = {}
        for code, kind, label in BOARD_KINDS:
            if code == "LEP" and p % 2:
                continue
            b = f"{code}-{place}"
            boards[code] = b
            parent = boards.get("HWB", "") if code == "PPB" else ""
            t["boards"].append([b, f"{town} {label}", kind, place, "", parent])
        # board links; some Places miss some (gaps for the missing-links report)
        for code in ("SAB", "SCP", "CSP", "LEP"):
            if code in boards and rng.random() > 0.25:
                since = _day(hist, "2022-01-01", "2022-12-31") if history and hist.random() < 0.4 else ""
                t["board_links"].append([boards["PPB"], boards[code], "information sharing", since, ""])
        t["board_links"].append([boards["PPB"], f"ICP-{ics}", "reports to", "", ""])
        # memberships: PPB/HWB take the core; every board gets some
        core = orgs[:12]
        for o in core:
            t["memberships"].append([o, boards["PPB"], "core", "2021-04-01", ""])
        for o in orgs[:8]:
            t["memberships"].append([o, boards["HWB"], "core", "2013-04-01", ""])
        for o in orgs[12:]:
            for b in rng.sample(list(boards.values()), k=rng.choice((1, 1, 2, 2, 3))):
                t["memberships"].append([o, b, "wider", "2019-04-01", ""])
        # agreement: most core members signed
        agreement = f"MOU-{place}"
        t["agreements"].append([agreement, f"{town} Place Memorandum of Understanding", "mou", place, "2021-09-01"])
        for j, o in enumerate(core[:-1]):
            signed = "" if rng.random() < 0.2 else f"2021-09-{10 + j:02d}"
            if history and signed:
                signed = _day(hist, "2021-07-01", "2022-03-31")
            t["signatures"].append([agreement, o, signed])
        # place lead and endorsements
        person += 1
        pid = f"PER-{person:04d}"
        t["people"].append([pid, f"Lead Person {person}", "Place Director", council])
        t["roles"].append([pid, "place_lead", place, "2021-10-01", ""])
        t["roles"].append([pid, "member", f"PCF-{ics}", "2021-10-01", ""])
        if history:  # an interim lead before the lead
            person += 1
            interim = f"PER-{person:04d}"
            t["people"].append([interim, f"Interim Lead {person}", "Interim Place Director", council])
            t["roles"].append([interim, "place_lead", place, "2021-04-01", "2021-09-30"])
            t["endorsements"].append([orgs[0], interim, "2021-03-20"])
            # memberships that ended, and wider members who joined later
            for o in orgs[12:20]:
                b = boards[hist.choice(("SAB", "SCP", "CSP", "OTH"))]
                t["memberships"].append([o, b, "wider", "2018-04-01", _day(hist, "2020-06-01", "2023-12-31")])
            for o in orgs[20:26]:
                t["memberships"].append([o, boards["PPB"], "wider", _day(hist, "2022-01-01", "2024-06-30"), ""])
        for o in core:
            if rng.random() < 0.7:
                t["endorsements"].append([o, pid, "2021-11-01"])
        # neighbourhoods, PCNs, practices, areas and registrations
        nbs = [f"NB-{place}-{n:02d}" for n in range(14)]
        for n, nb in enumerate(nbs):
            t["neighbourhoods"].append([nb, f"{town} Neighbourhood {n + 1}", place])
            for a in range(3):
                area += 1
                t["areas"].append([f"E09{area:06d}", f"{town} {n + 1}{'ABC'[a]}", "lsoa", place, nb])
        for c in range(12):
            pcn = f"U9{p:03d}{c:02d}"
            led = [nbs[c]] + ([nbs[12 + c // 6]] if c % 6 == 0 else [])
            t["pcns"].append([pcn, f"{town} PCN {c + 1}", ";".join(led)])
            for k in range(practices_per_pcn):
                practice += 1
                x = f"Y9{practice:04d}"
                if history and c == 0 and k == 0:  # moves from the next PCN in 2022
                    moved = _day(hist, "2022-01-01", "2022-12-31")
                    before = (dt.date.fromisoformat(moved) - dt.timedelta(days=1)).isoformat()
                    t["practices"].append([x, f"{town} Surgery {practice}", f"U9{p:03d}01", "", place, "2019-07-01",
                                           before])
                    t["practices"].append([x, f"{town} Surgery {practice}", pcn, "", place, moved, ""])
                else:
                    t["practices"].append([x, f"{town} Surgery {practice}", pcn, "", place, "2019-07-01", ""])
                home = nbs[c]
                for k, nb in enumerate([home, home, home, rng.choice(nbs)]):
                    a = rng.randrange(3)
                    area_code = f"E09{nbs.index(nb) * 3 + a + 1 + p * 42:06d}"
                    t["registrations"].append([x, area_code, rng.randrange(300, 2000) if k < 3 else rng.randrange(5, 400)])
    # registrations may repeat a (practice, area) pair: keep the first
    seen: set[tuple[object, object]] = set()
    regs = []
    for r in t["registrations"]:
        if (r[0], r[1]) not in seen:
            seen.add((r[0], r[1]))
            regs.append(r)
    t["registrations"] = regs
    headers = {
        "ics": ["code", "name"],
        "places": ["code", "name", "ics_code"],
        "organisations": ["code", "name", "sector", "statutory"],
        "boards": ["code", "name", "kind", "place_code", "ics_code", "parent_board_code"],
        "memberships": ["organisation_code", "board_code", "role", "from", "to"],
        "board_links": ["board_code", "linked_board_code", "how", "from", "to"],
        "agreements": ["code", "title", "kind", "place_code", "effective_from"],
        "signatures": ["agreement_code", "organisation_code", "signed_on"],
        "people": ["id", "name", "role_title", "organisation_code"],
        "roles": ["person_id", "role", "target_code", "from", "to"],
        "endorsements": ["organisation_code", "person_id", "endorsed_on"],
        "neighbourhoods": ["code", "name", "place_code"],
        "pcns": ["code", "name", "neighbourhood_codes"],
        "practices": ["code", "name", "pcn_code", "postcode", "place_code", "from", "to"],
        "areas": ["code", "name", "kind", "place_code", "neighbourhood_code"],
        "registrations": ["practice_code", "area_code", "patients"],
    }
    for name, header in headers.items():
        _write(folder, name, header, t[name])
    return folder


__all__ = ["write_synthetic_ics"]
