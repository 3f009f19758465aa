"""The `changes` report with pandas, from the input CSV files: what an analyst would otherwise write.

    python benchmarks/reference/changes.py DATA --from 2021-07-01 --to 2022-06-30 > changes.csv

The same definitions as README.md ("changes"), written independently of icpmap's code: each
thing's state is evaluated on the days it can change (a row's first day, the day after its last),
and a change is dated by its first day (a start), its last day (an end) or the first day in the
new state (a change of role). Output as `icpmap report changes --format csv` prints it, so the
benchmark can compare the two byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

ONE = dt.timedelta(days=1)
PARTNERSHIP = ("place_partnership_board", "health_and_wellbeing_board")
EXPECTED_LINKS = ("health_and_wellbeing_board", "safeguarding_adults_board", "safeguarding_children_partnership",
                  "community_safety_partnership", "local_enterprise_partnership")
KINDS = ("joined_board", "board_role_changed", "left_board", "practice_joined_pcn", "practice_left_pcn",
         "practice_seen_in_pcn", "practice_no_longer_seen_in_pcn", "pcn_opened", "pcn_closed", "party_added",
         "signature_added", "place_lead_appointed", "place_lead_ended", "endorsement", "plan_approved",
         "commissioning_started", "commissioning_ended", "neighbourhood_added", "missing_link_closed",
         "missing_link_opened")
COLUMNS = ["date", "place_code", "kind", "subject_code", "subject_name", "object_code", "object_name", "detail",
           "evidence"]


def read(data: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = data / f"{name}.csv"
    header = pd.read_csv(path, nrows=0).columns
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=[c for c in columns if c in header])
    for c in columns:
        if c not in frame:
            frame[c] = ""
    return frame[columns].apply(lambda c: c.str.strip())  # in the order asked for, whatever the file's


def tuples(frame: pd.DataFrame):
    """The rows as tuples of str (iterating a pandas string column element by element is slow)."""
    return zip(*(frame[c].tolist() for c in frame.columns))


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def states(rows: list[tuple[dt.date | None, dt.date | None, object]], rule) -> list[tuple[dt.date | None, object]]:
    """[(first day, value)] of rule(payloads of the rows current that day), from before the records on."""
    def current(d):
        if d is None:
            return [p for a, _, p in rows if a is None]
        return [p for a, b, p in rows if (a is None or a <= d) and (b is None or b >= d)]

    days = sorted({a for a, _, _ in rows if a} | {b + ONE for _, b, _ in rows if b and b < dt.date.max})
    out = [(None, rule(current(None)))]
    for d in days:
        value = rule(current(d))
        if value != out[-1][1]:
            out.append((d, value))
    return out


def in_window(a: str, b: str, since: str, until: str) -> bool:
    return (a != "" and since <= a <= until) or (b != "" and since <= b <= until)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--from", dest="since", required=True)
    parser.add_argument("--to", dest="until", required=True)
    args = parser.parse_args()
    data, first, last = args.data, dt.date.fromisoformat(args.since), dt.date.fromisoformat(args.until)
    lo, hi = (first - ONE).isoformat(), last.isoformat()  # rows that can hold a change in the window
    out: list[tuple] = []

    def add(date, place, kind, s_code, s_name, o_code=None, o_name=None, detail="", evidence="dated"):
        if first <= date <= last:
            out.append((date, place or None, kind, s_code, s_name or None, o_code or None, o_name or None, detail,
                        evidence))

    places = dict(tuples(read(data, "places", ["code", "name"])))
    orgs = dict(tuples(read(data, "organisations", ["code", "name"])))
    boards = read(data, "boards", ["code", "name", "kind", "place_code", "parent_board_code"])
    board_name = dict(zip(boards["code"], boards["name"]))
    board_kind = dict(zip(boards["code"], boards["kind"]))
    board_place = dict(zip(boards["code"], boards["place_code"]))

    # organisations on boards
    members = read(data, "memberships", ["organisation_code", "board_code", "role", "from", "to"])
    hit = members[[in_window(a, b, lo, hi) for a, b in zip(members["from"], members["to"])]]
    pairs = set(zip(hit["organisation_code"], hit["board_code"]))
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for org, board, role, a, b in tuples(members):
        if (org, board) in pairs:
            grouped[(org, board)].append((day(a), day(b), role))
    for (org, board), rows in grouped.items():
        history = states(rows, lambda roles: None if not roles else "core" if "core" in roles else "wider")
        for (_, old), (d, new) in itertools.pairwise(history):
            args_ = (board_place.get(board), org, orgs.get(org), board, board_name.get(board))
            if old is None:
                add(d, args_[0], "joined_board", *args_[1:], f"{new} member")
            elif new is None:
                add(d - ONE, args_[0], "left_board", *args_[1:], f"{old} member")
            else:
                add(d, args_[0], "board_role_changed", *args_[1:], f"{old} → {new} member")

    # practices in PCNs, and PCNs: a membership counts while the practice and the PCN are open
    practices = read(data, "practices", ["code", "name", "pcn_code", "place_code", "from", "to", "from_extract",
                                         "to_extract", "status", "open_date", "close_date"])
    pcns = read(data, "pcns", ["code", "name", "status", "open_date", "close_date"])
    pcn_name = dict(zip(pcns["code"], pcns["name"]))
    pcn_dates = {c: (st, day(o), day(cl)) for c, st, o, cl in zip(pcns["code"], pcns["status"], pcns["open_date"],
                                                                  pcns["close_date"])}
    located = {c: p for c, p in zip(practices["code"], practices["place_code"]) if p}
    practice_name = dict(zip(practices["code"], practices["name"]))
    practice_dates = {c: (st, day(o), day(cl)) for c, st, o, cl in zip(practices["code"], practices["status"],
                                                                        practices["open_date"], practices["close_date"])}
    touched = {c for c, a, b, x, y, po, pc in zip(practices["pcn_code"], practices["from"], practices["to"],
                                                  practices["from_extract"], practices["to_extract"],
                                                  practices["open_date"], practices["close_date"])
               if in_window(a, b, lo, hi) or in_window(x, y, lo, hi) or in_window(po, pc, lo, hi)}
    touched |= {c for c, (_, o, cl) in pcn_dates.items()
                if (o and lo <= o.isoformat() <= hi) or (cl and lo <= cl.isoformat() <= hi)}

    def cut(code, pcn, a, b):
        """(first, last, what gave each) of a membership while the practice and the PCN are open."""
        first, last, why_a, why_b = a, b, "row", "row"
        for who, (status, opened, closed) in (("practice", practice_dates.get(code, ("", None, None))),
                                              ("pcn", pcn_dates.get(pcn, ("", None, None)))):
            if status == "closed" and closed is None:
                return None
            if opened and (first is None or opened > first):
                first, why_a = opened, who
            if closed and (last is None or closed - ONE < last):
                last, why_b = closed - ONE, who
        return None if (first and last and last < first) else (first, last, why_a, why_b)

    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    by_pcn: dict[str, list] = defaultdict(list)
    pcn_places: dict[str, set[str]] = defaultdict(set)  # every practice's, open or not
    for code, _, pcn, _, a, b, x, y, _, _, _ in tuples(practices):
        if pcn in touched and pcn:
            if code in located:
                pcn_places[pcn].add(located[code])
            kept = cut(code, pcn, day(a), day(b))
            if kept:
                row = (kept[0], kept[1], (day(x), day(y), kept[2], kept[3]))
                by_pair[(code, pcn)].append(row)
                by_pcn[pcn].append((code, row))

    def by_extract(rows, d, starting):
        """Rows starting (or ending) at this boundary all because an extract said so."""
        hit = [w for a, b, w in rows if (a == d if starting else (b and b + ONE == d))]
        return bool(hit) and all((w[2] if starting else w[3]) == "row" and (w[0] if starting else w[1]) == d
                                 for w in hit)

    for (code, pcn), rows in by_pair.items():
        for d, member in states(rows, bool)[1:]:
            info = (located.get(code), code, practice_name.get(code), pcn, pcn_name.get(pcn))
            if member:
                if by_extract(rows, d, True):
                    was = sorted({q for q, r in by_pcn.items() for c, (_, _, w) in r
                                  if c == code and q != pcn and w[1] == d})
                    text = f"; it was in {', '.join(was)} before" if was else ""
                    add(d, info[0], "practice_seen_in_pcn", *info[1:],
                        f"seen in the extract of {d.isoformat()}{text}: the move is not dated", "extract")
                else:
                    why = {w[2] for a, _, w in rows if a == d}
                    add(d, info[0], "practice_joined_pcn", *info[1:],
                        "the practice opened" if why == {"practice"} else "the PCN opened" if why == {"pcn"} else "")
            elif by_extract(rows, d, False):
                now = sorted({q for q, r in by_pcn.items() for c, (_, _, w) in r
                              if c == code and q != pcn and w[0] == d})
                where = f" in {', '.join(now)}" if now else " in another PCN"
                add(d, info[0], "practice_no_longer_seen_in_pcn", *info[1:],
                    f"seen{where} in the extract of {d.isoformat()}: the move is not dated", "extract")
            else:
                why = {w[3] for _, b, w in rows if b and b + ONE == d}
                add(d - ONE, info[0], "practice_left_pcn", *info[1:],
                    f"the practice closed on {d.isoformat()}" if why == {"practice"} else
                    f"the PCN closed on {d.isoformat()}" if why == {"pcn"} else "")
    has_practices = set(practices["pcn_code"])
    for pcn in sorted(touched & has_practices):
        rows = [row for _, row in by_pcn.get(pcn, [])]
        where = sorted(pcn_places[pcn]) or [None]
        _, opened, closed = pcn_dates.get(pcn, ("", None, None))
        for place in where:
            if opened:
                add(opened, place, "pcn_opened", pcn, pcn_name.get(pcn), detail="its open date, as published")
            if closed:
                add(closed, place, "pcn_closed", pcn, pcn_name.get(pcn), detail="its close date, as published")
        for d, member in states(rows, bool)[1:]:
            if member and not opened and not by_extract(rows, d, True) \
                    and {w[2] for a, _, w in rows if a == d} != {"pcn"}:
                for place in where:
                    add(d, place, "pcn_opened", pcn, pcn_name.get(pcn), detail="its first practice joined")
            elif not member and not closed and not by_extract(rows, d, False) \
                    and {w[3] for _, b, w in rows if b and b + ONE == d} != {"pcn"}:
                for place in where:
                    add(d - ONE, place, "pcn_closed", pcn, pcn_name.get(pcn), detail="its last practice left")

    # agreements: signatures and expected parties
    agreements = read(data, "agreements", ["code", "title", "kind", "place_code"])
    title = dict(zip(agreements["code"], agreements["title"]))
    kind = dict(zip(agreements["code"], agreements["kind"]))
    agreement_place = dict(zip(agreements["code"], agreements["place_code"]))
    signatures = read(data, "signatures", ["agreement_code", "organisation_code", "signed_on", "added_on"])
    for a, o, signed in zip(signatures["agreement_code"], signatures["organisation_code"], signatures["signed_on"]):
        if signed:
            add(day(signed), agreement_place[a], "signature_added", o, orgs.get(o), a, title[a],
                f"signed the {kind[a].replace('_', ' ')}")
    listing = {(a, o): added for a, o, added in zip(signatures["agreement_code"], signatures["organisation_code"],
                                                    signatures["added_on"])}
    core = members[(members["role"] == "core") & members["board_code"].map(board_kind).isin(PARTNERSHIP)].copy()
    core["place"] = core["board_code"].map(board_place)
    core = core[core["place"] != ""]
    core_rows: dict[tuple[str, str], list] = defaultdict(list)
    for o, p, a, b in zip(core["organisation_code"], core["place"], core["from"], core["to"]):
        core_rows[(p, o)].append((day(a), day(b)))
    by_place: dict[str, list[str]] = defaultdict(list)
    for a, p in agreement_place.items():
        by_place[p].append(a)
    candidates = {(p, o) for (p, o), rows in core_rows.items()
                  if any((x and lo <= x.isoformat() <= hi) or (y and lo <= y.isoformat() <= hi) for x, y in rows)}
    for (a, o), added in listing.items():
        if added and lo <= added <= hi:
            candidates.add((agreement_place[a], o))
    for place, org in candidates:
        for a in by_place.get(place, []):
            if (place, org) not in core_rows and ((a, org) not in listing or not listing[(a, org)]):
                continue
            rows = [(x, y, "core") for x, y in set(core_rows.get((place, org), []))]
            if (a, org) in listing:
                rows.append((day(listing[(a, org)]), None, "listed"))
            for d, expected in states(rows, bool)[1:]:
                if expected:
                    why = {w for x, _, w in rows if x == d}
                    detail = "listed as a party" if "listed" in why else "became a core member of the partnership"
                    add(d, place, "party_added", org, orgs.get(org), a, title[a], detail)

    # place leads and endorsements
    roles = read(data, "roles", ["person_id", "role", "target_code", "from", "to"])
    leads = roles[(roles["role"] == "place_lead") & roles["target_code"].isin(set(places))]
    lead_places: dict[str, set[str]] = defaultdict(set)
    for pid, place in zip(leads["person_id"], leads["target_code"]):
        lead_places[pid].add(place)
    roles_of: dict[str, list] = defaultdict(list)
    for pid, _, place, a, b in tuples(leads):
        roles_of[place].append((a, b, pid))
    for place, g in roles_of.items():
        if not any(in_window(a, b, lo, hi) for a, b, _ in g):
            continue
        rows = [(day(a), day(b), (day(a) or dt.date.min, pid)) for a, b, pid in g]

        def lead(current):
            if not current:
                return None
            latest = max(f for f, _ in current)
            return min(pid for f, pid in current if f == latest)

        history = states(rows, lead)
        for (_, old), (d, new) in itertools.pairwise(history):
            if old is not None:
                add(d - ONE, place, "place_lead_ended", old, None, place, places[place],
                    f"succeeded by {new}" if new else "role ended")
            if new is not None:
                add(d, place, "place_lead_appointed", new, None, place, places[place],
                    f"succeeds {old}" if old else "the Place had no lead")
    endorsements = read(data, "endorsements", ["organisation_code", "person_id", "endorsed_on"])
    for o, pid, on in zip(endorsements["organisation_code"], endorsements["person_id"], endorsements["endorsed_on"]):
        if on and lo <= on <= hi:
            for place in sorted(lead_places.get(pid, ())) or [None]:
                add(day(on), place, "endorsement", o, orgs.get(o), pid, None,
                    "endorsed the place lead" if place else "endorsed")

    # plans, commissioning, neighbourhoods
    plans = read(data, "plans", ["code", "title", "kind", "place_code", "approved_by_board_code", "approved_on"])
    for code, t, k, place, board, on in tuples(plans):
        if board and on:
            add(day(on), place, "plan_approved", board, board_name.get(board), code, t, k.replace("_", " "))
    commissioning = read(data, "commissioning", ["code", "name", "kind", "place_code", "value_gbp", "from", "to"])
    for code, name, k, place, value, a, b in tuples(commissioning):
        detail = k.replace("_", " ") + ("" if not value else f", £{float(value.replace(',', '').lstrip('£')):,.0f}")
        if a:
            add(day(a), place, "commissioning_started", code, name, detail=detail)
        if b:
            add(day(b), place, "commissioning_ended", code, name, detail=detail)
    neighbourhoods = read(data, "neighbourhoods", ["code", "name", "place_code", "from"])
    for code, name, place, a in tuples(neighbourhoods):
        if a:
            add(day(a), place, "neighbourhood_added", code, name)

    # missing links of each ICP board
    links = read(data, "board_links", ["board_code", "linked_board_code", "from", "to"])
    subgroup = defaultdict(set)
    for b, parent in zip(boards["code"], boards["parent_board_code"]):
        if parent:
            subgroup[b].add(board_kind.get(parent))
            subgroup[parent].add(board_kind.get(b))
    serving = defaultdict(list)
    for b, k, p in zip(boards["code"], boards["kind"], boards["place_code"]):
        if p:
            serving[p].append((b, k))
    links_of: dict[str, list] = defaultdict(list)
    for link in tuples(links):
        links_of[link[0]].append(link)
        if link[1] != link[0]:
            links_of[link[1]].append(link)
    for place, bs in serving.items():
        icp = [b for b, k in bs if k == "place_partnership_board"] or [b for b, k in bs if k == "health_and_wellbeing_board"]
        for board in sorted(set(icp)):
            mine = links_of.get(board, [])
            if not any(in_window(f, t, lo, hi) for _, _, f, t in mine):
                continue
            for expected in EXPECTED_LINKS:
                if board_kind[board] == expected or expected in subgroup[board]:
                    continue
                rows = []
                for a_, b_, f, t in mine:
                    other = b_ if a_ == board else a_
                    if board_kind.get(other) == expected:
                        rows.append((day(f), day(t), other))
                history = states(rows, frozenset)
                for (_, old), (d, new) in itertools.pairwise(history):
                    if not old and new:
                        other = min(new)
                        add(d, place, "missing_link_closed", board, board_name[board], other, board_name.get(other),
                            f"now linked with a {expected.replace('_', ' ')}")
                    elif old and not new:
                        other = min(old)
                        add(d - ONE, place, "missing_link_opened", board, board_name[board], other,
                            board_name.get(other), f"no current link with a {expected.replace('_', ' ')} after this day")

    order = {k: i for i, k in enumerate(KINDS)}
    rows = sorted(set(out), key=lambda r: (r[0], r[1] or "~", order[r[2]], r[3], r[5] or "", r[7], r[4] or "",
                                           r[6] or "", r[8]))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        cells = ["" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v) for v in r]
        writer.writerow(["'" + c if c.startswith(("=", "+", "-", "@", "\t", "\r")) else c for c in cells])


if __name__ == "__main__":
    main()
