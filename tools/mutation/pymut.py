"""Python mutants with mutmut (3.x): function bodies of the scoped modules.

mutmut copies the staged package into `<stage>/mutants/`, runs the selected tests once to
learn which tests reach which function, then runs each mutant in a forked worker against
only those tests (`-x`, fastest first). Results stay in `<stage>/mutants/**.meta`, so a
second run re-tests only functions whose source changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .stage import STAGE, stage, toml_table

PY_STAGE = STAGE / "python"  # one staging copy per area under it: STAGE / "python" / <area>

STATUS = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout",
    37: "caught by type check", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout",
    -11: "segfault", -9: "segfault", None: "not checked",
}


def mutmut_toml(spec: dict) -> str:
    files = sorted(f"src/icpmap/{p}" for p in spec.get("python", []))
    tests = [t for t in spec["tests"] if (Path(__file__).resolve().parents[2] / t).exists()]
    # the area's slow end-to-end tests are left out of its selection (`deselect` in areas.toml)
    tests += [arg for test in spec.get("deselect", []) for arg in ("--deselect", test)]
    return toml_table("tool.mutmut", {
        "source_paths": ["src"],
        "only_mutate": files,
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-m", "not browser and not slow and not neo4j and not shared_data",
                                "-p", "no:cacheprovider", "-p", "testlimit", "-W", "ignore::DeprecationWarning"],
        "process_isolation": "forkserver",
        "timeout_multiplier": 20.0,  # CPU time: generous, shared machines are slow
        "timeout_constant": 30.0,
        "use_git_change_detection": False,
        "debug": os.environ.get("ICPMAP_MUTATION_DEBUG", "") == "1",
    })


def env(stage_dir: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("ICPMAP_NEO4J", "ICPMAP_REQUIRE"))}
    # the package's copy, and tools/mutation for the per-test time limit plugin (testlimit)
    e["PYTHONPATH"] = os.pathsep.join([str(stage_dir / "mutants" / "src"), str(Path(__file__).parent)])
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    e["ICPMAP_SHARED_DATA"] = "/nonexistent"  # the shared NHS files are not for mutation runs
    e.setdefault("ICPMAP_FUZZ_EXAMPLES", "25")
    return e


def module_glob(file: str) -> str:
    """mutmut's names for the mutants of one module: `reports/partnership.py` -> `icpmap.reports.partnership.*`."""
    return "icpmap." + file[: -len(".py")].replace("/", ".") + ".*"


def prepare(area: str, spec: dict) -> Path:
    """The area's staging copy, laid out for mutmut; returns its directory."""
    where = PY_STAGE / area
    stage(where, mutmut_toml(spec), package="src/icpmap")
    # mutmut copies non-Python files once; keep them current (queries, templates, sample data).
    mutants = where / "mutants" / "src" / "icpmap"
    if mutants.exists():
        _sync_non_python(where / "src" / "icpmap", mutants)
    else:
        # Lay the copy out before mutmut's first run: on a fresh start mutmut 3.8 collects its
        # test-to-function stats before `mutants/src` is importable and finds none.
        import shutil

        shutil.copytree(where / "src", where / "mutants" / "src", copy_function=shutil.copy2)
    for file in spec.get("python", []):
        drop_damaged_copy(where / "src" / "icpmap" / file, mutants / file)
    return where


def drop_damaged_copy(source: Path, copy: Path) -> bool:
    """Delete mutmut's mutated copy of a module when a stopped run left it half-written, so
    mutmut writes it again. Returns whether it did.

    mutmut writes the copy, then its `.meta`; on the next run it trusts any copy newer than
    its source as complete. A run stopped while writing (a deadline, Ctrl-C) leaves a copy cut
    short: a module missing its later classes (`cannot import name 'LadybugStore'`), in every
    run after, until the copy is deleted. A complete copy parses and is older than its `.meta`."""
    import ast

    if not copy.exists() or not source.exists() or copy.stat().st_mtime <= source.stat().st_mtime:
        return False  # absent, or a plain copy mutmut has yet to mutate
    meta = copy.with_name(copy.name + ".meta")
    damaged = not meta.exists() or meta.stat().st_mtime < copy.stat().st_mtime
    if not damaged:
        try:
            ast.parse(copy.read_bytes())
            json.loads(meta.read_text(encoding="utf-8"))
        except (SyntaxError, ValueError):
            damaged = True
    if damaged:
        print(f"   {copy.name}: mutmut's copy was left half-written by a stopped run; it is made again",
              flush=True)
        copy.unlink()
        if meta.exists():
            try:
                json.loads(meta.read_text(encoding="utf-8"))
            except ValueError:
                meta.unlink()  # cut short too: its verdicts are lost, the mutants run again
    return damaged


