"""The patients-by-footprint totals the loader keeps (PATIENTS_IN) always equal the live definition.

Coterminosity by patients reads them instead of the registrations; after every kind of load
that can move them (new, changed and removed registrations, areas moving between Places and
neighbourhoods, neighbourhoods moving between Places), on both engines, they must give
exactly what `report-coterminosity-patients-live` computes from every registration.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

from icpmap import cypher
from icpmap.graph import Store
from icpmap.loaders import load_paths
from icpmap.reports import run_report
from icpmap.reports.base import Context, cache_key
from icpmap.reports.coterminosity import at_level, kept_patients, share_totals
from icpmap.reports.settings import ReportSettings
from icpmap.sample import SAMPLE_DIR

AS_ATS = (dt.date(2025, 1, 1), dt.date(2019, 1, 1))


def _rows(store: Store, name: str, **params: object) -> list[list[object]]:
    q = cypher.get(name)
    return store.read(q.text, q.bind(params)).rows


def assert_totals_agree(store: Store) -> None:
    places = [r[0] for r in store.read("MATCH (p:Place) RETURN p.code ORDER BY p.code").rows]
    for level in ("place", "neighbourhood"):
        for place in (None, *places[:2]):
            for as_at in AS_ATS:
                params = {"place": place, "as_at": as_at}
                both = cypher.get("report-coterminosity-patients")
                kept = at_level(store.read(both.text, both.bind(params)), level).rows  # both levels in one run
                live = _rows(store, "report-coterminosity-patients-live", level=level, **params)
                assert kept == live, (level, place, as_at)
                # a report over several dates adds up each practice's totals instead: the same rows
                ctx = Context(store, ReportSettings(), place, as_at)
                share_totals(ctx)
                added = kept_patients(ctx)
                assert added.rows == store.read(both.text, both.bind(params)).rows, (place, as_at)
                assert ctx.cache[cache_key("report-coterminosity-patients", both.bind(params))] is added


def _edit(folder: Path, name: str, change) -> None:
    path = folder / f"{name}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows = change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_totals_follow_every_kind_of_load(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__", "*.geojson"))
    registrations = data / "registrations.csv"
    registrations.rename(tmp_path / "registrations.csv")
    load_paths(store, [data])  # everything but the registrations: no totals yet
    assert _rows(store, "report-patient-totals") == [[0]]
    assert_totals_agree(store)

    load_paths(store, [tmp_path / "registrations.csv"])  # registrations into a store holding the rest
    assert _rows(store, "report-patient-totals")[0][0] > 0
    assert {r[0] for r in _rows(store, "report-coterminosity-patients", place=None, as_at=AS_ATS[0])} == {
        "place", "neighbourhood"}
    assert_totals_agree(store)

    changed = tmp_path / "changed"
    changed.mkdir()
    shutil.copy(tmp_path / "registrations.csv", changed / "registrations.csv")
    # new counts for some registrations, new registrations (into areas of other Places)
    _edit(changed, "registrations", lambda rows: [
        {**r, "patients": str(int(r["patients"]) * 3 + 1)} if i % 4 == 0 else r for i, r in enumerate(rows)
    ] + [{"practice_code": rows[0]["practice_code"], "area_code": rows[-1]["area_code"], "patients": "777"}])
    load_paths(store, [changed / "registrations.csv"])
    assert_totals_agree(store)

    # areas move: to another Place, out of their neighbourhood, out of any Place
    areas = tmp_path / "areas"
    areas.mkdir()
    shutil.copy(data / "areas.csv", areas / "areas.csv")
    places = sorted({r[0] for r in store.read("MATCH (p:Place) RETURN p.code").rows})

    def move(rows):
        for i, r in enumerate(rows):
            if i % 5 == 0:
                r["place_code"] = places[(places.index(r["place_code"]) + 1) % len(places)] if r["place_code"] else ""
            elif i % 5 == 1:
                r["neighbourhood_code"] = ""
            elif i % 5 == 2:
                r["place_code"] = ""
        return rows

    _edit(areas, "areas", move)
    load_paths(store, [areas / "areas.csv"])
    assert_totals_agree(store)

    # neighbourhoods move to another Place
    neighbourhoods = tmp_path / "neighbourhoods"
    neighbourhoods.mkdir()
    shutil.copy(data / "neighbourhoods.csv", neighbourhoods / "neighbourhoods.csv")
    _edit(neighbourhoods, "neighbourhoods", lambda rows: [
        {**r, "place_code": places[0]} if i % 3 == 0 else r for i, r in enumerate(rows)])
    load_paths(store, [neighbourhoods / "neighbourhoods.csv"])
    assert_totals_agree(store)

    load_paths(store, [data, changed / "registrations.csv"])  # the first areas and neighbourhoods again
    assert_totals_agree(store)


def test_published_registrations_replace_and_totals_follow(store: Store, tmp_path: Path) -> None:
    """The NHS file as published owns each practice's registrations: a new month removes those it
    no longer lists, and the totals drop them."""
    from icpmap.synth import generate

    first, second = tmp_path / "first", tmp_path / "second"
    generate(first, "place", seed=0, nhs_format=True)
    generate(second, "place", seed=1, nhs_format=True)
    load_paths(store, [first])
    assert_totals_agree(store)
    nhs = next(second.glob("gp-reg-pat-prac-lsoa-all*"))
    load_paths(store, [nhs])
    assert_totals_agree(store)


def test_reports_use_the_live_query_when_a_store_has_no_totals(store: Store) -> None:
    """A store written before the totals were kept still gets the right answer."""
    load_paths(store, [SAMPLE_DIR])
    expected = run_report(store, "coterminosity", by="patients", as_at=AS_ATS[0]).rows
    store.write("MATCH (:Practice)-[t:PATIENTS_IN]->() DELETE t")
    assert _rows(store, "report-patient-totals") == [[0]]
    assert run_report(store, "coterminosity", by="patients", as_at=AS_ATS[0]).rows == expected
    load_paths(store, [SAMPLE_DIR / "milestones.csv"])  # any load puts the totals back
    assert _rows(store, "report-patient-totals")[0][0] > 0
    assert run_report(store, "coterminosity", by="patients", as_at=AS_ATS[0]).rows == expected


def test_totals_sum_each_practice_and_footprint_whatever_form_the_counts_take() -> None:
    """Counts as numpy integers (a published file), Python ints (the partnership's own file) or text
    with a blank (read back from a store) give the same totals; a footprint summing to 0 is left out."""
    import numpy as np
    import pandas as pd

    from icpmap.loaders import totals

    footprints = pd.DataFrame({"place": ["P2", "P1", "P1"], "neighbourhood": ["N9", "N1", "unknown"]},
                              index=pd.Index(["A1", "A2", "A3"], dtype=object))
    regs = {"src": ["X", "X", "Y", "Y", "Z", "X"], "dst": ["A1", "A2", "A2", "A9", "A3", "A3"]}
    counts = [5, 7, 2, 3, 0, 1]
    forms = (np.array(counts, dtype=np.int64), pd.Series(counts, dtype=object),
             pd.Series([str(c) if c else None for c in counts], dtype=object))
    got = [totals.totals(pd.DataFrame({**regs, "patients": form}), footprints) for form in forms]
    place = [["X", "P1", 8], ["X", "P2", 5], ["Y", "P1", 2], ["Y", "unknown", 3]]
    neighbourhood = [["X", "N1", 7], ["X", "N9", 5], ["X", "unknown", 1], ["Y", "N1", 2], ["Y", "unknown", 3]]
    for by_level in got:
        assert by_level["place"].values.tolist() == place
        assert by_level["neighbourhood"].values.tolist() == neighbourhood
        assert by_level["place"]["patients"].dtype == np.int64
