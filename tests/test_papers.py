"""Board papers (`icpmap profile`): Word opened with python-docx, PDF read with pypdf.

On the sample (and a hostile Place added to it) on each engine: the sections, the figures
against the reports they come from, the same content in both formats, names that are
markup, fields, formulas or fpdf2's own syntax printed as written, the data sources from the
load audit, the CLI, the API (roles, names only past `viewer`) and the dashboard buttons,
and LibreOffice opening the Word file and poppler drawing a page of it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from icpmap import papers
from icpmap.loaders import load_paths
from icpmap.papers import facts as facts_mod
from icpmap.papers.model import plain
from icpmap.reports import run_report
from icpmap.reports.changes import LABELS
from icpmap.safety import audit
from icpmap.sample import SAMPLE_DIR

from .conftest import ENGINES, require

LIVERPOOL = "E08000012"
HOSTILE = "E06999999"
PLACE_NAME = '=HYPERLINK("http://evil.example/x","Click") <b>Place</b>'
ORG_A = "<b>Bold</b> & <script>alert(1)</script> {nb} {{7*7}}"
ORG_B = "**Markdown** __under__ $x^2$ =1+1 \\frac @SUM(A1)"
PERSON = "Ann {nb} O'Neil <i>x</i> **lead**"
AGREEMENT = "<w:t>MOU</w:t> ]]> &amp; -cmd|calc"
HOSTILE_NAMES = (PLACE_NAME, ORG_A, ORG_B, PERSON, AGREEMENT)
AS_AT, SINCE = dt.date(2022, 6, 30), dt.date(2021, 7, 1)  # the sample's last year of changes
PLACE_SECTIONS = [
    "Headline figures", "Partnership diagram", "Map", "The seven core features", "Parties that have not signed",
    "Missing links", "Breadth of the partnership", "Place lead and endorsements",
    "Coterminosity of the Place's PCNs", "ICS milestones",
]


def write_hostile(folder: Path) -> Path:
    """A Place of the sample's ICS whose every name is hostile: its partnership, agreement, lead."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "places.csv": [["code", "name", "ics_code"], [HOSTILE, PLACE_NAME, "QYG"]],
        "organisations.csv": [["code", "name", "sector", "statutory"], ["hostile-a", ORG_A, "voluntary", "false"],
                              ["hostile-b", ORG_B, "housing", "false"]],
        "boards.csv": [["code", "name", "kind", "place_code", "ics_code", "parent_board_code"],
                       [f"PPB-{HOSTILE}", f"Board of {PLACE_NAME}", "place_partnership_board", HOSTILE, "", ""]],
        "memberships.csv": [["organisation_code", "board_code", "role", "from", "to"],
                            ["hostile-a", f"PPB-{HOSTILE}", "core", "2020-01-01", ""],
                            ["hostile-b", f"PPB-{HOSTILE}", "core", "2020-01-01", ""]],
        "agreements.csv": [["code", "title", "kind", "place_code", "effective_from"],
                           [f"MOU-{HOSTILE}", AGREEMENT, "mou", HOSTILE, "2021-09-01"]],
        "signatures.csv": [["agreement_code", "organisation_code", "signed_on"],
                           [f"MOU-{HOSTILE}", "hostile-a", "2021-09-10"], [f"MOU-{HOSTILE}", "hostile-b", ""]],
        "people.csv": [["id", "name", "role_title", "organisation_code"], ["PER-H1", PERSON, "Director <b>", "hostile-a"]],
        "roles.csv": [["person_id", "role", "target_code", "from"], ["PER-H1", "place_lead", HOSTILE, "2021-10-01"]],
        "endorsements.csv": [["organisation_code", "person_id", "endorsed_on"], ["hostile-a", "PER-H1", "2021-10-05"]],
    }
    import csv

    for name, rows in files.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


class Env:
    """A store with the sample and the hostile Place, its load audit, and papers made from it."""

    def __init__(self, store, root: Path) -> None:
        self.store = store
        self.audit = root / "loads.jsonl"
        for paths in ([SAMPLE_DIR], [write_hostile(root / "hostile")]):
            report = load_paths(store, paths)
            audit.record(self.audit, audit.load_entry(paths, by="test", via="cli", report=report))
        self._docs: dict[tuple[str, str], papers.model.Document] = {}
        self._files: dict[tuple[str, str, str], bytes] = {}

    def doc(self, kind: str, code: str, **options):
        key = (kind, code, *sorted(options.items()))
        if key not in self._docs:
            self._docs[key] = papers.compose(
                papers.prepare(self.store, **{kind: code}, audit_path=self.audit, **options), workers=1)
        return self._docs[key]

    def file(self, kind: str, code: str, fmt: str, **options) -> bytes:
        key = (kind, code, fmt, *sorted(options.items()))
        if key not in self._files:
            self._files[key] = papers.render(self.doc(kind, code, **options), fmt)
        return self._files[key]

    def docx(self, kind: str, code: str, **options):
        import docx

        return docx.Document(io.BytesIO(self.file(kind, code, "docx", **options)))

    def pdf(self, kind: str, code: str, **options):
        from pypdf import PdfReader

        return PdfReader(io.BytesIO(self.file(kind, code, "pdf", **options)))

    def pdf_text(self, kind: str, code: str, **options) -> str:
        return "\n".join(page.extract_text() for page in self.pdf(kind, code, **options).pages)

    def rows(self, name: str, **options) -> list[dict]:
        return run_report(self.store, name, **options).records()


