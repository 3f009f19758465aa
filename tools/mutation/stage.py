"""Staging copies for mutation testing: the repository root laid out as a package folder.

The repository root IS the package `icpmap` (setuptools `package-dir`), so a copy of the
source cannot be imported from where it lies. Mutation runs work on a copy under
`.mutation/`: `<stage>/icpmap/` (the package), `<stage>/tests/` and a `pyproject.toml`
with the pytest settings. With `<stage>` first on `sys.path` (and on `PYTHONPATH` for
the CLI's child processes) `import icpmap` finds the copy before the editable install.
"""

from __future__ import annotations

import filecmp
import shutil
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGE = ROOT / ".mutation"
SKIP_DIRS = {
    ".venv", ".mutation", ".git", "__pycache__", "icpmap-demo", "build", "dist", "tests", "tools",
    ".hypothesis", ".pytest_cache", ".ruff_cache", "docs", "benchmarks", "mutants",
}
SKIP_SUFFIXES = (".pyc", ".egg-info")


def _wanted(path: Path) -> bool:
    return not any(part in SKIP_DIRS or part.endswith(SKIP_SUFFIXES) for part in path.parts)


def sync_tree(src: Path, dst: Path, skip: bool = True) -> list[Path]:
    """Make `dst` hold exactly `src`'s files; copy only what differs (mtimes kept). Returns changed paths."""
    changed: list[Path] = []
    wanted: set[Path] = set()
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if skip and not _wanted(rel):
            continue
        if "__pycache__" in rel.parts or path.is_dir():
            continue
        wanted.add(rel)
        target = dst / rel
        if target.exists() and filecmp.cmp(path, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        changed.append(rel)
    if dst.exists():
        for path in sorted(dst.rglob("*"), reverse=True):
            rel = path.relative_to(dst)
            if path.is_file() and rel not in wanted and "__pycache__" not in rel.parts:
                path.unlink()
    return changed


def pytest_config() -> dict:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["pytest"]["ini_options"]


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def toml_table(name: str, values: dict) -> str:
    return f"[{name}]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in values.items())


def stage(where: Path, extra_toml: str = "", package: str = "icpmap") -> Path:
    """A staging copy at `where`: the package at `package` (e.g. `src/icpmap`), tests/ and
    pyproject.toml. Returns `where`."""
    where.mkdir(parents=True, exist_ok=True)
    sync_tree(ROOT, where / package)
    sync_tree(ROOT / "tests", where / "tests", skip=False)
    ini = dict(pytest_config())
    text = toml_table("tool.pytest.ini_options", ini) + "\n" + extra_toml
    target = where / "pyproject.toml"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return where
