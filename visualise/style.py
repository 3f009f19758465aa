"""How the diagram looks: colour by sector, shape by node type, edge styles, the legend.

Only constants live here (never data), so the legend's SVG can be written from them
without escaping concerns; the page still escapes every value it prints.
"""

from __future__ import annotations

from dataclasses import dataclass

# Organisation colour by sector (NHS identity colours where they fit).
SECTOR_COLOURS: dict[str, str] = {
    "nhs_trust": "#005EB8",
    "nhs_commissioner": "#003087",
    "primary_care": "#41B6E6",
    "local_authority": "#AE2573",
    "social_care": "#E56DB1",
    "public_health": "#ED8B00",
    "mental_health": "#6A3D9A",
    "community_health": "#00A499",
    "housing": "#FFB81C",
    "voluntary": "#78BE20",
    "police": "#212B32",
    "fire": "#8B0000",
    "faith": "#B5A36A",
    "education": "#4C6272",
    "business": "#768692",
    "healthwatch": "#F28DB8",
    "other": "#BDBDBD",
}
UNKNOWN_SECTOR_COLOUR = "#BDBDBD"


@dataclass(frozen=True)
class NodeStyle:
    label: str  # for the legend and the type filter
    shape: str  # a vis-network shape whose size is set by `size` (label outside)
    colour: str
    size: int


# One entry per node kind the diagram draws. Organisations take their sector's colour.
NODE_STYLES: dict[str, NodeStyle] = {
    "ICS": NodeStyle("ICS", "star", "#231F20", 34),
    "Place": NodeStyle("Place", "diamond", "#330072", 28),
    "Board": NodeStyle("Board", "square", "#425563", 16),
    "Organisation": NodeStyle("Organisation (colour = sector)", "dot", "#005EB8", 10),
    "Agreement": NodeStyle("Agreement / MOU", "triangle", "#006747", 16),
    "Person": NodeStyle("Place lead", "star", "#7C2855", 18),
    "Neighbourhood": NodeStyle("Neighbourhood", "hexagon", "#00A9CE", 14),
    "PCN": NodeStyle("PCN", "triangleDown", "#009639", 14),
    "Practice": NodeStyle("GP practice", "dot", "#AEB7BD", 6),
    "MissingLink": NodeStyle("Missing link (expected board kind)", "dot", "#FFFFFF", 9),
}

MISSING_BORDER = "#DA291C"
# The time slider's compare mode: what was added between two dates, and what was removed.
ADDED_COLOUR = "#2E9E3E"
REMOVED_COLOUR = "#9AA5AD"


@dataclass(frozen=True)
class EdgeStyle:
    label: str  # for the legend
    colour: str
    width: float
    dashes: tuple[int, ...] = ()  # empty = solid
    arrow: bool = False
    in_legend: bool = True


EDGE_STYLES: dict[str, EdgeStyle] = {
    "member_core": EdgeStyle("Core member of board", "#425563", 3),
    "member_wider": EdgeStyle("Wider member of board", "#AEB7BD", 1),
    "signed": EdgeStyle("Signed the agreement", "#009639", 2.5, arrow=True),
    "not_signed": EdgeStyle("Listed, not signed", "#ED8B00", 2.5, (10, 6), arrow=True),
    "not_listed": EdgeStyle("Expected to sign, not listed", "#8A1538", 2, (2, 5), arrow=True),
    "missing_link": EdgeStyle("Missing expected link", MISSING_BORDER, 2.5, (8, 8)),
    "place_lead": EdgeStyle("Place lead of", "#7C2855", 3, arrow=True),
    "endorsed": EdgeStyle("Endorsed the place lead", "#C98CB0", 1.2, arrow=True),
    "holds": EdgeStyle("Holds a role on board", "#7C2855", 1.2, (4, 3), arrow=True),
    "leads_coterminous": EdgeStyle("PCN leads neighbourhood (coterminous; share of patients)", "#009639", 3, arrow=True),
    "leads_not_coterminous": EdgeStyle("PCN leads neighbourhood (not coterminous)", "#ED8B00", 3, arrow=True),
    "leads": EdgeStyle("PCN leads neighbourhood (no patient data)", "#768692", 2, arrow=True),
    "patients_in": EdgeStyle("PCN patients living in (not led)", "#AEB7BD", 1, (2, 4), arrow=True),
    "main_place_coterminous": EdgeStyle("PCN's main Place, leading none of its neighbourhoods (coterminous)",
                                        "#009639", 2, (6, 3), arrow=True),
    "main_place_not_coterminous": EdgeStyle("PCN's main Place, leading none of its neighbourhoods (not coterminous)",
                                            "#ED8B00", 2, (6, 3), arrow=True),
    "serves": EdgeStyle("Board serves", "#768692", 1.5, arrow=True),
    "subgroup_of": EdgeStyle("Sub-group of", "#425563", 2, arrow=True),
    "works_with": EdgeStyle("Works with", "#00A499", 1.5),
    "part_of": EdgeStyle("Part of", "#AEB7BD", 1, arrow=True),
    "agreement_for": EdgeStyle("Agreement for", "#006747", 1, arrow=True),
    "practice_member": EdgeStyle("Practice in PCN", "#AEB7BD", 1, arrow=True),
}

SIGNATURE_KINDS = ("signed", "not_signed", "not_listed")


def sector_label(sector: str | None) -> str:
    """`nhs_trust` -> `NHS trust`."""
    text = (sector or "not recorded").replace("_", " ").capitalize()
    return text.replace("Nhs ", "NHS ")


def kind_label(kind: str | None) -> str:
    """`safeguarding_adults_board` -> `Safeguarding adults board`."""
    return (kind or "").replace("_", " ").capitalize()


def sector_colour(sector: str | None) -> str:
    return SECTOR_COLOURS.get(sector or "", UNKNOWN_SECTOR_COLOUR)


def node_size(kind: str, weight: int = 0) -> float:
    """Organisations and boards grow with their memberships (square root, capped)."""
    base = NODE_STYLES[kind].size
    if kind in {"Organisation", "Board"} and weight > 0:
        return round(min(base + 4 * (weight ** 0.5) * (1.6 if kind == "Organisation" else 1), base * 4), 1)
    return base


__all__ = [
    "ADDED_COLOUR", "EDGE_STYLES", "MISSING_BORDER", "NODE_STYLES", "REMOVED_COLOUR", "SECTOR_COLOURS", "SIGNATURE_KINDS",
    "EdgeStyle", "NodeStyle", "kind_label", "node_size", "sector_colour", "sector_label",
]
