"""The diagram's graph: what a Place lead sees, read from the store for one scope.

`build_graph(store, place=...)` (or `board=`, `pcn=`, `ics=`) returns a `DiagramGraph`:
plain nodes and edges with their details, independent of how they are drawn. The
HTML page, the exports (GraphML, GEXF, JSON) and the API's network JSON all start
from it. Every read is a `cypher/visual/` query (portable across both engines) or a
report (see `derived`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import cypher
from ..errors import UserError
from ..graph import Store
from ..graph.store import Result
from ..reports.history import Span
from . import derived
from .style import kind_label, sector_label

SCOPES = ("place", "board", "pcn", "ics")


class UnknownScope(UserError):
    """The Place, board, PCN or ICS asked for is not in the store."""

ICP_BOARD_KINDS = ("place_partnership_board", "health_and_wellbeing_board")
MIN_PATIENT_SHARE_SHOWN = 0.05  # PCN scope: neighbourhoods holding at least this share of its patients


@dataclass
class Node:
    id: str
    kind: str  # a key of style.NODE_STYLES
    code: str
    label: str
    sector: str | None = None  # organisations only
    home: str | None = None  # the Place code it is drawn near (layout)
    weight: int = 0  # memberships (organisations) or members (boards): drives the size
    info: dict[str, Any] = field(default_factory=dict)  # details shown in the tooltip, plain text
    when: list[Span] | None = None  # the days it is drawn on (time slider); None: every day


@dataclass
class Edge:
    source: str
    target: str
    kind: str  # a key of style.EDGE_STYLES
    label: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    when: list[Span] | None = None  # the days it is drawn on (time slider); None: every day


@dataclass
class DiagramGraph:
    scope: str
    code: str
    title: str
    as_at: dt.date
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stops: list[dt.date] = field(default_factory=list)  # the time slider's dates (none: no slider)
    _edge_keys: dict[tuple[str, str, str], Edge] = field(default_factory=dict, repr=False)

    # -- building ---------------------------------------------------------------------

    def add_node(self, kind: str, code: str, label: str | None, **extra: Any) -> Node:
        node_id = f"{kind}:{code}"
        node = self.nodes.get(node_id)
        if node is None:
            node = Node(node_id, kind, code, label or code, **extra)
            self.nodes[node_id] = node
        else:
            for key, value in extra.items():
                if key == "info":
                    node.info.update({k: v for k, v in value.items() if k not in node.info})
                elif getattr(node, key) in (None, 0):
                    setattr(node, key, value)
        return node

    def add_edge(self, source: Node | str, target: Node | str, kind: str, label: str = "", **info: Any) -> Edge | None:
        s = source.id if isinstance(source, Node) else source
        t = target.id if isinstance(target, Node) else target
        key = (s, t, kind)
        if key in self._edge_keys or s not in self.nodes or t not in self.nodes:
            return None
        edge = Edge(s, t, kind, label, {k: v for k, v in info.items() if v not in (None, "")})
        self._edge_keys[key] = edge
        self.edges.append(edge)
        return edge

    def has_edge(self, source: str, target: str, kind: str) -> bool:
        return (source, target, kind) in self._edge_keys

    def edge(self, source: str, target: str, kind: str) -> Edge | None:
        return self._edge_keys.get((source, target, kind))

    # -- reading ----------------------------------------------------------------------

    def count(self, kind: str) -> int:
        return sum(1 for n in self.nodes.values() if n.kind == kind)

    def edge_count(self, kind: str) -> int:
        return sum(1 for e in self.edges if e.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready nodes and edges (the API's network JSON, the `json` export)."""
        return {
            "scope": self.scope,
            "code": self.code,
            "title": self.title,
            "as_at": self.as_at.isoformat(),
            "nodes": [
                {"id": n.id, "kind": n.kind, "code": n.code, "label": n.label, "sector": n.sector,
                 "weight": n.weight, "info": _plain(n.info)}
                for n in self.nodes.values()
            ],
            "edges": [
                {"source": e.source, "target": e.target, "kind": e.kind, "label": e.label, "info": _plain(e.info)}
                for e in self.edges
            ],
        }

    def to_networkx(self) -> Any:
        """A networkx MultiDiGraph with flat, typed attributes (for GraphML/GEXF writers)."""
        import networkx as nx

        g = nx.MultiDiGraph(name=self.title, scope=self.scope, code=self.code, as_at=self.as_at.isoformat())
        for n in self.nodes.values():
            attrs = {"kind": n.kind, "code": n.code, "label": n.label, "sector": n.sector or "", "weight": n.weight}
            attrs.update({k: _flat(v) for k, v in n.info.items() if k not in attrs})
            g.add_node(n.id, **attrs)
        for e in self.edges:
            attrs = {"kind": e.kind, "label": e.label}
            attrs.update({k: _flat(v) for k, v in e.info.items() if k not in attrs})
            g.add_edge(e.source, e.target, key=e.kind, **attrs)
        return g


