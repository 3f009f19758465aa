"""What changed between two dates: one row per change, in a fixed vocabulary of kinds.

    run_report(store, "changes", place="E08000014", from_date="2024-01-01", to_date="2024-03-31")

Each kind reads the dated rows of the store (`cypher/changes/*.cypher`, restricted to the
window) and turns them into changes with the rules of `history.py`, which are the reports'
own definitions of "current", "core member", "place lead", "expected party" and "missing
link", evaluated on every day on which the answer can change. The window is inclusive at
both ends. A change is dated by the data: something that begins by its first day, something
that ends by its last day, a change of role by the first day in the new role. Dates that an
extract implied (`from_extract`, `to_extract`) are not change dates: those rows say "seen in
the extract of DATE" (evidence `extract`). README.md ("changes") has the exact definitions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..graph.store import Store
from .base import ICS, PLACE, Context, Option, Report, ReportError
from .history import ONE_DAY, Row, Step, board_role, is_member, linked_boards, place_lead, steps

COLUMNS = ("date", "place_code", "kind", "subject_code", "subject_name", "object_code", "object_name", "detail",
           "evidence")
DEFAULT_DAYS = 90  # --from defaults to this many days before --to (the dashboard's "since" too)

# The vocabulary, in the order rows of one day and Place are listed.
KINDS: dict[str, str] = {
    "joined_board": "an organisation became a member of a board (core or wider)",
    "board_role_changed": "an organisation's role on a board changed (core / wider)",
    "left_board": "an organisation stopped being a member of a board",
    "practice_joined_pcn": "a practice joined a PCN",
    "practice_left_pcn": "a practice left a PCN",
    "practice_seen_in_pcn": "an extract shows a practice in a PCN it was not in before (the move is not dated)",
    "practice_no_longer_seen_in_pcn": "an extract shows a practice in another PCN (the move is not dated)",
    "pcn_opened": "a PCN opened (its published open date; else its first practice joined)",
    "pcn_closed": "a PCN closed (its published close date; else its last practice left)",
    "party_added": "an organisation became an expected party of a Place agreement",
    "signature_added": "an organisation signed a Place agreement",
    "place_lead_appointed": "a person became the Place's lead",
    "place_lead_ended": "a person stopped being the Place's lead",
    "endorsement": "an organisation endorsed a person (a place lead)",
    "plan_approved": "a board approved a plan",
    "commissioning_started": "a pooled budget, joint post, joint team or lead commissioning started",
    "commissioning_ended": "a pooled budget, joint post, joint team or lead commissioning ended",
    "neighbourhood_added": "a neighbourhood was set up",
    "missing_link_closed": "an ICP board gained its first current link with an expected kind of board",
    "missing_link_opened": "an ICP board lost its last current link with an expected kind of board",
}
# Each kind in a few words, for a table's "what" column (the dashboard, board papers).
LABELS: dict[str, str] = {
    "joined_board": "Joined a board", "board_role_changed": "Role on a board changed", "left_board": "Left a board",
    "practice_joined_pcn": "Practice joined a PCN", "practice_left_pcn": "Practice left a PCN",
    "practice_seen_in_pcn": "Practice seen in a PCN (extract)",
    "practice_no_longer_seen_in_pcn": "Practice seen elsewhere (extract)",
    "pcn_opened": "PCN opened", "pcn_closed": "PCN closed", "party_added": "Expected to sign",
    "signature_added": "Signed", "place_lead_appointed": "Place lead appointed", "place_lead_ended": "Place lead ended",
    "endorsement": "Endorsed the place lead", "plan_approved": "Plan approved",
    "commissioning_started": "Commissioning started", "commissioning_ended": "Commissioning ended",
    "neighbourhood_added": "Neighbourhood set up", "missing_link_closed": "Missing link closed",
    "missing_link_opened": "Link now missing",
}
ORDER = {kind: i for i, kind in enumerate(KINDS)}
DATED, EXTRACT = "dated", "extract"
PARTNERSHIP_BOARDS = ("place_partnership_board", "health_and_wellbeing_board")


@dataclass(frozen=True)
class Change:
    date: dt.date
    place_code: str | None
    kind: str
    subject_code: str
    subject_name: str | None
    object_code: str | None = None
    object_name: str | None = None
    detail: str = ""
    evidence: str = DATED

    def row(self) -> list[Any]:
        return [self.date, self.place_code, self.kind, self.subject_code, self.subject_name, self.object_code,
                self.object_name, self.detail, self.evidence]

    def sort_key(self) -> tuple[Any, ...]:
        return (self.date, self.place_code or "~", ORDER[self.kind], self.subject_code, self.object_code or "",
                self.detail, self.subject_name or "", self.object_name or "", self.evidence)


def _label(value: str | None) -> str:
    return (value or "").replace("_", " ")


def _group(rows: Iterable[Row], *keys: str) -> dict[tuple[Any, ...], list[Row]]:
    out: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for r in rows:
        out[tuple(r[k] for k in keys)].append(r)
    return out


def _ended_on(step: Step) -> dt.date:
    """The last day of what ended at this step."""
    assert step.day is not None
    return step.day - ONE_DAY


# -- organisations on boards ------------------------------------------------------------------------


def board_changes(rows: list[Row]) -> list[Change]:
    out = []
    for (org, board), group in _group(rows, "organisation_code", "board_code").items():
        first = group[0]
        history = steps(group, board_role)
        for before, step in pairwise(history):
            new, old = step.value, before.value
            args = dict(place_code=first["place_code"], subject_code=org, subject_name=first["organisation_name"],
                        object_code=board, object_name=first["board_name"])
            if old is None:
                out.append(Change(step.day, kind="joined_board", detail=f"{new} member", **args))
            elif new is None:
                out.append(Change(_ended_on(step), kind="left_board", detail=f"{old} member", **args))
            else:
                out.append(Change(step.day, kind="board_role_changed", detail=f"{old} → {new} member", **args))
    return out


# -- practices in PCNs ----------------------------------------------------------------------------------


def _from_extract(rows: list[Row], field: str, day: dt.date) -> bool:
    """Did an extract, not a dated row, give these rows this start (or end)?"""
    return bool(rows) and all(r["why_from" if field == "from_extract" else "why_to"] == "row"
                              and r.get(field) == day for r in rows)


def _open_span(status: str | None, opened: dt.date | None, closed: dt.date | None) -> tuple[Any, Any] | None:
    """The days a practice or PCN is open, as the reports take it: from its open date to the day before
    its close date; None when it is closed with no date (never current)."""
    if closed is None and (status or "") == "closed":
        return None
    return opened, None if closed is None else closed - ONE_DAY


def effective(rows: list[Row]) -> list[Row]:
    """Membership rows cut to the days the practice and the PCN are open (the reports' "current"
    practices), each saying what gave its first and last day: the row, the practice or the PCN."""
    out = []
    for r in rows:
        first, last, why_from, why_to = r["from"], r["to"], "row", "row"
        for who, status, opened, closed in (("practice", r.get("practice_status"), r.get("practice_open"),
                                             r.get("practice_close")),
                                            ("pcn", r.get("pcn_status"), r.get("pcn_open"), r.get("pcn_close"))):
            span = _open_span(status, opened, closed)
            if span is None:
                first = last = None
                break
            if span[0] is not None and (first is None or span[0] > first):
                first, why_from = span[0], who
            if span[1] is not None and (last is None or span[1] < last):
                last, why_to = span[1], who
        else:
            if first is None or last is None or first <= last:
                out.append({**r, "from": first, "to": last, "why_from": why_from, "why_to": why_to})
    return out


def practice_changes(rows: list[Row]) -> list[Change]:
    out = []
    rows = effective(rows)
    by_practice = _group(rows, "practice_code")
    for (practice, pcn), group in _group(rows, "practice_code", "pcn_code").items():
        first = group[0]
        args = dict(place_code=first["place_code"], subject_code=practice, subject_name=first["practice_name"],
                    object_code=pcn, object_name=first["pcn_name"])
        history = steps(group, is_member)
        for step in history[1:]:
            assert step.day is not None
            if step.value:
                why = {r["why_from"] for r in step.started}
                if _from_extract(step.started, "from_extract", step.day):
                    before = sorted({r["pcn_code"] for r in by_practice[(practice,)]
                                     if r["pcn_code"] != pcn and r.get("to_extract") == step.day})
                    was = f"; it was in {', '.join(before)} before" if before else ""
                    out.append(Change(step.day, kind="practice_seen_in_pcn", evidence=EXTRACT,
                                      detail=f"seen in the extract of {step.day.isoformat()}{was}: the move is not dated",
                                      **args))
                else:
                    detail = ("the practice opened" if why == {"practice"} else
                              "the PCN opened" if why == {"pcn"} else "")
                    out.append(Change(step.day, kind="practice_joined_pcn", detail=detail, **args))
            elif _from_extract(step.ended, "to_extract", step.day):
                now = sorted({r["pcn_code"] for r in by_practice[(practice,)]
                              if r["pcn_code"] != pcn and r.get("from_extract") == step.day})
                where = f" in {', '.join(now)}" if now else " in another PCN"
                out.append(Change(step.day, kind="practice_no_longer_seen_in_pcn", evidence=EXTRACT,
                                  detail=f"seen{where} in the extract of {step.day.isoformat()}: the move is not dated",
                                  **args))
            else:
                why = {r["why_to"] for r in step.ended}
                detail = (f"the practice closed on {step.day.isoformat()}" if why == {"practice"} else
                          f"the PCN closed on {step.day.isoformat()}" if why == {"pcn"} else "")
                out.append(Change(_ended_on(step), kind="practice_left_pcn", detail=detail, **args))
    return out


def pcn_changes(rows: list[Row]) -> list[Change]:
    """A PCN opens and closes on its published open and close dates; without them, when its first
    practice joins and its last practice leaves, on dated rows only (a PCN with an undated
    membership predates the records; one whose start or end an extract implied is not dated)."""
    out = []
    for (pcn,), group in _group(rows, "pcn_code").items():
        places = sorted({r["place_code"] for r in group if r["place_code"]}) or [None]
        first = group[0]
        name, opened, closed = first["pcn_name"], first.get("pcn_open"), first.get("pcn_close")
        found = []
        if opened is not None:
            found.append(dict(date=opened, kind="pcn_opened", detail="its open date, as published"))
        if closed is not None:
            found.append(dict(date=closed, kind="pcn_closed", detail="its close date, as published"))
        history = steps(effective(group), is_member)
        for step in history[1:]:
            assert step.day is not None
            if step.value and opened is None and not _from_extract(step.started, "from_extract", step.day) \
                    and {r["why_from"] for r in step.started} != {"pcn"}:
                found.append(dict(date=step.day, kind="pcn_opened", detail="its first practice joined"))
            elif not step.value and closed is None and not _from_extract(step.ended, "to_extract", step.day) \
                    and {r["why_to"] for r in step.ended} != {"pcn"}:
                found.append(dict(date=_ended_on(step), kind="pcn_closed", detail="its last practice left"))
        out += [Change(place_code=place, subject_code=pcn, subject_name=name, **f) for f in found for place in places]
    return out


# -- agreements -----------------------------------------------------------------------------------------


def signature_changes(rows: list[Row]) -> list[Change]:
    return [Change(r["signed_on"], r["place_code"], "signature_added", r["organisation_code"], r["organisation_name"],
                   r["agreement_code"], r["agreement_title"], f"signed the {_label(r['agreement_kind'])}")
            for r in rows]


def party_changes(rows: list[Row]) -> list[Change]:
    """An organisation becomes an expected party of an agreement (the unsigned report's expected
    parties) when it is listed (`added_on`) or becomes a core member of the Place's partnership."""
    out = []
    for (place, agreement, org), group in _group(rows, "place_code", "agreement_code", "organisation_code").items():
        first = group[0]
        core = {(r["core_from"], r["core_to"]) for r in group if r["core"]}
        spans: list[Row] = [{"from": start, "to": end, "why": "core"} for start, end in sorted(core, key=str)]
        listed = [r for r in group if r["listed"]]
        if listed:
            spans.append({"from": listed[0]["added_on"], "to": None, "why": "listed"})
        history = steps(spans, lambda current: bool(current))
        for step in history[1:]:
            if not step.value:
                continue
            why = {s["why"] for s in step.started}
            detail = "listed as a party" if "listed" in why else "became a core member of the partnership"
            out.append(Change(step.day, place, "party_added", org, first["organisation_name"], agreement,
                              first["agreement_title"], detail))
    return out


