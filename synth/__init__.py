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

from .build import FORMATS, NHS_FILE, generate, nhs_registrations, tables
from .common import SCALES, Scale

__all__ = ["FORMATS", "NHS_FILE", "SCALES", "Scale", "generate", "nhs_registrations", "tables"]
