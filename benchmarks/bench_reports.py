"""Every report over all Places on England-sized synthetic data, on the embedded store.

Data: `icpmap.synth.generate(scale="england")` (300 Places, 1,250 PCNs, ~6,600 practices,
33,000 areas, 1,000,000 registrations, 20,000 organisations, ~45,000 memberships); when
that generator is not installed, a built-in one of the same shape. The files are loaded
once with `load_paths` into a store kept in the temp folder and reused by later runs.

Each report is timed warm (one run first), median of three runs, with a fresh query
cache each run. Beside each figure, a reference measured in the same run:
- coterminosity and breadth: a pandas script computing the same table from the CSV
  files (what an analyst would otherwise run); the two results must agree exactly;
- the other reports: pandas reading the CSV files the report needs (the floor of any
  script doing it from the files).
Target: under 2 s each.

    .venv/bin/python -m benchmarks.bench_reports [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from icpmap.graph import open_store
from icpmap.loaders import load_paths
from icpmap.reports import REPORTS, ReportSettings, run_report

AS_AT = dt.date(2025, 1, 1)  # inside the synthetic data's stable window
TARGET_S = 2.0
RUNS = 3
STORE_VERSION = 2  # bump when the loader writes something new that reports read
FILES_READ = {  # the input files each report reads, for the pandas floor
    "unsigned": ["agreements", "signatures", "memberships", "boards", "organisations"],
    "missing-links": ["boards", "board_links"],
    "place-leads": ["roles", "endorsements", "memberships", "boards"],
    "assurance": ["boards", "memberships", "organisations", "agreements", "signatures", "board_links", "roles",
                  "endorsements", "plans", "commissioning", "neighbourhoods", "pcns", "practices"],
    "timeline": ["agreements", "signatures", "memberships", "boards", "roles"],
    "brokers": ["memberships", "boards", "organisations"],
    "changes": ["memberships", "boards", "organisations", "agreements", "signatures", "board_links", "roles"],
    # each period's breadth, unsigned, assurance and coterminosity by patients
    "progress": ["boards", "memberships", "organisations", "agreements", "signatures", "board_links", "roles",
                 "endorsements", "plans", "commissioning", "neighbourhoods", "pcns", "practices", "areas",
                 "registrations"],
}


# -- data ------------------------------------------------------------------------------------


def _fallback_generate(out: Path, scale: str, seed: int = 0) -> None:
    """A plain generator of the same shape, used only when `icpmap.synth` is missing."""
    f = 1 if scale == "england" else 7 / 42
    rng = np.random.default_rng(seed)
    n_places, n_pcns, n_prac, n_areas = int(300 * f), int(1250 * f), int(6500 * f), int(33000 * f)
    n_regs = int(1_000_000 * f)
    places = [f"E099{i:05d}" for i in range(n_places)]
    tables: dict[str, pd.DataFrame] = {}
    tables["ics"] = pd.DataFrame({"code": ["ICS"], "name": ["Synthetic ICS"]})
    tables["places"] = pd.DataFrame({"code": places, "name": [f"Place {i}" for i in range(n_places)], "ics_code": "ICS"})
    nbs = [(f"NB{i:05d}{j}", p) for i, p in enumerate(places) for j in range(5)]
    tables["neighbourhoods"] = pd.DataFrame({"code": [c for c, _ in nbs], "name": [c for c, _ in nbs],
                                             "place_code": [p for _, p in nbs]})
    pcn_place = rng.integers(0, n_places, n_pcns)
    tables["pcns"] = pd.DataFrame({"code": [f"U9{i:05d}" for i in range(n_pcns)],
                                   "name": [f"PCN {i}" for i in range(n_pcns)],
                                   "neighbourhood_codes": [f"NB{p:05d}{i % 5}" for i, p in enumerate(pcn_place)]})
    prac_pcn = rng.integers(0, n_pcns, n_prac)
    tables["practices"] = pd.DataFrame({"code": [f"P9{i:05d}" for i in range(n_prac)],
                                        "name": [f"Practice {i}" for i in range(n_prac)],
                                        "pcn_code": [f"U9{p:05d}" for p in prac_pcn],
                                        "place_code": [places[pcn_place[p]] for p in prac_pcn],
                                        "from": "2019-07-01"})
    area_place = rng.integers(0, n_places, n_areas)
    tables["areas"] = pd.DataFrame({"code": [f"E019{i:06d}" for i in range(n_areas)],
                                    "name": [f"Area {i}" for i in range(n_areas)], "kind": "lsoa",
                                    "place_code": [places[p] for p in area_place],
                                    "neighbourhood_code": [f"NB{p:05d}{i % 5}" for i, p in enumerate(area_place)]})
    pairs = np.unique(rng.integers(0, n_prac * n_areas, n_regs))
    tables["registrations"] = pd.DataFrame({"practice_code": [f"P9{i:05d}" for i in pairs // n_areas],
                                            "area_code": [f"E019{i:06d}" for i in pairs % n_areas],
                                            "patients": rng.integers(5, 500, len(pairs))})
    orgs = [f"ORG{i:05d}" for i in range(int(20000 * f))]
    sectors = ["local_authority", "nhs_trust", "primary_care", "housing", "voluntary", "police", "other"]
    tables["organisations"] = pd.DataFrame({"code": orgs, "name": orgs, "sector": rng.choice(sectors, len(orgs)),
                                            "statutory": rng.choice(["true", "false", ""], len(orgs))})
    boards = [(f"HWB-{p}", "health_and_wellbeing_board", p) for p in places]
    boards += [(f"PPB-{p}", "place_partnership_board", p) for p in places[: int(n_places * 0.8)]]
    boards += [(f"SAB-{p}", "safeguarding_adults_board", p) for p in places]
    tables["boards"] = pd.DataFrame({"code": [b[0] for b in boards], "name": [b[0] for b in boards],
                                     "kind": [b[1] for b in boards], "place_code": [b[2] for b in boards]})
    m = int(45000 * f)
    tables["memberships"] = pd.DataFrame({
        "organisation_code": rng.choice(orgs, m), "board_code": rng.choice([b[0] for b in boards], m),
        "role": rng.choice(["core", "wider"], m, p=[0.3, 0.7]), "from": "2021-04-01"}).drop_duplicates(
        ["organisation_code", "board_code"])
    tables["agreements"] = pd.DataFrame({"code": [f"MOU-{p}" for p in places], "title": "MOU", "kind": "mou",
                                         "place_code": places, "effective_from": "2021-09-01"})
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False)


def prepare(scale: str) -> Path:
    """The store with `scale` synthetic data loaded (built once, then reused)."""
    # versioned: a store built by an older loader lacks what newer reports read (the patient totals)
    root = Path(tempfile.gettempdir()) / f"icpmap-bench-reports-{scale}-{STORE_VERSION}"
    data, db, done = root / "csv", root / "db", root / "loaded.ok"
    if done.exists():
        return root
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    try:
        from icpmap.synth import generate
    except ImportError:
        _fallback_generate(data, scale)
    else:
        generate(data, scale=scale, seed=0)
    store = open_store(db)
    try:
        load_paths(store, [data])
    finally:
        store.close()
    done.write_text("ok\n")
    return root


# -- pandas references -------------------------------------------------------------------------


def _read(data: Path, name: str) -> pd.DataFrame:
    path = data / f"{name}.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()


def _current(frame: pd.DataFrame, as_at: dt.date) -> pd.DataFrame:
    day = as_at.isoformat()
    start = frame.get("from", pd.Series("", index=frame.index)).fillna("")
    end = frame.get("to", pd.Series("", index=frame.index)).fillna("")
    return frame[((start == "") | (start <= day)) & ((end == "") | (end >= day))]


def pandas_coterminosity(data: Path, as_at: dt.date = AS_AT, threshold: float = 0.95) -> dict[str, tuple]:
    """PCN -> (main footprint, share rounded, footprints, coterminous), by patients at place level."""
    areas = _read(data, "areas").drop_duplicates("code")
    nbs = _read(data, "neighbourhoods")[["code", "place_code"]].rename(columns={"code": "nb", "place_code": "via"})
    areas = areas.merge(nbs, how="left", left_on="neighbourhood_code", right_on="nb")
    areas["footprint"] = areas["place_code"].where(areas["place_code"] != "", areas["via"]).fillna("")
    areas.loc[areas["footprint"] == "", "footprint"] = "unknown"
    practices = _current(_read(data, "practices"), as_at)[["code", "pcn_code"]].drop_duplicates()
    regs = _read(data, "registrations")
    regs["patients"] = regs["patients"].astype(int)
    joined = regs.merge(practices, left_on="practice_code", right_on="code").merge(
        areas[["code", "footprint"]], how="left", left_on="area_code", right_on="code")
    joined["footprint"] = joined["footprint"].fillna("unknown")
    counts = joined.groupby(["pcn_code", "footprint"], as_index=False)["patients"].sum()
    counts = counts[counts["patients"] > 0].sort_values(["pcn_code", "patients", "footprint"],
                                                        ascending=[True, False, True])
    totals = counts.groupby("pcn_code")["patients"].agg(["sum", "count"])
    main = counts.drop_duplicates("pcn_code").set_index("pcn_code")
    out = {}
    for pcn, row in main.iterrows():
        share = row["patients"] / totals.loc[pcn, "sum"]
        out[pcn] = (row["footprint"], round(share, 3), int(totals.loc[pcn, "count"]), bool(share >= threshold))
    return out


def pandas_breadth(data: Path, as_at: dt.date = AS_AT) -> dict[str, tuple]:
    """Place -> (members, sectors, statutory, non_statutory)."""
    boards = _read(data, "boards")
    boards = boards[boards["kind"].isin(["place_partnership_board", "health_and_wellbeing_board"])
                    & (boards["place_code"] != "")]
    members = _current(_read(data, "memberships"), as_at).merge(
        boards[["code", "place_code"]], left_on="board_code", right_on="code")
    orgs = _read(data, "organisations").rename(columns={"code": "organisation_code"})
    pairs = members[["place_code", "organisation_code"]].drop_duplicates().merge(orgs, on="organisation_code")
    pairs["is_statutory"] = pairs["statutory"].str.lower().isin(["true", "yes", "y", "1"])
    grouped = pairs.groupby("place_code").agg(members=("organisation_code", "size"), sectors=("sector", "nunique"),
                                               statutory=("is_statutory", "sum"))
    return {p: (int(r.members), int(r.sectors), int(r.statutory), int(r.members - r.statutory))
            for p, r in grouped.iterrows()}


# -- timing ----------------------------------------------------------------------------------


def median_time(work: Callable[[], Any], runs: int = RUNS) -> tuple[float, Any]:
    result = work()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(quick: bool = False) -> list[dict[str, Any]]:
    scale = "region" if quick else "england"
    root = prepare(scale)
    data = root / "csv"
    settings = ReportSettings()
    rows: list[dict[str, Any]] = []
    store = open_store(root / "db")
    try:
        for name in REPORTS:
            value, result = median_time(lambda name=name: run_report(store, name, as_at=AS_AT, settings=settings))
            note = ""
            ok = value < TARGET_S
            if name == "coterminosity":
                reference, expected = median_time(lambda: pandas_coterminosity(data), runs=1)
                got = {r[0]: (r[2], r[3], r[4], r[5]) for r in result.rows if r[2] is not None}
                agree = got == expected
                ok = ok and agree
                note = "pandas script; results agree" if agree else "pandas script; RESULTS DIFFER"
            elif name == "breadth":
                reference, expected = median_time(lambda: pandas_breadth(data), runs=1)
                got = {r[0]: tuple(r[2:6]) for r in result.rows if r[2]}
                agree = got == expected
                ok = ok and agree
                note = "pandas script; results agree" if agree else "pandas script; RESULTS DIFFER"
            else:
                files = FILES_READ.get(name, [])
                reference, _ = median_time(lambda files=files: [_read(data, f) for f in files], runs=1)
                note = "pandas reading its input files"
            rows.append({
                "name": f"report {name} ({scale}, all Places, {len(result.rows):,} rows)",
                "value": round(value, 3), "unit": "s",
                "reference": round(reference, 3), "ratio": round(value / reference, 2) if reference else None,
                "target": f"< {TARGET_S:g} s", "ok": ok, "note": note,
            })
    finally:
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="region scale instead of england")
    args = parser.parse_args()
    from rich.console import Console
    from rich.table import Table

    table = Table(title="icpmap reports on the embedded store")
    columns = ("name", "value", "unit", "reference", "ratio", "target", "ok", "note")
    for column in columns:
        table.add_column(column)
    for row in run(quick=args.quick):
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console().print(table)


if __name__ == "__main__":
    main()
