"""The `unsigned` report with pandas: expected parties of each Place agreement that have not signed it.

Listed without a signature date (not_signed), or a current core member of the Place's
partnership boards not listed at all (no_signature_row).

    python benchmarks/reference/unsigned.py DATA --as-at 2025-01-01 > unsigned.csv
"""

from __future__ import annotations

import pandas as pd
from _common import ICP_BOARD_KINDS, arguments, current, read, write

args = arguments(__doc__.splitlines()[0])
agreements = read(args.data, "agreements", ["code", "place_code"]).drop_duplicates("code")
agreements = agreements[agreements["place_code"] != ""]
names = read(args.data, "organisations", ["code", "name"]).drop_duplicates("code").set_index("code")["name"]
signatures = read(args.data, "signatures", ["organisation_code", "agreement_code", "signed_on"])
signatures = signatures.drop_duplicates(["organisation_code", "agreement_code"], keep="last")
listed = signatures.merge(agreements, left_on="agreement_code", right_on="code")
not_signed = listed[listed["signed_on"] == ""].assign(reason="not_signed")

boards = read(args.data, "boards", ["code", "kind", "place_code"])
boards = boards[boards["kind"].isin(ICP_BOARD_KINDS) & (boards["place_code"] != "")]
core = current(read(args.data, "memberships", ["organisation_code", "board_code", "role", "from", "to"]), args.as_at)
core = core[core["role"] == "core"].merge(boards, left_on="board_code", right_on="code")
core = core[["place_code", "organisation_code"]].drop_duplicates()
expected = core.merge(agreements, on="place_code").rename(columns={"code": "agreement_code"})
keys = ["organisation_code", "agreement_code"]
absent = expected.merge(signatures[keys], on=keys, how="left", indicator=True)
absent = absent[absent["_merge"] == "left_only"].assign(reason="no_signature_row")

columns = ["place_code", "agreement_code", "organisation_code", "reason"]

out = pd.concat([not_signed[columns], absent[columns]]).drop_duplicates()
out = out.sort_values(["place_code", "agreement_code", "organisation_code"], kind="stable")
out["organisation_name"] = out["organisation_code"].map(names)
write(["place_code", "agreement_code", "organisation_code", "organisation_name", "reason"],
      out[["place_code", "agreement_code", "organisation_code", "organisation_name", "reason"]].itertuples(index=False))
