"""What a Place profile and an ICS pack say, section by section, as format-free blocks.

Every figure comes from a report (`facts.py`); every picture from `figures.py`. The words
around them say what each section means, so a board member can read the paper without
the README. Data is put in as plain text (`model.plain`); the writers never read it as
markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import __version__
from ..reports.changes import LABELS as CHANGE_LABELS
from ..reports.settings import ReportSettings, load_settings
from ..visualise.style import kind_label, sector_label
from . import figures
from .facts import FEATURES, IcsFacts, PlaceFacts, Source
from .model import (
    AMBER,
    GREEN,
    GREY,
    LIGHT,
    RED,
    Cell,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Span,
    Table,
    plain,
)

STATUS = {"met": ("Met", GREEN), "partial": ("Partial", AMBER), "not_met": ("Not met", RED)}
MILESTONE = {"on_time": ("On time", GREEN), "late": ("Late", AMBER), "outstanding": ("Outstanding", RED)}
REASON = {"not_signed": "Listed as a party, not signed", "no_signature_row": "Core member, not listed as a party"}
MAX_SOURCES = 30  # data sources listed in the title block (the rest counted)


def long_date(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day} {day:%B %Y}"


def iso(day: Any) -> str:
    return day.isoformat() if isinstance(day, dt.date) else plain(day)


def status_cell(status: str, table: dict[str, tuple[str, str]] = STATUS) -> Cell:
    label, colour = table.get(status, (plain(status), GREY))
    return Cell(label, fill=LIGHT.get(colour, colour), bold=True)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _signed(delta: int) -> str:
    return "no change" if delta == 0 else f"{delta:+d}"


# -- the title block -------------------------------------------------------------------------------------


def title_block(doc: Document, rows: list[tuple[str, str]], sources: list[Source], last_load: str | None,
                engine: str) -> None:
    """The paper's particulars, with where its data came from (the load audit) in brief."""
    published = [s for s in sources if s.extract]
    if sources:
        brief = "; ".join(f"{s.file} ({s.read_as}, extract {s.extract})" for s in published[:6])
        if len(published) > 6:
            brief += f"; and {len(published) - 6} more published files"
        own = len(sources) - len(published)
        if own:
            brief += ("; " if brief else "") + f"{own} file{'s' if own != 1 else ''} of the partnership's own"
        rows = [*rows, ("Data sources", brief + " (listed under Data sources at the end)"),
                ("Last loaded", f"{_when(last_load)} UTC")]
    else:
        rows = [*rows, ("Data sources", "not recorded: no load in the load audit of this store")]
    doc.add(Table.of(["Item", "Detail"], [[Cell(k, bold=True), v] for k, v in rows], [1, 3.2],
                     caption="About this paper"))


def sources_section(doc: Document, sources: list[Source], last_load: str | None, engine: str) -> None:
    """The files behind the figures, from the load audit (`icpmap loads`)."""
    doc.add(Heading("Data sources", 1))
    if not sources:
        doc.add(Paragraph.of("No load is recorded in the load audit of this store (`icpmap loads`), so the files "
                             "behind these figures cannot be listed. Loads made with `icpmap load`, `icpmap demo` or "
                             "the web service are recorded."))
        return
    doc.add(Paragraph.of(f"The {engine} store was last loaded at {_when(last_load)} UTC. Each file is listed as it was "
                         "last loaded (the load audit, `icpmap loads`): published NHS and ONS files with the extract "
                         "date of their edition, the partnership's own files with none."))
    shown = sources[:MAX_SOURCES]
    doc.add(Table.of(["File", "Read as", "Extract date", "Rows", "Loaded (UTC)"],
                     [[s.file, s.read_as or "", s.extract or "", s.rows if s.rows is not None else "", _when(s.loaded_at)]
                      for s in shown], [2.2, 1.6, 1.0, 0.7, 1.4], caption="Data sources"))
    if len(sources) > MAX_SOURCES:
        doc.add(Paragraph.of(f"… and {len(sources) - MAX_SOURCES} more files (`icpmap loads` lists them all).",
                             style="note"))


