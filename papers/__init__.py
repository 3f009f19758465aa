"""icpmap.papers: board papers, as Word and PDF, built from the reports.

    from icpmap.papers import place_profile, ics_pack, render, write
    doc = place_profile(store, "E08000012")            # a Place partnership profile
    doc = ics_pack(store, "QYG")                        # the ICS pack: summary, chase list, one profile per Place
    write(doc, "liverpool.docx"); write(doc, "liverpool.pdf")   # the same content in both

Two steps, so that the store can be closed before the drawing starts: `prepare(store, ...)`
reads everything from the reports (`facts.py`) and the load audit; `compose(prepared)`
draws the pictures (`figures.py`; in processes started before the store is opened with
`painter.Painter`, or an ICS pack's Places in forked processes with `workers`) and lays out the content (`content.py`) as format-free blocks (`model.py`),
which python-docx (`docx_writer.py`) or fpdf2 (`pdf_writer.py`) then write. Heavy
imports (matplotlib, python-docx, fpdf2, networkx) happen only when a paper is made.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError

if TYPE_CHECKING:
    from ..graph import Store
    from .model import Document

FORMATS = ("docx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass
class Prepared:
    """Everything a paper says, read from the store: compose it after the store is closed."""

    kind: str  # place | ics
    facts: Any  # PlaceFacts | IcsFacts
    sources: list[Any]
    last_load: str | None
    engine: str
    milestones: list[dict[str, Any]]
    names: bool
    settings: Any
    extra: dict[str, Any] = field(default_factory=dict)


def prepare(store: Store, *, place: str | None = None, ics: str | None = None, as_at: dt.date | None = None,
            since: dt.date | None = None, names: bool = True, audit_path: str | os.PathLike[str] | None = None,
            settings: Any = None, painter: Any = None) -> Prepared:
    """Read a Place profile's (`place`) or an ICS pack's (`ics`) facts. `names=False` shows people by id only.
    `since`: compare with that date (the headline figures' change, and what changed since: the changes report).
    `painter` (`painter.Painter`): starts drawing each Place's diagram and map as soon as they are read."""
    from ..reports.settings import load_settings
    from ..safety.audit import default_path
    from .facts import gather, gather_ics, milestones, sources

    if (place is None) == (ics is None):
        raise UserError("Give a Place (--place CODE) or an ICS (--ics CODE).")
    settings = settings or load_settings()
    found, last = sources(Path(audit_path) if audit_path is not None else default_path(store.location))
    engine = {"ladybug": "embedded (LadybugDB)", "neo4j": "Neo4j"}.get(store.engine, store.engine)
    on_graph = painter.early if painter is not None else None
    if place is not None:
        facts: Any = gather(store, place=place, as_at=as_at, names=names, settings=settings, since=since,
                            on_graph=on_graph)[0]
        return Prepared("place", facts, found, last, engine, milestones(store), names, settings)
    facts = gather_ics(store, ics or "", as_at=as_at, names=names, settings=settings, since=since, on_graph=on_graph)
    return Prepared("ics", facts, found, last, engine, facts.milestones, names, settings)


def draw(prepared: Prepared, *, workers: int = 1) -> dict[str, Any]:
    """Every picture of the paper: {"places": {code: {name: Figure | None}}, "ics": {...} | None}.
    `workers` > 1 draws an ICS pack's Places in forked processes: only when no store is open in
    this process (`painter.Painter` starts its processes before the store is opened instead)."""
    from . import figures

    expected = list(prepared.settings.expected_sectors)
    if prepared.kind == "place":
        return {"places": {prepared.facts.code: figures.place_pictures(prepared.facts, expected)}, "ics": None}
    return {"places": figures.all_pictures(prepared.facts.places, expected, workers),
            "ics": figures.ics_pictures(prepared.facts)}


def compose(prepared: Prepared, *, workers: int = 1, drawn: dict[str, Any] | None = None) -> Document:
    """Lay out the paper with its pictures: `drawn` (as `draw` or a `Painter` returns them), else
    drawn here (`draw(prepared, workers=workers)`)."""
    from . import content

    p = prepared
    drawn = drawn if drawn is not None else draw(p, workers=workers)
    common = {"sources": p.sources, "last_load": p.last_load, "engine": p.engine, "settings": p.settings,
              "names": p.names}
    if p.kind == "place":
        return content.place_profile(p.facts, milestones=p.milestones, pictures=drawn["places"][p.facts.code],
                                     **common)
    return content.ics_pack(p.facts, pictures=drawn["places"], ics_pictures=drawn["ics"], **common)


def place_profile(store: Store, place: str, **options: Any) -> Document:
    """A Place partnership profile (options as `prepare`)."""
    return compose(prepare(store, place=place, **options))


def ics_pack(store: Store, ics: str, **options: Any) -> Document:
    """The ICS pack: a summary across Places, the chase list, then one profile per Place."""
    return compose(prepare(store, ics=ics, **options))


def format_of(path: str | os.PathLike[str]) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"A board paper is written as .docx (Word) or .pdf; got {Path(path).name!r}.")
    return fmt


def writer(fmt: str) -> Any:
    """The function that writes a paper as `fmt` (its library imported: a painter's workers draw meanwhile)."""
    if fmt == "docx":
        import docx  # noqa: F401  (the writer imports its library when it runs: import it now)

        from .docx_writer import render as render_docx

        return render_docx
    if fmt == "pdf":
        import fpdf  # noqa: F401

        from .pdf_writer import render as render_pdf

        return render_pdf
    raise UserError(f"A board paper is written as docx or pdf; got {fmt!r}.")


def render(doc: Document, fmt: str) -> bytes:
    """The paper as the bytes of a .docx or .pdf file."""
    return writer(fmt)(doc)


def write(doc: Document, path: str | os.PathLike[str]) -> Path:
    """Write the paper to `path`; its extension (.docx or .pdf) chooses the format."""
    path = Path(path)
    data = render(doc, format_of(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


DEMO_PLACE = "E08000012"  # Liverpool, in the bundled sample


def write_demo(store: Store, out_dir: str | os.PathLike[str]) -> list[Path]:
    """What `icpmap demo` writes: the Liverpool profile (else the first Place's) and every ICS's
    pack, each as Word and PDF, in `out_dir`, named as every demo file is
    (`profile-liverpool-E08000012.pdf`, `pack-cheshire-and-merseyside-QYG.docx`)."""
    from .. import cypher
    from ..visualise.graph import read_query
    from ..visualise.names import stem as file_stem

    places = store.read(cypher.get("places").text).records()
    if not places:
        return []
    folder = Path(out_dir)
    by_code = {p["place_code"]: p for p in places}
    place = DEMO_PLACE if DEMO_PLACE in by_code else places[0]["place_code"]
    jobs = [(file_stem("profile", place, by_code[place]["place_name"]), prepare(store, place=place))]
    codes = sorted({p["ics_code"] for p in places if p["ics_code"]})
    ics = {r["ics_code"]: r["ics_name"] for r in read_query(store, "visual-ics", ics=codes)} if codes else {}
    jobs += [(file_stem("pack", code, ics.get(code)), prepare(store, ics=code)) for code in codes]
    written = []
    for name, prepared in jobs:
        doc = compose(prepared)
        for fmt in FORMATS:
            written.append(write(doc, folder / f"{name}.{fmt}"))
    return written


__all__ = ["DEMO_PLACE", "FORMATS", "MEDIA_TYPES", "Prepared", "compose", "draw", "format_of", "ics_pack",
           "place_profile", "prepare", "render", "write", "write_demo", "writer"]
