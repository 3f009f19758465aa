"""Maps: the size of an ICS map, how soon it is interactive in headless Chromium, how fast a Place
map is built, and how fast boundary files load.

The issue's targets, on the Cheshire and Merseyside ICS with all its 1,601 LSOAs (2021) and its
~350 practices (../shared/data: the ONS boundaries, lookups, practice files and Code-Point):
page < 3 MB, interactive < 2 s; a Place map built in < 1 s. Where ../shared/data is absent, the
same sizes are made up: 1,601 invented Voronoi cells inside the 9 Places' real outlines (the
sample ships them) and 350 invented practices, loaded through the same GeoJSON reader.

References, same run:
- page size: the boundary files it was drawn from (GeoJSON, the LSOAs 2021 as published);
- interactive: the same ICS's network diagram (the page the dashboard shows beside it), in the
  same browser, until its layout has settled; the map is `interactive` at the first frame after
  its script is ready, both from the start of navigation (`performance.now()` in the page),
  median of several fresh tabs;
- Place map build (store -> map -> HTML, warm, each of the 9 Places): the Place's network diagram
  (store -> graph -> HTML) in the same process; and `icpmap map` against `icpmap visualise` as
  whole processes, the way a user runs them;
- boundary load: `json.load` of the same files.

    .venv/bin/python -m benchmarks.bench_map [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ICPMAP_SHARED_DATA", ROOT.parent / "shared" / "data"))
CHROMIUM = os.environ.get("ICPMAP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
LOCAL = ("file:", "data:", "blob:")
PAGE_TARGET_MB, INTERACTIVE_TARGET_S, PLACE_TARGET_S = 3.0, 2.0, 1.0
RUNS = 5
ICS = "QYG"
FIRST_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


def _store(path: Path) -> Any:
    from icpmap.graph import open_store

    return open_store(path, engine="ladybug")


def real_data(root: Path) -> tuple[Path, list[Path]] | None:
    """The C&M store from the published files (`load --ics QYG`), and the LSOA 2021 files."""
    if not (SHARED / "ons" / "boundaries").is_dir():
        return None
    from icpmap.loaders import load_paths

    db = root / "db-cm"
    with _store(db) as store:
        load_paths(store, [SHARED], ics=ICS)
    return db, sorted((SHARED / "ons" / "boundaries" / "lsoa21_bgc_drkane").glob("*.geojson"))


def invented_data(root: Path, areas: int = 1601, practices: int = 350) -> tuple[Path, list[Path]]:
    """The same sizes, made up inside the sample's 9 real Place outlines (deterministic)."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping, shape

    from icpmap.loaders import load_paths
    from icpmap.sample import SAMPLE_DIR

    rng = np.random.default_rng(18)
    collection = json.loads((SAMPLE_DIR / "lad22_buc_cm.geojson").read_text(encoding="utf-8"))
    lads = {f["properties"]["LAD22CD"]: shape(f["geometry"]) for f in collection["features"]}
    total = sum(g.area for g in lads.values())
    folder = root / "invented"
    folder.mkdir()
    files, rows, n = [], [], 0
    for lad, outline in lads.items():
        k = max(3, round(areas * outline.area / total))
        x0, y0, x1, y1 = outline.bounds
        seeds = []
        while len(seeds) < k:
            p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
            if outline.contains(p):
                seeds.append(p)
        cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=outline.envelope.buffer(0.1))
        features = []
        for cell in cells.geoms:
            piece = cell.intersection(outline)
            if piece.is_empty:
                continue
            n += 1
            # more points than it needs, as a detailed file has (cut the same way on both sides of an edge)
            detailed = shapely.segmentize(piece, max_segment_length=0.001)
            features.append({"type": "Feature", "properties": {"LSOA21CD": f"E0199{n:04d}", "LSOA21NM": f"Area {n}",
                                                                "LAD22CD": lad}, "geometry": mapping(detailed)})
        path = folder / f"lsoa21_{lad}.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
        files.append(path)
        for i in range(max(1, round(practices * outline.area / total))):
            x, y = (0, 0)
            while not outline.contains(shapely.Point(x, y)):
                x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            rows.append(f"P{len(rows):05d},Practice {len(rows)},U{lad[-3:]}{i // 6:02d},{y:.5f},{x:.5f},{lad}")
    (folder / "ics.csv").write_text(f"code,name\n{ICS},Invented ICS\n", encoding="utf-8")
    (folder / "places.csv").write_text("code,name,ics_code\n" + "".join(f"{c},{c},{ICS}\n" for c in lads), encoding="utf-8")
    pcns = sorted({r.split(",")[2] for r in rows})
    (folder / "pcns.csv").write_text("code,name\n" + "".join(f"{c},PCN {c}\n" for c in pcns), encoding="utf-8")
    (folder / "practices.csv").write_text("code,name,pcn_code,lat,lon,place_code\n" + "\n".join(rows) + "\n",
                                          encoding="utf-8")
    db = root / "db-invented"
    with _store(db) as store:
        load_paths(store, [folder])
    return db, files


def diagram_page(db: Path, path: Path) -> Path:
    """The same ICS's network diagram (the reference for how soon a page is usable)."""
    from icpmap.visualise.graph import build_graph
    from icpmap.visualise.page import write_html

    with _store(db) as store:
        return write_html(build_graph(store, ics=ICS), path)


DIAGRAM_SETTLED = "() => (window.icpmap && window.icpmap.ready) ? window.icpmap.stabilisedAt : null"


