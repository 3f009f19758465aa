"""Where the two Cypher dialects differ, in one place.

Query files in `cypher/` are written once in the portable subset. What cannot be
(schema statements, typed parameters, bulk-write statements) is generated here from
the model, for the engine at hand. Labels, types and property names come only from
`model.py`, never from input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import NODES, RELS, Node, Prop, PropType

LADYBUG_TYPES: dict[PropType, str] = {
    "string": "STRING", "date": "DATE", "bool": "BOOL", "int": "INT64", "float": "DOUBLE",
}


def q(name: str) -> str:
    """Quote a property name (`from`, `to` and `on` are keywords)."""
    return f"`{name}`"


def ladybug_schema() -> list[str]:
    statements = []
    for node in NODES.values():
        cols = ", ".join(f"{q(p.name)} {LADYBUG_TYPES[p.type]}" for p in node.props)
        statements.append(f"CREATE NODE TABLE IF NOT EXISTS {q(node.label)}({cols}, PRIMARY KEY({q(node.key)}))")
    for rel in RELS.values():
        ends = ", ".join(f"FROM {q(a)} TO {q(b)}" for a, b in rel.ends)
        cols = "".join(f", {q(p.name)} {LADYBUG_TYPES[p.type]}" for p in rel.props)
        statements.append(f"CREATE REL TABLE IF NOT EXISTS {q(rel.type)}({ends}{cols})")
    statements.append(ladybug_patients_in())
    return statements


def ladybug_added_columns(table: str, existing: Iterable[str]) -> list[str]:
    """`ALTER TABLE ... ADD` for the model's properties a table made by an older icpmap lacks.

    `CREATE ... IF NOT EXISTS` leaves an existing table as it is, so a store created
    before a property joined the model would refuse every query that names it.
    """
    props = NODES[table].props if table in NODES else RELS[table].props
    have = {name.lower() for name in existing}  # Ladybug's property names are case-insensitive
    return [f"ALTER TABLE {q(table)} ADD {q(p.name)} {LADYBUG_TYPES[p.type]}" for p in props
            if p.name.lower() not in have]



# Kept by the loader, never loaded from a file: the registered patients of each practice by
# footprint (loaders/totals.py), so that coterminosity by patients reads a few thousand totals
# instead of a million registrations. Outside the model (`model.RELS`): not input, not exported.
PATIENTS_IN = "PATIENTS_IN"
PATIENTS_IN_ENDS = (("Practice", "Place"), ("Practice", "Neighbourhood"), ("Practice", "Practice"))


def ladybug_patients_in() -> str:
    """(Practice)-[:PATIENTS_IN {level, footprint, patients}]->(Place | Neighbourhood | the practice
    itself, for patients in no known footprint)."""
    ends = ", ".join(f"FROM {q(a)} TO {q(b)}" for a, b in PATIENTS_IN_ENDS)
    return (f"CREATE REL TABLE IF NOT EXISTS {q(PATIENTS_IN)}({ends}, {q('level')} STRING, "
            f"{q('footprint')} STRING, {q('patients')} INT64)")


def ladybug_macros() -> list[str]:
    """Neo4j's conversion functions, so query files can use them on both engines."""
    return [
        "CREATE MACRO toInteger(x) AS cast(x AS INT64)",
        "CREATE MACRO toFloat(x) AS cast(x AS DOUBLE)",
    ]


def neo4j_schema() -> list[str]:
    """A uniqueness constraint per key, and an index per vocabulary property."""
    statements = []
    for node in NODES.values():
        name = f"{node.label.lower()}_{node.key}_unique"
        statements.append(
            f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{q(node.label)}) REQUIRE n.{q(node.key)} IS UNIQUE"
        )
        for prop in node.props[1:]:
            if prop.vocabulary:
                statements.append(
                    f"CREATE INDEX {node.label.lower()}_{prop.name} IF NOT EXISTS FOR (n:{q(node.label)}) ON (n.{q(prop.name)})"
                )
    return statements