@pytest.fixture(scope="module", params=ENGINES)
def env(request, tmp_path_factory, open_store_for):
    root = tmp_path_factory.mktemp("papers")
    store = open_store_for(request.param, root / "db")
    yield Env(store, root)
    store.close()


def squash(text: str) -> str:
    """Text without whitespace: a PDF table wraps a long name inside its cell."""
    return re.sub(r"\s+", "", text)


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name == "Title" or p.style.name.startswith("Heading")]


def table_after(document, caption_start: str):
    """The table whose caption (the paragraph before it) starts with `caption_start`."""
    body = document.element.body
    previous = None
    for child in body.iterchildren():
        if child.tag.endswith("}tbl") and previous is not None and previous.startswith(caption_start):
            from docx.table import Table

            return Table(child, document)
        if child.tag.endswith("}p"):
            previous = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
    raise AssertionError(f"no table captioned {caption_start!r}")


def table_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


# -- a Place profile ----------------------------------------------------------------------------------------


def test_place_profile_has_every_section_as_real_headings(env):
    document = env.docx("place", LIVERPOOL)
    found = headings(document)
    assert found[0] == ("Title", "Liverpool place partnership profile")
    assert [t for s, t in found if s == "Heading 1"] == [*PLACE_SECTIONS, "Data sources"]
    outline = env.pdf("place", LIVERPOOL).outline  # the title, then its sections nested under it
    assert outline[0].title == "Liverpool place partnership profile"
    assert [item.title for item in outline[1]] == [*PLACE_SECTIONS, "Data sources"]


def test_headline_figures_are_the_reports(env):
    breadth = env.rows("breadth", place=LIVERPOOL)[0]
    unsigned = env.rows("unsigned", place=LIVERPOOL)
    missing = env.rows("missing-links", place=LIVERPOOL)
    cot = env.rows("coterminosity", place=LIVERPOOL)
    met = [r["status"] for r in env.rows("assurance", place=LIVERPOOL)].count("met")
    expected = {
        "Partners (organisations in the partnership)": str(breadth["members"]),
        "Sectors represented": str(breadth["sectors"]),
        "Statutory partners": str(breadth["statutory"]),
        "Non-statutory partners": str(breadth["non_statutory"]),
        "Signatures outstanding": str(len(unsigned)),
        "Missing links": str(len(missing)),
        "Coterminous PCNs": f"{sum(1 for r in cot if r['coterminous'])} of {len(cot)}",
        "Core features met": f"{met} of 7",
    }
    table = table_rows(table_after(env.docx("place", LIVERPOOL), "Headline figures"))
    assert table[0] == ["Measure", "Value"]
    assert dict(table[1:]) == expected
    text = env.pdf_text("place", LIVERPOOL)
    for measure, value in expected.items():
        assert f"{measure} {value}" in " ".join(text.split())


def test_core_features_coterminosity_and_milestones_are_the_reports(env):
    document = env.docx("place", LIVERPOOL)
    features = table_rows(table_after(document, "Core features of Liverpool"))
    status = {"met": "Met", "partial": "Partial", "not_met": "Not met"}
    assert features[1:] == [[str(r["feature"]), r["name"], status[r["status"]], r["evidence"]]
                            for r in env.rows("assurance", place=LIVERPOOL)]
    cot = table_rows(table_after(document, "PCNs of Liverpool"))
    assert [(r[1], r[2], r[3], r[5]) for r in cot[1:]] == [
        (r["pcn_code"], r["main_footprint"], f"{r['share']:.1%}", "yes" if r["coterminous"] else "no")
        for r in env.rows("coterminosity", place=LIVERPOOL)]
    milestones = table_rows(table_after(document, "Milestones of Liverpool"))
    assert [(r[1], r[2], r[3]) for r in milestones[1:]] == [
        (r["due"].isoformat(), r["status"].replace("_", " ").capitalize(),
         r["completed_on"].isoformat() if r["completed_on"] else "") for r in env.rows("timeline", place=LIVERPOOL)]
    pdf = squash(env.pdf_text("place", LIVERPOOL))
    for r in env.rows("assurance", place=LIVERPOOL):
        assert squash(r["evidence"]) in pdf
    for r in env.rows("coterminosity", place=LIVERPOOL):
        assert squash(f"{r['pcn_code']}{r['main_footprint']}{r['share']:.1%}") in pdf