def interactive(browser: Any, path: Path, diagram: bool = False) -> tuple[float, int]:
    """Seconds from navigation to the first frame after the map is ready (a diagram: to its layout
    settled); off-machine requests tried."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    attempts: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            attempts.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(path.as_uri(), wait_until="commit")
        if diagram:
            handle = page.wait_for_function(DIAGRAM_SETTLED, timeout=120_000)
            return float(handle.json_value()) / 1000.0, len(attempts)
        page.wait_for_function("() => window.icpmap && window.icpmap.ready", timeout=120_000)
        return float(page.evaluate(FIRST_FRAME)) / 1000.0, len(attempts)
    finally:
        context.close()


def cli_seconds(db: Path, *args: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "icpmap", "--db", str(db), *args], capture_output=True, text=True,
                          env=env, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return time.perf_counter() - start


def run(quick: bool = False) -> list[dict[str, Any]]:
    from icpmap.loaders import load_paths
    from icpmap.visualise.graph import build_graph
    from icpmap.visualise.map_page import render_map_html, write_map_html
    from icpmap.visualise.mapdata import build_map
    from icpmap.visualise.page import render_html

    root = Path(tempfile.mkdtemp(prefix="icpmap-bench-map-"))
    rows: list[dict[str, Any]] = []
    load = os.getloadavg()[0]
    try:
        found = None if quick else real_data(root)
        label = "C&M, published files" if found else "invented, same sizes"
        db, files = found or invented_data(root)
        # -- boundary load, against json.load of the same files
        start = time.perf_counter()
        for f in files:
            json.loads(f.read_text(encoding="utf-8"))
        json_s = time.perf_counter() - start
        with _store(root / "db-boundaries") as store:
            start = time.perf_counter()
            load_paths(store, files)
            load_s = time.perf_counter() - start
        rows.append({"name": f"load {len(files)} LSOA boundary files ({label}): read, simplify, write "
                             "(reference: json.load of them)",
                     "value": round(load_s, 2), "unit": "s", "reference": round(json_s, 2),
                     "ratio": round(load_s / json_s, 1), "target": "", "ok": True})
        # -- the ICS page: size
        with _store(db) as store:
            data = build_map(store, ics=ICS)
            places = sorted(p.code for p in data.own_places())
            ours = write_map_html(data, root / "ics.html")
            # -- a Place map, warm, in process; reference its diagram
            build_map(store, place=places[0])
            build_graph(store, place=places[0])
            map_s, diagram_s = [], []
            for code in places[: 2 if quick else len(places)]:
                start = time.perf_counter()
                render_map_html(build_map(store, place=code))
                map_s.append(time.perf_counter() - start)
                start = time.perf_counter()
                render_html(build_graph(store, place=code))
                diagram_s.append(time.perf_counter() - start)
        published = sum(f.stat().st_size for f in files)
        size_mb = ours.stat().st_size / 1024 ** 2
        rows.append({"name": f"ICS map page, {len(data.drawn_areas()):,} Areas and {len(data.located_practices())} "
                             f"practices ({label}) (reference: the boundary files it is drawn from)",
                     "value": round(size_mb, 2), "unit": "MB", "reference": round(published / 1024 ** 2, 2),
                     "ratio": round(ours.stat().st_size / published, 3), "target": f"< {PAGE_TARGET_MB:g} MB",
                     "ok": size_mb < PAGE_TARGET_MB})
        rows.append({"name": f"Place map built, store -> map -> HTML, warm, slowest of {len(map_s)} Places "
                             "(reference: its network diagram, store -> graph -> HTML)",
                     "value": round(max(map_s), 2), "unit": "s", "reference": round(max(diagram_s), 2),
                     "ratio": round(max(map_s) / max(diagram_s), 2), "target": f"< {PLACE_TARGET_S:g} s",
                     "ok": max(map_s) < PLACE_TARGET_S,
                     "note": f"median {statistics.median(map_s):.2f} s; diagrams median {statistics.median(diagram_s):.2f} s"})
        # -- whole processes, as a user runs them
        code = places[0]
        map_cli = statistics.median(cli_seconds(db, "map", "--place", code, "-o", str(root / "cli.html"))
                                    for _ in range(1 if quick else 3))
        diagram_cli = statistics.median(cli_seconds(db, "visualise", "--place", code, "-o", str(root / "d.html"))
                                        for _ in range(1 if quick else 3))
        rows.append({"name": f"`icpmap map --place {code}`, whole process (reference: `icpmap visualise --place`)",
                     "value": round(map_cli, 2), "unit": "s", "reference": round(diagram_cli, 2),
                     "ratio": round(map_cli / diagram_cli, 2), "target": "", "ok": True})
        # -- interactive, in headless Chromium
        if not Path(CHROMIUM).exists():
            rows.append({"name": f"map interactive: chromium not found at {CHROMIUM}", "ok": False})
            return rows
        from playwright.sync_api import sync_playwright

        reference = diagram_page(db, root / "diagram.html")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                interactive(browser, ours)  # warm the browser once
                runs = 2 if quick else RUNS
                timings = [interactive(browser, ours) for _ in range(runs)]
                theirs = [interactive(browser, reference, diagram=True)[0] for _ in range(runs)]
            finally:
                browser.close()
        value = statistics.median(t for t, _ in timings)
        blocked = sum(n for _, n in timings)
        rows.append({"name": f"ICS map interactive in headless Chromium ({label}; reference: the ICS's network "
                             "diagram settled, same browser)",
                     "value": round(value, 2), "unit": "s", "reference": round(statistics.median(theirs), 2),
                     "ratio": round(value / statistics.median(theirs), 2), "target": f"< {INTERACTIVE_TARGET_S:g} s",
                     "ok": value < INTERACTIVE_TARGET_S and blocked == 0,
                     "note": f"{blocked} off-machine requests attempted; load average {load:.1f} at the start"})
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="invented data, fewer runs")
    args = parser.parse_args()
    for row in run(quick=args.quick):
        print(row)


if __name__ == "__main__":
    main()
