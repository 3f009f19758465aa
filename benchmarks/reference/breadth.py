"""The `breadth` report with pandas: each Place's current partnership members, sectors and statutory split.

    python benchmarks/reference/breadth.py DATA --as-at 2025-01-01 > breadth.csv
"""

from __future__ import annotations

from _common import ICP_BOARD_KINDS, arguments, current, read, write

EXPECTED = ["local_authority", "nhs_trust", "primary_care", "housing", "voluntary", "police"]

args = arguments(__doc__.splitlines()[0])
places = read(args.data, "places", ["code", "name"]).drop_duplicates("code")
boards = read(args.data, "boards", ["code", "kind", "place_code"])
boards = boards[boards["kind"].isin(ICP_BOARD_KINDS) & (boards["place_code"] != "")]
members = current(read(args.data, "memberships", ["organisation_code", "board_code", "from", "to"]), args.as_at)
members = members.merge(boards, left_on="board_code", right_on="code")[["place_code", "organisation_code"]]
orgs = read(args.data, "organisations", ["code", "sector", "statutory"]).drop_duplicates("code")
pairs = members.drop_duplicates().merge(orgs, left_on="organisation_code", right_on="code")
pairs["is_statutory"] = pairs["statutory"].str.lower().isin(["true", "yes", "y", "1"])
by_place = pairs.groupby("place_code").agg(members=("code", "size"), statutory=("is_statutory", "sum"),
                                           sectors=("sector", lambda s: set(s) - {""}))
rows = []
for code, name in places.sort_values("code").itertuples(index=False):
    if code in by_place.index:
        r = by_place.loc[code]
        n, statutory, sectors = int(r["members"]), int(r["statutory"]), r["sectors"]
    else:
        n, statutory, sectors = 0, 0, set()
    rows.append([code, name, n, len(sectors), statutory, n - statutory, [s for s in EXPECTED if s not in sectors]])
write(["place_code", "place_name", "members", "sectors", "statutory", "non_statutory", "missing_sectors"], rows)
