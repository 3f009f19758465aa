"""NHS and ONS files as published, recognised by their headers and mapped onto the contract.

Each format below turns one published table into contract-shaped `Table`s (practices,
pcns, organisations, ics, places, areas, boards, memberships, registrations) marked
`Published`, so they are validated, planned and written like the partnership's own
files. The mapping is documented, file by file, in docs/concepts/published-files.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph.model import FILES
from . import postcodes
from .parse import parse_date
from .problems import Problems
from .read import RawTable
from .tables import Published, Table


def norm(header: str) -> str:
    """Headers compare upper-case with single spaces: `Open Date  (YYYYMMDD)` ~ `OPEN DATE (YYYYMMDD)`."""
    return re.sub(r"\s+", " ", str(header)).strip().upper()


@dataclass(frozen=True)
class Const:
    """A value the mapping supplies (e.g. sector `nhs_commissioner`), not a column of the file."""

    value: str


@dataclass(frozen=True)
class Derived:
    """A column computed from the file; `column` names the file's column for messages."""

    values: pd.Series
    column: str


Source = str | Const | Derived


class Mapper:
    """Builds contract tables from one published table."""

    def __init__(self, raw: RawTable, fmt: str, problems: Problems) -> None:
        self.raw = raw
        self.fmt = fmt
        self.problems = problems
        self.headers = {norm(c): c for c in raw.frame.columns}
        self.skipped = {norm(c): c for c in raw.first_row if norm(c) not in self.headers}
        self.as_of: dt.date | None = None
        self.lookups: list[postcodes.PostcodeLookup] = []  # what a postcode file gives (not graph tables)

    def col(self, *names: str) -> str | None:
        """The file's column for the first of `names` (normalised spellings) it has."""
        for n in names:
            if n in self.headers:
                return self.headers[n]
            if n in self.skipped:  # not parsed (see `columns_used`), but its first value is known
                return self.skipped[n]
        return None

    def col_like(self, pattern: str) -> str | None:
        rx = re.compile(pattern)
        for n, original in self.headers.items():
            if rx.fullmatch(n):
                return original
        return None

    def values(self, source: Source, rows: np.ndarray | None = None) -> pd.Series:
        """A source's values at the positions `rows` (all when None), index 0..n-1."""
        n = len(self.raw.frame) if rows is None else len(rows)
        if isinstance(source, Const):
            return pd.Series(source.value, index=range(n), dtype=object)
        if isinstance(source, Derived):
            values = source.values.reset_index(drop=True)
            return values if rows is None else values.iloc[rows].reset_index(drop=True)
        return self.raw.subset(source, rows)

    def extract_date(self, column: str | None) -> dt.date | None:
        """The edition's date: its EXTRACT_DATE column (first row), else a YYYY-MM date in the file name."""
        if column is not None:
            first = self.raw.first_row.get(column, "")
            if not first and column in self.raw.frame.columns and len(self.raw.frame):
                first = str(self.raw.frame[column].iat[0]).strip()
            if first:
                try:
                    return parse_date(first)
                except ValueError as exc:
                    line = int(self.raw.lines[0]) if len(self.raw.lines) else None
                    self.problems.add(self.raw.display, line, column, first, str(exc))
                    return None
        m = re.search(r"(20\d\d)-(\d\d)(?:-(\d\d))?", self.raw.file.path.name)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
            except ValueError:
                return None
        return None

    def _filled(self, source: Source) -> np.ndarray:
        if isinstance(source, Const):
            return np.full(len(self.raw.frame), bool(source.value))
        if isinstance(source, Derived):
            return (source.values != "").to_numpy()
        return self.raw.matches(source, bool)

    def table(
        self,
        file: str,
        cols: dict[str, Source],
        *,
        rows: np.ndarray | None = None,
        dedupe: Sequence[str] | None = None,
        snapshot: bool = False,
        owned_links: bool = False,
        drop_blank: Sequence[str] = (),
    ) -> Table:
        """A contract table of the rows kept (`rows`, non-blank `drop_blank`), first row per `dedupe` key."""
        spec = FILES[file]
        n = len(self.raw.frame)
        keep = np.ones(n, dtype=bool) if rows is None else rows.copy()
        for name in drop_blank:
            keep &= self._filled(cols[name])
        positions: np.ndarray | None = None if keep.all() else np.flatnonzero(keep)
        if dedupe:
            key_codes = []
            for name in dedupe:
                source = cols[name]
                if isinstance(source, str):
                    codes = self.raw.coded(source)[0]
                    key_codes.append(codes if positions is None else codes[positions])
                else:
                    key_codes.append(pd.factorize(self.values(source, positions))[0])
            combined = key_codes[0].astype(np.int64)
            for codes in key_codes[1:]:
                combined = combined * (int(codes.max(initial=0)) + 2) + codes + 1
            first = _first_rows(combined)
            if len(first) < len(combined):
                base = np.arange(n) if positions is None else positions
                positions = base[first]
        data = {name: self.values(source, positions) for name, source in cols.items()}
        user = {
            name: source if isinstance(source, str) else source.column if isinstance(source, Derived) else f"({name})"
            for name, source in cols.items()
        }
        lines = self.raw.lines if positions is None else self.raw.lines[positions]
        frame = pd.DataFrame(data)
        published = Published(self.fmt, self.as_of, snapshot=snapshot, owned_links=owned_links)
        return Table(spec, self.raw, frame, np.asarray(lines), user, published)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The positions, ascending, of the first row of each distinct code (codes >= -1)."""
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(codes.min()), int(codes.max())
    if low < -1 or high > 4 * len(codes) + 1_000:  # a sparse key: hash it
        return np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    first = np.full(high + 2, len(codes), dtype=np.int64)
    np.minimum.at(first, codes + 1, np.arange(len(codes), dtype=np.int64))
    return np.sort(first[first < len(codes)])


# -- NHS Digital: practice -> PCN -> CCG/Sub-ICB -> STP/ICB ------------------------------

COMMISSIONER_CODE = ("SUB_ICB_LOCATION_CODE", "CCG_CODE")
COMMISSIONER_NAME = ("SUB_ICB_LOCATION_NAME", "CCG_NAME")
ICS_CODE = ("ICB_CODE", "STP_CODE")
ICS_NAME = ("ICB_NAME", "STP_NAME")


def _commissioners(m: Mapper, code: str | None, name: str | None, ics: Source | None = None,
                   rows: np.ndarray | None = None) -> list[Table]:
    """The CCGs / Sub-ICB locations of a file, as NHS commissioner organisations, each PART_OF
    its ICS when the file says which (`ics`: its ICB / STP ODS code column)."""
    if code is None:
        return []
    cols: dict[str, Source] = {"code": code, "sector": Const("nhs_commissioner"), "statutory": Const("true")}
    if name is not None:
        cols["name"] = name
    if ics is not None:
        cols["ics_code"] = ics
    return [m.table("organisations", cols, rows=rows, dedupe=["code"], drop_blank=["code"])]


# Non-PCN placeholders the publishers use: the practice map's `U` / `Unallocated` (practices
# in no PCN). A code with no digit in it, or a name saying so, is not a PCN.
PLACEHOLDER_PCN_NAME = re.compile(r"\s*(unallocated|unassigned|not allocated|no pcn|not in a pcn|none|n/?a|unknown)\s*",
                                  re.IGNORECASE)


def placeholder_pcn(code: str, name: str = "") -> bool:
    """Whether a PCN code (with its name) is a placeholder for "in no PCN", not a PCN."""
    code = str(code).strip()
    return bool(code) and (not any(ch.isdigit() for ch in code) or PLACEHOLDER_PCN_NAME.fullmatch(str(name)) is not None)


def _pcn_columns(m: Mapper, code: str, name: str | None) -> tuple[Source, np.ndarray]:
    """The PCN code with placeholders blanked (the practice is in no PCN), and the rows of real PCNs."""
    codes = m.raw.column(code).astype(object)
    names = m.raw.column(name).astype(object) if name else pd.Series("", index=codes.index, dtype=object)
    pairs = pd.DataFrame({"c": codes, "n": names})
    distinct = pairs.drop_duplicates()
    fake = {(c, n) for c, n in zip(distinct["c"], distinct["n"], strict=True) if placeholder_pcn(c, n)}
    if not fake:
        return code, np.ones(len(codes), dtype=bool)
    is_fake = np.fromiter(((c, n) in fake for c, n in zip(codes, names, strict=True)), dtype=bool, count=len(codes))
    blanked = codes.where(~is_fake, "")
    return Derived(blanked, code), ~is_fake


def _ics(m: Mapper, code: str | None, name: str | None) -> list[Table]:
    if code is None:
        return []
    cols: dict[str, Source] = {"code": code}
    if name is not None:
        cols["name"] = name
    return [m.table("ics", cols, dedupe=["code"], drop_blank=["code"])]


def _point_columns(m: Mapper, lat: str | None, lon: str | None) -> dict[str, Source]:
    """A geocoded file's practice point (lat, lon), `point_from` geocoded where it gives one."""
    if lat is None or lon is None:
        return {}
    given = m.raw.matches(lat, bool) & m.raw.matches(lon, bool)
    source = pd.Series(np.where(given, "geocoded", ""), index=m.raw.frame.index, dtype=object)
    return {"lat": lat, "lon": lon, "point_from": Derived(source, lat)}


