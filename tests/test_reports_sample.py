"""The reports on the bundled sample: each has something to show; output rules; the pack; the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from icpmap.graph import open_store
from icpmap.loaders import load_paths
from icpmap.reports import PACK_NAME, REPORTS, run_all, run_report, tabular, write_report_pack
from icpmap.sample import SAMPLE_DIR

ENGINES = ["ladybug", "neo4j"] if os.environ.get("ICPMAP_NEO4J_URI") else ["ladybug"]
# The sample's stable window: the same answers for any as-at date from 2022-07-01 to 2030-03-31.
AS_AT = dt.date(2025, 1, 1)
KNOWSLEY, WARRINGTON, WIRRAL = "E08000011", "E06000007", "E08000015"


@pytest.fixture(scope="module", params=ENGINES)
def sample(request, tmp_path_factory, open_store_for):
    store = open_store_for(request.param, tmp_path_factory.mktemp("sample-db") / "db")
    load_paths(store, [SAMPLE_DIR])
    yield store
    store.close()


@pytest.fixture(scope="module")
def results(sample):
    return {r.name: r for r in run_all(sample, as_at=AS_AT)}


# -- every report has something to say on the sample ---------------------------------------


def test_every_report_has_rows(results, sample):
    assert list(results) == list(REPORTS)
    for name, result in results.items():
        if name == "changes":  # nothing changes in the sample's stable window (2022-07-01 to 2030-03-31)
            assert result.rows == [] and result.options["to_date"] == AS_AT
            continue
        assert result.rows, f"{name} is empty on the sample"
    year = run_report(sample, "changes", from_date="2021-07-01", to_date="2022-06-30")
    kinds = {r[2] for r in year.rows}
    assert {"joined_board", "left_board", "signature_added", "place_lead_appointed", "endorsement",
            "plan_approved", "practice_left_pcn"} <= kinds


def test_sample_gaps_show(results, sample):
    breadth = {r[0]: r for r in results["breadth"].rows}
    assert len(breadth) == 9 and any(r[6] for r in breadth.values())  # some Place misses a sector
    unsigned = results["unsigned"].rows
    assert {r[4] for r in unsigned} == {"not_signed", "no_signature_row"}
    assert KNOWSLEY not in {r[0] for r in unsigned}  # Knowsley has no agreement at all
    cot = results["coterminosity"].rows
    assert any(r[5] for r in cot) and not all(r[5] for r in cot)
    assert results["coterminosity"].options["by"] == "patients"
    nbs = run_report(sample, "coterminosity", view="neighbourhoods", as_at=AS_AT).rows
    assert any(r[4] for r in nbs) and not all(r[4] for r in nbs)
    assert {r[0] for r in results["missing-links"].rows} >= {WARRINGTON, KNOWSLEY}
    leads = {r[0]: r for r in results["place-leads"].rows}
    assert leads[KNOWSLEY][1] is None and leads[WARRINGTON][3] == 0 and leads[WARRINGTON][4]
    assert {r[3] for r in results["assurance"].rows} == {"met", "partial", "not_met"}
    assert len(results["assurance"].rows) == 9 * 7
    assert {r[3] for r in results["timeline"].rows} == {"on_time", "late", "outstanding"}
    brokers = results["brokers"].rows
    assert brokers[0][3] >= 2 and any(r[4] > 0 for r in brokers)


def test_sample_with_one_place(sample):
    for name in REPORTS:
        window = {"from_date": "2021-07-01", "to_date": "2022-06-30"} if name == "changes" else {"as_at": AS_AT}
        result = run_report(sample, name, place=WIRRAL, **window)
        assert result.rows, name
        if name == "changes":
            assert {r[1] for r in result.rows} == {WIRRAL}


# -- output rules ---------------------------------------------------------------------------


def _csv(result):
    text = tabular.to_csv(result.columns, result.rows)
    return list(csv.reader(io.StringIO(text)))


def test_csv_headers_are_exact(results):
    for name, result in results.items():
        header = _csv(result)[0]
        assert header[: len(REPORTS[name].columns)] == list(REPORTS[name].columns), name


ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COUNT_COLUMNS = {"members", "sectors", "statutory", "non_statutory", "footprints", "core_members", "endorsed_by",
                 "boards", "places", "feature", "main_count", "total"}
BOOL_COLUMNS = {"coterminous", "one_to_one", "on_collaborative_forum"}
DATE_COLUMNS = {"due", "completed_on"}
LIST_COLUMNS = {"missing_sectors", "missing_endorsements", "pcn_codes"}


def test_csv_cells_follow_the_output_rules(results, sample):
    extra = run_report(sample, "coterminosity", view="neighbourhoods", as_at=AS_AT)
    checked = set()
    for result in [*results.values(), extra]:
        table = _csv(result)
        header = table[0]
        for row in table[1:]:
            for column, cell in zip(header, row):
                if column in COUNT_COLUMNS:
                    assert re.fullmatch(r"\d+", cell), (result.name, column, cell)
                elif column in BOOL_COLUMNS:
                    assert cell in ("true", "false"), (result.name, column, cell)
                elif column in DATE_COLUMNS:
                    assert cell == "" or ISO.match(cell), (result.name, column, cell)
                elif column == "share":
                    assert cell == "" or re.fullmatch(r"(0(\.\d{1,3})?|1)", cell), cell
                elif column in LIST_COLUMNS and cell:
                    items = cell.split(";")
                    assert items == sorted(items) and all(items), (column, cell)
                checked.add(column)
    assert checked >= COUNT_COLUMNS | BOOL_COLUMNS | DATE_COLUMNS | LIST_COLUMNS | {"share"}


def test_json_keeps_types(results):
    records = json.loads(tabular.to_json(results["coterminosity"].columns, results["coterminosity"].rows))
    first = records[0]
    assert isinstance(first["share"], float) and isinstance(first["coterminous"], bool)
    assert isinstance(first["footprints"], int)
    timeline = json.loads(tabular.to_json(results["timeline"].columns, results["timeline"].rows))
    assert all(r["due"] and ISO.match(r["due"]) for r in timeline)


# -- the report pack ------------------------------------------------------------------------


def test_report_pack_writes_every_report(sample, tmp_path):
    paths = write_report_pack(sample, tmp_path / "pack", as_at=AS_AT)
    names = [p.name for p in paths]
    assert names == [f"{n}.csv" for n in REPORTS] + [PACK_NAME]
    for path in paths[:-1]:
        header = next(csv.reader(path.open(encoding="utf-8")))
        assert header[: len(REPORTS[path.stem].columns)] == list(REPORTS[path.stem].columns)
    book = load_workbook(paths[-1])
    assert book.sheetnames == list(REPORTS)
    sheet = book["timeline"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert [c.value for c in sheet[1]] == list(REPORTS["timeline"].columns)
    assert isinstance(sheet["C2"].value, dt.datetime | dt.date)  # dates stay dates in Excel

    # the window reports end on the pack's date: progress by quarter over the year to it, changes over the
    # 90 days to it (the sample's last change is on 2022-06-30)
    day = dt.date(2022, 6, 30)
    write_report_pack(sample, tmp_path / "pack-2022", as_at=day)
    book = load_workbook(tmp_path / "pack-2022" / PACK_NAME)
    for name in ("progress", "changes"):
        expected = run_report(sample, name, to_date=day)
        assert len(expected.rows) > 9, name
        assert (tmp_path / "pack-2022" / f"{name}.csv").read_text(encoding="utf-8") == \
            tabular.to_csv(expected.columns, expected.rows)
        assert book[name].max_row == len(expected.rows) + 1
    assert min(r[0] for r in expected.rows) >= day - dt.timedelta(days=90)  # the changes
    assert {r[3] for r in run_report(sample, "progress", to_date=day).rows} == {
        dt.date(2021, 9, 30), dt.date(2021, 12, 31), dt.date(2022, 3, 31), day}


# -- the command line -----------------------------------------------------------------------

ENTRY = "import sys; from icpmap.cli import report_cmds, main; sys.argv[0] = 'icpmap'; main()"


def icpmap(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICPMAP_NEO4J")}
    env["COLUMNS"] = "200"
    return subprocess.run([sys.executable, "-c", ENTRY, "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "db"
    store = open_store(path, engine="ladybug")
    load_paths(store, [SAMPLE_DIR])
    store.close()
    return path


def test_cli_csv(cli_db):
    done = icpmap("report", "unsigned", "--place", WARRINGTON, "--format", "csv", db=cli_db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "place_code,agreement_code,organisation_code,organisation_name,reason"
    assert len(lines) > 1 and all(line.startswith(WARRINGTON) for line in lines[1:])


def test_cli_json_and_options(cli_db):
    done = icpmap("report", "coterminosity", "--level", "neighbourhood", "--threshold", "0.9", "--as-at",
                  "2025-01-01", "--format", "json", db=cli_db)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert records and all(r["coterminous"] == (r["share"] is not None and r["share"] >= 0.9
                                                and r["main_footprint"] != "unknown") for r in records)
    assert any(r["main_footprint"] == "unknown" and r["share"] >= 0.9 for r in records)  # never coterminous
    assert any(r["main_footprint"].startswith("NB-") for r in records)


def test_cli_table_and_xlsx(cli_db, tmp_path):
    done = icpmap("report", "assurance", "--place", KNOWSLEY, db=cli_db)
    assert done.returncode == 0, done.stderr
    assert "Governance" in done.stdout and "not_met" in done.stdout and "7 rows" in done.stdout
    out = tmp_path / "leads.xlsx"
    done = icpmap("report", "place-leads", "--format", "xlsx", "--output", str(out), db=cli_db)
    assert done.returncode == 0, done.stderr
    assert load_workbook(out).sheetnames == ["place-leads"]


def test_cli_report_all_into_one_workbook(cli_db, tmp_path):
    out = tmp_path / "pack.xlsx"
    done = icpmap("report", "all", "--format", "xlsx", "--output", str(out), db=cli_db)
    assert done.returncode == 0, done.stderr
    assert load_workbook(out).sheetnames == list(REPORTS)


def test_cli_lists_reports(cli_db):
    done = icpmap("reports", db=cli_db)
    assert done.returncode == 0, done.stderr
    for name in REPORTS:
        assert name in done.stdout


@pytest.mark.parametrize("args, message", [
    (("report", "breadth", "--threshold", "0.9"), "has no option --threshold"),
    (("report", "coterminosity", "--by", "practices", "--level", "neighbourhood"), "place level only"),
    (("report", "breadth", "--as-at", "yesterday"), "YYYY-MM-DD"),
    (("report", "no-such-report"), "No report named"),
    (("report", "breadth", "--place", "E99999999"), "No Place with code"),
])
def test_cli_bad_options_are_messages(cli_db, args, message):
    done = icpmap(*args, db=cli_db)
    assert done.returncode != 0
    assert message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr
