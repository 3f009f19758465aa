"""References: every code a row points at must be a node of this load or of the store.

Runs inside the write transaction (so what it reads is what the write sees), before
anything is written. It also settles references that may name several labels
(roles.target_code: a Place or a Board) and merges the rows of all tables into one
`RelSet` per relationship type and end labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..graph.dialect import q
from ..graph.model import NODES, RELS
from ..graph.store import Tx
from . import frames as fx
from .plan import Mode, Plan, RelGroup, rank_of
from .problems import Problems
from .tables import CONTRACT_RANK

FETCH_CHUNK = 50_000


def fetch(tx: Tx, cypher: str, params: dict[str, Any], columns: list[str]) -> pd.DataFrame:
    """Run a read in the transaction and return a DataFrame (fast path on LadybugDB)."""
    fetch_frame = getattr(tx, "fetch_frame", None)
    if fetch_frame is not None:
        frame = fetch_frame(cypher, params)
        frame.columns = columns
        return frame
    result = tx.run(cypher, params)
    return pd.DataFrame(result.rows, columns=columns)


def fetch_by_keys(tx: Tx, cypher: str, keys: Iterable[Any], columns: list[str]) -> pd.DataFrame:
    keys = list(keys)
    parts = [
        fetch(tx, cypher, {"keys": keys[i : i + FETCH_CHUNK]}, columns)
        for i in range(0, len(keys), FETCH_CHUNK)
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


SCAN_KEYS = 2_000  # from this many keys, read the label's keys once (a scan) instead of looking each up


def existing_keys(tx: Tx, label: str, keys: Iterable[str]) -> set[str]:
    node = NODES[label]
    keys = list(keys)
    if len(keys) >= SCAN_KEYS and hasattr(tx, "fetch_frame"):  # e.g. the practices and areas of a registrations file
        stored = fetch(tx, f"MATCH (n:{q(label)}) RETURN n.{q(node.key)} AS k", {}, ["k"])["k"]
        found = pd.Index(np.asarray(keys, dtype=object)).intersection(pd.Index(stored.to_numpy(dtype=object)))
        return set(found.to_numpy(dtype=object).tolist())  # not the Index itself: it boxes each value
    cypher = f"UNWIND $keys AS k MATCH (n:{q(label)} {{{q(node.key)}: k}}) RETURN n.{q(node.key)} AS k"
    return set(fetch_by_keys(tx, cypher, keys, ["k"])["k"])


@dataclass
class RelSet:
    """The desired relationships of one type between two labels, with how to apply them."""

    rel: str
    src: str
    dst: str
    mode: Mode
    identity: tuple[str, ...]
    owner_side: str | None
    frame: pd.DataFrame  # src, dst, props..., "?prop" flags, _rank, _snap (as_of for snapshot rows)
    props: list[str]
    owners: pd.Series | None = None
    rows_read: int = 0
    groups: list[RelGroup] = field(default_factory=list)


def resolve(tx: Tx, plan: Plan, problems: Problems) -> list[RelSet]:
    in_load = {label: _index(ns.frame["key"]) for label, ns in plan.nodes.items()}
    # 1. The codes each label must supply from the store.
    wanted: dict[str, set[str]] = {}
    for g in plan.groups:
        for side in g.check:
            labels = g.src_labels if side == "src" else g.dst_labels
            values = _distinct(g.frame[side])
            for label in labels:
                loaded = in_load.get(label)
                missing = values if loaded is None else values.difference(loaded)
                if len(missing):
                    wanted.setdefault(label, set()).update(missing.to_numpy(dtype=object).tolist())
    in_store = {label: existing_keys(tx, label, sorted(keys)) for label, keys in wanted.items()}

    def known(label: str, values: pd.Series) -> np.ndarray:
        keys = in_load.get(label, pd.Index([], dtype=object))
        if in_store.get(label):
            keys = keys.append(pd.Index(sorted(in_store[label]), dtype=object))
        if isinstance(values.dtype, pd.CategoricalDtype):  # test each distinct value once
            ok = np.append(values.cat.categories.isin(keys), False)  # code -1 (missing) is not known
            return ok[values.cat.codes.to_numpy()]
        return values.isin(keys).to_numpy()

    # 2. Check each reference; settle the label of each row's ends.
    pieces: list[tuple[RelGroup, str, str, pd.DataFrame]] = []
    for g in plan.groups:
        label_cols: dict[str, np.ndarray] = {}
        for side in ("src", "dst"):
            labels = g.src_labels if side == "src" else g.dst_labels
            if len(labels) == 1:
                if side in g.check:
                    ok = known(labels[0], g.frame[side])
                    _report(g, side, ~ok, f"unknown {labels[0]} code: not in this load or in the store", problems)
                continue
            hits = np.stack([known(label, g.frame[side]) for label in labels])
            count = hits.sum(axis=0)
            names = " or ".join(labels)
            _report(g, side, count == 0, f"unknown code: not a {names} in this load or in the store", problems)
            _report(g, side, count > 1, f"ambiguous code: it is both a {names}", problems)
            chosen = np.array(labels, dtype=object)[hits.argmax(axis=0)] if len(g.frame) else np.zeros(0, dtype=object)
            label_cols[side] = chosen
        if problems:
            continue
        if len(g.src_labels) == 1 and len(g.dst_labels) == 1:
            pieces.append((g, g.src_labels[0], g.dst_labels[0], g.frame))
            continue
        for side, labels in (("src", g.src_labels), ("dst", g.dst_labels)):
            if side not in label_cols:
                label_cols[side] = np.full(len(g.frame), labels[0], dtype=object)
        frame = g.frame.assign(_src_label=label_cols["src"], _dst_label=label_cols["dst"])
        for (s, d), part in frame.groupby(["_src_label", "_dst_label"], sort=False):
            pieces.append((g, str(s), str(d), part.drop(columns=["_src_label", "_dst_label"])))
        if not len(frame):  # an owner-only group (all blank references): still states its owners
            for s in g.src_labels:
                for d in g.dst_labels:
                    pieces.append((g, s, d, frame.drop(columns=["_src_label", "_dst_label"])))
    if problems:
        return []
    return _merge(pieces, problems)


def _index(values: object) -> pd.Index:
    return pd.Index(np.asarray(values, dtype=object))


def _distinct(values: pd.Series) -> pd.Index:
    """The distinct values of a column (a categorical's from its codes, without hashing)."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return _index(values.unique())
    codes = values.cat.codes.to_numpy()
    cats = values.cat.categories
    used = np.bincount(codes.astype(np.int64) + 1, minlength=len(cats) + 1)[1:] > 0  # code -1 (missing) counts first
    out = cats.to_numpy(dtype=object)[used]
    if len(codes) and codes.min() < 0:  # missing, as `unique` gives it
        out = np.append(out, np.nan)
    return _index(out)


def _report(g: RelGroup, side: str, mask: np.ndarray, message: str, problems: Problems) -> None:
    if not mask.any():
        return
    at = np.flatnonzero(mask)
    problems.add_rows(g.typed.table.display, g.frame["_line"].to_numpy()[at], g.columns.get(side),
                      g.frame[side].iloc[at].tolist(), message)


def _merge(pieces: list[tuple[RelGroup, str, str, pd.DataFrame]], problems: Problems) -> list[RelSet]:
    by_key: dict[tuple, list[tuple[RelGroup, pd.DataFrame]]] = {}
    for g, s, d, part in pieces:
        by_key.setdefault((g.rel, s, d, g.mode, g.owner_side), []).append((g, part))
    out = []
    for (rel, s, d, mode, owner_side), items in by_key.items():
        model_props = [p.name for p in RELS[rel].props]
        given = sorted({p for g, _ in items for p in g.props}, key=model_props.index)
        identity = items[0][0].identity
        keys = ["src", "dst", *identity]
        if len(items) == 1 and mode != "history":
            g, part = items[0]
            simple = len(part) < 2 or not fx.duplicated(part, keys).any()
            if simple and not (mode == "replace" and g.contract and g.owner_side is not None):
                # One table, no repeated relationship: nothing to merge or check (the big-file path).
                frame = part.assign(**{"?" + p: p in g.props for p in model_props})
                out.append(_relset(rel, s, d, mode, identity, owner_side, frame, given, items))
                continue
        frames = []
        for g, part in items:
            f = part.copy()
            for p in model_props:
                f["?" + p] = p in g.props
            f["_rank"] = rank_of(g)
            f["_t"] = g.typed.number
            f["_snap"] = g.as_of if g.snapshot else None
            f["_is_snap"] = g.snapshot
            f["_single"] = g.mode == "replace" and g.owner_side is not None and g.typed.table.published is None
            frames.append(f)
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if mode == "replace" and owner_side is not None and len(items) > 1:
            frame = _newest_per_owner(frame, owner_side, items)
        _rel_conflicts(rel, frame, keys, given, items, problems)
        if mode == "replace":
            _single_conflicts(rel, frame, owner_side, items, problems)
        dup = fx.duplicated(frame, keys) if len(frame) > 1 else np.zeros(len(frame), dtype=bool)
        if dup.any():
            frame = frame.sort_values(["_rank", "_t", "_line"], ascending=[False, False, True], kind="stable")
            codes = fx.group_codes(frame, keys)
            grouped = frame.groupby(codes, sort=False)
            firsts = grouped.first()  # first non-missing value per column, by precedence
            flags = grouped[["?" + p for p in model_props]].any()
            firsts[flags.columns] = flags
            frame = firsts.reset_index(drop=True)
            for p in model_props:
                frame[p] = frame[p].astype(object).where(frame[p].notna(), None)
        out.append(_relset(rel, s, d, mode, identity, owner_side, frame, given, items))
    return out


def _newest_per_owner(frame: pd.DataFrame, owner_side: str, items: list[tuple[RelGroup, pd.DataFrame]]) -> pd.DataFrame:
    """A reference stated by several tables: each owner's set comes from the table that wins for
    it (the partnership's own files, else the newest edition), not the union of all of them."""
    stated = [pd.DataFrame({"owner": g.owners.to_numpy(dtype=object), "rank": rank_of(g)})
              for g, _ in items if g.owners is not None]
    if not stated:
        return frame
    best = pd.concat(stated, ignore_index=True).groupby("owner", sort=False)["rank"].max()
    winner = frame[owner_side].astype(object).map(best).to_numpy()
    return frame[(frame["_rank"].to_numpy() == winner)].reset_index(drop=True)


def _relset(rel: str, s: str, d: str, mode: Mode, identity: tuple[str, ...], owner_side: str | None,
            frame: pd.DataFrame, given: list[str], items: list[tuple[RelGroup, pd.DataFrame]]) -> RelSet:
    owners = None
    if mode == "replace":
        owner_parts = [g.owners for g, _ in items if g.owners is not None]
        owners = pd.concat(owner_parts, ignore_index=True).drop_duplicates() if owner_parts else None
    return RelSet(
        rel=rel, src=s, dst=d, mode=mode, identity=identity, owner_side=owner_side,
        frame=frame.reset_index(drop=True), props=given, owners=owners,
        rows_read=sum(len(p) for _, p in items), groups=[g for g, _ in items],
    )


def _rel_conflicts(rel: str, frame: pd.DataFrame, keys: list[str], given: list[str],
                   items: list[tuple[RelGroup, pd.DataFrame]], problems: Problems) -> None:
    """The same relationship given different properties by the partnership's own rows."""
    own = frame[frame["_rank"] == CONTRACT_RANK]
    if len(own) < 2 or not given:
        return
    dup = fx.duplicated(own, keys, keep=False)
    if not dup.any():
        return
    own = own[dup]
    codes = fx.group_codes(own, keys)
    own = own.assign(_code=codes)
    groups = {g.typed.number: g for g, _ in items}
    for p in given:
        sub = own[own[p].notna()]
        if len(sub) < 2:
            continue
        first = sub.drop_duplicates("_code").set_index("_code")
        ref_val = sub["_code"].map(first[p])
        clash = sub[~fx.same(sub[p], ref_val)]
        for _, row in clash.iterrows():
            g = groups[int(row["_t"])]
            f = first.loc[row["_code"]]
            other = groups[int(f["_t"])]
            where = f"row {int(f['_line'])}" + ("" if other is g else f" of {other.typed.table.display}")
            col = _prop_column(g, p)
            problems.add(g.typed.table.display, row["_line"], col, row[p],
                         f"the same {rel} relationship ({row['src']} -> {row['dst']}) has a different {p} on {where} ({f[p]!r})")
            if problems.full:
                return


def _single_conflicts(rel: str, frame: pd.DataFrame, owner_side: str | None,
                      items: list[tuple[RelGroup, pd.DataFrame]], problems: Problems) -> None:
    """A single-valued column (e.g. places.ics_code) given two values for one row key."""
    if owner_side is None:
        return
    other_side = "dst" if owner_side == "src" else "src"
    single = frame[frame["_single"].astype(bool)]
    if len(single) < 2:
        return
    groups = {g.typed.number: g for g, _ in items}
    many_groups = {n for n, g in groups.items() if _is_many(g)}
    single = single[~single["_t"].isin(many_groups)]
    pairs = single.drop_duplicates([owner_side, other_side])
    clash = pairs[pairs[owner_side].duplicated(keep="first")]
    if not len(clash):
        return
    first = pairs.drop_duplicates(owner_side).set_index(owner_side)
    for _, row in clash.iterrows():
        g = groups[int(row["_t"])]
        f = first.loc[row[owner_side]]
        other = groups[int(f["_t"])]
        where = f"row {int(f['_line'])}" + ("" if other is g else f" of {other.typed.table.display}")
        problems.add(g.typed.table.display, row["_line"], g.columns.get(other_side), row[other_side],
                     f"{row[owner_side]!r} is given {f[other_side]!r} on {where}; this column takes one value per key")
        if problems.full:
            return


def _is_many(g: RelGroup) -> bool:
    spec = g.typed.table.spec
    cols = {c.name: c for c in spec.columns()}
    for _side, user in g.columns.items():
        for name, c in cols.items():
            if g.typed.table.user_column(name) == user and c.many:
                return True
    return False


def _prop_column(g: RelGroup, prop: str) -> str:
    spec = g.typed.table.spec
    for c in spec.columns():
        if c.target_prop == prop and c.name in g.typed.values:
            return g.typed.table.user_column(c.name)
    return prop
