"""Time in the diagram: every node and link the scope ever had, each with the days it is drawn on.

`add_history(builder)` takes a diagram built for one as-at date and adds what was (or will
be) there on other days: memberships that ended or start later, signatures before they were
given, earlier and later place leads, endorsements, board roles, board links, missing
links, neighbourhoods and practices. Each node and link gets `when`, the spans of days on
which the diagram for that day would draw it, by the reports' rules (`reports/history.py`):
core wins over wider; the lead is the current role with the latest `from`; a listed party
is unsigned until its `signed_on`, a core member not listed is expected; a missing link is
one no current link closes. The page's slider then shows any day without reloading, and a
test checks that the slider's picture on every stop is the diagram `build_graph` draws for
that day.

Things drawn from undated facts are there on every day. The shares and colours on PCN ->
neighbourhood links (coterminosity) are those of the page's own as-at date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..reports import history as h
from ..reports.history import ALWAYS, ONE_DAY, Span
from . import derived
from .graph import ICP_BOARD_KINDS, DiagramGraph, read_query
from .graph import people as read_people
from .style import kind_label

if TYPE_CHECKING:
    from .graph import _Builder

MAX = dt.date.max


def _merge(*groups: Iterable[Span]) -> list[Span]:
    return h.merge(s for g in groups for s in g)


def _always(spans: list[Span]) -> bool:
    return spans == ALWAYS


class _History:
    def __init__(self, builder: _Builder, practices: bool) -> None:
        self.b = builder
        self.g: DiagramGraph = builder.g
        self.store = builder.store
        self.practices = practices
        self.node_own: dict[str, list[Span]] = {}
        self.edge_own: dict[tuple[str, str, str], list[Span]] = {}

    # -- helpers -------------------------------------------------------------------------------------

    def edge(self, source: str, target: str, kind: str, spans: list[Span], **info: Any) -> None:
        """Record the spans of a link, adding the link if the as-at diagram does not have it."""
        if not spans:
            return
        key = (source, target, kind)
        existing = self.g.edge(*key)
        if existing is None:
            self.g.add_edge(source, target, kind, **info)
        else:
            existing.info.update({k: v for k, v in info.items() if k not in existing.info and v not in (None, "")})
        if self.g.edge(*key) is not None:
            self.edge_own[key] = _merge(self.edge_own.get(key, []), spans)

    def own(self, node_id: str, spans: list[Span]) -> None:
        self.node_own[node_id] = _merge(self.node_own.get(node_id, []), spans)

    # -- the scopes ----------------------------------------------------------------------------------

    def run(self) -> None:
        g = self.g
        for node in g.nodes.values():
            if node.kind in ("Place", "ICS", "Agreement"):
                self.own(node.id, ALWAYS)
        if g.scope == "pcn":
            self.own(f"PCN:{g.code}", ALWAYS)
            self.pcn_neighbourhoods(g.code)
            if self.practices:
                self.practice_members([g.code])
            self.finish()
            return
        if g.scope == "board":
            rows = read_query(self.store, "visual-boards", boards=[g.code])
            boards = [g.code]
            places = sorted({r["serves_code"] for r in rows if r["serves_label"] == "Place"})
        else:
            places = sorted(n.code for n in g.nodes.values() if n.kind == "Place" and self._in_scope(n.code))
            rows = read_query(self.store, "visual-boards", places=places, ics=[g.code] if g.scope == "ics" else [])
            boards = sorted({r["board_code"] for r in rows})
        for code in boards:
            self.own(f"Board:{code}", ALWAYS)
        self.board_kinds = {r["board_code"]: r["kind"] for r in rows}
        members = read_query(self.store, "visual-history-memberships", boards=boards)
        self.memberships(members)
        self.board_links(boards)
        icp = self.icp_boards(rows, places)
        if g.scope == "board":
            icp = {p: [b for b in bs if b == g.code] for p, bs in icp.items()}
        else:
            self.agreements(places, members)
            self.leads(places)
            pcns = self.neighbourhoods(places)
            pcns += self.located_pcns(places, [p for p in pcns])
            if self.practices:
                self.practice_members(pcns)
        self.missing_links(icp)
        self.finish()

    def _in_scope(self, place: str) -> bool:
        g = self.g
        return (g.scope == "place" and place == g.code) or g.scope == "ics"

    # -- memberships, agreements, leads ---------------------------------------------------------------

    def memberships(self, rows: list[dict[str, Any]]) -> None:
        for (org, board), group in _group(rows, "organisation_code", "board_code").items():
            steps = h.steps(group, h.board_role)
            first = group[0]
            for role in ("core", "wider"):
                spans = h.spans(steps, lambda v, role=role: v == role)
                if spans and f"Organisation:{org}" not in self.g.nodes:
                    self.b._organisation(org, first["organisation_name"], first["sector"], first["statutory"],
                                         self.g.nodes[f"Board:{board}"].home)
                self.edge(f"Organisation:{org}", f"Board:{board}", f"member_{role}", spans, role=role)

    def agreements(self, places: list[str], members: list[dict[str, Any]]) -> None:
        parties = read_query(self.store, "visual-history-agreements", places=places)
        core: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)  # (place, org) -> its core rows
        for r in members:
            if r["board_kind"] in ICP_BOARD_KINDS and r["place_code"] and r["role"] == "core":
                core[(r["place_code"], r["organisation_code"])].append(r)
        listed: dict[tuple[str, str], list[Span]] = {}
        agreements: dict[str, set[str]] = defaultdict(set)
        for r in read_query(self.store, "visual-agreements", places=places, as_at=MAX):
            agreements[r["place_code"]].add(r["agreement_code"])
        for r in parties:
            org, agreement = f"Organisation:{r['organisation_code']}", f"Agreement:{r['agreement_code']}"
            added, signed = r["added_on"], r["signed_on"]
            listed[(r["agreement_code"], r["organisation_code"])] = [(added, None)]
            if org not in self.g.nodes:
                self.b._organisation(r["organisation_code"], r["organisation_name"], r["sector"], r["statutory"],
                                     r["place_code"])
            if signed is not None:
                self.edge(org, agreement, "signed", [(max(signed, added or signed), None)],
                          **{"signature": "signed", "signed on": signed})
            unsigned_until = None if signed is None else signed - ONE_DAY
            if signed is None or added is None or added <= unsigned_until:  # type: ignore[operator]
                self.edge(org, agreement, "not_signed", [(added, unsigned_until)],
                          **{"signature": "listed as a party, not signed"})
        for (place, org_code), rows in core.items():
            is_core = h.spans(h.steps(rows, lambda current: bool(current)))
            for agreement_code in sorted(agreements.get(place, ())):
                not_listed = _minus(is_core, listed.get((agreement_code, org_code), []))
                if not not_listed:
                    continue
                org = f"Organisation:{org_code}"
                if org not in self.g.nodes:
                    first = rows[0]
                    self.b._organisation(org_code, first["organisation_name"], None, None, place)
                self.edge(org, f"Agreement:{agreement_code}", "not_listed", not_listed,
                          **{"signature": "core member, not listed as a party (no signature row)"})

    def leads(self, places: list[str]) -> None:
        roles = read_query(self.store, "visual-history-leads", places=places)
        by_person: dict[str, list[Span]] = defaultdict(list)
        lead_spans: dict[tuple[str, str], list[Span]] = {}
        for (place,), group in _group(roles, "place_code").items():
            steps = h.steps(group, h.place_lead)
            for pid in {r["person_id"] for r in group}:
                spans = h.spans(steps, lambda v, pid=pid: v == pid)
                if spans:
                    lead_spans[(place, pid)] = spans
                    by_person[pid] += spans
        if not lead_spans:
            return
        people = read_people(self.store, by_person)
        for (place, pid), spans in sorted(lead_spans.items()):
            node = f"Person:{pid}"
            if node not in self.g.nodes:
                self.b._person(pid, place, people.get(pid, {}), {"place lead": _describe(spans)})
            self.own(node, spans)
            self.edge(node, f"Place:{place}", "place_lead", spans)
        for r in read_query(self.store, "visual-history-person-links", people=sorted(by_person)):
            node = f"Person:{r['person_id']}"
            person = self.g.nodes[node]
            if r["link"] == "endorsed_by":
                spans = h.intersect([(r["from"], None)], by_person[r["person_id"]])
                if spans and f"Organisation:{r['code']}" not in self.g.nodes:
                    self.b._organisation(r["code"], r["name"], r["sector"], r["statutory"], person.home)
                self.edge(f"Organisation:{r['code']}", node, "endorsed", spans, **{"endorsed on": r["from"]})
            else:
                spans = h.intersect(h.row_spans([r]), by_person[r["person_id"]])
                if spans and f"Board:{r['code']}" not in self.g.nodes:
                    self.b._board(r["code"], r["name"], r["kind"], None)
                self.edge(node, f"Board:{r['code']}", "holds", spans,
                          **{"role": kind_label(r["role"]), "since": r["from"]})

    # -- boards: links and missing links ------------------------------------------------------------------

    def board_links(self, boards: list[str]) -> None:
        for r in read_query(self.store, "visual-history-board-links", boards=boards):
            spans = h.row_spans([r])
            for end in ("from", "to"):
                code = r[f"{end}_code"]
                if spans and f"Board:{code}" not in self.g.nodes:
                    self.b._board(code, r[f"{end}_name"], r[f"{end}_kind"])
            self.edge(f"Board:{r['from_code']}", f"Board:{r['to_code']}", "works_with", spans,
                      **{"relationship": "works with", "how": r["how"]})
        self.links = read_query(self.store, "visual-history-board-links", boards=boards)
        self.subgroups = [r for r in read_query(self.store, "visual-board-links", boards=boards, as_at=MAX)
                          if r["rel"] == "SUBGROUP_OF"]

    def icp_boards(self, rows: list[dict[str, Any]], places: list[str]) -> dict[str, list[str]]:
        """Each Place's ICP boards: its place partnership boards, else its health and wellbeing boards."""
        out = {}
        for place in places:
            serving = [(r["board_code"], r["kind"]) for r in rows if r["serves_label"] == "Place" and r["serves_code"] == place]
            ppbs = sorted({b for b, k in serving if k == "place_partnership_board"})
            out[place] = ppbs or sorted({b for b, k in serving if k == "health_and_wellbeing_board"})
        return out

    def missing_links(self, icp: dict[str, list[str]]) -> None:
        from ..reports import load_settings

        kinds = load_settings().expected_link_kinds
        for place, boards in icp.items():
            for board in boards:
                node = self.g.nodes.get(f"Board:{board}")
                if node is None:
                    continue
                board_kind = self.board_kinds.get(board)
                sub = {r["to_kind"] if r["from_code"] == board else r["from_kind"]
                       for r in self.subgroups if board in (r["from_code"], r["to_code"])}
                for kind in kinds:
                    if kind == board_kind or kind in sub:
                        continue
                    links = [{"from": r["from"], "to": r["to"],
                              "other_code": r["to_code"] if r["from_code"] == board else r["from_code"]}
                             for r in self.links if board in (r["from_code"], r["to_code"])
                             and (r["to_kind"] if r["from_code"] == board else r["from_kind"]) == kind]
                    spans = h.spans(h.steps(links, h.linked_boards), lambda v: not v)
                    if not spans:
                        continue
                    m = self.g.add_node(
                        "MissingLink", f"{board}:{kind}", f"No link: {kind_label(kind)}", home=node.home or place,
                        info={"type": "Missing expected link", "board": node.label, "expected kind": kind_label(kind),
                              "place": place},
                    )
                    self.own(m.id, spans)
                    self.edge(node.id, m.id, "missing_link", spans,
                              **{"missing": f"no link to any {kind_label(kind).lower()}"})

    # -- neighbourhoods and practices ------------------------------------------------------------------

    def neighbourhoods(self, places: list[str]) -> list[str]:
        """Neighbourhoods from the day they were set up; a PCN is drawn while it leads one of them."""
        pcns: list[str] = []
        for r in read_query(self.store, "visual-neighbourhoods", places=places, as_at=MAX):
            n = self.b._neighbourhood(r["neighbourhood_code"], r["neighbourhood_name"], r["place_code"],
                                      r["place_name"])
            self.own(n.id, [(r["neighbourhood_from"], None)])
            if r["pcn_code"]:
                self.own(f"PCN:{r['pcn_code']}", [(r["neighbourhood_from"], None)])
                c = self.g.add_node("PCN", r["pcn_code"], r["pcn_name"], home=r["place_code"],
                                    info={"type": "PCN", "code": r["pcn_code"]})
                if self.g.edge(c.id, n.id, "leads") is None:
                    self.g.add_edge(c, n, "leads")
                if r["pcn_code"] not in pcns:
                    pcns.append(r["pcn_code"])
        return pcns

    def located_pcns(self, places: list[str], led: list[str]) -> list[str]:
        """The PCNs the coterminosity report covers in these Places that lead none of their (current)
        neighbourhoods, each linked to its main Place (`_Builder._located_pcns`), on every day: the
        report is asked again on each day its answer can change (a practice joining or leaving, a
        practice or PCN opening or closing, a neighbourhood set up), which are few."""
        g = self.g
        scope = {g.scope: g.code}
        rows = read_query(self.store, "visual-history-located", places=places)
        days: set[dt.date] = set()
        for r in rows:
            for start in ("from", "practice_open", "pcn_open"):
                if r[start] is not None:
                    days.add(r[start])
            if r["to"] is not None and r["to"] < MAX:
                days.add(r["to"] + ONE_DAY)
            for close in ("practice_close", "pcn_close"):  # closed from its close date
                if r[close] is not None:
                    days.add(r[close])
        nb_from = {n.code: self.node_own.get(n.id, ALWAYS) for n in g.nodes.values() if n.kind == "Neighbourhood"}
        days |= {span[0][0] for span in nb_from.values() if span and span[0][0] is not None}
        if not days:
            return []  # the as-at answer holds on every day
        ordered = sorted(days)
        checks: list[dt.date | None] = [ordered[0] - ONE_DAY, *ordered]
        leading: dict[str, set[str]] = defaultdict(set)  # PCN -> the neighbourhoods here it leads
        for e in g.edges:
            if e.kind.startswith("leads") and e.target.split(":", 1)[1] in nb_from:
                leading[e.source.split(":", 1)[1]].add(e.target.split(":", 1)[1])
        found: dict[tuple[str, str, str], list[Span]] = defaultdict(list)
        labels: dict[tuple[str, str, str], tuple[str, dict[str, Any]]] = {}
        for i, day in enumerate(checks):
            assert day is not None
            until = checks[i + 1] - ONE_DAY if i + 1 < len(checks) else None  # type: ignore[operator]
            first = None if i == 0 else day
            _, records = derived.pcn_places(self.store, day, self.b.cache, **scope)
            for r in records:
                main = r["main_footprint"]
                drawn = any(h.covers(nb_from[n], day) for n in leading.get(r["pcn_code"], ()))
                if drawn or main not in places:
                    continue
                kind = "main_place_coterminous" if r["coterminous"] else "main_place_not_coterminous"
                key = (r["pcn_code"], main, kind)
                found[key].append((first, until))
                labels.setdefault(key, (r["pcn_name"], r))
        added: list[str] = []
        for (pcn, main, kind), spans in found.items():
            name, r = labels[(pcn, main, kind)]
            node = f"PCN:{pcn}"
            if node not in g.nodes:
                g.add_node("PCN", pcn, name, home=main, info={"type": "PCN", "code": pcn})
            self.own(node, spans)
            self.edge(node, f"Place:{main}", kind, spans, **({} if g.edge(node, f"Place:{main}", kind) else
                                                            {"share": f"{r['share']:.1%}"}))
            if pcn not in led and pcn not in added:
                added.append(pcn)
        for pcn in led:  # drawn through a neighbourhood: on the days one it leads is there
            self.own(f"PCN:{pcn}", h.merge(s for n in leading.get(pcn, ()) for s in nb_from[n]))
        return added

    def pcn_neighbourhoods(self, pcn: str) -> None:
        for r in read_query(self.store, "visual-pcns", pcns=[pcn], as_at=MAX):
            if r["neighbourhood_code"]:
                n = self.b._neighbourhood(r["neighbourhood_code"], r["neighbourhood_name"], r["place_code"],
                                          r["place_name"])
                self.own(n.id, [(r["neighbourhood_from"], None)])
                if self.g.edge(f"PCN:{pcn}", n.id, "leads") is None:
                    self.g.add_edge(f"PCN:{pcn}", n, "leads")

    def practice_members(self, pcns: list[str]) -> None:
        if not pcns:
            return
        rows = read_query(self.store, "visual-history-practices", pcns=sorted(set(pcns)))
        for (practice, pcn), group in _group(rows, "practice_code", "pcn_code").items():
            spans = h.spans(h.steps(group, h.is_member))
            first = group[0]
            node = f"Practice:{practice}"
            if spans and node not in self.g.nodes:
                c = self.g.nodes.get(f"PCN:{pcn}")
                self.g.add_node("Practice", practice, first["practice_name"],
                                home=first["place_code"] or (c.home if c else None),
                                info={"type": "GP practice", "code": practice, "postcode": first["postcode"],
                                      "place": first["place_code"]})
            seen = sorted({d for r in group for d in (r["from_extract"], r["to_extract"]) if d is not None})
            info = {"seen in extracts of": ", ".join(d.isoformat() for d in seen)} if seen else {}
            self.edge(node, f"PCN:{pcn}", "practice_member", spans, **info)

    # -- every node and link gets its days ---------------------------------------------------------------

    def finish(self) -> None:
        g = self.g
        edge_spans: dict[tuple[str, str, str], list[Span]] = {}
        for key, edge in g._edge_keys.items():
            if key in self.edge_own:
                edge_spans[key] = self.edge_own[key]
            else:  # a link drawn from undated facts: there while both its ends are
                ends = [self.node_own[n] for n in (edge.source, edge.target) if n in self.node_own]
                spans = ALWAYS
                for e in ends:
                    spans = h.intersect(spans, e)
                edge_spans[key] = spans
        for key, spans in edge_spans.items():  # a link is drawn only while its ends with days of their own are
            for end in key[:2]:
                if end in self.node_own:
                    spans = h.intersect(spans, self.node_own[end])
            edge_spans[key] = spans
        node_spans: dict[str, list[Span]] = {}
        incident: dict[str, list[Span]] = defaultdict(list)
        for (s, t, _), spans in edge_spans.items():
            incident[s] += spans
            incident[t] += spans
        for node_id in g.nodes:
            node_spans[node_id] = self.node_own.get(node_id) or h.merge(incident.get(node_id, []))
        for key, edge in g._edge_keys.items():
            spans = h.intersect(h.intersect(edge_spans[key], node_spans[edge.source]), node_spans[edge.target])
            edge.when = None if _always(spans) else spans
        for node_id, node in g.nodes.items():
            spans = node_spans[node_id]
            node.when = None if _always(spans) else spans
        # drop what is never drawn (e.g. a link whose ends never meet)
        keep_edges = [e for e in g.edges if e.when != []]
        if len(keep_edges) != len(g.edges):
            g.edges[:] = keep_edges
            g._edge_keys = {k: e for k, e in g._edge_keys.items() if e.when != []}
        for node_id in [n for n, node in g.nodes.items() if node.when == []]:
            del g.nodes[node_id]
        days = {g.as_at}
        for item in [*g.nodes.values(), *g.edges]:
            for first, last in item.when or []:
                if first is not None:
                    days.add(first)
                if last is not None and last < MAX:
                    days.add(last + ONE_DAY)
        g.stops = sorted(days)


def _minus(spans: list[Span], remove: list[Span]) -> list[Span]:
    """The days of `spans` not in `remove`."""
    out = list(spans)
    for r0, r1 in remove:
        nxt: list[Span] = []
        for a0, a1 in out:
            lo, hi = dt.date.min, dt.date.max
            s0, s1, c0, c1 = a0 or lo, a1 or hi, r0 or lo, r1 or hi
            if c1 < s0 or c0 > s1:
                nxt.append((a0, a1))
                continue
            if c0 > s0:
                nxt.append((a0, c0 - ONE_DAY))
            if c1 < s1:
                nxt.append((c1 + ONE_DAY, a1))
        out = nxt
    return h.merge(out)


def _describe(spans: list[Span]) -> str:
    return "; ".join(f"{a.isoformat() if a else 'from the start'} to {b.isoformat() if b else 'now'}" for a, b in spans)


def _group(rows: Iterable[dict[str, Any]], *keys: str) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    out: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[tuple(r[k] for k in keys)].append(r)
    return out


def add_history(builder: _Builder, practices: bool) -> DiagramGraph:
    """Give every node and link of `builder.g` the days it is drawn on, adding those of other days."""
    _History(builder, practices).run()
    return builder.g


__all__ = ["add_history"]
