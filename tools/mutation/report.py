"""docs/mutation.md: the score of each area, and every surviving mutant with why it is left.

A survivor is either *equivalent* (no test could tell it apart: the program behaves the
same), *accepted* (a real difference we choose not to test, with the reason), or *open*
(not yet judged: a gap to close). Reasons live in tools/mutation/accepted.toml, keyed by
the mutant's id. The score of an area is killed / (all − equivalent).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import tomllib
from pathlib import Path

from . import pymut, textmut
from .stage import ROOT, STAGE

ACCEPTED = Path(__file__).with_name("accepted.toml")
DOC = ROOT / "docs" / "mutation.md"
DATA = ROOT / "docs" / "mutation.json"
TARGET = 0.85
KILLED = {"killed", "caught by type check"}
# A run past its time limit: an endless loop is a kill, but on a loaded shared machine a slow
# run looks the same, so a timeout is left undecided and out of the score.
UNDECIDED = {"timeout"}


def _settings() -> dict:
    data = tomllib.loads((Path(__file__).with_name("areas.toml")).read_text(encoding="utf-8"))
    return data.get("settings", {})


def judgements() -> list[dict]:
    if not ACCEPTED.exists():
        return []
    return tomllib.loads(ACCEPTED.read_text(encoding="utf-8")).get("mutant", [])


def judgement(judged: list[dict], mutant_id: str) -> dict | None:
    """The entry for this mutant: its id exactly, else the first glob (`*`) that matches it."""
    exact = next((j for j in judged if j["id"] == mutant_id), None)
    return exact or next((j for j in judged if any(c in j["id"] for c in "*?[")
                          and fnmatch.fnmatchcase(mutant_id, j["id"])), None)


def _area_of(areas: dict, file: str, kind: str) -> str | None:
    for name, spec in areas.items():
        if any(fnmatch.fnmatch(file, p) for p in spec.get(kind, [])):
            return name
    return None


def collect(areas: dict) -> list[dict]:
    rows: list[dict] = []
    for r in pymut.results(areas):
        if r["status"] != "not checked":
            rows.append({"id": r["name"], "file": r["file"], "area": r["area"], "kind": "python", "status": r["status"]})
    text_results = STAGE / "text" / "results.json"
    cache = json.loads(text_results.read_text(encoding="utf-8")) if text_results.exists() else {}
    run = STAGE / "text" / "run.jsonl"  # results of a run stopped before it saved them
    for line in run.read_text(encoding="utf-8").splitlines() if run.exists() else []:
        r = json.loads(line)
        cache.setdefault(r["id"], {}).update(status=r["status"], seconds=r["seconds"])
    for m in textmut.generate([p for a in areas.values() for p in a.get("text", [])]):
        r = cache.get(m.id)
        if not r or not r.get("status"):
            continue
        area = _area_of(areas, m.file, "text")
        rows.append({"id": m.id, "file": m.file, "area": area, "kind": "text", "status": r["status"],
                     "diff": f"- {m.before}\n+ {m.after}"})
    return rows


def write_report(areas: dict, minutes: float | None = None) -> bool:
    rows = collect(areas)
    judged = judgements()
    survivors = [r for r in rows if r["status"] not in KILLED | UNDECIDED]
    diffs: dict[str, str] = {}
    for area in areas:
        diffs.update(pymut.diffs(area, [r["id"] for r in survivors if r["kind"] == "python" and r["area"] == area]))
    for r in survivors:
        if r["kind"] == "python":
            r["diff"] = diffs.get(r["id"], "")
        j = judgement(judged, r["id"])
        r["verdict"] = j["verdict"] if j else "open"
        r["reason"] = j["reason"] if j else ""
    runs = json.loads((STAGE / "runs.json").read_text()) if (STAGE / "runs.json").exists() else {}
    summary: dict[str, dict] = {}
    ok = True
    for name, spec in areas.items():
        mine = [r for r in rows if r["area"] == name]
        killed = sum(r["status"] in KILLED for r in mine)
        equivalent = sum(r.get("verdict") == "equivalent" for r in mine)
        unmeasurable = sum(r.get("verdict") == "unmeasurable" for r in mine)
        accepted = sum(r.get("verdict") == "accepted" for r in mine)
        open_ = sum(r.get("verdict") == "open" for r in mine)
        undecided = sum(r["status"] in UNDECIDED for r in mine)
        denominator = len(mine) - equivalent - undecided - unmeasurable
        score = killed / denominator if denominator else None
        ok = ok and (score is None or score >= TARGET)
        summary[name] = {
            "title": spec.get("title", name), "mutants": len(mine), "killed": killed, "equivalent": equivalent,
            "timeout": undecided, "unmeasurable": unmeasurable,
            "accepted": accepted, "open": open_, "score": None if score is None else round(score, 4),
            "python": sum(r["kind"] == "python" for r in mine), "text": sum(r["kind"] == "text" for r in mine),
            "run": runs.get(name, {}),
        }
    DATA.write_text(json.dumps({"summary": summary, "survivors": survivors}, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    DOC.write_text(_markdown(areas, summary, survivors, minutes), encoding="utf-8")
    print(DOC.read_text(encoding="utf-8").split("## Survivors")[0])
    return ok


def _measured(run: dict) -> str:
    """Where and on what each kind of mutant was last measured, naming the files when only some were."""
    if not run:
        return "not run"
    if "commit" in run:  # an entry written by hand (a stopped run)
        return f"{run['commit']} ({run.get('date', '?')})" + (f"; partial: {run['partial']}" if run.get("partial") else "")
    parts = []
    for kind, label in (("python", "Python"), ("text", "text")):
        r = run.get(kind)
        if not r:
            parts.append(f"{label}: not run")
            continue
        files = r["files"]
        which = "all" if len(files) == r["of"] else f"{len(files)} of {r['of']} files ({', '.join(files)})"
        note = f"; {r['note']}" if r.get("note") else ""  # e.g. a run stopped before its end
        parts.append(f"{label}: {which} at {r['commit']} ({r['date']}{note})")
    return "; ".join(parts)


def _markdown(areas: dict, summary: dict, survivors: list[dict], minutes: float | None) -> str:
    lines = [
        "# Mutation testing",
        "",
        "`make mutation` (not part of `make test`) changes the core one small plausible bug at a time and",
        "runs only the tests that reach the changed code; a mutant the tests do not notice *survived*.",
        "Python function bodies are mutated by [mutmut](https://github.com/boxed/mutmut); the queries",
        "(`.cypher`), templates, the diagram script and Python outside functions (constants, route roles)",
        "by our own mutator, `tools/mutation/textmut.py`. Scope: `tools/mutation/areas.toml`.",
        "",
        f"Target: at least {TARGET:.0%} of the non-equivalent mutants of each area killed.",
        f"Written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
        + (f"; this run took {minutes:.0f} min." if minutes else "."),
        "",
        "| area | mutants (Python + text) | killed | timeout | equivalent | unmeasurable | accepted | open | score | measured at |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in summary.values():
        score = "–" if s["score"] is None else f"{s['score']:.1%}"
        when = _measured(s["run"])
        lines.append(f"| {s['title']} | {s['mutants']} ({s['python']} + {s['text']}) | {s['killed']} | "
                     f"{s['timeout']} | {s['equivalent']} | {s['unmeasurable']} | {s['accepted']} | {s['open']} | "
                     f"{score} | {when} |")
    lines += ["", "Tests each area runs (its mutation selection, `tools/mutation/areas.toml`; browser tests only for",
              "the text mutants of a page, each test stopped after "
              f"{_settings().get('test_timeout', 0)} s as a timeout):", ""]
    for name, spec in areas.items():
        browser = spec.get("browser_tests", _settings().get("browser_tests", [])) if any(
            p.endswith((".html", ".j2", ".js", "*.html")) for p in spec.get("text", [])) else []
        parts = [", ".join(f"`{t}`" for t in spec.get("tests", []))]
        if browser:
            parts.append("browser: " + ", ".join(f"`{t}`" for t in browser))
        if spec.get("text_skip_tests"):
            parts.append("not for the text mutants: " + ", ".join(f"`{t}`" for t in spec["text_skip_tests"]))
        if spec.get("deselect"):
            parts.append("left out: " + ", ".join(f"`{t}`" for t in spec["deselect"]))
        lines.append(f"- {spec.get('title', name)}: " + "; ".join(parts))
    lines += ["", "Notes on scope:", ""]
    for name, spec in areas.items():
        if spec.get("note"):
            lines.append(f"- {spec.get('title', name)}: {spec['note']}")
    lines += [
        "",
        "Score: killed / (mutants − equivalent − unmeasurable − timeout). A *timeout* (a run past its time limit) is left",
        "undecided: an endless loop is a kill, but on a loaded shared machine a slow run looks the same.",
        "",
        "Verdicts: *equivalent* — the program behaves the same, no test can tell; *unmeasurable* — the",
        "tool cannot switch the mutant on where the tests would meet it (code that runs once at import);",
        "the reason says what covers it instead; *accepted* — a real",
        "difference left untested on purpose (reason given); *open* — not judged yet. Reasons are kept in",
        "`tools/mutation/accepted.toml`. A Python mutant `no tests` means no selected test reached the",
        "function in process (it may still be exercised through a child process, which mutmut cannot see).",
        "",
        "## Survivors",
        "",
    ]
    for name in areas:
        mine = [r for r in survivors if r["area"] == name]
        if not mine:
            continue
        lines += [f"### {summary[name]['title']}", ""]
        for r in sorted(mine, key=lambda r: (r["verdict"] != "open", r["file"], r["id"])):
            lines.append(f"- `{r['id']}` — {r['status']}, **{r['verdict']}**" + (f": {r['reason']}" if r["reason"] else ""))
            diff = "\n".join(x for x in r.get("diff", "").splitlines() if x.startswith(("+", "-"))
                             and not x.startswith(("+++", "---")))
            if diff:
                lines += ["", "  ```diff", *("  " + x for x in diff.splitlines()[:12]), "  ```", ""]
        lines.append("")
    return "\n".join(lines) + "\n"
