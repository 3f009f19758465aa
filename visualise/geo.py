"""Geometry for the maps: stored boundaries decoded, unions (derived footprints), a flat projection
and SVG path data. shapely is imported here only, when a map is drawn.

The projection is equirectangular about the map's middle latitude (x scaled by its cosine):
at the size of an ICS (a degree or two) it differs from the British National Grid by well
under a pixel, needs no library, and is what the page and the PNG/SVG both use.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

UNITS = 10_000  # the projected map's larger side, in SVG units (integers in the page)


def decode(texts: Sequence[str | None]) -> list[Any]:
    """Stored GeoJSON geometries as shapely geometries (None where blank or unreadable)."""
    import shapely

    out: list[Any] = [None] * len(texts)
    present = [i for i, t in enumerate(texts) if t]
    if not present:
        return out
    values = np.array([texts[i] for i in present], dtype=object)
    try:
        shapes = shapely.from_geojson(values)
    except shapely.errors.GEOSException:  # one bad cell: decode one by one
        shapes = np.array([_decode_one(v) for v in values], dtype=object)
    for i, shape in zip(present, shapes, strict=True):
        if shape is not None and not shape.is_empty and shape.geom_type in ("Polygon", "MultiPolygon"):
            out[i] = shape if shape.is_valid else shapely.make_valid(shape)
    return out


def _decode_one(text: str) -> Any:
    import shapely

    try:
        return shapely.from_geojson(text)
    except shapely.errors.GEOSException:
        return None


def union(shapes: Iterable[Any]) -> Any:
    """The union of neighbouring areas (a neighbourhood, a Place): a coverage union when they
    tile without overlapping (fast), else a full union."""
    import shapely

    parts = np.array([s for s in shapes if s is not None], dtype=object)
    if len(parts) == 0:
        return None
    if len(parts) == 1:
        return parts[0]
    merged = _coverage_union(parts)
    if merged is not None:
        return merged
    # Two editions of the same ground (an LSOA of 2011 and the 2021 ones it was split into)
    # overlap: the Areas whose edges do not match their neighbours' are unioned apart (few).
    bad = ~shapely.is_empty(shapely.coverage_invalid_edges(parts))
    if bad.any() and not bad.all():
        rest = _coverage_union(parts[~bad])
        if rest is not None:
            return shapely.union_all(np.concatenate([[rest], shapely.make_valid(parts[bad])]), grid_size=1e-6)
    return shapely.union_all(shapely.make_valid(parts), grid_size=1e-6)


def _coverage_union(parts: np.ndarray) -> Any:
    """The union of polygons that tile (fast), or None when they do not."""
    import shapely

    try:
        merged = shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:
        return None
    total = float(shapely.area(parts).sum())
    if merged.is_valid and abs(merged.area - total) <= 1e-6 * max(total, 1e-12):
        return merged
    return None


def bounds(shapes: Iterable[Any], points: Iterable[tuple[float, float]] = ()) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the shapes and (lon, lat) points given."""
    import shapely

    boxes = [shapely.bounds(s) for s in shapes if s is not None]
    boxes += [(lon, lat, lon, lat) for lon, lat in points]
    if not boxes:
        return None
    array = np.array(boxes, dtype=float)
    return float(array[:, 0].min()), float(array[:, 1].min()), float(array[:, 2].max()), float(array[:, 3].max())


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to a flat plane, y down, the bounds' larger side `UNITS` long."""

    west: float
    north: float
    k: float  # cos(middle latitude): a degree of longitude is this much of a degree of latitude
    scale: float  # units per degree of latitude
    width: float
    height: float

    @classmethod
    def fit(cls, box: tuple[float, float, float, float], margin: float = 0.04) -> Projection:
        west, south, east, north = box
        k = math.cos(math.radians((south + north) / 2))
        span_x, span_y = max((east - west) * k, 1e-4), max(north - south, 1e-4)
        pad = margin * max(span_x, span_y)
        west, east = west - pad / k, east + pad / k
        south, north = south - pad, north + pad
        span_x, span_y = (east - west) * k, north - south
        scale = UNITS / max(span_x, span_y)
        return cls(west, north, k, scale, span_x * scale, span_y * scale)

    def xy(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        return ((np.asarray(lon) - self.west) * self.k * self.scale, (self.north - np.asarray(lat)) * self.scale)

    def rings(self, shape: Any) -> list[np.ndarray]:
        """Every ring of a (Multi)Polygon as an (n, 2) array of projected points."""
        out = []
        for polygon in getattr(shape, "geoms", [shape]):
            if polygon.geom_type != "Polygon":
                continue
            for ring in (polygon.exterior, *polygon.interiors):
                lonlat = np.asarray(ring.coords, dtype=float)
                if len(lonlat) >= 3:
                    x, y = self.xy(lonlat[:, 0], lonlat[:, 1])
                    out.append(np.column_stack([x, y]))
        return out

    def path(self, shape: Any) -> str:
        """SVG path data: each ring `M x y` then relative integer steps, closed (`z`); empty
        when the shape is smaller than a unit."""
        if shape is None:
            return ""
        parts = []
        for ring in self.rings(shape):
            points = np.rint(ring).astype(np.int64)
            steps = np.diff(points, axis=0)
            steps = steps[(steps != 0).any(axis=1)]
            if len(steps) < 2:
                continue
            parts.append(f"M{points[0, 0]} {points[0, 1]}l" + _numbers(steps.ravel()) + "z")
        return "".join(parts)


def _numbers(values: np.ndarray) -> str:
    """Integers as SVG path numbers: a space between them, none before a minus sign."""
    return " ".join(map(str, values.tolist())).replace(" -", "-")


__all__ = ["UNITS", "Projection", "bounds", "decode", "union"]
