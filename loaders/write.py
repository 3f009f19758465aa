"""Diff the desired graph against the store and write only what changed, in batches.

One read per table fetches what is stored for the affected keys; pandas decides what
is new, changed, gone or unchanged; new rows go in with `COPY FROM` a DataFrame on
LadybugDB (much faster than UNWIND for big tables) and with UNWIND batches elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..graph.dialect import Dialect, q
from ..graph.model import NODES, RELS
from ..graph.store import Tx
from . import frames as fx
from .plan import NodeSet
from .report import TableCounts
from .resolve import RelSet, fetch, fetch_by_keys

COPY_MIN_ROWS = 2_000  # below this, UNWIND CREATE is as quick and simpler
SCAN_KEYS = 2_000  # from this many keys, read the whole table once and filter in pandas


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
    delete_identity: tuple[str, ...] = ()  # what tells deleted relationships apart besides their ends


def can_copy(tx: Tx) -> bool:
    return hasattr(tx, "copy_frame")


def copy_safe_rel(rel: str) -> bool:
    """COPY into a relationship table mis-assigns columns when a property is named `from`/`to`
    or the table has several FROM/TO pairs (LadybugDB 0.22); use UNWIND there."""
    model = RELS[rel]
    return len(model.ends) == 1 and not {p.name for p in model.props} & {"from", "to"}


# -- nodes -------------------------------------------------------------------------


def stored_count(tx: Tx, label: str) -> int:
    """How many nodes of `label` the store holds (one cheap count on either engine)."""
    return int(tx.run(f"MATCH (n:{q(label)}) RETURN count(n) AS n").scalar() or 0)


def fetch_nodes(tx: Tx, dialect: Dialect, ns: NodeSet) -> pd.DataFrame:
    """The stored nodes of `ns`'s label among its keys: none when the label is empty (no
    key lookups at all), one scan when most of the label is wanted, else key lookups."""
    node = NODES[ns.label]
    cols = ["key", *ns.props]
    keys = ns.frame["key"]
    stored = stored_count(tx, node.label)
    if stored == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    if hasattr(tx, "fetch_frame") and len(keys) >= SCAN_KEYS and stored <= 4 * len(keys):
        fields = ", ".join(f"n.{q(p)} AS {q(c)}" for p, c in zip([node.key, *ns.props], cols, strict=True))
        existing = fetch(tx, f"MATCH (n:{q(node.label)}) RETURN {fields}", {}, cols)
        wanted = pd.Index(np.asarray(keys.unique(), dtype=object))
        return existing[existing["key"].isin(wanted).to_numpy()].reset_index(drop=True)
    return fetch_by_keys(tx, dialect.fetch_nodes(node, [node.key, *ns.props]), keys.tolist(), cols)


def diff_nodes(tx: Tx, dialect: Dialect, ns: NodeSet) -> NodeChanges:
    node = NODES[ns.label]
    frame = ns.frame
    existing = fetch_nodes(tx, dialect, ns)
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
        columns = {node.key: copy_column(ch.create["key"], "string")}
        for prop in node.props[1:]:
            column = ch.create[prop.name] if prop.name in ch.create.columns else pd.Series(None, index=ch.create.index)
            columns[prop.name] = copy_column(column, prop.type)
        frame = copy_frame_of(columns)
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
    """The stored relationships of `rs`'s type and end labels whose owner side is in `keys`.

    `src` and `dst` come back as strings or (LadybugDB, many keys) as categoricals of
    the end keys; integer properties as int64 when the engine gives them so (equal, as
    Python values, to what `fx.as_python` would make of them)."""
    model = RELS[rs.rel]
    props = [p.name for p in model.props]
    side = rs.owner_side or "src"
    columns = ["src", "dst", *props]
    if len(keys) >= SCAN_KEYS:  # one scan beats a million key lookups
        coded = getattr(tx, "fetch_rels_coded", None)
        if coded is not None:  # the ends as integers, each end's keys once (LadybugDB)
            existing = coded(rs.rel, (rs.src, NODES[rs.src].key), (rs.dst, NODES[rs.dst].key), props)
        else:
            existing = fetch(tx, dialect.scan_rel_rows(rs.rel, rs.src, rs.dst), {}, columns)
        existing = existing[existing[side].isin(pd.Index(keys)).to_numpy()].reset_index(drop=True)
    else:
        existing = fetch_by_keys(tx, dialect.fetch_rel_rows(rs.rel, rs.src, rs.dst, side), keys, columns)
    for end in ("src", "dst"):
        if not isinstance(existing[end].dtype, pd.CategoricalDtype):
            existing[end] = existing[end].astype(object)
    for p in model.props:
        values = existing[p.name]
        if not (p.type == "int" and values.dtype == np.int64):  # int64 holds no missing value
            existing[p.name] = fx.as_python(values, p.type)
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
    want, have = fx.joint_codes(frame, existing, identity)
    # One hash for both directions; `rs.frame` holds each identity once (resolve merged it).
    where, kept = fx.positions_both(want, have, unique=True)
    found = where >= 0
    create = frame[~found]
    matched = frame[found]
    at = where[found]
    changed = np.zeros(len(matched), dtype=bool)
    flags = {}
    for p in props:
        if p in rs.identity:
            continue
        given = matched["?" + p].to_numpy(dtype=bool)
        if not given.any():
            continue
        stored = existing[p].iloc[at].reset_index(drop=True)
        differs = given & ~fx.same(matched[p].reset_index(drop=True), stored)
        flags[p] = differs
        changed |= differs
    update = matched[changed].reset_index(drop=True)
    for p in props:
        if p not in rs.identity:
            update["?" + p] = flags[p][changed] if p in flags else False
    delete = existing.iloc[0:0]
    if rs.mode == "replace":
        if rs.identity:
            want, have = fx.joint_codes(frame, existing, ["src", "dst"])
            kept = fx.member(have, want)
        gone = ~kept
        delete = existing[gone].drop_duplicates(["src", "dst"])
        counts.deleted = int(gone.sum())
    counts.created = len(create)
    counts.updated = int(changed.sum())
    counts.unchanged = int(len(matched) - changed.sum())
    return RelChanges(rs, create, update, delete, counts)


def delete_rels(tx: Tx, dialect: Dialect, ch: RelChanges) -> None:
    if len(ch.delete):
        rs = ch.rs
        cols = ["src", "dst", *ch.delete_identity]
        tx.run_batch(dialect.delete_rel_rows(rs.rel, rs.src, rs.dst, ch.delete_identity), _records(ch.delete[cols]))


def write_rels(tx: Tx, dialect: Dialect, ch: RelChanges) -> None:
    rs = ch.rs
    model = RELS[rs.rel]
    props = [p.name for p in model.props]
    if len(ch.update):
        settable = [p for p in props if p not in rs.identity]
        for signature, rows in _by_signature(ch.update, settable):
            cols = ["src", "dst", *rs.identity, *signature]
            tx.run_batch(dialect.update_rel_rows(rs.rel, rs.src, rs.dst, rs.identity, signature), _records(rows[cols]))
    if len(ch.create):
        frame = ch.create[["src", "dst", *props]]
        if can_copy(tx) and copy_safe_rel(rs.rel) and len(frame) >= COPY_MIN_ROWS:
            frame = _grouped_by_src(frame)  # COPY is several times faster when each source's rows are together
            model_types = {p.name: p.type for p in model.props}
            frame = copy_frame_of({c: copy_column(frame[c], model_types.get(c, "string")) for c in frame.columns})
            tx.copy_frame(rs.rel, frame, (rs.src, rs.dst))  # type: ignore[attr-defined]
        elif hasattr(tx, "create_rel_frame") and len(frame) >= COPY_MIN_ROWS:  # Neo4j's bulk path
            tx.create_rel_frame(rs.rel, rs.src, rs.dst, frame)  # type: ignore[attr-defined]
        else:
            tx.run_batch(dialect.create_rel_rows(rs.rel, rs.src, rs.dst, props), _records(frame))


def copy_column(values: pd.Series, kind: str) -> np.ndarray:
    """A column as COPY FROM a DataFrame reads it fastest and right on LadybugDB 0.22:
    numpy int64/float64 when complete (object ints are slow; nullable Int64 fails),
    else Python objects with None for missing."""
    missing = values.isna().to_numpy()
    if kind in ("int", "float") and not missing.any():
        return values.to_numpy(dtype=np.int64 if kind == "int" else np.float64)
    out = values.to_numpy(dtype=object)
    if missing.any():
        out = out.copy()
        out[missing] = None
    return out


def copy_frame_of(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The columns as they are: object stays object (pandas would otherwise spend a pass per
    column turning strings into its string type, which COPY then reads more slowly)."""
    return pd.DataFrame({c: pd.Series(v, dtype=v.dtype, copy=False) for c, v in columns.items()}, copy=False)


def _grouped_by_src(frame: pd.DataFrame) -> pd.DataFrame:
    codes = fx.group_codes(frame, ["src"])
    if len(codes) < 2 or bool((codes[1:] >= codes[:-1]).all()):
        return frame
    return frame.iloc[np.argsort(codes, kind="stable")]


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
