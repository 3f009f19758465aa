"""Progress over time: per Place and period, the counts the ICS tracks, as at the end of each period.

Each row is the other reports run as at the period's last day (or `--to`, for the period it
falls in): breadth (partners, sectors), unsigned and the agreements' signatures (expected
signatures signed and outstanding), assurance (features met, partial, not met) and
coterminosity (the share of the Place's PCNs that are coterminous). So a row for 2024-Q1
says exactly what those reports say with `--as-at 2024-03-31`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from .base import ICS, PLACE, Context, Option, Report, ReportError, count
from .coterminosity import share_totals

COLUMNS = (
    "place_code", "place_name", "period", "as_at", "partners", "sectors", "expected_signatures", "signed",
    "outstanding", "features_met", "features_partial", "features_not_met", "pcns", "coterminous_pcns",
    "coterminous_share",
)
EVERY = ("month", "quarter")


def year_before(day: dt.date) -> dt.date:
    """The day after the same date a year earlier: a year's window that ends on `day`."""
    from .changes import year_to

    return year_to(day)[0]


def periods(since: dt.date, until: dt.date, every: str) -> list[tuple[str, dt.date]]:
    """(label, as-at date) of each calendar month or quarter that overlaps [since, until]; the
    as-at date is the period's last day, or `until` for the period it falls in."""
    months = 3 if every == "quarter" else 1
    year, month = since.year, ((since.month - 1) // months) * months + 1
    out = []
    while dt.date(year, month, 1) <= until:
        next_year, next_month = (year + 1, 1) if month + months > 12 else (year, month + months)
        last = dt.date(next_year, next_month, 1) - dt.timedelta(days=1)
        label = f"{year}-Q{(month - 1) // 3 + 1}" if every == "quarter" else f"{year}-{month:02d}"
        out.append((label, min(last, until)))
        year, month = next_year, next_month
    return out


def _period_rows(ctx: Context, label: str, day: dt.date, totals_read: Callable[[], Any] = lambda: None) -> list[list[Any]]:
    """Each Place's row for one period: the other reports as at `day` (coterminosity once
    `totals_read()` returns: the practices' totals shared by every period are in the cache)."""
    from .registry import run_report

    def report(name: str) -> list[dict[str, Any]]:
        result = run_report(ctx.store, name, place=ctx.place, ics=ctx.ics, as_at=day, settings=ctx.settings,
                            cache=ctx.cache)
        return result.records()

    breadth = report("breadth")
    outstanding = Counter(r["place_code"] for r in report("unsigned"))
    signed: Counter[str] = Counter()
    for r in ctx.records("report-agreement-signatures", as_at=day):
        signed[r["place_code"]] += count(r["signed"])
    features: dict[str, Counter[str]] = defaultdict(Counter)
    for r in report("assurance"):
        features[r["place_code"]][r["status"]] += 1
    totals_read()
    coterminous = {r["pcn_code"]: bool(r["coterminous"]) for r in report("coterminosity")}
    pcns: dict[str, set[str]] = defaultdict(set)
    for r in ctx.records("report-place-pcns", as_at=day):
        pcns[r["place_code"]].add(r["pcn_code"])
    rows = []
    for b in breadth:
        place = b["place_code"]
        mine = pcns[place]
        good = sum(1 for c in mine if coterminous.get(c))
        rows.append([
            place, b["place_name"], label, day, b["members"], b["sectors"],
            signed[place] + outstanding[place], signed[place], outstanding[place],
            features[place]["met"], features[place]["partial"], features[place]["not_met"],
            len(mine), good, round(good / len(mine), 3) if mine else None,
        ])
    return rows


def build(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    until = ctx.options.get("to_date") or ctx.as_at
    since = ctx.options.get("from_date") or year_before(until)
    every = ctx.options.get("every") or "quarter"
    if since > until:
        raise ReportError(f"--from ({since.isoformat()}) is after --to ({until.isoformat()}).")
    ctx.options.update(from_date=since, to_date=until, every=every)
    dates = periods(since, until, every)
    workers = min(len(dates), ctx.store.parallel_reads)
    if workers > 1:  # a server: its dates' reads at once (the cache takes each key once, or twice)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers, thread_name_prefix="icpmap-progress") as pool:
            # the practices' totals are read beside the periods' first reports, each period
            # waiting for them only at its coterminosity
            totals = pool.submit(share_totals, ctx)
            parts = list(pool.map(lambda period: _period_rows(ctx, *period, totals.result), dates))
    else:
        if len(dates) > 1:
            share_totals(ctx)  # coterminosity at each date adds up the practices' totals read once
        parts = [_period_rows(ctx, label, day) for label, day in dates]
    rows = [row for part in parts for row in part]
    rows.sort(key=lambda r: (r[0], r[3]))
    return COLUMNS, rows


FROM = Option("from_date", "date", "the first day covered, YYYY-MM-DD (default: a year before --to)",
              flag_name="--from", aliases=("from",))
TO = Option("to_date", "date", "the last day covered, YYYY-MM-DD (default: today; also --as-at)",
            flag_name="--to", aliases=("to", "as_at"))
EVERY_OPTION = Option("every", "choice", "one row per Place and month or quarter (default: quarter)", EVERY)

PROGRESS = Report(
    "progress",
    "Per Place and month or quarter: partners, sectors, expected signatures signed and outstanding, features "
    "met / partial / not met, and the share of its PCNs that are coterminous, each as at the period's end.",
    COLUMNS,
    ("report-breadth", "report-unsigned", "report-agreement-signatures", "report-assurance-facts",
     "report-coterminosity-patients", "report-practice-patients", "report-pcn-practices", "report-place-pcns"),
    build,
    options=(PLACE, ICS, EVERY_OPTION, FROM, TO),
)

__all__ = ["COLUMNS", "PROGRESS", "periods", "year_before"]
