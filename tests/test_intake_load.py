"""`intake.load`, the load path of `icpmap load` and `POST /loads`, in process: checked files are
loaded into the store; a workbook that passes the checks but whose sheet the spreadsheet library
cannot read is refused naming the workbook and sheet, with nothing written."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from icpmap.graph import Store
from icpmap.loaders import LoadError, intake
from icpmap.sample import SAMPLE_DIR


def _organisations(store: Store) -> int:
    return store.read("MATCH (o:Organisation) RETURN count(o) AS n").scalar()


def test_checked_files_are_loaded_into_the_store(store: Store, tmp_path: Path) -> None:
    shutil.copy(SAMPLE_DIR / "organisations.csv", tmp_path / "organisations.csv")
    rows = len((tmp_path / "organisations.csv").read_text(encoding="utf-8").splitlines()) - 1
    told: list[tuple[str, int, int]] = []
    intake.load(store, [tmp_path], progress=lambda what, done, total: told.append((what, done, total)))
    assert _organisations(store) == rows == 106
    assert ("Reading organisations.csv", 0, 1) in told  # the caller's progress is passed on


def test_a_refused_file_stops_the_load_before_anything_is_written(store: Store, tmp_path: Path) -> None:
    shutil.copy(SAMPLE_DIR / "organisations.csv", tmp_path / "organisations.csv")
    (tmp_path / "places.csv").write_bytes(b"code,name\n\x00\n")
    with pytest.raises(LoadError) as refused:
        intake.load(store, [tmp_path])
    [problem] = refused.value.problems
    assert (problem.file, problem.row, problem.column) == (str(tmp_path / "places.csv"), None, None)
    assert problem.message.startswith("is not a CSV text file: it holds NUL bytes")
    assert _organisations(store) == 0


def _damaged_workbook(path: Path) -> Path:
    """A well-formed zip of well-formed XML whose cell reference `E` has no row: the checks pass,
    the spreadsheet library fails while the loader reads the sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "organisations"
    sheet.append(["code", "name", "sector", "statutory"])
    sheet.append(["ORG1", "An organisation", "nhs_trust", "true"])
    good = path.with_suffix(".good.xlsx")
    book.save(good)
    with zipfile.ZipFile(good) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b'r="A2"', b'r="E"')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    good.unlink()
    return path


def test_a_sheet_the_library_cannot_read_is_a_problem_naming_workbook_and_sheet(store: Store,
                                                                                tmp_path: Path) -> None:
    book = _damaged_workbook(tmp_path / "partners.xlsx")
    assert not intake.check_files([book])  # the cheap checks cannot see it
    with pytest.raises(LoadError) as refused:
        intake.load(store, [book])
    [problem] = refused.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (f"{book} [organisations]", None, None, None)
    assert problem.message == ("not a readable Excel workbook: the sheet is damaged "
                               "(ValueError: invalid literal for int() with base 10: 'E')")
    assert _organisations(store) == 0


def test_an_error_outside_the_workbook_reader_is_not_disguised(store: Store, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("not a workbook's fault")

    monkeypatch.setattr(intake, "load_paths", broken)
    shutil.copy(SAMPLE_DIR / "organisations.csv", tmp_path / "organisations.csv")
    with pytest.raises(RuntimeError, match="not a workbook's fault"):
        intake.load(store, [tmp_path])


def test_the_ics_scope_is_passed_on(store: Store, tmp_path: Path) -> None:
    from icpmap.errors import UserError

    shutil.copy(SAMPLE_DIR / "organisations.csv", tmp_path / "organisations.csv")
    # no file says which areas belong to the ICS: the scope given is what refuses the load
    with pytest.raises(UserError, match=r"^--ics QYG: nothing in these files or in the store says"):
        intake.load(store, [tmp_path], ics="QYG")
    assert _organisations(store) == 0
    intake.load(store, [tmp_path])
    assert _organisations(store) == 106
