"""The `coterminosity` report with pandas: each PCN's share of its practices or patients in its main footprint.

By practices: the PCN's current practices by the Place each is located in. By patients:
the registered patients of its current practices by the footprint of the area they live
in (at place level the area's Place, else its neighbourhood's Place; at neighbourhood
level its neighbourhood); `unknown` when there is none. Main footprint: the largest
(ties: the smallest code); coterminous when its share is at least the threshold and the
main footprint is known. The PCNs covered: open ones with a current open practice located
in a Place, or leading a neighbourhood.

    python benchmarks/reference/coterminosity.py DATA --as-at 2025-01-01 --by patients --level place
"""

from __future__ import annotations

import pandas as pd
from _common import arguments, current, read, write

args = arguments(__doc__.splitlines()[0], by={"default": "patients"}, level={"default": "place"},
                 threshold={"type": float, "default": 0.95})
def is_open(frame: pd.DataFrame) -> pd.Series:
    """Open on the as-at date (the status and open/close columns are optional)."""
    get = lambda c: frame[c] if c in frame else pd.Series("", index=frame.index)  # noqa: E731
    opened, closed, status = get("open_date"), get("close_date"), get("status").str.lower()
    return (((opened == "") | (opened <= args.as_at)) & ((closed == "") | (closed > args.as_at))
            & ((closed != "") | (status != "closed")))


def columns(name: str, wanted: list[str]) -> list[str]:
    header = pd.read_csv(args.data / f"{name}.csv", nrows=0).columns
    return [c for c in wanted if c in header]


OPEN = ["status", "open_date", "close_date"]
pcns = read(args.data, "pcns", columns("pcns", ["code", "name", "neighbourhood_codes", *OPEN]))
pcns = pcns.drop_duplicates("code").sort_values("code")
practices = read(args.data, "practices", columns("practices", ["code", "pcn_code", "from", "to", "place_code", *OPEN]))
members = current(practices[is_open(practices)], args.as_at)
members = members[members["pcn_code"] != ""][["code", "pcn_code"]].drop_duplicates()
located = practices[practices["place_code"] != ""].groupby("code")["place_code"].min()
neighbourhoods = set(read(args.data, "neighbourhoods", ["code", "place_code"]).query("place_code != ''")["code"])
leads = {c for c, codes in zip(pcns["code"], pcns["neighbourhood_codes"])
         if any(n.strip() in neighbourhoods for n in codes.split(";"))}
covered = set(members.loc[members["code"].isin(located.index), "pcn_code"]) | leads
pcns = pcns[is_open(pcns) & pcns["code"].isin(covered)][["code", "name"]]
if args.by == "practices":
    members["footprint"] = members["code"].map(located).fillna("unknown")
    counts = members.groupby(["pcn_code", "footprint"]).size().rename("n").reset_index()
else:
    areas = read(args.data, "areas", ["code", "place_code", "neighbourhood_code"]).drop_duplicates("code")
    if args.level == "neighbourhood":
        footprint = areas["neighbourhood_code"]
    else:
        nb_place = read(args.data, "neighbourhoods", ["code", "place_code"]).set_index("code")["place_code"]
        footprint = areas["place_code"].where(areas["place_code"] != "", areas["neighbourhood_code"].map(nb_place))
    area_fp = footprint.fillna("").replace("", "unknown").set_axis(areas["code"])
    regs = pd.read_csv(args.data / "registrations.csv", dtype={"practice_code": str, "area_code": str})
    regs["footprint"] = regs["area_code"].map(area_fp).fillna("unknown")
    by_practice = regs.groupby(["practice_code", "footprint"], as_index=False)["patients"].sum()
    joined = members.merge(by_practice, left_on="code", right_on="practice_code")
    counts = joined.groupby(["pcn_code", "footprint"], as_index=False)["patients"].sum().rename(columns={"patients": "n"})
counts = counts[counts["n"] > 0].sort_values(["pcn_code", "n", "footprint"], ascending=[True, False, True])
totals = counts.groupby("pcn_code")["n"].agg(["sum", "size"])
main = counts.drop_duplicates("pcn_code").set_index("pcn_code")
unknown_of = counts[counts["footprint"] == "unknown"].set_index("pcn_code")["n"]
rows = []
for code, name in pcns.itertuples(index=False):
    if code in main.index:
        top, total = int(main.loc[code, "n"]), int(totals.loc[code, "sum"])
        share = top / total
        fp = main.loc[code, "footprint"]
        unknown = unknown_of.get(code, 0)
        rows.append([code, name, fp, round(share, 3), int(totals.loc[code, "size"]),
                     bool(share >= args.threshold and fp != "unknown"), top, total, int(unknown)])
    else:
        rows.append([code, name, None, None, 0, False, 0, 0, 0])
write(["pcn_code", "pcn_name", "main_footprint", "share", "footprints", "coterminous", "main_count", "total",
       "unknown"], rows)
