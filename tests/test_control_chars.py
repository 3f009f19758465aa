"""Control characters: refused in input files naming file, row, column and value; written
safely (escaped) by the spreadsheet exports, never a server error."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile
from icpmap.graph import Store, open_store
from icpmap.loaders import LoadError, intake, load_paths
from icpmap.loaders.export import fingerprint
from icpmap.sample import SAMPLE_DIR


@pytest.mark.parametrize("char", ["\x01", "\x07", "\x0b", "\x1b", "\x7f"])
def test_a_control_character_in_a_cell_is_refused_naming_the_row(store: Store, tmp_path: Path, char: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "organisations.csv").write_text(
        f"code,name,sector,statutory\nA1,Fine,voluntary,false\nA2,Bad{char}Name,voluntary,false\n", encoding="utf-8")
    held = tmp_path / "held"
    held.mkdir()
    (held / "organisations.csv").write_text("code,name,sector,statutory\nA2,Held,voluntary,true\n", encoding="utf-8")
    load_paths(store, [held])
    before = fingerprint(store)
    with pytest.raises(LoadError) as caught:
        load_paths(store, [folder])
    assert fingerprint(store) == before  # nothing written, on either engine
    problem = next(p for p in caught.value.problems if "control character" in p.message)
    assert problem.row == 3 and problem.column == "name" and problem.value == f"Bad{char}Name"
    assert repr(char)[1:-1] in problem.message


def test_a_control_character_in_a_workbook_cell_is_refused(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "organisations"
    sheet.append(["code", "name", "sector", "statutory"])
    sheet.append(["A1", "Bad_x0007_Name", "voluntary", "false"])  # Excel's escape: the reader unescapes it
    book.save(tmp_path / "orgs.xlsx")
    before = fingerprint(store)
    try:
        load_paths(store, [tmp_path / "orgs.xlsx"])
    except LoadError as exc:
        assert any("control character" in p.message and p.row == 2 for p in exc.problems)
        assert fingerprint(store) == before
    else:  # the reader kept the escape as text: nothing to refuse, and none in the store
        names = [r[0] for r in store.read("MATCH (o:Organisation) RETURN o.name").rows]
        assert names == ["Bad_x0007_Name"]


def test_a_nul_byte_past_the_first_64_kb_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"O{i},Organisation {i},voluntary,false\n" for i in range(5000))
    path = tmp_path / "organisations.csv"
    path.write_bytes(("code,name,sector,statutory\n" + rows).encode() + b"X9,Nul\x00here,voluntary,false\n")
    assert path.stat().st_size > 2 * intake.CSV_HEAD
    problems = intake.check_files([path])
    assert problems and "NUL bytes" in problems.items[0].message


def test_xlsx_downloads_escape_control_characters(tmp_path: Path) -> None:
    with open_store(tmp_path / "db", engine="ladybug") as store:
        load_paths(store, [SAMPLE_DIR])
        # as if loaded before control characters were refused: every name holds some
        store.write("MATCH (o:Organisation) SET o.name = o.name + $junk", {"junk": "\x00\x01\x1b[31m\x0b"})
        store.write("MATCH (p:Place) SET p.name = p.name + $junk", {"junk": "\x02"})
        keys = KeyFile(tmp_path / "keys.json")
        key = keys.create("viewer", "viewer")[1]
        client = TestClient(create_app(store, keys_path=keys.path, audit=tmp_path / "a.jsonl", cache=False),
                            base_url="http://127.0.0.1", raise_server_exceptions=False)
        auth = {"Authorization": f"Bearer {key}"}
        names = [r["name"] for r in client.get("/reports", headers=auth).json()]
        assert names
        for name in names:
            response = client.get(f"/reports/{name}?format=xlsx", headers=auth)
            assert response.status_code in (200, 422), (name, response.status_code, response.text[:300])
            if response.status_code == 200:
                openpyxl.load_workbook(io.BytesIO(response.content))
        response = client.get("/assurance?format=xlsx", headers=auth)
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row)
        assert "\\x02" in text and "\x02" not in text
