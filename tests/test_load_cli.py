"""`icpmap load`: a summary on success; on a bad file every problem, exit 1, no traceback."""

from __future__ import annotations

from pathlib import Path


def test_load_prints_a_summary_and_is_idempotent(cli, tmp_path: Path, sample_dir: Path) -> None:
    db = tmp_path / "db"
    done = cli("load", str(sample_dir), db=db)
    assert done.returncode == 0, done.stderr
    assert "Practice" in done.stdout and "created" in done.stdout
    again = cli("load", "--quiet", str(sample_dir), db=db)
    assert again.returncode == 0 and "no changes" in again.stdout


def test_load_errors_are_listed_without_a_traceback(cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ics.csv").write_text("code,name\nQYG,\n")
    (folder / "places.csv").write_text("code,name,ics_code\nE08000012,Liverpool,NOPE\n")
    (folder / "notes.csv").write_text("anything,at,all\n")
    done = cli("load", str(folder), db=tmp_path / "db")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    err = " ".join(done.stderr.split())
    assert "ics.csv, row 2, column 'name'" in err
    assert "places.csv, row 2, column 'ics_code', value 'NOPE'" in err
    assert "notes.csv" in err and "Nothing was loaded" in err
