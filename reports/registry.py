"""The reports, and the one runner the CLI and the API share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..graph.store import Result, Store
from .assurance import ASSURANCE
from .base import Context, Report, ReportError, ReportResult
from .brokers import BROKERS
from .changes import CHANGES
from .coterminosity import COTERMINOSITY
from .partnership import BREADTH, MISSING_LINKS, PLACE_LEADS, UNSIGNED
from .progress import PROGRESS
from .settings import ReportSettings, load_settings
from .timeline import TIMELINE

REPORTS: dict[str, Report] = {
    r.name: r for r in (
        BREADTH, UNSIGNED, COTERMINOSITY, MISSING_LINKS, PLACE_LEADS, ASSURANCE, TIMELINE, BROKERS, CHANGES, PROGRESS,
    )
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
    aliases = {alias: o.name for o in report.options for alias in o.aliases}
    given: dict[str, Any] = {}
    for key, value in options.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        name = aliases.get(key, key)
        if name in given:
            raise ReportError(f"Give {report.option(name).flag} once (it is also called {key}).")  # type: ignore[union-attr]
        given[name] = value
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
    as_at = resolved.get("as_at") or resolved.get("to_date") or dt.date.today()
    if report.option("as_at") is not None:
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
        if report.option("as_at") is None and "as_at" in options and "to_date" not in options:
            own["as_at"] = options["as_at"]  # a report over a window ends on the as-at date (`to_date`'s alias)
        yield run_report(store, report.name, settings=settings, cache=cache, **own)


__all__ = ["REPORTS", "get_report", "run_all", "run_report"]
