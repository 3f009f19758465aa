"""A board paper as plain blocks (headings, paragraphs, tables, pictures), independent of the format.

The content is built once (`content.py`) and written by `docx_writer.py` (Word) and
`pdf_writer.py` (PDF), so both formats say exactly the same. Every string here is plain
text: each writer prints it as text, never as markup, a field or a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Status colours shared by every table and chart of a paper (NHS identity colours).
GREEN, AMBER, RED, GREY = "#009639", "#FFB81C", "#DA291C", "#E8EDEE"
LIGHT = {GREEN: "#CCEBD7", AMBER: "#FFF1D1", RED: "#F8D4D2", GREY: "#F0F4F5"}  # fills that keep black text legible
HEADER_FILL = "#005EB8"  # NHS blue, white text

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile(r"\r\n|[\t\r\n\u2028\u2029]")


def plain(value: object) -> str:
    """Data as one line of printable text: line breaks and tabs become spaces, and a character no
    document can hold (a control character, a lone surrogate) is written as its escape, `\\x01`."""
    text = "" if value is None else str(value)
    text = _BREAKS.sub(" ", text)
    if _UNPRINTABLE.search(text):
        text = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)
    return text


@dataclass(frozen=True)
class Span:
    """A run of text in a paragraph; `bold` for a label."""

    text: str
    bold: bool = False


@dataclass
class Heading:
    text: str
    level: int  # 0 = the document's title, 1.. = sections


@dataclass
class Paragraph:
    spans: list[Span]
    style: str = "body"  # body | note (small, grey) | subtitle

    @classmethod
    def of(cls, *parts: str | Span, style: str = "body") -> Paragraph:
        return cls([p if isinstance(p, Span) else Span(p) for p in parts], style)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str | None = None  # background colour, "#RRGGBB"
    bold: bool = False
    align: str = "left"  # left | right | center


@dataclass
class Table:
    """A table with one header row (repeated on each page it spans)."""

    columns: list[str]
    rows: list[list[Cell]]
    widths: list[float]  # relative column widths
    caption: str = ""
    size: float = 1.0  # text size relative to the usual (a wide table is set smaller)

    @classmethod
    def of(cls, columns: list[str], rows: list[list[Cell | str | int | None]], widths: list[float] | None = None,
           caption: str = "", size: float = 1.0) -> Table:
        cells = [[c if isinstance(c, Cell) else Cell(plain(c), align="right" if isinstance(c, int) else "left")
                  for c in row] for row in rows]
        return cls(list(columns), cells, widths or [1.0] * len(columns), caption, size)


@dataclass
class Figure:
    """A picture (PNG) with the alternative text a screen reader gives, and a caption."""

    png: bytes
    alt: str
    caption: str
    width: float = 1.0  # share of the text width
    aspect: float = 0.6  # height / width


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | Table | Figure | PageBreak


@dataclass
class Document:
    title: str
    subject: str
    footer: str
    blocks: list[Block] = field(default_factory=list)
    language: str = "en-GB"

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def headings(self, level: int | None = None) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Heading) and (level is None or b.level == level)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]


__all__ = [
    "AMBER", "GREEN", "GREY", "HEADER_FILL", "LIGHT", "RED", "Block", "Bullets", "Cell", "Document", "Figure",
    "Heading", "PageBreak", "Paragraph", "Span", "Table", "plain",
]
