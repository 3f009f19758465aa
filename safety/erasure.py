"""Personal data: the right to erasure (`icpmap forget PERSON_ID`).

The graph holds people's names, role titles and the roles they hold, nothing more. To
forget a person removes their node and every relationship to or from it (HOLDS,
WORKS_FOR, ENDORSED) in one transaction. On the embedded store the database file keeps
a deleted value's bytes until the space is reused, so by default the store is then
rebuilt: the whole graph is copied into a new file (through the input format, checked
by checksum) which replaces the old one, and the name is gone from the disk as well.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..graph.dialect import q
from ..graph.model import RELS
from ..graph.store import Store, Tx


@dataclass
class Forgotten:
    person_id: str
    relationships: dict[str, int] = field(default_factory=dict)
    rebuilt: bool = False

    @property
    def total(self) -> int:
        return sum(self.relationships.values())


def person_rels() -> list[str]:
    return [name for name, rel in RELS.items() if any("Person" in ends for ends in rel.ends)]


def forget(store: Store, person_id: str) -> Forgotten:
    """Remove the Person `person_id` and all their relationships, all or nothing.

    Raises `UserError` when no person has that id (nothing changes)."""
    person_id = person_id.strip()
    if not person_id:
        raise UserError("Give the id of the person to forget (the `id` column of people.csv).")

    def work(tx: Tx) -> Forgotten | None:
        found = tx.run("MATCH (p:Person {id: $id}) RETURN count(p) AS n", {"id": person_id}).scalar()
        if not found:
            return None
        out = Forgotten(person_id)
        for rel in person_rels():
            n = tx.run(f"MATCH (p:Person {{id: $id}})-[r:{q(rel)}]-() RETURN count(r) AS n", {"id": person_id}).scalar()
            if n:
                out.relationships[rel] = int(n)
        tx.run("MATCH (p:Person {id: $id}) DETACH DELETE p", {"id": person_id})
        return out

    done = store.execute_write(work)
    if done is None:
        raise UserError(f"No person has the id {person_id!r}; nothing was changed.")
    return done


def rebuild_embedded(path: Path | str) -> None:
    """Rewrite the embedded store at `path` into a new file holding only what is live, so that
    deleted values leave no bytes behind; the new file replaces the old one once it is checked.

    No store on `path` may be open in this process."""
    from ..graph.ladybug_store import LadybugStore
    from ..loaders.export import checksum, copy_graph, read_graph

    path = Path(path).expanduser().resolve()
    tag = uuid.uuid4().hex[:8]
    fresh = path.parent / f".{path.name}.rebuild-{tag}"
    backup = path.parent / f".{path.name}.before-rebuild-{tag}"
    try:
        with LadybugStore(path) as source:
            with LadybugStore(fresh) as target:
                target.ensure_schema()
                want = copy_graph(source, target).checksum
            # Swap while still holding the old store, so no other process can open it meanwhile;
            # the old file stays (as `backup`) until the new one has been checked.
            os.link(path, backup)
            os.replace(fresh, path)
        with LadybugStore(path) as check:
            got = checksum(read_graph(check))
        if got != want:
            os.replace(backup, path)
            raise UserError(f"Rebuilding the store at {path} gave a different graph; the old store was kept.")
    finally:
        # the new file's write-ahead log and lock file too (the lock is named after the path it
        # was made under, so it would be left behind, one per erasure)
        for leftover in (fresh, Path(f"{fresh}.wal"), Path(f"{fresh}.icpmap-lock"), backup):
            if leftover.exists():
                leftover.unlink()