def _when(stamp: str | None) -> str:
    """An audit time (ISO, UTC) as `2026-11-22 10:31`."""
    if not stamp:
        return ""
    try:
        return dt.datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return plain(stamp)


# -- one Place -----------------------------------------------------------------------------------------


HEADLINES = (
    ("partners", "Partners (organisations in the partnership)"),
    ("sectors", "Sectors represented"),
    ("statutory", "Statutory partners"),
    ("non_statutory", "Non-statutory partners"),
    ("signatures_outstanding", "Signatures outstanding"),
    ("missing_links", "Missing links"),
    ("coterminous_pcns", "Coterminous PCNs"),
    ("features_met", "Core features met"),
)


def _figure_text(key: str, h: dict[str, int]) -> str:
    if key == "coterminous_pcns":
        return f"{h['coterminous_pcns']} of {h['pcns']}"
    if key == "features_met":
        return f"{h['features_met']} of 7"
    return str(h[key])


def headline_table(place: PlaceFacts, before: PlaceFacts | None = None) -> Table:
    now = place.headline()
    if before is None:
        return Table.of(["Measure", "Value"], [[label, Cell(_figure_text(k, now), align="right")] for k, label in HEADLINES],
                        [3, 1.2], caption=f"Headline figures as at {place.as_at.isoformat()}")
    then = before.headline()
    rows = []
    for key, label in HEADLINES:
        rows.append([label, Cell(_figure_text(key, now), align="right"), Cell(_figure_text(key, then), align="right"),
                     Cell(_signed(now[key] - then[key]), align="right")])
    return Table.of(["Measure", f"As at {place.as_at.isoformat()}", f"As at {before.as_at.isoformat()}", "Change"],
                    rows, [2.6, 1.1, 1.1, 0.9], caption=f"Headline figures, and the change since {before.as_at.isoformat()}")


def place_sections(doc: Document, place: PlaceFacts, level: int, pictures: dict[str, Figure | None]) -> None:
    """The sections of a Place profile, their headings at `level`; with the figures as at
    `place.since` (`--since`), the headline figures' change and what changed."""
    h = place.headline()
    doc.add(Heading("Headline figures", level))
    doc.add(Paragraph.of(
        f"{place.name} has {_count(h['partners'], 'partner')} from {_count(h['sectors'], 'sector')}; "
        f"{_count(h['signatures_outstanding'], 'expected signature')} outstanding, "
        f"{_count(h['missing_links'], 'missing link')}, {h['coterminous_pcns']} of "
        f"{_count(h['pcns'], 'PCN')} coterminous, and {h['features_met']} of the 7 core features met."))
    doc.add(headline_table(place, place.before))
    doc.add(Paragraph.of("Partners: the distinct organisations that are current members (core or wider) of a place "
                         "partnership board or health and wellbeing board serving the Place (the breadth report). "
                         "Signatures outstanding: the unsigned report's rows; missing links: the missing-links report's; "
                         "coterminous PCNs: the coterminosity report's.", style="note"))

    if place.changes is not None:
        changes_section(doc, place, level)

    doc.add(Heading("Partnership diagram", level))
    if pictures.get("diagram") is not None:
        doc.add(pictures["diagram"])
    else:
        doc.add(Paragraph.of("Nothing to draw."))
    map_section(doc, "Map", level, pictures.get("map"), place.name)

    doc.add(Heading("The seven core features", level))
    doc.add(Paragraph.of("Where the Place stands on the seven core features of an integrated care partnership (the "
                         "assurance report): met, partial or not met, with the evidence that decides it."))
    doc.add(Table.of(["#", "Feature", "Status", "Evidence"],
                     [[Cell(str(r["feature"]), align="right"), Cell(plain(r["name"]), bold=True), status_cell(r["status"]),
                       plain(r["evidence"])] for r in place.assurance],
                     [0.35, 1.6, 0.9, 4.2], caption=f"Core features of {place.name} as at {place.as_at.isoformat()}"))

    unsigned_section(doc, place, level)
    missing_links_section(doc, place, level)
    breadth_section(doc, place, level, pictures.get("sectors"))
    lead_section(doc, place, level)
    coterminosity_section(doc, place, level, pictures.get("coterminosity"))
    milestones_section(doc, place, level)


