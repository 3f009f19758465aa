"""What a board paper says, read from the reports (never computed a second way).

`gather(store, place=...)` or `gather(store, ics=...)` runs each report once for the scope
(sharing one query cache), then slices it per Place; coterminosity runs per Place, because
its scope is the Place's own (PCNs with a practice located there). The diagram is the one
the interactive page draws (`visualise.build_graph`). People's names are read only when
the caller may see them (`names=True`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import cypher
from ..errors import UserError
from ..graph import Store
from ..reports import run_report
from ..reports.settings import ReportSettings, load_settings

# called with a Place's code, name, as-at date, diagram graph and map as soon as they are read
OnGraph = Callable[[str, str, dt.date, Any, Any], None]

FEATURES = ("Governance", "Place lead", "Shared vision and plan", "Development plan", "Defined footprints",
            "Engagement", "Integrated commissioning")


@dataclass
class Lead:
    person_id: str
    name: str | None  # None unless the caller may see names
    role_title: str | None
    employer: str | None
    since: dt.date | None
    core_members: int
    endorsed_by: int
    missing: list[str]  # core members' codes that have not endorsed
    on_forum: bool
    endorsements: list[dict[str, Any]] = field(default_factory=list)  # organisation_code, name, date

    @property
    def label(self) -> str:
        return f"{self.name} ({self.person_id})" if self.name else f"Place lead {self.person_id}"


@dataclass
class PlaceFacts:
    code: str
    name: str
    ics_code: str | None
    ics_name: str | None
    as_at: dt.date
    breadth: dict[str, Any]
    members: list[dict[str, Any]]
    agreements: list[dict[str, Any]]
    unsigned: list[dict[str, Any]]
    missing_links: list[dict[str, Any]]
    lead: Lead | None
    assurance: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    coterminosity: list[dict[str, Any]]
    coterminosity_options: dict[str, Any]
    boards: dict[str, str]  # board code -> name (the boards of the diagram)
    graph: Any = None  # the diagram's DiagramGraph
    map: Any = None  # the Place's MapData (`visualise.build_map`)
    since: dt.date | None = None  # the date compared with (`--since`), else None
    before: PlaceFacts | None = None  # the same facts as at `since` (its headline figures)
    changes: list[dict[str, Any]] | None = None  # the changes report's rows from `since` to `as_at`

    @property
    def title(self) -> str:
        return f"{self.name} ({self.code})" if self.name and self.name != self.code else self.code

    def headline(self) -> dict[str, int]:
        """The figures the paper opens with (each a count from a report)."""
        status = [a["status"] for a in self.assurance]
        return {
            "partners": int(self.breadth.get("members") or 0),
            "sectors": int(self.breadth.get("sectors") or 0),
            "statutory": int(self.breadth.get("statutory") or 0),
            "non_statutory": int(self.breadth.get("non_statutory") or 0),
            "signatures_outstanding": len(self.unsigned),
            "missing_links": len(self.missing_links),
            "pcns": len(self.coterminosity),
            "coterminous_pcns": sum(1 for r in self.coterminosity if r["coterminous"]),
            "features_met": status.count("met"),
            "features_partial": status.count("partial"),
            "features_not_met": status.count("not_met"),
        }


@dataclass
class IcsFacts:
    code: str
    name: str
    as_at: dt.date
    places: list[PlaceFacts]
    milestones: list[dict[str, Any]]  # every milestone (checked or not)
    map: Any = None  # the ICS's MapData
    since: dt.date | None = None
    changes: list[dict[str, Any]] | None = None  # the changes report for the ICS (ICS-level boards too)

    @property
    def title(self) -> str:
        return f"{self.name} ({self.code})" if self.name and self.name != self.code else self.code


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(zip(result.columns, row)) for row in result.rows]


def _by_place(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r["place_code"]].append(r)
    return out


def _query(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    q = cypher.get(name)
    given: dict[str, Any] = {p.name: [] for p in q.params if p.type == "list"}
    given.update(params)
    return store.read(q.text, q.bind(given)).records()


def milestones(store: Store) -> list[dict[str, Any]]:
    """Every milestone of the timeline: those loaded, else the shipped defaults (as the timeline report)."""
    from ..reports.timeline import default_milestones

    loaded = [r for r in _query(store, "report-milestones") if r["due"] is not None]
    if loaded:
        return loaded
    return [{"milestone_code": m.code, "title": m.title, "due": m.due} for m in default_milestones()]


def _leads(store: Store, rows: list[dict[str, Any]], as_at: dt.date, names: bool) -> dict[str, Lead]:
    """Each Place's lead from the place-leads report, with the endorsements (and, for a caller who
    may see them, the name and role title)."""
    from ..visualise.graph import people as read_people

    ids = sorted({r["lead_person_id"] for r in rows if r["lead_person_id"]})
    people = read_people(store, ids)
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _query(store, "visual-person-links", people=ids, as_at=as_at) if ids else []:
        if r["link"] == "endorsed_by":
            links[r["person_id"]].append({"organisation_code": r["code"], "organisation_name": r["name"],
                                          "date": r["date"]})
    since = {r["place_code"]: r.get("lead_from") for r in rows}
    out = {}
    for r in rows:
        pid = r["lead_person_id"]
        if not pid:
            continue
        who = people.get(pid, {})
        out[r["place_code"]] = Lead(
            person_id=pid,
            name=who.get("person_name") if names else None,
            role_title=who.get("role_title") if names else None,
            employer=who.get("organisation_code"),
            since=since.get(r["place_code"]),
            core_members=int(r["core_members"] or 0),
            endorsed_by=int(r["endorsed_by"] or 0),
            missing=list(r["missing_endorsements"] or []),
            on_forum=bool(r["on_collaborative_forum"]),
            endorsements=sorted(links.get(pid, []), key=lambda e: (e["organisation_name"] or "", e["organisation_code"])),
        )
    return out


def _lead_from(store: Store, settings: ReportSettings, cache: dict[tuple[Any, ...], Any], scope: dict[str, Any],
               as_at: dt.date) -> dict[str, dt.date | None]:
    """When each lead's role began: the place-leads report's own rows keep it beside its columns."""
    from ..reports.base import Context
    from ..reports.partnership import place_lead_rows

    ctx = Context(store, settings, scope.get("place"), as_at, {}, cache, scope.get("ics"))
    return {r["place_code"]: r["lead_from"] for r in place_lead_rows(ctx)}


def _agreements(store: Store, places: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each Place's agreements with the parties listed and how many have signed."""
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in _query(store, "visual-agreements", places=places):
        a = out[r["place_code"]].setdefault(r["agreement_code"], {
            "code": r["agreement_code"], "title": r["agreement_title"], "kind": r["agreement_kind"],
            "effective_from": r["effective_from"], "parties": 0, "signed": 0})
        if r["organisation_code"]:
            a["parties"] += 1
            a["signed"] += 1 if r["signed_on"] is not None else 0
    return {p: list(v.values()) for p, v in out.items()}


