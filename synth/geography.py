"""Geography: ICSs, Places, neighbourhoods, small areas, PCNs, practices, registrations.

Codes are in clearly fictional ranges: ICS `Q9nn` (real ICB codes have three
characters), Place `E0990nnnn`, neighbourhood `NB-<place>-nn`, PCN `UZnnnn`, practice
`PZnnnn`, area `E019nnnnn` (and `W019nnnnn` for areas over the border); no real list
of codes is used. Postcodes are in an outward code starting `Q`, which no real
postcode area does.

Gaps built in, so that coterminosity has work to do: PCNs whose patients spill into
other Places, practices LOCATED_IN another Place than their PCN's, practices with no
Place, neighbourhoods led by two PCNs, PCNs leading two neighbourhoods or none, Places
with no neighbourhoods, areas IN only a Place, only a neighbourhood or nothing at all,
practices that moved PCN (and one that will), closed practices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .common import FUTURE, FUTURE_EVE, PAST_END, REF, Scale, alloc, is_current, pick, rand_date, stream
from .names import NEIGHBOURHOOD_QUALIFIERS, PRACTICE_SUFFIXES, locality_names, place_names

PCN_START = "2019-07-01"  # the PCN DES
THRESHOLD = 0.95  # the default coterminosity threshold: keep every share clear of it


@dataclass
class Geography:
    ics_codes: list[str]
    ics_names: list[str]
    ics_short: list[str]
    place_codes: list[str]
    place_names: list[str]
    place_ics: np.ndarray  # ICS index of each Place
    place_weight: np.ndarray  # relative size of each Place
    nb_codes: list[str] = field(default_factory=list)
    nb_names: list[str] = field(default_factory=list)
    nb_place: list[int] = field(default_factory=list)
    tables: dict[str, dict[str, list]] = field(default_factory=dict)
    pcn_place: list[int] = field(default_factory=list)


def _postcode_outward(place: int) -> str:
    return f"Q{chr(65 + place % 26)}{place // 26 + 1}"


INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def build(scale: Scale, seed: int) -> Geography:
    rng = stream(seed, "geography")
    P = scale.places
    w_place = rng.lognormal(0.0, 0.45, P)

    # ICSs and Places ------------------------------------------------------------
    ics_sizes = (np.array([P]) if scale.ics == 1
                 else alloc(P, rng.lognormal(0.0, 0.4, scale.ics), minimum=2))
    place_ics = np.repeat(np.arange(scale.ics), ics_sizes)
    pnames = place_names(stream(seed, "place-names"), P)
    place_codes = [f"E0990{i + 1:04d}" for i in range(P)]
    first = np.concatenate([[0], np.cumsum(ics_sizes)[:-1]])
    ics_short = [pnames[f] if s == 1 else f"{pnames[f]} and {pnames[f + 1]}" for f, s in zip(first, ics_sizes)]
    ics_codes = [f"Q9{i + 1:02d}" for i in range(scale.ics)]
    ics_names = [f"NHS {s}" for s in ics_short]
    geo = Geography(ics_codes, ics_names, ics_short, place_codes, pnames, place_ics, w_place)

    # Areas: inner areas in Place order, then a few outside any footprint -----------
    n_out = max(12, round(scale.areas * 0.004))
    area_pp = alloc(scale.areas - n_out, w_place, minimum=20)
    place_start = np.concatenate([[0], np.cumsum(area_pp)])
    n_inner = int(place_start[-1])

    # Neighbourhoods ------------------------------------------------------------------
    # PCNs per Place first: "tidy" Places get one neighbourhood per PCN, led one to one
    pcn_pp = alloc(scale.pcns, w_place, minimum=1)
    no_nb = pick(rng, P, 0.05) if P >= 10 else np.zeros(P, dtype=bool)
    tidy = pick(rng, P, 0.2) & ~no_nb
    nb_pp = np.zeros(P, dtype=np.int64)
    nb_pp[tidy] = np.minimum(pcn_pp[tidy], area_pp[tidy] // 4)
    rest = ~no_nb & ~tidy
    nb_pp[rest] = alloc(scale.neighbourhoods - int(nb_pp[tidy].sum()), w_place[rest], minimum=2,
                        caps=area_pp[rest] // 4)
    loc_rng = stream(seed, "localities")
    area_nb = np.full(n_inner, -1, dtype=np.int64)  # the neighbourhood an area lies in (its patch)
    nb_range: list[tuple[int, int]] = []
    for p in range(P):
        k = int(nb_pp[p])
        if not k:
            continue
        names = locality_names(loc_rng, k)
        if len(set(names)) < k:
            names = [f"{n} {i + 1}" for i, n in enumerate(names)]
        sizes = alloc(int(area_pp[p]), rng.lognormal(0.0, 0.3, k), minimum=4)
        start = int(place_start[p])
        for i in range(k):
            j = len(geo.nb_codes)
            geo.nb_codes.append(f"NB-{place_codes[p]}-{i + 1:02d}")
            q = rng.random()
            geo.nb_names.append(f"{pnames[p]} {NEIGHBOURHOOD_QUALIFIERS[i % 8]}" if q < 0.25 else names[i])
            geo.nb_place.append(p)
            area_nb[start:start + sizes[i]] = j
            nb_range.append((start, start + int(sizes[i])))
            start += int(sizes[i])
    nb_place = np.array(geo.nb_place, dtype=np.int64)

    # areas.csv
    area_codes = [f"E019{i + 1:05d}" for i in range(n_inner)]
    welsh = np.arange(n_out) % 3 == 0
    out_codes = [f"W019{i + 1:05d}" if welsh[i] else f"E019{n_inner + i + 1:05d}" for i in range(n_out)]
    area_codes += out_codes
    area_place_idx = np.repeat(np.arange(P), area_pp)
    names = []
    for p in range(P):
        nm = pnames[p]
        names += [f"{nm} {j // 5 + 1:03d}{'ABCDE'[j % 5]}" for j in range(int(area_pp[p]))]
    out_locs = locality_names(stream(seed, "outside"), n_out)
    names += [f"Out of area – {x}" for x in out_locs]
    has_nb = area_nb >= 0
    in_place = np.ones(n_inner, dtype=bool)
    in_nb = has_nb.copy()
    place_only = pick(rng, n_inner, 0.03) & has_nb
    nb_only = pick(rng, n_inner, 0.02) & has_nb & ~place_only
    in_nb[place_only] = False
    in_place[nb_only] = False
    nbc = np.array([*geo.nb_codes, ""], dtype=object)
    pcs = np.array(place_codes, dtype=object)
    area_place_col = np.where(in_place, pcs[area_place_idx], "").tolist() + [""] * n_out
    area_nb_col = np.where(in_nb, nbc[area_nb], "").tolist() + [""] * n_out
    geo.tables["ics"] = {"code": ics_codes, "name": ics_names}
    geo.tables["places"] = {"code": place_codes, "name": pnames, "ics_code": [ics_codes[i] for i in place_ics]}
    hrng = stream(seed, "neighbourhood-dates")  # a third were set up in 2021/22; the rest predate the records
    nb_from = [rand_date(hrng, "2021-04-01", PAST_END) if hrng.random() < 0.3 else "" for _ in geo.nb_codes]
    geo.tables["neighbourhoods"] = {"code": geo.nb_codes, "name": geo.nb_names, "from": nb_from,
                                    "place_code": [place_codes[p] for p in geo.nb_place]}
    geo.tables["areas"] = {"code": area_codes, "name": names, "kind": ["lsoa"] * len(area_codes),
                           "place_code": area_place_col, "neighbourhood_code": area_nb_col}

    # PCNs and who leads which neighbourhood --------------------------------------------
    pcn_place = np.repeat(np.arange(P), pcn_pp)
    n_pcn = len(pcn_place)
    leads: list[list[int]] = [[] for _ in range(n_pcn)]
    pcn_start = np.concatenate([[0], np.cumsum(pcn_pp)])
    nb_start = np.concatenate([[0], np.cumsum(nb_pp)])
    lead_rng = stream(seed, "leads")
    for p in range(P):
        pcns = list(range(int(pcn_start[p]), int(pcn_start[p + 1])))
        nbs = list(range(int(nb_start[p]), int(nb_start[p + 1])))
        if not nbs:
            continue
        for a, b in zip(pcns, nbs):
            leads[a].append(b)
        if tidy[p]:
            continue
        for b in nbs[len(pcns):]:  # more neighbourhoods than PCNs
            if lead_rng.random() < 0.8:
                leads[pcns[int(lead_rng.integers(len(pcns)))]].append(b)
        for a in pcns[len(nbs):]:  # more PCNs than neighbourhoods
            if lead_rng.random() < 0.6:
                leads[a].append(nbs[int(lead_rng.integers(len(nbs)))])
        for a in pcns[:len(nbs)]:
            r = lead_rng.random()
            if r < 0.04 and len(pcns) > 1:
                leads[a] = []  # leads nothing: its neighbourhood may be led by nobody
            elif r < 0.09 and len(nbs) > 1:
                other = nbs[int(lead_rng.integers(len(nbs)))]
                if other not in leads[a]:
                    leads[a].append(other)  # co-leads a second neighbourhood
    pcn_codes = [f"UZ{i + 1:04d}" for i in range(n_pcn)]
    pcn_names = []
    led_by: dict[int, int] = {}
    spare = locality_names(stream(seed, "pcn-names"), n_pcn)
    for a in range(n_pcn):
        if leads[a]:
            b = leads[a][0]
            n = led_by.get(b, 0)
            led_by[b] = n + 1
            nm = geo.nb_names[b] if n == 0 else f"{geo.nb_names[b]} {NEIGHBOURHOOD_QUALIFIERS[(n + 3) % 8]}"
        else:
            nm = spare[a]
        pcn_names.append(f"{nm} PCN")
    geo.tables["pcns"] = {"code": pcn_codes, "name": pcn_names,
                          "neighbourhood_codes": [";".join(geo.nb_codes[b] for b in sorted(ls)) for ls in leads]}
    geo.pcn_place = pcn_place.tolist()

    # Practices -------------------------------------------------------------------------
    prng = stream(seed, "practices")
    n_closed = round(scale.practices * 0.005)
    n_open = scale.practices - n_closed
    prac_pp = alloc(n_open, prng.lognormal(0.0, 0.35, n_pcn), minimum=2)
    prac_pcn = np.repeat(np.arange(n_pcn), prac_pp)
    prac_place = pcn_place[prac_pcn].copy()
    # located in a neighbouring Place (a PCN across a boundary, by practices)
    if P > 1:
        moved = np.flatnonzero(pick(prng, n_open, 0.015, at_least=1) & ~tidy[prac_place])
        step = np.where(prng.random(len(moved)) < 0.5, -1, 1)
        dest = np.clip(prac_place[moved] + step, 0, P - 1)
        dest = np.where(dest == prac_place[moved], np.where(dest == 0, 1, dest - 1), dest)
        ok = ~tidy[dest]  # nothing moves into a tidy Place either
        prac_place[moved[ok]] = dest[ok]
    no_place = pick(prng, n_open, 0.01)
    prac_codes = [f"PZ{i + 1:04d}" for i in range(scale.practices)]
    locs = locality_names(stream(seed, "practice-names"), scale.practices)
    suffix = prng.integers(0, len(PRACTICE_SUFFIXES), scale.practices)
    prac_names = [f"{loc} {PRACTICE_SUFFIXES[s]}" for loc, s in zip(locs, suffix.tolist())]
    for i in prng.choice(scale.practices, size=min(scale.practices, 3), replace=False).tolist():
        prac_names[i] = f"St Luke's {PRACTICE_SUFFIXES[0]}, {locs[i]}"  # apostrophe and comma
    postcodes = [
        f"{_postcode_outward(int(p))} {d}{INWARD_LETTERS[a]}{INWARD_LETTERS[b]}"
        for p, d, a, b in zip(
            np.concatenate([prac_place, prng.integers(0, P, n_closed)]).tolist(),
            prng.integers(1, 10, scale.practices).tolist(),
            prng.integers(0, 20, scale.practices).tolist(),
            prng.integers(0, 20, scale.practices).tolist(),
        )
    ]
    rows: list[list[str]] = []
    blank_from = prng.random(n_open) < 0.08
    for i in range(n_open):
        place = "" if no_place[i] else place_codes[prac_place[i]]
        rows.append([prac_codes[i], prac_names[i], pcn_codes[prac_pcn[i]], postcodes[i], place,
                     "" if blank_from[i] else PCN_START, ""])
    # history: practices that moved PCN within their Place, and one or more that will
    same_place_alt = {}
    for a in range(n_pcn):
        p = pcn_place[a]
        others = [b for b in range(int(pcn_start[p]), int(pcn_start[p + 1])) if b != a]
        if others:
            same_place_alt[a] = others
    movable = np.array([i for i in range(n_open) if prac_pcn[i] in same_place_alt], dtype=np.int64)
    if len(movable):
        movers = movable[pick(prng, len(movable), 0.015, at_least=1)]
        rest = np.setdiff1d(movable, movers)
        future = rest[pick(prng, len(rest), 0.003, at_least=1)] if len(rest) else rest
        for i in movers.tolist():
            alts = same_place_alt[prac_pcn[i]]
            old = alts[int(prng.integers(len(alts)))]
            to = "2021-03-31" if prng.random() < 0.5 else "2022-03-31"
            rows[i][5] = "2021-04-01" if to == "2021-03-31" else "2022-04-01"
            rows.append([prac_codes[i], prac_names[i], pcn_codes[old], rows[i][3], rows[i][4], PCN_START, to])
        for i in future.tolist():
            alts = same_place_alt[prac_pcn[i]]
            new = alts[int(prng.integers(len(alts)))]
            rows[i][6] = FUTURE_EVE
            rows.append([prac_codes[i], prac_names[i], pcn_codes[new], rows[i][3], rows[i][4], FUTURE, ""])
    for j in range(n_closed):
        i = n_open + j
        a = int(prng.integers(n_pcn))
        rows.append([prac_codes[i], prac_names[i], pcn_codes[a], postcodes[i], place_codes[pcn_place[a]],
                     PCN_START, "2021-03-31" if prng.random() < 0.5 else "2022-03-31"])
    rows.sort(key=lambda r: (r[0], r[5]))
    geo.tables["practices"] = {c: [r[k] for r in rows] for k, c in
                               enumerate(("code", "name", "pcn_code", "postcode", "place_code", "from", "to"))}
    geo.tables["practices"]["from_extract"] = geo.tables["practices"]["to_extract"] = [""] * len(rows)  # no extracts

    # Registrations -----------------------------------------------------------------------
    rrng = stream(seed, "registrations")
    high = pick(rrng, n_pcn, 0.18, at_least=1)
    pcn_spill = np.where(high, rrng.uniform(0.06, 0.35, n_pcn), rrng.uniform(0.003, 0.03, n_pcn))
    border = pick(rrng, P, 0.1, at_least=1)
    border[[0, P - 1]] = True
    outside = np.arange(n_inner, n_inner + n_out)

    def place_areas(p: int) -> np.ndarray:
        return np.arange(place_start[p], place_start[p + 1])

    home_nb = np.full(n_open, -1, dtype=np.int64)
    for i in range(n_open):
        a, p = prac_pcn[i], prac_place[i]
        led = [b for b in leads[a] if nb_place[b] == p]
        if led:
            home_nb[i] = led[0] if len(led) == 1 or rrng.random() < 0.75 else led[1 + int(rrng.integers(len(led) - 1))]
        elif nb_pp[p]:
            home_nb[i] = int(nb_start[p] + rrng.integers(nb_pp[p]))
    pools = []
    for i in range(n_open):
        p = int(prac_place[i])
        pa = place_areas(p)
        if home_nb[i] >= 0:
            s, e = nb_range[home_nb[i]]
        else:  # a Place with no neighbourhoods: a patch of about 20 areas
            s = int(pa[0] + rrng.integers(max(1, len(pa) - 20)))
            e = min(int(pa[-1]) + 1, s + 20)
        home = np.arange(s, e)
        other = np.concatenate([np.arange(pa[0], s), np.arange(e, pa[-1] + 1)])
        spill = [place_areas(q) for q in (p - 1, p + 1) if 0 <= q < P]
        if border[p]:
            spill.append(outside)
        pools.append((home, other, np.concatenate(spill) if spill else np.zeros(0, dtype=np.int64)))
    cap = np.array([len(h) + len(o) + len(s) for h, o, s in pools])
    sizes = np.clip(rrng.lognormal(np.log(9000), 0.5, n_open), 1500, 40000).astype(np.int64)
    k = alloc(scale.registrations, sizes ** 0.6 * rrng.lognormal(0, 0.3, n_open), minimum=20,
              caps=np.minimum(cap, sizes // 2))
    prac_col, area_col, pat_col = [], [], []
    for i in range(n_open):
        home, other, spill = pools[i]
        ki = int(k[i])
        hi = bool(high[prac_pcn[i]]) or prac_place[i] != pcn_place[prac_pcn[i]]
        n_home = min(len(home), ki)
        rem = ki - n_home
        n_spill = min(len(spill), round(rem * (0.45 if hi else 0.25)))
        n_other = min(len(other), rem - n_spill)
        n_spill = min(len(spill), rem - n_other)
        parts, probs = [], []
        for kind, pool, n, f in ((0, home, n_home, 0.0), (1, other, n_other, rrng.uniform(0.04, 0.2)),
                                 (2, spill, n_spill, pcn_spill[prac_pcn[i]] * rrng.uniform(0.7, 1.3))):
            if n:
                parts.append(np.sort(rrng.choice(pool, size=n, replace=False)))
                w = rrng.lognormal(0, 0.7, n) if kind == 0 else rrng.exponential(1.0, n) ** 2
                probs.append((kind, f, w / w.sum()))
        known = sum(f for kind, f, _w in probs if kind)
        probs = [(max(0.05, 1 - known) if kind == 0 else f) * w for kind, f, w in probs]
        pr = np.concatenate(probs)
        pr /= pr.sum()
        areas_i = np.concatenate(parts)
        pats = 1 + rrng.multinomial(int(sizes[i]) - ki, pr)
        order = np.argsort(areas_i, kind="stable")
        prac_col.append(np.full(ki, i, dtype=np.int64))
        area_col.append(areas_i[order])
        pat_col.append(pats[order])
    reg = pd.DataFrame({"p": np.concatenate(prac_col), "a": np.concatenate(area_col),
                        "n": np.concatenate(pat_col).astype(np.int64)})
    area_codes_arr = np.array(area_codes, dtype=object)
    # footprints for the tie check
    area_place_fp = np.concatenate([np.where(in_place | has_nb, area_place_idx, -1), np.full(n_out, -1)])
    area_nb_fp = np.concatenate([np.where(in_nb, area_nb, -1), np.full(n_out, -1)])
    _avoid_ties(reg, prac_pcn, area_place_fp, area_nb_fp)
    prac_codes_arr = np.array(prac_codes, dtype=object)
    geo.tables["registrations"] = {"practice_code": prac_codes_arr[reg["p"].to_numpy()],
                                   "area_code": area_codes_arr[reg["a"].to_numpy()],
                                   "patients": reg["n"].to_numpy()}
    geo.tables["_practice_names"] = {"code": prac_codes, "name": prac_names}
    _avoid_practice_ties(geo.tables["practices"])
    return geo


def _bad(share: np.ndarray) -> np.ndarray:
    """Shares a report could print or judge differently: on the threshold, or at a
    half-way point when rounded to 3 decimals."""
    milli = share * 1000
    return (np.abs(share - THRESHOLD) < 1e-6) | (np.abs(milli - np.floor(milli) - 0.5) < 1e-6)


def _avoid_ties(reg: pd.DataFrame, prac_pcn: np.ndarray, place_fp: np.ndarray, nb_fp: np.ndarray) -> None:
    """Nudge patients so that no PCN's main-footprint share (Place or neighbourhood level)
    sits on the threshold or on a rounding half-way point. Every registered practice is a
    current member of its PCN (movers' current rows), so PCN = prac_pcn."""
    pcn = prac_pcn[reg["p"].to_numpy()]
    for _ in range(10):
        changed = False
        for fp in (place_fp, nb_fp):
            f = fp[reg["a"].to_numpy()]
            g = pd.DataFrame({"pcn": pcn, "fp": f, "n": reg["n"].to_numpy()}).groupby(["pcn", "fp"])["n"].sum()
            g = g.reset_index()
            tot = g.groupby("pcn")["n"].transform("sum")
            g = g.sort_values(["pcn", "n", "fp"], ascending=[True, False, True], kind="stable")
            main = g.drop_duplicates("pcn")
            share = main["n"].to_numpy() / tot.loc[main.index].to_numpy()
            bad = main[_bad(share)]
            for pc, fpv in zip(bad["pcn"].tolist(), bad["fp"].tolist()):
                rows = np.flatnonzero((pcn == pc) & (f == fpv))
                top = rows[np.argmax(reg["n"].to_numpy()[rows])]
                reg.loc[top, "n"] += 1
                changed = True
        if not changed:
            return


def _avoid_practice_ties(practices: dict[str, list]) -> None:
    """By practices: make sure no PCN's share of practices in its main Place is on the
    threshold or a rounding half-way point (e.g. 13/16): give such a PCN's odd practice
    its main Place."""
    df = pd.DataFrame(practices)
    cur = df[[is_current(f, t, REF) for f, t in zip(df["from"], df["to"])]].copy()
    cur["fp"] = cur["place_code"].replace("", "unknown")
    g = cur.groupby(["pcn_code", "fp"]).size().reset_index(name="n")
    g["tot"] = g.groupby("pcn_code")["n"].transform("sum")
    main = g.sort_values(["pcn_code", "n", "fp"], ascending=[True, False, True], kind="stable").drop_duplicates("pcn_code")
    bad = main[_bad((main["n"] / main["tot"]).to_numpy()) & (main["n"] < main["tot"])]
    for pcn, fp in zip(bad["pcn_code"].tolist(), bad["fp"].tolist()):
        odd = cur.index[(cur["pcn_code"] == pcn) & (cur["fp"] != fp)][0]
        code = df.at[odd, "code"]
        for j in df.index[df["code"] == code].tolist():
            practices["place_code"][j] = fp if fp != "unknown" else ""