def unsigned_section(doc: Document, place: PlaceFacts, level: int) -> None:
    doc.add(Heading("Parties that have not signed", level))
    if place.agreements:
        doc.add(Paragraph.of("Agreements for the Place: " + "; ".join(
            f"{plain(a['title'] or a['code'])} ({plain(a['code'])}, {kind_label(a['kind']).lower() or 'agreement'}): "
            f"{a['signed']} of {a['parties']} listed parties signed" for a in place.agreements) + "."))
    else:
        doc.add(Paragraph.of("No agreement is recorded for the Place (see core feature 1)."))
    if place.unsigned:
        doc.add(Paragraph.of("Expected parties of each agreement that have not signed it: every organisation listed as a "
                             "party, and every core member of the partnership (the unsigned report)."))
        doc.add(Table.of(["Agreement", "Organisation", "Code", "Why it is expected"],
                         [[r["agreement_code"], r["organisation_name"] or "", r["organisation_code"],
                           REASON.get(r["reason"], plain(r["reason"]))] for r in place.unsigned],
                         [1.3, 2.6, 1.2, 2.2], caption=f"Parties that have not signed ({len(place.unsigned)})"))
    elif place.agreements:
        doc.add(Paragraph.of("Every expected party has signed."))


def missing_links_section(doc: Document, place: PlaceFacts, level: int) -> None:
    doc.add(Heading("Missing links", level))
    doc.add(Paragraph.of("Links the ICP board is expected to have with other boards (health and wellbeing, "
                         "safeguarding adults and children, community safety, local enterprise) that the data does "
                         "not record, in either direction (the missing-links report)."))
    if place.missing_links:
        doc.add(Table.of(["ICP board", "Code", "No link with a"],
                         [[place.boards.get(r["board_code"], r["board_code"]), r["board_code"],
                           kind_label(r["missing_kind"])] for r in place.missing_links],
                         [2.8, 1.6, 2.6], caption=f"Missing links ({len(place.missing_links)})"))
    elif any(a["feature"] == 1 and "No ICP board" in (a["evidence"] or "") for a in place.assurance):
        doc.add(Paragraph.of("The Place has no ICP board, so no link can be checked (see core feature 1)."))
    else:
        doc.add(Paragraph.of("No expected link is missing."))


def breadth_section(doc: Document, place: PlaceFacts, level: int, chart: Figure | None) -> None:
    b = place.breadth
    doc.add(Heading("Breadth of the partnership", level))
    missing = b.get("missing_sectors") or []
    doc.add(Paragraph.of(
        f"{_count(int(b['members'] or 0), 'partner')} from {_count(int(b['sectors'] or 0), 'sector')}: "
        f"{b['statutory']} statutory, {b['non_statutory']} non-statutory. "
        + (f"Expected sectors with no member: {', '.join(sector_label(s) for s in missing)}."
           if missing else "Every expected sector has a member.")))
    if chart is not None:
        doc.add(chart)
    if place.members:
        doc.add(Table.of(["Organisation", "Code", "Sector", "Statutory", "Role"],
                         [[m["organisation_name"] or "", m["organisation_code"], sector_label(m["sector"]),
                           "yes" if m["statutory"] else "no", m["role"]] for m in place.members],
                         [2.9, 1.6, 1.4, 0.8, 0.7], caption=f"Partnership members ({len(place.members)})"))


