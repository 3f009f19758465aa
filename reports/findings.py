"""Headline findings: a few sentences, and a few numbers per Place, read from the reports.

`icpmap demo` prints them at the end and its index page shows them, so a newcomer sees what
the reports found before opening any file. Every number is a count of rows of a report (same
definitions, same options), so the sentence and the report can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..graph.store import Result, Store
from .registry import run_report
from .settings import ReportSettings


@dataclass(frozen=True)
class PlaceFacts:
    """One Place in numbers (each a count of a report's rows)."""

    code: str
    name: str
    members: int = 0
    unsigned: int = 0
    missing_links: int = 0
    features_met: int = 0
    has_lead: bool = False

    def sentence(self) -> str:
        parts = [f"{self.members} partnership {'member' if self.members == 1 else 'members'}",
                 f"{self.unsigned} {'signature' if self.unsigned == 1 else 'signatures'} outstanding",
                 f"{self.missing_links} missing {'link' if self.missing_links == 1 else 'links'}",
                 f"{self.features_met} of 7 core features met"]
        if not self.has_lead:
            parts.append("no Place lead")
        return ", ".join(parts) + "."


@dataclass(frozen=True)
class Findings:
    headlines: list[str]
    places: list[PlaceFacts] = field(default_factory=list)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def findings(store: Store, *, as_at: dt.date | None = None, settings: ReportSettings | None = None) -> Findings:
    """The headline findings of the reports over every Place, at `as_at` (default today)."""
    cache: dict[tuple[Any, ...], Result] = {}

    def run(name: str) -> list[dict[str, Any]]:
        return run_report(store, name, settings=settings, cache=cache, as_at=as_at).records()

    breadth = run("breadth")
    unsigned = run("unsigned")
    missing = run("missing-links")
    leads = run("place-leads")
    assurance = run("assurance")
    coterminosity = run_report(store, "coterminosity", settings=settings, cache=cache, as_at=as_at)
    pcns = coterminosity.records()

    unsigned_by_place = Counter(r["place_code"] for r in unsigned)
    missing_by_place = Counter(r["place_code"] for r in missing)
    met_by_place = Counter(r["place_code"] for r in assurance if r["status"] == "met")
    led = {r["place_code"] for r in leads if r["lead_person_id"]}
    places = [
        PlaceFacts(code=r["place_code"], name=r["place_name"] or r["place_code"], members=int(r["members"] or 0),
                   unsigned=unsigned_by_place[r["place_code"]], missing_links=missing_by_place[r["place_code"]],
                   features_met=met_by_place[r["place_code"]], has_lead=r["place_code"] in led)
        for r in breadth
    ]

    lines: list[str] = []
    if not places:
        return Findings(["The store holds no Place yet: load some data first (icpmap load FILES)."], [])
    agreements = {(r["place_code"], r["agreement_code"]) for r in unsigned}
    lines.append(
        f"{_plural(len(unsigned), 'expected signature is', 'expected signatures are')} outstanding on "
        f"{_plural(len(agreements), 'place agreement', 'place agreements')} "
        f"({len(unsigned_by_place)} of {len(places)} Places; report unsigned)."
        if unsigned else f"Every expected party has signed its Place's agreement ({len(places)} Places; report unsigned)."
    )
    not_coterminous = [r for r in pcns if not r["coterminous"]]
    options = coterminosity.options
    level = "neighbourhood" if options.get("level") == "neighbourhood" else "Place"
    threshold = float(options.get("threshold") or 0)
    lines.append(
        f"{len(not_coterminous):,} of {_plural(len(pcns), 'PCN is', 'PCNs are')} not coterminous with a single "
        f"{level} (by {options.get('by')}, threshold {threshold:.0%}; report coterminosity)."
    )
    lines.append(
        f"{_plural(len(missing), 'expected link', 'expected links')} from ICP boards to other boards "
        f"{'is' if len(missing) == 1 else 'are'} missing (report missing-links)."
    )
    all_met = sum(1 for p in places if p.features_met == 7)
    met = sum(p.features_met for p in places)
    lines.append(
        f"{met:,} of {7 * len(places):,} core-feature checks are met; "
        f"{_plural(all_met, 'Place meets', 'Places meet')} all seven (report assurance)."
    )
    no_lead = [p for p in places if not p.has_lead]
    if no_lead:
        lines.append(f"{_plural(len(no_lead), 'Place has', 'Places have')} no Place lead "
                     f"({', '.join(p.name for p in no_lead)}; report place-leads).")
    return Findings(lines, places)


__all__ = ["Findings", "PlaceFacts", "findings"]
