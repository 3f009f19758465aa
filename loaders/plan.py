"""From validated tables to the desired graph: node rows per label, relationship rows per group.

This is where the contract's semantics live (see the module docstring of `model.py`):
a node file's single-valued references are owned by its rows (replace), `history`
references are dated memberships, link files are upserted by their identity, and
duplicate keys with conflicting values inside one load are problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..graph.model import NODES, RELS, LinkFile, NodeFile
from .problems import Problems
from .tables import CONTRACT_RANK
from .validate import Typed

Mode = str  # "replace" | "upsert" | "history"


@dataclass
class NodeSet:
    """The desired nodes of one label: key, the properties given, and which were given."""

    label: str
    frame: pd.DataFrame  # columns: key, each prop, and "?prop" (bool: given for this key)
    props: list[str]
    rows_read: int = 0


@dataclass
class RelGroup:
    """The relationship rows one table contributes through one column (or one link file)."""

    rel: str
    src_labels: tuple[str, ...]
    dst_labels: tuple[str, ...]
    frame: pd.DataFrame  # src, dst, props..., _line
    props: list[str]  # relationship properties this table gives
    mode: Mode
    identity: tuple[str, ...]
    typed: Typed
    check: tuple[str, ...]  # sides that reference other nodes ("src", "dst")
    columns: dict[str, str]  # side -> the column in the user's file
    owner_side: str | None = None  # replace: whose set this table states
    owners: pd.Series | None = None  # replace: keys whose set is stated (also when empty)
    as_of: dt.date | None = None  # snapshot membership evidence
    snapshot: bool = False
    released: pd.Series | None = None  # snapshot: owners in none (the practice map's "Unallocated")

    @property
    def contract(self) -> bool:
        return self.typed.table.published is None


@dataclass
class Plan:
    nodes: dict[str, NodeSet] = field(default_factory=dict)
    groups: list[RelGroup] = field(default_factory=list)
    lookups: list = field(default_factory=list)  # postcode lookups of the load (postcodes.PostcodeLookup)


def _rank(typed: Typed) -> int:
    table = typed.table
    if table.published is None:
        return CONTRACT_RANK
    as_of = table.published.as_of
    return (as_of.toordinal() if as_of else 0) * 100 + min(typed.number, 99)


def build(typed_tables: list[Typed], problems: Problems) -> Plan:
    plan = Plan()
    node_rows: dict[str, list[pd.DataFrame]] = {}
    for t in typed_tables:
        spec = t.table.spec
        if isinstance(spec, NodeFile):
            frame = _node_rows(t, spec)
            if frame is not None:
                node_rows.setdefault(spec.label, []).append(frame)
            plan.groups.extend(_ref_groups(t, spec))
        else:
            group = _link_group(t, spec)
            if group is not None:
                plan.groups.append(group)
    for label, frames in node_rows.items():
        plan.nodes[label] = _combine_nodes(label, frames, typed_tables, problems)
    return plan


# -- nodes -------------------------------------------------------------------------


def _node_rows(t: Typed, spec: NodeFile) -> pd.DataFrame | None:
    node = spec.node
    if node.key not in t.values:
        return None
    cols = {"key": t.values[node.key]}
    for p in node.props[1:]:
        if p.name in t.values:
            cols[p.name] = t.values[p.name]
            cols["?" + p.name] = pd.Series(True, index=t.values[node.key].index)
    frame = pd.DataFrame(cols)
    frame["_t"] = t.number
    frame["_line"] = t.lines
    frame["_rank"] = _rank(t)
    return frame[frame["key"].notna()]


def _combine_nodes(label: str, frames: list[pd.DataFrame], typed: list[Typed], problems: Problems) -> NodeSet:
    node = NODES[label]
    props = [p.name for p in node.props[1:] if any(p.name in f.columns for f in frames)]
    rows_read = sum(len(f) for f in frames)
    if len(frames) == 1 and not frames[0]["key"].duplicated().any():
        frame = frames[0]
    else:
        frame = pd.concat(frames, ignore_index=True)
        for p in props:
            if "?" + p not in frame.columns:
                frame["?" + p] = False
            frame["?" + p] = frame["?" + p].fillna(False).astype(bool)
            if p not in frame.columns:
                frame[p] = None
        _node_conflicts(label, frame, props, typed, problems)
        frame = frame.sort_values(["_rank", "_t", "_line"], ascending=[False, False, True], kind="stable")
        grouped = frame.groupby("key", sort=False)
        firsts = grouped[props].first() if props else pd.DataFrame(index=grouped.size().index)
        given = grouped[["?" + p for p in props]].any() if props else pd.DataFrame(index=firsts.index)
        frame = pd.concat([firsts, given], axis=1).reset_index()
        for p in props:  # groupby.first turns all-blank groups into NaN: use None
            frame[p] = frame[p].astype(object).where(frame[p].notna(), None)
    keep = ["key", *props, *("?" + p for p in props)]
    for p in props:
        if "?" + p not in frame.columns:
            frame["?" + p] = True
    return NodeSet(label, frame[keep].reset_index(drop=True), props, rows_read)


def _node_conflicts(label: str, frame: pd.DataFrame, props: list[str], typed: list[Typed], problems: Problems) -> None:
    """Two rows of the partnership's own files giving one key different values."""
    own = frame[frame["_rank"] == CONTRACT_RANK]
    if len(own) < 2 or not own["key"].duplicated().any():
        return
    own = own[own["key"].duplicated(keep=False)]
    for p in props:
        sub = own[own[p].notna()]
        if len(sub) < 2:
            continue
        first = sub.drop_duplicates("key").set_index("key")
        ref_val = sub["key"].map(first[p])
        clash = sub[(sub[p] != ref_val).to_numpy()]
        for _, row in clash.iterrows():
            f = first.loc[row["key"]]
            t = typed[row["_t"]].table
            other = typed[int(f["_t"])].table
            where = f"row {int(f['_line'])}" + ("" if other is t else f" of {other.display}")
            problems.add(
                t.display, row["_line"], t.user_column(p), row[p],
                f"{label} {row['key']!r} is given a different {p} on {where} ({f[p]!r})",
            )
            if problems.full:
                return


