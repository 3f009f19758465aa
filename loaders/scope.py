"""`icpmap load --ics CODE`: keep from national files only the rows that belong to one ICS.

What belongs to the ICS is learnt from the files of the load themselves and from the store:

- its **Sub-ICB locations** (CCGs before July 2022): those a row pairs with the ICS's code
  (the practice map's CCG/Sub-ICB and STP/ICB columns, epraccur's commissioner and High
  Level Health Geography, the ONS Sub-ICB -> ICB lookups), those PART_OF it in the store,
  and those covering an LSOA of one of its Places (an older CCG such as 01C);
- its **Places** (local authorities): paired with the ICS in an ONS lookup or PART_OF it in
  the store; its **Areas**: the LSOAs and wards in those Places;
- its **practices**: those in the rows kept, and those of its Sub-ICB locations in the store.

A row of a published file is kept when any of its geography says it is the ICS's: the ICS
code itself, one of its Sub-ICB locations, Places or Areas; a file whose only geography is
the practice (gp-reg-pat-prac-lsoa-all) keeps the rows of the ICS's practices. The
partnership's own files and postcode lookups (consulted, never stored) are not filtered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import cypher
from ..errors import UserError
from ..graph.store import Store
from .nhs import _ons_columns, norm
from .read import RawTable

# Per published format: role -> the normalised headers that hold it (first found, or all for a list).
ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "gp-reg-pat-prac-map": {"ics": ("ICB_CODE", "STP_CODE"), "sub_icb": ("SUB_ICB_LOCATION_CODE", "CCG_CODE"),
                            "practice": ("PRACTICE_CODE",)},
    "gp-reg-pat-prac-all": {"sub_icb": ("SUB_ICB_LOCATION_CODE", "CCG_CODE"), "practice": ("CODE", "PRACTICE_CODE")},
    "gp-reg-pat-prac-lsoa": {"practice_only": ("PRACTICE_CODE",)},
    "epcn-core-partner-details": {
        "sub_icb": ("PRACTICE PARENT SUB ICB LOC CODE", "PRACTICE PARENT CCG CODE",
                    "PCN PARENT SUB ICB LOC CODE", "PCN PARENT CCG CODE"),
        "practice": ("PARTNER ORGANISATION CODE",),
    },
    "epcn-pcn-details": {"sub_icb": ("CURRENT SUB ICB LOC CODE", "CURRENT CLINICAL COMMISSIONING GROUP CODE",
                                     "CURRENT CCG CODE")},
    "practice-indicator": {"sub_icb": ("SUBICB_CODE", "SUB_ICB_CODE", "CCG_CODE"), "practice": ("PRACTICE_CODE",)},
    "pcn-indicator": {"sub_icb": ("SUBICB_CODE", "SUB_ICB_CODE", "CCG_CODE")},
    "ods-epraccur": {"ics": ("HIGH LEVEL HEALTH GEOGRAPHY",), "sub_icb": ("COMMISSIONER",),
                     "practice": ("ORGANISATION CODE",)},
    "ods-etr": {"ics": ("HIGH LEVEL HEALTH GEOGRAPHY",)},
}
# Every column of these roles counts (ePCN partners: the practice's parent or the PCN's).
ALL_OF = {"epcn-core-partner-details"}
NOT_FILTERED = {"os-code-point-open", "ons-postcode-directory"}  # consulted to locate practices, never stored
ONS_ROLE = {"icb": "ics", "subicb": "sub_icb", "lad": "place", "lsoa": "area", "ward": "area"}
GEOGRAPHY = ("ics", "sub_icb", "place", "area")


@dataclass
class Located:
    """A published table and the columns that say where its rows belong."""

    raw: RawTable
    fmt: str
    columns: dict[str, list[str]]  # role -> the table's own column names
    teaches: np.ndarray | None = None  # the rows whose geography pairs are facts (None: all)


def located(raw: RawTable, fmt: str) -> Located:
    """`raw` with its geography columns; epraccur's pairs are learnt from GP practices only (a
    prescribing cost centre in one ICS's geography can be commissioned by another ICS's CCG)."""
    teaches = None
    if fmt == "ods-epraccur":
        setting = {norm(c): c for c in raw.frame.columns}.get("PRESCRIBING SETTING")
        if setting is not None:
            teaches = raw.matches(setting, lambda v: v == "4")
    return Located(raw, fmt, columns_of(raw, fmt), teaches)


@dataclass
class Scope:
    ics: str
    sub_icbs: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    practices: set[str] = field(default_factory=set)


def columns_of(raw: RawTable, fmt: str) -> dict[str, list[str]]:
    """Role -> columns of `raw` (original header names) for a published format."""
    headers = {norm(c): c for c in raw.frame.columns}
    out: dict[str, list[str]] = {}
    if fmt in ("ons-lookup", "ons-lsoa-centroids", "ons-boundaries"):
        for role, pairs in _ons_columns(list(headers)).items():
            if role in ONS_ROLE:
                out.setdefault(ONS_ROLE[role], []).extend(headers[c] for c, _ in pairs)
        return out
    for role, names in ROLES.get(fmt, {}).items():
        found = [headers[n] for n in names if n in headers]
        if found:
            out[role] = found if fmt in ALL_OF else found[:1]
    return out


def _values(raw: RawTable, column: str) -> pd.Series:
    return raw.column(column).astype(object).str.upper()


def _pairs(tables: Iterable[Located], a: str, b: str) -> pd.DataFrame:
    """Distinct (a, b) code pairs found together on a row of any table."""
    parts = []
    for t in tables:
        for ca in t.columns.get(a, []):
            for cb in t.columns.get(b, []):
                pair = pd.DataFrame({"a": _values(t.raw, ca).to_numpy(), "b": _values(t.raw, cb).to_numpy()})
                if t.teaches is not None:
                    pair = pair[t.teaches]
                parts.append(pair[(pair["a"] != "") & (pair["b"] != "")].drop_duplicates())
    if not parts:
        return pd.DataFrame({"a": pd.Series(dtype=object), "b": pd.Series(dtype=object)})
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def learn(ics: str, tables: list[Located], store: Store | None) -> Scope:
    """The ICS's Sub-ICB locations, Places, Areas and (stored) practices."""
    scope = Scope(ics.strip().upper())
    if store is not None:
        q = cypher.get("load-ics-geography")
        for row in store.read(q.text, q.bind({"ics": scope.ics})).rows:
            kind, code = row[0], str(row[1])
            {"sub_icb": scope.sub_icbs, "place": scope.places, "area": scope.areas,
             "practice": scope.practices}[kind].add(code.upper())
    with_ics = {role: _pairs(tables, role, "ics") for role in ("sub_icb", "place")}
    scope.sub_icbs |= set(with_ics["sub_icb"].loc[with_ics["sub_icb"]["b"] == scope.ics, "a"])
    scope.places |= set(with_ics["place"].loc[with_ics["place"]["b"] == scope.ics, "a"])
    area_place, area_sub = _pairs(tables, "area", "place"), _pairs(tables, "area", "sub_icb")
    scope.areas |= set(area_place.loc[area_place["b"].isin(scope.places), "a"])
    scope.areas |= set(area_sub.loc[area_sub["b"].isin(scope.sub_icbs), "a"])
    scope.places |= set(area_place.loc[area_place["a"].isin(scope.areas), "b"])
    scope.sub_icbs |= set(area_sub.loc[area_sub["a"].isin(scope.areas), "b"])  # older CCGs of those LSOAs
    return scope