def _plain(info: dict[str, Any]) -> dict[str, Any]:
    return {k: _flat(v) for k, v in info.items()}


def _flat(value: Any) -> Any:
    """A value GraphML/GEXF/JSON can hold: str, int, float, bool."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return ";".join(sorted(str(v) for v in value))
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# ---------------------------------------------------------------------------------------


def read_query(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a `cypher/visual/` query; list parameters not given are empty lists."""
    q = cypher.get(name)
    given = {p.name: [] for p in q.params if p.type == "list"}
    given.update(params)
    return store.read(q.text, q.bind(given)).records()


_read = read_query


def people(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The people named, by id: `person_id`, `person_name`, `role_title` and `organisation_code` (their
    employer; the smallest code when several, blank when none), from `visual-people`'s rows."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    found: dict[str, dict[str, Any]] = {}
    employers: dict[str, list[str]] = defaultdict(list)
    for r in read_query(store, "visual-people", people=ids):
        if r["organisation_code"]:
            employers[r["person_id"]].append(r["organisation_code"])
        else:
            found[r["person_id"]] = r
    return {pid: {**r, "organisation_code": min(employers[pid], default=None)} for pid, r in sorted(found.items())}


def build_graph(
    store: Store,
    *,
    place: str | None = None,
    board: str | None = None,
    pcn: str | None = None,
    ics: str | None = None,
    as_at: dt.date | None = None,
    practices: bool | None = None,
    people_names: bool = True,
    cache: dict[tuple[Any, ...], Any] | None = None,
    history: bool = False,
) -> DiagramGraph:
    """The diagram graph of one Place, board, PCN or ICS (exactly one of them).

    `practices` adds each PCN's current practices (default: only in a PCN diagram).
    `people_names=False` labels people by role and id (for viewers without the right).
    `cache`: the report runner's query cache, to share with reports already run on this
    unchanged store (a board paper runs them too).
    `history=True` adds what the scope had on other days, each node and link with the days
    it is drawn on (`Node.when`, `Edge.when`), and the dates of the page's time slider (`stops`).
    """
    given = {k: v for k, v in {"place": place, "board": board, "pcn": pcn, "ics": ics}.items() if v}
    if len(given) != 1:
        raise UserError("Give exactly one of --place, --board, --pcn or --ics.")
    (scope, code), = given.items()
    code = str(code).strip()
    as_at = as_at or dt.date.today()
    with store.reading() as view:  # every read of one diagram in one read transaction
        builder = _Builder(view, as_at, people_names, cache)  # type: ignore[arg-type]
        if scope == "pcn":
            g = builder.pcn(code, True if practices is None else practices)
        elif scope == "board":
            g = builder.board(code)
        else:
            g = builder.places(scope, code, bool(practices))
        if history:  # in the same read transaction: the other days of the same state of the store
            from .timeline import add_history

            add_history(builder, practices=bool(practices) if scope != "pcn" else practices is not False)
    g.notes.append("Signatures, missing links, place leads and coterminosity as the reports define them "
                   "(unsigned, missing-links, place-leads, coterminosity by patients at neighbourhood level).")
    if history:
        g.notes.append(f"The time slider draws the partnership as it was on each date where something changed. "
                       f"Shares and colours of PCN links are as at {as_at.isoformat()}.")
    return g


class _Builder:
    def __init__(self, store: Store, as_at: dt.date, people_names: bool,
                 cache: dict[tuple[Any, ...], Any] | None = None) -> None:
        self.store = store
        self.as_at = as_at
        self.people_names = people_names
        self.cache: dict[tuple[Any, ...], Any] = {} if cache is None else cache  # shared by the report runs
        self.g: DiagramGraph

    # -- scopes -------------------------------------------------------------------------

    def places(self, scope: str, code: str, practices: bool) -> DiagramGraph:
        if scope == "ics":
            ics_rows = _read(self.store, "visual-ics", ics=[code])
            if not ics_rows:
                raise UnknownScope(f"No ICS with code {code!r} in the store.")
            rows = _read(self.store, "visual-places", ics=[code])
            title = f"{ics_rows[0]['ics_name'] or code} — integrated care system"
        else:
            rows = _read(self.store, "visual-places", places=[code])
            if not rows:
                raise UnknownScope(f"No Place with code {code!r} in the store.")
            title = f"{rows[0]['place_name'] or code} — place partnership"
            # the reports run below check their --place: it is there, as this read has just shown
            self.cache[("report-place", code)] = Result(["place_code", "place_name"], [[code, rows[0]["place_name"]]])
        g = self.g = DiagramGraph(scope, code, title, self.as_at)
        if scope == "ics":
            g.add_node("ICS", code, ics_rows[0]["ics_name"], info={"type": "ICS", "code": code})
        place_codes = []
        for r in rows:
            p = self._place(r["place_code"], r["place_name"])
            place_codes.append(r["place_code"])
            if r["ics_code"]:
                i = g.add_node("ICS", r["ics_code"], r["ics_name"], info={"type": "ICS", "code": r["ics_code"]})
                g.add_edge(p, i, "part_of")
        board_rows = _read(self.store, "visual-scope-boards", places=place_codes, ics=[code] if scope == "ics" else [])
        scope_boards = self._boards(board_rows)
        self._board_links(scope_boards)
        self._memberships(scope_boards)
        self._agreements(place_codes)
        self._place_leads(place_codes)
        pcns = self._neighbourhoods(place_codes)
        pcns += self._located_pcns(scope, code, place_codes, pcns)
        if practices:
            self._practices(pcns)
        self._missing_links(place_codes)
        return g

    def board(self, code: str) -> DiagramGraph:
        rows = _read(self.store, "visual-boards", boards=[code])
        if not rows:
            raise UnknownScope(f"No board with code {code!r} in the store.")
        g = self.g = DiagramGraph("board", code, f"{rows[0]['board_name'] or code} — board", self.as_at)
        self._boards(rows)
        self._board_links([code])
        self._memberships([code])
        places = sorted({r["serves_code"] for r in rows if r["serves_label"] == "Place"})
        self._missing_links(places, only_board=code)
        return g

    def pcn(self, code: str, practices: bool) -> DiagramGraph:
        rows = _read(self.store, "visual-pcns", pcns=[code], as_at=self.as_at)
        if not rows:
            raise UnknownScope(f"No PCN with code {code!r} in the store.")
        g = self.g = DiagramGraph("pcn", code, f"{rows[0]['pcn_name'] or code} — primary care network", self.as_at)
        c = g.add_node("PCN", code, rows[0]["pcn_name"], info={"type": "PCN", "code": code})
        for r in rows:
            if r["neighbourhood_code"]:
                n = self._neighbourhood(r["neighbourhood_code"], r["neighbourhood_name"], r["place_code"], r["place_name"])
                g.add_edge(c, n, "leads")
        if practices:
            self._practices([code])
        places = sorted({r["place_code"] for r in rows if r["place_code"]})
        self._shares([code], places[:1], show_unled=True)
        c.home = next((n.home for n in g.nodes.values() if n.kind == "Neighbourhood" and n.home), None)
        return g

    # -- parts ----------------------------------------------------------------------------

    def _place(self, code: str, name: str | None) -> Any:
        return self.g.add_node("Place", code, name, home=code, info={"type": "Place", "code": code})

    def _board(self, code: str, name: str | None, kind: str | None, home: str | None = None) -> Any:
        return self.g.add_node(
            "Board", code, name, home=home, info={"type": "Board", "code": code, "kind": kind_label(kind)}
        )

    def _boards(self, rows: list[dict[str, Any]]) -> list[str]:
        """Board nodes and what they serve; returns the board codes in scope."""
        g, codes = self.g, []
        for r in rows:
            home = r["serves_code"] if r["serves_label"] == "Place" else None
            b = self._board(r["board_code"], r["board_name"], r["kind"], home)
            if r["board_code"] not in codes:
                codes.append(r["board_code"])
            if r["serves_label"] == "Place":
                target = self._place(r["serves_code"], r["serves_name"])
            elif r["serves_label"] == "ICS":
                target = g.add_node("ICS", r["serves_code"], r["serves_name"], info={"type": "ICS", "code": r["serves_code"]})
            else:
                continue
            g.add_edge(b, target, "serves")
            b.info.setdefault("serves", target.label)
        return codes

    def _board_links(self, boards: list[str]) -> None:
        if not boards:
            return
        g = self.g
        for r in _read(self.store, "visual-board-links", boards=boards, as_at=self.as_at):
            a = self._board(r["from_code"], r["from_name"], r["from_kind"])
            b = self._board(r["to_code"], r["to_name"], r["to_kind"])
            if r["rel"] == "SUBGROUP_OF":
                g.add_edge(a, b, "subgroup_of", **{"relationship": "sub-group of"})
            else:
                g.add_edge(a, b, "works_with", **{"relationship": "works with", "how": r["how"]})
            # an outside board sits near the board it is linked to
            a.home = a.home or b.home
            b.home = b.home or a.home

    def _organisation(self, code: str, name: str | None, sector: str | None, statutory: Any, home: str | None) -> Any:
        return self.g.add_node(
            "Organisation", code, name, sector=sector, home=home,
            info={"type": "Organisation", "code": code, "sector": sector_label(sector),
                  "statutory": "yes" if statutory else "no" if statutory is False else "not recorded"},
        )

    def _memberships(self, boards: list[str]) -> None:
        if not boards:
            return
        g = self.g
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for r in _read(self.store, "visual-memberships", boards=boards, as_at=self.as_at):
            key = (r["organisation_code"], r["board_code"])
            if key not in best or (r["role"] == "core" and best[key]["role"] != "core"):
                best[key] = r
        homes: dict[str, Counter[str]] = defaultdict(Counter)
        for org, board in best:
            home = g.nodes[f"Board:{board}"].home
            if home:
                homes[org][home] += 1
        for (org, board), r in sorted(best.items()):
            home = homes[org].most_common(1)[0][0] if homes[org] else None
            o = self._organisation(org, r["organisation_name"], r["sector"], r["statutory"], home)
            b = g.nodes[f"Board:{board}"]
            role = "core" if r["role"] == "core" else "wider"
            if g.add_edge(o, b, f"member_{role}", **{"role": role, "from": r["from"], "to": r["to"]}):
                o.weight += 1
                b.weight += 1
        for node in g.nodes.values():
            if node.kind == "Organisation":
                node.info["memberships"] = node.weight
            elif node.kind == "Board" and node.code in boards:
                node.info["members"] = node.weight

    def _agreements(self, places: list[str]) -> None:
        if not places:
            return
        g = self.g
        listed: set[tuple[str, str]] = set()
        for r in derived.agreements(self.store, places, self.as_at, self.cache):
            a = g.add_node(
                "Agreement", r["agreement_code"], r["agreement_title"], home=r["place_code"],
                info={"type": "Agreement", "code": r["agreement_code"], "kind": kind_label(r["agreement_kind"]),
                      "effective from": r["effective_from"]},
            )
            g.add_edge(a, f"Place:{r['place_code']}", "agreement_for")
            if r["organisation_code"] and r["signed_on"] is not None:
                o = self._organisation(r["organisation_code"], r["organisation_name"], r["sector"], r["statutory"],
                                       r["place_code"])
                g.add_edge(o, a, "signed", **{"signature": "signed", "signed on": r["signed_on"]})
                listed.add((r["organisation_code"], r["agreement_code"]))
        for r in derived.unsigned(self.store, places, self.as_at, self.cache):
            key = f"Organisation:{r['organisation_code']}"
            if key not in g.nodes:
                o = self._organisation(r["organisation_code"], r["organisation_name"], None, None, r["place_code"])
            agreement = f"Agreement:{r['agreement_code']}"
            if r["reason"] == "not_signed":
                g.add_edge(key, agreement, "not_signed", **{"signature": "listed as a party, not signed"})
            else:
                g.add_edge(key, agreement, "not_listed",
                           **{"signature": "core member, not listed as a party (no signature row)"})
        for node in g.nodes.values():
            if node.kind == "Agreement":
                statuses = Counter(e.kind for e in g.edges if e.target == node.id and e.kind in
                                   ("signed", "not_signed", "not_listed"))
                node.info["signed"] = statuses["signed"]
                node.info["not signed"] = statuses["not_signed"] + statuses["not_listed"]

    def _place_leads(self, places: list[str]) -> None:
        """Each Place's lead (the place-leads report), who endorsed them, and their board roles."""
        if not places:
            return
        g = self.g
        leads = {p: r for p, r in derived.place_leads(self.store, places, self.as_at, self.cache).items() if r["lead_person_id"]}
        if not leads:
            return
        who = people(self.store, {r["lead_person_id"] for r in leads.values()})
        for place, r in sorted(leads.items()):
            pid = r["lead_person_id"]
            person = self._person(pid, place, who.get(pid, {}), {
                "core members": r["core_members"],
                "endorsed by": r["endorsed_by"],
                "not yet endorsed by": r["missing_endorsements"] or "",
                "on the place collaborative forum": "yes" if r["on_collaborative_forum"] else "no",
            })
            g.add_edge(person, f"Place:{place}", "place_lead")
        for r in _read(self.store, "visual-person-links", people=sorted({r["lead_person_id"] for r in leads.values()}),
                       as_at=self.as_at):
            person = g.nodes[f"Person:{r['person_id']}"]
            if r["link"] == "endorsed_by":
                o = self._organisation(r["code"], r["name"], r["sector"], r["statutory"], person.home)
                g.add_edge(o, person, "endorsed", **{"endorsed on": r["date"]})
            else:
                b = self._board(r["code"], r["name"], r["kind"], None)
                g.add_edge(person, b, "holds", **{"role": kind_label(r["role"]), "since": r["date"]})

    def _person(self, pid: str, place: str, who: dict[str, Any], details: dict[str, Any]) -> Any:
        """A place lead's node: named only for callers allowed to see people's names."""
        name = who.get("person_name")
        label = f"{name} (place lead)" if self.people_names and name else f"Place lead {pid}"
        info: dict[str, Any] = {"type": "Place lead", "id": pid}
        if self.people_names:
            info.update({"name": name, "role title": who.get("role_title"), "employer": who.get("organisation_code")})
        info.update(details)
        return self.g.add_node("Person", pid, label, home=place, info=info)

    def _neighbourhood(self, code: str, name: str | None, place: str | None, place_name: str | None) -> Any:
        n = self.g.add_node("Neighbourhood", code, name, home=place,
                            info={"type": "Neighbourhood", "code": code})
        if place:
            p = self._place(place, place_name)
            self.g.add_edge(n, p, "part_of")
        return n

    def _neighbourhoods(self, places: list[str]) -> list[str]:
        if not places:
            return []
        g = self.g
        pcns: list[str] = []
        for r in _read(self.store, "visual-neighbourhoods", places=places, as_at=self.as_at):
            n = self._neighbourhood(r["neighbourhood_code"], r["neighbourhood_name"], r["place_code"], r["place_name"])
            if r["pcn_code"]:
                c = g.add_node("PCN", r["pcn_code"], r["pcn_name"], home=r["place_code"],
                               info={"type": "PCN", "code": r["pcn_code"]})
                g.add_edge(c, n, "leads")
                if r["pcn_code"] not in pcns:
                    pcns.append(r["pcn_code"])
        self._shares(pcns, places)
        return pcns

    def _located_pcns(self, scope: str, code: str, places: list[str], drawn: list[str]) -> list[str]:
        """The PCNs the coterminosity report covers here (a current practice located in these
        Places) that lead none of their neighbourhoods: each linked to its main Place, coloured by
        the report's verdict at place level. Published files give no neighbourhoods, so these are
        the PCNs a diagram of published data shows."""
        g = self.g
        resolved, records = derived.pcn_places(self.store, self.as_at, self.cache, **{scope: code})
        by = resolved.get("by", "")
        added: list[str] = []
        elsewhere = 0
        for r in records:
            if r["pcn_code"] in drawn:
                continue
            main = r["main_footprint"]
            if main not in places:
                elsewhere += 1
                continue
            c = g.add_node("PCN", r["pcn_code"], r["pcn_name"], home=main, info={"type": "PCN", "code": r["pcn_code"]})
            c.info.update({f"share of {by} in main Place": f"{r['share']:.1%}", "main Place": main,
                           f"{by} in unknown footprints": r["unknown"],
                           "coterminous (place level)": "yes" if r["coterminous"] else "no"})
            kind = "main_place_coterminous" if r["coterminous"] else "main_place_not_coterminous"
            g.add_edge(c, f"Place:{main}", kind, f"{r['share']:.0%}", **{f"share of the PCN's {by}": f"{r['share']:.1%}"})
            added.append(r["pcn_code"])
        if elsewhere:
            g.notes.append(f"{elsewhere} PCN(s) with a practice here whose main footprint is another Place or unknown "
                           "are in the coterminosity report, not drawn.")
        return added

    def _shares(self, pcns: list[str], places: list[str], show_unled: bool = False) -> None:
        """Label each PCN -> neighbourhood edge with the share of the PCN's patients living there
        (the coterminosity report at neighbourhood level, by patients)."""
        g = self.g
        footprints = derived.pcn_footprints(self.store, pcns, self.as_at, places, self.cache)
        unled: list[tuple[Node, str, int, float]] = []
        for code, fp in footprints.items():
            c = g.nodes.get(f"PCN:{code}")
            if c is None:
                continue
            c.info.update({
                "registered patients": fp.total,
                "main footprint": fp.main_footprint or "",
                "share in main footprint": "" if fp.share is None else f"{fp.share:.1%}",
                "coterminous": "" if fp.coterminous is None else ("yes" if fp.coterminous else "no"),
            })
            if show_unled and fp.total:
                for nb, patients in sorted(fp.patients.items()):
                    share = patients / fp.total
                    if (nb != derived.UNKNOWN and share >= MIN_PATIENT_SHARE_SHOWN
                            and not g.has_edge(c.id, f"Neighbourhood:{nb}", "leads")):
                        unled.append((c, nb, patients, share))
        if unled:
            wanted = sorted({u[1] for u in unled})
            for r in _read(self.store, "visual-neighbourhoods", neighbourhoods=wanted, as_at=self.as_at):
                self._neighbourhood(r["neighbourhood_code"], r["neighbourhood_name"], r["place_code"], r["place_name"])
            for c, nb, patients, share in unled:
                g.add_edge(c, f"Neighbourhood:{nb}", "patients_in", f"{share:.0%}",
                           **{"share of the PCN's patients": f"{share:.1%}", "patients": patients})
        for e in g.edges:
            if e.kind != "leads":
                continue
            fp = footprints.get(g.nodes[e.source].code)
            if fp is None or not fp.total:
                continue
            nb = g.nodes[e.target].code
            share = fp.share_in(nb) or 0.0
            is_main = fp.main_footprint == nb
            coterminous = bool(fp.coterminous) and is_main
            e.kind = "leads_coterminous" if coterminous else "leads_not_coterminous"
            e.label = f"{share:.0%}"
            e.info.update({
                "share of the PCN's patients": f"{share:.1%}",
                "patients": fp.patients.get(nb, 0),
                "main footprint of the PCN": "yes" if is_main else "no",
                "coterminous": "yes" if coterminous else "no",
            })

    def _practices(self, pcns: Iterable[str]) -> None:
        pcns = sorted(set(pcns))
        if not pcns:
            return
        g = self.g
        for r in _read(self.store, "visual-practices", pcns=pcns, as_at=self.as_at):
            c = g.nodes.get(f"PCN:{r['pcn_code']}")
            x = g.add_node("Practice", r["practice_code"], r["practice_name"],
                           home=r["place_code"] or (c.home if c else None),
                           info={"type": "GP practice", "code": r["practice_code"], "postcode": r["postcode"],
                                 "place": r["place_code"]})
            g.add_edge(x, f"PCN:{r['pcn_code']}", "practice_member", **{"from": r["from"], "to": r["to"]})

    def _missing_links(self, places: list[str], only_board: str | None = None) -> None:
        g = self.g
        for r in derived.missing_links(self.store, places, self.as_at, self.cache):
            if only_board and r["board_code"] != only_board:
                continue
            board_id = f"Board:{r['board_code']}"
            if board_id not in g.nodes:
                continue
            kind = r["missing_kind"]
            m = g.add_node(
                "MissingLink", f"{r['board_code']}:{kind}", f"No link: {kind_label(kind)}",
                home=g.nodes[board_id].home or r["place_code"],
                info={"type": "Missing expected link", "board": g.nodes[board_id].label,
                      "expected kind": kind_label(kind), "place": r["place_code"]},
            )
            g.add_edge(board_id, m, "missing_link", **{"missing": f"no link to any {kind_label(kind).lower()}"})


__all__ = ["SCOPES", "DiagramGraph", "Edge", "Node", "UnknownScope", "build_graph"]
