"""Partnerships: organisations, boards, memberships, links, agreements, people, plans, money.

Organisation codes: NHS trusts `RZnnn` and Sub-ICB locations `ZSnnn` (ODS-shaped, in
ranges no real body uses), the ICB has its ICS's code, NHS England regions `Y9n`;
everything else has a slug of its (invented) name.

Gaps built in, so that every report has work to do (each at a fixed share of Places,
chosen at random per seed): partnerships with no housing, voluntary, police, primary
care or NHS trust member (some with an ended or a not-yet-started one); Places with no
PPB (the HWB is the ICP board), with no HWB, with neither; missing links to the HWB,
safeguarding boards, the CSP and the LEP (some links recorded the other way round,
some via parent_board_code, some only to the HWB as a decoy); Places with no
agreement, agreements with parties who have not signed or have no signature row,
signatures after the due date; Places with no lead, two lead rows, late designation,
leads endorsed by some or none of the core members, leads not on the Place
Collaborative Forum; missing or unapproved plans; engagement plans that leave out
seldom-heard groups; no comms link; no pooled budget, joint post or joint team.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .common import FUTURE, LEAD_DUE, PAST_END, alloc, is_current, pick, rand_date, shift, stream
from .geography import Geography
from .names import ORG_TEMPLATES, ROLE_TITLES, SAINTS, locality_names, person_names, slugify

VARIABLE_SECTORS = {
    "voluntary": 0.40, "social_care": 0.16, "education": 0.10, "housing": 0.09, "faith": 0.08,
    "business": 0.05, "other": 0.04, "mental_health": 0.03, "public_health": 0.02,
    "primary_care": 0.02, "community_health": 0.01,
}
STATUTORY_SECTORS = ("local_authority", "nhs_trust", "nhs_commissioner", "police", "fire", "healthwatch")
GAP_SECTORS = {"housing": 0.12, "voluntary": 0.06, "police": 0.15, "primary_care": 0.08, "nhs_trust": 0.02}
BOARD_FROM = {
    "HWB": "2013-04-01", "PPB": "2021-04-01", "SAB": "2015-04-01", "SCP": "2019-09-29", "CSP": "2010-04-01",
    "OTH": "2018-04-01", "LEP": "2012-04-01", "PCF": "2021-07-01", "ICP": "2021-04-01", "VRP": "2019-09-01",
}
OTHER_BOARDS = ("Children and Young People's Partnership", "Integrated Commissioning Group",
                "Quality and Performance Group", "Population Health Board", "Mental Health Partnership")


class OrgBook:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.sector: dict[str, str] = {}
        self._slugs: dict[str, int] = {}

    def add(self, name: str, sector: str, statutory: str, code: str | None = None) -> str:
        if code is None:
            base = slugify(name)
            n = self._slugs.get(base, 0) + 1
            self._slugs[base] = n
            code = base if n == 1 else f"{base}-{n}"
        self.rows.append([code, name, sector, statutory])
        self.sector[code] = sector
        return code


def _statutory(rng: np.random.Generator, sector: str) -> str:
    if sector in STATUTORY_SECTORS:
        return "true"
    return "" if rng.random() < 0.15 else "false"


def build(geo: Geography, n_orgs: int, seed: int) -> dict[str, dict[str, list]]:
    rng = stream(seed, "partnerships")
    P, n_ics = len(geo.place_codes), len(geo.ics_codes)
    pc, pn = geo.place_codes, geo.place_names
    ics_places = [np.flatnonzero(geo.place_ics == i).tolist() for i in range(n_ics)]
    book = OrgBook()

    # Organisations -----------------------------------------------------------------
    ics_org: list[dict] = []
    trust_n = [0]

    def trust(name: str, sector: str) -> str:
        trust_n[0] += 1
        return book.add(name, sector, "true", f"RZ{trust_n[0]:03d}")

    sub_n = 0
    place_sub, place_acute = [0] * P, [[] for _ in range(P)]
    for i, places in enumerate(ics_places):
        short = geo.ics_short[i]
        o: dict = {"icb": book.add(f"NHS {short} Integrated Care Board", "nhs_commissioner", "true",
                                   geo.ics_codes[i])}
        n_sub = max(1, round(len(places) / 3))
        o["subs"] = []
        for j, block in enumerate(np.array_split(np.array(places), n_sub)):
            sub_n += 1
            code = book.add(f"NHS {short} ICB – {pn[block[0]]} Sub-ICB Location", "nhs_commissioner", "true",
                            f"ZS{sub_n:03d}")
            o["subs"].append(code)
            for p in block.tolist():
                place_sub[p] = j
        n_ac = max(1, round(len(places) * 0.55))
        o["acute"] = []
        for block in np.array_split(np.array(places), n_ac):
            style = int(rng.integers(3))
            nm = pn[block[0]]
            name = (f"{nm} Hospitals NHS Foundation Trust", f"{nm} Teaching Hospitals NHS Trust",
                    f"University Hospitals of {nm} NHS Foundation Trust")[style]
            code = trust(name, "nhs_trust")
            o["acute"].append(code)
            for p in block.tolist():
                place_acute[p].append(code)
        o["mh"] = trust(f"{short} Partnership NHS Foundation Trust", "mental_health")
        o["community"] = (trust(f"{short} Community Health NHS Trust", "community_health")
                          if rng.random() < 0.7 else None)
        if i % 4 == 0:
            amb = trust(f"{short} Ambulance Service NHS Trust", "nhs_trust")
        o["ambulance"] = amb
        if i % 6 == 0:
            region = book.add(f"NHS England – Region {i // 6 + 1}", "nhs_commissioner", "true", f"Y9{i // 6 + 1}")
        o["region"] = region
        o["police"] = book.add(f"{short} Police", "police", "true")
        o["pcc"] = book.add(f"{short} Police and Crime Commissioner", "police", "true")
        o["fire"] = book.add(f"{short} Fire and Rescue Service", "fire", "true")
        o["probation"] = book.add(f"Probation Service – {short}", "other", "true")
        o["ukhsa"] = book.add(f"UK Health Security Agency – {short}", "public_health", "true")
        o["lmc"] = book.add(f"{short} Local Medical Committee", "primary_care", "false")
        o["vcse"] = book.add(f"{short} VCSE Alliance", "voluntary", "false")
        o["unis"] = [book.add(f"University of {pn[p]}", "education", "false")
                     for p in places[: 1 + int(rng.random() < 0.5 and len(places) > 1)]]
        o["ca"] = (book.add(f"{short} Combined Authority", "local_authority", "true")
                   if rng.random() < 0.3 else None)
        ics_org.append(o)

    place_org: list[dict] = []
    two_tier = pick(rng, P, 0.2)
    loc_rng = stream(seed, "org-localities")
    for p in range(P):
        kind = ("County Council" if two_tier[p] else
                ("Council", "City Council", "Metropolitan Borough Council")[int(rng.choice(3, p=[0.5, 0.2, 0.3]))])
        o = {"council": book.add(f"{pn[p]} {kind}", "local_authority", "true")}
        o["districts"] = ([book.add(f"{x} District Council", "local_authority", "true")
                           for x in locality_names(loc_rng, int(rng.integers(2, 5)))] if two_tier[p] else [])
        o["healthwatch"] = book.add(f"Healthwatch {pn[p]}", "healthwatch", "true")
        o["gpfed"] = (book.add(f"{pn[p]} GP Federation", "primary_care", _statutory(rng, "primary_care"))
                      if rng.random() < 0.92 else None)
        o["cvs"] = book.add(f"{pn[p]} CVS", "voluntary", "false")
        o["local"] = defaultdict(list)
        if rng.random() < 0.6:
            o["local"]["social_care"].append(book.add(f"{pn[p]} Care Providers Forum", "social_care", "false"))
        place_org.append(o)

    # the rest: local organisations of every sector, more in bigger Places
    remaining = max(0, n_orgs - len(book.rows))
    per_place = np.zeros(P, dtype=np.int64)
    if remaining:
        per_place = alloc(remaining, geo.place_weight, minimum=0)
    sectors = list(VARIABLE_SECTORS)
    probs = np.array(list(VARIABLE_SECTORS.values()))
    probs /= probs.sum()
    for p in range(P):
        n = int(per_place[p])
        chosen = rng.choice(len(sectors), size=n, p=probs)
        locs = locality_names(loc_rng, n)
        used: set[str] = set()
        for s_idx, loc in zip(chosen.tolist(), locs):
            sector = sectors[s_idx]
            templates = ORG_TEMPLATES[sector]
            t = templates[int(rng.integers(len(templates)))]
            name = t.format(place=pn[p], loc=loc, saint=SAINTS[int(rng.integers(len(SAINTS)))])
            if name in used:
                name = f"{name} ({loc})"
            used.add(name)
            place_org[p]["local"][sector].append(book.add(name, sector, _statutory(rng, sector)))

    # Boards -----------------------------------------------------------------------------
    boards: list[list[str]] = []  # code, name, kind, place_code, ics_code, parent_board_code
    board_kind: dict[str, str] = {}

    def board(code: str, name: str, kind: str, place: str = "", ics: str = "", parent: str = "") -> str:
        boards.append([code, name, kind, place, ics, parent])
        board_kind[code] = kind
        return code

    no_ppb = pick(rng, P, 0.2)
    no_hwb = pick(rng, P, 0.02)
    if P >= 10 and no_hwb.any() and not (no_hwb & no_ppb).any():
        no_ppb[np.flatnonzero(no_hwb)[0]] = True  # one Place with no ICP board at all
    no_scp = pick(rng, P, 0.07)
    no_sab = pick(rng, P, 0.03)
    no_csp = pick(rng, P, 0.03)
    gaps = {s: pick(rng, P, f) for s, f in GAP_SECTORS.items()}
    place_boards: list[dict[str, str]] = []
    for p in range(P):
        code = pc[p]
        b: dict[str, str] = {}
        if not no_hwb[p]:
            b["HWB"] = board(f"HWB-{code}", f"{pn[p]} Health and Wellbeing Board", "health_and_wellbeing_board", code)
        if not no_ppb[p]:
            style = int(rng.integers(4))
            name = (f"{pn[p]} Place Partnership Board", f"{pn[p]} Together Partnership Board",
                    f"One {pn[p]} Partnership Board", f"{pn[p]} Health and Care Partnership Board")[style]
            b["PPB"] = board(f"PPB-{code}", name, "place_partnership_board", code)
        if not no_sab[p]:
            b["SAB"] = board(f"SAB-{code}", f"{pn[p]} Safeguarding Adults Board", "safeguarding_adults_board", code)
        if not no_scp[p]:
            b["SCP"] = board(f"SCP-{code}", f"{pn[p]} Safeguarding Children Partnership",
                             "safeguarding_children_partnership", code)
        if not no_csp[p]:
            b["CSP"] = board(f"CSP-{code}", f"Safer {pn[p]} Partnership", "community_safety_partnership", code)
        for k in range(int(rng.choice(4, p=[0.15, 0.4, 0.33, 0.12]))):
            b[f"OTH{k}"] = board(f"OTH-{code}-{k + 1}", f"{pn[p]} {OTHER_BOARDS[k]}", "other", code)
        place_boards.append(b)
    ics_boards: list[dict[str, object]] = []
    for i, places in enumerate(ics_places):
        short, ic = geo.ics_short[i], geo.ics_codes[i]
        halves = np.array_split(np.array(places), 1 if len(places) <= 5 else 2)
        leps = [board(f"LEP-{ic}-{k + 1}", f"{pn[h[0]]} Local Enterprise Partnership" if len(halves) > 1
                      else f"{short} Local Enterprise Partnership", "local_enterprise_partnership", pc[h[0]])
                for k, h in enumerate(halves)]
        ib: dict[str, object] = {
            "LEP": leps, "lep_places": [h.tolist() for h in halves],
            "PCF": board(f"PCF-{ic}", f"{short} Place Collaborative Forum", "place_collaborative_forum", ics=ic),
            "ICP": board(f"ICP-{ic}", f"{short} Integrated Care Partnership", "ics_partnership", ics=ic),
        }
        if rng.random() < 0.5:
            ib["VRP"] = board(f"VRP-{ic}", f"{short} Violence Reduction Partnership", "other")
        ics_boards.append(ib)

    # Memberships -----------------------------------------------------------------------
    members: list[list[str]] = []  # organisation_code, board_code, role, from, to
    mrng = stream(seed, "memberships")

    def some(pool: list[str], lo: int, hi: int) -> list[str]:
        if not pool:
            return []
        n = min(len(pool), int(mrng.integers(lo, hi + 1)))
        return [pool[j] for j in sorted(mrng.choice(len(pool), size=n, replace=False).tolist())]

    def join(board_code: str, prefix: str, core: list, wider: list, exclude: tuple[str, ...] = ()) -> None:
        seen: set[str] = set()
        start = BOARD_FROM[prefix]
        for role, orgs in (("core", core), ("wider", wider)):
            for org in orgs:
                if org is None or org in seen or book.sector[org] in exclude:
                    continue
                seen.add(org)
                r = mrng.random()
                frm = "" if r < 0.05 else (rand_date(mrng, start, PAST_END) if r < 0.25 else start)
                members.append([org, board_code, role, frm, ""])

    for p in range(P):
        i = int(geo.place_ics[p])
        io, po, loc = ics_org[i], place_org[p], place_org[p]["local"]
        b = place_boards[p]
        sub = io["subs"][place_sub[p]]
        acute = place_acute[p]
        excl = tuple(s for s in GAP_SECTORS if gaps[s][p])
        if "HWB" in b:
            core = [po["council"], sub, po["healthwatch"]]
            core += acute[:1] if mrng.random() < 0.3 else []
            core += [io["icb"]] if mrng.random() < 0.2 else []
            core += po["districts"]
            wider = [*acute, io["mh"], io["police"], po["cvs"], po["gpfed"], io["fire"] if mrng.random() < 0.6 else None,
                     *some(loc["housing"], 1, 2), *some(loc["voluntary"], 5, 10), *some(loc["education"], 1, 3),
                     *some(loc["faith"], 1, 3), *some(loc["social_care"], 2, 4), *some(loc["public_health"], 0, 1),
                     *some(loc["business"], 0, 2), *some(loc["mental_health"], 0, 1), io["ukhsa"]]
            join(b["HWB"], "HWB", core, wider, excl)
        if "PPB" in b:
            core = [po["council"], sub, io["icb"] if mrng.random() < 0.4 else None, *acute[:1], io["mh"],
                    io["community"], po["gpfed"], po["cvs"] if mrng.random() < 0.35 else None,
                    *(po["districts"] if mrng.random() < 0.5 else [])]
            wider = [po["healthwatch"], *acute[1:], *some(loc["housing"], 2, 5), *some(loc["voluntary"], 9, 18),
                     io["police"], io["pcc"] if mrng.random() < 0.3 else None, io["fire"], po["cvs"],
                     *some(loc["faith"], 1, 3), *some(loc["education"], 2, 5), *some(loc["business"], 1, 3),
                     *some(loc["social_care"], 3, 5), *some(loc["public_health"], 0, 1), *some(loc["other"], 0, 2),
                     *some(loc["mental_health"], 0, 2), *some(loc["community_health"], 0, 1),
                     io["lmc"], *io["unis"][:1], io["probation"] if mrng.random() < 0.4 else None,
                     io["ambulance"] if mrng.random() < 0.3 else None, io["vcse"] if mrng.random() < 0.3 else None]
            join(b["PPB"], "PPB", core, wider, excl)
        if "SAB" in b:
            join(b["SAB"], "SAB", [po["council"], sub, io["police"]],
                 [*acute[:1], io["community"] or io["mh"], po["healthwatch"], *some(loc["housing"], 1, 2),
                  *some(loc["voluntary"], 3, 5), *some(loc["social_care"], 2, 4), io["fire"], io["probation"],
                  *po["districts"][:1]])
        if "SCP" in b:
            join(b["SCP"], "SCP", [po["council"], sub, io["police"]],
                 [*some(loc["education"], 4, 7), *some(loc["voluntary"], 2, 4), *acute[:1], io["mh"],
                  io["probation"], *some(loc["faith"], 0, 1)])
        if "CSP" in b:
            join(b["CSP"], "CSP", [po["council"], io["police"], io["fire"], io["probation"], sub],
                 [*some(loc["housing"], 1, 3), *some(loc["voluntary"], 2, 4), *some(loc["business"], 1, 2),
                  *some(loc["education"], 0, 1), *po["districts"], io["pcc"]])
        pool = [o for s in sorted(loc) for o in loc[s]] + [po["healthwatch"], po["cvs"], io["mh"], *acute]
        for key in sorted(k for k in b if k.startswith("OTH")):
            chosen = some(pool, 14, 32)
            n_core = max(1, len(chosen) // 4)
            join(b[key], "OTH", [po["council"], sub, *chosen[:n_core]], chosen[n_core:])
    for i, places in enumerate(ics_places):
        io, ib = ics_org[i], ics_boards[i]
        councils = [place_org[p]["council"] for p in places]
        for lep, lp in zip(ib["LEP"], ib["lep_places"]):  # type: ignore[call-overload]
            biz = [o for p in lp for o in place_org[p]["local"]["business"]]
            edu = [o for p in lp for o in place_org[p]["local"]["education"]]
            join(lep, "LEP", [*(place_org[p]["council"] for p in lp), io["ca"]],
                 [*some(biz, 2, 8), *io["unis"], *some(edu, 1, 3)])
        join(ib["PCF"], "PCF", councils, [io["icb"], io["vcse"], io["region"] if mrng.random() < 0.5 else None])
        hws = [place_org[p]["healthwatch"] for p in places]
        cvss = [place_org[p]["cvs"] for p in places]
        join(ib["ICP"], "ICP", [*councils, io["icb"], *io["acute"], io["mh"], io["community"]],
             [io["police"], io["fire"], *some(hws, 2, 6), io["vcse"], *some(cvss, 2, 6), *io["unis"], io["ukhsa"],
              io["ca"], io["region"]])
        if "VRP" in ib:
            join(ib["VRP"], "VRP", [io["police"], io["pcc"]], [*councils, io["fire"], io["probation"]])  # type: ignore[arg-type]

    # history: ended memberships, memberships that start in 2030, wider -> core
    hrng = stream(seed, "membership-history")
    on_board: dict[str, set[str]] = defaultdict(set)
    for org, bcode, *_ in members:
        on_board[bcode].add(org)
    place_of_board = {r[0]: r[3] for r in boards}
    pidx = {c: j for j, c in enumerate(pc)}
    all_orgs = [r[0] for r in book.rows]
    for bcode in [r[0] for r in boards]:
        p = pidx.get(place_of_board[bcode])
        pool = ([o for s in sorted(place_org[p]["local"]) for o in place_org[p]["local"][s]] if p is not None
                else all_orgs)
        r = hrng.random()
        if r < 0.45:  # an ended membership
            cand = [o for o in pool if o not in on_board[bcode]]
            if cand:
                org = cand[int(hrng.integers(len(cand)))]
                to = rand_date(hrng, "2019-03-31", "2022-03-31")
                role = "core" if hrng.random() < 0.3 else "wider"
                members.append([org, bcode, role, rand_date(hrng, "2012-04-01", shift(to, -200)), to])
                on_board[bcode].add(org)
        if hrng.random() < 0.2:  # one that has not started yet
            cand = [o for o in pool if o not in on_board[bcode]]
            if cand:
                org = cand[int(hrng.integers(len(cand)))]
                members.append([org, bcode, "core" if hrng.random() < 0.4 else "wider", FUTURE, ""])
                on_board[bcode].add(org)
    for p in range(P):  # gap Places: a member of the missing sector that left, or has not joined yet
        icp = place_boards[p].get("PPB") or place_boards[p].get("HWB")
        if not icp:
            continue
        for s in GAP_SECTORS:
            if not gaps[s][p]:
                continue
            cand = place_org[p]["local"].get(s) or []
            if s == "police":
                cand = [ics_org[int(geo.place_ics[p])]["police"]]
            if cand and hrng.random() < 0.6 and cand[0] not in on_board[icp]:
                org = cand[0]
                on_board[icp].add(org)
                if hrng.random() < 0.65:
                    members.append([org, icp, "wider", "2016-04-01", rand_date(hrng, "2019-03-31", "2022-03-31")])
                else:
                    members.append([org, icp, "wider", FUTURE, ""])
    wider_rows = [j for j, m in enumerate(members) if m[2] == "wider" and m[3] and m[3] <= "2021-03-31" and not m[4]]
    for j in sorted(hrng.choice(len(wider_rows), size=round(len(wider_rows) * 0.01), replace=False).tolist()):
        m = members[wider_rows[j]]
        m[4] = "2021-03-31"
        members.append([m[0], m[1], "core", "2021-04-01", ""])

    # Board links ----------------------------------------------------------------------------
    links: list[list[str]] = []  # board_code, linked_board_code, how
    lrng = stream(seed, "links")
    parent: dict[str, str] = {}
    profile = lrng.choice(3, size=P, p=[0.45, 0.40, 0.15])  # complete / mostly / poor
    miss_p = np.array([0.0, 0.25, 0.6])[profile]

    def link(a: str, b: str, how: str) -> None:
        if lrng.random() < 0.3:
            a, b, how = b, a, {"information sharing": "reports to"}.get(how, how)
        links.append([a, b, how])
        if lrng.random() < 0.08:
            links.append([b, a, how])  # recorded both ways

    for p in range(P):
        b = place_boards[p]
        icp = b.get("PPB") or b.get("HWB")
        if not icp:
            continue
        i = int(geo.place_ics[p])
        if "PPB" in b and "HWB" in b and lrng.random() >= miss_p[p] * 0.6:
            if lrng.random() < 0.7:
                parent[b["PPB"]] = b["HWB"]
            else:
                link(b["HWB"], b["PPB"], "oversees")
        for key, how in (("SAB", "information sharing"), ("SCP", "joint work programme"),
                         ("CSP", "shared priorities")):
            if key not in b:
                continue
            if lrng.random() >= miss_p[p]:
                if icp == b.get("HWB") and lrng.random() < 0.15:
                    parent[b[key]] = icp  # a subgroup of the HWB
                else:
                    link(icp, b[key], how)
            elif "HWB" in b and icp != b["HWB"] and lrng.random() < 0.5:
                link(b["HWB"], b[key], how)  # decoy: linked to the HWB, not to the ICP board
        leps: list[str] = ics_boards[i]["LEP"]  # type: ignore[assignment]
        if lrng.random() >= miss_p[p] + 0.1:
            if lrng.random() < 0.1 and i + 1 < len(ics_boards):
                link(icp, ics_boards[i + 1]["LEP"][0], "economic partner")  # type: ignore[index]
            else:
                link(icp, leps[int(lrng.integers(len(leps)))], "economic partner")
        elif "HWB" in b and icp != b["HWB"] and lrng.random() < 0.5:
            link(b["HWB"], leps[0], "economic partner")
        if lrng.random() < 0.5:
            link(icp, ics_boards[i]["ICP"], "reports to")  # type: ignore[arg-type]
        if lrng.random() < 0.2:
            links.append([icp, str(ics_boards[i]["PCF"]), "place lead sits on"])
        for key in sorted(k for k in b if k.startswith("OTH")):
            if lrng.random() < 0.7:
                parent[b[key]] = icp
    for r in boards:
        r[5] = parent.get(r[0], "")
    seen_links: set[tuple[str, str]] = set()
    unique_links = []
    for a, c, how in links:
        if (a, c) not in seen_links:
            seen_links.add((a, c))
            unique_links.append([a, c, how])
    links = unique_links

    # Core members of each Place's partnership, at the reference date
    core_of: list[list[str]] = []
    boards_of_place = [{v for k, v in b.items() if k in ("HWB", "PPB")} for b in place_boards]
    core_sets: list[dict[str, None]] = [{} for _ in range(P)]
    wider_sets: list[dict[str, None]] = [{} for _ in range(P)]
    board_place = {}
    for p in range(P):
        for bc in sorted(boards_of_place[p]):
            board_place[bc] = p
    for org, bcode, role, frm, to in members:
        p = board_place.get(bcode)
        if p is not None and is_current(frm, to):
            (core_sets if role == "core" else wider_sets)[p][org] = None
    for p in range(P):
        core_of.append(sorted(core_sets[p]))

    # Agreements and signatures ------------------------------------------------------------------
    arng = stream(seed, "agreements")
    agreements: list[list[str]] = []  # code, title, kind, place_code, effective_from
    signatures: list[list[str]] = []  # agreement_code, organisation_code, signed_on
    none_n = round(P * 0.06)
    no_agreement = pick(arng, P, 0.06)
    s75 = np.zeros(P, dtype=bool)
    cands = np.flatnonzero(~no_agreement)
    if len(cands) and none_n:
        s75[arng.choice(cands, size=min(none_n, len(cands)), replace=False)] = True
    sign_profile = arng.choice(3, size=P, p=[0.3, 0.2, 0.5])  # on time / late / gaps
    for p in range(P):
        if no_agreement[p]:
            continue
        kind = "mou" if arng.random() < 0.7 else "place_agreement"
        code = f"{'MOU' if kind == 'mou' else 'PA'}-{pc[p]}"
        title = (f"{pn[p]} Place Memorandum of Understanding" if kind == "mou"
                 else f"{pn[p]} Place Agreement")
        eff = rand_date(arng, "2021-06-01", "2021-09-15")
        agreements.append([code, title, kind, pc[p], eff])
        core = core_of[p]
        start = shift(eff, -45)
        sig: dict[str, str] = {o: rand_date(arng, start, "2021-09-24") for o in core}
        prof = int(sign_profile[p])
        if prof == 1 and core:
            for o in [core[j] for j in sorted(arng.choice(len(core), size=min(len(core), 1 + int(arng.integers(2))),
                                                          replace=False).tolist())]:
                sig[o] = rand_date(arng, "2021-10-01", PAST_END)
        elif prof == 2 and core:
            n_blank = int(arng.integers(0, 4))
            n_norow = int(arng.integers(0, 3))
            if n_blank + n_norow == 0:
                n_blank = 1
            order = [core[j] for j in arng.permutation(len(core)).tolist()]
            for o in order[:n_blank]:
                sig[o] = ""
            for o in order[n_blank:n_blank + n_norow]:
                del sig[o]
            for o in order[n_blank + n_norow:]:
                if arng.random() < 0.15:
                    sig[o] = rand_date(arng, "2021-10-01", PAST_END)
        wider = [o for o in wider_sets[p] if o not in core_sets[p]]
        for o in some_of(arng, wider, 0, 3):
            sig[o] = "" if prof == 2 and arng.random() < 0.3 else rand_date(arng, start, "2021-09-24")
        signatures += [[code, o, sig[o]] for o in sorted(sig)]
        if s75[p]:
            s_code = f"S75-{pc[p]}"
            s_eff = rand_date(arng, "2020-04-01", "2022-04-01")
            agreements.append([s_code, f"{pn[p]} Section 75 Agreement – Integrated Commissioning", "section_75",
                               pc[p], s_eff])
            sub = ics_org[int(geo.place_ics[p])]["subs"][place_sub[p]]
            for o in sorted([place_org[p]["council"], sub]):
                signatures.append([s_code, o, shift(s_eff, -int(arng.integers(1, 20)))])

    # People, roles, endorsements --------------------------------------------------------------------
    prng = stream(seed, "people")
    people: list[list[str]] = []  # id, name, role_title, organisation_code
    roles: list[list[str]] = []  # person_id, role, target_code, from
    endorsements: list[list[str]] = []  # organisation_code, person_id, endorsed_on

    def person(title_kind: str, org: str | None) -> str:
        pid = f"PER-{len(people) + 1:06d}"
        titles = ROLE_TITLES[title_kind]
        people.append([pid, "", titles[int(prng.integers(len(titles)))], org or ""])
        return pid

    has_lead = ~pick(prng, P, 0.08)
    two_leads = pick(prng, P, 0.1)
    late_lead = pick(prng, P, 0.25)
    not_on_pcf = pick(prng, P, 0.15)
    endorse = prng.choice(3, size=P, p=[0.55, 0.3, 0.15])  # all / some / none
    comms = pick(prng, P, 0.65)
    chair_of_pcf: dict[int, str] = {}
    interims: list[int] = []  # rows of `roles` that are interim leads
    interim_ends: dict[int, str] = {}
    for p in range(P):
        i = int(geo.place_ics[p])
        po, io = place_org[p], ics_org[i]
        employer = [po["council"], io["subs"][place_sub[p]], io["icb"]][int(prng.choice(3, p=[0.5, 0.35, 0.15]))]
        if has_lead[p]:
            if two_leads[p]:
                interim = person("interim_lead", io["subs"][place_sub[p]])
                interim_from = rand_date(prng, "2021-04-01", "2021-08-31")
                interims.append(len(roles))
                roles.append([interim, "place_lead", pc[p], interim_from])
                core = core_of[p]
                for o in some_of(prng, core, 1, 3):
                    endorsements.append([o, interim, shift(interim_from, -int(prng.integers(1, 30)))])
            frm = rand_date(prng, "2022-01-04", PAST_END) if late_lead[p] else rand_date(prng, "2021-09-01", LEAD_DUE)
            if two_leads[p]:
                frm = max(frm, "2021-09-01")
            lead = person("place_lead", employer)
            if two_leads[p]:
                interim_ends[interims[-1]] = shift(frm, -1)  # the interim's role ends when the lead's starts
            roles.append([lead, "place_lead", pc[p], frm])
            if not not_on_pcf[p]:
                if i in chair_of_pcf or prng.random() < 0.7:
                    roles.append([lead, "member", str(ics_boards[i]["PCF"]), shift(frm, int(prng.integers(0, 30)))])
                else:
                    chair_of_pcf[i] = lead
                    roles.append([lead, "chair", str(ics_boards[i]["PCF"]), shift(frm, int(prng.integers(0, 30)))])
            elif prng.random() < 0.5:
                roles.append([lead, "member", str(ics_boards[i]["ICP"]), shift(frm, 10)])  # decoy
            if "PPB" in place_boards[p] and prng.random() < 0.5:
                roles.append([lead, "member", place_boards[p]["PPB"], frm])
            core = core_of[p]
            chosen = (core if endorse[p] == 0 else
                      some_of(prng, core, max(1, len(core) // 5), max(1, len(core) * 4 // 5)) if endorse[p] == 1 and core
                      else [])
            for o in chosen:
                endorsements.append([o, lead, shift(frm, -int(prng.integers(1, 41)))])
            wider = [o for o in wider_sets[p] if o not in core_sets[p]]
            if wider and prng.random() < 0.2:
                endorsements.append([wider[int(prng.integers(len(wider)))], lead, shift(frm, -3)])  # does not count
            if P > 1 and prng.random() < 0.05:
                other = place_org[(p + 1) % P]["council"]
                if other not in core_sets[p]:
                    endorsements.append([other, lead, shift(frm, -5)])  # another Place's council
        if comms[p]:
            cl = person("comms_link", po["council"] if prng.random() < 0.6 else io["subs"][place_sub[p]])
            roles.append([cl, "comms_link", pc[p], "" if prng.random() < 0.1 else rand_date(prng, "2021-06-01", PAST_END)])
        for key, bcode in sorted(place_boards[p].items()):
            if prng.random() < (0.3 if key.startswith("OTH") else 0.7):
                indep = prng.random() < 0.2
                ch = person("chair", None if indep else po["council"])
                roles.append([ch, "chair", bcode, rand_date(prng, "2018-04-01", PAST_END)])
            if prng.random() < 0.3:
                m = person("member", po["council"] if prng.random() < 0.5 else io["mh"])
                roles.append([m, "member", bcode, rand_date(prng, "2018-04-01", PAST_END)])
    for i, ib in enumerate(ics_boards):
        ch = person("chair", None)
        roles.append([ch, "chair", str(ib["ICP"]), "2021-04-01"])
        if i not in chair_of_pcf:
            ch = person("chair", ics_org[i]["icb"])
            roles.append([ch, "chair", str(ib["PCF"]), "2021-07-01"])
    for row, name in zip(people, person_names(stream(seed, "person-names"), len(people))):
        row[1] = name
    # endorsement rows are unique per (organisation, person)
    seen_e: dict[tuple[str, str], None] = {}
    unique_e = []
    for e in endorsements:
        if (e[0], e[1]) not in seen_e:
            seen_e[(e[0], e[1])] = None
            unique_e.append(e)
    endorsements = unique_e

    # Plans and commissioning -----------------------------------------------------------------------
    qrng = stream(seed, "plans")
    plans: list[list[str]] = []  # code, title, kind, place_code, approved_by_board_code, approved_on, seldom
    commissioning: list[list[object]] = []  # code, name, kind, place_code, value_gbp, partner_codes
    for p in range(P):
        b = place_boards[p]

        def approval(hwb_share: float, ppb_share: float) -> tuple[str, str]:
            r = qrng.random()
            on = rand_date(qrng, "2021-06-01", PAST_END)
            if r < hwb_share and "HWB" in b:  # noqa: B023
                return b["HWB"], on  # noqa: B023
            if r < hwb_share + ppb_share and "PPB" in b:  # noqa: B023
                return b["PPB"], on  # noqa: B023
            return "", ""

        def add(suffix: str, title: str, kind: str, appr: tuple[str, str] = ("", ""), seldom: str = "") -> None:
            plans.append([f"PLAN-{pc[p]}-{suffix}", title, kind, pc[p], appr[0], appr[1], seldom])  # noqa: B023

        if qrng.random() < 0.55:
            add("VIS", f"{pn[p]} Shared Vision for Health and Care", "shared_vision", approval(0.55, 0.25))
        if qrng.random() < 0.5:
            add("PP", f"{pn[p]} Place Plan 2022-24", "place_plan", approval(0.45, 0.3))
        if qrng.random() < 0.7:
            add("DEV", f"{pn[p]} Place Development Plan", "development_plan")
        if qrng.random() < 0.5:
            add("OD", f"{pn[p]} Partnership OD Plan", "od_plan")
        if qrng.random() < 0.65:
            r = qrng.random()
            add("ENG", f"{pn[p]} Communications and Engagement Plan", "engagement_plan",
                seldom="true" if r < 0.6 else ("false" if r < 0.9 else ""))
        if qrng.random() < 0.95:
            add("JSNA", f"{pn[p]} Joint Strategic Needs Assessment", "jsna", approval(0.6, 0.0))
        io = ics_org[int(geo.place_ics[p])]
        council, sub = place_org[p]["council"], io["subs"][place_sub[p]]

        def com(suffix: str, name: str, kind: str, value: object, partners: list[str]) -> None:
            commissioning.append([f"COM-{pc[p]}-{suffix}", name, kind, pc[p], value, ";".join(partners)])  # noqa: B023

        if qrng.random() < 0.88:
            com("BCF", f"Better Care Fund – {pn[p]}", "pooled_budget", int(qrng.integers(15_000, 120_000)) * 1000,
                [council, sub])
        if qrng.random() < 0.4:
            com("JP", f"Joint Director of Integrated Commissioning ({pn[p]})", "joint_post",
                int(qrng.integers(80, 125)) * 1000, [council, sub])
        if qrng.random() < 0.3:
            com("JT", f"{pn[p]} Integrated Commissioning Team", "joint_team", int(qrng.integers(800, 3000)) * 1000,
                [council, sub, *([io["mh"]] if qrng.random() < 0.3 else [])])
        if qrng.random() < 0.35:
            com("LC", f"{pn[p]} Mental Health Lead Commissioning", "lead_commissioning",
                "" if qrng.random() < 0.3 else int(qrng.integers(5_000, 70_000)) * 1000, [sub, council, io["mh"]])

    # Dates of the history columns, from their own stream (the draws above stay as they were) --------
    for j, row in enumerate(roles):
        row.append(interim_ends.get(j, ""))  # roles.to
    hrng = stream(seed, "history")
    for row in unique_links:  # a quarter of the links were set up in 2021/22 (the rest predate the records)
        row += [rand_date(hrng, "2021-04-01", PAST_END) if hrng.random() < 0.25 else "", ""]
    for row in commissioning:  # pooled budgets since the Better Care Fund (2015); the rest in 2019-22
        start = "2015-04-01" if row[2] == "pooled_budget" else rand_date(hrng, "2019-04-01", PAST_END)
        row[5:5] = [start if hrng.random() < 0.8 else "", ""]
    for row in signatures:
        row.append("")  # signatures.added_on: not known

    def cols(names: str, rows: list) -> dict[str, list]:
        keys = names.split()
        return {k: [r[j] for r in rows] for j, k in enumerate(keys)}

    return {
        "organisations": cols("code name sector statutory", book.rows),
        "boards": cols("code name kind place_code ics_code parent_board_code", boards),
        "memberships": cols("organisation_code board_code role from to", members),
        "board_links": cols("board_code linked_board_code how from to", links),
        "agreements": cols("code title kind place_code effective_from", agreements),
        "signatures": cols("agreement_code organisation_code signed_on added_on", signatures),
        "people": cols("id name role_title organisation_code", people),
        "roles": cols("person_id role target_code from to", roles),
        "endorsements": cols("organisation_code person_id endorsed_on", endorsements),
        "plans": cols("code title kind place_code approved_by_board_code approved_on covers_seldom_heard", plans),
        "commissioning": cols("code name kind place_code value_gbp from to partner_codes", commissioning),
    }


def some_of(rng: np.random.Generator, pool: list[str], lo: int, hi: int) -> list[str]:
    if not pool or hi <= 0:
        return []
    n = min(len(pool), int(rng.integers(lo, max(lo, hi) + 1)))
    return [pool[j] for j in sorted(rng.choice(len(pool), size=n, replace=False).tolist())]


__all__ = ["build"]
