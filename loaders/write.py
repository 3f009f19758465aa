"""Diff the desired graph against the store and write only what changed, in batches.

One read per table fetches what is stored for the affected keys; pandas decides what
is new, changed, gone or unchanged; new rows go in with `COPY FROM` a DataFrame on
LadybugDB (much faster than UNWIND for big tables) and with UNWIND batches elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..graph.dialect import Dialect
from ..graph.model import NODES, RELS
from ..graph.store import Tx
from . import frames as fx
from .plan import NodeSet
from .report import TableCounts
from .resolve import RelSet, fetch_by_keys

COPY_MIN_ROWS = 2_000  # below this, UNWIND CREATE is as quick and simpler


@dataclass
class NodeChanges:
    ns: NodeSet
    create: pd.DataFrame
    update: pd.DataFrame
    counts: TableCounts


@dataclass
class RelChanges:
    rs: RelSet
    create: pd.DataFrame
    update: pd.DataFrame
    delete: pd.DataFrame
    counts: TableCounts
    extra_updates: list[pd.DataFrame] = field(default_factory=list)


def can_copy(tx: Tx) -> bool:
    return hasattr(tx, "copy_frame")


def copy_safe_rel(rel: str) -> bool:
    """COPY into a relationship table mis-assigns columns when a property is named `from`/`to`
    or the table has several FROM/TO pairs (LadybugDB 0.22); use UNWIND there."""
    model = RELS[rel]
    return len(model.ends) == 1 and not {p.name for p in model.props} & {"from", "to"}


# -- nodes -------------------------------------------------------------------------


def diff_nodes(tx: Tx, dialect: Dialect, ns: NodeSet) -> NodeChanges:
    node = NODES[ns.label]
    frame = ns.frame
    cols = ["key", *ns.props]
    existing = fetch_by_keys(tx, dialect.fetch_nodes(node, [node.key, *ns.props]), frame["key"].tolist(), cols)
    for p in ns.props:
        existing[p] = fx.as_python(existing[p], node.prop(p).type)
    existing["key"] = existing["key"].astype(object)
    found = frame["key"].isin(existing["key"]).to_numpy()
    create = frame[~found]
    counts = TableCounts(ns.label, "node", rows_read=ns.rows_read, created=len(create))
    old = frame[found]
    update = old.iloc[0:0]
    if len(old):
        merged = old.merge(existing.drop_duplicates("key"), on="key", how="left", suffixes=("", "~old"))
        changed = np.zeros(len(merged), dtype=bool)
        flags = {}
        for p in ns.props:
            differs = merged["?" + p].to_numpy(dtype=bool) & ~fx.same(merged[p], merged[p + "~old"])
            flags[p] = differs
            changed |= differs
        update = merged[changed][["key", *ns.props, *("?" + p for p in ns.props)]].reset_index(drop=True)
        for p in ns.props:  # set only what differs (and was given)
            update["?" + p] = flags[p][changed]
        counts.updated = int(changed.sum())
        counts.unchanged = int(len(merged) - changed.sum())
    return NodeChanges(ns, create, update, counts)


def write_nodes(tx: Tx, dialect: Dialect, ch: NodeChanges) -> None:
    node = NODES[ch.ns.label]
    all_props = [p.name for p in node.props]
    if len(ch.create):
        frame = pd.DataFrame({node.key: ch.create["key"].astype(object)})
        for p in all_props[1:]:
            frame[p] = ch.create[p].astype(object) if p in ch.create.columns else None
        frame = frame.astype(object).where(frame.notna(), None)
        if can_copy(tx) and len(frame) >= COPY_MIN_ROWS:
            tx.copy_frame(node.label, frame)  # type: ignore[attr-defined]
        else:
            tx.run_batch(dialect.create_nodes(node, all_props), _records(frame))
    if len(ch.update):
        for signature, part in _by_signature(ch.update, ch.ns.props):
            rows = part[["key", *signature]].rename(columns={"key": node.key})
            tx.run_batch(dialect.update_nodes(node, [node.key, *signature]), _records(rows))


# -- relationships --------------------------------------------------------------------


def fetch_rels(tx: Tx, dialect: Dialect, rs: RelSet, keys: list) -> pd.DataFrame:
    model = RELS[rs.rel]
    props = [p.name for p in model.props]
    side = rs.owner_side or "src"
    existing = fetch_by_keys(tx, dialect.fetch_rel_rows(rs.rel, rs.src, rs.dst, side), keys, ["src", "dst", *props])
    existing["src"] = existing["src"].astype(object)
    existing["dst"] = existing["dst"].astype(object)
    for p in model.props:
        existing[p.name] = fx.as_python(existing[p.name], p.type)
    return existing


def diff_rels(tx: Tx, dialect: Dialect, rs: RelSet, existing: pd.DataFrame | None = None) -> RelChanges:
    model = RELS[rs.rel]
    props = [p.name for p in model.props]
    frame = rs.frame
    name = f"{rs.rel} ({rs.src}->{rs.dst})"
    if existing is None:
        keys = rs.owners.tolist() if rs.mode == "replace" and rs.owners is not None else frame["src"].unique().tolist()
        existing = fetch_rels(tx, dialect, rs, keys)
    identity = ["src", "dst", *rs.identity]
    counts = TableCounts(name, "relationship", rows_read=rs.rows_read)
    if len(existing) == 0:
        counts.created = len(frame)
        empty = frame.iloc[0:0]
        return RelChanges(rs, frame, empty, existing.iloc[0:0], counts)
    both = pd.concat([frame[identity], existing[identity]], ignore_index=True)
    codes = fx.group_codes(both, identity)
    want, have = codes[: len(frame)], codes[len(frame):]
    found = np.isin(want, have)
    create = frame[~found]
    matched = frame[found].assign(_code=want[found])
    old = existing.assign(_code=have).drop_duplicates("_code").set_index("_code")
    changed = np.zeros(len(matched), dtype=bool)
    flags = {}
    for p in props:
        if p in rs.identity:
            continue
        differs = matched["?" + p].to_numpy(dtype=bool) & ~fx.same(
            matched[p].reset_index(drop=True), old[p].reindex(matched["_code"]).reset_index(drop=True)
        )
        flags[p] = differs
        changed |= differs
    update = matched[changed].reset_index(drop=True)
    for p, f in flags.items():
        update["?" + p] = f[changed]
    delete = existing.iloc[0:0]
    if rs.mode == "replace":
        pair_codes = fx.group_codes(pd.concat([frame[["src", "dst"]], existing[["src", "dst"]]], ignore_index=True),
                                    ["src", "dst"])
        gone = ~np.isin(pair_codes[len(frame):], pair_codes[: len(frame)])
        delete = existing[gone].drop_duplicates(["src", "dst"])
        counts.deleted = int(gone.sum())
    counts.created = len(create)
    counts.updated = int(changed.sum())
    counts.unchanged = int(len(matched) - changed.sum())
    return RelChanges(rs, create, update, delete, counts)


def delete_rels(tx: Tx, dialect: Dialect, ch: RelChanges) -> None:
    if len(ch.delete):
        rs = ch.rs
        tx.run_batch(dialect.delete_rel_rows(rs.rel, rs.src, rs.dst, ()), _records(ch.delete[["src", "dst"]]))


def write_rels(tx: Tx, dialect: Dialect, ch: RelChanges) -> None:
    rs = ch.rs
    model = RELS[rs.rel]
    props = [p.name for p in model.props]
    for part in [ch.update, *ch.extra_updates]:
        if len(part):
            settable = [p for p in props if p not in rs.identity]
            for signature, rows in _by_signature(part, settable):
                cols = ["src", "dst", *rs.identity, *signature]
                tx.run_batch(dialect.update_rel_rows(rs.rel, rs.src, rs.dst, rs.identity, signature), _records(rows[cols]))
    if len(ch.create):
        frame = ch.create[["src", "dst", *props]].astype(object)
        frame = frame.where(frame.notna(), None)
        if can_copy(tx) and copy_safe_rel(rs.rel) and len(frame) >= COPY_MIN_ROWS:
            frame = frame.sort_values("src", kind="stable")  # COPY builds adjacency faster from sorted input
            tx.copy_frame(rs.rel, frame, (rs.src, rs.dst))  # type: ignore[attr-defined]
        else:
            tx.run_batch(dialect.create_rel_rows(rs.rel, rs.src, rs.dst, props), _records(frame))


# -- helpers -------------------------------------------------------------------------


def _by_signature(frame: pd.DataFrame, props: list[str]):
    """Rows grouped by which properties they set: one statement shape per group."""
    flags = [f"?{p}" for p in props]
    if not len(frame):
        return
    sig = frame[flags].to_numpy(dtype=bool)
    keys = [tuple(p for p, on in zip(props, row, strict=True) if on) for row in sig]
    order: dict[tuple[str, ...], list[int]] = {}
    for i, k in enumerate(keys):
        order.setdefault(k, []).append(i)
    for k, idx in order.items():
        if k:
            yield list(k), frame.iloc[idx]


def _records(frame: pd.DataFrame) -> list[dict]:
    frame = frame.astype(object)
    frame = frame.where(frame.notna(), None)
    return frame.to_dict("records")


Progress = Callable[[str, int, int], None]
