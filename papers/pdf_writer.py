"""A board paper as PDF (fpdf2: pure Python, no system packages), the same blocks as the Word file.

Text is set in DejaVu Sans, the TrueType font matplotlib ships (so nothing is installed on
the user's machine, and names in Latin, Greek, Cyrillic and most symbols print); a
character it has no glyph for is written as its escape (`\u4e2d`), never dropped.
Headings are PDF outline entries (bookmarks) and tagged; pictures carry alternative text;
tables repeat their header row on each page. fpdf2's markdown is never switched on and its
page-count alias is switched off, so a name such as `**x**`, `<b>` or `{nb}` prints as
written.
"""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path
from typing import Any

from .model import HEADER_FILL, Bullets, Cell, Document, Figure, Heading, PageBreak, Paragraph, Table, plain

MARGIN_LEFT = MARGIN_RIGHT = 18.0
MARGIN_TOP, MARGIN_BOTTOM = 16.0, 18.0
FAMILY = "DejaVu"
INK, GREY_INK, BLUE_INK = (0x21, 0x2B, 0x32), (0x42, 0x55, 0x63), (0x00, 0x30, 0x87)
HEADING_SIZE = {0: 20.0, 1: 15.0, 2: 12.5, 3: 11.0}


@cache
def fonts() -> dict[str, Path]:
    """The TrueType files matplotlib ships (mpl-data/fonts/ttf): found, not imported (a
    painter's workers draw with matplotlib; this process need not import it to write)."""
    from importlib.util import find_spec

    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed: it ships the font the PDF is set in")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf"}


class Printable:
    """Data as text the font can draw: `plain`, then any character without a glyph as its escape."""

    def __init__(self, glyphs: set[int]) -> None:
        self.glyphs = glyphs

    def __call__(self, value: object) -> str:
        text = plain(value)
        if all(ord(c) in self.glyphs for c in text):
            return text
        return "".join(c if ord(c) in self.glyphs else c.encode("unicode_escape").decode("ascii") for c in text)


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _pdf_class() -> type:
    from fpdf import FPDF

    class Paper(FPDF):  # type: ignore[misc]
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, "", 7.5)
            self.set_text_color(*GREY_INK)
            self.cell(0, 5, f"{self.footer_text} · Page {self.page_no()}", align="L")

    return Paper