def gather(
    store: Store,
    *,
    place: str | None = None,
    ics: str | None = None,
    as_at: dt.date | None = None,
    names: bool = True,
    settings: ReportSettings | None = None,
    diagrams: bool = True,
    since: dt.date | None = None,
    on_graph: OnGraph | None = None,
) -> list[PlaceFacts]:
    """The facts of one Place (`place`) or of every Place of an ICS (`ics`), as at `as_at`: every
    read in one read transaction (one state of the store), reports and diagrams sharing one cache.
    With `since`, each Place's facts as at that date too (`before`) and the changes report from
    it to `as_at` (`changes`). `on_graph(code, name, as_at, graph, map)` is called with each Place's
    diagram graph and map as soon as they are read, before the reports (a painter draws them meanwhile)."""
    with store.reading() as view:
        return _gather_all(view, place, ics, as_at, names, settings, diagrams, since, on_graph)[0]


def _gather_all(view: Any, place: str | None, ics: str | None, as_at: dt.date | None, names: bool,
                settings: ReportSettings | None, diagrams: bool, since: dt.date | None,
                on_graph: OnGraph | None = None) -> tuple[list[PlaceFacts], list[dict[str, Any]] | None]:
    """`gather`'s work in a read transaction that is open; also the changes report's rows for the scope."""
    if (place is None) == (ics is None):
        raise UserError("Give a Place (--place CODE) or an ICS (--ics CODE).")
    as_at = as_at or dt.date.today()
    settings = settings or load_settings()
    if since is not None and since > as_at:
        raise UserError(f"--since ({since.isoformat()}) is after the as-at date ({as_at.isoformat()}).")
    out = _gather(view, place, ics, as_at, names, settings, diagrams, on_graph)
    if since is None:
        return out, None
    then = {p.code: p for p in _gather(view, place, ics, since, names, settings, diagrams=False)}
    scope = {"place": out[0].code} if place is not None else {"ics": ics}
    rows = run_report(view, "changes", settings=settings, from_date=since, to_date=as_at, **scope).records()
    by_place = _by_place(rows)
    for p in out:
        p.since, p.before, p.changes = since, then.get(p.code), by_place.get(p.code, [])
    return out, rows