# -- leads, endorsements, plans, commissioning, neighbourhoods -------------------------------------------


def lead_changes(rows: list[Row]) -> list[Change]:
    out = []
    for (place,), group in _group(rows, "place_code").items():
        history = steps(group, place_lead)
        for before, step in pairwise(history):
            old, new = before.value, step.value
            if old is not None:
                why = f"succeeded by {new}" if new else "role ended"
                out.append(Change(_ended_on(step), place, "place_lead_ended", old, None, place,
                                  group[0]["place_name"], why))
            if new is not None:
                why = f"succeeds {old}" if old else "the Place had no lead"
                out.append(Change(step.day, place, "place_lead_appointed", new, None, place,  # type: ignore[arg-type]
                                  group[0]["place_name"], why))
    return out


def endorsement_changes(rows: list[Row]) -> list[Change]:
    return [Change(r["on"], r["place_code"], "endorsement", r["organisation_code"], r["organisation_name"],
                   r["person_id"], None, "endorsed the place lead" if r["place_code"] else "endorsed")
            for r in rows]


def approval_changes(rows: list[Row]) -> list[Change]:
    return [Change(r["on"], r["place_code"], "plan_approved", r["board_code"], r["board_name"], r["plan_code"],
                   r["plan_title"], _label(r["plan_kind"])) for r in rows]