def test_unsigned_parties_and_lead_of_a_place_that_has_them(env):
    document = env.docx("place", HOSTILE)
    unsigned = env.rows("unsigned", place=HOSTILE)
    assert [r["organisation_code"] for r in unsigned] == ["hostile-b"]
    rows = table_rows(table_after(document, "Parties that have not signed"))
    assert rows[1:] == [[f"MOU-{HOSTILE}", ORG_B, "hostile-b", "Listed as a party, not signed"]]
    text = docx_text(document)
    assert f"{PERSON} (PER-H1)" in text and "endorsed by 1 of 2 core members" in text
    endorsements = table_rows(table_after(document, "Endorsements of the place lead"))
    assert sorted((r[1], r[2]) for r in endorsements[1:]) == [("hostile-a", "Endorsed"), ("hostile-b", "Not yet")]


def test_every_picture_has_alternative_text(env):
    # the hostile Place has no PCN (no coterminosity chart) and no boundary (no map)
    for kind, code, pictures in (("place", LIVERPOOL, 4), ("place", HOSTILE, 2)):
        document = env.docx(kind, code)
        shapes = document.inline_shapes
        assert len(shapes) == len(env.doc(kind, code).figures()) == pictures
        for shape in shapes:
            doc_pr = shape._inline.docPr
            assert len(doc_pr.get("descr")) > 40 and doc_pr.get("title")
        pdf_bytes = env.file(kind, code, "pdf")
        assert pdf_bytes.count(b"/Alt") >= pictures  # fpdf2 tags each image with its alternative text
    diagram = env.doc("place", LIVERPOOL).figures()[0]
    graph = facts_mod.gather(env.store, place=LIVERPOOL)[0].graph
    assert f"{graph.count('Organisation')} organisations" in diagram.alt
    assert f"{graph.count('Board')} boards" in diagram.alt


def test_word_tables_have_header_rows_and_styles(env):
    document = env.docx("place", LIVERPOOL)
    assert document.tables
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
        assert table.style.name == "Table Grid"
    props = document.core_properties
    assert props.title == "Liverpool place partnership profile" and props.author == "icpmap"
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)


def test_the_same_content_in_word_and_pdf(env):
    """Every heading, paragraph and table cell of the Word file is in the PDF, in the same order of headings."""
    for kind, code in (("place", LIVERPOOL), ("place", HOSTILE)):
        document = env.docx(kind, code)
        pdf = squash(env.pdf_text(kind, code))
        missing = [t for t in docx_text(document).split("\n") if t.strip() and squash(t) not in pdf]
        assert missing == []
        at = 0
        for _, title in headings(document):  # each heading after the one before it
            at = pdf.index(squash(title), at) + 1


def test_hostile_names_print_as_written(env):
    document = env.docx("place", HOSTILE)
    text = docx_text(document)
    for name in HOSTILE_NAMES:
        assert name in text, name
    assert headings(document)[0] == ("Title", f"{PLACE_NAME} place partnership profile")
    with zipfile.ZipFile(io.BytesIO(env.file("place", HOSTILE, "docx"))) as book:
        body = book.read("word/document.xml").decode("utf-8")
        footers = [book.read(n).decode("utf-8") for n in book.namelist() if n.startswith("word/footer")]
    # nothing from the data became markup, a field or a link
    assert "<b>" not in body and "<script>" not in body and "<w:t>MOU</w:t>" not in body
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body
    assert "instrText" not in body and "fldSimple" not in body and "hyperlink" not in body
    assert any("&lt;b&gt;Place&lt;/b&gt;" in f for f in footers)
    assert [m for f in footers for m in re.findall(r"<w:instrText[^>]*>([^<]*)<", f)] == [" PAGE "]
    pdf_bytes = env.file("place", HOSTILE, "pdf")
    pdf = env.pdf_text("place", HOSTILE)
    flat = squash(pdf)
    for name in HOSTILE_NAMES:
        assert squash(name) in flat, name
    assert PLACE_NAME in pdf  # in the heading, on one line, exactly
    assert "{nb}" in pdf and "**Markdown**" in pdf and "49" not in squash(ORG_A) and "{{7*7}}" in flat
    assert b"/URI" not in pdf_bytes and b"/Link" not in pdf_bytes


def test_a_character_the_pdf_font_lacks_is_escaped_not_dropped():
    from icpmap.papers import pdf_writer
    from icpmap.papers.model import Document, Heading, Paragraph

    doc = Document("中文 test", "s", "f")
    doc.add(Heading("Name 中文 ok", 1), Paragraph.of("x \u0007 y"))
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf_writer.render(doc))).pages[0].extract_text()
    assert "Name \\u4e2d\\u6587 ok" in text and "x \\x07 y" in text
    assert plain("a\tb\nc\u2028d") == "a b c d"


# -- data sources -------------------------------------------------------------------------------------------


def test_title_block_and_sources_come_from_the_load_audit(env):
    document = env.docx("place", LIVERPOOL)
    about = dict(table_rows(table_after(document, "About this paper"))[1:])
    assert about["Place"] == f"Liverpool ({LIVERPOOL})"
    assert about["ICS"] == "NHS Cheshire and Merseyside (QYG)"
    assert about["As at"].endswith(f"({env.doc('place', LIVERPOOL).footer.split()[-1]})")
    entries = audit.entries(env.audit)
    assert about["Last loaded"].startswith(entries[0]["at"][:16].replace("T", " "))
    sources = table_rows(table_after(document, "Data sources"))
    files = {r[0]: r for r in sources[1:]}
    assert files["sample/memberships.csv"][1] == "memberships" and files["sample/memberships.csv"][2] == ""
    assert (files["sample/places.csv"][3], files["hostile/places.csv"][3]) == ("9", "1")
    assert len(files) == len({f["path"] for e in entries for f in e["report"]["files"]})


