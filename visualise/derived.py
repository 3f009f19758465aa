"""The parts of a diagram that are analytics, not plain graph facts, taken from the reports.

Missing links, who has not signed, who the place lead is and who has not endorsed
them, and how coterminous each PCN is are defined once, by the reports in
`icpmap.reports` (`missing-links`, `unsigned`, `place-leads`, `coterminosity`). The
diagram asks the report runner (and, for the patients of a PCN by neighbourhood, the
coterminosity report's own query), so a diagram and a report never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import cypher
from ..graph import Store
from ..reports import run_report
from ..reports.base import cache_key
from ..reports.coterminosity import at_level

# the coterminosity report's per-footprint counts: from the loader's totals, or live (older stores)
PATIENT_QUERIES = ("report-coterminosity-patients", "report-coterminosity-patients-live")
UNKNOWN = "unknown"  # the report's footprint for patients in Areas with no neighbourhood


Cache = dict[tuple[Any, ...], Any]  # the report runner's query cache, shared within one diagram


def _report(store: Store, name: str, places: set[str], cache: Cache | None = None, **options: Any) -> list[dict[str, Any]]:
    """A report's rows for the Places given (run for the one Place, or for all and filtered)."""
    if not places:
        return []
    place = next(iter(places)) if len(places) == 1 else None
    result = run_report(store, name, place=place, cache=cache, **options)
    return [r for r in (dict(zip(result.columns, row)) for row in result.rows) if r["place_code"] in places]


def missing_links(store: Store, places: Iterable[str], as_at: dt.date, cache: Cache | None = None) -> list[dict[str, Any]]:
    """The `missing-links` report: rows `place_code, board_code, missing_kind`."""
    return _report(store, "missing-links", set(places), cache, as_at=as_at)


def unsigned(store: Store, places: Iterable[str], as_at: dt.date, cache: Cache | None = None) -> list[dict[str, Any]]:
    """The `unsigned` report: rows `place_code, agreement_code, organisation_code, organisation_name,
    reason` (`not_signed`: listed, no date; `no_signature_row`: core member not listed)."""
    return _report(store, "unsigned", set(places), cache, as_at=as_at)


def agreements(store: Store, places: Iterable[str], as_at: dt.date, cache: Cache) -> list[dict[str, Any]]:
    """The agreements FOR these Places and their parties listed by `as_at` (`signed_on` blank when not
    signed by then; one row with no organisation for an agreement with none listed), sorted by Place,
    agreement and party: the listings the `unsigned` report read (run first), from the shared cache."""
    wanted = set(places)
    if not wanted:
        return []
    place = next(iter(wanted)) if len(wanted) == 1 else None
    unsigned(store, wanted, as_at, cache)  # the report's run leaves its query's rows in the cache
    scope = {"place": place, "as_at": as_at}
    listings = cache.get(_key("report-unsigned", scope))
    if listings is None:  # a caller without the report's cache
        q = cypher.get("report-unsigned")
        listings = store.read(q.text, q.bind(scope))
    listed: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    agreements: list[dict[str, Any]] = []
    for r in listings.records():
        if r["place_code"] not in wanted:
            continue
        if r["organisation_code"]:
            listed.add((r["place_code"], r["agreement_code"]))
            out.append(r)
        else:
            agreements.append({**r, "organisation_code": None, "organisation_name": None, "sector": None,
                               "statutory": None, "signed_on": None})
    out += [r for r in agreements if (r["place_code"], r["agreement_code"]) not in listed]
    return sorted(out, key=lambda r: (r["place_code"], r["agreement_code"], r["organisation_code"] is None,
                                      r["organisation_code"] or ""))


def place_leads(store: Store, places: Iterable[str], as_at: dt.date, cache: Cache | None = None) -> dict[str, dict[str, Any]]:
    """The `place-leads` report by Place code (`lead_person_id` blank when the Place has no lead)."""
    return {r["place_code"]: r for r in _report(store, "place-leads", set(places), cache, as_at=as_at)}