# -- relationships ------------------------------------------------------------------


def _ref_groups(t: Typed, spec: NodeFile) -> list[RelGroup]:
    groups = []
    key = spec.node.key
    if key not in t.values:
        return groups
    owners_all = t.values[key]
    valid = owners_all.notna().to_numpy()
    published = t.table.published
    for ref in spec.refs:
        col = ref.column.name
        if col not in t.values:
            continue  # column not given: leave these relationships as they are
        other = t.values[col]
        frame = pd.DataFrame({"owner": owners_all, "other": other, "_line": t.lines})
        model = RELS[ref.rel]
        props = []
        for c in ref.props:
            if c.name in t.values:
                frame[c.target_prop] = t.values[c.name]
                props.append(c.target_prop)
            elif c.default is not None and published is None:
                frame[c.target_prop] = None
                props.append(c.target_prop)
            if c.default is not None and c.target_prop in frame.columns:  # e.g. located_by `contract`
                frame[c.target_prop] = frame[c.target_prop].astype(object).where(
                    frame[c.target_prop].notna() | frame["other"].isna(), c.default)
        frame = frame[valid]
        if ref.column.many:
            frame = frame.explode("other")
        snapshot = bool(published and published.snapshot and ref.history)
        released = frame.loc[frame["other"].isna(), "owner"].drop_duplicates() if snapshot else None
        frame = frame[frame["other"].notna()]
        for p in [p.name for p in model.props if p.name not in props]:
            frame[p] = None
        src, dst = ("owner", "other") if ref.outgoing else ("other", "owner")
        frame = frame.rename(columns={src: "src", dst: "dst"})
        owner_side = "src" if ref.outgoing else "dst"
        other_side = "dst" if ref.outgoing else "src"
        labels_owner, labels_other = (spec.label,), ref.targets
        if ref.history:
            mode, identity = "history", ("from",)
        else:
            mode, identity = "replace", ()
        groups.append(RelGroup(
            rel=ref.rel,
            src_labels=labels_owner if ref.outgoing else labels_other,
            dst_labels=labels_other if ref.outgoing else labels_owner,
            frame=frame.reset_index(drop=True),
            props=props,
            mode=mode,
            identity=identity,
            typed=t,
            check=(other_side,),
            columns={other_side: t.table.user_column(col), owner_side: t.table.user_column(key)},
            owner_side=owner_side if mode == "replace" else None,
            owners=owners_all[valid].drop_duplicates() if mode == "replace" else None,
            as_of=published.as_of if published else None,
            snapshot=snapshot,
            released=released if released is not None and len(released) else None,
        ))
    return groups


def _link_group(t: Typed, spec: LinkFile) -> RelGroup | None:
    s, d = spec.source.column, spec.target.column
    if s not in t.values or d not in t.values:
        return None
    frame = pd.DataFrame({"src": t.values[s], "dst": t.values[d], "_line": t.lines})
    props = []
    for c in spec.props:
        if c.name in t.values:
            frame[c.target_prop] = t.values[c.name]
            props.append(c.target_prop)
    for p in [p.name for p in RELS[spec.rel].props if p.name not in props]:
        frame[p] = None
    ok = (frame["src"].notna() & frame["dst"].notna()).to_numpy()
    frame = frame[ok] if not ok.all() else frame
    published = t.table.published
    owned = bool(published and published.owned_links)
    return RelGroup(
        rel=spec.rel,
        src_labels=spec.source.labels,
        dst_labels=spec.target.labels,
        frame=frame.reset_index(drop=True),
        props=props,
        mode="replace" if owned else "upsert",
        identity=() if owned else spec.identity,
        typed=t,
        check=("src", "dst"),
        columns={"src": t.table.user_column(s), "dst": t.table.user_column(d)},
        owner_side="src" if owned else None,
        owners=frame["src"].drop_duplicates() if owned else None,
        as_of=published.as_of if published else None,
    )


def rank_of(group: RelGroup) -> int:
    return _rank(group.typed)


__all__ = ["NodeSet", "Plan", "RelGroup", "build", "rank_of"]
