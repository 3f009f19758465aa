"""Data safety: `icpmap loads` (the load audit), `icpmap forget` (erasure), `icpmap copy` (between stores).

The whole-graph backup is `icpmap export DIR` (in visual_cmds.py, beside the diagram exports).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer

from ..errors import UserError
from ..graph import Store
from ..graph.model import NODES, RELS
from ..safety import audit
from .app import Table, Text, app, console, fail, state, store_label


def _summary(entry: dict[str, Any]) -> str:
    report = entry.get("report")
    if entry.get("status") == "refused":
        return f"{entry.get('problems')} problem(s)"
    if entry.get("status") == "forgotten":
        return f"person {entry.get('person_id')}, {sum((entry.get('relationships') or {}).values())} relationship(s)"
    if isinstance(report, dict):
        tables = report.get("tables")
        if isinstance(tables, list):
            made = {k: sum(int(t.get(k) or 0) for t in tables if isinstance(t, dict))
                    for k in ("created", "updated", "deleted")}
            return f"{made['created']} created, {made['updated']} updated, {made['deleted']} removed"
        counts = report.get("counts")
        if isinstance(counts, dict):
            return f"{sum(v for k, v in counts.items() if k in NODES)} nodes, " \
                   f"{sum(v for k, v in counts.items() if k in RELS)} relationships copied"
    return ""


@app.command("loads")
def loads(
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=100_000, help="How many entries, newest first."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json (every field of each entry)."),
) -> None:
    """The load audit: every load (CLI, service, copy) and erasure, newest first, with who, when and which files."""
    if fmt not in ("table", "json"):
        fail("--format must be table or json.")
    path = audit.default_path(db=state.db)
    items = audit.entries(path, limit)
    if fmt == "json":
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return
    table = Table("at", "by", "via", "status", "files", "rows", "outcome", "id", title=f"Load audit ({path})")
    for e in items:
        files = [f for f in e.get("files") or [] if isinstance(f, dict)]
        rows = sum(int(f.get("rows") or 0) for f in files)
        names = ", ".join(Path(str(f.get("name") or f.get("path") or "")).name for f in files[:3])
        if len(files) > 3:
            names += f" +{len(files) - 3}"
        table.add_row(*(Text(str(v)) for v in (e.get("at", ""), e.get("by", ""), e.get("via", "api"), e.get("status", ""),
                                                 names, rows if files else "", _summary(e), e.get("id", ""))))
    console.print(table)
    if not items:
        console.print(f"No loads recorded yet in {path}.", style="dim")


@app.command("forget")
def forget(
    person_id: str = typer.Argument(None, metavar="PERSON_ID", help="The person's id (the id column of people.csv)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    rebuild: bool = typer.Option(True, "--rebuild/--no-rebuild",
                                 help="Embedded store: rewrite the store file afterwards so the person's name is "
                                      "gone from the disk too (default)."),
    rebuild_only: bool = typer.Option(False, "--rebuild-only", help="Only rewrite the embedded store's file."),
) -> None:
    """Forget a person (the right to erasure): their node and every relationship to or from them."""
    from ..safety.erasure import forget as forget_person
    from ..safety.erasure import rebuild_embedded

    if rebuild_only:
        with state.store() as store:
            engine, location = store.engine, store.location
        if engine != "ladybug":
            fail("--rebuild-only applies to the embedded store.")
        rebuild_embedded(location)
        console.print(Text(f"Rebuilt the store file {location}: deleted values are gone from the disk."))
        return
    if not person_id:
        fail("Give the id of the person to forget (the id column of people.csv).")
    with state.store() as store:
        found = store.read("MATCH (p:Person {id: $id}) RETURN p.name AS name", {"id": person_id.strip()}).rows
        if not found:
            fail(f"No person has the id {person_id.strip()!r}; nothing was changed.")
        if not yes and not typer.confirm(f"Forget {person_id.strip()} ({found[0][0]}) and all their roles?"):
            fail("Nothing was changed.")
        done = forget_person(store, person_id)
        engine, location = store.engine, store.location
    audit.record(audit.default_path(location), {
        "id": audit.new_id(), "at": audit.now(), "by": audit.os_user(), "via": "cli", "status": "forgotten",
        "person_id": done.person_id, "relationships": done.relationships, "files": [],
    })
    if engine == "ladybug" and rebuild:
        try:
            rebuild_embedded(location)
        except UserError as exc:
            fail(f"{done.person_id} was forgotten, but the store file could not be rebuilt, so their name may "
                 f"still be in its unused space: {exc} Run `icpmap forget --rebuild-only` when the store is free.")
        done.rebuilt = True
    removed = ", ".join(f"{n} {rel}" for rel, n in done.relationships.items()) or "no relationships"
    console.print(Text(f"Forgot {done.person_id}: the person and {removed}."
                       + (" The store file was rebuilt, so nothing of them is left on disk." if done.rebuilt else "")))
    console.print(Text("Remove them from your source files and earlier exports too, or a later load will bring "
                       "them back.", style="dim"))


def _target_store(to: str) -> Store:
    if "://" in to:
        from ..graph.config import Neo4jSettings
        from ..graph.neo4j_store import Neo4jStore

        settings = Neo4jSettings(uri=to, user=os.environ.get("ICPMAP_NEO4J_USER", "neo4j"),
                                 password=os.environ.get("ICPMAP_NEO4J_PASSWORD", ""),
                                 database=os.environ.get("ICPMAP_NEO4J_DATABASE") or None)
        store: Store = Neo4jStore(settings)
    else:
        from ..graph.ladybug_store import LadybugStore

        store = LadybugStore(Path(to))
    store.ensure_schema()
    return store


@app.command("copy")
def copy(
    to: str = typer.Option(..., "--to", help="The empty store to copy into: neo4j://host:7687 (bolt://, neo4j+s://; "
                                            "user and password from ICPMAP_NEO4J_USER and ICPMAP_NEO4J_PASSWORD), "
                                            "or the path of an embedded store."),
) -> None:
    """Copy the whole graph into another, empty store (embedded <-> Neo4j), then check the copy is identical."""
    from ..loaders.export import copy_graph

    with state.store(read_only=True) as source:
        if "://" not in to and Path(to).expanduser().resolve() == Path(source.location):
            fail("--to names the store being copied.")
        with _target_store(to) as target:
            report = copy_graph(source, target, progress=lambda what: console.print(Text(what + "..."), style="dim"))
            audit.record(audit.default_path(target.location), {
                "id": audit.new_id(), "at": audit.now(), "by": audit.os_user(), "via": "copy", "status": "loaded",
                "source": store_label(source), "files": [],
                "report": {"counts": report.counts, "checksum": report.checksum, "seconds": round(report.seconds, 3)},
            })
            label = store_label(target)
    nodes = sum(n for k, n in report.counts.items() if k in NODES)
    rels = sum(n for k, n in report.counts.items() if k in RELS)
    console.print(Text(f"Copied {nodes} nodes and {rels} relationships into {label} in {report.seconds:.1f}s; "
                       f"the copy is identical (checksum {report.checksum[:16]})."))
