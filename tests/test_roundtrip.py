"""Lossless export and import: `icpmap export` writes the whole graph in the input format, and
`icpmap load` of it into an empty store gives an identical graph (every node, relationship and
property: equal checksums). On the sample, on generated data, on awkward values, as CSV and as
a workbook; what the input format cannot carry is refused, never silently lost; `icpmap copy`.
Each runs on the embedded store and, when ICPMAP_NEO4J_URI is set, on Neo4j (exported from
Neo4j, loaded back into Neo4j and into the embedded store: the checksums are the engines' own).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from icpmap.graph import Store, open_store
from icpmap.graph.model import NODES, RELS
from icpmap.loaders import load_paths
from icpmap.loaders.export import MANIFEST, ExportError, checksum, coverage, export, read_graph
from icpmap.sample import SAMPLE_DIR
from icpmap.synth import generate

from .conftest import ENGINES, neo4j_only, open_engine_store


def embedded(path: Path) -> Store:
    return open_store(path, engine="ladybug")


def reloaded(source: Path, db: Path, engine: str = "ladybug") -> str:
    """Checksum of a fresh store of `engine` (embedded at `db`; Neo4j wiped) after loading `source` into it."""
    with open_engine_store(engine, db) as store:
        assert not any(store.counts().values())
        load_paths(store, [source])
        return checksum(read_graph(store))


def test_every_relationship_of_the_model_has_exactly_one_column_to_carry_it() -> None:
    carried = coverage()  # raises if two columns carry one relationship
    assert set(carried) == {(name, s, d) for name, rel in RELS.items() for s, d in rel.ends}


def test_the_sample_round_trips_as_csv_and_as_a_workbook(sample_store: Store, tmp_path: Path) -> None:
    dump = read_graph(sample_store)
    want = checksum(dump)
    counts = dump.counts()
    assert counts == sample_store.counts() and all(counts[label] for label in NODES)
    report = export(sample_store, tmp_path / "csv", "csv")
    assert report.checksum == want and report.counts == counts
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted([*(f"{n}.csv" for n in _files()), MANIFEST])
    assert reloaded(tmp_path / "csv", tmp_path / "db-csv") == want
    export(sample_store, tmp_path / "backup.xlsx", "xlsx")
    assert reloaded(tmp_path / "backup.xlsx", tmp_path / "db-xlsx") == want
    # The manifest says what was written; the same graph gives the same bytes.
    manifest = json.loads((tmp_path / "csv" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["checksum"] == want and manifest["counts"] == counts
    again = export(sample_store, tmp_path / "csv", "csv")  # replaces the earlier export
    assert again.files == report.files
    if sample_store.engine == "neo4j":  # and back into Neo4j itself (wiped), from either file
        assert reloaded(tmp_path / "csv", tmp_path / "unused", "neo4j") == want
        assert reloaded(tmp_path / "backup.xlsx", tmp_path / "unused", "neo4j") == want


def _files() -> list[str]:
    from icpmap.graph.model import FILES

    return list(FILES)


@pytest.mark.parametrize("engine", ENGINES)
def test_generated_place_data_round_trips_through_the_cli(cli, tmp_path: Path, engine: str) -> None:
    generate(tmp_path / "synth", scale="place", seed=7)
    db = tmp_path / "db"
    open_engine_store(engine, db).close()  # empty (Neo4j: wiped)
    assert cli("load", "-q", str(tmp_path / "synth"), db=db, engine=engine).returncode == 0
    with open_store(db, engine=engine) as store:
        want = checksum(read_graph(store))
    done = cli("export", str(tmp_path / "backup"), db=db, engine=engine)
    assert done.returncode == 0, done.stderr
    assert want[:16] in " ".join(done.stdout.split())
    with open_store(db, engine=engine) as store:  # and as a workbook (in process: the same code as the command)
        export(store, tmp_path / "backup.xlsx", "xlsx")
    open_engine_store(engine, tmp_path / "copy").close()
    loaded = cli("load", "-q", str(tmp_path / "backup"), db=tmp_path / "copy", engine=engine)
    assert loaded.returncode == 0, loaded.stderr
    with open_store(tmp_path / "copy", engine=engine) as store:
        assert checksum(read_graph(store)) == want
    assert reloaded(tmp_path / "backup.xlsx", tmp_path / "copy-xlsx", engine) == want


# -- awkward values -----------------------------------------------------------------------------------

AWKWARD = [
    'Comma, "quoted" and \'apostrophe\'',
    "Line one\nline two",
    "Tab\tinside",
    '=HYPERLINK("http://evil.example","click")',
    "+44 151 000 0000",
    "-minus first",
    "@handle",
    "NA",
    "null",
    "None",
    "true",
    "0001234",
    "1e5",
    "Ünïcödé — “smart quotes” 😀",
    "Semi;colon in a name",
    "back\\slash and `backtick`",
    "<b>bold</b> &amp;",
    "x" * 5000,
]


def _rewrite(folder: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = folder / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or [])
        rows = [change(i, r) or r for i, r in enumerate(reader)]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\r\n")  # CRLF: a lone CR in a value is quoted
        writer.writeheader()
        writer.writerows(rows)


def _rename_code(folder: Path, old: str, new: str) -> None:
    for path in folder.glob("*.csv"):
        def change(_i: int, row: dict[str, str]) -> None:
            for k, v in row.items():
                parts = v.split(";")
                if old in parts:
                    row[k] = ";".join(new if p == old else p for p in parts)

        _rewrite(folder, path.stem, change)


def awkward_input(folder: Path, carriage_return: bool = True) -> Path:
    """The sample with awkward names, codes, numbers, dates and memberships."""
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    names = AWKWARD + (["carriage\rreturn"] if carriage_return else [])

    def orgs(i: int, row: dict[str, str]) -> None:
        if i < len(names):
            row["name"] = names[i]

    _rewrite(folder, "organisations", orgs)
    _rename_code(folder, "REM", "=REM,1")  # a formula-like code with a comma
    _rename_code(folder, "RBN", "RBN \"quoted\"")

    def money(i: int, row: dict[str, str]) -> None:
        row["value_gbp"] = ["0.30000000000000004", "1e-300", "123456789.123456789", "-0.0", "3"][i % 5]

    _rewrite(folder, "commissioning", money)

    def patients(i: int, row: dict[str, str]) -> None:
        if i == 0:
            row["patients"] = str(2**53 - 1)

    _rewrite(folder, "registrations", patients)

    def dates(i: int, row: dict[str, str]) -> None:
        row["from"] = ["1066-10-14", "1899-12-31", "1900-02-28", "9999-12-31", ""][i % 5] if i < 5 else row["from"]

    _rewrite(folder, "memberships", dates)
    # A practice with two memberships of one PCN: one dated, one with no dates. The dated row
    # must come first for the loader to keep both (it gives a dated row to an undated one).
    with (folder / "practices.csv").open("a", encoding="utf-8", newline="") as f:
        f.write("P99201,Twice Surgery,U99001,CW1 1AA,E06000049,2015-01-01,2016-12-31\n")
        f.write("P99201,Twice Surgery,U99001,CW1 1AA,E06000049,,\n")
    return folder


@pytest.mark.parametrize("engine", ENGINES)
def test_awkward_values_round_trip_exactly(tmp_path: Path, engine: str) -> None:
    source = awkward_input(tmp_path / "in")
    with open_engine_store(engine, tmp_path / "a") as store:
        load_paths(store, [source])
        dump = read_graph(store)
        stored = {row[1] for row in dump.nodes["Organisation"]}
        assert set(AWKWARD) | {"carriage\rreturn"} <= stored  # the values really are in the graph
        assert {r[0] for r in dump.nodes["Organisation"]} >= {"=REM,1", 'RBN "quoted"'}
        twice = [r for r in dump.rels[("MEMBER_OF", "Practice", "PCN")] if r[0] == "P99201"]
        assert len(twice) == 2
        floats = {r[3] for r in dump.nodes["Commissioning"]}
        assert {0.30000000000000004, 1e-300, 123456789.12345679} <= floats
        export(store, tmp_path / "csv", "csv")
        with pytest.raises(ExportError, match="carriage return"):
            export(store, tmp_path / "book.xlsx", "xlsx")
        assert not (tmp_path / "book.xlsx").exists()
    assert reloaded(tmp_path / "csv", tmp_path / "b", engine) == checksum(dump)
    if engine != "ladybug":  # the same values, loaded into the embedded store, give the same checksum
        assert reloaded(tmp_path / "csv", tmp_path / "b-embedded") == checksum(dump)
    # Without the carriage return a workbook carries it all too.
    source = awkward_input(tmp_path / "in2", carriage_return=False)
    with open_engine_store(engine, tmp_path / "c") as store:
        load_paths(store, [source])
        want = checksum(read_graph(store))
        export(store, tmp_path / "book.xlsx", "xlsx")
    assert reloaded(tmp_path / "book.xlsx", tmp_path / "d", engine) == want


def test_a_backup_workbook_shows_formula_like_text_as_text(tmp_path: Path) -> None:
    source = awkward_input(tmp_path / "in", carriage_return=False)
    with embedded(tmp_path / "a") as store:
        load_paths(store, [source])
        export(store, tmp_path / "book.xlsx", "xlsx")
        export(store, tmp_path / "csv", "csv")
    book = load_workbook(tmp_path / "book.xlsx")  # not data_only: formulas would show as formulas
    risky = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate)
                    risky += 1
    assert risky >= 4
    # The CSV backup keeps values exactly (documented: it is a data file for icpmap, not a report).
    text = (tmp_path / "csv" / "organisations.csv").read_text(encoding="utf-8")
    assert '"=HYPERLINK(""http://evil.example"",""click"")"' in text and "'=HYPERLINK" not in text
    assert "spreadsheet" in json.loads((tmp_path / "csv" / MANIFEST).read_text())["note"]


@pytest.mark.parametrize("engine", ENGINES)
def test_what_the_input_format_cannot_carry_is_refused_and_nothing_is_written(tmp_path: Path, engine: str) -> None:
    with open_engine_store(engine, tmp_path / "db") as store:
        load_paths(store, [SAMPLE_DIR])
        before = checksum(read_graph(store))
        store.write("CREATE (:Practice {code: 'P-ALONE', name: 'No PCN Surgery'})")  # in no PCN: that exports
        store.write("MATCH (p:Practice {code: 'P-ALONE'}), (o:Organisation) WHERE o.code IN ['REM', 'RBL'] "
                    "CREATE (p)-[:COMMISSIONED_BY]->(o)")  # practices.sub_icb_code holds one
        store.write("MATCH (p:Practice {code: 'P99001'}), (x:Place {code: 'E06000050'}) CREATE (p)-[:LOCATED_IN]->(x)")
        store.write("MATCH (o:Organisation)-[r:CONTRIBUTES_TO]->(:Commissioning) WITH r LIMIT 1 SET r.value_gbp = 5.0")
        store.write("MATCH (o:Organisation {code: 'REM'}) SET o.name = ' padded '")
        store.write("CREATE (:Organisation {code: 'NO-SECTOR', name: 'Nameless sector'})")
        store.write("MATCH (x:Place {code: 'E06000049'}) CREATE (:Neighbourhood {code: 'NB;1', name: 'Semi'})-[:PART_OF]->(x)")
        store.write("MATCH (p:PCN {code: 'U99001'}), (n:Neighbourhood {code: 'NB;1'}) CREATE (p)-[:LEADS]->(n)")
        with pytest.raises(ExportError) as caught:
            export(store, tmp_path / "out", "csv")
        text = str(caught.value)
        for expected in ("'P-ALONE'", "2 COMMISSIONED_BY", "2 LOCATED_IN", "value_gbp", "' padded '", "sector is blank",
                         "';'"):
            assert expected in text, expected
        assert caught.value.total >= 6
        assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))
        assert checksum(read_graph(store)) != before  # (the test changed it; the export did not)


def test_export_keeps_other_folders_safe(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with embedded(tmp_path / "db") as store:
        load_paths(store, [SAMPLE_DIR])
        with pytest.raises(Exception, match="not empty"):
            export(store, tmp_path / "mine", "csv")
        assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
        report = export(store, tmp_path / "empty-dir", "csv")
    assert report.files and oct((tmp_path / "empty-dir" / "people.csv").stat().st_mode & 0o777) == "0o600"


def test_copy_to_an_embedded_store_is_identical_and_only_into_an_empty_store(cli, tmp_path: Path) -> None:
    db, other = tmp_path / "db", tmp_path / "other"
    assert cli("load", "-q", str(SAMPLE_DIR), db=db).returncode == 0
    done = cli("copy", "--to", str(other), db=db)
    assert done.returncode == 0, done.stderr
    assert "identical" in done.stdout
    with embedded(db) as a, embedded(other) as b:
        assert checksum(read_graph(a)) == checksum(read_graph(b))
    again = cli("copy", "--to", str(other), db=db)
    assert again.returncode == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr
    trail = [json.loads(line) for line in Path(f"{other}.loads.jsonl").read_text().splitlines()]
    assert trail[-1]["via"] == "copy" and trail[-1]["status"] == "loaded"


@pytest.mark.neo4j
@neo4j_only
def test_copy_between_the_embedded_store_and_neo4j(cli, tmp_path: Path) -> None:
    from icpmap.graph.config import Neo4jSettings

    uri = os.environ["ICPMAP_NEO4J_URI"]
    open_engine_store("neo4j", tmp_path / "unused").close()  # wiped
    db = tmp_path / "db"
    assert cli("load", "-q", str(SAMPLE_DIR), db=db).returncode == 0
    # The embedded store is the source (no ICPMAP_NEO4J_URI); the credentials come from the
    # environment. Children on Neo4j keep the audit in a throwaway folder, not the user's.
    done = cli("copy", "--to", uri, db=db, engine="neo4j", env={"ICPMAP_NEO4J_URI": ""})
    assert done.returncode == 0, done.stderr
    assert Neo4jSettings.from_env() is not None
    with embedded(db) as a, open_store() as neo:
        assert checksum(read_graph(a)) == checksum(read_graph(neo))
    again = cli("copy", "--to", uri, db=db, engine="neo4j", env={"ICPMAP_NEO4J_URI": ""})
    assert again.returncode == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr
    # And back: from Neo4j (configured) into a new embedded store.
    back = tmp_path / "back"
    done = cli("copy", "--to", str(back), engine="neo4j")
    assert done.returncode == 0, done.stderr
    with embedded(db) as a, embedded(back) as b:
        assert checksum(read_graph(a)) == checksum(read_graph(b))


def test_checksum_tells_types_and_multiplicity_apart() -> None:
    from icpmap.loaders.export import Dump

    base = Dump(nodes={"Milestone": [("M1", "t", dt.date(2021, 1, 1))]})
    same = Dump(nodes={"Milestone": [("M1", "t", dt.date(2021, 1, 1))]})
    text = Dump(nodes={"Milestone": [("M1", "t", "2021-01-01")]})
    assert checksum(base) == checksum(same) != checksum(text)
    one = Dump(rels={("REGISTERS", "Practice", "Area"): [("P", "A", 1)]})
    two = Dump(rels={("REGISTERS", "Practice", "Area"): [("P", "A", 1), ("P", "A", 1)]})
    flt = Dump(rels={("REGISTERS", "Practice", "Area"): [("P", "A", 1.0)]})
    assert len({checksum(one), checksum(two), checksum(flt)}) == 3
