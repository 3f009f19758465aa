"""`make mutation`: mutate the core, run only the covering tests per mutant, write docs/mutation.md.

    python -m tools.mutation                       # every area, Python and text mutants, then the report
    python -m tools.mutation --area api --area escaping
    python -m tools.mutation --no-python           # text mutants only (queries, templates, script)
    python -m tools.mutation --report-only         # rewrite the report from the last results
    python -m tools.mutation --area graph --sample 150 [--seed 0]
                                                   # a seeded random sample of 150 Python and 150 text
                                                   # mutants per area, stratified over its files

--sample N: per area, N of its Python mutants (mutmut runs only those names) and, separately, N
of its text mutants, drawn at random with the seed (the same seed and files: the same sample),
each file getting a share in proportion to its number of mutants. The report says "sample of n
of M mutants" and gives the score (the point estimate) with its 95% Wilson interval; the 85%
target is judged on the point estimate. Without --sample every mutant runs, as before.

The report adds this run's areas to the committed one: an area (or one kind of its mutants,
Python or text) with no results in this .mutation/ keeps its row and survivors from
docs/mutation.json, marked "kept from the report of <date>". So each engineer's run adds its
areas, and branches merge by taking main's docs/mutation.{md,json} and running --report-only.

Results are kept under .mutation/ between runs: mutmut re-tests only functions whose
source changed, and a text mutant is re-run only when its file or its tests changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from . import pymut, textmut, textrun
from .report import write_report
from .sample import draw
from .stage import ROOT, STAGE

AREAS_FILE = Path(__file__).with_name("areas.toml")
TEXT_RESULTS = STAGE / "text" / "results.json"


def load_areas() -> tuple[dict, dict]:
    data = tomllib.loads(AREAS_FILE.read_text(encoding="utf-8"))
    return data["settings"], data["areas"]


def existing(tests: list[str]) -> list[str]:
    return [t for t in tests if (ROOT / t).exists()]


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":!docs/mutation.md", ":!docs/mutation.json"],  # the report itself
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return head.strip() + ("+changes" if dirty else "")
    except OSError:
        return "unknown"


def _only(files: list[str], only: list[str] | None) -> list[str]:
    import fnmatch

    return [f for f in files if not only or any(fnmatch.fnmatch(f, o) for o in only)]


def run_python(areas: dict, chosen: list[str], workers: int, only: list[str] | None = None,
               mutants: list[str] | None = None, sample: int | None = None, seed: int = 0) -> dict[str, dict]:
    """Run each chosen area's Python mutants; returns, per area, the sample drawn (when `sample`)."""
    drawn: dict[str, dict] = {}
    for area in chosen:
        files = _only(areas[area].get("python", []), only)
        if not files:
            continue
        print(f"== Python mutants (mutmut) in {area}: {', '.join(files)}", flush=True)
        if sample and not mutants:
            population = pymut.population(area, areas[area], files)
            names = draw(population, sample, seed, f"python:{area}")
            total = sum(len(v) for v in population.values())
            if len(names) < total:  # a sample that holds every mutant is a full run
                drawn[area] = {"n": len(names), "of": total, "seed": seed, "names": names}
            print(f"   sample of {len(names)} of {total} mutants (seed {seed})", flush=True)
            pymut.run(area, areas[area], workers, names, exact=True)
            continue
        # mutmut keeps generating the whole area (its copy and stats stay valid) but runs,
        # and runs the clean tests for, only the chosen modules' mutants (or the named ones)
        names = mutants or (None if not only else [pymut.module_glob(f) for f in files])
        pymut.run(area, areas[area], workers, names)
    return drawn


def text_sample(areas: dict, chosen: list[str], only: list[str] | None, sample: int,
                seed: int) -> dict[str, dict]:
    """Per area, a stratified sample of its text mutants' ids (the whole area when it has fewer)."""
    drawn: dict[str, dict] = {}
    for area in chosen:
        population: dict[str, list[str]] = {}
        for m in textmut.generate(areas[area].get("text", [])):
            if _only([m.file], only):
                population.setdefault(m.file, []).append(m.id)
        if population:
            ids = draw(population, sample, seed, f"text:{area}")
            drawn[area] = {"n": len(ids), "of": sum(len(v) for v in population.values()), "seed": seed,
                           "names": ids}
    return drawn


def _stats_tests(module_file: str) -> set[str]:
    """Tests that reached any function of this module, as mutmut recorded them (any area's run)."""
    module = "icpmap." + module_file[:-3].replace("/", ".") + "."
    found: set[str] = set()
    for path in pymut.PY_STAGE.glob("*/mutants/mutmut-stats.json"):
        stats = json.loads(path.read_text(encoding="utf-8"))["tests_by_mangled_function_name"]
        found |= {t for key, tests in stats.items() if key.startswith(module) for t in tests}
    return found


