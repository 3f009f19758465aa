"""Postcode lookups as published: where each postcode is, by local authority (a Place).

Two formats are read:

- the ONS Postcode Directory (ONSPD) and National Statistics Postcode Lookup (NSPL):
  `pcds` (or `pcd`, `pcd2`, `pcd7`, `pcd8`), the local authority `laua` / `oslaua` /
  `ladNNcd`, and `doterm` (terminated postcodes are kept: a closed practice's postcode
  may be one);
- Ordnance Survey Code-Point Open: `Postcode` and `Admin_district_code`, with the
  publisher's header or headerless as its data files come (`Data/CSV/*.csv`).

A lookup is not stored in the graph (a national one has 2.7 million postcodes): the load it
is part of uses it to locate practices by their postcode (see `locate.py`). Postcodes are
compared without spaces and case (`l1 0aa` = `L1  0AA`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}", re.IGNORECASE)

# Normalised header names (see nhs.norm): the postcode and the local authority columns.
DIRECTORY_POSTCODE = ("PCDS", "PCD", "PCD2", "PCD7", "PCD8")
DIRECTORY_LAD = re.compile(r"LAUA|OSLAUA|LAD\d\dCD")
CODEPOINT_POSTCODE = "POSTCODE"
CODEPOINT_LAD = "ADMIN_DISTRICT_CODE"

# Code-Point Open's data files have no header row: the publisher's long-form column names
# (Doc/Code-Point_Open_Column_Headers.csv).
CODEPOINT_COLUMNS = (
    "Postcode", "Positional_quality_indicator", "Eastings", "Northings", "Country_code",
    "NHS_regional_HA_code", "NHS_HA_code", "Admin_county_code", "Admin_district_code", "Admin_ward_code",
)
_COUNTRY = re.compile(r"[ESWN]92\d{6}")


def normalise(values: pd.Series) -> pd.Series:
    """Postcodes compared without spaces and case: ` l1  0aa ` -> `L10AA`."""
    return values.astype(str).str.replace(r"\s+", "", regex=True).str.upper()


@dataclass
class PostcodeLookup:
    """One published postcode file, reduced to what locating needs."""

    display: str  # the file, as problems and reports name it
    format: str
    as_of: dt.date | None
    number: int  # position in the load: among equals, the later file wins
    places: pd.Series  # normalised postcode -> local authority (ONS LAD) code

    @property
    def rank(self) -> tuple[int, int]:
        return (self.as_of.toordinal() if self.as_of else 0, self.number)


def directory_columns(headers: set[str]) -> tuple[str, str] | None:
    """(postcode, local authority) normalised headers of an ONSPD / NSPL file, else None."""
    postcode = next((h for h in DIRECTORY_POSTCODE if h in headers), None)
    lad = next((h for h in sorted(headers) if DIRECTORY_LAD.fullmatch(h)), None)
    return (postcode, lad) if postcode and lad else None


def is_directory(headers: set[str]) -> bool:
    return directory_columns(headers) is not None


def is_codepoint(headers: set[str]) -> bool:
    return CODEPOINT_POSTCODE in headers and CODEPOINT_LAD in headers


def codepoint_headerless(cells: list[str]) -> bool:
    """A Code-Point Open data row (its files have no header): postcode, quality, easting,
    northing, country code, ..., local authority, ward."""
    if len(cells) != len(CODEPOINT_COLUMNS):
        return False
    cells = [c.strip() for c in cells]
    return (POSTCODE.fullmatch(cells[0]) is not None and cells[1].isdigit() and cells[2].isdigit()
            and cells[3].isdigit() and _COUNTRY.fullmatch(cells[4]) is not None)


def lookup(postcodes: pd.Series, places: pd.Series) -> pd.Series:
    """normalised postcode -> LAD code, for the rows with both (the first row of a repeated postcode)."""
    frame = pd.DataFrame({"k": normalise(postcodes.astype(object)).to_numpy(),
                          "lad": places.astype(object).to_numpy()})
    frame = frame[(frame["k"] != "") & (frame["lad"] != "")]
    frame = frame.drop_duplicates("k")
    return pd.Series(frame["lad"].to_numpy(dtype=object), index=pd.Index(frame["k"].to_numpy(dtype=object)), dtype=object)


def combined(lookups: list[PostcodeLookup]) -> pd.Series:
    """Every lookup of a load as one: where two disagree, the newer edition (then the later file) wins."""
    if not lookups:
        return pd.Series(dtype=object)
    ordered = sorted(lookups, key=lambda lk: lk.rank, reverse=True)
    parts = pd.concat([lk.places for lk in ordered])
    return parts[~parts.index.duplicated(keep="first")]


__all__ = ["CODEPOINT_COLUMNS", "PostcodeLookup", "codepoint_headerless", "combined", "lookup", "normalise"]
