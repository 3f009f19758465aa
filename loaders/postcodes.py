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

import numpy as np
import pandas as pd

POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}", re.IGNORECASE)

# Normalised header names (see nhs.norm): the postcode and the local authority columns.
DIRECTORY_POSTCODE = ("PCDS", "PCD", "PCD2", "PCD7", "PCD8")
DIRECTORY_LAD = re.compile(r"LAUA|OSLAUA|LAD\d\dCD")
CODEPOINT_POSTCODE = "POSTCODE"
CODEPOINT_LAD = "ADMIN_DISTRICT_CODE"
# Each postcode's point: the directory's latitude/longitude (99.999999 where it has no grid
# reference), Code-Point's eastings/northings (British National Grid).
DIRECTORY_POINT = ("LAT", "LONG")
CODEPOINT_POINT = ("EASTINGS", "NORTHINGS")
WGS84, BNG = "EPSG:4326", "EPSG:27700"

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
    points: pd.DataFrame | None = None  # normalised postcode -> x, y (as the file gives them, in `crs`)
    crs: str = WGS84  # x, y: longitude/latitude, or eastings/northings (BNG)

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


def points(postcodes: pd.Series, x: pd.Series, y: pd.Series, crs: str) -> pd.DataFrame:
    """normalised postcode -> (x, y), for the rows with a real point (the first row of a repeated
    postcode): a directory's 99.999999 latitude and Code-Point's 0 eastings mean "no point"."""
    frame = pd.DataFrame({"k": normalise(postcodes.astype(object)).to_numpy(),
                          "x": pd.to_numeric(pd.Series(np.asarray(x, dtype=object)), errors="coerce").to_numpy(),
                          "y": pd.to_numeric(pd.Series(np.asarray(y, dtype=object)), errors="coerce").to_numpy()})
    if crs == BNG:
        ok = (frame["x"] > 0) & (frame["y"] > 0) & (frame["x"] < 800_000) & (frame["y"] < 1_400_000)
    else:
        ok = frame["x"].between(-180, 180) & frame["y"].between(-90, 90) & ~((frame["x"] == 0) & (frame["y"] == 0))
    frame = frame[ok & (frame["k"] != "")].drop_duplicates("k")
    return frame.set_index("k")[["x", "y"]]


def lonlat(lookup: PostcodeLookup, wanted: list[str]) -> pd.DataFrame:
    """The longitude/latitude of the normalised postcodes `wanted` that `lookup` places (BNG
    eastings/northings converted with pyproj, only for these few)."""
    if lookup.points is None:
        return pd.DataFrame({"lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float)})
    found = lookup.points.loc[lookup.points.index.intersection(pd.Index(wanted, dtype=object))]
    if lookup.crs == BNG and len(found):
        from pyproj import Transformer

        to_wgs84 = Transformer.from_crs(BNG, WGS84, always_xy=True)
        lon, lat = to_wgs84.transform(found["x"].to_numpy(), found["y"].to_numpy())
    else:
        lon, lat = found["x"].to_numpy(), found["y"].to_numpy()
    return pd.DataFrame({"lon": np.round(lon, 6), "lat": np.round(lat, 6)}, index=found.index)


def combined(lookups: list[PostcodeLookup]) -> pd.Series:
    """Every lookup of a load as one: where two disagree, the newer edition (then the later file) wins."""
    if not lookups:
        return pd.Series(dtype=object)
    ordered = sorted(lookups, key=lambda lk: lk.rank, reverse=True)
    parts = pd.concat([lk.places for lk in ordered])
    return parts[~parts.index.duplicated(keep="first")]


__all__ = ["CODEPOINT_COLUMNS", "PostcodeLookup", "codepoint_headerless", "combined", "lonlat", "lookup", "normalise",
           "points"]
