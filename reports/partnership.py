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
    """The expected parties that have not signed, sorted (the query is a UNION: no portable ORDER BY)."""
    records = ctx.records("report-unsigned")
    return sorted(records, key=lambda r: (r["place_code"], r["agreement_code"], r["organisation_code"]))


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
    out = []
    for r in ctx.records("report-place-leads"):
        has_lead = r["lead_person_id"] is not None
        out.append({
            "place_code": r["place_code"],
            "lead_person_id": r["lead_person_id"],
            "core_members": count(r["core_members"]),
            "endorsed_by": count(r["endorsed_by"]) if has_lead else 0,
            "missing_endorsements": sorted_list(r["missing_endorsements"]) if has_lead else None,
            "on_collaborative_forum": bool(r["on_collaborative_forum"]) if has_lead else False,
            "lead_from": r["lead_from"] if has_lead else None,
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
    ("report-unsigned",),
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
    ("report-place-leads",),
    build_place_leads,
)