def test_sources_keep_published_extract_dates_and_the_latest_load(tmp_path):
    trail = tmp_path / "loads.jsonl"
    for at, extract in (("2024-01-01T10:00:00+00:00", "2023-12-01"), ("2024-02-01T10:00:00+00:00", "2024-01-01")):
        audit.record(trail, {"id": at, "at": at, "status": "loaded", "files": [], "report": {"files": [
            {"path": "/data/gp-reg-pat-prac-map.csv", "format": "gp-reg-pat-prac-map", "rows_read": 10,
             "extract": extract},
            {"path": "/home/someone/book.xlsx [places]", "format": "places", "rows_read": 3}]}})
    audit.record(trail, {"id": "x", "at": "2024-03-01T10:00:00+00:00", "status": "refused", "files": []})
    found, last = facts_mod.sources(trail)
    assert last == "2024-02-01T10:00:00+00:00"
    assert [(s.file, s.extract, s.loaded_at[:10]) for s in found] == [
        ("data/gp-reg-pat-prac-map.csv", "2024-01-01", "2024-02-01"), ("someone/book.xlsx [places]", None, "2024-02-01")]


def test_a_published_file_records_its_extract_date(tmp_path):
    from icpmap.graph import open_store

    source = tmp_path / "gp-reg-pat-prac-map.csv"
    source.write_text("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME\n"
                      "GP,01Jan2022,A00001,A PRACTICE,AB1 2CD,U00001,A PCN\n", encoding="utf-8")
    with open_store(tmp_path / "db", engine="ladybug") as store:
        report = load_paths(store, [source])
    assert [(f.format, f.extract) for f in report.files] == [("gp-reg-pat-prac-map", "2022-01-01")]
    assert report.as_dict()["files"][0]["extract"] == "2022-01-01"


# -- the ICS pack -------------------------------------------------------------------------------------------


def test_ics_pack_summary_chase_list_and_one_profile_per_place(env):
    document = env.docx("ics", "QYG")
    places = env.rows("breadth", ics="QYG")
    names = [p["place_name"] for p in places]
    found = headings(document)
    assert [t for s, t in found if s == "Heading 1"] == [
        "Summary across Places", "Chase list: parties that have not signed",
        *[f"{n} place partnership profile" for n in names], "Data sources"]
    assert [t for s, t in found if s == "Heading 2"].count("Headline figures") == len(places)
    # the assurance matrix is the assurance report
    matrix = table_rows(table_after(document, "Assurance of every Place"))
    status = {"met": "Met", "partial": "Partial", "not_met": "Not met"}
    by_place = {}
    for r in env.rows("assurance", ics="QYG"):
        by_place.setdefault(r["place_code"], {})[r["feature"]] = status[r["status"]]
    assert [row[1:8] for row in matrix[1:]] == [[by_place[p["place_code"]][i] for i in range(1, 8)] for p in places]
    # signatures outstanding by Place, and the chase list: every unsigned row, with the Place lead to contact
    unsigned = env.rows("unsigned", ics="QYG")
    outstanding = table_rows(table_after(document, "Signatures outstanding by Place"))
    counts = {p["place_code"]: 0 for p in places}
    for r in unsigned:
        counts[r["place_code"]] += 1
    assert [row[4] for row in outstanding[1:]] == [str(counts[p["place_code"]]) for p in places]
    chase = table_rows(table_after(document, "Chase list"))
    assert [(r[1], r[3]) for r in chase[1:]] == [(r["agreement_code"], r["organisation_code"]) for r in unsigned]
    leads = {r["place_code"]: r["lead_person_id"] for r in env.rows("place-leads", ics="QYG")}
    name_of = {p["place_code"]: p["place_name"] for p in places}
    for row, r in zip(chase[1:], unsigned):
        assert row[0] == name_of[r["place_code"]]
        assert f"({leads[r['place_code']]})" in row[5] if leads[r["place_code"]] else "No place lead" in row[5]
    assert any(PERSON in row[5] for row in chase[1:])  # names shown: the CLI and a key holder may see them
    cot = table_rows(table_after(document, "Coterminosity by Place"))
    for row, p in zip(cot[1:], places):
        rows = env.rows("coterminosity", place=p["place_code"])
        assert row[1:3] == [str(len(rows)), str(sum(1 for r in rows if r["coterminous"]))]
    # the ICS's map and two charts, then each Place's four pictures; the hostile Place has no PCN to chart, no map
    assert len(document.inline_shapes) == 3 + 4 * len(places) - 2
    assert next(t for s, t in found if s == "Heading 2") == "Map of the ICS"
    pdf = env.pdf("ics", "QYG")
    text = squash("\n".join(page.extract_text() for page in pdf.pages))
    for r in unsigned:
        assert squash(r["organisation_code"]) in text


