"""Boundary files as the ONS Open Geography Portal publishes them: GeoJSON, one feature per area.

A FeatureCollection in longitude/latitude (WGS 84, `CRS84`), or in British National Grid when
its `crs` says EPSG:27700 (converted with pyproj), is read into a table whose columns are the
features' properties plus `geometry`. It is recognised by its code field, the finest present:

- an Area: `LSOA11CD`, `LSOA21CD` (any year), `MSOA21CD`, `WD22CD`, ... (`kind` lsoa, msoa, ward),
  with `LAD22CD` too when the file gives each Area's local authority;
- a Place (local authority): `LAD22CD`, `LTLA23CD`, `UTLA22CD`, `CTYUA22CD`, ... (upper case
  or lower case, as the portal's downloads and its API spell them).

Its name field (`LSOA21NM`, `LAD22NM`, ...) gives the name. The edition is the code field's year,
so where two editions give one code (an LSOA of 2011 and 2021), the newer geometry wins.

Every geometry of a load is simplified once, after `--ics` has kept the ICS's features: all
the features keyed by one code field (one coverage, over however many files) together, with
shapely's coverage simplification, so that neighbours keep sharing their edges (no slivers,
no overlaps). Tolerance: `TOLERANCE_M`. Then each is kept as compact GeoJSON (`geometry.py`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import geometry
from .problems import Problems
from .read import RawTable, SourceFile, tidy_header

GEOMETRY = "geometry"  # the column holding each feature's geometry (a GeoJSON dict until simplified)
# How much detail a boundary keeps: Visvalingam-Whyatt simplification (of a whole coverage)
# removes the corners whose triangle with its neighbours is smaller than a square of this
# side. 20 m keeps an LSOA as the ONS generalised (BGC) edition draws it (C&M: half within 4 m,
# 99% within 72 m), far finer than a pixel of an ICS map (~100 m) and about one of a Place map;
# a full-resolution (BFC) file comes down to about as many points, so an ICS map of its 1,601
# LSOAs is a page of well under a megabyte. Places (drawn as their LSOAs' union when those have
# boundaries) are bigger: 50 m.
TOLERANCE_M = {"area": 20.0, "place": 50.0}
METRES_PER_DEGREE = 111_320.0
BNG = re.compile(r"27700")
WGS84 = re.compile(r"CRS84|4326")

# (role, kind, code field, name field), normalised (upper-case) headers; finest first.
ROLES: tuple[tuple[str, str, str, str], ...] = (
    ("area", "oa", r"OA\d\dCD", r"OA\d\dNM"),
    ("area", "lsoa", r"LSOA\d\dCD|LSOA\d\d_CODE|LSOA_CODE", r"LSOA\d\dNM|LSOA\d\d_NAME|LSOA_NAME"),
    ("area", "msoa", r"MSOA\d\dCD|MSOA\d\d_CODE", r"MSOA\d\dNM|MSOA\d\d_NAME"),
    ("area", "ward", r"WD\d\dCD|WARD\d\d_CODE", r"WD\d\dNM|WARD\d\d_NAME"),
    ("place", "lad", r"LAD\d\dCD|LTLA\d\dCD|LAD\d\d_CODE|LTLA\d\d_CODE|LAD_CODE", r"LAD\d\dNM|LTLA\d\dNM|LAD\d\d_NAME|LTLA\d\d_NAME|LAD_NAME"),
    ("place", "utla", r"UTLA\d\dCD|CTYUA\d\dCD|UTLA\d\d_CODE", r"UTLA\d\dNM|CTYUA\d\dNM|UTLA\d\d_NAME"),
)
LAD_FIELD = ROLES[4][2]
FORMAT = "ons-boundaries"


@dataclass(frozen=True)
class Key:
    """What a boundary file's features are, by its code field."""

    role: str  # area | place
    kind: str  # lsoa, msoa, ward, oa | lad, utla
    code: str  # the file's own header of the code field
    name: str | None
    lad: str | None  # an Area file's local authority field, if any
    lad_name: str | None = None


def key_of(headers: list[str]) -> Key | None:
    """The code field of a boundary file's features (the finest geography it has), else None."""
    normalised = {_norm(h): h for h in headers if h != GEOMETRY}
    for role, kind, code_rx, name_rx in ROLES:
        codes = sorted(h for h in normalised if re.fullmatch(code_rx, h))
        if not codes:
            continue
        code = codes[-1]  # several editions in one file: the latest year
        year = re.search(r"\d\d", code)
        names = [h for h in normalised if re.fullmatch(name_rx, h)]
        name = next((n for n in names if year and year.group(0) in n), names[0] if names else None)
        lad = lad_name = None
        if role == "area":
            lads = sorted(h for h in normalised if re.fullmatch(LAD_FIELD, h))
            lad = normalised[lads[-1]] if lads else None
            if lads:
                lad_names = [h for h in normalised if re.fullmatch(ROLES[4][3], h) and h[:-2] == lads[-1][:-2]]
                lad_name = normalised[lad_names[0]] if lad_names else None
        return Key(role, kind, normalised[code], normalised[name] if name else None, lad, lad_name)
    return None