def lead_section(doc: Document, place: PlaceFacts, level: int) -> None:
    doc.add(Heading("Place lead and endorsements", level))
    lead = place.lead
    if lead is None:
        doc.add(Paragraph.of("No place lead is recorded for the Place (see core feature 2)."))
        return
    who = [Span(lead.label, bold=True)]
    if lead.role_title:
        who.append(Span(f", {plain(lead.role_title)}"))
    if lead.employer:
        who.append(Span(f" (employed by {plain(lead.employer)})"))
    since = f" since {lead.since.isoformat()}" if lead.since else ""
    doc.add(Paragraph([*who, Span(f": place lead{since}; endorsed by {lead.endorsed_by} of {_count(lead.core_members, 'core member')}; " f"{'on' if lead.on_forum else 'not on'} the Place Collaborative Forum.")]))
    codes = {m["organisation_code"]: m for m in place.members if m["role"] == "core"}
    endorsed = {e["organisation_code"]: e for e in lead.endorsements}
    rows = []
    for code in sorted(set(codes) | set(lead.missing), key=lambda c: ((codes.get(c) or {}).get("organisation_name") or "", c)):
        e = endorsed.get(code)
        rows.append([(codes.get(code) or {}).get("organisation_name") or "", code,
                     Cell("Endorsed", fill=LIGHT[GREEN]) if code not in lead.missing else Cell("Not yet", fill=LIGHT[RED]),
                     iso(e["date"]) if e and e["date"] else ""])
    if rows:
        doc.add(Table.of(["Core member", "Code", "Endorsement", "On"], rows, [3.0, 1.6, 1.1, 1.1],
                         caption="Endorsements of the place lead by the core members"))
    others = [e for e in lead.endorsements if e["organisation_code"] not in codes]
    if others:
        doc.add(Paragraph.of("Also endorsed by organisations that are not core members (these do not count): "
                             + "; ".join(plain(e["organisation_name"] or e["organisation_code"]) for e in others) + ".",
                             style="note"))


def coterminosity_section(doc: Document, place: PlaceFacts, level: int, chart: Figure | None) -> None:
    opts = place.coterminosity_options
    doc.add(Heading("Coterminosity of the Place's PCNs", level))
    doc.add(Paragraph.of(
        f"Each PCN with a current practice in {place.name} (or leading one of its neighbourhoods): the share of its "
        f"{opts.get('by', 'patients')} in its main {opts.get('level', 'place')} footprint. It is coterminous when that "
        f"share is at least {float(opts.get('threshold') or 0.95):.0%} and the footprint is known (the coterminosity "
        "report)."))
    if not place.coterminosity:
        doc.add(Paragraph.of("No PCN has a current practice located in this Place."))
        return
    if chart is not None:
        doc.add(chart)
    doc.add(Table.of(["PCN", "Code", "Main footprint", "Share", "Footprints", "Coterminous", "Unknown"],
                     [[r["pcn_name"] or "", r["pcn_code"], r["main_footprint"] or "",
                       Cell("" if r["share"] is None else f"{float(r['share']):.1%}", align="right"),
                       int(r["footprints"] or 0),
                       Cell("yes", fill=LIGHT[GREEN]) if r["coterminous"] else Cell("no", fill=LIGHT[AMBER]),
                       int(r.get("unknown") or 0)] for r in place.coterminosity],
                     [2.3, 0.9, 1.2, 0.8, 0.9, 1.0, 0.8], caption=f"PCNs of {place.name} ({len(place.coterminosity)})"))


def milestones_section(doc: Document, place: PlaceFacts, level: int) -> None:
    doc.add(Heading("ICS milestones", level))
    doc.add(Paragraph.of("The ICS development timeline's milestones that the graph can evidence for a Place: on time "
                         "(done by the due date), late, or outstanding at the as-at date (the timeline report)."))
    if place.timeline:
        doc.add(Table.of(["Milestone", "Due", "Status", "Completed on"],
                         [[plain(r.get("title") or r["milestone_code"]), iso(r["due"]), status_cell(r["status"], MILESTONE),
                           iso(r["completed_on"]) if r["completed_on"] else ""] for r in place.timeline],
                         [3.6, 1.0, 1.1, 1.1], caption=f"Milestones of {place.name}"))


def map_section(doc: Document, heading: str, level: int, picture: Figure | None, what: str) -> None:
    """The map (`icpmap map` as a picture), or a line saying why there is none."""
    doc.add(Heading(heading, level))
    if picture is not None:
        doc.add(picture)
    else:
        doc.add(Paragraph.of(f"No map: the store holds no boundary and no practice location for {what}. Load the ONS "
                             "boundary files (and practices' postcodes) to draw one: see Maps in the documentation."))


