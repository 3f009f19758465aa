"""Deterministic synthetic data in the input format, at Place, region or England scale.

    from icpmap.synth import generate
    rows = generate("out/", scale="england", seed=0)   # {"registrations": 1000000, ...}

Everything is invented: codes are in fictional ranges, names are put together from
made-up parts (see `names.py`), and the gaps each report looks for are built in at
fixed shares of Places (see `geography.py` and `partnerships.py`). As in the bundled
sample, every date is on or before 2022-06-30 or on or after 2030-04-01, so the reports
give the same answers for any as-at date in between.
"""

from __future__ import annotations

from typing import Any

# What the command line shows in its help, without importing numpy and pandas (the generator).
SCALE_NAMES = ("england", "region", "place")  # the keys of common.SCALES
NHS_FILE = "gp-reg-pat-prac-lsoa-all"
FORMATS = ("csv", "xlsx")

_LAZY = {"generate": "build", "nhs_registrations": "build", "tables": "build", "SCALES": "common", "Scale": "common"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # found once; later lookups are plain module attributes
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FORMATS", "NHS_FILE", "SCALES", "SCALE_NAMES", "Scale", "generate", "nhs_registrations", "tables"]