def test_papers_without_names_show_people_by_id(env):
    import docx

    prepared = papers.prepare(env.store, place=HOSTILE, names=False, audit_path=env.audit)
    text = docx_text(docx.Document(io.BytesIO(papers.render(papers.compose(prepared), "docx"))))
    assert PERSON not in text and "Place lead PER-H1" in text


# -- --since: the change, and what changed (the changes report) ---------------------------------------------


def _change(now: int, then: int) -> str:
    return "no change" if now == then else f"{now - then:+d}"


def test_since_adds_the_headline_change_and_what_changed(env):
    document = env.docx("place", LIVERPOOL, as_at=AS_AT, since=SINCE)
    assert [t for s, t in headings(document) if s == "Heading 1"] == [
        "Headline figures", f"What changed since {SINCE}", *PLACE_SECTIONS[1:], "Data sources"]
    # each headline figure as at both dates, from the reports run as at each, and the change
    table = table_rows(table_after(document, f"Headline figures, and the change since {SINCE}"))
    assert table[0] == ["Measure", f"As at {AS_AT}", f"As at {SINCE}", "Change"]
    rows = {r[0]: r[1:] for r in table[1:]}
    for day, column in ((AS_AT, 0), (SINCE, 1)):
        assert rows["Signatures outstanding"][column] == str(len(env.rows("unsigned", place=LIVERPOOL, as_at=day)))
        met = [r["status"] for r in env.rows("assurance", place=LIVERPOOL, as_at=day)].count("met")
        assert rows["Core features met"][column] == f"{met} of 7"
    unsigned = [len(env.rows("unsigned", place=LIVERPOOL, as_at=day)) for day in (AS_AT, SINCE)]
    assert unsigned[0] != unsigned[1]  # the year has changes in it, so the column is tested on one
    assert rows["Signatures outstanding"][2] == _change(*unsigned)
    # what changed: the changes report's rows, in its order
    report = env.rows("changes", place=LIVERPOOL, from_date=SINCE, to_date=AS_AT)
    assert len(report) > 5
    changes = table_rows(table_after(document, f"Changes in Liverpool from {SINCE} to {AS_AT}"))
    assert changes[0] == ["Date", "What", "Who", "Of / to", "Detail"]
    assert [r[:3] for r in changes[1:]] == [
        [r["date"].isoformat(), LABELS[r["kind"]], r["subject_name"] or r["subject_code"]] for r in report]
    text = docx_text(document)
    assert f"{len(report)} changes in Liverpool from {SINCE} to {AS_AT}" in text
    for kind, n in Counter(r["kind"] for r in report).items():
        assert f"{LABELS[kind]}: {n}" in text
    pdf = squash(env.pdf_text("place", LIVERPOOL, as_at=AS_AT, since=SINCE))
    missing = [t for t in text.split("\n") if t.strip() and squash(t) not in pdf]
    assert missing == []  # the same in the PDF


def test_since_with_nothing_changed_says_so_and_hostile_changes_print_as_written(env):
    quiet = docx_text(env.docx("place", LIVERPOOL, as_at=dt.date(2024, 6, 30), since=dt.date(2024, 1, 1)))
    assert "Nothing changed in Liverpool from 2024-01-01 to 2024-06-30" in quiet
    document = env.docx("place", HOSTILE, as_at=AS_AT, since=SINCE)
    rows = table_rows(table_after(document, "Changes in "))
    signed = [r for r in rows[1:] if r[1] == "Signed"]
    assert signed == [["2021-09-10", "Signed", ORG_A, AGREEMENT, "signed the mou"]]
    assert any(r[1] == "Place lead appointed" and r[2] == "PER-H1" for r in rows[1:])
    pdf = squash(env.pdf_text("place", HOSTILE, as_at=AS_AT, since=SINCE))
    assert squash(ORG_A) in pdf and squash(AGREEMENT) in pdf


def test_since_in_the_ics_pack_counts_by_place_and_each_profile_lists_its_own(env):
    document = env.docx("ics", "QYG", as_at=AS_AT, since=SINCE)
    places = env.rows("breadth", ics="QYG")
    report = env.rows("changes", ics="QYG", from_date=SINCE, to_date=AS_AT)
    counts = Counter(r["place_code"] for r in report)
    table = table_rows(table_after(document, f"Changes by Place from {SINCE} to {AS_AT}"))
    assert [r[:2] for r in table[1:]] == [[p["place_name"], str(counts.get(p["place_code"], 0))] for p in places]
    assert [t for s, t in headings(document) if s == "Heading 2"].count(f"What changed since {SINCE}") == 1 + len(places)
    # a Place's rows in the pack are the changes report run for that Place alone
    liverpool = table_rows(table_after(document, f"Changes in Liverpool from {SINCE} to {AS_AT}"))
    assert [r[:3] for r in liverpool[1:]] == [
        [r["date"].isoformat(), LABELS[r["kind"]], r["subject_name"] or r["subject_code"]]
        for r in env.rows("changes", place=LIVERPOOL, from_date=SINCE, to_date=AS_AT)]
    assert "Compared with" in docx_text(document)


