"""What a load did: the files it read (with their SHA-256) and, per graph table, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileReport:
    path: str  # as the user named it; "book.xlsx [sheet]" for a sheet
    format: str  # the contract file ("practices") or the published format it was read as
    rows_read: int
    sha256: str
    left_out: int = 0  # rows of a national file not in the ICS of `load --ics`
    extract: str | None = None  # a published file's edition (extract date, ISO); None for the partnership's own


@dataclass
class TableCounts:
    """Counts for one node label or one relationship type between two labels."""

    name: str
    kind: str  # "node" or "relationship"
    rows_read: int = 0  # input rows that gave this table something
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)
    tables: list[TableCounts] = field(default_factory=list)
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # files in the folders given that are not read (.geojson, ...)
    ics: str | None = None  # `load --ics`: the ICS whose rows were kept from national files
    # How the practices the load concerned are located: method -> practices (see loaders/locate.py).
    located: dict[str, int] = field(default_factory=dict)
    # Where the practices' points (lat, lon) come from: contract, geocoded, postcode, none (loaders/points.py).
    points: dict[str, int] = field(default_factory=dict)

    @property
    def left_out(self) -> int:
        return sum(f.left_out for f in self.files)

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tables)

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables)

    @property
    def deleted(self) -> int:
        return sum(t.deleted for t in self.tables)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    def table(self, name: str) -> TableCounts | None:
        return next((t for t in self.tables if t.name == name), None)

    def as_dict(self) -> dict:
        out = {
            "files": [vars(f) for f in self.files],
            "tables": [vars(t) for t in self.tables],
            "seconds": round(self.seconds, 3),
        }
        if self.skipped:
            out["skipped"] = list(self.skipped)
        if self.ics:
            out["ics"] = self.ics
            out["left_out"] = self.left_out
        if self.located:
            out["located"] = dict(self.located)
        if self.points:
            out["points"] = dict(self.points)
        return out
