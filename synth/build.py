"""Put the parts together: one DataFrame per input file, and writing them out."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph.model import FILES, LOAD_ORDER
from ..sample import SAMPLE_DIR
from . import FORMATS, NHS_FILE, geography, partnerships
from .common import SCALES, Scale, pick, stream

NHS_COLUMNS = ("PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "LSOA_CODE", "SEX",
               "NUMBER_OF_PATIENTS")
NHS_PLACEHOLDERS = ("NO2011", "CLOSED")


def columns(name: str) -> list[str]:
    """The header of an input file, from the model (graph/model.py FILES)."""
    return [c.name for c in FILES[name].columns()]


def _scale(scale: str | Scale) -> Scale:
    if isinstance(scale, Scale):
        return scale
    try:
        return SCALES[scale]
    except KeyError:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}") from None


def tables(scale: str | Scale = "england", seed: int = 0) -> dict[str, pd.DataFrame]:
    """Every input file as a DataFrame (columns and order as in the model), in load order."""
    sc = _scale(scale)
    geo = geography.build(sc, seed)
    raw: dict[str, dict] = {k: v for k, v in geo.tables.items() if not k.startswith("_")}
    raw.update(partnerships.build(geo, sc.organisations, seed))
    milestones = pd.read_csv(SAMPLE_DIR / "milestones.csv", dtype=str, keep_default_na=False)
    raw["milestones"] = {c: milestones[c].tolist() for c in milestones.columns}
    out: dict[str, pd.DataFrame] = {}
    for name in LOAD_ORDER:
        cols = columns(name)
        data = raw[name]
        required = {c.name for c in FILES[name].columns() if c.required}
        if set(data) - set(cols) or required - set(data):
            raise AssertionError(f"{name}: generated columns {sorted(data)} differ from the model's {cols}")
        rows = len(next(iter(data.values()))) if data else 0
        # An optional column the generator does not fill (a newer model property) stays blank.
        out[name] = pd.DataFrame({c: data[c] if c in data else [""] * rows for c in cols}, columns=cols)
    out["_practice_names"] = pd.DataFrame(geo.tables["_practice_names"])
    return out


def nhs_registrations(regs: pd.DataFrame, practice_names: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """The registrations as NHS Digital publishes them (`gp-reg-pat-prac-lsoa-all.csv`):
    upper-case practice names, SEX `ALL`, and a few rows for patients with no known area
    (LSOA_CODE `NO2011` or `CLOSED`), whose patients count in the practice's total."""
    rng = stream(seed, "nhs-format")
    codes = pd.unique(regs["practice_code"])
    n = len(codes)
    extra_mask = pick(rng, n, 0.02, at_least=1 if n else 0)
    extra_codes = codes[extra_mask]
    placeholder = np.where(rng.random(len(extra_codes)) < 0.85, NHS_PLACEHOLDERS[0], NHS_PLACEHOLDERS[1])
    extra = pd.DataFrame({"practice_code": extra_codes, "area_code": placeholder,
                          "patients": rng.integers(1, 40, len(extra_codes))})
    both = pd.concat([regs, extra], ignore_index=True)
    order = pd.Index(codes).get_indexer(both["practice_code"])
    both = both.iloc[np.argsort(order, kind="stable")]
    names = dict(zip(practice_names["code"], practice_names["name"].str.upper()))
    return pd.DataFrame({
        "PUBLICATION": "GP_PRAC_PAT_LIST",
        "EXTRACT_DATE": "01Apr2022",
        "PRACTICE_CODE": both["practice_code"].to_numpy(),
        "PRACTICE_NAME": both["practice_code"].map(names).to_numpy(),
        "LSOA_CODE": both["area_code"].to_numpy(),
        "SEX": "ALL",
        "NUMBER_OF_PATIENTS": both["patients"].to_numpy(),
    }, columns=list(NHS_COLUMNS))


def generate(out_dir: str | os.PathLike[str], scale: str | Scale = "england", seed: int = 0, *,
             fmt: str = "csv", nhs_format: bool = False) -> dict[str, int]:
    """Write synthetic input files for `scale` into `out_dir`; return rows per file.

    Deterministic: the same scale and seed give byte-identical files. `fmt` is `csv`
    (one file per input, named as in the input format) or `xlsx` (one workbook,
    `icpmap-synth.xlsx`, a sheet per input; not for england, which is beyond what a
    workbook is for). With `nhs_format` the registrations are written as NHS Digital's
    `gp-reg-pat-prac-lsoa-all.csv` instead of `registrations.csv`, so that the folder
    still holds each registration once.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    sc = _scale(scale)
    if not 0 <= seed < 2**63:
        raise ValueError(f"the seed must be a whole number from 0 to 2**63 - 1, not {seed}")
    if fmt == "xlsx" and sc.registrations > 200_000:
        raise ValueError(f"--format xlsx is for the place and region scales; {sc.name} has "
                         f"{sc.registrations:,} registrations: use csv")
    if fmt == "xlsx" and nhs_format:
        raise ValueError("--nhs-format writes a CSV file as NHS Digital publishes it: use it with --format csv")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = tables(sc, seed)
    practice_names = frames.pop("_practice_names")
    if nhs_format:
        frames[NHS_FILE] = nhs_registrations(frames.pop("registrations"), practice_names, seed)
    rows = {name: len(df) for name, df in frames.items()}
    if fmt == "csv":
        for name, df in frames.items():
            df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
    else:
        path = out / "icpmap-synth.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, df in frames.items():
                df.to_excel(xw, sheet_name=name, index=False)
        _fix_xlsx_timestamps(path)
    return rows


def _fix_xlsx_timestamps(path: Path) -> None:
    """openpyxl stamps the workbook with the time it was written; pin it so the same seed
    gives the same bytes."""
    import zipfile

    fixed = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                              rb"<dcterms:\1\2>2022-06-30T00:00:00Z<", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2022, 6, 30, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    fixed.replace(path)