def run_text(settings: dict, areas: dict, chosen: list[str], workers: int, fresh: bool,
             only: list[str] | None = None, sampled: set[str] | None = None) -> None:
    """Run the chosen areas' text mutants (only the ids in `sampled`, when given)."""
    patterns = [p for a in chosen for p in areas[a].get("text", [])]
    mutants = [m for m in textmut.generate(patterns) if _only([m.file], only)
               and (sampled is None or m.id in sampled)]
    if not mutants:
        return
    print(f"== Text mutants in {', '.join(chosen)}: {len(mutants)}", flush=True)
    # the browser tests only when a mutant is in a page (template or script): they are slow
    pages = any(m.file.endswith((".html", ".j2", ".js")) for m in mutants)
    browser = {t for a in chosen for t in areas[a].get("browser_tests", settings.get("browser_tests", []))}
    browser = browser if pages else set()
    # an area's `text_skip_tests` (slow end-to-end files) are not run for its text mutants,
    # nor its `deselect` tests (single slow tests) for any of its mutants
    skip = {t for a in chosen for t in areas[a].get("text_skip_tests", [])}
    deselect = [t for a in chosen for t in areas[a].get("deselect", [])]
    tests = existing(sorted(({t for a in chosen for t in areas[a]["tests"]} | browser) - skip))
    cov_file = STAGE / "text" / "coverage.json"
    cov_file.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if all(m.file.endswith(".py") for m in mutants):  # their tests come from mutmut's stats or the area
        cov = {"reads": {}, "durations": {}}
    else:
        cov = textrun.coverage(tests, cov_file, deselect)
        print(f"   coverage run: {len(cov['reads'])} tests in {time.monotonic() - started:.0f}s", flush=True)
    durations: dict[str, float] = cov["durations"]
    readers: dict[str, set[str]] = {}
    for test, files in cov["reads"].items():
        for f in files:
            readers.setdefault(f, set()).add(test)

    cache = json.loads(TEXT_RESULTS.read_text(encoding="utf-8")) if TEXT_RESULTS.exists() and not fresh else {}
    jobs: list[dict] = []
    for m in mutants:
        if m.file.endswith(".py"):
            covering = _stats_tests(m.file) or {t for f in areas_of(areas, m.file) for t in existing(
                areas[f].get("tests", []))}
        else:
            covering = readers.get(m.file, set())
        covering = {t for t in covering if t.split("::")[0] not in skip and not _deselected(t, deselect)}
        # the area's own test files first (in the order areas.toml lists them), fastest first within one
        order = [t for a in areas_of(areas, m.file) for t in areas[a].get("tests", [])]
        ordered = sorted(covering, key=lambda t: (_rank(t, order), durations.get(t, 1.0)))
        key = hashlib.sha256(json.dumps([m.as_dict(), ordered]).encode()).hexdigest()[:16]
        same = mutant_key(m)
        previous = cache.get(m.id, {})
        if previous.get("key") == key and previous.get("status") in ("killed", "no tests"):
            continue  # the same mutant, file and tests; a survivor, an error or a timeout is tried again
            # (the key names test files, not their contents: a test added to a file must get its chance)
        # a killed mutant stays killed while its file is unchanged; a survivor is re-run with the tests of now
        if previous.get("mutant") == same and previous.get("status") == "killed":
            continue
        cache[m.id] = {"key": key, "mutant": same, "status": "no tests" if not ordered else None,
                       "tests": len(ordered)}
        if ordered:
            budget = sum(durations.get(t, 2.0) for t in ordered)
            jobs.append({**m.as_dict(), "tests": ordered, "timeout": 10 * budget + 300})
    print(f"   {len(jobs)} to run ({len(mutants) - len(jobs)} unchanged or without tests)", flush=True)
    results_file = STAGE / "text" / "run.jsonl"
    TEXT_RESULTS.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    results_file.write_text("", encoding="utf-8")  # a stopped run's results are folded in by the report
    jobs.sort(key=lambda j: j["timeout"])
    procs = [textrun.spawn(i, jobs[i::workers], results_file) for i in range(workers) if jobs[i::workers]]
    for p in procs:
        p.wait()
    for line in results_file.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        cache[r["id"]]["status"] = r["status"]
        cache[r["id"]]["seconds"] = r["seconds"]
    # forget mutants that no longer exist
    all_ids = {m.id for m in textmut.generate([p for a in areas.values() for p in a.get("text", [])])}
    cache = {k: v for k, v in cache.items() if k in all_ids}
    TEXT_RESULTS.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")


