"""Dated memberships (practices.pcn_code -> MEMBER_OF with from/to): history is kept.

Rows are identified by (practice, PCN, from); a newer file can set `to`. Rows from
published snapshots are handled in `snapshot` (being written)."""

from __future__ import annotations

from ..graph.dialect import Dialect
from ..graph.store import Tx
from .resolve import RelSet
from .write import RelChanges, diff_rels


def diff(tx: Tx, dialect: Dialect, rs: RelSet) -> RelChanges:
    return diff_rels(tx, dialect, rs)
