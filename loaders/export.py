"""The whole graph in the input format: the backup, and the way between the two engines.

`export(store, target, fmt)` writes every node, relationship and property as the files of
the input contract (`graph/model.py` `FILES`) — a folder of CSV files, or one workbook with
a sheet per file — so that `icpmap load` of the export into an empty store gives the same
graph. The model drives it: a node file's row is a node and its reference columns, a
`history` reference (practices.pcn_code) gives one row per dated membership, and a link
file's row is a relationship.

Lossless, or refused: before anything is written every value is checked to read back
exactly as stored (the loaders' own parsers are used for the check), and every
relationship to have a column that carries it and its properties. What the input format
cannot hold (a practice in no PCN, two LOCATED_IN of one practice, a CONTRIBUTES_TO with
a value, a control character in a workbook) is listed in an `ExportError`; nothing is
written then.

`read_graph` and `checksum` give a canonical fingerprint of a whole graph (the same on
both engines), which the tests, `icpmap copy` and the export manifest use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import UserError
from ..graph.dialect import q
from ..graph.model import FILES, LOAD_ORDER, NODES, RELS, VOCABULARIES, LinkFile, NodeFile, Prop
from ..graph.store import Store
from ..reports import tabular
from .parse import parse_date, parse_float, parse_int, parse_vocab
from .validate import column_props

FORMATS = ("csv", "xlsx")
MANIFEST = "icpmap-export.json"
WORKBOOK = "icpmap-export.xlsx"
MAX_PROBLEMS = 50

RelKey = tuple[str, str, str]  # (type, from label, to label)


# -- the whole graph as plain values ------------------------------------------------------------------


@dataclass
class Dump:
    """Every node (label -> rows of property values in model order) and relationship
    ((type, from label, to label) -> rows of (from key, to key, *property values))."""

    nodes: dict[str, list[tuple]] = field(default_factory=dict)
    rels: dict[RelKey, list[tuple]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Nodes per label, then relationships per type: the shape of `Store.counts()`."""
        out = {label: len(self.nodes.get(label, ())) for label in NODES}
        for rel in RELS:
            out[rel] = sum(len(rows) for (t, _, _), rows in self.rels.items() if t == rel)
        return out


def read_graph(store: Store) -> Dump:
    """Read every node and relationship of the model from `store` (labels and types from the model only)."""
    dump = Dump()
    for label, node in NODES.items():
        cols = ", ".join(f"n.{q(p.name)} AS c{i}" for i, p in enumerate(node.props))
        dump.nodes[label] = [tuple(r) for r in store.read(f"MATCH (n:{q(label)}) RETURN {cols}").rows]
    for rel_type, rel in RELS.items():
        for src, dst in rel.ends:
            a, b = NODES[src], NODES[dst]
            cols = "".join(f", r.{q(p.name)} AS c{i}" for i, p in enumerate(rel.props))
            cypher = (f"MATCH (a:{q(src)})-[r:{q(rel_type)}]->(b:{q(dst)}) "
                      f"RETURN a.{q(a.key)} AS s, b.{q(b.key)} AS d{cols}")
            dump.rels[(rel_type, src, dst)] = [tuple(r) for r in store.read(cypher).rows]
    return dump