def map_practice_map(m: Mapper) -> list[Table]:
    """gp-reg-pat-prac-map.csv (and the geocoded practice/PCN file built from it)."""
    m.as_of = m.extract_date(m.col("EXTRACT_DATE"))
    practice = m.col("PRACTICE_CODE")
    pcn_name = m.col("PCN_NAME")
    pcn, real = _pcn_columns(m, m.col("PCN_CODE"), pcn_name)  # type: ignore[arg-type]
    commissioner = m.col(*COMMISSIONER_CODE)
    cols: dict[str, Source] = {"code": practice, "name": m.col("PRACTICE_NAME"), "pcn_code": pcn}  # type: ignore[dict-item]
    postcode = m.col("PRACTICE_POSTCODE")
    if postcode:
        cols["postcode"] = postcode
    if commissioner:
        cols["sub_icb_code"] = commissioner
    cols.update(_point_columns(m, m.col("PRACTICE_LAT"), m.col("PRACTICE_LNG", "PRACTICE_LONG", "PRACTICE_LON")))
    out = [m.table("practices", cols, snapshot=True, drop_blank=["code"])]
    out.append(m.table("pcns", {"code": pcn, "name": pcn_name}, rows=real, dedupe=["code"], drop_blank=["code"]))  # type: ignore[dict-item]
    out += _commissioners(m, commissioner, m.col(*COMMISSIONER_NAME), m.col(*ICS_CODE))
    out += _ics(m, m.col(*ICS_CODE), m.col(*ICS_NAME))
    return out


