"""Coterminosity: does each PCN sit inside one footprint, and does each neighbourhood have one PCN?"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..graph.store import Result, StoreError
from .base import COMMON, Context, Option, Report, ReportError, count, sorted_list

PCN_COLUMNS = (
    "pcn_code", "pcn_name", "main_footprint", "share", "footprints", "coterminous", "main_count", "total", "unknown",
)
NEIGHBOURHOOD_COLUMNS = ("neighbourhood_code", "neighbourhood_name", "place_code", "pcn_codes", "one_to_one")
UNKNOWN = "unknown"

BY = Option("by", "choice", "count practices or registered patients (default: patients when registrations are loaded)",
            ("practices", "patients"))
LEVEL = Option("level", "choice", "footprints are Places or neighbourhoods (default: place)", ("place", "neighbourhood"))
THRESHOLD = Option("threshold", "float", "share in the main footprint needed to be coterminous (default: 0.95)")
VIEW = Option("view", "choice", "one row per PCN, or per neighbourhood (default: pcns)", ("pcns", "neighbourhoods"))


def main_footprint(counts: dict[str, int]) -> tuple[str | None, int, int, int]:
    """(main footprint, its count, total, footprints with a count > 0); ties go to the smallest code."""
    positive = {fp: n for fp, n in counts.items() if n > 0}
    total = sum(positive.values())
    if not positive:
        return None, 0, 0, 0
    main = min(positive, key=lambda fp: (-positive[fp], fp))
    return main, positive[main], total, len(positive)


def pcn_rows(ctx: Context, by: str, level: str, threshold: float) -> list[list[Any]]:
    if by == "practices":
        result, measure = ctx.query("report-coterminosity-practices"), "practices"
    else:
        result, measure = patients(ctx, level), "patients"
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in result.records():
        counts[r["pcn_code"]][r["footprint"]] = count(r[measure])
    rows = []
    for pcn in ctx.records("report-coterminosity-pcns"):  # every PCN in scope, even with nothing to count
        code = pcn["pcn_code"]
        own = counts.get(code, {})
        main, top, total, footprints = main_footprint(own)
        share = top / total if total else None
        # Never claimed without knowing: a PCN whose main footprint is unknown is not coterminous.
        coterminous = share is not None and main != UNKNOWN and share >= threshold  # compared unrounded
        rows.append([
            code, pcn["pcn_name"], main, None if share is None else round(share, 3), footprints, coterminous, top, total,
            max(own.get(UNKNOWN, 0), 0),
        ])
    return rows


def neighbourhood_rows(ctx: Context) -> list[list[Any]]:
    rows = []
    for r in ctx.records("report-coterminosity-neighbourhoods"):
        rows.append([
            r["neighbourhood_code"], r["neighbourhood_name"], r["place_code"], sorted_list(r["pcn_codes"]),
            bool(r["one_to_one"]),
        ])
    return rows


def has_registrations(ctx: Context) -> bool:
    return count(ctx.query("report-has-registrations").scalar()) > 0


PATIENT_QUERIES = ("report-coterminosity-patients", "report-coterminosity-patients-live")


def patients(ctx: Context, level: str) -> Result:
    """Patients per PCN and footprint: from the totals the loader keeps (loaders/totals.py), or
    computed from every registration in a store written before they were kept."""
    try:
        kept = ctx.query(PATIENT_QUERIES[0])  # both levels in one run: a diagram asks for both
    except StoreError:  # an embedded store opened read-only, from before the totals: no such table
        kept = None
    if kept is not None and (kept.rows or totals_kept(ctx)):  # rows: the totals are there
        return at_level(kept, level)
    return ctx.query(PATIENT_QUERIES[1], level=level)


def at_level(kept: Result, level: str) -> Result:
    """The kept totals' rows of one level, as the live query gives them (pcn_code, footprint, patients)."""
    at = kept.columns.index("level")
    columns = [c for i, c in enumerate(kept.columns) if i != at]
    return Result(columns, [[v for i, v in enumerate(row) if i != at] for row in kept.rows if row[at] == level])


def totals_kept(ctx: Context) -> bool:
    try:
        kept = count(ctx.query("report-patient-totals").scalar())
    except StoreError:  # an embedded store opened read-only, from before the totals: no such table
        return False
    return kept > 0 or not has_registrations(ctx)


def build(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    view = ctx.options.get("view") or "pcns"
    if view == "neighbourhoods":
        return NEIGHBOURHOOD_COLUMNS, neighbourhood_rows(ctx)
    level = ctx.options.get("level") or "place"
    by = ctx.options.get("by")
    if by is None:
        by = "patients" if has_registrations(ctx) else "practices"
    if by == "practices" and level == "neighbourhood":
        raise ReportError(
            "Coterminosity by practices works at place level only (a practice is LOCATED_IN a Place, "
            "not a neighbourhood); use --by patients for --level neighbourhood."
        )
    threshold = ctx.options.get("threshold")
    if threshold is None:
        threshold = ctx.settings.coterminosity_threshold
    ctx.options.update(view=view, level=level, by=by, threshold=threshold)
    return PCN_COLUMNS, pcn_rows(ctx, by, level, threshold)


COTERMINOSITY = Report(
    "coterminosity",
    "Each PCN's share in its main footprint (Place or neighbourhood), or each neighbourhood's leading PCNs.",
    PCN_COLUMNS,
    (
        "report-coterminosity-pcns", "report-coterminosity-patients", "report-coterminosity-patients-live",
        "report-coterminosity-practices", "report-coterminosity-neighbourhoods", "report-has-registrations",
        "report-patient-totals",
    ),
    build,
    options=(*COMMON, BY, LEVEL, THRESHOLD, VIEW),
)
