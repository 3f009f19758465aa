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
import re
import tomllib
from pathlib import Path

from . import pymut, textmut
from .sample import wilson
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


COUNTS = ("mutants", "killed", "timeout", "equivalent", "unmeasurable", "accepted", "open")


def _in_sample(rows: list[dict], runs: dict) -> list[dict]:
    """The rows a sampled area is scored on: exactly the mutants its last sample drew."""
    out = []
    for r in rows:
        sample = runs.get(r["area"], {}).get(r["kind"], {}).get("sample")
        if not sample or r["id"] in set(sample["names"]):
            out.append(r)
    return out


def _kind_counts(mine: list[dict]) -> dict:
    return {
        "mutants": len(mine),
        "killed": sum(r["status"] in KILLED for r in mine),
        "timeout": sum(r["status"] in UNDECIDED for r in mine),
        **{v: sum(r.get("verdict") == v for r in mine) for v in ("equivalent", "unmeasurable", "accepted", "open")},
    }


def committed() -> dict:
    """The report as committed (docs/mutation.json), with the date it was written."""
    if not DATA.exists():
        return {"summary": {}, "survivors": []}
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if not data.get("written") and DOC.exists():  # reports before the date was kept in the JSON
        m = re.search(r"^Written (\d{4}-\d\d-\d\d \d\d:\d\d UTC)", DOC.read_text(encoding="utf-8"), re.M)
        data["written"] = m.group(1) if m else "unknown date"
    return data


def _old_kinds(row: dict) -> dict:
    """A committed row's counts per kind; a row from before kinds were kept can be split only
    when all its mutants are of one kind."""
    if "kinds" in row:
        return row["kinds"]
    one = [k for k in ("python", "text") if row.get(k)]
    if len(one) != 1:
        return {}
    return {one[0]: {**{c: row.get(c, 0) for c in COUNTS}, "run": row.get("run", {}).get(one[0], {})}}


def area_summary(spec_title: str, kinds: dict) -> dict:
    """An area's row from its kinds' counts. A sampled kind stands for its whole population:
    the score is the ratio estimate sum(w*killed) / sum(w*(non-equivalent, decided)), each kind
    weighted by w = population / sample, with the 95% Wilson interval on the decided mutants."""
    total = {c: sum(k.get(c, 0) for k in kinds.values()) for c in COUNTS}
    killed_w = decided_w = decided = 0.0
    sampled = False
    for k in kinds.values():
        denominator = k["mutants"] - k["equivalent"] - k["timeout"] - k["unmeasurable"]
        sample = k.get("sample")
        weight = sample["of"] / k["mutants"] if sample and k["mutants"] else 1.0  # measured of the drawn
        sampled = sampled or bool(sample)
        killed_w += weight * k["killed"]
        decided_w += weight * denominator
        decided += denominator
    score = killed_w / decided_w if decided_w else None
    row = {"title": spec_title, **total, "score": None if score is None else round(score, 4),
           "python": kinds.get("python", {}).get("mutants", 0), "text": kinds.get("text", {}).get("mutants", 0),
           "run": {k: v["run"] for k, v in kinds.items() if v.get("run")}, "kinds": kinds}
    if sampled:
        row["sample"] = {"n": sum(k.get("sample", {}).get("n", k["mutants"]) for k in kinds.values()),
                         "of": sum(k.get("sample", {}).get("of", k["mutants"]) for k in kinds.values())}
        if score is not None:
            row["interval"] = [round(x, 4) for x in wilson(score * decided, decided)]
    return row


