"""Reading input files into tables of strings, remembering each row's line as the user sees it.

CSV files arrive as UTF-8 (with or without BOM) or as Windows-1252 (what Excel's
"CSV" writes); workbooks give one table per sheet. Nothing is interpreted here: every
cell stays a string ('' for blank), so the formats module can recognise the table
and the validation can name the original cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .problems import Problems

CSV_SUFFIXES = {".csv", ".txt"}  # a .txt file is read only when named; folders give their .csv files
FOLDER_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".geojson"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
GEOJSON_SUFFIXES = {".geojson", ".json"}  # boundary files (a .json file is read only when named)


@dataclass
class RawTable:
    """One CSV file or one workbook sheet, as strings."""

    display: str  # how problems name it: "dir/practices.csv" or "book.xlsx [practices]"
    stem: str  # file name without extension, or the sheet name
    frame: pd.DataFrame  # original (whitespace-tidied) headers; cells are str, '' = blank
    lines: np.ndarray  # per row, its line (CSV) or row (sheet) number as the user sees it
    file: SourceFile
    headerless: bool = False
    first_row: dict[str, str] = field(default_factory=dict)  # the first data row, every column
    _codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _columns: dict[str, pd.Categorical] = field(default_factory=dict)

    def coded(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct stripped values) of a column, -1 for a missing cell."""
        if name not in self._codes:
            column = self.frame[name]
            if isinstance(column.dtype, pd.CategoricalDtype):  # read as categories (big files)
                codes, uniques = column.cat.codes.to_numpy().astype(np.int64), column.cat.categories.to_numpy()
            elif isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":  # counts read as integers
                codes, uniques = _factorize_ints(column.to_numpy())
            else:
                codes, uniques = pd.factorize(column)
            # a plain list first: iterating pandas' str array boxes each value (~3 us each)
            cleaned = np.array([u.strip() if type(u) is str else str(u).strip()
                                for u in np.asarray(uniques, dtype=object).tolist()], dtype=object)
            if len(set(cleaned)) != len(cleaned):  # " A" and "A" are one value once stripped
                recoded, distinct = pd.factorize(cleaned)
                codes = np.where(codes >= 0, recoded[np.maximum(codes, 0)], -1)
                cleaned = np.asarray(distinct, dtype=object)
            self._codes[name] = (np.asarray(codes), cleaned)
        return self._codes[name]

    def column(self, name: str) -> pd.Series:
        """A column with surrounding spaces removed, as a categorical ('' for blank).

        Stripping and every later test work on the distinct values, and the codes make
        deduplication and reference checks cheap on a million rows."""
        if name not in self._columns:
            self._columns[name] = _categorical(*self.coded(name))
        return pd.Series(self._columns[name], index=self.frame.index, copy=False)

    def subset(self, name: str, rows: np.ndarray | None) -> pd.Series:
        """`column(name)` at the positions `rows` (all when None), without factorising a
        whole big column when only a few of its rows are wanted."""
        if rows is None:
            return self.column(name).reset_index(drop=True)
        if name not in self._codes and len(rows) * 4 < len(self.frame):
            part = self.frame[name].iloc[rows].reset_index(drop=True)
            codes, uniques = pd.factorize(part)
            cleaned = np.array([str(u).strip() for u in uniques], dtype=object)
            recoded, distinct = pd.factorize(cleaned)
            codes = np.where(codes >= 0, recoded[np.maximum(codes, 0)] if len(recoded) else codes, -1)
            return pd.Series(_categorical(np.asarray(codes), np.asarray(distinct, dtype=object)))
        codes, uniques = self.coded(name)
        return pd.Series(_categorical(codes[rows], uniques))

    def matches(self, name: str, test) -> np.ndarray:  # type: ignore[no-untyped-def]
        """Rows whose (stripped) value passes `test`, evaluated once per distinct value."""
        codes, uniques = self.coded(name)
        if test is bool:  # non-blank: one comparison for all the distinct values
            ok = np.append(np.asarray(uniques, dtype=object) != "", False) if len(uniques) else np.zeros(1, dtype=bool)
        else:
            ok = np.array([bool(test(u)) for u in uniques] + [bool(test(""))], dtype=bool)
        return ok[codes]