def test_since_after_the_as_at_date_is_refused(env):
    from icpmap.errors import UserError

    with pytest.raises(UserError, match="is after the as-at date"):
        papers.prepare(env.store, place=LIVERPOOL, as_at=SINCE, since=AS_AT)


# -- the map -----------------------------------------------------------------------------------------------


def test_the_map_is_a_picture_with_alt_text_or_a_line_without_geometry(env):
    from icpmap.visualise.mapdata import build_map

    data = build_map(env.store, place=LIVERPOOL)
    assert data.has_boundaries and data.not_coterminous()
    (picture,) = [f for f in env.doc("place", LIVERPOOL).figures() if f.alt.startswith("Map of Liverpool")]
    assert f"{len(data.located_practices())} practices with a location" in picture.alt
    for code in data.not_coterminous():  # the PCNs ringed red are named for a screen reader too
        assert f"({code})" in picture.alt
    assert picture.png[:8] == b"\x89PNG\r\n\x1a\n" and picture.aspect <= 1.3 + 1e-6  # a page with its heading
    descr = [s._inline.docPr.get("descr") for s in env.docx("place", LIVERPOOL).inline_shapes]
    assert picture.alt in descr
    # a Place with no boundary and no located practice: a line says so, in both formats
    no_map = "No map: the store holds no boundary and no practice location for"
    assert no_map in docx_text(env.docx("place", HOSTILE))
    assert squash(no_map) in squash(env.pdf_text("place", HOSTILE))
    assert not [f for f in env.doc("place", HOSTILE).figures() if f.alt.startswith("Map of")]


def test_the_map_below_layout_fits_a_portrait_page():
    import tempfile

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from icpmap.graph import open_store
    from icpmap.loaders import load_paths
    from icpmap.visualise.map_image import map_figure
    from icpmap.visualise.mapdata import build_map

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "db")
        try:
            load_paths(store, [SAMPLE_DIR])
            data = build_map(store, ics="QYG")
        finally:
            store.close()
    figure = map_figure(data, width=6.85, height=8.9, legend="below")
    width, height = figure.get_size_inches()
    assert width == pytest.approx(6.85) and height <= 8.9 + 1e-6
    FigureCanvasAgg(figure).draw()
    legend, (axes,) = figure.legends[0], figure.axes
    box, page, drawn = legend.get_window_extent(), figure.bbox, axes.get_window_extent()
    assert page.x0 <= box.x0 and box.x1 <= page.x1 + 1 and page.y0 <= box.y0  # the legend is on the page
    assert box.y1 <= drawn.y0 + 1  # under the map, not over it
    with pytest.raises(ValueError, match="legend"):
        map_figure(data, legend="left")


# -- static diagram ----------------------------------------------------------------------------------------


def test_static_diagram_has_the_interactive_pages_legend(env):
    from icpmap.visualise.page import _legend
    from icpmap.visualise.static import diagram_figure, legend_handles

    graph = facts_mod.gather(env.store, place=LIVERPOOL)[0].graph
    page = _legend(graph)
    labels = [h.get_label() for h in legend_handles(graph)]
    assert labels == [r["label"] for r in page["nodes"]] + [r["label"] for r in page["sectors"]] + [
        r["label"] for r in page["edges"]]
    colours = {h.get_label(): h.get_markerfacecolor() for h in legend_handles(graph) if h.get_marker() != "None"}
    for r in page["sectors"]:
        assert colours[r["label"]].lower() == r["colour"].lower()
    figure = diagram_figure(graph)
    width, height = figure.get_size_inches()
    assert width == pytest.approx(6.9) and height <= width * 1.3 + 1e-6  # fits a page of A4 with its heading


def test_static_diagram_prints_names_as_text(env):
    from icpmap.visualise.static import diagram_figure

    graph = facts_mod.gather(env.store, place=HOSTILE)[0].graph
    texts = [t.get_text() for t in diagram_figure(graph).axes[0].texts]
    assert any(r"\$x^2\$" in t for t in texts)  # escaped: matplotlib prints $...$ as written, not as maths
    assert all(t.count("$") == t.count(r"\$") for t in texts)


# -- the command line ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory, cli):
    db = tmp_path_factory.mktemp("papers-cli") / "store"
    out = cli("load", str(SAMPLE_DIR), db=db)
    assert out.returncode == 0, out.stderr
    return db


def test_cli_writes_a_profile_in_each_format(cli, cli_db, tmp_path):
    for name in ("liverpool.docx", "liverpool.pdf"):
        out = cli("profile", "--place", LIVERPOOL, "-o", str(tmp_path / name), db=cli_db)
        assert out.returncode == 0, out.stderr
        assert "Wrote Liverpool place partnership profile" in out.stdout
    import docx
    from pypdf import PdfReader

    assert "Liverpool" in docx.Document(str(tmp_path / "liverpool.docx")).paragraphs[0].text
    text = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "liverpool.pdf")).pages)
    assert "Liverpool place partnership profile" in text and "sample/memberships.csv" in text  # the CLI's load audit