GENERATE = """
import mutmut_launch  # our operators (prose strings left alone)
from mutmut.__main__ import (copy_also_copy_files, copy_src_dir, create_mutants, set_mutant_under_test,
                             setup_source_paths, store_lines_covered_by_tests)
set_mutant_under_test("mutant_generation")
copy_src_dir()
copy_also_copy_files()
setup_source_paths()
store_lines_covered_by_tests()
create_mutants(1)
"""


def population(area: str, spec: dict, files: list[str]) -> dict[str, list[str]]:
    """Every mutant mutmut makes of these files (package paths), by file: mutmut's generation
    step alone (no test run), so a sample can be drawn before anything runs."""
    where = prepare(area, spec)
    done = subprocess.run([sys.executable, "-c", GENERATE], cwd=where, env=env(where),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"mutmut could not generate the mutants of {area}:\n{done.stderr[-2000:]}")
    out: dict[str, list[str]] = {}
    for file in files:
        meta = where / "mutants" / "src" / "icpmap" / (file + ".meta")
        data = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {"exit_code_by_key": {}}
        out[file] = sorted(data["exit_code_by_key"])
    return out


def pending(area: str, names: list[str]) -> list[str]:
    """Those of `names` with no verdict yet (a survivor's verdict is forgotten first: see
    recheck_survivors); the others are not run again."""
    recheck_survivors(PY_STAGE / area, names)
    codes: dict[str, int | None] = {}
    for meta in (PY_STAGE / area / "mutants").glob("src/icpmap/**/*.py.meta"):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return [n for n in names if codes.get(n) is None]


def run(area: str, spec: dict, max_children: int, names: list[str] | None = None, exact: bool = False) -> int:
    """mutmut over one area's modules with that area's tests, in the area's own copy. `names`
    (globs) narrow it; `exact` names (a sample) are run only when they have no verdict yet."""
    where = prepare(area, spec)
    if exact:
        names = pending(area, names or [])
        if not names:
            print("   every sampled mutant already has its verdict", flush=True)
            return 0
    else:
        recheck_survivors(where, names)
    argv = [sys.executable, str(Path(__file__).with_name("mutmut_launch.py")), "run",
            "--max-children", str(max_children), *(names or [])]
    return subprocess.call(argv, cwd=where, env=env(where))


def recheck_survivors(where: Path, names: list[str] | None = None) -> int:
    """Forget the verdict of every mutant (of those `names`, globs, when given) that survived or
    had no test: tests may have been added since (a killed mutant stays killed while its
    function is unchanged)."""
    import fnmatch

    forgotten = 0
    for meta in (where / "mutants").glob("src/icpmap/**/*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        for key, code in codes.items():
            if code in (0, 5, 33) and (not names or any(fnmatch.fnmatchcase(key, n) for n in names)):
                codes[key] = None
                forgotten += 1
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return forgotten


def _sync_non_python(src: Path, dst: Path) -> None:
    import filecmp
    import shutil

    for path in src.rglob("*"):
        if path.is_file() and path.suffix != ".py":
            target = dst / path.relative_to(src)
            if not target.exists() or not filecmp.cmp(path, target, shallow=False):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)


def results(areas: dict) -> list[dict]:
    """Every mutant mutmut knows, from each area's copy: name, file (package path), status."""
    out: list[dict] = []
    for area, spec in areas.items():
        base = PY_STAGE / area / "mutants"
        for meta in sorted(base.glob("src/icpmap/**/*.py.meta")):
            data = json.loads(meta.read_text(encoding="utf-8"))
            rel = str(meta.relative_to(base / "src" / "icpmap"))[: -len(".meta")]
            if rel not in spec.get("python", []):
                continue
            for name, code in sorted(data["exit_code_by_key"].items()):
                out.append({"name": name, "file": rel, "area": area, "status": STATUS.get(code, "suspicious"),
                            "code": code})
    return out


def diffs(area: str, names: list[str]) -> dict[str, str]:
    """The diff of each named mutant (mutmut's own), asked in one child process."""
    if not names:
        return {}
    script = (
        "import json, sys\n"
        "from mutmut.__main__ import find_mutant\n"
        "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "out = {}\n"
        "for n in json.loads(sys.stdin.read()):\n"
        "    try:\n"
        "        out[n] = get_diff_for_mutant(n, path=find_mutant(n).path)\n"
        "    except Exception as exc:\n"
        "        out[n] = f'(no diff: {exc!r})'\n"
        "print(json.dumps(out))\n"
    )
    where = PY_STAGE / area
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(names), capture_output=True,
                          text=True, cwd=where, env=env(where))
    if done.returncode != 0:
        return {n: f"(no diff: {done.stderr.strip()[-300:]})" for n in names}
    return json.loads(done.stdout.strip().splitlines()[-1])