def _factorize_ints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize` of an integer column (distinct values in ascending order), by a lookup
    table when the values span a small range (counts: a few thousand), without hashing."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), values[:0]
    low, high = int(values.min()), int(values.max())
    if high - low > max(1_000_000, 4 * len(values)):
        return pd.factorize(values)
    shifted = values - low
    present = np.zeros(high - low + 1, dtype=bool)
    present[shifted] = True
    distinct = np.flatnonzero(present)
    position = np.zeros(len(present), dtype=np.int64)
    position[distinct] = np.arange(len(distinct), dtype=np.int64)
    return position[shifted], (distinct + low).astype(values.dtype)


def _categorical(codes: np.ndarray, uniques: np.ndarray) -> pd.Categorical:
    """Codes and distinct values as a Categorical whose blank is the category ''."""
    cats = np.asarray(uniques, dtype=object)
    at = np.flatnonzero(cats == "") if len(cats) else np.zeros(0, dtype=np.int64)
    if len(at):
        blank = int(at[0])
    else:
        blank = len(cats)
        cats = np.append(cats, np.array([""], dtype=object))
    if len(codes) and codes.min(initial=0) < 0:
        codes = np.where(codes < 0, blank, codes)
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype=object))


@dataclass
class SourceFile:
    path: Path
    display: str
    sha256: str
    kind: str  # "csv", "xlsx" or "geojson"
    tables: list[RawTable] = field(default_factory=list)
    crs: str | None = None  # a boundary file's coordinates: EPSG:4326 (lon/lat) or EPSG:27700


def tidy_header(name: object) -> str:
    return re.sub(r"\s+", " ", str(name if name is not None else "")).strip()


def expand(paths: Sequence[Path | str], problems: Problems, skipped: list[str] | None = None) -> list[Path]:
    """Folders become their CSV files, workbooks and boundary files (.geojson) (recursively,
    sorted); files stay. Other files in a folder (notes) are not read; `skipped` collects them."""
    out: list[Path] = []
    for given in paths:
        p = Path(given).expanduser()
        if p.is_dir():
            visible = [
                f for f in sorted(p.rglob("*"))
                if f.is_file() and not f.name.startswith((".", "~$"))
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ]
            found = [f for f in visible if f.suffix.lower() in FOLDER_SUFFIXES]
            if skipped is not None:
                skipped.extend(str(f) for f in visible if f.suffix.lower() not in FOLDER_SUFFIXES)
            if not found:
                problems.add(str(given), None, None, None, "folder has no .csv, .xlsx or .geojson files")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            problems.add(str(given), None, None, None, "no such file or folder")
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def read_source(path: Path, problems: Problems, headerless: dict[str, Sequence[str]] | None = None) -> SourceFile | None:
    """Read one file. `headerless` maps a format name to its column names, for files published without a header."""
    suffix = path.suffix.lower()
    display = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(display, None, None, None, f"cannot read the file: {exc.strerror or exc}")
        return None
    if suffix in GEOJSON_SUFFIXES:
        from .boundaries import read_geojson

        source = SourceFile(path, display, hashlib.sha256(data).hexdigest(), "geojson")
        table = read_geojson(source, data, problems)
        source.tables = [table] if table is not None else []
        return source
    if suffix not in EXCEL_SUFFIXES | CSV_SUFFIXES:
        hint = " (a boundary file is read as GeoJSON: .geojson)" if suffix in {".shp", ".gpkg", ".kml"} else ""
        problems.add(display, None, None, None, "not a CSV file, an Excel workbook or a GeoJSON boundary file "
                     f"(.csv, .xlsx, .geojson){hint}")
        return None
    with ThreadPoolExecutor(max_workers=1) as pool:  # hashlib releases the GIL: hash while parsing
        digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        source = SourceFile(path, display, "", "xlsx" if suffix in EXCEL_SUFFIXES else "csv")
        if suffix in EXCEL_SUFFIXES:
            source.tables = list(_read_workbook(source, data, problems))
        else:
            table = _read_csv(source, data, problems, headerless or {})
            source.tables = [table] if table is not None else []
        source.sha256 = digest.result()
    return source


def decode_name(data: bytes) -> str:
    """The encoding of a CSV file: UTF-8 (BOM or not), else Windows-1252 as Excel writes it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.isascii():
        return "utf-8"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _first_records(data: bytes, encoding: str, n: int = 2) -> list[list[str]]:
    head = data[:65536].decode(encoding, errors="replace")
    out: list[list[str]] = []
    for record in csv.reader(io.StringIO(head)):
        if any(cell.strip() for cell in record):
            out.append(record)
            if len(out) == n:
                break
    return out


def _read_csv(source: SourceFile, data: bytes, problems: Problems, headerless: dict[str, Sequence[str]]) -> RawTable | None:
    encoding = decode_name(data)
    records = _first_records(data, encoding)
    if not records:  # an empty file: nothing to load, nothing to recognise
        frame = pd.DataFrame()
        return RawTable(source.display, source.path.stem, frame, np.zeros(0, dtype=np.int64), source)
    first = records[0]
    names = _headerless_names(source.path, first, headerless)
    header = [tidy_header(c) for c in (names or first)]
    data_row = records[0] if names else (records[1] if len(records) > 1 else [])
    first_row = {h: (data_row[i].strip() if i < len(data_row) else "") for i, h in enumerate(header)}
    usecols, numeric = _columns_used(header)  # a big published file: parse only what its mapping reads
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            options = dict(
                keep_default_na=False, na_filter=False, encoding=encoding, skip_blank_lines=False,
                header=None if names else 0, names=names, index_col=False, usecols=usecols, low_memory=False,
            )
            try:  # counts and coordinates straight to numbers when they all are (else as text, validated later)
                # Text as categories: the parser hashes each distinct value once, which is all
                # the later steps need (much cheaper than a Python string per cell).
                if usecols:
                    types: object = {c: numeric.get(c, "category") for c in usecols}
                elif not names and _contract_name(source.path.stem) is not None:
                    types = "category"  # a contract file: every column is text, validated later
                else:
                    types = str
                frame = pd.read_csv(io.BytesIO(data), dtype=types, **options)
            except (ValueError, OverflowError):
                if not numeric:
                    raise
                frame = pd.read_csv(io.BytesIO(data), dtype="category", **options)
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            _too_wide(source, data, encoding, len(frame.columns), bool(names), problems)
            return None
    except (pd.errors.ParserError, ValueError) as exc:
        message = str(exc).strip()
        m = re.search(r"line (\d+)", message)
        row = int(m.group(1)) if m else None
        problems.add(source.display, row, None, None, f"not a readable CSV file: {message.splitlines()[-1]}")
        return None
    offset = 1 if names else 2  # header = line 1
    lines = np.arange(offset, offset + len(frame), dtype=np.int64)
    if not names:
        frame.columns = [tidy_header(c) for c in frame.columns]
    keep = _non_blank_rows(frame)
    if keep is not None:
        frame = frame.loc[keep].reset_index(drop=True)
        lines = lines[keep]
    return RawTable(source.display, source.path.stem, frame, lines, source, headerless=bool(names), first_row=first_row)


def _contract_name(stem: str) -> str | None:
    from .formats import contract_name  # the formats module knows the contract's file names

    return contract_name(stem)


def _columns_used(header: list[str]) -> tuple[list[str] | None, dict[str, type]]:
    """(the columns to parse, the numeric type of those holding counts or coordinates), for big
    published files."""
    from .nhs import columns_used

    wanted = columns_used(header)
    if wanted is None:
        return None, {}
    used, numeric = wanted
    return [h for h in header if h in used] or None, {h: numeric[h] for h in header if h in numeric}


def _too_wide(source: SourceFile, data: bytes, encoding: str, width: int, headerless: bool, problems: Problems) -> None:
    """Name the rows with more cells than the header (pandas only warns, and drops them)."""
    reader = csv.reader(io.StringIO(data.decode(encoding, errors="replace")))
    for number, record in enumerate(reader, start=1):
        if (headerless or number > 1) and len(record) > width and any(c.strip() for c in record[width:]):
            problems.add(source.display, reader.line_num, None, None,
                         f"this row has {len(record)} cells but the header row has {width}")
            if problems.full:
                return


def _non_blank_rows(frame: pd.DataFrame) -> np.ndarray | None:
    """Rows with any non-blank cell (Excel leaves `,,,` rows behind); None when all are."""
    if len(frame) == 0 or len(frame.columns) == 0:
        return None
    # Cheap test first: a row is blank only if its first cell is ('' or missing in a short row).
    column = frame.iloc[:, 0]
    if isinstance(column.dtype, pd.CategoricalDtype):
        blank = np.array([not str(c).strip() for c in column.cat.categories] + [True], dtype=bool)
        candidates = np.flatnonzero(blank[column.cat.codes.to_numpy()])
    else:
        first = column.to_numpy(dtype=object)
        candidates = np.flatnonzero((first == "") | pd.isna(first))
    if len(candidates) == 0:
        return None
    sub = frame.iloc[candidates].astype(object).fillna("").astype(str)
    blank = sub.apply(lambda c: c.str.strip().eq("")).all(axis=1).to_numpy()
    if not blank.any():
        return None
    keep = np.ones(len(frame), dtype=bool)
    keep[candidates[blank]] = False
    return keep


def _headerless_names(path: Path, first: list[str], headerless: dict[str, Sequence[str]]) -> list[str] | None:
    """Column names for a file published without a header row (ODS epraccur, etr)."""
    from .formats import detect_headerless  # the formats module knows the published layouts

    return detect_headerless(path, first, headerless)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_workbook(source: SourceFile, data: bytes, problems: Problems) -> Iterator[RawTable]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or wrong file
        problems.add(source.display, None, None, None, f"not a readable Excel workbook: {exc}")
        return
    try:
        for sheet in book.worksheets:
            header: list[str] | None = None
            rows: list[list[str]] = []
            lines: list[int] = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if header is None:
                    header = [tidy_header(c) for c in cells]
                    while header and not header[-1]:
                        header.pop()
                    continue
                rows.append(cells)
                lines.append(number)
            display = f"{source.display} [{sheet.title}]"
            if header is None:
                frame = pd.DataFrame()
            else:
                width = len(header)
                rows = [(r + [""] * width)[:width] for r in rows]
                names = [h or f"column {i + 1}" for i, h in enumerate(header)]
                frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names, dtype=object)
            yield RawTable(display, sheet.title, frame, np.asarray(lines, dtype=np.int64), source)
    finally:
        book.close()
