"""Reports on each Place's partnership: breadth, unsigned, missing-links, place-leads."""

from __future__ import annotations

from typing import Any

from .base import Context, Report, count, sorted_list

BREADTH_COLUMNS = ("place_code", "place_name", "members", "sectors", "statutory", "non_statutory", "missing_sectors")


def build_breadth(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    expected = ctx.settings.expected_sectors
    rows = []
    for r in ctx.records("report-breadth"):
        present = set(r["sector_list"] or [])
        rows.append([
            r["place_code"], r["place_name"], count(r["members"]), count(r["sectors"]),
            count(r["statutory"]), count(r["non_statutory"]),
            sorted(s for s in expected if s not in present),
        ])
    return BREADTH_COLUMNS, rows


UNSIGNED_COLUMNS = ("place_code", "agreement_code", "organisation_code", "organisation_name", "reason")


def unsigned_rows(ctx: Context) -> list[dict[str, Any]]:
    """The expected parties that have not signed, sorted: each party listed (by the as-at date) with no
    signature by then (`not_signed`), and each current core member of the Place not listed at all
    (`no_signature_row`). The query gives the listings; the core members are `report-core-members`."""
    agreements: dict[tuple[str, str], Any] = {}  # (place, agreement) -> its kind
    listed: dict[tuple[str, str], set[str]] = {}
    unsigned: dict[tuple[str, str, str], str] = {}  # (place, agreement, party) -> its name
    for r in ctx.records("report-unsigned"):
        key = (r["place_code"], r["agreement_code"])
        agreements[key] = r["agreement_kind"]
        if r["organisation_code"]:  # a listing (the agreement's own row has none)
            listed.setdefault(key, set()).add(r["organisation_code"])
            if r["signed_on"] is None:
                unsigned[(*key, r["organisation_code"])] = r["organisation_name"]
    core: dict[str, dict[str, Any]] = {}
    if agreements:
        for r in ctx.records("report-core-members"):
            core.setdefault(r["place_code"], {})[r["organisation_code"]] = r["organisation_name"]
    out = [{"place_code": p, "agreement_code": a, "organisation_code": o, "organisation_name": name,
            "reason": "not_signed", "agreement_kind": agreements[(p, a)]} for (p, a, o), name in unsigned.items()]
    for (p, a), kind in agreements.items():
        parties = listed.get((p, a), set())
        out += [{"place_code": p, "agreement_code": a, "organisation_code": o, "organisation_name": name,
                 "reason": "no_signature_row", "agreement_kind": kind}
                for o, name in core.get(p, {}).items() if o not in parties]
    return sorted(out, key=lambda r: (r["place_code"], r["agreement_code"], r["organisation_code"]))


def build_unsigned(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    rows = [[r[c] for c in UNSIGNED_COLUMNS] for r in unsigned_rows(ctx)]
    return UNSIGNED_COLUMNS, rows


MISSING_LINKS_COLUMNS = ("place_code", "board_code", "missing_kind")


def missing_link_rows(ctx: Context) -> list[dict[str, Any]]:
    kinds = ctx.settings.expected_link_kinds
    if not kinds:  # nothing expected, nothing missing (and Ladybug refuses an empty UNWIND list)
        return []
    return ctx.records("report-missing-links", kinds=list(kinds))


def build_missing_links(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    return MISSING_LINKS_COLUMNS, [[r[c] for c in MISSING_LINKS_COLUMNS] for r in missing_link_rows(ctx)]


PLACE_LEADS_COLUMNS = (
    "place_code", "lead_person_id", "core_members", "endorsed_by", "missing_endorsements", "on_collaborative_forum",
)


def place_lead_rows(ctx: Context) -> list[dict[str, Any]]:
    """Each Place's lead ranked from the query's facts: the current place_lead role with the latest
    `from` (a blank `from` only when no role has one), ties to the smallest person id; the core
    members who had endorsed that lead by the as-at date, and whether the lead sits on a forum."""
    places: list[str] = []
    leads: dict[str, list[tuple[Any, str]]] = {}
    core: dict[str, set[str]] = {}
    endorsed: set[tuple[str, str, str]] = set()
    forum: set[tuple[str, str]] = set()
    for r in ctx.records("report-core-members"):
        core.setdefault(r["place_code"], set()).add(r["organisation_code"])
    for r in ctx.records("report-place-leads"):
        place, fact = r["place_code"], r["fact"]
        if fact == "place":
            places.append(place)
        elif fact == "lead":
            leads.setdefault(place, []).append((r["since"], r["person_id"]))
        elif fact == "endorsed":
            endorsed.add((place, r["person_id"], r["organisation_code"]))
        elif fact == "forum":
            forum.add((place, r["person_id"]))
    out = []
    for place in sorted(places):
        roles = leads.get(place, [])
        dated = [since for since, _ in roles if since is not None]
        latest = max(dated) if dated else None
        lead = min((pid for since, pid in roles if since == latest), default=None)
        members = core.get(place, set())
        has_lead = lead is not None
        by = {o for o in members if (place, lead, o) in endorsed} if has_lead else set()
        out.append({
            "place_code": place,
            "lead_person_id": lead,
            "core_members": len(members),
            "endorsed_by": len(by),
            "missing_endorsements": sorted_list(members - by) if has_lead else None,
            "on_collaborative_forum": (place, lead) in forum if has_lead else False,
            "lead_from": latest if has_lead else None,
        })
    return out


def build_place_leads(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    return PLACE_LEADS_COLUMNS, [[r[c] for c in PLACE_LEADS_COLUMNS] for r in place_lead_rows(ctx)]


BREADTH = Report(
    "breadth",
    "Each Place's partnership: members, sectors, statutory split and missing sectors.",
    BREADTH_COLUMNS,
    ("report-breadth",),
    build_breadth,
)
UNSIGNED = Report(
    "unsigned",
    "Expected parties of each Place agreement that have not signed it (the ICS view without --place).",
    UNSIGNED_COLUMNS,
    ("report-unsigned", "report-core-members"),
    build_unsigned,
)
MISSING_LINKS = Report(
    "missing-links",
    "ICP boards with no link to an expected kind of board (safeguarding, community safety, LEP, HWB).",
    MISSING_LINKS_COLUMNS,
    ("report-missing-links",),
    build_missing_links,
)
PLACE_LEADS = Report(
    "place-leads",
    "Each Place's lead, endorsements by core members, and whether the lead sits on the Place Collaborative Forum.",
    PLACE_LEADS_COLUMNS,
    ("report-place-leads", "report-core-members"),
    build_place_leads,
)