def map_practice_totals(m: Mapper) -> list[Table]:
    """gp-reg-pat-prac-all.csv: registered patients per practice (the practices, their commissioner)."""
    m.as_of = m.extract_date(m.col("EXTRACT_DATE"))
    keep = np.ones(len(m.raw.frame), dtype=bool)
    for column, value in (("TYPE", "GP"), ("SEX", "ALL"), ("AGE", "ALL")):
        c = m.col(column)
        if c is not None:
            keep &= m.raw.matches(c, lambda v, value=value: v.upper() == value)
    cols: dict[str, Source] = {"code": m.col("CODE", "PRACTICE_CODE")}  # type: ignore[dict-item]
    postcode = m.col("POSTCODE", "PRACTICE_POSTCODE")
    if postcode:
        cols["postcode"] = postcode
    commissioner = m.col(*COMMISSIONER_CODE)
    if commissioner:
        cols["sub_icb_code"] = commissioner
    out = [m.table("practices", cols, rows=keep, dedupe=["code"], drop_blank=["code"])]
    out += _commissioners(m, commissioner, None)
    return out


PLACEHOLDER_AREA = re.compile(r"^(?![EWSN]\d{8}$).*")


def map_registrations(m: Mapper) -> list[Table]:
    """gp-reg-pat-prac-lsoa-all.csv: practice x LSOA registered patients (about a million rows)."""
    m.as_of = m.extract_date(m.col("EXTRACT_DATE"))
    practice, lsoa, patients = m.col("PRACTICE_CODE"), m.col("LSOA_CODE"), m.col("NUMBER_OF_PATIENTS")
    keep = None
    sex = m.col("SEX")
    if sex is not None:
        everyone = m.raw.matches(sex, lambda v: v.upper() == "ALL")
        if everyone.any():
            keep = None if everyone.all() else everyone
        elif len(everyone):
            return _summed_registrations(m, practice, lsoa, patients)  # type: ignore[arg-type]
    practice_cols: dict[str, Source] = {"code": practice}  # type: ignore[dict-item]
    name = m.col("PRACTICE_NAME")
    if name:
        practice_cols["name"] = name
    out = [m.table("practices", practice_cols, rows=keep, dedupe=["code"], drop_blank=["code"])]
    out.append(_areas_of(m, lsoa, keep))  # type: ignore[arg-type]
    out.append(m.table("registrations", {"practice_code": practice, "area_code": lsoa, "patients": patients},  # type: ignore[dict-item]
                       rows=keep, owned_links=True))
    return out


def _areas_of(m: Mapper, lsoa: str, keep: np.ndarray | None) -> Table:
    codes, uniques = m.raw.coded(lsoa)
    # Per distinct code, as a categorical: no string per row.
    placeholder = np.array([
        # an ONS code (`E01000001`) without a regex, the rest by the pattern (`NO2011`, `CLOSED`)
        (len(u) != 9 or u[0] not in "EWSN" or not u[1:].isdecimal()) and PLACEHOLDER_AREA.match(u) is not None
        for u in map(str, uniques)
    ] + [False], dtype=np.int8)
    kinds = pd.Categorical.from_codes(placeholder[codes], categories=pd.Index(["lsoa", "unknown"], dtype=object))
    kind = Derived(pd.Series(kinds, index=m.raw.frame.index), lsoa)
    return m.table("areas", {"code": lsoa, "kind": kind}, rows=keep, dedupe=["code"], drop_blank=["code"])