@dataclass(frozen=True)
class PcnFootprint:
    """Where a PCN's registered patients live, by neighbourhood, and the report's verdict."""

    pcn_code: str
    total: int
    patients: dict[str, int]  # neighbourhood code (or `unknown`) -> patients
    main_footprint: str | None
    share: float | None  # the report's share in the main footprint (rounded to 3 places)
    coterminous: bool | None
    threshold: float | None = None
    names: dict[str, str] = field(default_factory=dict)

    def share_in(self, neighbourhood: str) -> float | None:
        if not self.total:
            return None
        return self.patients.get(neighbourhood, 0) / self.total


def pcn_footprints(
    store: Store, pcns: Iterable[str], as_at: dt.date, places: Iterable[str] = (), cache: Cache | None = None
) -> dict[str, PcnFootprint]:
    """Per PCN: patients by neighbourhood, main footprint, share and verdict, from the
    coterminosity report at neighbourhood level by patients.

    `places` narrows the report to the PCNs of those Places when there is one (a PCN of
    a Place = one with a current practice there or leading one of its neighbourhoods).
    """
    wanted = set(pcns)
    if not wanted:
        return {}
    place_set = set(places)
    place = next(iter(place_set)) if len(place_set) == 1 else None
    cache = {} if cache is None else cache
    result = run_report(store, "coterminosity", place=place, as_at=as_at, by="patients", level="neighbourhood",
                        view="pcns", cache=cache)
    verdicts = {r["pcn_code"]: r for r in (dict(zip(result.columns, row)) for row in result.rows)
                if r["pcn_code"] in wanted}
    threshold = result.options.get("threshold") if hasattr(result, "options") else None
    # the report has just run one of these queries: take its rows from the shared cache
    scope = {"place": place, "as_at": as_at}
    live = cache.get(_key(PATIENT_QUERIES[1], {**scope, "level": "neighbourhood"}))  # when the report fell back to it
    kept = cache.get(_key(PATIENT_QUERIES[0], scope))
    if live is not None:
        patients_result = live
    elif kept is not None:
        patients_result = at_level(kept, "neighbourhood")
    else:
        q = cypher.get(PATIENT_QUERIES[1])
        patients_result = store.read(q.text, q.bind({**scope, "level": "neighbourhood"}))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in patients_result.records():
        if r["pcn_code"] in wanted and r["footprint"] is not None:
            counts[r["pcn_code"]][r["footprint"]] = int(r["patients"] or 0)
    out: dict[str, PcnFootprint] = {}
    for code in sorted(wanted):
        v = verdicts.get(code, {})
        patients = {k: n for k, n in counts.get(code, {}).items() if n > 0}
        out[code] = PcnFootprint(
            pcn_code=code,
            total=int(v.get("total") or sum(patients.values())),
            patients=patients,
            main_footprint=v.get("main_footprint"),
            share=None if v.get("share") is None else float(v["share"]),
            coterminous=None if not patients else bool(v.get("coterminous")),
            threshold=threshold,
        )
    return out


def _key(name: str, params: dict[str, Any]) -> tuple[Any, ...]:
    """The report runner's cache key of a query run with these parameters."""
    return cache_key(name, cypher.get(name).bind(params))


def pcn_places(store: Store, as_at: dt.date, cache: dict | None = None, **scope: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the options as resolved, one record per PCN): the coterminosity report at place level for
    a Place or an ICS (`place=` / `ics=`): the PCNs with a current practice located there."""
    result = run_report(store, "coterminosity", as_at=as_at, level="place", view="pcns", cache=cache, **scope)
    return result.options, [dict(zip(result.columns, row)) for row in result.rows]


__all__ = ["PcnFootprint", "agreements", "missing_links", "pcn_footprints", "pcn_places", "place_leads", "unsigned"]
