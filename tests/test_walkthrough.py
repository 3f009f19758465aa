"""The analyst's "From published files" walk-through (docs/roles/analyst.md), run as written
from a clean store.

The commands are read from that page itself. Each file it names is stood in for by the
published file of `../shared/data` in the same format (linked, or rebuilt in a temporary
folder in the layout its publisher uses: the ONS lookup with the portal's headers,
Code-Point Open without a header row, ePCN as a workbook); the practice x LSOA file, which
`../shared/data` lacks, is generated in its published format. Skipped where the shared
data folder is absent.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.shared_data

ROOT = Path(__file__).resolve().parents[1]


def walkthrough_commands() -> tuple[list[str], list[list[str]], list[list[str]]]:
    """(the load command, the other loads (boundaries), the commands of step 3) from the documentation's walk-through."""
    text = (ROOT / "docs" / "roles" / "analyst.md").read_text(encoding="utf-8")
    start = text.index("## From published files")
    section = text[start:text.index("\n## ", start + 1)]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    loads = [shlex.split(line.split("#")[0]) for b in blocks for line in b.splitlines() if line.startswith("icpmap load")]
    ask = [shlex.split(line.split("#")[0]) for b in blocks for line in b.splitlines()
           if line.startswith("icpmap") and not line.startswith("icpmap load")]
    return loads[0], loads[1:], ask


def csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def stand_ins(data: Path, folder: Path) -> dict[str, Path]:
    """The file each published name of the walk-through stands for."""
    out: dict[str, Path] = {}
    practice_map = folder / "gp-reg-pat-prac-map.csv"
    practice_map.symlink_to(data / "nhs/gp-reg-pat-prac-map-2022-01.csv")
    out[practice_map.name] = practice_map
    epraccur = folder / "epraccur.csv"
    epraccur.symlink_to(data / "nhs/ods/cm_epraccur_2023-02.csv")
    out[epraccur.name] = epraccur
    # ePCN.xlsx: the two sheets as ODS publishes them.
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    for title, name in (("PCNDetails", "cm_epcn_pcn_details_2023-02.csv"),
                        ("PCN Core Partner Details", "cm_epcn_core_partner_details_2023-02.csv")):
        frame = csv(data / "nhs/epcn" / name)
        sheet = book.create_sheet(title)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
    book.save(folder / "ePCN.xlsx")
    out["ePCN.xlsx"] = folder / "ePCN.xlsx"
    # The ONS portal's LSOA (2021) -> SICBL -> ICB -> Cancer Alliance -> LAD lookup, with its headers.
    sub = csv(data / "ons/geography/cm_lsoa21_to_sicbl24_icb24.csv")
    lad = csv(data / "ons/geography/cm_lsoa21_to_ward24_to_ltla24.csv").drop_duplicates("lsoa21_code")
    both = sub.merge(lad, on="lsoa21_code", suffixes=("", "_w"))
    lookup = pd.DataFrame({
        "LSOA21CD": both["lsoa21_code"], "LSOA21NM": both["lsoa21_name"], "SICBL24CD": both["sicbl24_code"],
        "SICBL24CDH": both["sicbl24_code_nhs"], "SICBL24NM": both["sicbl24_name"], "ICB24CD": both["icb24_code"],
        "ICB24CDH": both["icb24_code_nhs"], "ICB24NM": both["icb24_name"], "CAL24CD": "E56000001",
        "CAL24NM": "Cheshire and Merseyside", "LAD24CD": both["ltla24_code"], "LAD24NM": both["ltla24_name"],
    })
    name = "LSOA21_SICBL24_ICB24_CAL24_LAD24_EN_LU.csv"
    lookup.to_csv(folder / name, index=False)
    out[name] = folder / name
    # Code-Point Open's data files have no header row.
    codepoint = folder / "codepo_gb/Data/CSV"
    codepoint.mkdir(parents=True)
    lines = (data / "ons/postcodes/codepoint_open_2025-10_cm_postcodes.csv").read_text().splitlines(keepends=True)
    (codepoint / "cm.csv").write_text("".join(lines[1:]))
    out["codepo_gb/Data/CSV"] = codepoint
    # gp-reg-pat-prac-lsoa-all.csv, generated in its published format: every practice of the map
    # with patients in a few LSOAs (the C&M ones drawn from C&M LSOAs).
    practices = csv(data / "nhs/gp-reg-pat-prac-map-2022-01.csv")
    rng = np.random.default_rng(13)
    lsoas = lookup["LSOA21CD"].to_numpy()
    rows = []
    for code, name_ in zip(practices["PRACTICE_CODE"], practices["PRACTICE_NAME"], strict=True):
        for area in rng.choice(lsoas, size=3, replace=False):
            rows.append(("GP_PRAC_PAT_LIST", "01JAN2022", code, name_, area, "ALL", int(rng.integers(50, 3000))))
    pd.DataFrame(rows, columns=["PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "LSOA_CODE", "SEX",
                                "NUMBER_OF_PATIENTS"]).to_csv(folder / "gp-reg-pat-prac-lsoa-all.csv", index=False)
    out["gp-reg-pat-prac-lsoa-all.csv"] = folder / "gp-reg-pat-prac-lsoa-all.csv"
    # The ONS portal's national GeoJSON files: the C&M LSOAs 2021 (one file per local authority
    # in ../shared/data) as one FeatureCollection, and the local authorities (BUC) as they are.
    boundaries = data / "ons/boundaries"
    features = [f for path in sorted((boundaries / "lsoa21_bgc_drkane").glob("*.geojson"))
                for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    lsoa = folder / "LSOA_2021_EW_BGC.geojson"
    lsoa.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    out[lsoa.name] = lsoa
    lad = folder / "LAD_DEC_2022_UK_BUC.geojson"
    lad.symlink_to(boundaries / "lad22_buc_cm.geojson")
    out[lad.name] = lad
    return out


def test_the_walk_through_works_from_a_clean_store(shared_data: Path, tmp_path: Path, cli) -> None:
    load, more, ask = walkthrough_commands()
    assert load[:3] == ["icpmap", "load", "--ics"] and load[3] == "QYG"
    files = stand_ins(shared_data, tmp_path)
    assert set(load[4:]) | {name for m in more for name in m[4:]} == set(files), "a file with no stand-in"
    db = tmp_path / "store"
    done = cli(*load[1:4], *(str(files[name]) for name in load[4:]), db=db, timeout=600)
    assert done.returncode == 0, done.stderr
    for other in more:  # the boundaries, for the maps
        boundaries = cli(*other[1:4], *(str(files[name]) for name in other[4:]), db=db, timeout=600)
        assert boundaries.returncode == 0, boundaries.stderr
    text = " ".join(done.stdout.split())
    assert re.search(r"--ics QYG: kept [\d,]+ rows .* left out [\d,]+ rows", text), text
    located = re.search(r"Practices located in a Place: ([\d,]+) of ([\d,]+)", text)
    assert located, text
    share = int(located.group(1).replace(",", "")) / int(located.group(2).replace(",", ""))
    assert share >= 0.99, text
    # Step 3, as written: every command runs; no row says coterminous with `unknown`.
    for command in ask:
        out = tmp_path / "out" / command[2]
        args = [a if not a.endswith((".png", ".html", ".xlsx")) else str(out / a) for a in command[1:]]
        (out).mkdir(parents=True, exist_ok=True)
        done = cli(*args, db=db, timeout=600)
        assert done.returncode == 0, (command, done.stderr)
    page = next((tmp_path / "out").rglob("cheshire-and-merseyside-map.html")).read_text(encoding="utf-8")
    areas = re.search(r'<g id="areas">(.*?)</g>', page).group(1)
    assert areas.count("<path ") == 1601  # every LSOA 2021 of the ICS, from the national-style file
    for by in ("patients", "practices"):
        done = cli("report", "coterminosity", "--ics", "QYG", "--by", by, "--format", "json", db=db)
        rows = json.loads(done.stdout)
        assert len(rows) >= 40, by
        assert not [r for r in rows if r["main_footprint"] == "unknown" and r["coterminous"]], by
        assert all(isinstance(r["unknown"], int) for r in rows)
