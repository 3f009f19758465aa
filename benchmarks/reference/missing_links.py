"""The `missing-links` report with pandas: each ICP board's missing links to expected kinds of board.

A Place's ICP boards are its place partnership boards, else its health and wellbeing
boards; a link is WORKS_WITH (board_links.csv) or SUBGROUP_OF (boards.csv
parent_board_code), in either direction.

    python benchmarks/reference/missing_links.py DATA --as-at 2025-01-01 > missing-links.csv
"""

from __future__ import annotations

import pandas as pd
from _common import arguments, read, write

EXPECTED = ["health_and_wellbeing_board", "safeguarding_adults_board", "safeguarding_children_partnership",
            "community_safety_partnership", "local_enterprise_partnership"]

args = arguments(__doc__.splitlines()[0])
boards = read(args.data, "boards", ["code", "kind", "place_code", "parent_board_code"]).drop_duplicates("code")
kind = boards.set_index("code")["kind"]
serving = boards[boards["place_code"] != ""]
ppb = serving[serving["kind"] == "place_partnership_board"]
hwb = serving[(serving["kind"] == "health_and_wellbeing_board") & ~serving["place_code"].isin(ppb["place_code"])]
icp = pd.concat([ppb, hwb])[["place_code", "code"]].drop_duplicates()

links = read(args.data, "board_links", ["board_code", "linked_board_code"])
parents = boards.loc[boards["parent_board_code"] != "", ["code", "parent_board_code"]]
ends = pd.concat([links.set_axis(["a", "b"], axis=1), parents.set_axis(["a", "b"], axis=1)])
both = pd.concat([ends, ends.set_axis(["b", "a"], axis=1)])  # either direction
both["other_kind"] = both["b"].map(kind)
linked = set(zip(both["a"], both["other_kind"]))

rows = sorted((place, board, k) for place, board in icp.itertuples(index=False) for k in EXPECTED
              if kind[board] != k and (board, k) not in linked)
write(["place_code", "board_code", "missing_kind"], rows)
