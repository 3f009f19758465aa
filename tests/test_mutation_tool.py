"""The mutation tool's own logic (tools/mutation/): the seeded sample and the report that adds a
run's areas to the committed one. Unit tests on hand-made results; no mutmut run."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tools.mutation import report
from tools.mutation.sample import allocate, draw, wilson

POPULATION = {
    "graph/store.py": [f"icpmap.graph.store.x_f__mutmut_{i}" for i in range(1, 601)],
    "graph/dialect.py": [f"icpmap.graph.dialect.x_g__mutmut_{i}" for i in range(1, 301)],
    "graph/config.py": [f"icpmap.graph.config.x_h__mutmut_{i}" for i in range(1, 101)],
}


def _file(name: str) -> str:
    return next(f for f, names in POPULATION.items() if name in names)


# -- the sample ------------------------------------------------------------------------------


def test_allocation_is_proportional_and_sums_to_n():
    assert allocate({"a": 600, "b": 300, "c": 100}, 150) == {"a": 90, "b": 45, "c": 15}
    # largest remainders: 7 * (5, 3, 2) / 10 = 3.5, 2.1, 1.4 -> 3 + 2 + 1 = 6, the one left to a (0.5)
    assert allocate({"a": 5, "b": 3, "c": 2}, 7) == {"a": 4, "b": 2, "c": 1}
    # equal remainders go by name, so the split does not depend on the order of the files
    assert allocate({"b": 1, "a": 1}, 1) == {"a": 1, "b": 0}
    assert allocate({"a": 3, "b": 2}, 50) == {"a": 3, "b": 2}  # n beyond the population: all of it
    assert allocate({"a": 3, "b": 0}, 2) == {"a": 2, "b": 0}


def test_the_sample_is_stratified_over_the_files_by_their_mutant_counts():
    names = draw(POPULATION, 150, seed=0, label="python:graph")
    assert len(names) == len(set(names)) == 150
    assert Counter(_file(n) for n in names) == {"graph/store.py": 90, "graph/dialect.py": 45, "graph/config.py": 15}
    assert set(names) <= {n for v in POPULATION.values() for n in v}
    assert names == sorted(names)


def test_the_same_seed_gives_the_same_sample_and_another_seed_another():
    first = draw(POPULATION, 150, seed=7, label="python:graph")
    # the order the files are listed in does not matter
    again = draw(dict(reversed(list(POPULATION.items()))), 150, seed=7, label="python:graph")
    assert first == again
    assert draw(POPULATION, 150, seed=8, label="python:graph") != first
    assert draw(POPULATION, 150, seed=7, label="python:api") != first  # each area draws its own


def test_a_file_s_draw_does_not_depend_on_other_files():
    one = draw(POPULATION, 150, seed=3, label="x")
    changed = {**POPULATION, "graph/dialect.py": [n + "b" for n in POPULATION["graph/dialect.py"]]}
    two = draw(changed, 150, seed=3, label="x")
    assert [n for n in one if "store" in n] == [n for n in two if "store" in n]


def test_sample_sizes_at_the_edges():
    assert draw(POPULATION, 0, seed=0, label="x") == []
    assert len(draw(POPULATION, 1, seed=0, label="x")) == 1
    everything = sorted(n for v in POPULATION.values() for n in v)
    assert draw(POPULATION, 5000, seed=0, label="x") == everything
    assert draw({"a": ["m2", "m1", "m1"]}, 5, seed=0, label="x") == ["m1", "m2"]  # duplicates once


def test_wilson_interval_hand_worked():
    # 90 of 100: centre (0.9 + 1.96²/200) / (1 + 1.96²/100), half-width as the formula: 0.8256-0.9448
    lo, hi = wilson(90, 100)
    assert lo == pytest.approx(0.8256, abs=1e-4)
    assert hi == pytest.approx(0.9448, abs=1e-4)
    lo, hi = wilson(10, 10)  # all killed: the upper bound is 1, the lower one well below
    assert hi == pytest.approx(1.0)
    assert lo == pytest.approx(0.7225, abs=1e-4)
    assert wilson(0, 10)[0] == pytest.approx(0.0)
    assert wilson(0, 0) == (0.0, 1.0)


def test_a_sampled_area_s_score_is_weighted_by_population_with_its_interval():
    # Python: a sample of 100 of 1,000, 90 killed; text: all 20 measured, 10 killed
    python = {"mutants": 100, "killed": 90, "timeout": 0, "equivalent": 0, "unmeasurable": 0, "accepted": 0,
              "open": 10, "sample": {"n": 100, "of": 1000, "seed": 0}, "run": {}}
    text = {"mutants": 20, "killed": 10, "timeout": 0, "equivalent": 0, "unmeasurable": 0, "accepted": 0,
            "open": 10, "run": {}}
    row = report.area_summary("t", {"python": python, "text": text})
    # (10 * 90 + 10) / (10 * 100 + 20) = 910 / 1020
    assert row["score"] == round(910 / 1020, 4)
    assert row["sample"] == {"n": 120, "of": 1020}
    lo, hi = row["interval"]
    assert lo < row["score"] < hi
    assert (lo, hi) == tuple(round(x, 4) for x in wilson(910 / 1020 * 120, 120))
    full = report.area_summary("t", {"text": text})
    assert full["score"] == 0.5
    assert "interval" not in full and "sample" not in full


def test_equivalent_and_timeouts_leave_the_denominator():
    kind = {"mutants": 10, "killed": 6, "timeout": 1, "equivalent": 2, "unmeasurable": 0, "accepted": 0,
            "open": 1, "run": {}}
    assert report.area_summary("t", {"python": kind})["score"] == 0.8571  # 6 / (10 - 2 - 1)


# -- the report keeps other areas' rows ---------------------------------------------------------

AREAS = {
    "graph": {"title": "Graph", "python": ["graph/store.py"], "tests": []},
    "api": {"title": "API", "python": ["api/auth.py"], "text": ["api/deps.py"], "tests": []},
    "safety": {"title": "Safety", "python": ["safety/audit.py"], "tests": []},
}


@pytest.fixture
def tool(tmp_path, monkeypatch):
    """The report module pointed at a scratch docs/ and .mutation/, with hand-made results."""
    monkeypatch.setattr(report, "DOC", tmp_path / "mutation.md")
    monkeypatch.setattr(report, "DATA", tmp_path / "mutation.json")
    monkeypatch.setattr(report, "STAGE", tmp_path / "stage")
    monkeypatch.setattr(report, "ACCEPTED", tmp_path / "accepted.toml")
    (tmp_path / "stage").mkdir()
    results: list[dict] = []
    monkeypatch.setattr(report, "collect", lambda areas: [dict(r) for r in results])
    monkeypatch.setattr(report.pymut, "diffs", lambda area, names: {n: "" for n in names})
    return tmp_path, results


def _committed(tmp_path) -> None:
    """A report as the previous session committed it: api text-only, safety Python-only, graph
    mixed (cannot be split by kind), in the old form without per-kind counts."""
    summary = {
        "api": {"title": "API", "mutants": 28, "killed": 27, "equivalent": 1, "timeout": 0, "unmeasurable": 0,
                "accepted": 0, "open": 0, "score": 1.0, "python": 0, "text": 28,
                "run": {"text": {"commit": "b039b65", "date": "2026-12-03 13:41-13:48 UTC",
                                 "files": ["api/deps.py"], "of": 1}}},
        "safety": {"title": "Safety", "mutants": 10, "killed": 8, "equivalent": 1, "timeout": 0,
                   "unmeasurable": 0, "accepted": 1, "open": 0, "score": 0.8889, "python": 10, "text": 0,
                   "run": {"python": {"commit": "a67b15f", "date": "2026-12-03 12:59-13:40 UTC",
                                      "files": ["safety/audit.py"], "of": 1}}},
        "graph": {"title": "Graph", "mutants": 5, "killed": 4, "equivalent": 0, "timeout": 0, "unmeasurable": 0,
                  "accepted": 0, "open": 1, "score": 0.8, "python": 4, "text": 1,
                  "run": {"python": {"commit": "c8e9cc1", "date": "2026-12-03 13:50 UTC",
                                     "files": ["graph/store.py"], "of": 1}}},
    }
    survivors = [
        {"id": "api/deps.py:3:drop-element:1", "area": "api", "kind": "text", "file": "api/deps.py",
         "status": "survived", "verdict": "equivalent", "reason": "old reason", "diff": "- a\n+ b"},
        {"id": "icpmap.safety.audit.x_a__mutmut_1", "area": "safety", "kind": "python",
         "file": "safety/audit.py", "status": "survived", "verdict": "equivalent", "reason": "r1", "diff": ""},
        {"id": "icpmap.safety.audit.x_a__mutmut_2", "area": "safety", "kind": "python",
         "file": "safety/audit.py", "status": "survived", "verdict": "accepted", "reason": "r2", "diff": ""},
        {"id": "icpmap.graph.store.x_s__mutmut_9", "area": "graph", "kind": "python",
         "file": "graph/store.py", "status": "survived", "verdict": "open", "reason": "", "diff": ""},
    ]
    (tmp_path / "mutation.json").write_text(json.dumps({"summary": summary, "survivors": survivors}))
    (tmp_path / "mutation.md").write_text("# Mutation testing\n\nWritten 2026-12-03 14:01 UTC; this run took 0 min.\n")


def _runs(tmp_path, runs: dict) -> None:
    (tmp_path / "stage" / "runs.json").write_text(json.dumps(runs))


def _py(area: str, n: int, status: str = "killed") -> dict:
    module = AREAS[area]["python"][0]
    return {"id": f"icpmap.{module[:-3].replace('/', '.')}.x_q__mutmut_{n}", "file": module, "area": area,
            "kind": "python", "status": status}


RUN = {"commit": "abc1234", "date": "2026-12-03 16:00-16:10 UTC", "of": 1}


def test_a_run_of_one_area_keeps_the_other_areas_rows_and_survivors(tool):
    tmp_path, results = tool
    _committed(tmp_path)
    results += [_py("graph", 1), _py("graph", 2), _py("graph", 3, "survived")]
    _runs(tmp_path, {"graph": {"python": {**RUN, "files": ["graph/store.py"]}}})
    report.write_report(AREAS)
    data = json.loads((tmp_path / "mutation.json").read_text())
    s = data["summary"]
    # the measured area: from this run only (the committed graph row and its survivor are gone)
    assert (s["graph"]["mutants"], s["graph"]["killed"], s["graph"]["open"]) == (3, 2, 1)
    assert [r["id"] for r in data["survivors"] if r["area"] == "graph"] == ["icpmap.graph.store.x_q__mutmut_3"]
    # the others: their counts, score and survivors as committed
    for area, mutants, killed, score in (("api", 28, 27, 1.0), ("safety", 10, 8, 0.8889)):
        assert (s[area]["mutants"], s[area]["killed"], s[area]["score"]) == (mutants, killed, score)
    assert {r["id"] for r in data["survivors"] if r["area"] != "graph"} == {
        "api/deps.py:3:drop-element:1", "icpmap.safety.audit.x_a__mutmut_1", "icpmap.safety.audit.x_a__mutmut_2"}
    assert s["api"]["kinds"]["text"]["kept"] == "2026-12-03 14:01 UTC"
    md = (tmp_path / "mutation.md").read_text()
    api_row = next(line for line in md.splitlines() if line.startswith("| API |"))
    assert "text: kept from the report of 2026-12-03 14:01 UTC: all at b039b65" in api_row
    graph_row = next(line for line in md.splitlines() if line.startswith("| Graph |"))
    assert "kept" not in graph_row and "abc1234" in graph_row
    assert "`icpmap.safety.audit.x_a__mutmut_2` — survived, **accepted**: r2" in md


def test_kept_rows_survive_a_second_report_and_keep_their_first_date(tool):
    tmp_path, _ = tool
    _committed(tmp_path)
    _runs(tmp_path, {})
    report.write_report(AREAS)
    first = json.loads((tmp_path / "mutation.json").read_text())
    report.write_report(AREAS)
    second = json.loads((tmp_path / "mutation.json").read_text())
    assert first["summary"] == second["summary"]
    assert first["survivors"] == second["survivors"]
    assert second["summary"]["safety"]["kinds"]["python"]["kept"] == "2026-12-03 14:01 UTC"
    # a mixed row of the old form is kept whole, as it was
    assert second["summary"]["graph"]["kept"] == "2026-12-03 14:01 UTC"
    assert second["summary"]["graph"]["score"] == 0.8


def test_a_kind_not_run_here_is_kept_beside_the_kind_that_was(tool):
    tmp_path, results = tool
    _committed(tmp_path)
    results += [_py("api", 1), _py("api", 2, "survived")]
    _runs(tmp_path, {"api": {"python": {**RUN, "files": ["api/auth.py"]}}})
    report.write_report(AREAS)
    api = json.loads((tmp_path / "mutation.json").read_text())["summary"]["api"]
    assert (api["python"], api["text"], api["mutants"], api["killed"], api["equivalent"], api["open"]) == (
        2, 28, 30, 28, 1, 1)
    assert api["score"] == round(28 / 29, 4)
    assert "kept" not in api["kinds"]["python"]


def test_a_verdict_given_since_applies_to_a_kept_survivor(tool):
    tmp_path, _ = tool
    _committed(tmp_path)
    (tmp_path / "accepted.toml").write_text(
        '[[mutant]]\nid = "icpmap.safety.audit.x_a__mutmut_2"\nverdict = "equivalent"\nreason = "judged since"\n')
    _runs(tmp_path, {})
    report.write_report(AREAS)
    data = json.loads((tmp_path / "mutation.json").read_text())
    safety = data["summary"]["safety"]
    assert (safety["equivalent"], safety["accepted"], safety["score"]) == (2, 0, 1.0)  # 8 / (10 - 2)
    kept = {r["id"]: r for r in data["survivors"]}
    assert kept["icpmap.safety.audit.x_a__mutmut_2"]["reason"] == "judged since"
    # a survivor with no entry now keeps the verdict it had
    assert kept["api/deps.py:3:drop-element:1"]["verdict"] == "equivalent"


def test_a_sampled_area_is_scored_on_its_sample_and_says_so(tool):
    tmp_path, results = tool
    _committed(tmp_path)
    results += [_py("graph", i) for i in range(1, 10)] + [_py("graph", 10, "survived")]
    sample = {"n": 5, "of": 40, "seed": 3, "names": [_py("graph", i)["id"] for i in (1, 2, 3, 4, 10)]}
    _runs(tmp_path, {"graph": {"python": {**RUN, "files": ["graph/store.py"], "sample": sample}}})
    report.write_report(AREAS)
    data = json.loads((tmp_path / "mutation.json").read_text())
    graph = data["summary"]["graph"]
    # the mutants outside the sample (left from an earlier run) are not counted
    assert (graph["mutants"], graph["killed"], graph["open"], graph["score"]) == (5, 4, 1, 0.8)
    assert graph["sample"] == {"n": 5, "of": 40}
    assert graph["interval"] == [round(x, 4) for x in wilson(4, 5)]
    assert "names" not in graph["kinds"]["python"]["sample"]
    md = (tmp_path / "mutation.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| Graph |"))
    assert "5 (5 + 0), sample of 5 of 40 mutants" in row
    assert "80.0% (95% CI 37.5%–96.4%)" in row  # the interval as kept: 0.3755-0.9638
    assert "a sample of 5 of 40 mutants (seed 3)" in row


# -- mutmut's copies left half-written by a stopped run -----------------------------------------


def _copies(tmp_path, copy_text: str, times: tuple[int, int, int], meta_text: str = "{}") -> tuple:
    """A source module, mutmut's copy of it and the copy's .meta, with these mtimes."""
    import os

    source, copy = tmp_path / "src.py", tmp_path / "copy.py"
    meta = tmp_path / "copy.py.meta"
    source.write_text("class LadybugStore:\n    pass\n")
    copy.write_text(copy_text)
    meta.write_text(meta_text)
    for path, t in zip((source, copy, meta), times, strict=True):
        os.utime(path, (t, t))
    return source, copy, meta


def test_a_complete_or_not_yet_mutated_copy_is_kept(tmp_path):
    from tools.mutation.pymut import drop_damaged_copy

    whole = "class LadybugStore:\n    pass\n\nx = 1\n"
    source, copy, _ = _copies(tmp_path, whole, (100, 200, 201))  # written, then its .meta
    assert not drop_damaged_copy(source, copy) and copy.exists()
    source, copy, _ = _copies(tmp_path, whole, (100, 100, 50))  # a plain copy (same mtime): mutmut's to mutate
    assert not drop_damaged_copy(source, copy) and copy.exists()


def test_a_copy_cut_short_is_deleted_so_mutmut_writes_it_again(tmp_path):
    from tools.mutation.pymut import drop_damaged_copy

    cut = "def f():\n    return 1\n\nclass Ladyb"
    source, copy, meta = _copies(tmp_path, cut, (100, 300, 200))  # written after its last .meta
    assert drop_damaged_copy(source, copy)
    assert not copy.exists() and meta.exists()  # the verdicts in the .meta are kept
    source, copy, meta = _copies(tmp_path, cut, (100, 200, 201))  # the .meta newer, the copy still broken
    assert drop_damaged_copy(source, copy) and not copy.exists()
    source, copy, meta = _copies(tmp_path, "x = 1\n", (100, 200, 201), meta_text='{"exit_code_by')
    assert drop_damaged_copy(source, copy)
    assert not copy.exists() and not meta.exists()  # a .meta cut short too is of no use