def change_counts(rows: list[dict[str, Any]]) -> str:
    """`3 joined a board; 2 signed` in the changes report's order of kinds."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    return "; ".join(f"{CHANGE_LABELS.get(k, k)}: {n}" for k, n in counts.items())


def changes_table(rows: list[dict[str, Any]], caption: str) -> Table:
    return Table.of(["Date", "What", "Who", "Of / to", "Detail"],
                    [[iso(r["date"]), CHANGE_LABELS.get(r["kind"], plain(r["kind"])),
                      plain(r["subject_name"] or r["subject_code"]),
                      plain(r["object_name"] or r["object_code"] or ""),
                      plain(r["detail"] or "") + (" (seen in an extract)" if r["evidence"] == "extract" else "")]
                     for r in rows], [0.95, 1.5, 1.9, 1.6, 1.55], caption=caption, size=0.9)


def changes_section(doc: Document, place: PlaceFacts, level: int) -> None:
    """What changed in the Place from `since` to the as-at date: the changes report's rows."""
    since, rows = place.since, place.changes or []
    window = f"from {iso(since)} to {iso(place.as_at)}"
    doc.add(Heading(f"What changed since {iso(since)}", level))
    if not rows:
        doc.add(Paragraph.of(f"Nothing changed in {place.name} {window} (both days included; the changes report)."))
        return
    doc.add(Paragraph.of(f"{_count(len(rows), 'change')} in {place.name} {window}, both days included (the changes "
                         f"report): {change_counts(rows)}. The headline figures above compare the two dates."))
    doc.add(changes_table(rows, f"Changes in {place.name} {window} ({len(rows)})"))
    if any(r["evidence"] == "extract" for r in rows):
        doc.add(Paragraph.of("A change seen in an extract is dated by the extract that first showed it, not by the "
                             "change itself.", style="note"))


def _unchecked(milestones: list[dict[str, Any]], places: list[PlaceFacts]) -> list[dict[str, Any]]:
    checked = {r["milestone_code"] for p in places for r in p.timeline}
    return [m for m in milestones if m["milestone_code"] not in checked]


def place_profile(place: PlaceFacts, *, sources: list[Source], last_load: str | None, engine: str,
                  milestones: list[dict[str, Any]], settings: ReportSettings | None = None,
                  names: bool = True, pictures: dict[str, Figure | None] | None = None) -> Document:
    """A Place profile; `pictures`: the Place's, already drawn (`figures.place_pictures`), else drawn here."""
    settings = settings or load_settings()
    if pictures is None:
        pictures = figures.place_pictures(place, list(settings.expected_sectors))
    title = f"{place.name} place partnership profile"
    doc = Document(title=title, subject=f"Integrated care partnership profile of {place.title}, as at "
                   f"{place.as_at.isoformat()}", footer=f"{title} · as at {place.as_at.isoformat()}")
    doc.add(Heading(title, 0))
    doc.add(Paragraph.of("A board paper on the Place's integrated care partnership, made by icpmap from the reports.",
                         style="subtitle"))
    rows = [("Place", place.title), ("ICS", f"{place.ics_name} ({place.ics_code})" if place.ics_code else "none recorded"),
            ("As at", f"{long_date(place.as_at)} ({place.as_at.isoformat()})")]
    if place.since is not None:
        rows.append(("Compared with", f"{long_date(place.since)} ({place.since.isoformat()})"))
    rows += _produced(engine, names)
    title_block(doc, rows, sources, last_load, engine)
    place_sections(doc, place, 1, pictures)
    milestones_note(doc, _unchecked(milestones, [place]))
    sources_section(doc, sources, last_load, engine)
    return doc


def milestones_note(doc: Document, unchecked: list[dict[str, Any]]) -> None:
    if unchecked:
        doc.add(Paragraph.of("ICS-level milestones, which no Place's data can evidence, are not checked: " + "; ".join(
            f"{plain(m['title'] or m['milestone_code'])} (due {iso(m['due'])})" for m in unchecked) + ".", style="note"))


