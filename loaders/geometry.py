"""A boundary as the graph keeps it: a compact GeoJSON Polygon or MultiPolygon, lon/lat to 5 decimals.

GeoJSON, so that anyone can read an exported `geometry` cell (QGIS, shapely, `json.loads`);
compact (no spaces) and quantised to 1e-5 degree (about a metre), which is far finer than
the simplification a boundary file gets when it is read (`boundaries.TOLERANCE_M`). A cell
of the partnership's own areas.csv / places.csv is checked and normalised the same way, so
an exported store loads back unchanged: normalising a normalised geometry gives it back.

The checks are about shape and ranges, never about topology (the map copes with a
self-touching ring; a boundary file is simplified with shapely), and vectorised (numpy).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

DECIMALS = 5
# A workbook cell holds 32,767 characters: a geometry stays below that so that an export to
# Excel keeps it (a boundary file's geometries are simplified further until they fit).
MAX_CHARS = 32_000
TYPES = ("Polygon", "MultiPolygon")


def _ring(ring: Any) -> list[list[float]]:
    """One ring checked and quantised (vectorised: a national file has millions of positions)."""
    if not isinstance(ring, (list, tuple)) or len(ring) < 4:
        raise ValueError("a ring needs at least 4 positions (the first repeated at the end)")
    try:
        xy = np.asarray(ring, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("a position is not [longitude, latitude] numbers") from None
    if xy.ndim != 2 or xy.shape[1] < 2:
        raise ValueError("a position is not [longitude, latitude]")
    xy = xy[:, :2]
    if not np.isfinite(xy).all():
        raise ValueError("a coordinate is not a number")
    outside = (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    if outside.any():
        lon, lat = xy[np.flatnonzero(outside)[0]]
        raise ValueError(f"position [{lon:g}, {lat:g}] is not a longitude and latitude (WGS 84)")
    xy = np.round(xy, DECIMALS) + 0.0  # + 0.0: no -0.0
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = (xy[1:] != xy[:-1]).any(axis=1)  # quantising may merge neighbours
    xy = xy[keep]
    if len(xy) and (xy[0] != xy[-1]).any():
        xy = np.vstack([xy, xy[:1]])
    return xy.tolist()


def _polygon(rings: Any) -> list[list[list[float]]] | None:
    if not isinstance(rings, (list, tuple)) or not rings:
        raise ValueError("a polygon needs at least one ring")
    out = []
    for i, ring in enumerate(rings):
        clean = _ring(ring)
        if len(clean) >= 4:
            out.append(clean)
        elif i == 0:
            return None  # an outer ring smaller than the quantum: nothing left to draw
    return out


def normalise(value: Any) -> str:
    """A GeoJSON geometry (text or parsed) as the graph keeps it; ValueError says what is wrong."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("not a GeoJSON geometry (the text is not JSON)") from None
    if not isinstance(value, dict) or value.get("type") not in TYPES:
        raise ValueError("not a GeoJSON Polygon or MultiPolygon")
    coordinates = value.get("coordinates")
    if value["type"] == "Polygon":
        polygons = [coordinates]
    elif isinstance(coordinates, (list, tuple)):
        polygons = coordinates
    else:
        raise ValueError("a MultiPolygon's coordinates are not a list of polygons")
    kept = [p for p in (_polygon(p) for p in polygons) if p]
    if not kept:
        raise ValueError("the geometry is empty (or smaller than about a metre)")
    geometry = {"type": "Polygon", "coordinates": kept[0]} if len(kept) == 1 else {
        "type": "MultiPolygon", "coordinates": kept}
    text = json.dumps(geometry, separators=(",", ":"))
    if len(text) > MAX_CHARS:
        raise ValueError(f"the geometry is {len(text):,} characters long; icpmap keeps at most {MAX_CHARS:,} "
                         "(simplify it, or load the boundary file, which icpmap simplifies itself)")
    return text


def parse_geometry(text: str) -> str:
    """The loaders' parser for a `geometry` cell."""
    return normalise(str(text).strip())


def rings(text: str) -> list[list[list[list[float]]]]:
    """A kept geometry as a list of polygons, each a list of rings of [lon, lat]."""
    value = json.loads(text)
    return [value["coordinates"]] if value["type"] == "Polygon" else value["coordinates"]


__all__ = ["DECIMALS", "MAX_CHARS", "normalise", "parse_geometry", "rings"]