def keep_rows(t: Located, scope: Scope) -> np.ndarray:
    """Which rows of a published table belong to the ICS."""
    n = len(t.raw.frame)
    if "practice_only" in t.columns:
        return _values(t.raw, t.columns["practice_only"][0]).isin(scope.practices).to_numpy()
    judged = [role for role in GEOGRAPHY if role in t.columns]
    if not judged:
        return np.ones(n, dtype=bool)  # nothing in it says where a row is: keep it
    keep = np.zeros(n, dtype=bool)
    wanted = {"ics": {scope.ics}, "sub_icb": scope.sub_icbs, "place": scope.places, "area": scope.areas}
    for role in judged:
        for column in t.columns[role]:
            codes, uniques = t.raw.coded(column)
            ok = np.array([str(u).upper() in wanted[role] for u in uniques] + [False], dtype=bool)
            keep |= ok[codes]
    return keep


def subset(raw: RawTable, keep: np.ndarray) -> RawTable:
    """The rows of `raw` kept (their line numbers stay as the user sees them)."""
    return RawTable(raw.display, raw.stem, raw.frame.iloc[np.flatnonzero(keep)].reset_index(drop=True),
                    raw.lines[keep], raw.file, headerless=raw.headerless, first_row=raw.first_row)


def apply(ics: str, tables: list[Located], store: Store | None) -> tuple[Scope, dict[int, np.ndarray]]:
    """The scope, and per table (by id) the rows to keep. Practice-only files are judged last,
    against the practices of every other table's kept rows."""
    scope = learn(ics, tables, store)
    if not (scope.sub_icbs or scope.places):
        raise UserError(
            f"--ics {scope.ics}: nothing in these files or in the store says which Sub-ICB locations or local "
            f"authorities belong to {scope.ics}. Load it with a file that does (the practice map, epraccur, or the "
            "ONS LSOA -> Sub-ICB -> ICB lookup), or check the code (an ICB's ODS code, e.g. QYG)."
        )
    keeps: dict[int, np.ndarray] = {}
    for t in tables:
        if "practice_only" in t.columns:
            continue
        keep = keep_rows(t, scope)
        keeps[id(t)] = keep
        for column in t.columns.get("practice", []):
            scope.practices |= set(_values(t.raw, column)[keep])
    for t in tables:
        if "practice_only" in t.columns:
            keeps[id(t)] = keep_rows(t, scope)
    return scope, keeps


__all__ = ["NOT_FILTERED", "Located", "Scope", "apply", "columns_of", "located", "subset"]