class Dialect:
    """Builds the write statements of the loaders for one engine."""

    def __init__(self, engine: str) -> None:
        self.engine = engine

    def typed(self, expr: str, prop: Prop) -> str:
        """A parameter expression typed as the model says.

        Ladybug infers a column's type from the values and takes an all-null column
        for a string, so it needs an explicit cast; Neo4j takes the driver's types.
        """
        if self.engine == "ladybug" and prop.type != "string":
            return f"CAST({expr} AS {LADYBUG_TYPES[prop.type]})"
        return expr

    def _assign(self, var: str, props: Iterable[Prop]) -> str:
        return ", ".join(f"{var}.{q(p.name)} = {self.typed(self._field(p.name), p)}" for p in props)

    # -- nodes ----------------------------------------------------------------------

    def merge_nodes(self, node: Node, props: Sequence[str]) -> str:
        key = node.key
        rest = [node.prop(p) for p in props if p != key]
        sets = f" SET {self._assign('n', rest)}" if rest else ""
        return f"UNWIND $rows AS r MERGE (n:{q(node.label)} {{{q(key)}: {self._field(key)}}}){sets}"

    def update_nodes(self, node: Node, props: Sequence[str]) -> str:
        key = node.key
        rest = [node.prop(p) for p in props if p != key]
        return f"UNWIND $rows AS r MATCH (n:{q(node.label)} {{{q(key)}: {self._field(key)}}}) SET {self._assign('n', rest)}"

    def create_nodes(self, node: Node, props: Sequence[str]) -> str:
        fields = ", ".join(f"{q(p)}: {self.typed(self._field(p), node.prop(p))}" for p in props)
        return f"UNWIND $rows AS r CREATE (n:{q(node.label)} {{{fields}}})"

    def fetch_nodes(self, node: Node, props: Sequence[str]) -> str:
        cols = ", ".join(f"n.{q(p)} AS {p}" for p in props)
        return f"UNWIND $keys AS k MATCH (n:{q(node.label)} {{{q(node.key)}: k}}) RETURN {cols}"

    # -- relationships --------------------------------------------------------------

    def _field(self, p: str) -> str:
        """A row field; quoted because `r.on` does not parse on LadybugDB (`on` is a keyword)."""
        return f"r.{q(p)}"

    def _ends(self, src: str, dst: str) -> tuple[Node, Node]:
        return NODES[src], NODES[dst]

    def fetch_rel_rows(self, rel: str, src: str, dst: str, side: str) -> str:
        """Existing relationships whose `side` ('src' or 'dst') end is in `$keys`."""
        a, b = self._ends(src, dst)
        cols = "".join(f", x.{q(p.name)} AS {q(p.name)}" for p in RELS[rel].props)
        left = f"(a:{q(src)} {{{q(a.key)}: k}})" if side == "src" else f"(a:{q(src)})"
        right = f"(b:{q(dst)} {{{q(b.key)}: k}})" if side == "dst" else f"(b:{q(dst)})"
        return (
            f"UNWIND $keys AS k MATCH {left}-[x:{q(rel)}]->{right} "
            f"RETURN a.{q(a.key)} AS src, b.{q(b.key)} AS dst{cols}"
        )

    def _rel_identity(self, rel: str, identity: Sequence[str]) -> str:
        model = RELS[rel]
        terms = []
        for p in identity:
            value = self.typed(self._field(p), model.prop(p))
            terms.append(f"(x.{q(p)} = {value} OR (x.{q(p)} IS NULL AND {self._field(p)} IS NULL))")
        return f" WHERE {' AND '.join(terms)}" if terms else ""

    def create_rel_rows(self, rel: str, src: str, dst: str, props: Sequence[str]) -> str:
        a, b = self._ends(src, dst)
        model = RELS[rel]
        fields = ", ".join(f"{q(p)}: {self.typed(self._field(p), model.prop(p))}" for p in props)
        body = f" {{{fields}}}" if fields else ""
        return (
            f"UNWIND $rows AS r MATCH (a:{q(src)} {{{q(a.key)}: r.src}}) MATCH (b:{q(dst)} {{{q(b.key)}: r.dst}}) "
            f"CREATE (a)-[x:{q(rel)}{body}]->(b)"
        )

    def update_rel_rows(self, rel: str, src: str, dst: str, identity: Sequence[str], props: Sequence[str]) -> str:
        a, b = self._ends(src, dst)
        model = RELS[rel]
        sets = ", ".join(
            f"x.{q(p)} = {self.typed(self._field(p), model.prop(p))}" for p in props if p not in identity
        )
        return (
            f"UNWIND $rows AS r MATCH (a:{q(src)} {{{q(a.key)}: r.src}})-[x:{q(rel)}]->(b:{q(dst)} {{{q(b.key)}: r.dst}})"
            f"{self._rel_identity(rel, identity)} SET {sets}"
        )

    def delete_rel_rows(self, rel: str, src: str, dst: str, identity: Sequence[str]) -> str:
        a, b = self._ends(src, dst)
        return (
            f"UNWIND $rows AS r MATCH (a:{q(src)} {{{q(a.key)}: r.src}})-[x:{q(rel)}]->(b:{q(dst)} {{{q(b.key)}: r.dst}})"
            f"{self._rel_identity(rel, identity)} DELETE x"
        )

    def scan_rel_rows(self, rel: str, src: str, dst: str) -> str:
        """Every relationship of a type between two labels, as `fetch_rel_rows` returns them."""
        a, b = self._ends(src, dst)
        cols = "".join(f", x.{q(p.name)} AS {q(p.name)}" for p in RELS[rel].props)
        return f"MATCH (a:{q(src)})-[x:{q(rel)}]->(b:{q(dst)}) RETURN a.{q(a.key)} AS src, b.{q(b.key)} AS dst{cols}"