def commissioning_changes(rows: list[Row]) -> list[Change]:
    out = []
    for r in rows:
        value = "" if r["value_gbp"] is None else f", £{r['value_gbp']:,.0f}"
        args = dict(place_code=r["place_code"], subject_code=r["commissioning_code"],
                    subject_name=r["commissioning_name"], detail=_label(r["kind"]) + value)
        if r["from"] is not None:
            out.append(Change(r["from"], kind="commissioning_started", **args))
        if r["to"] is not None:
            out.append(Change(r["to"], kind="commissioning_ended", **args))
    return out


def neighbourhood_changes(rows: list[Row]) -> list[Change]:
    return [Change(r["from"], r["place_code"], "neighbourhood_added", r["neighbourhood_code"],
                   r["neighbourhood_name"]) for r in rows]


def missing_link_changes(rows: list[Row], expected_kinds: Iterable[str]) -> list[Change]:
    """Per ICP board and expected kind of board: missing while no current link joins them (the
    missing-links report's rule on every day); SUBGROUP_OF links are undated, so always there."""
    out = []
    for (place, board), group in _group(rows, "place_code", "board_code").items():
        first = group[0]
        for kind in expected_kinds:
            if first["board_kind"] == kind or kind in (first["subgroup_kinds"] or []):
                continue  # never missing
            links = [{"from": r["from"], "to": r["to"], "other_code": r["other_code"], "other_name": r["other_name"]}
                     for r in group if r["other_kind"] == kind]
            names = {r["other_code"]: r["other_name"] for r in links}
            history = steps(links, linked_boards)
            for before, step in pairwise(history):
                args = dict(place_code=place, subject_code=board, subject_name=first["board_name"])
                if not before.value and step.value:
                    other = min(step.value)
                    out.append(Change(step.day, kind="missing_link_closed", object_code=other,
                                      object_name=names.get(other),
                                      detail=f"now linked with a {_label(kind)}", **args))
                elif before.value and not step.value:
                    other = min(before.value)
                    out.append(Change(_ended_on(step), kind="missing_link_opened", object_code=other,
                                      object_name=names.get(other),
                                      detail=f"no current link with a {_label(kind)} after this day", **args))
    return out


