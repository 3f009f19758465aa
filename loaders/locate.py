"""Where each practice is: its Place (LOCATED_IN), from what is published, and how it was found.

In this order, and never overriding a `place_code` of the partnership's own practices.csv
(`located_by` = `contract`):

1. **postcode**: the practice's postcode (from the practice map, epraccur, the geocoded
   file, ...) through a postcode lookup of the same load (ONSPD / NSPL, Code-Point Open;
   postcodes compared without spaces and case) gives a local authority; when that is a
   Place of the store (or of the load), the practice is LOCATED_IN it;
2. **sub_icb**: else, when the practice's Sub-ICB location (COMMISSIONED_BY) covers Areas
   (ONS LSOA -> Sub-ICB lookup) that all lie in one Place (LSOA -> local authority), it is
   LOCATED_IN that Place. A Sub-ICB location across several Places locates nobody: the
   practice stays unlocated and is counted, never guessed.

A location found by a load stays until better evidence comes: a later load without a
postcode lookup keeps a practice's postcode location; a postcode answer replaces a Sub-ICB
one. The load reports how many practices each method located and how many it could not.
This runs inside the load's transaction, after references are checked and before anything
is compared with the store, so the LOCATED_IN it decides are written (or found unchanged)
like any other relationship.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import cypher
from ..graph.store import Tx
from . import postcodes
from .plan import Plan
from .resolve import RelSet, fetch

CONTRACT, POSTCODE, SUB_ICB = "contract", "postcode", "sub_icb"
# Why a practice is not located.
NO_EVIDENCE = "no postcode found in a lookup and no Sub-ICB location lying in one Place"
OUTSIDE = "postcode in a local authority that is not a Place of the store"
SPLIT = "Sub-ICB location across several Places"
REASONS = {"not_located_outside_places": OUTSIDE, "not_located_sub_icb_split": SPLIT, "not_located_no_evidence": NO_EVIDENCE}


@dataclass
class Counts:
    by: dict[str, int] = field(default_factory=lambda: {CONTRACT: 0, POSTCODE: 0, SUB_ICB: 0})
    not_located: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))

    def as_dict(self) -> dict[str, int]:
        total = sum(self.by.values()) + sum(self.not_located.values())
        return {"practices": total, **self.by, "not_located": sum(self.not_located.values()), **self.not_located}


def _find(relsets: list[RelSet], rel: str, dst: str) -> RelSet | None:
    return next((rs for rs in relsets if rs.rel == rel and rs.dst == dst), None)


def _owned(rs: RelSet | None) -> tuple[set[str], dict[str, str]]:
    """(the owners a replace set states, owner -> one of its targets)."""
    if rs is None:
        return set(), {}
    owners = set(rs.owners.astype(str)) if rs.owners is not None else set(rs.frame["src"].astype(str))
    frame = rs.frame.sort_values("dst", kind="stable") if len(rs.frame) else rs.frame
    return owners, dict(zip(frame["src"].astype(str), frame["dst"].astype(str), strict=True))


def _pairs(rs: RelSet | None) -> pd.DataFrame:
    if rs is None:
        return pd.DataFrame({"a": pd.Series(dtype=object), "b": pd.Series(dtype=object)})
    return pd.DataFrame({"a": rs.frame["src"].astype(str).to_numpy(), "b": rs.frame["dst"].astype(str).to_numpy()})


def needed(plan: Plan, relsets: list[RelSet]) -> bool:
    """Whether a load can change where a practice is."""
    return bool(plan.lookups) or "Practice" in plan.nodes or any(
        rs.rel in ("LOCATED_IN", "COMMISSIONED_BY") or (rs.rel == "IN" and rs.dst in ("Place", "Organisation"))
        for rs in relsets
    )


def _sub_icb_places(tx: Tx, relsets: list[RelSet]) -> tuple[set[str], dict[str, set[str]]]:
    """(every Place code, Sub-ICB code -> the Places its Areas lie in), the load's Areas replacing the store's."""
    q = cypher.get("load-located-geography")
    stored = fetch(tx, q.text, {}, ["kind", "code", "other"])
    places = set(stored.loc[stored["kind"] == "place", "code"].astype(str))
    area_place = stored.loc[stored["kind"] == "area_place", ["code", "other"]].set_axis(["a", "b"], axis=1)
    area_sub = stored.loc[stored["kind"] == "area_sub_icb", ["code", "other"]].set_axis(["a", "b"], axis=1)
    for dst, table in (("Place", "place"), ("Organisation", "sub")):
        rs = _find(relsets, "IN", dst)
        if rs is None:
            continue
        owners, _ = _owned(rs)
        current = area_place if table == "place" else area_sub
        current = pd.concat([current[~current["a"].astype(str).isin(owners)], _pairs(rs)], ignore_index=True)
        if table == "place":
            area_place = current
        else:
            area_sub = current
    joined = area_sub.astype(str).merge(area_place.astype(str), on="a", suffixes=("_sub", "_place"))
    by_sub = joined.groupby("b_sub")["b_place"].agg(lambda s: set(s)).to_dict()
    return places, by_sub


def locate(tx: Tx, plan: Plan, relsets: list[RelSet]) -> tuple[list[RelSet], dict[str, int]]:
    """The load's relationship sets with LOCATED_IN decided for every practice it concerns, and the counts."""
    if not needed(plan, relsets):
        return relsets, {}
    q = cypher.get("load-practice-locations")
    stored = fetch(tx, q.text, {}, ["code", "postcode", "sub_icb", "place", "located_by"])
    stored = stored.astype(object).where(stored.notna(), None).set_index("code", drop=False)
    loaded = plan.nodes.get("Practice")
    load_keys = set(loaded.frame["key"].astype(str)) if loaded is not None else set()
    contract_rs = _find(relsets, "LOCATED_IN", "Place")
    contract_owners, _ = _owned(contract_rs)
    sub_owners, sub_of = _owned(_find(relsets, "COMMISSIONED_BY", "Organisation"))
    geography_changed = any(rs.rel == "IN" and rs.dst in ("Place", "Organisation") for rs in relsets)
    if plan.lookups or geography_changed:
        practices = set(stored.index.astype(str)) | load_keys
    else:
        practices = load_keys | contract_owners | sub_owners
    postcode_of: dict[str, str | None] = {str(k): v for k, v in zip(stored["code"], stored["postcode"], strict=True)}
    if loaded is not None and "postcode" in loaded.props:
        given = loaded.frame[loaded.frame["?postcode"].astype(bool) & loaded.frame["postcode"].notna()]
        postcode_of.update(zip(given["key"].astype(str), given["postcode"], strict=True))
    sub_icb_of = {str(k): v for k, v in zip(stored["code"], stored["sub_icb"], strict=True)}
    for owner in sub_owners:
        sub_icb_of[owner] = sub_of.get(owner)
    # The contract rows of this load: (place, located_by) per owner; a blank place states "none".
    contract_rows: dict[str, tuple[str | None, str]] = dict.fromkeys(contract_owners, (None, CONTRACT))
    if contract_rs is not None and len(contract_rs.frame):
        by = contract_rs.frame["located_by"] if "located_by" in contract_rs.frame.columns else None
        for i, (src, dst) in enumerate(zip(contract_rs.frame["src"].astype(str), contract_rs.frame["dst"].astype(str),
                                           strict=True)):
            contract_rows[src] = (dst, (by.iat[i] if by is not None and by.iat[i] else CONTRACT))
    lookup = postcodes.combined(plan.lookups)
    keys = {}
    if len(lookup):
        wanted = {p: v for p, v in postcode_of.items() if p in practices and v}
        normalised = postcodes.normalise(pd.Series(list(wanted.values()), dtype=object))
        keys = dict(zip(wanted, normalised, strict=True))
    geography: list[tuple[set[str], dict[str, set[str]]]] = []

    def known() -> tuple[set[str], dict[str, set[str]]]:  # read once, and only when needed
        if not geography:
            places, by_sub = _sub_icb_places(tx, relsets)
            if "Place" in plan.nodes:
                places |= set(plan.nodes["Place"].frame["key"].astype(str))
            geography.append((places, by_sub))
        return geography[0]

    counts = Counts()
    rows: list[tuple[str, str, str]] = []  # (practice, place, located_by)
    owners: set[str] = set(contract_owners)
    for practice in sorted(practices):
        stored_place = stored.at[practice, "place"] if practice in stored.index else None
        stored_by = stored.at[practice, "located_by"] if practice in stored.index else None
        prior: tuple[str, str] | None = None
        if practice in contract_rows:
            place, by = contract_rows[practice]
            if place is not None and by == CONTRACT:
                rows.append((practice, place, CONTRACT))
                counts.by[CONTRACT] += 1
                continue
            if place is not None:
                prior = (place, by)  # a derived location carried by a file (an export)
            elif stored_place is not None and stored_by not in (None, CONTRACT):
                prior = (stored_place, stored_by)
        elif stored_place is not None:
            if stored_by in (None, CONTRACT):
                counts.by[CONTRACT] += 1  # the partnership's own: left as it is
                continue
            prior = (stored_place, stored_by)
        owners.add(practice)
        found: tuple[str, str] | None = None
        reason = "not_located_no_evidence"
        lad = lookup.get(keys[practice]) if practice in keys else None
        if lad is not None and lad in known()[0]:
            found = (lad, POSTCODE)
        elif lad is not None:
            reason = "not_located_outside_places"
        elif prior is not None and prior[1] == POSTCODE:
            found = prior  # located by a lookup of an earlier load
        if found is None and reason == "not_located_no_evidence":
            sub = sub_icb_of.get(practice)
            covered = known()[1].get(sub) if sub else None
            if covered and len(covered) == 1:
                found = (next(iter(covered)), SUB_ICB)
            elif covered:
                reason = "not_located_sub_icb_split"
            elif prior is not None:
                found = prior
        if found is None:
            counts.not_located[reason] += 1
            continue
        rows.append((practice, found[0], found[1]))
        counts.by[found[1]] += 1
    frame = pd.DataFrame(rows, columns=["src", "dst", "located_by"])
    frame["?located_by"] = True
    frame["_line"] = np.zeros(len(frame), dtype=np.int64)
    located = RelSet(
        rel="LOCATED_IN", src="Practice", dst="Place", mode="replace", identity=(), owner_side="src",
        frame=frame, props=["located_by"], owners=pd.Series(sorted(owners), dtype=object),
        rows_read=contract_rs.rows_read if contract_rs is not None else 0,
        groups=contract_rs.groups if contract_rs is not None else [],
    )
    others = [rs for rs in relsets if rs is not contract_rs]
    return [*others, located], counts.as_dict()


__all__ = ["CONTRACT", "POSTCODE", "REASONS", "SUB_ICB", "locate"]
