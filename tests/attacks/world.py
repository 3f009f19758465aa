"""A small store, a canary file and an audit file, and the one check every attack case makes:
the store's checksum, the canary, its folder and the audit are unchanged, and no output holds
the canary's secret (or /etc/passwd)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from icpmap.graph import Store

from .corpus import Targets

TINY = {
    "ics.csv": "code,name\nQYG,Test ICS\n",
    "places.csv": "code,name,ics_code\nE08000014,Sefton,QYG\n",
    "organisations.csv": "code,name,sector,statutory\nORG1,Org One,voluntary,false\nORG2,Org Two,nhs_trust,true\n",
    "boards.csv": "code,name,kind,place_code,ics_code,parent_board_code\n"
                  "PPB-1,Place Board,place_partnership_board,E08000014,,\n",
    "memberships.csv": "organisation_code,board_code,role,from,to\nORG1,PPB-1,core,2021-04-01,\n",
    "people.csv": "id,name,role_title,organisation_code\nPER-1,Ada Secret-Person,Director,ORG1\n",
    "roles.csv": "person_id,role,target_code,from\nPER-1,place_lead,E08000014,2021-07-01\n",
    "endorsements.csv": "organisation_code,person_id,endorsed_on\nORG2,PER-1,2022-02-21\n",
}


def graph_checksum(store: Store) -> str:
    """SHA-256 of every node and relationship with its properties, and of the schema (tables,
    macros): a few queries, so each attack case can afford it (`loaders.export.checksum`, the
    full one, runs before and after each batch)."""
    reads = ["MATCH (n) RETURN n", "MATCH (a)-[r]->(b) RETURN a, r, b"]
    if store.engine == "ladybug":
        reads += ["CALL show_tables() RETURN *", "CALL show_macros() RETURN *", "CALL show_sequences() RETURN *"]
    else:
        reads += ["SHOW CONSTRAINTS YIELD name RETURN name", "SHOW INDEXES YIELD name RETURN name",
                  "CALL db.labels() YIELD label RETURN label"]
    digest = hashlib.sha256()
    for cypher in reads:
        rows = sorted(repr(row) for row in store.read(cypher).rows)
        digest.update(repr(rows).encode())
    return digest.hexdigest()


def write_tiny(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TINY.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@dataclass
class State:
    checksum: str
    canary: bytes
    listing: tuple[str, ...]
    audit: bytes | None


class World:
    """Files an attack may not touch, around `store` (the store itself is opened by the caller)."""

    def __init__(self, root: Path, audit: Path) -> None:
        self.root = root
        self.secret = "CANARY-" + secrets.token_hex(8)
        self.folder = root / "canary"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.canary = self.folder / "secret.csv"
        self.canary.write_text(f"{self.secret},x\n{self.secret}-2,\"unterminated\nz,1,2,3\n", encoding="utf-8")
        self.audit = audit
        if not audit.exists():
            audit.write_text('{"id":"seed","status":"loaded"}\n', encoding="utf-8")
        self.targets = Targets(canary=str(self.canary), write_to=str(self.folder / "written.csv"),
                               folder=str(self.folder))

    def state(self, store: Store | None, files: list[Path] | None = None) -> State:
        """The checksum of the graph in `store`, or of the store's files (a store no one has open)."""
        if store is not None:
            checksum = graph_checksum(store)
        else:
            digest = hashlib.sha256()
            for f in files or []:
                digest.update(f.read_bytes() if f.exists() else b"-")
            checksum = digest.hexdigest()
        listing = tuple(sorted(p.name for p in self.folder.iterdir()))
        return State(checksum, self.canary.read_bytes(), listing, self.audit.read_bytes() if self.audit.exists() else None)

    def check(self, before: State, after: State, output: str, case: str) -> None:
        assert after.checksum == before.checksum, f"{case}: the store changed"
        assert after.canary == before.canary, f"{case}: the canary file was written"
        assert after.listing == before.listing, f"{case}: a file appeared beside the canary: {after.listing}"
        assert after.audit == before.audit, f"{case}: the audit changed"
        assert self.secret not in output, f"{case}: the canary's content reached the output"
        assert "root:x:0:0" not in output, f"{case}: /etc/passwd reached the output"
        assert "Traceback" not in output, f"{case}: a traceback reached the user: {output[-2000:]}"