def _canon(value: Any) -> Any:
    """A value in a form where types stay apart: 1, 1.0, "1" and a date all differ."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return {type(value).__name__: str(value)}


def checksum(dump: Dump) -> str:
    """SHA-256 of the graph in a canonical order: equal exactly when every node, relationship
    and property is equal (relationships counted with their multiplicity)."""
    lines: list[str] = []
    for label, rows in dump.nodes.items():
        lines.extend(json.dumps([label, [_canon(v) for v in row]], ensure_ascii=False) for row in rows)
    for (rel, src, dst), rows in dump.rels.items():
        lines.extend(json.dumps([rel, src, dst, [_canon(v) for v in row]], ensure_ascii=False) for row in rows)
    lines.sort()
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def fingerprint(store: Store) -> tuple[dict[str, int], str]:
    """(counts, checksum) of everything in `store`."""
    dump = read_graph(store)
    return dump.counts(), checksum(dump)


# -- which column carries which relationship ---------------------------------------------------------


def coverage() -> dict[RelKey, tuple[str, str]]:
    """(type, from, to) -> (file, column) that carries it. Every relationship of the model
    must be carried by exactly one column, or the export could not be lossless."""
    out: dict[RelKey, tuple[str, str]] = {}

    def add(key: RelKey, where: tuple[str, str]) -> None:
        if key in out:
            raise AssertionError(f"{key} is carried by both {out[key]} and {where}")
        out[key] = where

    for spec in FILES.values():
        if isinstance(spec, NodeFile):
            for ref in spec.refs:
                for target in ref.targets:
                    ends = (spec.label, target) if ref.outgoing else (target, spec.label)
                    add((ref.rel, *ends), (spec.name, ref.column.name))
        else:
            for s in spec.source.labels:
                for d in spec.target.labels:
                    add((spec.rel, s, d), (spec.name, spec.target.column))
    return out


# -- what cannot be exported ---------------------------------------------------------------------------


class ExportError(UserError):
    """The graph holds something the input format cannot carry; nothing was written."""

    def __init__(self, problems: list[str], total: int) -> None:
        self.problems = problems
        self.total = total
        lines = [f"{total} thing{'s' if total != 1 else ''} in the graph cannot be written in the input format "
                 "without loss; nothing was exported:"]
        lines += [f"  {p}" for p in problems]
        if total > len(problems):
            lines.append(f"  ... and {total - len(problems)} more")
        super().__init__("\n".join(lines))


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.total = 0

    def add(self, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(message)

    def raise_if_any(self) -> None:
        if self.total:
            raise ExportError(self.items, self.total)


KEY = Prop("key")


class _Checker:
    """Does a value read back exactly as it is stored? Decided once per distinct value."""

    def __init__(self, fmt: str, problems: _Problems) -> None:
        self.fmt = fmt
        self.problems = problems
        self._seen: dict[tuple[Any, ...], str | None] = {}

    def check(self, where: str, column: str, value: Any, prop: Prop, many: bool = False) -> None:
        if value is None:
            return
        key = (type(value), value, prop, many)
        if key not in self._seen:
            self._seen[key] = self._why_not(value, prop, many)
        why = self._seen[key]
        if why is not None:
            self.problems.add(f"{where}, column {column!r}, value {value!r}: {why}")

    def _why_not(self, value: Any, prop: Prop, many: bool) -> str | None:
        text = tabular.data_text(value)
        if self.fmt == "xlsx":
            if tabular.XLSX_ILLEGAL.search(text):
                return "a workbook cannot hold control characters (export as CSV instead)"
            if "\r" in text:
                return "a workbook turns a carriage return into a line feed (export as CSV instead)"
            if len(text) > tabular.XLSX_MAX_TEXT:
                return f"a workbook cell holds at most {tabular.XLSX_MAX_TEXT:,} characters (export as CSV instead)"
        try:
            if prop.vocabulary:
                back: Any = parse_vocab(text, VOCABULARIES[prop.vocabulary])
            elif prop.type == "string":
                if not isinstance(value, str):
                    return f"not text ({type(value).__name__})"
                if text != text.strip() or not text:
                    return "blank, or with spaces around it, which a load removes"
                if many and ";" in text:
                    return "a code with ';' in it cannot be listed in a ';'-separated column"
                back = text
            elif prop.type == "date":
                back = parse_date(text) if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None
            elif prop.type == "bool":
                back = value if isinstance(value, bool) else None
            elif prop.type == "int":
                back = parse_int(text) if isinstance(value, int) and not isinstance(value, bool) else None
            else:
                back = parse_float(text) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        except ValueError as exc:
            return f"would not load back ({exc})"
        if back != value or type(back) is not type(value):
            return f"would load back as {back!r}"
        return None


# -- the graph as the input files ---------------------------------------------------------------------


Tables = dict[str, tuple[list[str], list[list[Any]]]]


def _text_key(values: Iterable[Any]) -> tuple:
    return tuple((v is None, tabular.data_text(v)) for v in values)


def input_tables(dump: Dump, fmt: str = "csv") -> Tables:
    """Every input file's columns and rows (plain values) for the graph in `dump`.

    Raises `ExportError` listing what the input format cannot carry exactly."""
    problems = _Problems()
    checker = _Checker(fmt, problems)
    covered = coverage()
    for key, rows in dump.rels.items():
        if rows and key not in covered:
            problems.add(f"{len(rows)} {key[0]} relationship(s) from {key[1]} to {key[2]}: no input file carries them")
    out: Tables = {}
    for name in LOAD_ORDER:
        spec = FILES[name]
        if isinstance(spec, NodeFile):
            out[name] = _node_file(spec, dump, checker, problems)
        else:
            out[name] = _link_file(spec, dump, checker, problems)
    problems.raise_if_any()
    return out


def _node_file(spec: NodeFile, dump: Dump, checker: _Checker, problems: _Problems) -> tuple[list[str], list[list[Any]]]:
    node = spec.node
    columns = [c.name for c in spec.columns()]
    types = column_props(spec)
    names = [p.name for p in node.props]
    nodes = sorted(dump.nodes.get(spec.label, []), key=lambda r: r[0])
    where_file = f"{spec.name}.csv"
    # References: per owner key, the (other key, relationship properties) it points at.
    refs = []
    for ref in spec.refs:
        model = RELS[ref.rel]
        rel_props = [p.name for p in model.props]
        carried = {c.target_prop for c in ref.props}
        per_owner: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for target in ref.targets:
            ends = (spec.label, target) if ref.outgoing else (target, spec.label)
            for r in dump.rels.get((ref.rel, *ends), []):
                owner, other = (r[0], r[1]) if ref.outgoing else (r[1], r[0])
                values = dict(zip(rel_props, r[2:]))
                for p in rel_props:
                    if p not in carried and values[p] is not None:
                        problems.add(f"{ref.rel} {r[0]!r} -> {r[1]!r} has {p} = {values[p]!r}, which "
                                     f"{where_file} column {ref.column.name!r} cannot carry")
                per_owner.setdefault(owner, []).append((other, values))
        refs.append((ref, per_owner))
    rows: list[list[Any]] = []
    for values in nodes:
        props = dict(zip(names, values))
        key = props[node.key]
        where = f"{spec.label} {key!r} ({where_file})"
        for p in node.props:
            if props[p.name] is None and (p.name == node.key or p.name in spec.required):
                problems.add(f"{where}: {p.name} is blank, and the input format requires it")
            checker.check(where, p.name, props[p.name], p)
        row = dict(props)
        history: list[dict[str, Any]] | None = None
        for ref, per_owner in refs:
            items = per_owner.get(key, [])
            col = ref.column.name
            if ref.column.required and not ref.column.blank_ok and not items:
                problems.add(f"{where}: has no {ref.rel} to a {' or '.join(ref.targets)}, and column {col!r} "
                             "requires one")
            if ref.column.many:
                others = [o for o, _ in items]
                if len(set(others)) != len(others):
                    problems.add(f"{where}: the same {ref.rel} relationship twice; column {col!r} lists it once")
                for o in others:
                    checker.check(where, col, o, KEY, many=True)
                row[col] = ";".join(sorted(set(others))) or None
                continue
            if ref.history:
                history = []
                seen: set[tuple] = set()
                for other, rel_values in items:
                    identity = (other, rel_values.get("from"))
                    if identity in seen:
                        problems.add(f"{where}: two {ref.rel} to {other!r} from {identity[1]!r}; "
                                     "the input format tells memberships apart by their start")
                    seen.add(identity)
                    part = {col: other, **{c.name: rel_values[c.target_prop] for c in ref.props}}
                    for c in ref.props:
                        checker.check(where, c.name, part[c.name], types[c.name])
                    checker.check(where, col, other, KEY)
                    history.append(part)
                # Dated rows first: a load matches a dated row to an undated membership of the
                # same PCN that it has already read, which would merge the two.
                history.sort(key=lambda h: (h.get("from") is None, _text_key(h.values())))
                continue
            if len(items) > 1:
                problems.add(f"{where}: {len(items)} {ref.rel} relationships, and column {col!r} holds one")
            if items:
                other, rel_values = items[0]
                row[col] = other
                checker.check(where, col, other, KEY)
                for c in ref.props:
                    row[c.name] = rel_values[c.target_prop]
                    checker.check(where, c.name, row[c.name], types[c.name])
        for part in history if history else [{}]:
            merged = {**row, **part}
            rows.append([merged.get(c) for c in columns])
    return columns, rows


def _link_file(spec: LinkFile, dump: Dump, checker: _Checker, problems: _Problems) -> tuple[list[str], list[list[Any]]]:
    columns = [c.name for c in spec.columns()]
    types = column_props(spec)
    model = RELS[spec.rel]
    rel_props = [p.name for p in model.props]
    carried = {c.target_prop for c in spec.props}
    where_file = f"{spec.name}.csv"
    ambiguous: dict[str, set[str]] = {}
    for end in (spec.source, spec.target):
        if len(end.labels) > 1:
            for label in end.labels:
                for row in dump.nodes.get(label, []):
                    ambiguous.setdefault(row[0], set()).add(label)
    rows: list[list[Any]] = []
    seen: set[tuple] = set()
    for s in spec.source.labels:
        for d in spec.target.labels:
            for r in dump.rels.get((spec.rel, s, d), []):
                values = dict(zip(rel_props, r[2:]))
                where = f"{spec.rel} {r[0]!r} -> {r[1]!r} ({where_file})"
                for p in rel_props:
                    if p not in carried and values[p] is not None:
                        problems.add(f"{where}: {p} = {values[p]!r}, which {where_file} cannot carry")
                identity = (s, d, r[0], r[1], *(values[p] for p in spec.identity))
                if identity in seen:
                    problems.add(f"{where}: the same relationship twice (the input format tells them apart by "
                                 f"{', '.join(spec.identity) or 'their ends'} only)")
                seen.add(identity)
                for end, code in ((spec.source, r[0]), (spec.target, r[1])):
                    if len(ambiguous.get(code, ())) > 1:
                        problems.add(f"{where}: {code!r} is both a {' and a '.join(sorted(ambiguous[code]))}, so "
                                     f"column {end.column!r} cannot say which")
                row = {spec.source.column: r[0], spec.target.column: r[1]}
                checker.check(where, spec.source.column, r[0], KEY)
                checker.check(where, spec.target.column, r[1], KEY)
                for c in spec.props:
                    row[c.name] = values[c.target_prop]
                    if c.required and row[c.name] is None:
                        problems.add(f"{where}: {c.name} is blank, and the input format requires it")
                    checker.check(where, c.name, row[c.name], types[c.name])
                rows.append([row.get(c) for c in columns])
    rows.sort(key=_text_key)
    return columns, rows


# -- writing --------------------------------------------------------------------------------------------


@dataclass
class ExportReport:
    target: Path  # the folder (csv) or the workbook (xlsx)
    format: str
    files: list[dict[str, Any]]  # name, rows, sha256
    counts: dict[str, int]
    checksum: str
    seconds: float = 0.0

    @property
    def nodes(self) -> int:
        return sum(n for k, n in self.counts.items() if k in NODES)

    @property
    def relationships(self) -> int:
        return sum(n for k, n in self.counts.items() if k in RELS)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(report: ExportReport, source: str) -> dict[str, Any]:
    return {
        "icpmap_export": 1,
        "icpmap_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": source,
        "format": report.format,
        "files": report.files,
        "counts": report.counts,
        "checksum": report.checksum,
        "note": ("An icpmap backup in the input format: `icpmap load` of it into an empty store gives this graph "
                 "(the checksum is `icpmap.loaders.export.checksum`). It holds people's names: keep it as safely "
                 "as the store. CSV cells are written exactly as stored, including any that start with = + - @: "
                 "read them with icpmap, not by opening them in a spreadsheet (use the .xlsx form for that)."),
    }


def _private(path: Path) -> None:
    try:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    except OSError:
        pass


def _prepare_folder(target: Path) -> None:
    """A folder may be replaced only when it is empty or holds an earlier export."""
    if target.exists() and not target.is_dir():
        raise UserError(f"{target} exists and is not a folder.")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).exists():
        raise UserError(f"{target} is not empty and not an earlier icpmap export; choose a new or empty folder.")


def export(store: Store, target: Path | str, fmt: str = "csv", *, dump: Dump | None = None,
           progress: Callable[[str], None] | None = None) -> ExportReport:
    """Write the whole graph in the input format: a folder of CSV files (`csv`) or a workbook
    (`xlsx`; a folder target gets `icpmap-export.xlsx`). All or nothing: the files are written
    beside the target and moved into place at the end."""
    if fmt not in FORMATS:
        raise UserError(f"The input format is csv or xlsx, not {fmt!r}.")
    started = time.perf_counter()
    tell = progress or (lambda _what: None)
    target = Path(target).expanduser()
    if fmt == "xlsx" and (target.is_dir() or not target.suffix):
        target = target / WORKBOOK
    if fmt == "csv":
        _prepare_folder(target)
    elif target.exists() and not target.is_file():
        raise UserError(f"{target} exists and is not a file.")
    tell("Reading the graph")
    dump = dump if dump is not None else read_graph(store)
    tell("Checking every value")
    tables = input_tables(dump, fmt)
    report = ExportReport(target, fmt, [], dump.counts(), checksum(dump))
    target.parent.mkdir(parents=True, exist_ok=True)
    tell("Writing")
    staging = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        if fmt == "csv":
            staging.mkdir(mode=0o700)
            for name, (columns, rows) in tables.items():
                path = staging / f"{name}.csv"
                tabular.write_data_csv(path, columns, rows)
                _private(path)
                report.files.append({"name": path.name, "rows": len(rows), "sha256": _sha256(path)})
            manifest = _manifest(report, f"{store.engine} at {store.location}")
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            _private(staging / MANIFEST)
            _swap_in(staging, target)
        else:
            too_big = [n for n, (_, rows) in tables.items() if len(rows) + 1 > tabular.XLSX_MAX_ROWS]
            if too_big:
                raise UserError(f"A worksheet holds at most {tabular.XLSX_MAX_ROWS:,} rows, and "
                                f"{', '.join(too_big)} has more: export as CSV instead.")
            tabular.write_data_xlsx(staging, [(name, cols, rows) for name, (cols, rows) in tables.items()])
            _private(staging)
            report.files = [{"name": f"{target.name} [{n}]", "rows": len(rows), "sha256": None}
                            for n, (_, rows) in tables.items()]
            os.replace(staging, target)
            report.files.insert(0, {"name": target.name, "rows": None, "sha256": _sha256(target)})
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True) if staging.is_dir() else staging.unlink()
    report.seconds = time.perf_counter() - started
    return report


def _swap_in(staging: Path, target: Path) -> None:
    if target.is_dir():
        old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
        target.rename(old)
        try:
            staging.rename(target)
        except OSError:
            old.rename(target)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)


# -- copy: export and load, then compare ---------------------------------------------------------------


@dataclass
class CopyReport:
    counts: dict[str, int]
    checksum: str
    seconds: float


def copy_graph(source: Store, target: Store, *, progress: Callable[[str], None] | None = None) -> CopyReport:
    """Copy the whole graph of `source` into the empty store `target` through the input
    format (the same path as export + load), then check that `target` holds the same graph."""
    from .load import load_paths

    started = time.perf_counter()
    tell = progress or (lambda _what: None)
    if any(target.counts().values()):
        raise UserError(f"The store at {target.location} is not empty; copy only into an empty store "
                        "(or export, then load the export to merge it).")
    tell("Reading the graph")
    dump = read_graph(source)
    want = checksum(dump)
    with tempfile.TemporaryDirectory(prefix="icpmap-copy-") as tmp:
        folder = Path(tmp) / "export"
        export(source, folder, "csv", dump=dump)
        tell("Loading")
        load_paths(target, [folder])
    tell("Comparing")
    got = read_graph(target)
    if checksum(got) != want:
        raise UserError(f"The copy in {target.location} differs from the source (counts {got.counts()} against "
                        f"{dump.counts()}); do not rely on it.")
    return CopyReport(dump.counts(), want, time.perf_counter() - started)


__all__ = [
    "FORMATS", "CopyReport", "Dump", "ExportError", "ExportReport", "checksum", "copy_graph", "coverage",
    "export", "fingerprint", "input_tables", "read_graph",
]