def _deselected(test: str, deselect: list[str]) -> bool:
    """Whether pytest's `--deselect` would drop this node id (an id, or the id's prefix up to `[`/`::`)."""
    return any(test == d or test.startswith((d + "[", d + "::")) for d in deselect)


def mutant_key(m: textmut.Mutant) -> str:
    """The mutant and the whole text of its file: what a kill depends on besides the tests."""
    text = (ROOT / m.file).read_bytes()
    return hashlib.sha256(json.dumps(m.as_dict()).encode() + text).hexdigest()[:16]


def _rank(test: str, order: list[str]) -> int:
    file = test.split("::")[0]
    return order.index(file) if file in order else len(order)


def areas_of(areas: dict, file: str) -> list[str]:
    import fnmatch

    return [a for a, spec in areas.items() if any(fnmatch.fnmatch(file, p) for p in spec.get("text", []))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--area", action="append", help="only this area (repeatable)")
    parser.add_argument("--no-python", action="store_true", help="skip mutmut's Python mutants")
    parser.add_argument("--no-text", action="store_true", help="skip the text mutants")
    parser.add_argument("--fresh", action="store_true", help="forget cached text results")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--only", action="append", help="only files matching this glob (repeatable), e.g. 'api/auth.py'")
    parser.add_argument("--mutant", action="append",
                        help="re-run only this Python mutant (mutmut's name; repeatable), e.g. to prove a new test kills it")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="per area, a seeded random sample of N Python mutants and N text mutants, "
                             "stratified over the area's files; the report gives the score with its 95%% interval")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed (default 0): the same seed, the same sample")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("ICPMAP_MUTATION_WORKERS", "2")))
    args = parser.parse_args(argv)
    settings, areas = load_areas()
    # each test's wall-clock limit in mutation runs (tools/mutation/testlimit.py); 0 turns it off
    os.environ.setdefault("ICPMAP_MUTATION_TEST_TIMEOUT", str(settings.get("test_timeout", 0)))
    chosen = args.area or list(areas)
    unknown = [a for a in chosen if a not in areas]
    if unknown:
        parser.error(f"unknown area(s) {unknown}; known: {', '.join(areas)}")
    started = time.monotonic()
    # the commit and time a run starts at: tests written while it runs are not in it
    commit, began = git_commit(), dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    if not args.report_only:
        STAGE.mkdir(exist_ok=True)
        py_sample: dict[str, dict] = {}
        text_drawn: dict[str, dict] = {}
        if not args.no_python:
            py_sample = run_python(areas, chosen, args.workers, args.only, args.mutant, args.sample, args.seed)
        if not args.no_text:
            sampled = None
            if args.sample:
                text_drawn = text_sample(areas, chosen, args.only, args.sample, args.seed)
                sampled = {i for d in text_drawn.values() for i in d["names"]}
                for a, d in text_drawn.items():
                    print(f"== text mutants of {a}: sample of {d['n']} of {d['of']} (seed {d['seed']})", flush=True)
            run_text(settings, areas, chosen, args.workers, args.fresh, args.only, sampled)
        runs = json.loads((STAGE / "runs.json").read_text()) if (STAGE / "runs.json").exists() else {}
        now = {"commit": commit, "date": f"{began}-{dt.datetime.now(dt.UTC):%H:%M} UTC"}
        for a in chosen:
            # what this run measured, per kind: the modules and files (a subset when --only narrowed it)
            entry = {k: v for k, v in runs.get(a, {}).items() if k in ("python", "text")}
            if not args.no_python and areas[a].get("python") and not args.mutant:
                entry["python"] = {**now, "files": _only(areas[a]["python"], args.only),
                                   "of": len(areas[a]["python"])}
                if a in py_sample:  # the report scores exactly these mutants
                    entry["python"]["sample"] = py_sample[a]
            if not args.no_text and areas[a].get("text"):
                files = sorted({m.file for m in textmut.generate(areas[a]["text"])})
                entry["text"] = {**now, "files": _only(files, args.only), "of": len(files)}
                if a in text_drawn and text_drawn[a]["n"] < text_drawn[a]["of"]:
                    entry["text"]["sample"] = text_drawn[a]
            runs[a] = entry
        (STAGE / "runs.json").write_text(json.dumps(runs, indent=1), encoding="utf-8")
    ok = write_report(areas, minutes=(time.monotonic() - started) / 60)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
