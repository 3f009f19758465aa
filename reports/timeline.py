"""Where each Place stands on the ICS development timeline (milestones are data, not code)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import Context, Report
from .partnership import place_lead_rows, unsigned_rows

COLUMNS = ("place_code", "milestone_code", "due", "status", "completed_on", "title")
DEFAULT_MILESTONES = Path(__file__).with_name("milestones.csv")
ON_TIME, LATE, OUTSTANDING = "on_time", "late", "outstanding"


@dataclass(frozen=True)
class Milestone:
    code: str
    title: str
    due: dt.date


def default_milestones(path: Path = DEFAULT_MILESTONES) -> list[Milestone]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [Milestone(r["code"], r["title"], dt.date.fromisoformat(r["due"])) for r in csv.DictReader(fh)]


def milestones(ctx: Context) -> list[Milestone]:
    """The Milestone nodes of the store; the shipped defaults when none are loaded."""
    loaded = [Milestone(r["milestone_code"], r["title"] or "", r["due"]) for r in ctx.records("report-milestones")]
    return [m for m in loaded if m.due is not None] if loaded else default_milestones()


@dataclass
class Completion:
    done: bool
    on: dt.date | None = None  # None when done: the evidence has no date (it predates the records)


NOT_DONE = Completion(False)


@dataclass
class PlaceEvidence:
    agreements: list[dict[str, Any]]
    unsigned: list[dict[str, Any]]
    lead: dict[str, Any] | None
    core_since: dict[str, Any] | None


def check_boundaries(e: PlaceEvidence) -> Completion:
    """boundaries_confirmed: the Place has an ICP board with a current core member, since its earliest `from`."""
    if not e.core_since or not e.core_since["core_memberships"]:
        return NOT_DONE
    return Completion(True, None if e.core_since["undated"] else e.core_since["earliest_from"])


def check_mou(e: PlaceEvidence) -> Completion:
    """mou_agreed: every expected party of every mou/place agreement signed; on the latest signature."""
    if not e.agreements or e.unsigned:
        return NOT_DONE
    dates = [a["last_signed_on"] for a in e.agreements if a["last_signed_on"] is not None]
    return Completion(True, max(dates) if dates else None)


def check_governance(e: PlaceEvidence) -> Completion:
    """governance_confirmed: governance written down in an mou/place agreement, from its effective date."""
    if not e.agreements:
        return NOT_DONE
    dates = [a["effective_from"] for a in e.agreements if a["effective_from"] is not None]
    return Completion(True, min(dates) if dates else None)


def check_place_lead(e: PlaceEvidence) -> Completion:
    """place_lead_designate: on the `from` date of the current place lead's role."""
    if not e.lead or e.lead["lead_person_id"] is None:
        return NOT_DONE
    return Completion(True, e.lead["lead_from"])


CHECKS: dict[str, Callable[[PlaceEvidence], Completion]] = {
    "boundaries_confirmed": check_boundaries,
    "mou_agreed": check_mou,
    "governance_confirmed": check_governance,
    "place_lead_designate": check_place_lead,
}


def status(completion: Completion, due: dt.date, as_at: dt.date) -> tuple[str, dt.date | None]:
    if not completion.done or (completion.on is not None and completion.on > as_at):
        return OUTSTANDING, None
    if completion.on is None or completion.on <= due:
        return ON_TIME, completion.on
    return LATE, completion.on


def build(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    kinds = set(ctx.settings.timeline_agreement_kinds)
    checks = [m for m in sorted(milestones(ctx), key=lambda m: (m.due, m.code)) if m.code in CHECKS]
    places = [r["place_code"] for r in ctx.records("report-breadth")]
    agreements: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ctx.records("report-agreement-signatures"):
        if r["agreement_kind"] in kinds:
            agreements[r["place_code"]].append(r)
    unsigned: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in unsigned_rows(ctx):
        if r["agreement_kind"] in kinds:
            unsigned[r["place_code"]].append(r)
    leads = {r["place_code"]: r for r in place_lead_rows(ctx)}
    core_since = {r["place_code"]: r for r in ctx.records("report-icp-core-since")}
    rows = []
    for place in places:
        evidence = PlaceEvidence(agreements[place], unsigned[place], leads.get(place), core_since.get(place))
        for m in checks:
            state, completed_on = status(CHECKS[m.code](evidence), m.due, ctx.as_at)
            rows.append([place, m.code, m.due, state, completed_on, m.title])
    return COLUMNS, rows


TIMELINE = Report(
    "timeline",
    "Each Place against the ICS timeline milestones the graph can evidence: on_time, late or outstanding.",
    COLUMNS,
    (
        "report-milestones", "report-breadth", "report-agreement-signatures", "report-unsigned",
        "report-place-leads", "report-core-members", "report-icp-core-since",
    ),
    build,
)
