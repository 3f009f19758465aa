"""Files holding people's names are their owner's alone: the store, its log, the crash-safety
copy, snapshots, keys, audit and exports are created 0600 (folders 0700), even under a loose umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from icpmap.graph import open_store
from icpmap.graph.ladybug_store import _save_undo

from .attacks.world import write_tiny


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _icpmap(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ICPMAP_NEO4J", "ICPMAP_KEYS", "ICPMAP_AUDIT"))}
    return subprocess.run([sys.executable, "-m", "icpmap", *args], capture_output=True, text=True, env=env,
                          timeout=300, preexec_fn=lambda: os.umask(0o022))


def test_the_command_line_creates_private_files(tmp_path: Path) -> None:
    db = tmp_path / "data" / "store"
    folder = write_tiny(tmp_path / "in")
    assert _icpmap("--db", str(db), "load", str(folder)).returncode == 0
    assert _icpmap("--db", str(db), "keys", "create", "--role", "viewer", "--name", "t").returncode == 0
    out = tmp_path / "exports"
    assert _icpmap("--db", str(db), "export", str(out)).returncode == 0
    assert _icpmap("--db", str(db), "report", "unsigned", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx")).returncode == 0
    made = [db, Path(str(db) + ".loads.jsonl"), Path(str(db) + ".keys.json"), tmp_path / "r.xlsx", *out.iterdir()]
    made += [p for p in db.parent.iterdir() if p.is_file()]
    for path in made:
        assert _mode(path) == 0o600, (path, oct(_mode(path)))
    assert _mode(out) == 0o700 and _mode(db.parent) == 0o700


def test_opening_a_store_makes_its_files_private(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with open_store(db, engine="ladybug") as s:
        s.write("CREATE (:Organisation {code: 'A', name: 'A'})")
    os.chmod(db, 0o644)
    with open_store(db, engine="ladybug") as s:
        assert _mode(db) == 0o600
        s.write("CREATE (:Organisation {code: 'B', name: 'B'})")
        wal = Path(str(db) + ".wal")
        assert not wal.exists() or _mode(wal) == 0o600
        _save_undo(str(db))
        undo = Path(str(db) + ".icpmap-undo")
        assert _mode(undo) == 0o600
        undo.unlink()