def _produced(engine: str, names: bool) -> list[tuple[str, str]]:
    now = dt.datetime.now().astimezone()
    rows = [("Produced", f"{now:%Y-%m-%d %H:%M} by icpmap {__version__} from the {engine} store")]
    rows.append(("People", "Named (personal data: do not share outside your role)" if names
                 else "Shown by id only"))
    return rows


# -- an ICS pack ---------------------------------------------------------------------------------------


def ics_pack(ics: IcsFacts, *, sources: list[Source], last_load: str | None, engine: str,
             settings: ReportSettings | None = None, names: bool = True, workers: int = 1,
             pictures: dict[str, dict[str, Figure | None]] | None = None,
             ics_pictures: dict[str, Figure | None] | None = None) -> Document:
    """An ICS pack; `pictures` (each Place's) and `ics_pictures` (`figures.ics_pictures`) already
    drawn, else drawn here (the Places' with `workers` forked processes)."""
    settings = settings or load_settings()
    if pictures is None:
        pictures = figures.all_pictures(ics.places, list(settings.expected_sectors), workers)
    if ics_pictures is None:
        ics_pictures = figures.ics_pictures(ics)
    title = f"{ics.name} place partnerships pack"
    doc = Document(title=title, subject=f"Integrated care partnerships of the Places of {ics.title}, as at "
                   f"{ics.as_at.isoformat()}", footer=f"{title} · as at {ics.as_at.isoformat()}")
    doc.add(Heading(title, 0))
    doc.add(Paragraph.of(f"A pack for the Place Collaborative Forum: where each of the {len(ics.places)} Places stands, "
                         "who still has to sign, and one profile per Place, made by icpmap from the reports.",
                         style="subtitle"))
    rows = [("ICS", ics.title), ("Places", ", ".join(p.name for p in ics.places)),
            ("As at", f"{long_date(ics.as_at)} ({ics.as_at.isoformat()})")]
    if ics.since is not None:
        rows.append(("Compared with", f"{long_date(ics.since)} ({ics.since.isoformat()})"))
    rows += _produced(engine, names)
    title_block(doc, rows, sources, last_load, engine)

    doc.add(PageBreak(), Heading("Summary across Places", 1))
    map_section(doc, "Map of the ICS", 2, ics_pictures["map"], ics.name)
    if ics.changes is not None:
        ics_changes_section(doc, ics)
    doc.add(Heading("Assurance matrix", 2))
    doc.add(Paragraph.of("Each Place against the seven core features of an integrated care partnership (the assurance "
                         "report; each Place's profile gives the evidence)."))
    header = ["Place"] + [f"{i}. {name}" for i, name in enumerate(FEATURES, start=1)] + ["Met"]
    matrix = []
    for p in ics.places:
        by = {int(r["feature"]): r["status"] for r in p.assurance}
        matrix.append([Cell(p.name, bold=True)] + [status_cell(by.get(i, "")) for i in range(1, 8)]
                      + [Cell(f"{p.headline()['features_met']} of 7", align="right")])
    doc.add(Table(header, matrix, [1.25] + [1.0] * 7 + [0.55], caption="Assurance of every Place", size=0.85))

    doc.add(Heading("Signatures outstanding by Place", 2))
    doc.add(Paragraph.of("Expected parties of each Place's agreements that have not signed (the unsigned report): "
                         "listed parties without a signature, and core members not listed at all."))
    doc.add(Table.of(["Place", "Agreements", "Parties listed", "Signed", "Outstanding", "Place lead"],
                     [[Cell(p.name, bold=True), len(p.agreements), sum(a["parties"] for a in p.agreements),
                       sum(a["signed"] for a in p.agreements),
                       Cell(str(len(p.unsigned)), fill=LIGHT[RED] if p.unsigned else LIGHT[GREEN], align="right"),
                       p.lead.label if p.lead else "none recorded"] for p in ics.places],
                     [1.6, 0.9, 0.9, 0.7, 0.9, 2.0], caption="Signatures outstanding by Place"))
    doc.add(ics_pictures["outstanding"])

    doc.add(Heading("Coterminosity by Place", 2))
    doc.add(Paragraph.of("PCNs with a current practice in each Place, and how many are coterminous (the coterminosity "
                         "report, run for each Place)."))
    doc.add(Table.of(["Place", "PCNs", "Coterminous", "Not coterminous", "Share coterminous"],
                     [[Cell(p.name, bold=True), h["pcns"], h["coterminous_pcns"], h["pcns"] - h["coterminous_pcns"],
                       Cell(f"{h['coterminous_pcns'] / h['pcns']:.0%}" if h["pcns"] else "", align="right")]
                      for p, h in ((p, p.headline()) for p in ics.places)],
                     [2.0, 0.8, 1.0, 1.2, 1.2], caption="Coterminosity by Place"))
    doc.add(ics_pictures["coterminosity"])

    doc.add(PageBreak(), Heading("Chase list: parties that have not signed", 1))
    chase = [(p, r) for p in ics.places for r in p.unsigned]
    if chase:
        doc.add(Paragraph.of(f"{_count(len(chase), 'expected signature')} outstanding across "
                             f"{_count(len({p.code for p, _ in chase}), 'Place')}. Each row names the Place lead to "
                             "contact about it."))
        doc.add(Table.of(["Place", "Agreement", "Organisation", "Code", "Why it is expected", "Place lead to contact"],
                         [[p.name, r["agreement_code"], r["organisation_name"] or "", r["organisation_code"],
                           REASON.get(r["reason"], plain(r["reason"])),
                           _contact(p)] for p, r in chase],
                         [1.2, 1.5, 2.0, 1.3, 1.4, 1.7], caption=f"Chase list ({len(chase)})", size=0.9))
    else:
        doc.add(Paragraph.of("Every expected party of every Place agreement has signed."))

    for p in ics.places:
        doc.add(PageBreak(), Heading(f"{p.name} place partnership profile", 1))
        doc.add(Paragraph.of(f"Place {p.title}, as at {p.as_at.isoformat()}.", style="subtitle"))
        place_sections(doc, p, 2, pictures[p.code])
    milestones_note(doc, _unchecked(ics.milestones, ics.places))
    doc.add(PageBreak())
    sources_section(doc, sources, last_load, engine)
    return doc


