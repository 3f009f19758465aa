"""The `coterminosity` report with pandas: each PCN's share of its practices or patients in its main footprint.

By practices: the PCN's current practices by the Place each is located in. By patients:
the registered patients of its current practices by the footprint of the area they live
in (at place level the area's Place, else its neighbourhood's Place; at neighbourhood
level its neighbourhood); `unknown` when there is none. Main footprint: the largest
(ties: the smallest code); coterminous when its share is at least the threshold.

    python benchmarks/reference/coterminosity.py DATA --as-at 2025-01-01 --by patients --level place
"""

from __future__ import annotations

import pandas as pd
from _common import arguments, current, read, write

args = arguments(__doc__.splitlines()[0], by={"default": "patients"}, level={"default": "place"},
                 threshold={"type": float, "default": 0.95})
pcns = read(args.data, "pcns", ["code", "name"]).drop_duplicates("code").sort_values("code")
members = current(read(args.data, "practices", ["code", "pcn_code", "from", "to"]), args.as_at)
members = members[members["pcn_code"] != ""][["code", "pcn_code"]].drop_duplicates()
if args.by == "practices":
    located = read(args.data, "practices", ["code", "place_code"])
    located = located[located["place_code"] != ""].groupby("code")["place_code"].min()
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
rows = []
for code, name in pcns.itertuples(index=False):
    if code in main.index:
        top, total = int(main.loc[code, "n"]), int(totals.loc[code, "sum"])
        share = top / total
        rows.append([code, name, main.loc[code, "footprint"], round(share, 3), int(totals.loc[code, "size"]),
                     share >= args.threshold, top, total])
    else:
        rows.append([code, name, None, None, 0, False, 0, 0])
write(["pcn_code", "pcn_name", "main_footprint", "share", "footprints", "coterminous", "main_count", "total"], rows)
