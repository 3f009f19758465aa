"""`load_paths`: read, recognise and validate every input, then write in one transaction.

Reading and validation happen before the transaction; reference checks, the diff and
the writes happen inside it (`Store.execute_write`), so the work is all-or-nothing and
starts from scratch if Neo4j retries it. Any problem anywhere means nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..graph.dialect import Dialect
from ..graph.store import Store, Tx
from . import boundaries, control, formats, history, scope, totals
from .locate import locate
from .plan import Plan, build
from .points import place_points
from .postcodes import PostcodeLookup
from .problems import LoadError, Problems
from .read import expand, read_source
from .report import FileReport, LoadReport, TableCounts
from .resolve import resolve
from .tables import Table
from .validate import Typed, validate
from .write import delete_rels, diff_nodes, diff_rels, write_nodes, write_rels

Progress = Callable[[str, int, int], None]  # (what is happening, steps done, steps in all)


def read_tables(paths: Sequence[Path | str], problems: Problems, report: LoadReport,
                tell: Progress | None = None, *, ics: str | None = None,
                store: Store | None = None) -> tuple[list[Table], list[PostcodeLookup]]:
    """Every input table, recognised; unknown files and sheets become problems. With `ics`,
    national files keep only the ICS's rows (`scope.py`); postcode lookups come back apart."""
    found: list[tuple[formats.Recognised, str]] = []  # each table, with its file's SHA-256
    files = expand(paths, problems, report.skipped)
    for number, path in enumerate(files):
        if tell is not None:
            tell(f"Reading {path.name}", number, len(files))
        source = read_source(path, problems)
        if source is None:
            continue
        published_book = source.kind == "xlsx" and any(
            formats.contract_name(t.stem) is None for t in source.tables
        ) and any(formats.recognise_quietly(t) for t in source.tables)
        for raw in source.tables:
            control.check_table(raw, problems)
            what = formats.what(raw)
            if what is None:
                if published_book and formats.contract_name(raw.stem) is None:
                    continue  # a notes sheet in a published workbook (ePCN.xlsx)
                problems.add(raw.display, None, None, None, formats.unknown_message(raw))
                continue
            found.append((what, source.sha256))
    left_out = _scope(found, ics, store, report) if ics else {}
    shapes = [what.raw for what, _ in found if what.format == "ons-boundaries"]
    if shapes:  # after --ics: only the ICS's features are simplified
        if tell is not None:
            tell("Simplifying boundaries", len(files), len(files))
        boundaries.simplify(shapes, problems)
    tables: list[Table] = []
    lookups: list[PostcodeLookup] = []
    for what, sha256 in found:
        rows = len(what.raw.frame) + left_out.get(id(what), 0)
        got, lookup = what.tables(problems)
        report.files.append(FileReport(what.raw.display, what.format, rows, sha256, left_out.get(id(what), 0),
                                       _extract(got, lookup)))
        tables.extend(got)
        for lk in lookup:
            lk.number = len(lookups)
            lookups.append(lk)
    return tables, lookups


def _extract(tables: list[Table], lookups: list[PostcodeLookup]) -> str | None:
    """A published file's edition as its mapping dated it (ISO), for the load report and the audit."""
    dates = [t.published.as_of for t in tables if t.published is not None and t.published.as_of is not None]
    dates += [lk.as_of for lk in lookups if lk.as_of is not None]
    return max(dates).isoformat() if dates else None


def _scope(found: list[tuple[formats.Recognised, str]], ics: str, store: Store | None,
           report: LoadReport) -> dict[int, int]:
    """Keep only the ICS's rows of the published tables; per table (by id), the rows left out."""
    located = [scope.located(w.raw, w.format)
               for w, _ in found if w.published is not None and w.format not in scope.NOT_FILTERED]
    chosen, keeps = scope.apply(ics, located, store)
    report.ics = chosen.ics
    by_raw = {id(t.raw): keeps[id(t)] for t in located}
    left_out: dict[int, int] = {}
    for what, _ in found:
        keep = by_raw.get(id(what.raw))
        if keep is None or keep.all():
            continue
        left_out[id(what)] = int((~keep).sum())
        what.raw = scope.subset(what.raw, keep)
    return left_out


