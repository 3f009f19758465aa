"""The partnership over time: the value of each fact on every day, from its dated rows.

A row (a membership, a role, a link, a listing...) holds from its `from` (blank: since
before the records begin) to its `to` (blank: still), both days included — the reports'
definition of "current". From the rows of one thing (an organisation on a board, a practice
in a PCN, a Place's place-lead roles) and a rule that says what they amount to on a day
(the same rule as the report: core wins over wider, the latest `from` is the lead...), we
get its **steps**: the value it took from each day on. The value can change only on a day
some row starts or the day after one ends, so the rule is evaluated on those days alone.

The changes report turns steps into dated changes (`changes.py`); the diagram's time slider
turns them into the spans during which each node and link is drawn (`visualise/timeline.py`).
Both therefore agree with the reports' as-at answers on every day; tests check that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

ONE_DAY = dt.timedelta(days=1)
Row = dict[str, Any]
Span = tuple[dt.date | None, dt.date | None]  # first and last day, both included; None = open
ALWAYS: list[Span] = [(None, None)]


@dataclass
class Step:
    """From `day` on (None: from before the records), the value is `value`.

    `started` are the rows whose first day is `day`; `ended` those whose last day is the day before.
    """

    day: dt.date | None
    value: Any
    started: list[Row] = field(default_factory=list)
    ended: list[Row] = field(default_factory=list)

    @property
    def last_day_before(self) -> dt.date | None:
        return None if self.day is None else self.day - ONE_DAY


def holds(row: Row, day: dt.date | None, start: str = "from", end: str = "to") -> bool:
    """Is the row current on `day`? `None` is a day before every dated one."""
    first, last = row.get(start), row.get(end)
    if day is None:  # before every dated day: rows with no start (an end date is still to come)
        return first is None
    return (first is None or first <= day) and (last is None or last >= day)


def _after(day: dt.date) -> dt.date | None:
    return day + ONE_DAY if day < dt.date.max else None


def steps(rows: Sequence[Row], rule: Callable[[list[Row]], Any], start: str = "from", end: str = "to") -> list[Step]:
    """The value `rule(current rows)` takes over time, as steps (the first one from the beginning)."""
    if len(rows) == 1 and _simple(rows[0], start, end):  # most things have one row: the same, without the search
        row = rows[0]
        first, last = row.get(start), row.get(end)
        out = [Step(None, rule([row] if first is None else []))]
        if first is not None:
            value = rule([row])
            if value != out[-1].value:
                out.append(Step(first, value, [row], []))
        after = _after(last) if last is not None else None
        if after is not None:
            value = rule([])
            if value != out[-1].value:
                out.append(Step(after, value, [], [row]))
        return out
    days: set[dt.date] = set()
    for r in rows:
        if r.get(start) is not None:
            days.add(r[start])
        if r.get(end) is not None:
            after = _after(r[end])
            if after is not None:
                days.add(after)
    out = [Step(None, rule([r for r in rows if holds(r, None, start, end)]))]
    for day in sorted(days):
        value = rule([r for r in rows if holds(r, day, start, end)])
        if value != out[-1].value:
            out.append(Step(
                day, value,
                [r for r in rows if r.get(start) == day],
                [r for r in rows if r.get(end) is not None and _after(r[end]) == day],
            ))
    return out


def _simple(row: Row, start: str, end: str) -> bool:
    """A row that holds on at least one day (no end before its start)."""
    first, last = row.get(start), row.get(end)
    return first is None or last is None or first <= last


def spans(history: Sequence[Step], keep: Callable[[Any], bool] = bool) -> list[Span]:
    """The spans of days on which the value passes `keep`."""
    out: list[Span] = []
    for i, step in enumerate(history):
        if not keep(step.value):
            continue
        last = history[i + 1].last_day_before if i + 1 < len(history) else None
        out.append((step.day, last))
    return out


def row_spans(rows: Iterable[Row], start: str = "from", end: str = "to") -> list[Span]:
    """The days on which any of the rows holds (overlapping and adjacent spans merged)."""
    return merge((r.get(start), r.get(end)) for r in rows)


def merge(items: Iterable[Span]) -> list[Span]:
    """Spans sorted, overlapping or touching ones joined."""
    lo = dt.date.min
    ordered = sorted(items, key=lambda s: (s[0] or lo))
    out: list[Span] = []
    for first, last in ordered:
        if first is not None and last is not None and last < first:
            continue  # an impossible row (ends before it starts) holds on no day
        if out:
            p_first, p_last = out[-1]
            if p_last is None or first is None or (_after(p_last) or dt.date.max) >= first:
                end = None if (p_last is None or last is None) else max(p_last, last)
                out[-1] = (p_first, end)
                continue
        out.append((first, last))
    return out


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    lo, hi = dt.date.min, dt.date.max
    out: list[Span] = []
    for a0, a1 in a:
        for b0, b1 in b:
            first = max(a0 or lo, b0 or lo)
            last = min(a1 or hi, b1 or hi)
            if first <= last:
                out.append((None if first == lo else first, None if last == hi else last))
    return merge(out)


def covers(items: Sequence[Span], day: dt.date) -> bool:
    return any((a is None or a <= day) and (b is None or b >= day) for a, b in items)


# -- the rules: what a set of current rows amounts to, as the reports define it ----------------------


def board_role(current: list[Row]) -> str | None:
    """An organisation on a board: `core` if any current membership is core, else `wider`, else none."""
    if not current:
        return None
    return "core" if any(r.get("role") == "core" for r in current) else "wider"


def is_member(current: list[Row]) -> bool:
    return bool(current)


def place_lead(current: list[Row]) -> str | None:
    """The place-leads report's lead: the current place_lead role with the latest `from` (a blank
    `from` counts as earliest), then the smallest person id."""
    if not current:
        return None
    lo = dt.date.min
    latest = max((r.get("from") or lo) for r in current)
    return min(r["person_id"] for r in current if (r.get("from") or lo) == latest)


def linked_boards(current: list[Row]) -> frozenset[str]:
    """The boards an ICP board is linked with (any current link): empty = the link is missing."""
    return frozenset(r["other_code"] for r in current)


__all__ = [
    "ALWAYS", "ONE_DAY", "Row", "Span", "Step", "board_role", "covers", "holds", "intersect", "is_member",
    "linked_boards", "merge", "place_lead", "row_spans", "spans", "steps",
]
