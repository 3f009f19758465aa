"""`index.html`: the one page that says what `icpmap demo` (or any output folder) holds.

Every file written is linked, by the name a person looks for (a Place's name, a report's name),
with one line saying what it shows: diagrams (and maps, board papers) per Place and for the ICS,
charts, the report pack, the query results, and anything else found under the folder.
The page is offline and escaped like the diagrams: a Jinja2 template with autoescape on, the
dashboard's own stylesheet inlined, no script at all, and a Content-Security-Policy that
allows no network and no script.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .html import inline_safe, template
from .names import stem

if TYPE_CHECKING:
    from ..reports.findings import Findings

ASSETS = Path(__file__).parent / "assets"
DASHBOARD_CSS = Path(__file__).resolve().parent.parent / "api" / "static" / "style.css"
INDEX = "index.html"

# What each kind of scoped page shows, by folder; `{name}` is the Place's or the ICS's name.
SCOPED = {
    "diagrams": ("Diagram", {
        "place": "the partnership as a network: boards and members by sector, who has signed the place agreement, "
                 "missing links to other boards, the Place lead, neighbourhoods and the PCNs that lead them",
        "ics": "every Place of the ICS and the ICS-level boards in one network",
    }),
    "maps": ("Map", {
        "place": "the Place's boundary, neighbourhoods and practices by PCN, and each PCN's footprint",
        "ics": "every Place of the ICS on one map, with its PCNs' footprints",
    }),
    "papers": ("Board paper", {
        "place": "a paper for the partnership board: where the Place stands, with its diagram and tables",
        "ics": "a paper for the ICS: every Place side by side",
    }),
}
CHARTS = {
    "breadth": "Members of each Place's partnership by sector, and the expected sectors it lacks (report breadth).",
    "coterminosity": "Each PCN's share of patients in its main footprint against the coterminosity threshold "
                     "(report coterminosity).",
    "assurance": "Every Place against the seven core features of an ICP: met, partial or not met (report assurance).",
}
PACK = "Every report in one workbook, a sheet each, formatted for Excel."
FORMAT_ORDER = {"html": 0, "xlsx": 1, "csv": 2, "png": 3, "svg": 4, "pdf": 5, "docx": 6}


@dataclass
class Item:
    """One thing to open: a label, what it shows, and its files (one per format)."""

    label: str
    what: str
    files: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Scope:
    """A Place or an ICS, with the pages written for it."""

    name: str
    code: str
    facts: str = ""
    pages: list[dict[str, str]] = field(default_factory=list)  # label, href, what
    members: dict[str, str] | None = None
    cells: list[dict[str, str] | None] = field(default_factory=list)  # the Places table: a page per column


def href(path: PurePosixPath) -> str:
    """A relative link to a file of the folder (its name percent-quoted)."""
    return quote(str(path), safe="/")


def _fmt(path: PurePosixPath) -> str:
    return path.suffix.lstrip(".").upper() or "file"


def _files(paths: list[PurePosixPath]) -> list[dict[str, str]]:
    ordered = sorted(paths, key=lambda p: (FORMAT_ORDER.get(p.suffix.lstrip("."), 9), str(p)))
    return [{"label": _fmt(p), "href": href(p)} for p in ordered]


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def first_sentence(text: str) -> str:
    """The first sentence of a description: one line of "what this shows"."""
    match = re.match(r"(.+?[.:;])\s+(?=[A-Z`(])", text.strip())
    return _sentence(match.group(1).rstrip(":;") if match else text)


def _describe_report(stem_: str) -> str | None:
    from ..reports import REPORTS

    report = REPORTS.get(stem_) or next((r for name, r in REPORTS.items() if stem_.startswith(f"{name}-")), None)
    if report is None:
        return None
    variant = stem_[len(report.name) + 1:].replace("-", " ")  # changes-last-year: the report over the last year
    return f"{first_sentence(report.description)[:-1]} (report {report.name}{', ' + variant if variant else ''})."


def _describe_query(stem_: str) -> str | None:
    from .. import cypher

    query = cypher.queries().get(stem_)
    return first_sentence(query.description) if query is not None else None


def build_index(out: Path, written: list[Path], places: list[dict[str, Any]], ics: list[dict[str, Any]],
                findings: Findings | None = None) -> dict[str, Any]:
    """What the page shows: `written` (files under `out`) sorted into Places, the ICS, charts,
    reports, queries and other files; every file exactly once."""
    rel = sorted({PurePosixPath(Path(p).resolve().relative_to(out.resolve()).as_posix()) for p in written})
    rel = [p for p in rel if str(p) != INDEX]
    left = set(rel)
    facts = {f.code: f.sentence() for f in (findings.places if findings else [])}

    def take(path: PurePosixPath) -> PurePosixPath:
        left.discard(path)
        return path

    def scoped(scope: str, code: str, name: str) -> Scope:
        found = Scope(name=name or code, code=code, facts=facts.get(code, ""))
        for folder, (label, whats) in SCOPED.items():
            for path in rel:
                if path in left and path.parts[0] == folder and _names_code(path, code):
                    kind = label if path.suffix == ".html" else f"{label} ({_fmt(path)})"
                    found.pages.append({"kind": kind, "label": kind, "href": href(take(path)),
                                        "what": _sentence(whats.get(scope, label))})
        members = [p for p in rel if p in left and p.parts[0] == "queries" and _is_for(p, "place-members", code)]
        if members:
            found.members = {"href": href(take(members[0])), "label": "CSV",
                             "what": f"The organisations in {name or code}'s partnership, core first."}
        return found

    place_rows = [scoped("place", r["place_code"], r.get("place_name") or "") for r in places]
    ics_rows = [scoped("ics", r["ics_code"], r.get("ics_name") or "") for r in ics]
    # the Places table: a column per kind of page (Diagram first), each explained once above it
    kinds: dict[str, str] = {}
    for row in place_rows:
        for page in row.pages:
            kinds.setdefault(page["kind"], page["what"])
    columns = [{"kind": k, "what": w} for k, w in kinds.items()]
    for row in place_rows:
        by_kind = {page["kind"]: page for page in row.pages}
        row.cells = [by_kind.get(c["kind"]) for c in columns]

    groups: list[dict[str, Any]] = []
    charts: dict[str, list[PurePosixPath]] = {}
    for path in rel:
        if path in left and path.parts[0] == "charts":
            charts.setdefault(path.stem, []).append(take(path))
    groups.append({"title": "Charts", "id": "charts",
                   "intro": "Pictures of the reports for slides and papers, in PNG and SVG.",
                   "items": [Item(name.replace("-", " ").capitalize(), CHARTS.get(name, f"The {name} chart."), _files(p))
                             for name, p in sorted(charts.items(), key=lambda kv: _chart_order(kv[0]))]})

    reports: dict[str, list[PurePosixPath]] = {}
    for path in rel:
        if path in left and path.parts[0] == "reports":
            reports.setdefault(path.stem, []).append(take(path))
    items = []
    for name, paths in sorted(reports.items(), key=lambda kv: (kv[0] != "report-pack", _report_order(kv[0]))):
        what = PACK if name == "report-pack" else _describe_report(name) or f"The {name} table."
        items.append(Item("Report pack" if name == "report-pack" else name, what, _files(paths)))
    groups.append({"title": "Reports", "id": "reports",
                   "intro": "The analytic reports over every Place, as CSV (one file each) and one Excel workbook.",
                   "items": items})

    queries: dict[str, list[PurePosixPath]] = {}
    for path in rel:
        if path in left and path.parts[0] == "queries":
            queries.setdefault(path.stem, []).append(take(path))
    groups.append({"title": "Queries", "id": "queries",
                   "intro": "Each query of the library that needs no parameter, run once, as CSV: "
                            "the raw material of the reports (icpmap queries lists them; icpmap run NAME runs one).",
                   "items": [Item(name, _describe_query(name) or f"The {name} query's result.", _files(p))
                             for name, p in sorted(queries.items())]})

    others = sorted(left)
    if others:
        groups.append({"title": "Other files", "id": "other", "intro": "Everything else written into this folder.",
                       "items": [Item(str(p), f"{_fmt(p)} file.", _files([p])) for p in others]})
    return {"places": place_rows, "ics": ics_rows, "place_columns": columns, "groups": [g for g in groups if g["items"]],
            "headlines": list(findings.headlines) if findings else []}


def _is_for(path: PurePosixPath, prefix: str, code: str) -> bool:
    """`prefix-code.ext` or `prefix-<name>-code.ext` (the names of `names.stem`)."""
    name = path.stem
    quoted = stem("", code).lstrip("-")
    return name == f"{prefix}-{quoted}" or (name.startswith(f"{prefix}-") and name.endswith(f"-{quoted}"))


def _names_code(path: PurePosixPath, code: str) -> bool:
    """A page of a scoped folder is for the Place or ICS whose code ends its name, whatever the
    prefix (`place-liverpool-E08000012.html`, `profile-E08000012.pdf`, `pack-QYG.docx`)."""
    quoted = stem("", code).lstrip("-")
    return path.stem == quoted or path.stem.endswith(f"-{quoted}")


def _chart_order(name: str) -> tuple[int, str]:
    return (list(CHARTS).index(name) if name in CHARTS else len(CHARTS), name)


def _report_order(name: str) -> tuple[int, str]:
    from ..reports import REPORTS

    names = list(REPORTS)
    return (names.index(name) if name in names else len(names), name)


def render_index(content: dict[str, Any], *, title: str, next_steps: list[dict[str, str]],
                 note: str = "", today: dt.date | None = None) -> str:
    css = inline_safe(DASHBOARD_CSS.read_text(encoding="utf-8"), "style")
    css += inline_safe((ASSETS / "index.css").read_text(encoding="utf-8"), "style")
    csp = "; ".join(["default-src 'none'", "style-src 'unsafe-inline'", "img-src 'none'", "base-uri 'none'",
                     "form-action 'none'", "object-src 'none'", "script-src 'none'"])
    return template((ASSETS / "index.html.j2").read_text(encoding="utf-8")).render(
        title=title, note=note, csp=csp, css=css, next_steps=next_steps,
        written_on=(today or dt.date.today()).isoformat(), **content,
    )


def write_index(out: Path, written: list[Path], places: list[dict[str, Any]], ics: list[dict[str, Any]], *,
                findings: Findings | None = None, title: str = "icpmap", note: str = "",
                next_steps: list[dict[str, str]] | None = None) -> Path:
    """Write `out/index.html` linking every file of `written`; returns its path."""
    content = build_index(out, written, places, ics, findings)
    path = out / INDEX
    path.write_text(render_index(content, title=title, next_steps=next_steps or [], note=note), encoding="utf-8")
    return path


__all__ = ["INDEX", "Item", "Scope", "build_index", "href", "render_index", "write_index"]