def prepare(paths: Sequence[Path | str], problems: Problems, report: LoadReport,
            tell: Progress | None = None, *, ics: str | None = None, store: Store | None = None) -> Plan:
    """Read, recognise and validate; the desired graph (the store is read only for `ics`)."""
    tables, lookups = read_tables(paths, problems, report, tell, ics=ics, store=store)
    if tell is not None:
        tell("Validating", 0, 1)
    typed: list[Typed] = [validate(t, i, problems) for i, t in enumerate(tables)]
    plan = build(typed, problems)
    plan.lookups = lookups
    return plan


def load_paths(store: Store, paths: Sequence[Path | str], *, progress: Progress | None = None,
               ics: str | None = None) -> LoadReport:
    """Load contract CSV folders/files, workbooks and NHS/ONS files into `store`, all or nothing.

    With `ics` (an ICS's ODS code, e.g. QYG), national published files keep only that ICS's
    rows; the report says how many were left out. Practices are located (`locate.py`) and the
    report counts them by method. Raises `LoadError` listing every problem (capped) when any
    input is wrong; then nothing is written."""
    started = time.perf_counter()
    tell = progress or (lambda _what, _done, _total: None)
    report = LoadReport()
    problems = Problems()
    plan = prepare(paths, problems, report, tell, ics=ics, store=store)
    if problems.full:
        problems.raise_if_any()
    dialect = Dialect(store.engine)

    def work(tx: Tx) -> list[TableCounts]:
        local = Problems()
        local.extend(problems.items)
        local.total = problems.total
        tell("Checking references", 0, 1)
        relsets = resolve(tx, plan, local)
        local.raise_if_any()
        tell("Locating practices", 0, 1)
        relsets, located = locate(tx, plan, relsets)
        report.located = located
        report.points = place_points(tx, plan)
        steps = 2 + 2 * len(plan.nodes) + 2 * len(relsets)
        registrations_before = totals.stored_registrations(tx)
        done = 1
        node_changes = []
        for ns in plan.nodes.values():
            done += 1
            tell(f"Comparing {ns.label}", done, steps)
            node_changes.append(diff_nodes(tx, dialect, ns))
        rel_changes = []
        for rs in relsets:
            done += 1
            tell(f"Comparing {rs.rel}", done, steps)
            rel_changes.append(history.diff(tx, dialect, rs) if rs.mode == "history" else diff_rels(tx, dialect, rs))
        for ch in node_changes:
            done += 1
            tell(f"Writing {ch.ns.label}", done, steps)
            write_nodes(tx, dialect, ch)
        for rch in rel_changes:
            delete_rels(tx, dialect, rch)
        for rch in rel_changes:
            done += 1
            tell(f"Writing {rch.rs.rel}", done, steps)
            write_rels(tx, dialect, rch)
        changed = {(c.rs.rel, c.rs.src, c.rs.dst) for c in rel_changes
                   if c.counts.created or c.counts.updated or c.counts.deleted}
        tell("Totalling patients by footprint", steps, steps)
        created = None
        if not registrations_before:  # every registration now stored is one this load created
            parts = [c.create[["src", "dst", "patients"]] for c in rel_changes if c.rs.rel == "REGISTERS"]
            created = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0] if parts else None
        totals.refresh(tx, dialect, changed, created)
        tell("Committing", steps, steps)
        return [c.counts for c in node_changes] + _merge_counts([c.counts for c in rel_changes])

    if problems:
        # Still check references, so every problem is reported at once; this raises.
        store.execute_write(work)
        problems.raise_if_any()
    report.tables = store.execute_write(work)
    report.seconds = time.perf_counter() - started
    return report


def _merge_counts(counts: list[TableCounts]) -> list[TableCounts]:
    out: dict[str, TableCounts] = {}
    for c in counts:
        t = out.setdefault(c.name, TableCounts(c.name, c.kind))
        t.rows_read += c.rows_read
        t.created += c.created
        t.updated += c.updated
        t.unchanged += c.unchanged
        t.deleted += c.deleted
    return list(out.values())


__all__ = ["LoadError", "LoadReport", "Progress", "load_paths"]