def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", str(header)).strip().upper()


def edition(header: str) -> int | None:
    """The year of a code field (`LSOA21CD` -> 2021)."""
    m = re.search(r"(\d\d)(?=CD|_CODE)", _norm(header))
    return 2000 + int(m.group(1)) if m else None


# -- reading -----------------------------------------------------------------------------------


def read_geojson(source: SourceFile, data: bytes, problems: Problems) -> RawTable | None:
    """A GeoJSON FeatureCollection as a table: one row per feature, its properties as text and
    its geometry (a GeoJSON dict, in longitude/latitude) in `geometry`."""
    display = source.display
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.add(display, None, None, None, "not a GeoJSON file: it is not UTF-8 text")
        return None
    except json.JSONDecodeError as exc:
        problems.add(display, None, None, None, f"not a readable GeoJSON file: {exc.msg} at line {exc.lineno}")
        return None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        problems.add(display, None, None, None, "not a GeoJSON FeatureCollection (icpmap reads boundary files as "
                     "the ONS Open Geography Portal publishes them)")
        return None
    crs = json.dumps(collection.get("crs") or "")
    from_bng = bool(BNG.search(crs))
    if collection.get("crs") and not from_bng and not WGS84.search(crs):
        problems.add(display, None, "crs", crs, "a boundary file must be in longitude/latitude (WGS 84) or British "
                     "National Grid (EPSG:27700)")
        return None
    features = collection["features"]
    names: dict[str, None] = {}
    rows: list[dict[str, str]] = []
    shapes: list[Any] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            problems.add(display, number, None, None, "not a GeoJSON Feature")
            continue
        props = feature.get("properties") or {}
        row = {tidy_header(k): ("" if v is None else str(v)) for k, v in props.items()}
        names.update(dict.fromkeys(row))
        rows.append(row)
        shapes.append(feature.get("geometry"))
    header = [n for n in names if n != GEOMETRY] + [GEOMETRY]
    frame = pd.DataFrame([[r.get(h, "") for h in header[:-1]] for r in rows], columns=header[:-1], dtype=object)
    frame[GEOMETRY] = pd.Series(shapes, index=frame.index, dtype=object)
    lines = np.arange(1, len(rows) + 1, dtype=np.int64)
    first = {h: (rows[0].get(h, "") if rows else "") for h in header}
    source.crs = "EPSG:27700" if from_bng else "EPSG:4326"
    return RawTable(display, source.path.stem, frame, lines, source, first_row=first)


def is_boundaries(raw: RawTable) -> bool:
    return raw.file.kind == "geojson"


# -- simplifying: once per load, per coverage -------------------------------------------------


def simplify(tables: list[RawTable], problems: Problems) -> None:
    """Replace each boundary table's geometries by their simplified, compact GeoJSON text (''
    where a feature has none), every coverage (features keyed by one code field) at once."""
    groups: dict[tuple[str, str], list[RawTable]] = {}
    for raw in tables:
        key = key_of(list(raw.frame.columns))
        if key is None:
            continue
        groups.setdefault((key.role, _norm(key.code)), []).append(raw)
    for (role, _), members in groups.items():
        _simplify_group(members, TOLERANCE_M[role], problems)


def _simplify_group(members: list[RawTable], tolerance_m: float, problems: Problems) -> None:
    import shapely

    parts = []
    for raw in members:
        shapes = _shapes(raw, problems)
        parts.append(shapes)
    everything = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
    present = ~shapely.is_missing(everything)
    if not present.any():
        for raw in members:
            raw.frame[GEOMETRY] = ""
        return
    lat0 = float(np.nanmean(shapely.bounds(everything[present])[:, [1, 3]]))
    scale = math.cos(math.radians(lat0))  # x in degrees of latitude: one unit is the same distance both ways
    local = shapely.transform(everything, lambda xy: xy * [scale, 1.0])
    tolerance = tolerance_m / METRES_PER_DEGREE
    simplified = _coverage_simplify(local, present, tolerance)
    texts = np.array([_text(g, scale, tolerance) for g in simplified], dtype=object)
    start = 0
    for raw, shapes in zip(members, parts, strict=True):
        raw.frame[GEOMETRY] = pd.Series(texts[start:start + len(shapes)], index=raw.frame.index, dtype=object)
        start += len(shapes)


def _coverage_simplify(local: np.ndarray, present: np.ndarray, tolerance: float) -> np.ndarray:
    """Neighbours simplified together (shared edges stay shared); a coverage GEOS cannot take
    (overlapping features) is simplified feature by feature instead."""
    import shapely

    out = local.copy()
    polygons = present & np.isin(shapely.get_type_id(local), (3, 6))  # Polygon, MultiPolygon
    if polygons.any():
        try:
            out[polygons] = shapely.coverage_simplify(local[polygons], tolerance)
        except shapely.errors.GEOSException:
            out[polygons] = shapely.simplify(local[polygons], tolerance, preserve_topology=True)
    return out


