"""The graph model and the input-file contract, as data.

Everything else is derived from this module: both engines' schema, the loaders'
column contract, the exports and the model section of the docs. Adding a property
is one edit here. Names follow `shared/docs/model-and-inputs.md` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PropType = Literal["string", "date", "bool", "int", "float"]


@dataclass(frozen=True)
class Prop:
    name: str
    type: PropType = "string"
    vocabulary: str | None = None  # key into VOCABULARIES
    bounds: tuple[float, float] | None = None  # numbers: the lowest and highest value allowed
    format: str | None = None  # strings: a key into TEXT_FORMATS (a checked, normalised text form)


@dataclass(frozen=True)
class Node:
    label: str
    props: tuple[Prop, ...]  # the key is the first property

    @property
    def key(self) -> str:
        return self.props[0].name

    def prop(self, name: str) -> Prop:
        return next(p for p in self.props if p.name == name)


@dataclass(frozen=True)
class Rel:
    type: str
    ends: tuple[tuple[str, str], ...]  # (from label, to label) pairs
    props: tuple[Prop, ...] = ()

    def prop(self, name: str) -> Prop:
        return next(p for p in self.props if p.name == name)


VOCABULARIES: dict[str, tuple[str, ...]] = {
    "sector": (
        "nhs_trust", "nhs_commissioner", "primary_care", "local_authority", "social_care",
        "public_health", "mental_health", "community_health", "housing", "voluntary",
        "police", "fire", "faith", "education", "business", "healthwatch", "other",
    ),
    "board_kind": (
        "health_and_wellbeing_board", "place_partnership_board", "place_collaborative_forum",
        "ics_partnership", "safeguarding_adults_board", "safeguarding_children_partnership",
        "community_safety_partnership", "local_enterprise_partnership", "other",
    ),
    "agreement_kind": ("mou", "place_agreement", "section_75", "other"),
    "plan_kind": (
        "shared_vision", "place_plan", "development_plan", "od_plan", "engagement_plan", "jsna",
    ),
    "commissioning_kind": ("pooled_budget", "joint_post", "joint_team", "lead_commissioning"),
    "membership_role": ("core", "wider"),
    "person_role": ("place_lead", "comms_link", "chair", "member"),
    # ODS organisation status (epraccur's status codes A, C, D, P; ePCN's close date).
    "org_status": ("active", "closed", "dormant", "proposed"),
    # How a practice's Place was found: a `place_code` in the partnership's practices.csv, its
    # postcode through a published postcode lookup, or its Sub-ICB location lying in one Place.
    "located_by": ("contract", "postcode", "sub_icb"),
    # Where a practice's point (lat, lon) came from: the partnership's own practices.csv, a
    # published geocoded practice file, or its postcode's coordinates in a postcode lookup.
    "point_from": ("contract", "geocoded", "postcode"),
}

# Text forms a string property may be held to (validated and normalised by the loaders).
TEXT_FORMATS: dict[str, str] = {
    # A Place's or Area's boundary: a GeoJSON Polygon or MultiPolygon in longitude/latitude
    # (WGS 84), simplified when read from a boundary file, coordinates to 5 decimals (~1 m).
    "geojson": "a GeoJSON Polygon or MultiPolygon geometry in longitude/latitude",
}
LAT, LON = (-90.0, 90.0), (-180.0, 180.0)
GEOMETRY = Prop("geometry", "string", format="geojson")

S, D, B, INT, F = "string", "date", "bool", "int", "float"


def _props(*spec: str | tuple[str, PropType] | tuple[str, PropType, str]) -> tuple[Prop, ...]:
    out = []
    for s in spec:
        out.append(Prop(s) if isinstance(s, str) else Prop(*s))
    return tuple(out)


NODES: dict[str, Node] = {
    n.label: n
    for n in (
        Node("ICS", _props("code", "name")),
        Node("Place", (*_props("code", "name"), GEOMETRY)),
        Node("Neighbourhood", _props("code", "name", ("from", D))),
        Node("PCN", _props("code", "name", ("status", S, "org_status"), ("open_date", D), ("close_date", D))),
        Node("Practice", (
            *_props("code", "name", "postcode", ("status", S, "org_status"), ("open_date", D), ("close_date", D)),
            Prop("lat", F, bounds=LAT), Prop("lon", F, bounds=LON), Prop("point_from", S, "point_from"),
        )),
        Node("Organisation", _props("code", "name", ("sector", S, "sector"), ("statutory", B))),
        Node("Board", _props("code", "name", ("kind", S, "board_kind"))),
        Node("Agreement", _props("code", "title", ("kind", S, "agreement_kind"), ("effective_from", D))),
        Node("Person", _props("id", "name", "role_title")),
        Node("Plan", _props("code", "title", ("kind", S, "plan_kind"), ("covers_seldom_heard", B))),
        Node("Commissioning", _props("code", "name", ("kind", S, "commissioning_kind"), ("value_gbp", F), ("from", D), ("to", D))),
        Node("Area", (*_props("code", "name", "kind"), GEOMETRY)),
        Node("Milestone", _props("code", "title", ("due", D))),
    )
}

RELS: dict[str, Rel] = {
    r.type: r
    for r in (
        # An NHS commissioner (Sub-ICB location, formerly CCG) is PART_OF its ICS (ICB).
        Rel("PART_OF", (("Place", "ICS"), ("Neighbourhood", "Place"), ("Organisation", "ICS"))),
        Rel(
            "MEMBER_OF",
            (("Practice", "PCN"), ("Organisation", "Board")),
            _props(("role", S, "membership_role"), ("from", D), ("to", D), ("from_extract", D), ("to_extract", D)),
        ),
        Rel("LOCATED_IN", (("Practice", "Place"),), _props(("located_by", S, "located_by"))),
        # A practice's Sub-ICB location (its commissioner, as ODS and NHS Digital publish it).
        Rel("COMMISSIONED_BY", (("Practice", "Organisation"),)),
        Rel("LEADS", (("PCN", "Neighbourhood"),)),
        Rel("SERVES", (("Board", "Place"), ("Board", "ICS"))),
        Rel("SUBGROUP_OF", (("Board", "Board"),)),
        Rel("WORKS_WITH", (("Board", "Board"),), _props("how", ("from", D), ("to", D))),
        Rel("FOR", (("Agreement", "Place"), ("Plan", "Place"), ("Commissioning", "Place"))),
        Rel("PARTY_TO", (("Organisation", "Agreement"),), _props(("signed_on", D), ("added_on", D))),
        Rel("WORKS_FOR", (("Person", "Organisation"),)),
        Rel("HOLDS", (("Person", "Place"), ("Person", "Board")), _props(("role", S, "person_role"), ("from", D), ("to", D))),
        Rel("ENDORSED", (("Organisation", "Person"),), _props(("on", D))),
        Rel("APPROVED", (("Board", "Plan"),), _props(("on", D))),
        Rel("CONTRIBUTES_TO", (("Organisation", "Commissioning"),), _props(("value_gbp", F))),
        Rel("REGISTERS", (("Practice", "Area"),), _props(("patients", INT))),
        # An Area (LSOA) is IN a neighbourhood, a Place, and the Sub-ICB location covering it.
        Rel("IN", (("Area", "Neighbourhood"), ("Area", "Place"), ("Area", "Organisation"))),
    )
}


# ---------------------------------------------------------------------------
# The input-file contract: how each file's columns become nodes and relationships.


@dataclass(frozen=True)
class Column:
    """A column of an input file and the model property it fills."""

    name: str
    required: bool = False
    prop: str | None = None  # property name on the node/relationship (default: name)
    many: bool = False  # a `;`-separated list of references
    blank_ok: bool = False  # required in the header, but a cell may be blank (practices.pcn_code)
    default: str | None = None  # a relationship property's value where the cell is blank

    @property
    def target_prop(self) -> str:
        return self.prop or self.name


@dataclass(frozen=True)
class Ref:
    """A reference column of a node file: it becomes a relationship to other nodes.

    `outgoing` means (row's node)-[rel]->(referenced node). `history` marks a
    relationship whose rows are kept as dated history (identified by its dated
    columns) rather than replaced when the row is loaded again.
    """

    column: Column
    rel: str
    targets: tuple[str, ...]
    outgoing: bool = True
    props: tuple[Column, ...] = ()
    history: bool = False


@dataclass(frozen=True)
class Implied:
    """A node property a file states without a column for it: `value` on the rows where the
    column `when` is filled and the property's own column is blank or absent (a practice's
    lat/lon in the partnership's practices.csv come `from` the contract)."""

    prop: str
    value: str
    when: str


@dataclass(frozen=True)
class NodeFile:
    name: str
    label: str
    refs: tuple[Ref, ...] = ()
    required: tuple[str, ...] = ()  # required node properties besides the key
    implied: tuple[Implied, ...] = ()

    @property
    def node(self) -> Node:
        return NODES[self.label]

    def columns(self) -> tuple[Column, ...]:
        cols = [Column(p.name, p.name == self.node.key or p.name in self.required) for p in self.node.props]
        for ref in self.refs:
            cols.append(ref.column)
            cols.extend(ref.props)
        return tuple(cols)


@dataclass(frozen=True)
class End:
    column: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class LinkFile:
    """A file whose every row is one relationship."""

    name: str
    rel: str
    source: End
    target: End
    props: tuple[Column, ...] = ()
    identity: tuple[str, ...] = ()  # relationship properties that tell two rows apart

    def columns(self) -> tuple[Column, ...]:
        return (Column(self.source.column, True), Column(self.target.column, True), *self.props)


def _c(name: str, required: bool = False, prop: str | None = None, many: bool = False,
       blank_ok: bool = False, default: str | None = None) -> Column:
    return Column(name, required, prop, many, blank_ok, default)


FILES: dict[str, NodeFile | LinkFile] = {
    f.name: f
    for f in (
        NodeFile("ics", "ICS", required=("name",)),
        NodeFile("places", "Place", (Ref(_c("ics_code", True), "PART_OF", ("ICS",)),), ("name",)),
        NodeFile("neighbourhoods", "Neighbourhood", (Ref(_c("place_code", True), "PART_OF", ("Place",)),), ("name",)),
        NodeFile("pcns", "PCN", (Ref(_c("neighbourhood_codes", many=True), "LEADS", ("Neighbourhood",)),), ("name",)),
        NodeFile(
            "practices",
            "Practice",
            (
                # pcn_code blank: the practice is in no PCN (the practice map's "Unallocated").
                Ref(_c("pcn_code", True, blank_ok=True), "MEMBER_OF", ("PCN",),
                    props=(_c("from"), _c("to"), _c("from_extract"), _c("to_extract")), history=True),
                Ref(_c("place_code"), "LOCATED_IN", ("Place",), props=(_c("located_by", default="contract"),)),
                Ref(_c("sub_icb_code"), "COMMISSIONED_BY", ("Organisation",)),
            ),
            ("name",),
            (Implied("point_from", "contract", "lat"),),
        ),
        NodeFile("organisations", "Organisation", (Ref(_c("ics_code"), "PART_OF", ("ICS",)),), ("name", "sector")),
        NodeFile(
            "boards",
            "Board",
            (
                Ref(_c("place_code"), "SERVES", ("Place",)),
                Ref(_c("ics_code"), "SERVES", ("ICS",)),
                Ref(_c("parent_board_code"), "SUBGROUP_OF", ("Board",)),
            ),
            ("name", "kind"),
        ),
        LinkFile(
            "memberships", "MEMBER_OF", End("organisation_code", ("Organisation",)), End("board_code", ("Board",)),
            (_c("role", True), _c("from"), _c("to")), identity=("from",),
        ),
        LinkFile(
            "board_links", "WORKS_WITH", End("board_code", ("Board",)), End("linked_board_code", ("Board",)),
            (_c("how"), _c("from"), _c("to")),
        ),
        NodeFile("agreements", "Agreement", (Ref(_c("place_code", True), "FOR", ("Place",)),), ("title", "kind")),
        LinkFile(
            "signatures", "PARTY_TO", End("organisation_code", ("Organisation",)), End("agreement_code", ("Agreement",)),
            (_c("signed_on"), _c("added_on")),
        ),
        NodeFile("people", "Person", (Ref(_c("organisation_code"), "WORKS_FOR", ("Organisation",)),), ("name",)),
        LinkFile(
            "roles", "HOLDS", End("person_id", ("Person",)), End("target_code", ("Place", "Board")),
            (_c("role", True), _c("from"), _c("to")), identity=("role",),
        ),
        LinkFile(
            "endorsements", "ENDORSED", End("organisation_code", ("Organisation",)), End("person_id", ("Person",)),
            (_c("endorsed_on", prop="on"),),
        ),
        NodeFile(
            "plans",
            "Plan",
            (
                Ref(_c("place_code", True), "FOR", ("Place",)),
                Ref(_c("approved_by_board_code"), "APPROVED", ("Board",), outgoing=False, props=(_c("approved_on", prop="on"),)),
            ),
            ("title", "kind"),
        ),
        NodeFile(
            "commissioning",
            "Commissioning",
            (
                Ref(_c("place_code", True), "FOR", ("Place",)),
                Ref(_c("partner_codes", many=True), "CONTRIBUTES_TO", ("Organisation",), outgoing=False),
            ),
            ("name", "kind"),
        ),
        NodeFile(
            "areas",
            "Area",
            (
                Ref(_c("place_code"), "IN", ("Place",)),
                Ref(_c("neighbourhood_code"), "IN", ("Neighbourhood",)),
                Ref(_c("sub_icb_code"), "IN", ("Organisation",)),
            ),
            ("name", "kind"),
        ),
        LinkFile(
            "registrations", "REGISTERS", End("practice_code", ("Practice",)), End("area_code", ("Area",)),
            (_c("patients", True),),
        ),
        NodeFile("milestones", "Milestone", required=("title", "due")),
    )
}

# Order in which files are written so that references resolve.
LOAD_ORDER: tuple[str, ...] = tuple(FILES)


__all__ = [
    "FILES", "LOAD_ORDER", "NODES", "RELS", "TEXT_FORMATS", "VOCABULARIES",
    "Column", "End", "Implied", "LinkFile", "Node", "NodeFile", "Prop", "Ref", "Rel",
]
