"""The eight reports, and the one runner the CLI and the API share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..graph.store import Result, Store
from .assurance import ASSURANCE
from .base import Context, Report, ReportError, ReportResult
from .brokers import BROKERS
from .coterminosity import COTERMINOSITY
from .partnership import BREADTH, MISSING_LINKS, PLACE_LEADS, UNSIGNED
from .settings import ReportSettings, load_settings
from .timeline import TIMELINE

REPORTS: dict[str, Report] = {
    r.name: r for r in (BREADTH, UNSIGNED, COTERMINOSITY, MISSING_LINKS, PLACE_LEADS, ASSURANCE, TIMELINE, BROKERS)
}


def get_report(name: str) -> Report:
    key = str(name).strip().lower().replace("_", "-")
    try:
        return REPORTS[key]
    except KeyError:
        raise ReportError(f"No report named {name!r}. Reports: {', '.join(REPORTS)} (`icpmap reports` lists them).") from None


def _check_place(store: Store, code: str, cache: dict[tuple[Any, ...], Result]) -> str:
    from .. import cypher

    q = cypher.get("report-place")
    for candidate in dict.fromkeys((code, code.upper())):
        key = ("report-place", candidate)
        if key not in cache:
            cache[key] = store.read(q.text, q.bind({"place": candidate}))
        if cache[key].rows:
            return candidate
    raise ReportError(f"No Place with code {code!r} in the store. `icpmap run places` lists the Places.")


def _check_ics(store: Store, code: str, place: str | None, cache: dict[tuple[Any, ...], Result]) -> str:
    """The ICS's code as stored (any case given); a Place given too must be one of its Places."""
    from .. import cypher

    q = cypher.get("report-ics")
    for candidate in dict.fromkeys((code, code.upper())):
        key = ("report-ics", candidate)
        if key not in cache:
            cache[key] = store.read(q.text, q.bind({"ics": candidate}))
        if cache[key].rows:
            places = set(cache[key].rows[0][1] or [])
            if place is not None and place not in places:
                raise ReportError(f"Place {place!r} is not one of ICS {candidate!r}'s Places "
                                  f"({', '.join(sorted(places)) or 'it has none in the store'}).")
            return candidate
    raise ReportError(f"No ICS with code {code!r} in the store (an ICB's ODS code, e.g. QYG). "
                      "`icpmap run places` lists the Places with their ICS.")


def run_report(
    store: Store,
    name: str,
    *,
    settings: ReportSettings | None = None,
    cache: dict[tuple[Any, ...], Result] | None = None,
    **options: Any,
) -> ReportResult:
    """Run one report. Options are the report's (`place`, `as_at`, ...); None means not given.

    `cache` may be shared between runs on an unchanged store (e.g. a report pack), so
    that queries several reports use run once.
    """
    report = get_report(name)
    given = {k: v for k, v in options.items() if v is not None and not (isinstance(v, str) and not v.strip())}
    unknown = sorted(k for k in given if report.option(k) is None)
    if unknown:
        flags = ", ".join("--" + k.replace("_", "-") for k in unknown)
        takes = ", ".join(o.flag for o in report.options)
        raise ReportError(f"Report {report.name} has no option {flags}; it takes {takes}.")
    resolved = {k: report.option(k).convert(v) for k, v in given.items()}  # type: ignore[union-attr]
    cache = {} if cache is None else cache
    place = resolved.get("place")
    if place is not None:
        place = resolved["place"] = _check_place(store, place, cache)
    ics = resolved.get("ics")
    if ics is not None:
        ics = resolved["ics"] = _check_ics(store, ics, place, cache)
    as_at = resolved.get("as_at") or dt.date.today()
    resolved["as_at"] = as_at
    with store.reading() as view:  # the report's reads in one read transaction
        ctx = Context(view, settings or load_settings(), place, as_at, dict(resolved), cache, ics)  # type: ignore[arg-type]
        columns, rows = report.build(ctx)
    resolved.update(ctx.options)
    return ReportResult(report.name, list(columns), rows, resolved)


def run_all(store: Store, *, settings: ReportSettings | None = None, **options: Any) -> Iterator[ReportResult]:
    """Every report with the options each one takes (e.g. `place`, `as_at`), sharing one query cache."""
    settings = settings or load_settings()
    cache: dict[tuple[Any, ...], Result] = {}
    for report in REPORTS.values():
        own = {k: v for k, v in options.items() if report.option(k) is not None}
        yield run_report(store, report.name, settings=settings, cache=cache, **own)


__all__ = ["REPORTS", "get_report", "run_all", "run_report"]
