"""A board paper as a Word document (python-docx): real styles, headings, tables, alt text.

Headings use Word's own Title / Heading N styles (so the navigation pane and a table of
contents work), tables a header row that repeats on every page, pictures alternative text
(`descr`) and a title, and the document properties say what it is. Every string from the
data goes into a text run (`<w:t>`), so `=HYPERLINK(...)` or `<b>` print as written:
nothing from the data becomes a field, a hyperlink or markup. The footer's page number is
the one field, and it is ours.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from .model import HEADER_FILL, Bullets, Cell, Document, Figure, Heading, PageBreak, Paragraph, Table, plain

FONT = "Arial"
TEXT_WIDTH_MM = 174.0  # A4 (210 mm) less 18 mm margins


def _page_number(paragraph: Any) -> None:
    """`Page N` in the footer: Word's PAGE field (ours, never from the data)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("Page ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)


def _styles(docx: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = docx.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x00, 0x30, 0x87)
    caption = styles["Caption"]
    caption.font.name = FONT
    caption.font.size = Pt(8.5)
    caption.font.color.rgb = RGBColor(0x42, 0x55, 0x63)
    if "Note" not in [s.name for s in styles]:
        note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        note.font.size = Pt(8.5)
        note.font.color.rgb = RGBColor(0x42, 0x55, 0x63)
    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(11)


def _table(docx: Any, block: Table, style: Any) -> None:
    """A table written as WordprocessingML directly (python-docx's row and cell objects cost a
    search of the whole table per call): the header row marked and shaded, each cell's width,
    fill, alignment and text (a text run: `w:t`)."""
    from docx.oxml.ns import qn
    from lxml.etree import SubElement

    table = docx.add_table(rows=0, cols=len(block.columns), style=style)
    tbl = table._tbl
    total = sum(block.widths) or 1.0
    twips = [round(TEXT_WIDTH_MM / 25.4 * 1440 * w / total) for w in block.widths]
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips):
        col.set(qn("w:w"), str(width))
    layout = SubElement(tbl.tblPr, qn("w:tblLayout"))
    layout.set(qn("w:type"), "fixed")
    header = [Cell(name, fill=HEADER_FILL, bold=True) for name in block.columns]
    size = str(round(17 * block.size))  # half-points: 8.5 pt, less for a wide table
    for number, values in enumerate([header, *block.rows]):
        tr = SubElement(tbl, qn("w:tr"))
        if number == 0:
            props = SubElement(tr, qn("w:trPr"))
            SubElement(props, qn("w:cantSplit"))
            SubElement(props, qn("w:tblHeader"))
        for value, width in zip(values, twips):
            cell = value if isinstance(value, Cell) else Cell(plain(value))
            tc = SubElement(tr, qn("w:tc"))
            tc_pr = SubElement(tc, qn("w:tcPr"))
            SubElement(tc_pr, qn("w:tcW"), {qn("w:w"): str(width), qn("w:type"): "dxa"})
            if cell.fill:
                SubElement(tc_pr, qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto",
                                                qn("w:fill"): cell.fill.lstrip("#").upper()})
            p = SubElement(tc, qn("w:p"))
            p_pr = SubElement(p, qn("w:pPr"))
            SubElement(p_pr, qn("w:spacing"), {qn("w:after"): "0"})
            if cell.align in ("right", "center"):
                SubElement(p_pr, qn("w:jc"), {qn("w:val"): cell.align})
            run = SubElement(p, qn("w:r"))
            r_pr = SubElement(run, qn("w:rPr"))
            if cell.bold:
                SubElement(r_pr, qn("w:b"))
            if number == 0:
                SubElement(r_pr, qn("w:color"), {qn("w:val"): "FFFFFF"})
            SubElement(r_pr, qn("w:sz"), {qn("w:val"): size})  # half-points
            t = SubElement(run, qn("w:t"))
            t.set(qn("xml:space"), "preserve")
            t.text = plain(cell.text)


def render(doc: Document) -> bytes:
    """The document as the bytes of a .docx file."""
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    docx = Docx()
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(16), Mm(18)
    _styles(docx)
    styles = {name: docx.styles[name] for name in ("Normal", "Note", "Subtitle", "Caption", "List Bullet",
                                                   "Table Grid")}
    props = docx.core_properties
    props.title, props.subject, props.author = plain(doc.title), plain(doc.subject), "icpmap"
    props.language, props.keywords, props.comments = doc.language, "integrated care partnership; board paper", ""
    footer = section.footer.paragraphs[0]
    footer.style = styles["Note"]
    footer.add_run(plain(doc.footer) + " · ")
    _page_number(footer)

    pictures = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            docx.add_heading(plain(block.text), min(block.level, 9))
        elif isinstance(block, Paragraph):
            para = docx.add_paragraph(style=styles[{"note": "Note", "subtitle": "Subtitle"}.get(block.style, "Normal")])
            for span in block.spans:
                para.add_run(plain(span.text)).bold = span.bold or None
        elif isinstance(block, Bullets):
            for item in block.items:
                docx.add_paragraph(plain(item), style=styles["List Bullet"])
        elif isinstance(block, Table):
            if block.caption:
                cap = docx.add_paragraph(plain(block.caption), style=styles["Caption"])
                cap.paragraph_format.keep_with_next = True
            _table(docx, block, styles["Table Grid"])
            docx.add_paragraph(style=styles["Note"])  # room after the table
        elif isinstance(block, Figure):
            pictures += 1
            para = docx.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.keep_with_next = True
            shape = para.add_run().add_picture(io.BytesIO(block.png), width=Mm(TEXT_WIDTH_MM * block.width))
            doc_pr = shape._inline.docPr
            doc_pr.set("descr", plain(block.alt))
            doc_pr.set("title", plain(block.caption)[:250])
            doc_pr.set("name", f"Figure {pictures}")
            docx.add_paragraph(plain(f"Figure {pictures}. {block.caption}"), style=styles["Caption"])
        elif isinstance(block, PageBreak):
            docx.add_page_break()
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def write(doc: Document, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.write_bytes(render(doc))
    return path


__all__ = ["render", "write"]
