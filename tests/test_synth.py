"""The synthetic data generator: files in the input format whose references resolve,
deterministic per seed, at the sizes asked for, with gaps for the reports to find.

England scale is never generated here (it takes seconds, not milliseconds); the place
and region scales and a 60-Place slice exercise the same code.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from icpmap.graph.model import FILES, NODES, RELS, VOCABULARIES, LinkFile, NodeFile
from icpmap.synth import NHS_FILE, SCALES, generate
from icpmap.synth.common import ENGLAND, REF, is_current

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_all(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("*.csv"))}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def place_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("place")
    generate(out, "place", seed=0)
    return out


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("region")
    return out, generate(out, "region", seed=0)


@pytest.fixture(scope="module")
def slice_frames(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """A fifth of England (60 Places, one ICS): enough Places for every Place-level gap."""
    out = tmp_path_factory.mktemp("slice")
    generate(out, ENGLAND.slice("slice", 60), seed=0)
    return read_all(out)


@pytest.fixture(params=["place", "region"])
def frames(request: pytest.FixtureRequest, place_dir: Path, region_dir: tuple[Path, dict[str, int]]) -> dict[str, pd.DataFrame]:
    return read_all(place_dir if request.param == "place" else region_dir[0])


# --- what the model says about each file -----------------------------------------


def references(f: NodeFile | LinkFile):
    """(column, target labels, `;`-list) for every column of a file that refers to a node."""
    if isinstance(f, NodeFile):
        for ref in f.refs:
            yield ref.column.name, ref.targets, ref.column.many
    else:
        yield f.source.column, f.source.labels, False
        yield f.target.column, f.target.labels, False


def typed_columns(f: NodeFile | LinkFile):
    """(column, model property) for every column that fills a property."""
    if isinstance(f, NodeFile):
        for c in f.columns():
            if any(p.name == c.target_prop for p in f.node.props):
                yield c.name, f.node.prop(c.target_prop)
        for ref in f.refs:
            for c in ref.props:
                yield c.name, RELS[ref.rel].prop(c.target_prop)
    else:
        for c in f.props:
            yield c.name, RELS[f.rel].prop(c.target_prop)


def test_every_file_with_the_models_header(frames: dict[str, pd.DataFrame]) -> None:
    assert set(frames) == set(FILES)
    for name, f in FILES.items():
        assert list(frames[name].columns) == [c.name for c in f.columns()], name
        assert len(frames[name]) > 0, name


def test_required_columns_are_filled(frames: dict[str, pd.DataFrame]) -> None:
    for name, f in FILES.items():
        for c in f.columns():
            if c.required:
                assert (frames[name][c.name] != "").all(), f"{name}.{c.name} has blanks"


def test_every_reference_resolves(frames: dict[str, pd.DataFrame]) -> None:
    keys: dict[str, set[str]] = defaultdict(set)
    for name, f in FILES.items():
        if isinstance(f, NodeFile):
            keys[f.label] |= set(frames[name][f.node.key])
    checked = 0
    for name, f in FILES.items():
        for column, labels, many in references(f):
            values = frames[name][column]
            values = values.str.split(";").explode() if many else values
            values = values[values != ""]
            known = set().union(*(keys[label] for label in labels))
            missing = sorted(set(values) - known)
            assert not missing, f"{name}.{column} refers to unknown {'/'.join(labels)}: {missing[:5]}"
            checked += len(values)
    assert checked > 0


def test_vocabularies_dates_booleans_and_numbers(frames: dict[str, pd.DataFrame]) -> None:
    for name, f in FILES.items():
        for column, prop in typed_columns(f):
            values = frames[name][column]
            values = values[values != ""]
            if prop.vocabulary:
                bad = sorted(set(values) - set(VOCABULARIES[prop.vocabulary]))
                assert not bad, f"{name}.{column}: {bad}"
            if prop.type == "date":
                assert values.str.match(ISO).all(), f"{name}.{column} not ISO dates"
                pd.to_datetime(values, format="%Y-%m-%d")  # real dates
            elif prop.type == "bool":
                assert values.isin(["true", "false"]).all(), f"{name}.{column}"
            elif prop.type == "int":
                assert values.str.fullmatch(r"\d+").all() and (values.astype(int) > 0).all(), f"{name}.{column}"
            elif prop.type == "float":
                pd.to_numeric(values)
    # the Area kind has no vocabulary in the model: the generator only writes LSOAs
    assert set(frames["areas"]["kind"]) == {"lsoa"}


def test_keys_are_unique(frames: dict[str, pd.DataFrame]) -> None:
    for name, f in FILES.items():
        df = frames[name]
        if isinstance(f, NodeFile):
            history = [r for r in f.refs if r.history]
            key = [f.node.key] + [c for r in history for c in (r.column.name, *(p.name for p in r.props))]
        else:
            key = [f.source.column, f.target.column, *f.identity]
        dup = df[df.duplicated(key, keep=False)]
        assert dup.empty, f"{name}: duplicate {key}:\n{dup.head()}"


def test_practice_history_has_one_current_pcn(frames: dict[str, pd.DataFrame]) -> None:
    pr = frames["practices"]
    current = pr[[is_current(a, b, REF) for a, b in zip(pr["from"], pr["to"])]]
    assert not current["code"].duplicated().any()
    # the same name, postcode and Place on every row of a practice
    assert (pr.groupby("code")[["name", "postcode", "place_code"]].nunique() == 1).all().all()


def test_deterministic_for_a_seed(place_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", "place", seed=0)
    assert digests(tmp_path / "again") == digests(place_dir)
    # and in another process, where Python hashes strings differently
    code = f"from icpmap.synth import generate; generate({str(tmp_path / 'child')!r}, 'place', seed=0)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    assert digests(tmp_path / "child") == digests(place_dir)


def test_different_seeds_differ(place_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path / "other", "place", seed=1)
    a, b = digests(place_dir), digests(tmp_path / "other")
    assert a.keys() == b.keys()
    changed = {n for n in a if a[n] != b[n]}
    assert {"registrations.csv", "memberships.csv", "organisations.csv", "places.csv"} <= changed


def test_region_counts_in_range(region_dir: tuple[Path, dict[str, int]]) -> None:
    folder, rows = region_dir
    frames = read_all(folder)
    assert rows == {name: len(df) for name, df in frames.items()}
    sc = SCALES["region"]
    assert rows["ics"] == 1 and rows["places"] == sc.places == 7
    assert rows["neighbourhoods"] == sc.neighbourhoods
    assert rows["pcns"] == sc.pcns
    assert frames["practices"]["code"].nunique() == sc.practices
    assert rows["areas"] == sc.areas
    assert rows["organisations"] == sc.organisations
    assert rows["registrations"] == sc.registrations
    assert 35 <= rows["boards"] <= 70  # about 6.6 per Place, plus the ICS's own
    assert 800 <= rows["memberships"] <= 1500  # about 150 per Place
    assert 5 <= rows["agreements"] <= 9
    assert 20 <= rows["signatures"] <= 150
    # practices x areas: each pair once, patients per practice in a plausible range
    reg = frames["registrations"]
    totals = reg.assign(n=reg["patients"].astype(int)).groupby("practice_code")["n"].sum()
    assert totals.between(1500, 40_000).all()


def test_england_targets_scale_by_place() -> None:
    eng, region, place = SCALES["england"], SCALES["region"], SCALES["place"]
    assert (eng.ics, eng.places, eng.pcns, eng.practices, eng.areas, eng.registrations, eng.organisations) == (
        42, 300, 1250, 6500, 33_000, 1_000_000, 20_000)
    assert region.places == 7 and place.places == 1 and place.pcns >= 1


def test_codes_are_in_fictional_ranges(frames: dict[str, pd.DataFrame]) -> None:
    assert frames["places"]["code"].str.fullmatch(r"E0990\d{4}").all()
    assert frames["ics"]["code"].str.fullmatch(r"Q9\d\d").all()
    assert frames["pcns"]["code"].str.fullmatch(r"UZ\d{4}").all()
    assert frames["practices"]["code"].str.fullmatch(r"PZ\d{4}").all()
    assert frames["areas"]["code"].str.fullmatch(r"[EW]019\d{5}").all()
    assert frames["practices"]["postcode"].str.match(r"Q").all()  # no real postcode area starts with Q


def test_every_report_has_work_to_do(slice_frames: dict[str, pd.DataFrame]) -> None:
    f = slice_frames
    mem, boards, orgs = f["memberships"], f["boards"], f["organisations"]
    # history: ended and not-yet-started memberships, and blank `from` dates
    assert (mem["to"] != "").any() and (mem["from"] >= "2030-04-01").any() and (mem["from"] == "").any()
    # breadth: some partnerships lack an expected sector
    cur = mem[[is_current(a, b, REF) for a, b in zip(mem["from"], mem["to"])]]
    part = cur.merge(boards, left_on="board_code", right_on="code")
    part = part[part["kind"].isin(["place_partnership_board", "health_and_wellbeing_board"])]
    part = part.merge(orgs, left_on="organisation_code", right_on="code", suffixes=("", "_org"))
    sectors = part.groupby("place_code")["sector"].agg(set)
    for s in ("housing", "voluntary", "police", "primary_care"):
        assert any(s not in v for v in sectors), f"every partnership has {s}"
    assert len(sectors) < len(f["places"])  # a Place with no ICP board at all
    # ICP boards: some Places have only the HWB, some no safeguarding children board
    kinds = boards.groupby("place_code")["kind"].agg(set)
    assert any("place_partnership_board" not in k and "health_and_wellbeing_board" in k for k in kinds)
    assert any("safeguarding_children_partnership" not in k for k in kinds)
    # unsigned: parties listed without a date, and core members with no row
    sig = f["signatures"]
    assert (sig["signed_on"] == "").any() and (sig["signed_on"] > "2021-09-30").any()
    core = part[part["role"] == "core"][["place_code", "organisation_code"]].drop_duplicates()
    ag = f["agreements"][f["agreements"]["kind"] != "section_75"]
    expected = core.merge(ag, on="place_code")
    listed = set(zip(sig["agreement_code"], sig["organisation_code"]))
    assert any((a, o) not in listed for a, o in zip(expected["code"], expected["organisation_code"]))
    assert f["agreements"]["place_code"].nunique() < len(f["places"])  # a Place with no agreement
    # coterminosity: a PCN leads none, a neighbourhood is led by two, a practice is in another Place
    pcns = f["pcns"]
    led = pcns["neighbourhood_codes"].str.split(";").explode()
    assert (pcns["neighbourhood_codes"] == "").any() and led[led != ""].duplicated().any()
    assert (pcns["neighbourhood_codes"].str.contains(";")).any()
    pcn_place = f["neighbourhoods"].set_index("code")["place_code"]
    pr = f["practices"].merge(pcns, left_on="pcn_code", right_on="code", suffixes=("", "_pcn"))
    home = pr["neighbourhood_codes"].str.split(";").str[0].map(pcn_place)
    assert ((pr["place_code"] != "") & home.notna() & (pr["place_code"] != home)).any()
    assert f["neighbourhoods"]["place_code"].nunique() < len(f["places"])  # a Place with no neighbourhoods
    areas = f["areas"]
    assert ((areas["place_code"] == "") & (areas["neighbourhood_code"] == "")).any()
    assert ((areas["place_code"] == "") & (areas["neighbourhood_code"] != "")).any()
    # links: some recorded both ways
    links = set(zip(f["board_links"]["board_code"], f["board_links"]["linked_board_code"]))
    assert any((b, a) in links for a, b in links)
    # place leads: Places without one, with two rows, late
    leads = f["roles"][f["roles"]["role"] == "place_lead"]
    assert leads["target_code"].nunique() < len(f["places"])
    assert leads["target_code"].duplicated().any() and (leads["from"] > "2021-12-31").any()
    # plans and commissioning: something missing somewhere
    assert f["plans"].groupby("place_code")["kind"].nunique().min() < 6
    assert f["commissioning"].groupby("place_code")["kind"].nunique().min() < 4


def test_nhs_format(tmp_path: Path, place_dir: Path) -> None:
    rows = generate(tmp_path, "place", seed=0, nhs_format=True)
    assert NHS_FILE in rows and "registrations" not in rows
    assert not (tmp_path / "registrations.csv").exists()
    text = (tmp_path / f"{NHS_FILE}.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS"
    nhs = pd.read_csv(tmp_path / f"{NHS_FILE}.csv", dtype=str, keep_default_na=False)
    assert set(nhs["SEX"]) == {"ALL"}
    placeholders = nhs[~nhs["LSOA_CODE"].str.fullmatch(r"[EW]\d{8}")]
    assert len(placeholders) >= 1 and set(placeholders["LSOA_CODE"]) <= {"NO2011", "CLOSED"}
    real = nhs[nhs["LSOA_CODE"].str.fullmatch(r"[EW]\d{8}")]
    reg = pd.read_csv(place_dir / "registrations.csv", dtype=str, keep_default_na=False)
    assert list(zip(real["PRACTICE_CODE"], real["LSOA_CODE"], real["NUMBER_OF_PATIENTS"])) == list(
        zip(reg["practice_code"], reg["area_code"], reg["patients"]))
    names = pd.read_csv(place_dir / "practices.csv", dtype=str).drop_duplicates("code").set_index("code")["name"]
    assert (nhs["PRACTICE_NAME"] == nhs["PRACTICE_CODE"].map(names).str.upper()).all()
    assert {n: rows[n] for n in rows if n != NHS_FILE} == {p.stem: len(pd.read_csv(p)) for p in tmp_path.glob("*.csv")
                                                            if p.stem != NHS_FILE}


def test_xlsx_is_one_workbook_with_a_sheet_per_file(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = generate(tmp_path / "a", "place", seed=0, fmt="xlsx")
    generate(tmp_path / "b", "place", seed=0, fmt="xlsx")
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    wb = load_workbook(tmp_path / "a" / "icpmap-synth.xlsx", read_only=True)
    assert wb.sheetnames == list(FILES)
    assert {n: wb[n].max_row - 1 for n in wb.sheetnames} == rows


def test_refusals() -> None:
    with pytest.raises(ValueError, match="scale"):
        generate("unused", "county")
    with pytest.raises(ValueError, match="xlsx"):
        generate("unused", "england", fmt="xlsx")  # refused before anything is generated
    with pytest.raises(ValueError, match="format"):
        generate("unused", "place", fmt="parquet")
    assert not Path("unused").exists()


def test_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import icpmap.cli.synth_cmd  # noqa: F401  (registers the command)
    from icpmap.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["synth", "--scale", "place", "-o", str(tmp_path / "out"), "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "registrations.csv" in result.output and "total" in result.output
    assert {p.stem for p in (tmp_path / "out").glob("*.csv")} == set(FILES)
    result = runner.invoke(app, ["synth", "--scale", "county", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and "Unknown scale" in result.output


def test_the_loader_loads_the_place_scale(place_dir: Path, tmp_path: Path) -> None:
    from icpmap.graph import open_store
    from icpmap.loaders import load_paths

    frames = read_all(place_dir)
    store = open_store(tmp_path / "db")
    try:
        load_paths(store, [place_dir])
        counts = store.counts()
    finally:
        store.close()
    for name, f in FILES.items():
        if isinstance(f, NodeFile):
            assert counts[f.label] == frames[name][f.node.key].nunique(), name
    assert counts["REGISTERS"] == len(frames["registrations"])
    assert set(NODES) <= set(counts)