def _summed_registrations(m: Mapper, practice: str, lsoa: str, patients: str) -> list[Table]:
    """A by-sex edition: add the sexes up (a bad count is reported on its own row)."""
    frame = pd.DataFrame({c: m.raw.column(col).astype(object) for c, col in (("p", practice), ("a", lsoa), ("n", patients))})
    numbers = pd.to_numeric(frame["n"].str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna().to_numpy() | (numbers % 1 != 0).to_numpy()
    for i in np.flatnonzero(bad)[: m.problems.cap]:
        m.problems.add(m.raw.display, m.raw.lines[i], patients, frame["n"].iat[i], "not a whole number")
    frame["n"] = numbers.fillna(0).astype(np.int64)
    frame["line"] = m.raw.lines
    summed = frame.groupby(["p", "a"], sort=False).agg(n=("n", "sum"), line=("line", "first")).reset_index()
    raw = RawTable(m.raw.display, m.raw.stem, pd.DataFrame({
        practice: summed["p"], lsoa: summed["a"], patients: summed["n"].astype(str),
    }), summed["line"].to_numpy(), m.raw.file)
    sub = Mapper(raw, m.fmt, m.problems)
    sub.as_of = m.as_of
    return [
        sub.table("practices", {"code": practice}, dedupe=["code"], drop_blank=["code"]),
        _areas_of(sub, lsoa, None),
        sub.table("registrations", {"practice_code": practice, "area_code": lsoa, "patients": patients}, owned_links=True),
    ]


# -- ePCN workbook ----------------------------------------------------------------------


def _status_from_close(m: Mapper, close: str | None) -> Source:
    """ePCN gives no status: a PCN with a close date is `closed`, else `active`."""
    if close is None:
        return Const("active")
    values = m.raw.column(close).astype(object)
    return Derived(values.map(lambda v: "closed" if v else "active").astype(object), close)


def map_pcn_details(m: Mapper) -> list[Table]:
    """ePCN 'PCN Details': the PCNs (status, open and close dates) and their commissioner."""
    m.as_of = m.extract_date(None)
    name = m.col("PCN NAME")
    pcn, real = _pcn_columns(m, m.col("PCN CODE"), name)  # type: ignore[arg-type]
    cols: dict[str, Source] = {"code": pcn, "name": name}  # type: ignore[dict-item]
    opened, closed = m.col("OPEN DATE", "OPEN DATE (YYYYMMDD)"), m.col("CLOSE DATE", "CLOSE DATE (YYYYMMDD)")
    cols["status"] = _status_from_close(m, closed)
    if opened:
        cols["open_date"] = opened
    if closed:
        cols["close_date"] = closed
    out = [m.table("pcns", cols, rows=real, dedupe=["code"], drop_blank=["code"])]
    code = m.col("CURRENT SUB ICB LOC CODE", "CURRENT CLINICAL COMMISSIONING GROUP CODE", "CURRENT CCG CODE")
    name = m.col("SUB ICB LOCATION", "SUB ICB LOC NAME", "CLINICAL COMMISSIONING GROUP NAME", "CCG NAME")
    out += _commissioners(m, code, name)
    return out


def map_pcn_partners(m: Mapper) -> list[Table]:
    """ePCN 'PCN Core Partner Details': practice -> PCN memberships with start and end dates."""
    m.as_of = m.extract_date(None)
    practice = m.col("PARTNER ORGANISATION CODE")
    pcn_name = m.col("PCN NAME")
    pcn, real = _pcn_columns(m, m.col("PCN CODE"), pcn_name)  # type: ignore[arg-type]
    cols: dict[str, Source] = {
        "code": practice, "name": m.col("PARTNER NAME"), "pcn_code": pcn,  # type: ignore[dict-item]
        "from": m.col("PRACTICE TO PCN RELATIONSHIP START DATE"),  # type: ignore[dict-item]
    }
    end = m.col("PRACTICE TO PCN RELATIONSHIP END DATE")
    if end:
        cols["to"] = end
    parent = m.col("PRACTICE PARENT SUB ICB LOC CODE", "PRACTICE PARENT CCG CODE")
    if parent:
        cols["sub_icb_code"] = parent
    out = [m.table("practices", cols, drop_blank=["code"])]
    out.append(m.table("pcns", {"code": pcn, "name": pcn_name}, rows=real, dedupe=["code"], drop_blank=["code"]))  # type: ignore[dict-item]
    for code, name in (
        (m.col("PRACTICE PARENT SUB ICB LOC CODE", "PRACTICE PARENT CCG CODE"),
         m.col("PRACTICE PARENT SUB ICB LOC NAME", "PRACTICE PARENT CCG NAME")),
        (m.col("PCN PARENT SUB ICB LOC CODE", "PCN PARENT CCG CODE"),
         m.col("PCN PARENT SUB ICB LOC NAME", "PCN PARENT CCG NAME")),
    ):
        out += _commissioners(m, code, name)
    return out


# -- NHS Digital derived indicators (practice / PCN deprivation) ----------------------------


def map_practice_indicator(m: Mapper) -> list[Table]:
    cols: dict[str, Source] = {"code": m.col("PRACTICE_CODE"), "name": m.col("PRACTICE_NAME")}  # type: ignore[dict-item]
    if m.col("POSTCODE"):
        cols["postcode"] = m.col("POSTCODE")  # type: ignore[assignment]
    commissioner = m.col("SUBICB_CODE", "SUB_ICB_CODE", "CCG_CODE")
    if commissioner:
        cols["sub_icb_code"] = commissioner
    out = [m.table("practices", cols, dedupe=["code"], drop_blank=["code"])]
    return out + _commissioners(m, commissioner, None)


def map_pcn_indicator(m: Mapper) -> list[Table]:
    out = [m.table("pcns", {"code": m.col("PCN_CODE"), "name": m.col("PCN_NAME")}, dedupe=["code"], drop_blank=["code"])]  # type: ignore[dict-item]
    return out + _commissioners(m, m.col("SUBICB_CODE", "SUB_ICB_CODE", "CCG_CODE"), None)


# -- ODS: epraccur (GP practices) and etr (NHS trusts), published without a header ----------

EPRACCUR_COLUMNS = (
    "Organisation Code", "Name", "National Grouping", "High Level Health Geography", "Address Line 1",
    "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5", "Postcode", "Open Date",
    "Close Date", "Status Code", "Organisation Sub-Type Code", "Commissioner", "Join Provider/Purchaser Date",
    "Left Provider/Purchaser Date", "Contact Telephone Number", "Null1", "Null2", "Null3",
    "Amended Record Indicator", "Null4", "Provider/Purchaser", "Null5", "Prescribing Setting", "Null6",
)
ETR_COLUMNS = (
    "Organisation Code", "Name", "National Grouping", "High Level Health Geography", "Address Line 1",
    "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5", "Postcode", "Open Date",
    "Close Date", "Null1", "Null2", "Null3", "Null4", "Null5", "Contact Telephone Number", "Null6", "Null7",
    "Null8", "Amended Record Indicator", "Null9", "GOR Code", "Null10", "Null11", "Null12",
)
GP_PRACTICE_SETTING = "4"


ODS_STATUS = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
ICS_ODS_CODE = re.compile(r"Q[A-Z0-9]{2}")  # an ICB / STP ODS code (epraccur's High Level Health Geography)


def map_epraccur(m: Mapper) -> list[Table]:
    """epraccur: GP practices (prescribing setting 4), open and closed, with their status, open
    and close dates, postcode and commissioner (Sub-ICB location, PART_OF the ICS in High Level
    Health Geography)."""
    m.as_of = m.extract_date(None)
    keep = m.raw.matches(m.col("PRESCRIBING SETTING"), lambda v: v == GP_PRACTICE_SETTING)  # type: ignore[arg-type]
    status_col = m.col("STATUS CODE")
    status = m.raw.column(status_col).astype(object).map(lambda v: ODS_STATUS.get(v.upper(), v))  # type: ignore[arg-type]
    cols: dict[str, Source] = {
        "code": m.col("ORGANISATION CODE"), "name": m.col("NAME"), "postcode": m.col("POSTCODE"),  # type: ignore[dict-item]
        "status": Derived(status, status_col),  # type: ignore[arg-type]
    }
    for column, prop in (("OPEN DATE", "open_date"), ("CLOSE DATE", "close_date")):
        if m.col(column):
            cols[prop] = m.col(column)  # type: ignore[assignment]
    commissioner = m.col("COMMISSIONER")
    if commissioner:
        cols["sub_icb_code"] = commissioner
    out = [m.table("practices", cols, rows=keep, dedupe=["code"], drop_blank=["code"])]
    geography = m.col("HIGH LEVEL HEALTH GEOGRAPHY")
    ics = None
    if geography is not None:  # a closed practice's keeps its old area team's code (Q44): use open ones'
        is_ics = keep & m.raw.matches(geography, lambda v: ICS_ODS_CODE.fullmatch(v) is not None)
        is_ics &= m.raw.matches(status_col, lambda v: v.upper() == "A")  # type: ignore[arg-type]
        if is_ics.any():
            ics = Derived(m.raw.column(geography).astype(object).where(is_ics, ""), geography)
            out.append(m.table("ics", {"code": ics}, rows=is_ics, dedupe=["code"], drop_blank=["code"]))
    if commissioner:
        out += _commissioners(m, commissioner, None, rows=keep)
        if ics is not None:  # the commissioners of open practices, PART_OF their ICS
            out += _commissioners(m, commissioner, None, ics, rows=is_ics)
    return out


def map_etr(m: Mapper) -> list[Table]:
    """etr: NHS trusts still open, as statutory NHS trust organisations."""
    today = dt.date.today().strftime("%Y%m%d")
    keep = m.raw.matches(m.col("CLOSE DATE"), lambda v: v == "" or v > today)  # type: ignore[arg-type]
    cols: dict[str, Source] = {
        "code": m.col("ORGANISATION CODE"), "name": m.col("NAME"),  # type: ignore[dict-item]
        "sector": Const("nhs_trust"), "statutory": Const("true"),
    }
    return [m.table("organisations", cols, rows=keep, dedupe=["code"], drop_blank=["code"])]


def headerless_columns(path: Path, first: list[str]) -> list[str] | None:
    """Column names for an ODS or Code-Point Open file published without a header row, else None."""
    if identify_headers([norm(c) for c in first]) is not None:
        return None
    if postcodes.codepoint_headerless(first):
        return list(postcodes.CODEPOINT_COLUMNS)
    cells = [c.strip() for c in first]
    if len(cells) not in (len(EPRACCUR_COLUMNS), len(EPRACCUR_COLUMNS) - 1):
        return None
    if not re.fullmatch(r"[A-Z0-9]{3,6}", cells[0]) or not re.fullmatch(r"(\d{8})?", cells[10]):
        return None
    name = path.name.lower()
    looks_epraccur = cells[12] in {"A", "C", "D", "P"} and re.fullmatch(r"\d{1,2}", cells[25] if len(cells) > 25 else "")
    if "epraccur" in name or ("etr" not in name and looks_epraccur):
        return list(EPRACCUR_COLUMNS[: len(cells)])
    return list(ETR_COLUMNS[: len(cells)])


# -- ONS geography lookups ------------------------------------------------------------------

# (role, code column pattern, name column pattern); normalised upper-case headers.
ONS_ROLES: tuple[tuple[str, str, str], ...] = (
    ("lsoa", r"LSOA\d\dCD|LSOA\d\d_CODE|LSOA_CODE", r"LSOA\d\dNM|LSOA\d\d_NAME|LSOA_NAME"),
    ("ward", r"WD\d\dCD|WARD\d\d_CODE", r"WD\d\dNM|WARD\d\d_NAME"),
    ("lad", r"LAD\d\dCD|LTLA\d\d_CODE|LAD_CODE", r"LAD\d\dNM|LTLA\d\d_NAME|LAD_NAME"),
    ("icb", r"ICB\d\d_CODE_H|ICB\d\d_CODE_NHS|STP\d\dCDH|ICB\d\dCDH", r"ICB\d\d_NAME|STP\d\dNM|ICB\d\dNM"),
    ("subicb", r"SICBL\d\d_CODE_H|SICBL\d\d_CODE_NHS|CCG\d\dCDH|SICBL\d\dCDH", r"SICBL\d\d_NAME|CCG\d\dNM|SICBL\d\dNM"),
    ("csp", r"CSP\d\dCD|CSP\d\d_CODE", r"CSP\d\dNM|CSP\d\d_NAME"),
    ("pfa", r"PFA\d\dCD|PFA\d\d_CODE", r"PFA\d\dNM|PFA\d\d_NAME"),
    ("fra", r"FRA\d\dCD|FRA\d\d_CODE", r"FRA\d\dNM|FRA\d\d_NAME"),
    ("cauth", r"CAUTH\d\dCD|CAUTH\d\d_CODE", r"CAUTH\d\dNM|CAUTH\d\d_NAME"),
    ("lep", r"LEP\d\dCD1?|LEP\d\d_CODE", r"LEP\d\dNM1?|LEP\d\d_NAME"),
    ("vcsep", r"VCSEP_REGION", r"VCSEP_REGION"),
)
ONS_ANCHORS = {"lsoa", "ward", "lad", "subicb", "csp", "fra", "cauth", "lep", "vcsep"}


def _ons_columns(headers: Sequence[str]) -> dict[str, list[tuple[str, str | None]]]:
    """Per role, the (code, name) header pairs present (LSOA 2011 and 2021 may both be)."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    for role, code_rx, name_rx in ONS_ROLES:
        codes = [h for h in headers if re.fullmatch(code_rx, h)]
        names = [h for h in headers if re.fullmatch(name_rx, h)]
        for c in codes:
            year = re.search(r"\d\d", c)
            match = next((n for n in names if year and year.group(0) in n), None)
            if match is None and len(codes) == 1 and names:
                match = names[0]
            found.setdefault(role, []).append((c, match))
    return found


def _edition(headers: Sequence[str]) -> dt.date | None:
    """An ONS lookup's edition: the latest year in its geography codes' headers (`LAD19CD`,
    `sicbl24_code` -> 2024-01-01), so that among lookups the newer one wins."""
    years = [int(y) for h in headers for y in re.findall(r"(?<=[A-Z])(\d\d)(?=CD|NM|_|CDH|$)", h)]
    return dt.date(2000 + max(years), 1, 1) if years else None


def map_ons(m: Mapper) -> list[Table]:
    roles = _ons_columns(list(m.headers))
    out: list[Table] = []
    h = m.headers
    one = {role: pairs[0] for role, pairs in roles.items()}
    m.as_of = _edition([c for pairs in roles.values() for pair in pairs for c in pair if c])

    def code(role: str) -> str | None:
        return h[one[role][0]] if role in one else None

    def name(role: str) -> str | None:
        return h[one[role][1]] if role in one and one[role][1] else None  # type: ignore[index]

    def suffixed(role: str, suffix: str) -> Source | None:
        column = name(role)
        if column is None:
            return None
        return Derived(_suffix(m.raw.column(column).astype(object), suffix), column)

    lad = code("lad")
    if "icb" in one:
        out += _ics(m, code("icb"), name("icb"))
    if lad:
        cols: dict[str, Source] = {"code": lad}
        if name("lad"):
            cols["name"] = name("lad")  # type: ignore[assignment]
        if "icb" in one:
            cols["ics_code"] = code("icb")  # type: ignore[assignment]
        out.append(m.table("places", cols, dedupe=list(cols), drop_blank=["code"]))
    subicb = code("subicb")
    for role, kind in (("lsoa", "lsoa"), ("ward", "ward")):
        for c, n in roles.get(role, []):
            cols = {"code": h[c], "kind": Const(kind)}
            if n:
                cols["name"] = h[n]
            if lad:
                cols["place_code"] = lad
            if subicb and role == "lsoa":
                cols["sub_icb_code"] = subicb  # the Sub-ICB location covering the LSOA
            keys = [k for k in ("code", "place_code", "sub_icb_code") if k in cols]
            out.append(m.table("areas", cols, dedupe=keys, drop_blank=["code"]))
    if subicb:
        out += _commissioners(m, subicb, name("subicb"), code("icb"))
    if "csp" in one:
        cols = {"code": code("csp"), "kind": Const("community_safety_partnership")}  # type: ignore[dict-item]
        if name("csp"):
            cols["name"] = suffixed("csp", "Community Safety Partnership")  # type: ignore[assignment]
        if lad:
            cols["place_code"] = lad
        out.append(m.table("boards", cols, dedupe=[k for k in ("code", "place_code") if k in cols], drop_blank=["code"]))
        if "pfa" in one:
            out.append(_organisation(m, code("pfa"), suffixed("pfa", "Police"), "police"))
            out.append(m.table("memberships", {
                "organisation_code": code("pfa"), "board_code": code("csp"), "role": Const("core"),  # type: ignore[dict-item]
            }, dedupe=["organisation_code", "board_code"], drop_blank=["organisation_code", "board_code"]))
    elif "pfa" in one:
        out.append(_organisation(m, code("pfa"), suffixed("pfa", "Police"), "police"))
    if "fra" in one:
        out.append(_organisation(m, code("fra"), suffixed("fra", "Fire and Rescue Authority"), "fire"))
    if "cauth" in one:
        out.append(_organisation(m, code("cauth"), suffixed("cauth", "Combined Authority"), "local_authority"))
    if "lep" in one:
        cols = {"code": code("lep"), "kind": Const("local_enterprise_partnership")}  # type: ignore[dict-item]
        if name("lep"):
            cols["name"] = suffixed("lep", "Local Enterprise Partnership")  # type: ignore[assignment]
        out.append(m.table("boards", cols, dedupe=["code"], drop_blank=["code"]))
    if "vcsep" in one:
        region = m.raw.column(code("vcsep")).astype(object)  # type: ignore[arg-type]
        slug = region.map(lambda r: "vcsep-" + re.sub(r"[^0-9a-z]+", "-", r.lower()).strip("-") if r else "")
        cols = {
            "code": Derived(slug, code("vcsep")),  # type: ignore[arg-type]
            "name": Derived(region.map(lambda r: f"VCS Emergencies Partnership – {r}" if r else ""), code("vcsep")),  # type: ignore[arg-type]
            "kind": Const("other"),
        }
        if lad:
            cols["place_code"] = lad
        out.append(m.table("boards", cols, dedupe=[k for k in ("code", "place_code") if k in cols], drop_blank=["code"]))
    return out


def _suffix(values: pd.Series, suffix: str) -> pd.Series:
    def add(v: str) -> str:
        return v if not v or suffix.lower() in v.lower() else f"{v} {suffix}"

    return values.map(add)


def _organisation(m: Mapper, code: str | None, name: Source | None, sector: str) -> Table:
    cols: dict[str, Source] = {"code": code, "sector": Const(sector), "statutory": Const("true")}  # type: ignore[dict-item]
    if name is not None:
        cols["name"] = name
    return m.table("organisations", cols, dedupe=["code"], drop_blank=["code"])


# -- postcode lookups and LSOA centroids ----------------------------------------------------------


def _postcode_lookup(m: Mapper, postcode: str, lad: str, point: tuple[str, str] | None = None,
                     crs: str = postcodes.WGS84) -> list[Table]:
    m.as_of = m.extract_date(None)
    places = postcodes.lookup(m.raw.column(postcode), m.raw.column(lad))
    points = None
    if point is not None and all(c in m.raw.frame.columns for c in point):
        points = postcodes.points(m.raw.column(postcode), m.raw.frame[point[0]], m.raw.frame[point[1]], crs)
    m.lookups.append(postcodes.PostcodeLookup(m.raw.display, m.fmt, m.as_of, 0, places, points, crs))
    return []


def map_postcode_directory(m: Mapper) -> list[Table]:
    """ONS Postcode Directory / National Statistics Postcode Lookup: postcode -> local authority,
    and the postcode's `lat`/`long` (a practice's point)."""
    postcode, lad = postcodes.directory_columns(set(m.headers))  # type: ignore[misc]
    lat, lon = m.col(postcodes.DIRECTORY_POINT[0]), m.col(postcodes.DIRECTORY_POINT[1])
    point = (lon, lat) if lat and lon else None
    return _postcode_lookup(m, m.headers[postcode], m.headers[lad], point)  # type: ignore[arg-type]


def map_codepoint(m: Mapper) -> list[Table]:
    """OS Code-Point Open: postcode -> local authority (`Admin_district_code`), and the postcode's
    eastings/northings (British National Grid; converted to longitude/latitude with pyproj)."""
    east, north = m.col(postcodes.CODEPOINT_POINT[0]), m.col(postcodes.CODEPOINT_POINT[1])
    point = (east, north) if east and north else None
    return _postcode_lookup(m, m.col(postcodes.CODEPOINT_POSTCODE), m.col(postcodes.CODEPOINT_LAD),  # type: ignore[arg-type]
                            point, postcodes.BNG)  # type: ignore[arg-type]


CENTROID_LSOA = re.compile(r"LSOA\d\dCD")


def _is_centroids(headers: set[str]) -> bool:
    return {"X", "Y"} <= headers and any(CENTROID_LSOA.fullmatch(h) for h in headers)


def map_centroids(m: Mapper) -> list[Table]:
    """ONS LSOA population-weighted centroids: the LSOAs as Areas (the points are not in the model)."""
    code = next(h for h in m.headers if CENTROID_LSOA.fullmatch(h))
    cols: dict[str, Source] = {"code": m.headers[code], "kind": Const("lsoa")}
    name = m.headers.get(code[:-2] + "NM")
    if name:
        cols["name"] = name
    return [m.table("areas", cols, dedupe=["code"], drop_blank=["code"])]


# -- recognition ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    name: str
    test: Callable[[set[str]], bool]
    mapper: Callable[[Mapper], list[Table]]


def _has(*names: str) -> Callable[[set[str]], bool]:
    return lambda h: all(any(alt in h for alt in n.split("|")) for n in names)


FORMATS: tuple[Format, ...] = (
    Format("gp-reg-pat-prac-lsoa", _has("PRACTICE_CODE", "LSOA_CODE", "NUMBER_OF_PATIENTS"), map_registrations),
    Format("gp-reg-pat-prac-map", _has("PRACTICE_CODE", "PRACTICE_NAME", "PCN_CODE", "PCN_NAME"), map_practice_map),
    Format("gp-reg-pat-prac-all", _has("CODE", "NUMBER_OF_PATIENTS", "CCG_CODE|SUB_ICB_LOCATION_CODE"), map_practice_totals),
    Format("epcn-core-partner-details", _has("PARTNER ORGANISATION CODE", "PCN CODE", "PRACTICE TO PCN RELATIONSHIP START DATE"),
           map_pcn_partners),
    Format("epcn-pcn-details", _has("PCN CODE", "PCN NAME", "CLOSE DATE"), map_pcn_details),
    Format("practice-indicator", _has("PRACTICE_CODE", "PRACTICE_NAME", "SUBICB_CODE|SUB_ICB_CODE|CCG_CODE"), map_practice_indicator),
    Format("pcn-indicator", _has("PCN_CODE", "PCN_NAME", "SUBICB_CODE|SUB_ICB_CODE|CCG_CODE"), map_pcn_indicator),
    Format("ods-epraccur", _has("ORGANISATION CODE", "NAME", "STATUS CODE", "PRESCRIBING SETTING", "POSTCODE"), map_epraccur),
    Format("ods-etr", _has("ORGANISATION CODE", "NAME", "CLOSE DATE", "HIGH LEVEL HEALTH GEOGRAPHY"), map_etr),
    Format("os-code-point-open", postcodes.is_codepoint, map_codepoint),
    Format("ons-postcode-directory", postcodes.is_directory, map_postcode_directory),
    Format("ons-lsoa-centroids", _is_centroids, map_centroids),
)


def _map_boundaries(m: Mapper) -> list[Table]:
    from .boundaries import map_boundaries

    return map_boundaries(m)


# Recognised by `formats.what` for GeoJSON files (by their code field), never by CSV headers.
BOUNDARIES = Format("ons-boundaries", lambda _h: False, _map_boundaries)


# Big published files: the columns their mapping reads (EXTRACT_DATE is taken from the
# first row), so the reader parses nothing else.
COLUMNS_USED: dict[str, tuple[str, ...]] = {
    "gp-reg-pat-prac-lsoa": ("PRACTICE_CODE", "PRACTICE_NAME", "LSOA_CODE", "SEX", "NUMBER_OF_PATIENTS"),
    # a national postcode directory has 2.7 million rows and about 50 columns: read two
    "ons-postcode-directory": (*postcodes.DIRECTORY_POSTCODE, "LAUA", "OSLAUA", *postcodes.DIRECTORY_POINT),
    "os-code-point-open": (postcodes.CODEPOINT_POSTCODE, postcodes.CODEPOINT_LAD, *postcodes.CODEPOINT_POINT),
}


# Read as numbers when every cell is one: counts as integers, coordinates as floats.
NUMERIC_COLUMNS: dict[str, type] = {
    "NUMBER_OF_PATIENTS": np.int64, **dict.fromkeys((*postcodes.DIRECTORY_POINT, *postcodes.CODEPOINT_POINT), np.float64),
}


def columns_used(header: Sequence[str]) -> tuple[set[str], dict[str, type]] | None:
    """The original header names a big published file's mapping needs (and the numeric type
    of those holding counts or coordinates), else None: read everything."""
    fmt = identify_headers([norm(h) for h in header])
    if fmt is None or fmt.name not in COLUMNS_USED:
        return None
    wanted = set(COLUMNS_USED[fmt.name])
    used = {h for h in header if norm(h) in wanted or (fmt.name == "ons-postcode-directory"
                                                       and postcodes.DIRECTORY_LAD.fullmatch(norm(h)))}
    return used, {h: NUMERIC_COLUMNS[norm(h)] for h in used if norm(h) in NUMERIC_COLUMNS}


def identify_headers(headers: Sequence[str]) -> Format | None:
    h = set(headers)
    for fmt in FORMATS:
        if fmt.test(h):
            return fmt
    roles = _ons_columns(list(headers))
    if set(roles) & ONS_ANCHORS:
        return Format("ons-lookup", lambda _h: True, map_ons)
    return None


@dataclass
class Identified:
    fmt: Format

    def map(self, raw: RawTable, problems: Problems) -> tuple[list[Table], list[postcodes.PostcodeLookup]]:
        """The contract tables a published table becomes, and the postcode lookup it is (if one)."""
        mapper = Mapper(raw, self.fmt.name, problems)
        tables = self.fmt.mapper(mapper)
        return tables, mapper.lookups


def identify(raw: RawTable) -> Identified | None:
    header = list(raw.first_row) or list(raw.frame.columns)  # the whole header, even columns not parsed
    fmt = identify_headers([norm(c) for c in header])
    return Identified(fmt) if fmt is not None else None