def test_cli_writes_the_ics_pack_drawing_places_in_parallel(cli, cli_db, tmp_path):
    """The CLI closes the store, then draws the Places' pictures in forked workers."""
    from pypdf import PdfReader

    out = cli("profile", "--ics", "qyg", "--as-at", str(AS_AT), "--since", str(SINCE), "-o", str(tmp_path / "pack.pdf"),
              db=cli_db, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "(39 pictures)" in " ".join(out.stdout.split())  # the ICS's map and 2 charts + 4 for each of the 9 Places
    outline = PdfReader(str(tmp_path / "pack.pdf")).outline
    titles = [item.title for item in outline[1] if not isinstance(item, list)]
    assert sum(t.endswith("place partnership profile") for t in titles) == 9
    nested = [item.title for part in outline[1] if isinstance(part, list) for item in part if not isinstance(item, list)]
    assert nested.count(f"What changed since {SINCE}") == 10  # the summary's, and each Place's (drawn in workers)
    assert nested.count("Map of the ICS") == 1 and nested.count("Map") == 9


def test_a_painter_draws_in_its_worker_what_is_drawn_here(env):
    """The CLI's painter: a process forked before the facts are read imports matplotlib meanwhile,
    draws the diagram and map as soon as they are read, then the charts; the pictures are the
    ones drawn in this process."""
    import multiprocessing

    from icpmap.papers.painter import Painter

    with Painter(workers=1) as painter:
        assert len(multiprocessing.active_children()) == 1
        prepared = papers.prepare(env.store, place=LIVERPOOL, audit_path=env.audit, painter=painter)
        assert len(painter._early) == 1  # the diagram and map, started before the reports were read
        there = painter.draw(prepared).result()["places"][LIVERPOOL]
    here = papers.draw(prepared)["places"][LIVERPOOL]
    assert list(there) == list(here) == ["diagram", "map", "sectors", "coterminosity"]
    for name, picture in here.items():
        assert picture is not None and there[name] is not None, name
        assert (there[name].png, there[name].alt, there[name].caption) == (picture.png, picture.alt, picture.caption)
    doc = papers.compose(prepared, drawn={"places": {LIVERPOOL: there}, "ics": None})
    assert [f.png for f in doc.figures()] == [here[k].png for k in ("diagram", "map", "sectors", "coterminosity")]


@pytest.mark.parametrize(("args", "message"), [
    (["profile", "-o", "x.docx"], "Give --place CODE"),
    (["profile", "--place", LIVERPOOL, "--ics", "QYG", "-o", "x.docx"], "Give --place CODE"),
    (["profile", "--place", LIVERPOOL, "-o", "x.txt"], ".docx (Word) or .pdf"),
    (["profile", "--place", "E00000000", "-o", "x.pdf"], "No Place with code"),
    (["profile", "--ics", "XYZ", "-o", "x.pdf"], "No ICS with code"),
    (["profile", "--place", LIVERPOOL, "--as-at", "yesterday", "-o", "x.pdf"], "--as-at must be a date"),
    (["profile", "--place", LIVERPOOL, "--since", "2022-13-01", "-o", "x.pdf"], "--since must be a date"),
    (["profile", "--place", LIVERPOOL, "--as-at", "2021-07-01", "--since", "2022-06-30", "-o", "x.pdf"],
     "is after the as-at date"),
])
def test_cli_refuses_with_a_message(cli, cli_db, tmp_path, args, message):
    args = [a if a not in ("x.docx", "x.txt", "x.pdf") else str(tmp_path / a) for a in args]
    out = cli(*args, db=cli_db)
    assert out.returncode == 1
    assert message in " ".join(out.stderr.split()) and "Traceback" not in out.stderr
    assert not list(tmp_path.iterdir())


# -- the web service ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(env, tmp_path_factory):
    from fastapi.testclient import TestClient

    from icpmap.api.app import create_app
    from icpmap.api.auth import KeyFile

    keys = KeyFile(tmp_path_factory.mktemp("papers-keys") / "keys.json")
    key = keys.create("paper viewer", "viewer")[1]
    app = create_app(env.store, keys_path=keys.path, audit=env.audit)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.key = {"Authorization": f"Bearer {key}"}
        yield c


PAPER_PATHS = [f"/places/{HOSTILE}/profile.docx", f"/places/{HOSTILE}/profile.pdf", "/ics/QYG/pack.pdf"]


@pytest.mark.parametrize("path", PAPER_PATHS)
def test_api_papers_need_a_key(client, path):
    for headers in ({}, {"X-API-Key": "icp-deadbeef-wrong"}):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert PERSON not in response.text


def test_api_place_profile_for_a_viewer_names_the_lead(client, env):
    from pypdf import PdfReader

    response = client.get(f"/places/{HOSTILE}/profile.pdf", headers=client.key)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(f'attachment; filename="{HOSTILE}-profile-')
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert squash(PERSON) in squash(text)
    word = client.get(f"/places/{HOSTILE}/profile.docx", headers=client.key)
    assert word.headers["content-type"] == papers.MEDIA_TYPES["docx"]
    import docx

    assert PERSON in docx_text(docx.Document(io.BytesIO(word.content)))


def test_api_ics_pack_and_refusals(client):
    import docx

    pack = client.get("/ics/QYG/pack.docx", headers=client.key)
    assert pack.status_code == 200
    assert "Chase list: parties that have not signed" in [p.text for p in docx.Document(io.BytesIO(pack.content)).paragraphs]
    for path, status in (("/places/E00000000/profile.pdf", 404), ("/ics/NOPE/pack.pdf", 404),
                         (f"/places/{LIVERPOOL}/profile.txt", 422), (f"/places/{LIVERPOOL}/profile.pdf?as_at=x", 422),
                         (f"/places/{LIVERPOOL}/profile.pdf?as_at=2021-07-01&since=2022-06-30", 422),
                         ("/ics/QYG/pack.pdf?since=x", 422)):
        response = client.get(path, headers=client.key)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("application/problem+json")
    schema = client.get("/openapi.json").json()["paths"]
    assert "/places/{code}/profile.{fmt}" in schema and "/ics/{code}/pack.{fmt}" in schema


def test_api_papers_take_since(client):
    import docx

    response = client.get(f"/places/{LIVERPOOL}/profile.docx?as_at={AS_AT}&since={SINCE}", headers=client.key)
    assert response.status_code == 200
    found = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs if p.style.name == "Heading 1"]
    assert found[:2] == ["Headline figures", f"What changed since {SINCE}"]
    plain_paper = client.get(f"/places/{LIVERPOOL}/profile.docx?as_at={AS_AT}", headers=client.key)
    assert "What changed" not in docx_text(docx.Document(io.BytesIO(plain_paper.content)))  # none unless asked
    schema = client.get("/openapi.json").json()["paths"]
    for path in ("/places/{code}/profile.{fmt}", "/ics/{code}/pack.{fmt}"):
        assert "since" in [p["name"] for p in schema[path]["get"]["parameters"]]