def write_report(areas: dict, minutes: float | None = None) -> bool:
    runs = json.loads((STAGE / "runs.json").read_text()) if (STAGE / "runs.json").exists() else {}
    rows = _in_sample(collect(areas), runs)
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
    old = committed()
    summary: dict[str, dict] = {}
    ok = True
    for name, spec in areas.items():
        title = spec.get("title", name)
        run = runs.get(name, {})
        here = {k for k in ("python", "text") if run.get(k) or any(r["area"] == name and r["kind"] == k for r in rows)}
        before = old["summary"].get(name)
        old_kinds = _old_kinds(before) if before else {}
        if before and not here and not old_kinds:
            # measured elsewhere, and its counts cannot be told apart by kind: the row as it was
            summary[name] = {**before, "title": title, "kept": before.get("kept") or old["written"]}
            survivors += [r for r in old["survivors"] if r["area"] == name]
        else:
            kinds: dict[str, dict] = {}
            for kind in ("python", "text"):
                if kind in here:
                    mine = [r for r in rows if r["area"] == name and r["kind"] == kind]
                    kinds[kind] = {**_kind_counts(mine), "run": run.get(kind, {})}
                    if run.get(kind, {}).get("sample"):
                        kinds[kind]["sample"] = {k: v for k, v in run[kind]["sample"].items() if k != "names"}
                elif kind in old_kinds:
                    # not measured here: kept from the committed report, a survivor judged since
                    # then taking its new verdict (a text id holds a line number: one that no
                    # longer matches an entry keeps the verdict it had)
                    kept = [dict(r) for r in old["survivors"] if r["area"] == name and r["kind"] == kind]
                    for r in kept:
                        j = judgement(judged, r["id"])
                        if j:
                            r["verdict"], r["reason"] = j["verdict"], j["reason"]
                    survivors += kept
                    counts = {c: old_kinds[kind].get(c, 0) for c in COUNTS}
                    counts.update({v: sum(r["verdict"] == v for r in kept)
                                   for v in ("equivalent", "unmeasurable", "accepted", "open")})
                    kinds[kind] = {**old_kinds[kind], **counts,
                                   "kept": old_kinds[kind].get("kept") or old["written"]}
            summary[name] = area_summary(title, kinds)
        score = summary[name]["score"]
        ok = ok and (score is None or score >= TARGET)
    written = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    DATA.write_text(json.dumps({"summary": summary, "survivors": survivors, "written": written}, indent=1,
                               sort_keys=True) + "\n", encoding="utf-8")
    DOC.write_text(_markdown(areas, summary, survivors, minutes, written), encoding="utf-8")
    print(DOC.read_text(encoding="utf-8").split("## Survivors")[0])
    return ok


def _measured(row: dict) -> str:
    """Where and on what each kind of mutant was last measured, naming the files when only some
    were; a part kept from an earlier report says so, with that report's date."""
    if row.get("kept") and "kinds" not in row and row.get("run"):  # a whole row kept as it was
        return f"kept from the report of {row['kept']}: " + _measured({k: v for k, v in row.items() if k != "kept"})
    run = row.get("run", {})
    if not run:
        return "not run"
    if "commit" in run:  # an entry written by hand (a stopped run)
        return f"{run['commit']} ({run.get('date', '?')})" + (f"; partial: {run['partial']}" if run.get("partial") else "")
    kinds = row.get("kinds", {})
    parts = []
    for kind, label in (("python", "Python"), ("text", "text")):
        r = run.get(kind)
        if not r:
            parts.append(f"{label}: not run")
            continue
        files = r["files"]
        which = "all" if len(files) == r["of"] else f"{len(files)} of {r['of']} files ({', '.join(files)})"
        sample = r.get("sample")
        if sample:
            which += f", a sample of {sample['n']} of {sample['of']} mutants (seed {sample['seed']})"
        note = f"; {r['note']}" if r.get("note") else ""  # e.g. a run stopped before its end
        kept = kinds.get(kind, {}).get("kept")
        parts.append(f"{label}: " + (f"kept from the report of {kept}: " if kept else "")
                     + f"{which} at {r['commit']} ({r['date']}{note})")
    return "; ".join(parts)


def _score(s: dict) -> str:
    if s["score"] is None:
        return "–"
    if not s.get("interval"):
        return f"{s['score']:.1%}"
    lo, hi = s["interval"]
    return f"{s['score']:.1%} (95% CI {lo:.1%}–{hi:.1%})"


def _markdown(areas: dict, summary: dict, survivors: list[dict], minutes: float | None, written: str) -> str:
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
        f"Written {written}" + (f"; this run took {minutes:.0f} min." if minutes else "."),
        "",
        "An area measured on a sample (`--sample N`: N Python and N text mutants per area, drawn with a seed,",
        "stratified over its files) says *sample of n of M*; its score is an estimate for all M, given with its",
        "95% Wilson interval; the target is judged on the estimate. A row (or one kind of its mutants) not",
        "measured in the run that wrote this page is *kept from the report of* the date it was measured.",
        "",
        "| area | mutants (Python + text) | killed | timeout | equivalent | unmeasurable | accepted | open | score | measured at |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in summary.values():
        count = f"{s['mutants']} ({s['python']} + {s['text']})"
        if s.get("sample"):
            count += f", sample of {s['sample']['n']} of {s['sample']['of']} mutants"
        lines.append(f"| {s['title']} | {count} | {s['killed']} | "
                     f"{s['timeout']} | {s['equivalent']} | {s['unmeasurable']} | {s['accepted']} | {s['open']} | "
                     f"{_score(s)} | {_measured(s)} |")
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
