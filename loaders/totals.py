"""Registered patients of each practice by footprint, kept up to date by the loader.

Coterminosity by patients sums, per PCN, the patients of its current practices by the
footprint of the area they live in. Which practices are current depends on the as-at date,
but a practice's patients by footprint do not: they follow from the registrations (Practice
REGISTERS Area) and where each area is (Area IN Place or Neighbourhood, Neighbourhood PART_OF
Place). So the loader computes them once, after any load that changes those, as

    (Practice)-[:PATIENTS_IN {level, footprint, patients}]->(Place | Neighbourhood | Practice)

one per practice, level (`place`, `neighbourhood`) and footprint (a Place or neighbourhood
code, or `unknown`: then the relationship points back at the practice), with the same
rules as the live query `report-coterminosity-patients-live` (the tests check they agree).
A report then reads a few thousand totals instead of a million registrations, and stays
exact for any as-at date.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..graph.dialect import Dialect, ladybug_rel_table, q
from ..graph.model import DERIVED, PATIENTS_IN, VOCABULARIES
from ..graph.store import Tx
from .resolve import fetch

UNKNOWN = "unknown"
LEVELS = VOCABULARIES["footprint_level"]  # place, neighbourhood
# The relationships whose changes move a practice's patients between footprints.
INPUTS = {("REGISTERS", "Practice", "Area"), ("IN", "Area", "Place"), ("IN", "Area", "Neighbourhood"),
          ("PART_OF", "Neighbourhood", "Place")}
TARGET = {"place": "Place", "neighbourhood": "Neighbourhood", UNKNOWN: "Practice"}
MODEL = DERIVED[PATIENTS_IN]  # its ends, properties and schema: graph/model.py


def needed(tx: Tx, changed: set[tuple[str, str, str]]) -> bool:
    """Whether to compute the totals: an input changed, or registrations are stored without
    totals (a store written before they were kept)."""
    if changed & INPUTS:
        return True
    if not stored_registrations(tx):
        return False
    return not int(tx.run(f"MATCH (:Practice)-[t:{q(PATIENTS_IN)}]->() RETURN count(t) AS n").scalar() or 0)


def area_footprints(tx: Tx) -> pd.DataFrame:
    """Per area code: its `place` footprint (the Place it is IN, else the Place of the neighbourhood
    it is IN; the smallest code when several) and `neighbourhood` footprint; `unknown` when none."""
    direct = fetch(tx, "MATCH (a:Area)-[:`IN`]->(p:Place) RETURN a.code AS area, p.code AS place", {},
                   ["area", "place"])
    via = fetch(tx, "MATCH (a:Area)-[:`IN`]->(n:Neighbourhood)-[:PART_OF]->(p:Place) "
                    "RETURN a.code AS area, n.code AS neighbourhood, p.code AS place", {},
                ["area", "neighbourhood", "place"])
    direct, via = direct.astype(object), via.astype(object)
    out = pd.DataFrame(index=pd.Index(pd.concat([direct["area"], via["area"]]).unique(), dtype=object))
    out["place"] = _smallest(direct, "place").reindex(out.index).fillna(
        _smallest(via, "place").reindex(out.index)).fillna(UNKNOWN)
    out["neighbourhood"] = _smallest(via, "neighbourhood").reindex(out.index).fillna(UNKNOWN)
    return out


def _smallest(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per area, the smallest value of `column` (a sort: grouping strings is far slower)."""
    areas = frame["area"].to_numpy(dtype=object)
    if not pd.Index(areas).has_duplicates:  # one value per area (the usual case): nothing to choose
        return pd.Series(frame[column].to_numpy(dtype=object), index=pd.Index(areas, dtype=object))
    first = frame.sort_values(["area", column], kind="stable").drop_duplicates("area")
    return pd.Series(first[column].to_numpy(dtype=object), index=pd.Index(first["area"].to_numpy(dtype=object)))


def registrations(tx: Tx, dialect: Dialect) -> pd.DataFrame:
    """Every registration: practice (`src`), area (`dst`), `patients`."""
    coded = getattr(tx, "fetch_rels_coded", None)
    if coded is not None:  # LadybugDB: the ends as integers, each end's keys once
        return coded("REGISTERS", ("Practice", "code"), ("Area", "code"), ["patients"])
    return fetch(tx, dialect.scan_rel_rows("REGISTERS", "Practice", "Area"), {}, ["src", "dst", "patients"])


