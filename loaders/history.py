"""Dated memberships (practices.pcn_code -> MEMBER_OF {from, to}): history is kept, never replaced.

A dated row is identified by (practice, PCN, from): loading it again changes nothing,
and a newer file can set its `to`. Published snapshots (gp-reg-pat-prac-map says "on
the extract date this practice is in this PCN") are evidence, not dated rows:

- the practice's memberships of other PCNs that cover the date end the day before it;
- if no membership of that practice in that PCN covers the date, one is added: starting on
  the extract date when the practice has moved (or an earlier extract had it in no PCN), with
  no start date when this is the first we know of it;
- a practice the extract puts in no PCN (`U` / `Unallocated`) has its memberships that
  cover the date ended the day before it.

Load snapshot editions oldest first; a practice missing from a snapshot keeps its
memberships (a file may cover only part of the country).

Dates that come from a snapshot are guesses (the move happened some time before the
extract), so the extract's date is kept beside them: `from_extract` on a membership
first seen in an extract, `to_extract` on one ended because an extract showed the
practice elsewhere. A dated row that later gives the real date clears them. The changes
report says "seen in the extract of DATE" for these, never "joined on DATE".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..graph.dialect import Dialect
from ..graph.model import RELS
from ..graph.store import Tx
from .report import TableCounts
from .resolve import RelSet
from .write import RelChanges, fetch_rels


def _covers(m: dict[str, Any], day: dt.date) -> bool:
    return (m["from"] is None or m["from"] <= day) and (m["to"] is None or m["to"] >= day)


def diff(tx: Tx, dialect: Dialect, rs: RelSet) -> RelChanges:
    props = [p.name for p in RELS[rs.rel].props]
    frame = rs.frame
    released = _released(rs)
    keys = list(dict.fromkeys([*frame["src"].unique().tolist(), *released["src"].tolist()]))
    existing = fetch_rels(tx, dialect, rs, keys)
    known: dict[str, list[dict[str, Any]]] = {}
    for row in existing.to_dict("records"):
        entry = {**row, "_orig": dict(row)}
        known.setdefault(row["src"], []).append(entry)
    is_snap = frame["_is_snap"].to_numpy(dtype=bool) if "_is_snap" in frame.columns else None
    dated = frame if is_snap is None else frame[~is_snap]
    snaps = frame.iloc[0:0] if is_snap is None else frame[is_snap]

    # Dated rows: upsert by (src, dst, from), setting only what the file gives.
    given = [p for p in props if p != "from"]
    for row in dated.to_dict("records"):
        entries = known.setdefault(row["src"], [])
        match = next((e for e in entries if e["dst"] == row["dst"] and _same(e["from"], row["from"])), None)
        if match is None and row["from"] is not None:
            # A membership known without a start (from a snapshot) gets its start date.
            match = next((e for e in entries if e["dst"] == row["dst"] and e["from"] is None
                          and (e["to"] is None or e["to"] >= row["from"])), None)
            if match is not None:
                match["from"] = row["from"]
                match["from_extract"] = row["from_extract"] if row.get("?from_extract") else None
        if match is None:
            entries.append({**{p: row[p] for p in props}, "src": row["src"], "dst": row["dst"], "_orig": None})
            continue
        before = {"from": match["from"], "to": match["to"]}
        for p in given:
            if row.get("?" + p):
                match[p] = row[p]
        for p in ("from", "to"):  # a dated start or end replaces the extract's evidence
            if not row.get(f"?{p}_extract") and not _same(match[p], before[p]):
                match[f"{p}_extract"] = None

    # Snapshot evidence, oldest first.
    today = dt.date.today()
    snaps = snaps.assign(_day=[d if isinstance(d, dt.date) else today for d in snaps["_snap"]])
    if len(released):  # in no PCN on the extract date: end the memberships covering it, add none
        released = released.assign(_day=[d if isinstance(d, dt.date) else today for d in released["_snap"]])
        snaps = pd.concat([snaps, released.assign(dst=None)], ignore_index=True)
    in_none: set[Any] = set()  # practices seen in no PCN by an earlier extract
    for row in snaps.sort_values("_day", kind="stable").to_dict("records"):
        day = row["_day"]
        entries = known.setdefault(row["src"], [])
        if row["dst"] is None:
            in_none.add(row["src"])
            for e in entries:
                if _covers(e, day) and (e["from"] is None or e["from"] < day):
                    e["to"] = day - dt.timedelta(days=1)
                    e["to_extract"] = day
            continue
        covered = any(e["dst"] == row["dst"] and _covers(e, day) for e in entries)
        moved = (bool(entries) or row["src"] in in_none) and not covered
        for e in entries:  # on `day` the practice is in this PCN only
            if e["dst"] != row["dst"] and _covers(e, day) and (e["from"] is None or e["from"] < day):
                e["to"] = day - dt.timedelta(days=1)
                e["to_extract"] = day
        if covered:
            continue
        new = {p: None for p in props}
        new.update({"src": row["src"], "dst": row["dst"], "from": day if moved else None, "from_extract": day,
                    "_orig": None})
        entries.append(new)

    creates, updates, deletes = [], [], []
    unchanged = 0
    for entries in known.values():
        for e in entries:
            if e["_orig"] is not None and not _same(e["from"], e["_orig"]["from"]):
                deletes.append(e["_orig"])  # its start date is now known: replace it
                e["_orig"] = None
            if e["_orig"] is None:
                creates.append({k: e[k] for k in ("src", "dst", *props)})
                continue
            changed = [p for p in given if not _same(e[p], e["_orig"][p])]
            if changed:
                updates.append({"src": e["src"], "dst": e["dst"], **{p: e[p] for p in props},
                                **{"?" + p: p in changed for p in props}})
            else:
                unchanged += 1
    columns = ["src", "dst", *props]
    create = pd.DataFrame(creates, columns=columns)
    update = pd.DataFrame(updates, columns=[*columns, *("?" + p for p in props)])
    delete = pd.DataFrame(deletes, columns=columns)
    counts = TableCounts(f"{rs.rel} ({rs.src}->{rs.dst})", "relationship", rows_read=rs.rows_read,
                         created=len(create) - len(delete), updated=len(update) + len(delete), unchanged=unchanged)
    return RelChanges(rs, create, update, delete, counts, delete_identity=("from",))


def _released(rs: RelSet) -> pd.DataFrame:
    """Snapshot evidence that a practice is in no PCN (src, _snap), from the groups of `rs`."""
    parts = [pd.DataFrame({"src": g.released.astype(object).to_numpy(), "_snap": [g.as_of] * len(g.released)})
             for g in rs.groups if g.released is not None]
    if not parts:
        return pd.DataFrame({"src": pd.Series(dtype=object), "_snap": pd.Series(dtype=object)})
    return pd.concat(parts, ignore_index=True)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(a == b)