def _gather(store: Any, place: str | None, ics: str | None, as_at: dt.date, names: bool, settings: ReportSettings,
            diagrams: bool, on_graph: OnGraph | None = None) -> list[PlaceFacts]:
    cache: dict[tuple[Any, ...], Any] = {}

    def report(name: str, **options: Any) -> Any:
        return run_report(store, name, settings=settings, cache=cache, as_at=as_at, **options)

    from ..visualise.mapdata import build_map

    scope = {"place": place} if place is not None else {"ics": ics}
    breadth = report("breadth", **scope)
    scope = {k: v for k, v in {"place": breadth.options.get("place"), "ics": breadth.options.get("ics")}.items() if v}
    breadth_rows = _rows(breadth)
    codes = [r["place_code"] for r in breadth_rows]
    if not codes:
        raise UserError(f"ICS {ics!r} has no Places in the store.")
    places = {r["place_code"]: r for r in _query(store, "visual-places", places=codes)}
    drawn: dict[str, tuple[Any, Any]] = {}  # each Place's diagram graph and map, read first
    if diagrams:
        from ..visualise.graph import build_graph

        for b in breadth_rows:
            code = b["place_code"]
            drawn[code] = (build_graph(store, place=code, as_at=as_at, people_names=names, cache=cache),
                           build_map(store, place=code, as_at=as_at))
            if on_graph is not None:
                on_graph(code, b["place_name"] or code, as_at, *drawn[code])
    unsigned = _by_place(_rows(report("unsigned", **scope)))
    missing = _by_place(_rows(report("missing-links", **scope)))
    assurance = _by_place(_rows(report("assurance", **scope)))
    timeline = _by_place(_rows(report("timeline", **scope)))
    lead_rows = _rows(report("place-leads", **scope))
    starts = _lead_from(store, settings, cache, scope, as_at)
    for r in lead_rows:
        r["lead_from"] = starts.get(r["place_code"])
    leads = _leads(store, lead_rows, as_at, names)
    agreements = _agreements(store, codes)
    members_q = cypher.get("place-members")
    out = []
    for b in breadth_rows:
        code = b["place_code"]
        cot = report("coterminosity", place=code)
        graph, place_map = drawn.get(code, (None, None))
        info = places.get(code, {})
        out.append(PlaceFacts(
            code=code,
            name=b["place_name"] or code,
            ics_code=info.get("ics_code"),
            ics_name=info.get("ics_name"),
            as_at=as_at,
            breadth=b,
            members=store.read(members_q.text, members_q.bind({"place": code, "as_at": as_at})).records(),
            agreements=agreements.get(code, []),
            unsigned=unsigned.get(code, []),
            missing_links=missing.get(code, []),
            lead=leads.get(code),
            assurance=sorted(assurance.get(code, []), key=lambda r: int(r["feature"])),
            timeline=timeline.get(code, []),
            coterminosity=_rows(cot),
            coterminosity_options=dict(cot.options),
            boards={n.code: n.label for n in graph.nodes.values() if n.kind == "Board"} if graph else {},
            graph=graph,
            map=place_map,
        ))
    return out


def gather_ics(store: Store, ics: str, *, as_at: dt.date | None = None, names: bool = True,
               settings: ReportSettings | None = None, since: dt.date | None = None,
               on_graph: OnGraph | None = None) -> IcsFacts:
    """An ICS pack's facts: every Place's (as `gather`), the ICS's map, and with `since` the
    changes report for the ICS; in one read transaction."""
    from ..visualise.mapdata import build_map

    with store.reading() as view:
        rows = _query(view, "visual-ics", ics=[ics]) or _query(view, "visual-ics", ics=[ics.upper()])
        if not rows:
            raise UserError(f"No ICS with code {ics!r} in the store (an ICB's ODS code, e.g. QYG).")
        code = rows[0]["ics_code"]
        places, changes = _gather_all(view, None, code, as_at, names, settings, True, since, on_graph)
        ics_map = build_map(view, ics=code, as_at=places[0].as_at)
        return IcsFacts(code, rows[0]["ics_name"] or code, places[0].as_at, places, milestones(view), ics_map,
                        since, changes)


# -- the data sources: the load audit ------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    file: str  # the file's name and its folder's (not the whole path: where someone keeps files)
    read_as: str
    extract: str | None
    rows: int | None
    loaded_at: str


def sources(audit_path: Path | None, limit: int = 400) -> tuple[list[Source], str | None]:
    """The files behind the store, from the load audit: each file's latest successful load,
    newest first; and when the latest load was. Files named alike in other folders stay apart."""
    from ..safety import audit

    if audit_path is None:
        return [], None
    entries = [e for e in audit.entries(audit_path, limit) if e.get("status") == "loaded"]
    seen: set[tuple[str, str]] = set()
    out: list[Source] = []
    for e in entries:
        files = (e.get("report") or {}).get("files") or []
        if not files:
            files = [{"path": f.get("name"), "format": "", "rows_read": f.get("rows")} for f in e.get("files") or []]
        for f in files:
            path = str(f.get("path") or "")
            key = (path, str(f.get("format") or ""))
            if key in seen:
                continue
            seen.add(key)
            out.append(Source(_file_name(path), str(f.get("format") or ""), f.get("extract"),
                              f.get("rows_read"), str(e.get("at") or "")))
    return out, (str(entries[0].get("at")) if entries else None)


def _file_name(path: str) -> str:
    """`/home/x/data/book.xlsx [sheet]` -> `data/book.xlsx [sheet]`: the file and its folder's name,
    enough to tell two `places.csv` apart, not where someone keeps their files."""
    head, sep, sheet = path.partition(" [")
    where = Path(head)
    name = f"{where.parent.name}/{where.name}" if where.parent.name else where.name
    return name + (sep + sheet if sep else "")


__all__ = ["FEATURES", "IcsFacts", "Lead", "PlaceFacts", "Source", "gather", "gather_ics", "milestones", "sources"]
