"""Load problems: every one names the file, the row as the user sees it, the column and the value.

A load collects all its problems before deciding anything, so the user fixes a file
once rather than once per error; `LoadError` carries them and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    file: str  # as the user named it; "book.xlsx [sheet]" for a workbook sheet
    row: int | None  # the line as the user sees it: header = 1; None = the whole file
    column: str | None  # the column as spelled in the user's file
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = ", ".join(where)
        if self.value not in (None, ""):
            text += f", value {self.value!r}"
        return f"{text}: {self.message}"


class Problems:
    """A capped list of problems, counting the ones left out."""

    def __init__(self, cap: int = MAX_PROBLEMS) -> None:
        self.cap = cap
        self.items: list[Problem] = []
        self.total = 0

    def add(self, file: str, row: int | None, column: str | None, value: object, message: str) -> None:
        self.total += 1
        if len(self.items) < self.cap:
            shown = None if value is None else str(value)
            self.items.append(Problem(file, None if row is None else int(row), column, shown, message))

    def add_rows(self, file: str, rows: Sequence[int], column: str | None, values: Sequence[object],
                 messages: Sequence[str] | str) -> None:
        """Many problems at once: the first up to the cap are kept, all are counted."""
        room = max(0, self.cap - len(self.items))
        for i in range(min(room, len(rows))):
            message = messages if isinstance(messages, str) else messages[i]
            self.add(file, rows[i], column, values[i], message)
        self.total += max(0, len(rows) - room)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p.file, p.row, p.column, p.value, p.message)

    @property
    def full(self) -> bool:
        return self.total >= self.cap

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def raise_if_any(self) -> None:
        if self.total:
            raise LoadError(self.items, self.total)


class LoadError(Exception):
    """The load was refused; nothing was written. `problems` lists what to fix."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        super().__init__(self._message())

    def _message(self) -> str:
        n = self.total
        head = f"{n} problem{'s' if n != 1 else ''} found; nothing was loaded."
        lines = [head, *(f"  {p}" for p in self.problems)]
        if n > len(self.problems):
            lines.append(f"  ... and {n - len(self.problems)} more (only the first {len(self.problems)} are shown)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._message()
