"""Coterminosity: does each PCN sit inside one footprint, and does each neighbourhood have one PCN?"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from .. import cypher
from ..graph.store import Result, StoreError
from .base import COMMON, Context, Option, Report, ReportError, cache_key, count, sorted_list

if TYPE_CHECKING:
    import numpy as np

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
# What `report-coterminosity-patients` returns, in two parts: each practice's totals (no as-at
# date, so a report over several dates reads them once) and the practices each PCN counts then.
KEPT_PARTS = ("report-practice-patients", "report-pcn-practices")


def patients(ctx: Context, level: str) -> Result:
    """Patients per PCN and footprint: from the totals the loader keeps (loaders/totals.py), or
    computed from every registration in a store written before they were kept."""
    try:
        kept = kept_patients(ctx)  # both levels in one run: a diagram asks for both
    except StoreError:  # an embedded store opened read-only, from before the totals: no such table
        kept = None
    if kept is not None and (kept.rows or totals_kept(ctx)):  # rows: the totals are there
        return at_level(kept, level)
    return ctx.query(PATIENT_QUERIES[1], level=level)


def share_totals(ctx: Context) -> None:
    """Read each practice's totals into the run's cache, for a report that runs coterminosity at
    several as-at dates (progress): each date then adds them up (`kept_patients`) instead of the
    engine expanding every total again."""
    try:
        ctx.query(KEPT_PARTS[0])
    except StoreError:  # an embedded store opened read-only, from before the totals: no such table
        pass


def kept_patients(ctx: Context) -> Result:
    """`report-coterminosity-patients`' rows (level, pcn_code, footprint, patients, in that order).
    When the practices' totals are in the run's cache (`share_totals`), added up here from the two
    parts (KEPT_PARTS) and left in the cache under that query's key (a diagram reads them from
    there: visualise/derived.py); else that one query (one date: the engine adds them up faster)."""
    q = cypher.get(PATIENT_QUERIES[0])
    key = cache_key(PATIENT_QUERIES[0], q.bind({"place": ctx.place, "ics": ctx.ics, "as_at": ctx.as_at}))
    if cache_key(KEPT_PARTS[0], cypher.get(KEPT_PARTS[0]).bind({})) not in ctx.cache:
        return ctx.query(PATIENT_QUERIES[0])
    if key not in ctx.cache:
        flat = _flat_totals(ctx.query(KEPT_PARTS[0]))
        pairs = {(r[0], r[1]) for r in ctx.query(KEPT_PARTS[1]).rows if r[1] in flat.at}
        ctx.cache[key] = Result(list(q.columns), flat.add_up(sorted(pairs)))
    return ctx.cache[key]


class _FlatTotals:
    """The practices' totals (report-practice-patients) as arrays, for adding them up per PCN."""

    def __init__(self, rows: list[list[Any]]) -> None:
        import numpy as np  # here, not at the top: `icpmap reports` lists reports without numpy

        self.at = {r[0]: i for i, r in enumerate(rows)}  # practice code -> its row
        self.size = np.array([len(r[1] or ()) for r in rows], dtype=np.int64)
        self.start = np.cumsum(self.size) - self.size
        chain = itertools.chain.from_iterable
        # codes in sorted order, so sorting codes sorts the rows as the query's ORDER BY would
        self.level, self.levels = _codes(list(chain(r[1] or () for r in rows)))
        self.footprint, self.footprints = _codes(list(chain(r[2] or () for r in rows)))
        self.patients = np.array([n or 0 for n in chain(r[3] or () for r in rows)], dtype=np.int64)

    def add_up(self, pairs: list[tuple[str, str]]) -> list[list[Any]]:
        """Per (level, PCN, footprint), the patients of the PCN's practices in `pairs` (pcn, practice):
        rows with patients, sorted."""
        import numpy as np

        if not pairs:
            return []
        practice = np.array([self.at[p] for _, p in pairs], dtype=np.int64)
        pcn, pcns = _codes([c for c, _ in pairs])
        size = self.size[practice]
        entry = np.repeat(self.start[practice] - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))
        width = len(self.footprints)
        key = (self.level[entry] * len(pcns) + np.repeat(pcn, size)) * width + self.footprint[entry]
        keys, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=self.patients[entry], minlength=len(keys))
        keep = sums > 0
        keys, sums = keys[keep], np.rint(sums[keep]).astype(np.int64)
        return [list(row) for row in zip(
            self.levels[keys // (width * len(pcns))].tolist(), pcns[(keys // width) % len(pcns)].tolist(),
            self.footprints[keys % width].tolist(), sums.tolist())]


def _codes(values: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Each value's code and the distinct values, codes in sorted order (a blank last, as
    ORDER BY puts nulls)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.array(values, dtype=object), sort=True, use_na_sentinel=False)
    return codes, np.array([None if isinstance(u, float) and u != u else u for u in uniques], dtype=object)


_FLAT: tuple[Any, _FlatTotals] | None = None  # (a weak reference to the Result, its arrays)


def _flat_totals(totals: Result) -> _FlatTotals:
    """The arrays of one Result of report-practice-patients, made once (a report over several dates
    takes the same Result from its cache for each)."""
    global _FLAT
    made = _FLAT  # one read of the slot: another thread may replace it meanwhile
    if made is None or made[0]() is not totals:
        made = _FLAT = (weakref.ref(totals), _FlatTotals(totals.rows))
    return made[1]


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
        "report-coterminosity-pcns", "report-coterminosity-patients", *KEPT_PARTS, "report-coterminosity-patients-live",
        "report-coterminosity-practices", "report-coterminosity-neighbourhoods", "report-has-registrations",
        "report-patient-totals",
    ),
    build,
    options=(*COMMON, BY, LEVEL, THRESHOLD, VIEW),
)
