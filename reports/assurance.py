"""The seven core features of an ICP, as the ICS assures them: met, partial or not_met, with evidence."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .base import Context, Report, count
from .coterminosity import neighbourhood_rows
from .partnership import missing_link_rows, place_lead_rows, unsigned_rows

COLUMNS = ("place_code", "feature", "name", "status", "evidence")
FEATURES = {
    1: "Governance",
    2: "Place lead",
    3: "Shared vision and plan",
    4: "Development plan",
    5: "Defined footprints",
    6: "Engagement",
    7: "Integrated commissioning",
}
MET, PARTIAL, NOT_MET = "met", "partial", "not_met"


def _list(codes: list[str], limit: int = 8) -> str:
    codes = sorted(codes)
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def governance(f: dict[str, Any], unsigned: list[dict[str, Any]], missing: list[dict[str, Any]],
               beyond: list[str]) -> tuple[str, str]:
    if not f["icp_boards"]:
        return NOT_MET, "No ICP board: no place partnership board or health and wellbeing board serves the Place."
    gaps = []
    if beyond and not f["beyond_health_members"]:
        gaps.append(f"no partner from beyond health and care ({', '.join(beyond)})")
    if not f["agreements"]:
        gaps.append("no place agreement or MOU")
    by_agreement: dict[str, list[str]] = defaultdict(list)
    for r in unsigned:
        by_agreement[r["agreement_code"]].append(r["organisation_code"])
    for code in sorted(by_agreement):
        gaps.append(f"{code} not signed by {_list(by_agreement[code])}")
    kinds = sorted({r["missing_kind"] for r in missing})
    if kinds:
        gaps.append(f"no link to a {', '.join(kinds)}")
    if gaps:
        return PARTIAL, _sentence(gaps)
    return MET, "ICP board, partners beyond health and care, an agreement signed by every expected party, every expected link."


def place_lead(lead: dict[str, Any]) -> tuple[str, str]:
    if lead["lead_person_id"] is None:
        return NOT_MET, "No place lead."
    gaps = []
    missing = lead["missing_endorsements"] or []
    if missing:
        gaps.append(f"not endorsed by {_list(missing)}")
    if not lead["on_collaborative_forum"]:
        gaps.append("the lead does not sit on the Place Collaborative Forum")
    if gaps:
        return PARTIAL, _sentence([f"Lead {lead['lead_person_id']}: " + "; ".join(gaps)])
    return MET, (f"Lead {lead['lead_person_id']} endorsed by all {lead['core_members']} core members "
                 "and on the Place Collaborative Forum.")


def shared_vision(f: dict[str, Any]) -> tuple[str, str]:
    if f["vision_plans_approved"]:
        return MET, "A shared vision or place plan approved by the Place's health and wellbeing board."
    if f["vision_plans"]:
        return PARTIAL, "A shared vision or place plan, not approved by a health and wellbeing board serving the Place."
    return NOT_MET, "No shared vision or place plan."


def development_plan(f: dict[str, Any]) -> tuple[str, str]:
    dev, od = f["development_plans"] > 0, f["od_plans"] > 0
    if dev and od:
        return MET, "A development plan and an organisational development (OD) plan."
    if dev:
        return PARTIAL, "No organisational development (OD) plan."
    if od:
        return PARTIAL, "No development plan."
    return NOT_MET, "No development plan and no organisational development (OD) plan."


def footprints(f: dict[str, Any], neighbourhoods: list[list[Any]], unled: list[str]) -> tuple[str, str]:
    if not f["neighbourhoods"]:
        return NOT_MET, "No neighbourhoods."
    gaps = []
    unpaired = [row[0] for row in neighbourhoods if not row[4]]
    if unpaired:
        gaps.append(f"neighbourhoods not led by exactly one PCN of their own: {_list(unpaired)}")
    if unled:
        gaps.append(f"PCNs with practices here leading no neighbourhood of the Place: {_list(unled)}")
    if gaps:
        return PARTIAL, _sentence(gaps)
    return MET, f"{f['neighbourhoods']} neighbourhoods, each led by its own PCN; every PCN here leads one."


def engagement(f: dict[str, Any]) -> tuple[str, str]:
    plans, seldom, comms = f["engagement_plans"] > 0, f["engagement_plans_seldom_heard"] > 0, f["comms_links"] > 0
    if seldom and comms:
        return MET, "An engagement plan covering seldom heard groups, and a nominated comms link."
    if not plans and not comms:
        return NOT_MET, "No engagement plan and no comms link."
    gaps = []
    if not plans:
        gaps.append("no engagement plan")
    elif not seldom:
        gaps.append("the engagement plan does not cover seldom heard groups")
    if not comms:
        gaps.append("no comms link")
    return PARTIAL, _sentence(gaps)


def commissioning(f: dict[str, Any]) -> tuple[str, str]:
    pooled, joint = f["pooled_budgets"] > 0, f["joint_posts_or_teams"] > 0
    if pooled and joint:
        return MET, "A pooled budget and a joint post or team."
    if pooled:
        return PARTIAL, "A pooled budget, but no joint post or joint team."
    if joint:
        return PARTIAL, "A joint post or team, but no pooled budget."
    return NOT_MET, "No pooled budget, joint post or joint team."


def assess(ctx: Context) -> list[dict[str, Any]]:
    """One record per Place and feature."""
    settings = ctx.settings
    facts = ctx.records("report-assurance-facts", beyond_sectors=list(settings.beyond_health_sectors) or ["-"])
    unsigned: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in unsigned_rows(ctx):
        unsigned[r["place_code"]].append(r)
    missing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in missing_link_rows(ctx):
        missing[r["place_code"]].append(r)
    leads = {r["place_code"]: r for r in place_lead_rows(ctx)}
    nbs: dict[str, list[list[Any]]] = defaultdict(list)
    for row in neighbourhood_rows(ctx):
        nbs[row[2]].append(row)
    unled: dict[str, list[str]] = defaultdict(list)
    for r in ctx.records("report-unled-pcns"):
        unled[r["place_code"]].append(r["pcn_code"])

    out = []
    for f in facts:
        f = {k: (count(v) if k not in ("place_code", "place_name") else v) for k, v in f.items()}
        place = f["place_code"]
        results = {
            1: governance(f, unsigned[place], missing[place], settings.beyond_health_sectors),
            2: place_lead(leads[place]),
            3: shared_vision(f),
            4: development_plan(f),
            5: footprints(f, nbs[place], unled[place]),
            6: engagement(f),
            7: commissioning(f),
        }
        for feature, (status, evidence) in results.items():
            out.append({"place_code": place, "place_name": f["place_name"], "feature": feature,
                        "name": FEATURES[feature], "status": status, "evidence": evidence})
    return out


def build(ctx: Context) -> tuple[tuple[str, ...], list[list[Any]]]:
    return COLUMNS, [[r[c] for c in COLUMNS] for r in assess(ctx)]


ASSURANCE = Report(
    "assurance",
    "The seven core features of each ICP: met, partial or not_met, with what is missing.",
    COLUMNS,
    (
        "report-assurance-facts", "report-unsigned", "report-missing-links", "report-place-leads", "report-core-members",
        "report-coterminosity-neighbourhoods", "report-unled-pcns",
    ),
    build,
)
