"""Recognising what a table is: a file of the input contract (by its name), or an NHS/ONS
file as published (by its headers). Anything else is an error that names it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..graph.model import FILES
from .parse import vocab_key
from .problems import Problems
from .read import RawTable
from .tables import Table

if TYPE_CHECKING:
    from .nhs import Identified
    from .postcodes import PostcodeLookup


def contract_name(stem: str) -> str | None:
    key = vocab_key(stem)
    return key if key in FILES else None


@dataclass
class Recognised:
    """What a raw table is: a file of the contract (`contract`), or a published NHS/ONS file
    (`published`); `empty` when there is nothing in it."""

    raw: RawTable
    contract: str | None = None
    published: Identified | None = None
    empty: bool = False

    @property
    def format(self) -> str:
        return self.published.fmt.name if self.published is not None else self.contract or ""

    def tables(self, problems: Problems) -> tuple[list[Table], list[PostcodeLookup]]:
        """The contract tables it becomes, and the postcode lookup it is (if one)."""
        if self.empty:
            return [], []
        if self.contract is not None:
            table = contract_table(self.raw, self.contract, problems)
            return ([table] if table is not None else []), []
        assert self.published is not None
        return self.published.map(self.raw, problems)


def what(raw: RawTable) -> Recognised | None:
    """Recognise a raw table by its name (contract files) or its headers (published files)."""
    if len(raw.frame.columns) == 0 and len(raw.frame) == 0:
        return Recognised(raw, empty=True)  # an empty file or sheet: nothing to do
    if raw.file.kind == "geojson":  # a boundary file: recognised by its code field, whatever its name
        from . import boundaries, nhs

        if boundaries.key_of(list(raw.frame.columns)) is None:
            return None
        return Recognised(raw, published=nhs.Identified(nhs.BOUNDARIES))
    name = contract_name(raw.stem)
    if name is not None and not raw.headerless:
        return Recognised(raw, contract=name)
    from . import nhs

    fmt = nhs.identify(raw)
    return Recognised(raw, published=fmt) if fmt is not None else None


def recognise(raw: RawTable, problems: Problems) -> list[Table] | None:
    """The contract tables this raw table holds; None when it is not recognised."""
    found = what(raw)
    return None if found is None else found.tables(problems)[0]


def recognise_quietly(raw: RawTable) -> bool:
    """Whether a table is a published NHS/ONS one (no problems recorded)."""
    from . import nhs

    return nhs.identify(raw) is not None


def unknown_message(raw: RawTable) -> str:
    if raw.file.kind == "geojson":
        from .boundaries import unknown_message as boundary_message

        return boundary_message()
    known = ", ".join(f"{n}.csv" for n in FILES)
    return (
        "not a file icpmap knows: its name is not one of the input files "
        f"({known}) and its headers match no NHS/ONS file icpmap reads"
    )


def contract_table(raw: RawTable, name: str, problems: Problems) -> Table | None:
    spec = FILES[name]
    by_key: dict[str, str] = {}
    for col in raw.frame.columns:
        by_key.setdefault(vocab_key(col), col)
    columns: dict[str, str] = {}
    for c in spec.columns():
        if c.name in by_key:
            columns[c.name] = by_key[c.name]
    missing = [c.name for c in spec.columns() if c.required and c.name not in columns]
    for m in missing:
        problems.add(raw.display, 1, m, None, f"missing required column {m!r} (the header row has: "
                     f"{', '.join(map(str, raw.frame.columns)) or 'nothing'})")
    if missing:
        return None
    import pandas as pd

    frame = pd.DataFrame({c: raw.column(user) for c, user in columns.items()}, index=raw.frame.index)
    for implied in getattr(spec, "implied", ()):  # e.g. a practice's point_from: `contract` where lat is given
        if implied.when not in frame.columns:
            continue
        given = frame[implied.when].astype(object) != ""
        own = frame[implied.prop].astype(object) if implied.prop in frame.columns else pd.Series("", index=frame.index)
        frame[implied.prop] = own.where((own != "") | ~given, implied.value)
        columns.setdefault(implied.prop, f"({implied.prop})")
    return Table(spec, raw, frame.reset_index(drop=True), raw.lines, columns)


def detect_headerless(path: Path, first: list[str], headerless: dict[str, Sequence[str]]) -> list[str] | None:
    from . import nhs

    return nhs.headerless_columns(path, first)
