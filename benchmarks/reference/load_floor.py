"""The floor of a registrations load: read the file with pandas, copy its rows into the store with
LadybugDB's bulk COPY, commit. Nothing is checked, compared or totalled.

    python benchmarks/reference/load_floor.py STORE FILE

FILE is registrations.csv (practice_code, area_code, patients: the store holds its practices and
areas) or the file as NHS Digital publishes it (gp-reg-pat-prac-lsoa-all.csv: its practices and
areas are created too). bench_cli runs it beside `icpmap load` and the pandas read of the same file,
to show how much of a load is the engine's own work.
"""

from __future__ import annotations

import os
import sys

import ladybug
import numpy as np
import pandas as pd

from icpmap.graph.dialect import ladybug_schema
from icpmap.graph.model import NODES


def nodes(label: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A node table's rows in its column order, missing properties as None."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame({p.name: columns.get(p.name, np.full(n, None, dtype=object)) for p in NODES[label].props})


store, path = sys.argv[1], sys.argv[2]
frame = pd.read_csv(path)
if "PRACTICE_CODE" in frame.columns:  # as published: everyone's rows, each practice and area once
    frame = frame[frame["SEX"] == "ALL"]
    practice = frame.drop_duplicates("PRACTICE_CODE")
    practices = nodes("Practice", {"code": practice["PRACTICE_CODE"].to_numpy(dtype=object),
                                   "name": practice["PRACTICE_NAME"].to_numpy(dtype=object)})
    lsoa = frame["LSOA_CODE"].drop_duplicates().to_numpy(dtype=object)
    areas = nodes("Area", {"code": lsoa, "kind": np.full(len(lsoa), "lsoa", dtype=object)})
    columns = ("PRACTICE_CODE", "LSOA_CODE", "NUMBER_OF_PATIENTS")
else:
    practices = areas = None
    columns = ("practice_code", "area_code", "patients")
rows = pd.DataFrame({"src": frame[columns[0]].to_numpy(dtype=object), "dst": frame[columns[1]].to_numpy(dtype=object),
                     "patients": frame[columns[2]].to_numpy(dtype=np.int64)})

db = ladybug.Database(store, buffer_pool_size=2048 * 1024 * 1024)
conn = ladybug.Connection(db)
for statement in ladybug_schema():  # IF NOT EXISTS: only a new store changes
    conn.execute(statement)
conn.execute("BEGIN TRANSACTION")
if practices is not None:
    conn.execute("COPY Practice FROM practices")
    conn.execute("COPY Area FROM areas")
conn.execute("COPY REGISTERS FROM rows (from='Practice', to='Area')")
conn.execute("COMMIT")
conn.execute("CHECKPOINT")
print(conn.execute("MATCH (:Practice)-[r:REGISTERS]->(:Area) RETURN count(r)").get_next()[0])
sys.stdout.flush()
db.close()
os._exit(0)
