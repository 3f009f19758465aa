"""The reports (`icpmap.reports`) as the API and the dashboard use them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..graph import Store

FEATURE_NAMES = {
    1: "Governance", 2: "Place lead", 3: "Shared vision and plan", 4: "Development plan",
    5: "Defined footprints", 6: "Engagement", 7: "Integrated commissioning",
}
FEATURES = sorted(FEATURE_NAMES.items())
# The downloads offered on a Place page, in this order (each follows the page's as-at date).
PLACE_DOWNLOADS = ("assurance", "unsigned", "missing-links", "breadth", "place-leads", "coterminosity", "timeline",
                   "progress")
SINCE_DAYS = 90  # "what changed since": the Place page's default


def catalogue() -> dict[str, Any]:
    from ..reports import REPORTS

    return dict(REPORTS)


def run(store: Store, name: str, **options: Any) -> Any:
    from ..reports import run_report

    return run_report(store, name, **{k: v for k, v in options.items() if v is not None})


def rows(store: Store, name: str, **options: Any) -> list[dict[str, Any]]:
    result = run(store, name, **options)
    return [dict(zip(result.columns, row)) for row in result.rows]


def takes(name: str, option: str) -> bool:
    report = catalogue().get(name)
    return report is not None and any(o.name == option for o in report.options)


def _for_place(store: Store, name: str, code: str, **options: Any) -> list[dict[str, Any]]:
    if takes(name, "place"):
        options["place"] = code
    return [r for r in rows(store, name, **options) if r.get("place_code", code) == code]


def place_sections(store: Store, code: str, as_at: dt.date | None = None) -> dict[str, Any]:
    """Everything a Place page shows from the reports, as at `as_at` (default today)."""
    as_at = as_at or dt.date.today()
    # The report's own scope: PCNs with a current practice located here, or leading a neighbourhood here.
    coterminosity = rows(store, "coterminosity", place=code, as_at=as_at)
    leads = _for_place(store, "place-leads", code, as_at=as_at)
    return {
        "assurance": _for_place(store, "assurance", code, as_at=as_at),
        "unsigned": _for_place(store, "unsigned", code, as_at=as_at),
        "missing_links": _for_place(store, "missing-links", code, as_at=as_at),
        "breadth": next(iter(_for_place(store, "breadth", code, as_at=as_at)), None),
        "lead": leads[0] if leads else None,
        "coterminosity": coterminosity,
        "timeline": _for_place(store, "timeline", code, as_at=as_at),
    }


def place_changes(store: Store, code: str, since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """What changed in the Place between two dates (both included): the changes report."""
    return rows(store, "changes", place=code, from_date=since, to_date=until)


def latest_change(store: Store, place: str | None = None, on_or_before: dt.date | None = None) -> dt.date | None:
    """The date of the most recent dated change on or before a day (default today), or None."""
    from ..reports.changes import latest_change as latest

    return latest(store, place, on_or_before)


def overview(store: Store) -> dict[str, Any]:
    """The ICS view: Places x features, agreements and who has not signed, the timeline."""
    from . import data

    places = data.places(store)
    assurance = rows(store, "assurance")
    matrix: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for r in assurance:
        matrix[r["place_code"]][int(r["feature"])] = r
    unsigned = rows(store, "unsigned")
    unsigned_by_place: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in unsigned:
        unsigned_by_place[r["place_code"]].append(r)
    agreements = store.read(
        "MATCH (a:Agreement)-[:`FOR`]->(p:Place) OPTIONAL MATCH (o:Organisation)-[s:PARTY_TO]->(a) "
        "RETURN p.code AS place_code, a.code AS code, a.title AS title, a.kind AS kind, "
        "count(o) AS parties, count(s.signed_on) AS signed ORDER BY place_code, code").records()
    agreements_by_place: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in agreements:
        agreements_by_place[a["place_code"]].append(a)
    return {
        "places": places,
        "ics": data.ics_list(store),
        "matrix": matrix,
        "unsigned": unsigned_by_place,
        "agreements": agreements_by_place,
        "timeline": rows(store, "timeline"),
    }


def assurance_matrix(store: Store, ics: str | None = None) -> list[dict[str, Any]]:
    """Places x the seven features, for `GET /assurance` (with `ics`: that ICS's Places)."""
    from . import data

    by_place: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows(store, "assurance", ics=ics):
        by_place[r["place_code"]].append({"feature": int(r["feature"]), "name": r.get("name") or "",
                                          "status": r["status"], "evidence": r.get("evidence") or ""})
    out = []
    for p in data.places(store, ics):
        features = sorted(by_place.get(p["place_code"], []), key=lambda f: f["feature"])
        counts = {s: sum(1 for f in features if f["status"] == s) for s in ("met", "partial", "not_met")}
        out.append({"place_code": p["place_code"], "place_name": p["place_name"], **counts, "features": features})
    return out