def test_dashboard_offers_the_board_papers(client):
    place = client.get(f"/dashboard/places/{LIVERPOOL}?as_at=2022-06-30&since=2021-07-01", headers=client.key).text
    for fmt in ("docx", "pdf"):  # the paper of what the page shows: its as-at date, and what changed since its date
        assert f'href="/places/{LIVERPOOL}/profile.{fmt}?as_at=2022-06-30&amp;since=2021-07-01"' in place
    assert "Download board paper" in place
    overview = client.get("/dashboard/overview", headers=client.key).text
    assert 'href="/ics/QYG/pack.docx"' in overview and 'href="/ics/QYG/pack.pdf"' in overview


# -- real office software ------------------------------------------------------------------------------------


@pytest.mark.office
def test_libreoffice_opens_the_word_file_and_poppler_draws_a_page(env, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        require("office", "LibreOffice (soffice) and poppler (pdftoppm) are needed: "
                          "apt-get install libreoffice-writer poppler-utils (CI does)")
    source = tmp_path / "hostile.docx"
    source.write_bytes(env.file("place", HOSTILE, "docx"))
    profile = tmp_path / "lo-profile"
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=240, check=False)
    converted = tmp_path / "hostile.pdf"
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    from pypdf import PdfReader

    reader = PdfReader(str(converted))
    text = squash("\n".join(p.extract_text() for p in reader.pages))
    assert len(reader.pages) >= 3
    for name in HOSTILE_NAMES:
        assert squash(name) in text, name
    done = subprocess.run([pdftoppm, "-r", "40", "-f", "1", "-l", "1", "-png", str(converted), str(tmp_path / "page")],
                          capture_output=True, timeout=120, check=False)
    pages = list(tmp_path.glob("page*.png"))
    assert done.returncode == 0 and len(pages) == 1
    from PIL import Image

    with Image.open(pages[0]) as image:
        assert image.size[0] > 250 and image.size[1] > image.size[0]  # an A4 page, portrait
        assert len(image.convert("L").getcolors(256) or []) > 8  # something is drawn on it


def test_render_refuses_other_formats():
    from icpmap.errors import UserError

    with pytest.raises(UserError, match="docx or pdf"):
        papers.render(papers.model.Document("t", "s", "f"), "html")
    with pytest.raises(UserError, match=r"\.docx \(Word\) or \.pdf"):
        papers.format_of("paper.odt")
    assert json.dumps(papers.FORMATS) == '["docx", "pdf"]'


def test_readme_shows_a_profile_made_by_the_project():
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"\]\((docs/images/profile-page-1\.png)\)", readme)
    assert "(docs/concepts/papers.md)" in readme
    page = (root / "docs" / "concepts" / "papers.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\(\.\./(images/profile-page-\d\.png)\)", page)
    assert len(pictures) == 3
    for picture in pictures:
        data = (root / "docs" / picture).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "paper-images:" in (root / "Makefile").read_text(encoding="utf-8")