def ics_changes_section(doc: Document, ics: IcsFacts) -> None:
    """What changed across the ICS since `since`: the changes report for the ICS, counted by Place
    (each Place's profile lists its own), and the changes of ICS-level boards in full."""
    window = f"from {iso(ics.since)} to {iso(ics.as_at)}"
    rows = ics.changes or []
    doc.add(Heading(f"What changed since {iso(ics.since)}", 2))
    doc.add(Paragraph.of(f"{_count(len(rows), 'change')} across the ICS {window}, both days included (the changes "
                         "report for the ICS). Each Place's profile below lists its own."))
    by_place: dict[str | None, list[dict[str, Any]]] = {}
    for r in rows:
        by_place.setdefault(r["place_code"], []).append(r)
    doc.add(Table.of(["Place", "Changes", "What changed"],
                     [[Cell(p.name, bold=True), Cell(str(len(by_place.get(p.code, []))), align="right"),
                       change_counts(by_place.get(p.code, [])) or "nothing"] for p in ics.places],
                     [1.6, 0.8, 5.0], caption=f"Changes by Place {window}"))
    own = by_place.get(None, [])
    if own:
        doc.add(Paragraph.of(f"ICS-level boards ({_count(len(own), 'change')}): boards of the ICS that serve no one Place."))
        doc.add(changes_table(own, f"Changes of ICS-level boards {window} ({len(own)})"))


def _contact(place: PlaceFacts) -> str:
    if place.lead is None:
        return "No place lead recorded: the ICS"
    lead = place.lead
    return lead.label + (f", {plain(lead.role_title)}" if lead.role_title else "")


__all__ = ["ics_pack", "long_date", "place_profile"]