def _text(geom: Any, scale: float, tolerance: float) -> str:
    """A simplified geometry back in longitude/latitude as GeoJSON text ('' when empty); one
    still too long for a workbook cell is simplified more, on its own. (Validation then gives
    it the graph's exact form, `geometry.normalise`.)"""
    import shapely

    if geom is None or shapely.is_empty(geom):
        return ""
    for attempt in range(8):
        lonlat = shapely.transform(geom, lambda xy: np.round(xy / [scale, 1.0], geometry.DECIMALS))
        text = shapely.to_geojson(lonlat)
        if len(text) <= geometry.MAX_CHARS:
            return text
        geom = shapely.simplify(geom, tolerance * 2 ** (attempt + 1), preserve_topology=True)
    return ""


def _shapes(raw: RawTable, problems: Problems) -> np.ndarray:
    """The table's geometries as shapely Polygons/MultiPolygons in longitude/latitude (None where
    a feature has no area to draw); a geometry that is not one is a problem naming the feature."""
    import shapely
    from shapely.geometry import shape

    key = key_of(list(raw.frame.columns))
    codes = raw.frame[key.code] if key is not None and key.code in raw.frame.columns else None
    out = np.empty(len(raw.frame), dtype=object)
    bng = raw.file.crs == "EPSG:27700"
    for i, value in enumerate(raw.frame[GEOMETRY]):
        if isinstance(value, str):  # already text (a table read twice)
            out[i] = shapely.from_geojson(value) if value else None
            continue
        if value is None:
            out[i] = None
            continue
        try:
            geom = shape(value)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
            problems.add(raw.display, int(raw.lines[i]), GEOMETRY, codes.iat[i] if codes is not None else None,
                         f"not a GeoJSON geometry ({exc})")
            out[i] = None
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            polygons = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
            geom = shapely.union_all(polygons) if polygons else None
        out[i] = None if geom is None or geom.is_empty else geom
    if bng:
        out = _from_bng(out)
    present = ~shapely.is_missing(out)
    if present.any():
        bounds = shapely.bounds(out[present])
        bad = (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
        for i in np.flatnonzero(present)[bad][: problems.cap]:
            problems.add(raw.display, int(raw.lines[i]), GEOMETRY, codes.iat[i] if codes is not None else None,
                         "coordinates are not longitude/latitude (WGS 84); a file in British National Grid must "
                         "say so in its crs (EPSG:27700)")
        invalid = present.copy()
        invalid[present] = ~shapely.is_valid(out[present])
        if invalid.any():
            out[invalid] = shapely.make_valid(out[invalid])
    return out


def _from_bng(shapes: np.ndarray) -> np.ndarray:
    """Eastings/northings (EPSG:27700) to longitude/latitude (EPSG:4326), with pyproj."""
    import shapely
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(shapes, convert)


# -- mapping onto the contract --------------------------------------------------------------------


def map_boundaries(m: Any) -> list:
    """The Places or Areas a boundary file gives, each with its geometry (see `nhs.Mapper`)."""
    from .nhs import Derived

    key = key_of(list(m.raw.frame.columns))
    assert key is not None
    year = edition(key.code)
    if year is not None:
        import datetime as dt

        m.as_of = dt.date(year, 1, 1)
    shapes = Derived(m.raw.frame[GEOMETRY].astype(object), GEOMETRY)
    cols: dict[str, Any] = {"code": key.code, "geometry": shapes}
    if key.name:
        cols["name"] = key.name
    if key.role == "place":
        return [m.table("places", cols, dedupe=["code"], drop_blank=["code"])]
    from .nhs import Const

    cols["kind"] = Const(key.kind)
    out = []
    if key.lad:  # the file says each Area's local authority: the Place, as an ONS lookup gives it
        cols["place_code"] = key.lad
        place: dict[str, Any] = {"code": key.lad}
        if key.lad_name:
            place["name"] = key.lad_name
        out.append(m.table("places", place, dedupe=["code"], drop_blank=["code"]))
    return [*out, m.table("areas", cols, dedupe=["code"], drop_blank=["code"])]


def unknown_message() -> str:
    fields = "LAD22CD, LTLA23CD, CTYUA22CD, LSOA11CD, LSOA21CD, MSOA21CD, WD22CD"
    return ("a GeoJSON file whose features have none of the ONS code fields icpmap reads boundaries by "
            f"({fields}, any year)")


__all__ = ["FORMAT", "GEOMETRY", "TOLERANCE_M", "Key", "edition", "is_boundaries", "key_of", "map_boundaries",
           "read_geojson", "simplify"]