def totals(regs: pd.DataFrame, fps: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per level, the rows (practice, footprint, patients) with patients summed, zero sums left out.

    Integer codes throughout: each area's footprint is looked up once, not once per registration."""
    practices = pd.Categorical(regs["src"])
    areas = pd.Categorical(regs["dst"])
    patients = _counts(regs["patients"])
    out = {}
    for level in LEVELS:
        of_area = pd.Categorical(fps[level].reindex(areas.categories).fillna(UNKNOWN).to_numpy(dtype=object))
        names = of_area.categories.to_numpy(dtype=object)
        width = len(names) + 1
        footprint = of_area.codes.astype(np.int64)[areas.codes] if len(areas) else np.zeros(0, dtype=np.int64)
        key = practices.codes.astype(np.int64) * width + footprint
        # Summed over the keys that occur (a hash), in key order: a count per possible key
        # (practices x footprints, ten million at the neighbourhood level) costs more.
        codes, keys = pd.factorize(key, sort=True)
        sums = np.bincount(codes, weights=patients, minlength=len(keys)) if len(key) else np.zeros(0)
        given = sums != 0
        keys, sums = keys[given], sums[given].astype(np.int64)  # exact: every sum is far below 2**53
        frame = pd.DataFrame({
            "practice": practices.categories.to_numpy(dtype=object)[keys // width],
            "footprint": names[keys % width],
            "patients": sums,
        })
        out[level] = frame
    return out


def _counts(values: pd.Series) -> np.ndarray:
    """Patient counts as int64, missing as 0 (Python ints from a contract file: no parse of each)."""
    if values.dtype == np.int64:
        return values.to_numpy()
    if values.dtype == object:
        try:
            return values.to_numpy().astype(np.int64)
        except (TypeError, ValueError):  # a missing count, or numbers as text
            pass
    return pd.to_numeric(values).fillna(0).to_numpy(dtype=np.int64)


def write(tx: Tx, dialect: Dialect, by_level: dict[str, pd.DataFrame]) -> None:
    """Replace every PATIENTS_IN relationship with `by_level`'s rows."""
    parts: dict[str, list[pd.DataFrame]] = {label: [] for label in TARGET.values()}
    for level, frame in by_level.items():
        unknown = frame["footprint"] == UNKNOWN
        for target, rows in ((TARGET[level], frame[~unknown]), (TARGET[UNKNOWN], frame[unknown])):
            dst = rows["practice"] if target == "Practice" else rows["footprint"]
            parts[target].append(pd.DataFrame({
                "src": rows["practice"].to_numpy(dtype=object), "dst": dst.to_numpy(dtype=object),
                "level": np.full(len(rows), level, dtype=object),
                "footprint": rows["footprint"].to_numpy(dtype=object),
                "patients": rows["patients"].to_numpy(dtype=np.int64),
            }))
    frames = {target: pd.concat(p, ignore_index=True) for target, p in parts.items() if p}
    copy = getattr(tx, "copy_frame", None)
    if copy is not None:  # LadybugDB: a new table in the transaction, filled by COPY (deleting is slow)
        tx.run(f"DROP TABLE IF EXISTS {q(PATIENTS_IN)}")
        tx.run(ladybug_rel_table(MODEL))
        for (src, dst), frame in zip(MODEL.ends, (frames.get(b) for _, b in MODEL.ends), strict=True):
            if frame is not None and len(frame):
                copy(PATIENTS_IN, frame, (src, dst))
        return
    tx.run(f"MATCH (:Practice)-[t:{q(PATIENTS_IN)}]->() DELETE t")
    bulk = getattr(tx, "create_rel_frame", None)
    for src, dst in MODEL.ends:
        frame = frames.get(dst)
        if frame is None or not len(frame):
            continue
        if bulk is not None:  # Neo4j: each end looked up once, not an index seek per row
            bulk(PATIENTS_IN, src, dst, frame[["src", "dst", *(p.name for p in MODEL.props)]])
            continue
        fields = ", ".join(f"{q(p.name)}: {dialect.typed(f'r.{q(p.name)}', p)}" for p in MODEL.props)
        cypher = (f"UNWIND $rows AS r MATCH (a:{q(src)} {{code: r.src}}) MATCH (b:{q(dst)} {{code: r.dst}}) "
                  f"CREATE (a)-[:{q(PATIENTS_IN)} {{{fields}}}]->(b)")
        tx.run_batch(cypher, _records(frame))


def _records(frame: pd.DataFrame) -> Sequence[dict[str, Any]]:
    return [{"src": s, "dst": d, "level": lv, "footprint": f, "patients": int(n)}
            for s, d, lv, f, n in frame.itertuples(index=False)]


def stored_registrations(tx: Tx) -> int:
    # REGISTERS runs from Practice to Area only: one end label lets Neo4j count from its count
    # store (a label on both ends expands every registration).
    return int(tx.run("MATCH (:Practice)-[r:REGISTERS]->() RETURN count(r) AS n").scalar() or 0)


def refresh(tx: Tx, dialect: Dialect, changed: set[tuple[str, str, str]], created: pd.DataFrame | None = None) -> bool:
    """Recompute the totals when `changed` (relationship type, from, to) or the store needs it.

    `created`: every registration the store now holds, when the caller knows them (a load into a
    store that had none: they are the ones it has just created), so they need not be read back."""
    if not needed(tx, changed):
        return False
    regs = created if created is not None else registrations(tx, dialect)
    write(tx, dialect, totals(regs, area_footprints(tx)))
    return True


__all__ = ["INPUTS", "LEVELS", "UNKNOWN", "area_footprints", "refresh", "registrations", "stored_registrations", "totals",
           "write"]