def render(doc: Document) -> bytes:
    """The document as the bytes of a PDF file."""
    from fpdf import Align, TextStyle

    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.alias_nb_pages(None)  # else "{nb}" anywhere in the text would become the page count
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, MARGIN_BOTTOM)
    files = fonts()
    pdf.add_font(FAMILY, "", str(files[""]))
    pdf.add_font(FAMILY, "B", str(files["B"]))
    plain = Printable(set.intersection(*(set(f.cmap) for k, f in pdf.fonts.items() if k.startswith(FAMILY.lower()))))
    pdf.footer_text = plain(doc.footer)
    pdf.set_title(plain(doc.title))
    pdf.set_subject(plain(doc.subject))
    pdf.set_author("icpmap")
    pdf.set_creator("icpmap")
    pdf.set_lang(doc.language)
    pdf.set_display_mode("fullwidth")
    pdf.set_section_title_styles(*(TextStyle(font_family=FAMILY, font_style="B", font_size_pt=HEADING_SIZE.get(i, 11.0),
                                             color=BLUE_INK, t_margin=4 if i else 0, b_margin=2, l_margin=Align.L)
                                   for i in range(4)))
    pdf.set_font(FAMILY, "", 9.5)
    pdf.add_page()
    width = pdf.epw
    pictures = 0
    for number, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            level = min(block.level, 3)
            if pdf.will_page_break(12 + _start_height(doc.blocks[number + 1:number + 3], width)):
                # a heading stays with what it heads: its introduction, and the start of the picture or table after it
                pdf.add_page()
            pdf.set_x(pdf.l_margin)
            pdf.start_section(plain(block.text), level, strict=False)
            pdf.ln(1)
        elif isinstance(block, Paragraph):
            size = {"note": 8.0, "subtitle": 11.0}.get(block.style, 9.5)
            _lines(pdf, [(plain(s.text), "B" if s.bold else "") for s in block.spans], width, size,
                   GREY_INK if block.style == "note" else INK)
            pdf.ln(2)
        elif isinstance(block, Bullets):
            pdf.set_font(FAMILY, "", 9.5)
            pdf.set_text_color(*INK)
            for item in block.items:
                pdf.set_x(pdf.l_margin)
                pdf.multi_cell(width, 4.8, "•  " + plain(item), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif isinstance(block, Table):
            _table(pdf, block, width, plain)
        elif isinstance(block, Figure):
            pictures += 1
            w, h = _picture_size(block, width)
            if pdf.will_page_break(h + 8):
                pdf.add_page()
            pdf.image(io.BytesIO(block.png), x=pdf.l_margin + (width - w) / 2, w=w, h=h, alt_text=plain(block.alt),
                      title=plain(block.caption)[:250])
            _lines(pdf, [(plain(f"Figure {pictures}. {block.caption}"), "")], width, 7.5, GREY_INK)
            pdf.ln(2)
        elif isinstance(block, PageBreak):
            pdf.add_page()
    return bytes(pdf.output())


class _Wrap:
    """Word wrapping with each word's width measured once (fpdf2 measures every character of
    every line it breaks; a pack has thousands of cells)."""

    def __init__(self, pdf: Any, size: float) -> None:
        self.pdf, self.size = pdf, size
        self.widths: dict[tuple[str, str, float], float] = {}

    def width(self, text: str, style: str) -> float:
        key = (text, style, self.size)
        if key not in self.widths:
            self.pdf.set_font(FAMILY, style, self.size)
            self.widths[key] = self.pdf.get_string_width(text)
        return self.widths[key]

    def spans(self, spans: list[tuple[str, str]], room: float) -> list[list[tuple[str, str]]]:
        """Lines of (text, style) fragments: words of several styles wrapped together."""
        words: list[tuple[str, str, bool]] = []  # word, style, a space before it
        for text, style in spans:
            for i, word in enumerate(text.split(" ")):
                if word or i:
                    words.append((word, style, i > 0 or (bool(words) and text[:1] == " ")))
        lines: list[list[tuple[str, str]]] = [[]]
        used = 0.0
        for word, style, spaced in words:
            gap = self.width(" ", style) if spaced and lines[-1] else 0.0
            w = self.width(word, style)
            if lines[-1] and used + gap + w > room:
                lines.append([])
                used, gap = 0.0, 0.0
            lines[-1].append(((" " if gap else "") + word, style))
            used += gap + w
        return [[(t, st) for t, st in line if t] for line in lines]

    def lines(self, text: str, room: float, style: str) -> list[str]:
        out: list[str] = []
        line = ""
        space = self.width(" ", style)
        used = 0.0
        for word in text.split(" "):
            w = self.width(word, style)
            if line and used + space + w <= room:
                line, used = line + " " + word, used + space + w
                continue
            if line or out:
                out.append(line)
            while w > room and len(word) > 1:  # a word wider than the column: cut it
                cut = len(word)
                while cut > 1 and self.width(word[:cut], style) > room:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
                w = self.width(word, style)
            line, used = word, w
        out.append(line)
        return out


def _picture_size(block: Figure, width: float) -> tuple[float, float]:
    """Width and height (mm) a picture is drawn at: the share of the text width it asks for,
    scaled down when taller than a page."""
    w = width * block.width
    h = w * block.aspect
    available = 297.0 - MARGIN_BOTTOM - MARGIN_TOP - 24
    return (w * available / h, available) if h > available else (w, h)


def _start_height(blocks: list[Any], width: float) -> float:
    """How much must fit below a heading (mm): a picture whole, a table's caption, header and
    first rows, a paragraph (and, after a short introduction, the start of what it introduces)."""
    height = 0.0
    for i, block in enumerate(blocks):
        if isinstance(block, Figure):
            return height + _picture_size(block, width)[1] + 8
        if isinstance(block, Table):
            return height + 24
        if isinstance(block, Paragraph) and i == 0:
            height += 4.5 * (1 + len(block.text) // 110) + 2
            continue
        return height + (14 if isinstance(block, Paragraph) else 0)
    return height


def _lines(pdf: Any, spans: list[tuple[str, str]], width: float, size: float, colour: tuple[int, int, int]) -> None:
    """Text of one or more styles, wrapped to `width` at words, from the left margin."""
    wrap = _Wrap(pdf, size)
    height = size * 0.5
    pdf.set_text_color(*colour)
    for line in wrap.spans(spans, width):
        if pdf.will_page_break(height):
            pdf.add_page()
        pdf.set_x(pdf.l_margin)
        for text, style in line:
            pdf.set_font(FAMILY, style, size)
            pdf.cell(wrap.width(text, style), height, text)
        pdf.ln(height)


def _table(pdf: Any, block: Table, width: float, plain: Printable) -> None:
    """A table: a shaded header row repeated on each page it spans, cells filled and wrapped."""
    size, line_h, pad_x, pad_y = 7.5 * block.size, 3.3 * block.size, 1.0, 0.8
    if block.caption:
        if pdf.will_page_break(16):
            pdf.add_page()
        _lines(pdf, [(plain(block.caption), "")], width, 7.5, GREY_INK)
        pdf.ln(0.5)
    total = sum(block.widths) or 1.0
    widths = [w / total * width for w in block.widths]
    wrap = _Wrap(pdf, size)
    header = [Cell(name, fill=HEADER_FILL, bold=True) for name in block.columns]

    def laid(values: list[Any]) -> tuple[list[tuple[Cell, list[str]]], float]:
        cells = []
        for value, w in zip(values, widths):
            cell = value if isinstance(value, Cell) else Cell(plain(value))
            cells.append((cell, wrap.lines(plain(cell.text), w - 2 * pad_x, "B" if cell.bold else "")))
        return cells, max(len(lines) for _, lines in cells) * line_h + 2 * pad_y

    def draw(cells: list[tuple[Cell, list[str]]], height: float, head: bool) -> None:
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_draw_color(0x76, 0x86, 0x92)
        pdf.set_line_width(0.15)
        for (cell, lines), w in zip(cells, widths):
            if cell.fill:
                pdf.set_fill_color(*_rgb(cell.fill))
            pdf.rect(x, y, w, height, style="DF" if cell.fill else "D")
            pdf.set_font(FAMILY, "B" if cell.bold else "", size)
            pdf.set_text_color(*((255, 255, 255) if head else INK))
            for i, line in enumerate(lines):
                pdf.set_xy(x + pad_x, y + pad_y + i * line_h)
                pdf.cell(w - 2 * pad_x, line_h, line, align={"right": "R", "center": "C"}.get(cell.align, "L"))
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    head_cells, head_h = laid(header)
    body = [laid(row) for row in block.rows]
    first = body[0][1] if body else 0.0
    if pdf.will_page_break(head_h + first):
        pdf.add_page()
    draw(head_cells, head_h, True)
    for cells, height in body:
        if pdf.will_page_break(height):
            pdf.add_page()
            draw(head_cells, head_h, True)
        draw(cells, height, False)
    pdf.ln(3)


def write(doc: Document, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.write_bytes(render(doc))
    return path


__all__ = ["fonts", "render", "write"]
