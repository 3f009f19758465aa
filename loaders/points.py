"""Where each practice is on a map: its point (lat, lon), and where the point came from.

In this order, each never overridden by a later one:

1. **contract**: a `lat`/`lon` in the partnership's own practices.csv (`point_from` contract);
2. **geocoded**: a published practice file's coordinates (the geocoded practice/PCN file's
   `PRACTICE_LAT`/`PRACTICE_LNG`);
3. **postcode**: the practice's postcode through a postcode lookup of the load that gives
   coordinates: the ONS Postcode Directory's `lat`/`long`, or Code-Point Open's eastings and
   northings (British National Grid, converted to longitude/latitude with pyproj).

A point stays until evidence of the same or a better kind comes. Runs inside the load's
transaction before the diff (like `locate.py`): it only edits the Practice rows the load
writes, so an unchanged point is found unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import cypher
from ..graph.store import Tx
from . import postcodes
from .plan import NodeSet, Plan
from .resolve import fetch

CONTRACT, GEOCODED, POSTCODE = "contract", "geocoded", "postcode"
RANK = {CONTRACT: 3, GEOCODED: 2, POSTCODE: 1}
POINT = ("lat", "lon", "point_from")


def needed(plan: Plan) -> bool:
    loaded = plan.nodes.get("Practice")
    return any(lk.points is not None for lk in plan.lookups) or (loaded is not None and "lat" in loaded.props)


def place_points(tx: Tx, plan: Plan) -> dict[str, int]:
    """Decide the point of every practice the load concerns (editing `plan.nodes["Practice"]`);
    the counts by where the points came from."""
    if not needed(plan):
        return {}
    q = cypher.get("load-practice-points")
    stored = fetch(tx, q.text, {}, ["code", "postcode", "lat", "lon", "point_from"])
    stored = stored.astype(object).where(stored.notna(), None)
    stored_from = dict(zip(stored["code"].astype(str), stored["point_from"], strict=True))
    loaded = plan.nodes.get("Practice")
    frame = _with_point_columns(loaded.frame if loaded is not None else None)
    at = {str(k): i for i, k in enumerate(frame["key"])}
    # 1-2: a point the load gives keeps its kind, unless it is published and the store's is the contract's
    given = frame["?lat"].to_numpy(dtype=bool) & frame["lat"].notna().to_numpy()
    for i in np.flatnonzero(given):
        kind = frame.at[i, "point_from"] or CONTRACT
        frame.at[i, "point_from"] = kind
        frame.at[i, "?point_from"] = True
        before = stored_from.get(str(frame.at[i, "key"]))
        if before in RANK and RANK[before] > RANK.get(kind, 0) and kind != CONTRACT:
            for p in POINT:  # a published point never replaces the partnership's own
                frame.at[i, "?" + p] = False
    # 3: the postcode's point, where nothing better is given or stored
    lookups = sorted((lk for lk in plan.lookups if lk.points is not None), key=lambda lk: lk.rank, reverse=True)
    if lookups:
        postcode_of = dict(zip(stored["code"].astype(str), stored["postcode"], strict=True))
        if "postcode" in frame.columns:
            mine = frame[frame["?postcode"].astype(bool) & frame["postcode"].notna()]
            postcode_of.update(zip(mine["key"].astype(str), mine["postcode"], strict=True))
        has_better = {k for k, v in stored_from.items() if RANK.get(v or "", 0) > RANK[POSTCODE]}
        has_better |= {str(frame.at[i, "key"]) for i in np.flatnonzero(given)}
        wanted = {code: pc for code, pc in postcode_of.items() if pc and code not in has_better}
        keys = dict(zip(wanted, postcodes.normalise(pd.Series(list(wanted.values()), dtype=object)), strict=True))
        found: dict[str, tuple[float, float]] = {}
        for lk in lookups:  # the newest edition first
            missing = sorted({k for c, k in keys.items() if c not in found})
            if not missing:
                break
            points = postcodes.lonlat(lk, missing)
            for code, key in keys.items():
                if code not in found and key in points.index:
                    found[code] = (float(points.at[key, "lon"]), float(points.at[key, "lat"]))
        extra = []
        for code, (lon, lat) in sorted(found.items()):
            if code in at:
                i = at[code]
                frame.loc[i, ["lat", "lon", "point_from"]] = [lat, lon, POSTCODE]
                frame.loc[i, ["?lat", "?lon", "?point_from"]] = True
            else:
                extra.append({"key": code, "lat": lat, "lon": lon, "point_from": POSTCODE,
                              "?lat": True, "?lon": True, "?point_from": True})
        if extra:
            frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    for column in frame.columns:
        if column.startswith("?"):
            frame[column] = frame[column].fillna(False).astype(bool)
    if loaded is None and not len(frame):
        return _counts(frame, stored)
    props = list(dict.fromkeys([*(loaded.props if loaded is not None else []), *POINT]))
    plan.nodes["Practice"] = NodeSet("Practice", frame[["key", *props, *("?" + p for p in props)]],
                                     props, loaded.rows_read if loaded is not None else 0)
    return _counts(frame, stored)


def _with_point_columns(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None:
        frame = pd.DataFrame({"key": pd.Series(dtype=object)})
    frame = frame.copy().reset_index(drop=True)
    for p in POINT:
        if p not in frame.columns:
            frame[p] = None
            frame["?" + p] = False
        frame[p] = frame[p].astype(object).where(frame[p].notna(), None)
    return frame


def _counts(frame: pd.DataFrame, stored: pd.DataFrame) -> dict[str, int]:
    """Practices by where their point now comes from (the load's, else the stored), and without one."""
    kinds = dict(zip(stored["code"].astype(str), stored["point_from"], strict=True))
    points = dict(zip(stored["code"].astype(str), stored["lat"], strict=True))
    for key, lat, kind, flag in zip(frame["key"].astype(str), frame["lat"], frame["point_from"], frame["?lat"],
                                    strict=True):
        if flag:
            kinds[key], points[key] = (kind if lat is not None else None), lat
        else:
            kinds.setdefault(key, None)
    out = {CONTRACT: 0, GEOCODED: 0, POSTCODE: 0, "none": 0}
    for key, kind in kinds.items():
        out[kind if points.get(key) is not None and kind in out else "none"] += 1
    return out


__all__ = ["CONTRACT", "GEOCODED", "POSTCODE", "place_points"]