# -- the report --------------------------------------------------------------------------------------------


def window(ctx: Context) -> tuple[dt.date, dt.date]:
    until = ctx.options.get("to_date") or ctx.as_at
    since = ctx.options.get("from_date") or until - dt.timedelta(days=DEFAULT_DAYS)
    if since > until:
        raise ReportError(f"--from ({since.isoformat()}) is after --to ({until.isoformat()}).")
    return since, until


def changes(ctx: Context) -> list[Change]:
    """Every change in the window of `ctx` (its `from_date` and `to_date` options), sorted."""
    since, until = window(ctx)
    ctx.options.update(from_date=since, to_date=until)
    params = {"since": since - ONE_DAY, "until": until}

    def rows(name: str) -> list[Row]:
        return ctx.records(name, **params)

    practices = rows("changes-practice-memberships")
    boards = rows("changes-board-memberships")
    if ctx.ics is not None:  # an ICS's Places, and its ICS-level boards
        boards = [r for r in boards if r["place_code"] is not None or r["ics_code"] == ctx.ics]
    found = [
        *board_changes(boards),
        *practice_changes(practices),
        *pcn_changes(practices),
        *party_changes(rows("changes-expected-parties")),
        *signature_changes(rows("changes-signatures")),
        *lead_changes(rows("changes-place-leads")),
        *endorsement_changes(rows("changes-endorsements")),
        *approval_changes(rows("changes-approvals")),
        *commissioning_changes(rows("changes-commissioning")),
        *neighbourhood_changes(rows("changes-neighbourhoods")),
        *missing_link_changes(rows("changes-board-links"), ctx.settings.expected_link_kinds),
    ]
    places = _places_in_scope(ctx)
    unique = {c: None for c in found if since <= c.date <= until
              and (places is None or c.place_code in places or (c.place_code is None and c.kind in BOARD_KINDS))}
    return sorted(unique, key=Change.sort_key)


