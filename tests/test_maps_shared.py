"""Maps of the real published files (../shared/data): ONS boundaries, the geocoded practice file,
Code-Point Open. Skipped where the shared data folder is absent.

The boundaries are the 9 C&M local authorities (ultra generalised, BUC) and their LSOAs of 2011
and 2021 (generalised, BGC), one file per local authority; the checks compare what the store
keeps and the map draws with the files themselves, read here with json and shapely.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from icpmap.graph import Store
from icpmap.loaders import load_paths
from icpmap.visualise import build_map
from icpmap.visualise.map_page import render_map_html

from .conftest import ENGINES

pytestmark = pytest.mark.shared_data
BUC_GENERALISATION_M = 500  # the ONS "ultra generalised" boundaries are generalised to 500 m
METRES = 111_320  # per degree of latitude


def features(path: Path, code: str) -> dict[str, object]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"][code]: shape(f["geometry"]) for f in collection["features"]}


@pytest.fixture(scope="module", params=ENGINES)
def cm(request, shared_data: Path, tmp_path_factory, open_store_for):  # type: ignore[no-untyped-def]
    store = open_store_for(request.param, tmp_path_factory.mktemp("cm-maps") / "db")
    load_paths(store, [shared_data], ics="QYG")
    yield store
    store.close()


def test_every_lsoa_is_drawn_in_its_place_and_within_the_ons_boundary(cm: Store, shared_data: Path) -> None:
    folder = shared_data / "ons" / "boundaries"
    lads = features(folder / "lad22_buc_cm.geojson", "LAD22CD")
    data = build_map(cm, ics="QYG")
    assert len(data.own_places()) == 9
    drawn = {a.code: a for a in data.drawn_areas()}
    checked = 0
    distances = []
    for path in sorted((folder / "lsoa21_bgc_drkane").glob("lsoa21_*.geojson")):
        lad = path.stem.split("_")[1]
        place = data.places[lad]
        assert place.outline_from == "areas"  # the union of its LSOAs, not the coarser BUC outline
        for code, original in features(path, "LSOA21CD").items():
            area = drawn[code]
            assert area.place == lad and not area.context, code
            assert area.shape.difference(place.shape).area <= 1e-4 * area.shape.area, code  # slivers of ~1 m
            # the two ONS editions agree to their generalisation (BUC: 500 m)
            point = area.shape.representative_point()
            assert lads[lad].distance(point) * METRES <= BUC_GENERALISATION_M, code
            # what the store keeps is the file's boundary, simplified (20 m: thin spikes go further)
            distances.append(shapely.hausdorff_distance(area.shape, original) * METRES)
            assert shapely.symmetric_difference(area.shape, shapely.make_valid(original)).area <= 0.05 * original.area
            checked += 1
    assert checked == 1601
    assert np.median(distances) < 10 and np.percentile(distances, 99) < 100 and max(distances) < 400


def test_simplification_keeps_an_ics_map_small(cm: Store, shared_data: Path) -> None:
    folder = shared_data / "ons" / "boundaries" / "lsoa21_bgc_drkane"
    originals = sum(shapely.get_num_coordinates(g) for p in folder.glob("*.geojson")
                    for g in features(p, "LSOA21CD").values())
    data = build_map(cm, ics="QYG")
    kept = sum(shapely.get_num_coordinates(a.shape) for a in data.drawn_areas())
    assert kept < originals  # the 1,601 LSOAs 2021 and the 44 of 2011 no longer in use: fewer points
    html = render_map_html(data)
    assert len(data.drawn_areas()) >= 1601 and len(data.located_practices()) >= 340
    assert len(html.encode("utf-8")) < 3 * 1024 * 1024  # the target for this map


def test_practice_points_from_code_point_agree_with_the_geocoded_file(store: Store, shared_data: Path) -> None:
    """Code-Point's eastings/northings, converted with pyproj, against the ONS Postcode Directory's
    lat/long that the geocoded file carries: the same postcode centroids, from two publishers."""
    load_paths(store, [shared_data / "nhs" / "gp-reg-pat-prac-map-2022-01.csv",
                       shared_data / "ons" / "postcodes" / "codepoint_open_2025-10_cm_postcodes.csv"], ics="QYG")
    got = pd.DataFrame(store.read("MATCH (p:Practice) WHERE p.point_from = 'postcode' "
                                  "RETURN p.code AS code, p.postcode AS postcode, p.lat AS lat, p.lon AS lon").records())
    geocoded = pd.read_csv(next((shared_data / "nhs" / "practice_pcn_geocoded").glob("*.csv")), dtype=str)
    both = got.merge(geocoded, left_on=["code", "postcode"], right_on=["PRACTICE_CODE", "PRACTICE_POSTCODE"])
    assert len(both) >= 300
    dy = (both["lat"] - both["PRACTICE_LAT"].astype(float)) * METRES
    dx = (both["lon"] - both["PRACTICE_LNG"].astype(float)) * METRES * np.cos(np.radians(both["lat"]))
    metres = np.hypot(dx, dy)
    assert (metres < 100).mean() >= 0.95, metres.describe()
    assert float(np.median(metres)) < 20


def test_practices_located_by_postcode_lie_in_their_place(cm: Store) -> None:
    data = build_map(cm, ics="QYG")
    located = [p for p in data.located_practices() if p.place in data.places]
    inside = sum(data.places[p.place].shape.buffer(0.002).contains(shapely.Point(p.lon, p.lat)) for p in located)
    assert len(located) >= 340 and inside / len(located) >= 0.97  # a few premises sit across the border