BOARD_KINDS = ("joined_board", "board_role_changed", "left_board")  # ICS-level boards have no Place


def _places_in_scope(ctx: Context) -> set[str] | None:
    """The Places whose changes are kept: `--place`, or an ICS's Places (None: everything)."""
    if ctx.place is not None:
        return {ctx.place}
    if ctx.ics is not None:
        found = ctx.records("report-ics")
        return set(found[0]["place_codes"] or []) if found else set()
    return None


def build(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    return COLUMNS, [c.row() for c in changes(ctx)]


def latest_change(store: Store, place: str | None = None, on_or_before: dt.date | None = None) -> dt.date | None:
    """The date of the most recent dated change on or before a day (default today); None when there is none.

    "What changed in the last year" of data that stopped changing a while ago is the year to this date.
    """
    from .. import cypher

    q = cypher.get("changes-latest")
    rows = store.read(q.text, q.bind({"place": place, "until": on_or_before or dt.date.today()})).rows
    return max((latest for _, latest in rows if latest is not None), default=None)


def year_to(day: dt.date) -> tuple[dt.date, dt.date]:
    """The year that ends on `day`, both ends included (2021-07-01 to 2022-06-30)."""
    try:
        start = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - 1, day=28)
    return start + ONE_DAY, day


FROM = Option("from_date", "date", f"the first day of the window, YYYY-MM-DD (default: {DEFAULT_DAYS} days before --to)",
              flag_name="--from", aliases=("from",))
TO = Option("to_date", "date", "the last day of the window, YYYY-MM-DD (default: today; also --as-at)",
            flag_name="--to", aliases=("to", "as_at"))

CHANGES = Report(
    "changes",
    "What changed between two dates (both included): memberships, practices and PCNs, signatures, leads, "
    "endorsements, plans, commissioning, neighbourhoods and missing links; one row per change.",
    COLUMNS,
    (
        "changes-board-memberships", "changes-practice-memberships", "changes-expected-parties",
        "changes-signatures", "changes-place-leads", "changes-endorsements", "changes-approvals",
        "changes-commissioning", "changes-neighbourhoods", "changes-board-links",
    ),
    build,
    options=(PLACE, ICS, FROM, TO),
)

__all__ = ["CHANGES", "COLUMNS", "KINDS", "LABELS", "Change", "changes", "latest_change", "year_to"]
