"""What every report shares: its options, the context it runs in, and its result.

A report is a name, a one-line description, its options, the `.cypher` files it runs
(under `cypher/reports/`) and a small `build` function. The Cypher does the matching
and the aggregation; `build` only does what the portable Cypher subset cannot (set
differences with a settings list, ranking with ties, betweenness, sentences).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import cypher
from ..errors import UserError
from ..graph.store import Result, Store

if TYPE_CHECKING:
    from .settings import ReportSettings


class ReportError(UserError, ValueError):
    """An unknown report, or an option that does not fit it."""


@dataclass(frozen=True)
class Option:
    """An option of a report, as the CLI (`--as-at`) and the API (`?as_at=`) take it."""

    name: str
    type: str  # string | date | float | choice
    help: str
    choices: tuple[str, ...] = ()
    flag_name: str = ""  # the command line's flag when it is not `--name` (`--from` for from_date)
    aliases: tuple[str, ...] = ()  # other names it is given by: the API's `from` for from_date (the first one)

    @property
    def query_name(self) -> str:
        """Its name as an API query parameter."""
        return self.aliases[0] if self.aliases else self.name

    @property
    def flag(self) -> str:
        return self.flag_name or "--" + self.name.replace("_", "-")

    def convert(self, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.type == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            text = str(value).strip()
            for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date()):
                try:
                    return parse(text)
                except ValueError:
                    pass
            raise ReportError(f"{self.flag} must be a date as YYYY-MM-DD (or DD/MM/YYYY); got {value!r}.")
        if self.type == "float":
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ReportError(f"{self.flag} must be a number; got {value!r}.") from None
            if not 0 < number <= 1:
                raise ReportError(f"{self.flag} must be a share above 0 and at most 1 (e.g. 0.95); got {value!r}.")
            return number
        text = str(value).strip()
        if self.type == "choice":
            lowered = text.lower()
            if lowered not in self.choices:
                raise ReportError(f"{self.flag} must be one of {', '.join(self.choices)}; got {value!r}.")
            return lowered
        return text


PLACE = Option("place", "string", "a Place's ONS code, e.g. E08000014 (default: every Place)")
ICS = Option("ics", "string", "an ICS's ODS code, e.g. QYG: only its Places (default: every ICS)")
AS_AT = Option("as_at", "date", "the as-at date, YYYY-MM-DD: memberships and roles current then (default: today)")
COMMON = (PLACE, ICS, AS_AT)


@dataclass
class Context:
    """One run: the store, the settings, the resolved options, and a cache of query results."""

    store: Store
    settings: ReportSettings
    place: str | None
    as_at: dt.date
    options: dict[str, Any] = field(default_factory=dict)
    cache: dict[tuple[Any, ...], Result] = field(default_factory=dict)
    ics: str | None = None

    def query(self, name: str, **params: Any) -> Result:
        """Run a query of the library with this run's place and as-at date (when it takes them)."""
        q = cypher.get(name)
        declared = {p.name for p in q.params}
        given: dict[str, Any] = {}
        if "place" in declared:
            given["place"] = self.place
        if "ics" in declared:
            given["ics"] = self.ics
        if "as_at" in declared:
            given["as_at"] = self.as_at
        given.update(params)
        bound = q.bind(given)
        key = cache_key(name, bound)
        if key not in self.cache:
            self.cache[key] = self.store.read(q.text, bound)
        return self.cache[key]

    def records(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.query(name, **params).records()


Build = Callable[[Context], tuple[Sequence[str], list[list[Any]]]]


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    columns: tuple[str, ...]
    queries: tuple[str, ...]
    build: Build
    options: tuple[Option, ...] = COMMON
    definition: str = ""  # a longer explanation, for `icpmap reports` and the docs

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


@dataclass
class ReportResult:
    name: str
    columns: list[str]
    rows: list[list[Any]]
    options: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def cache_key(name: str, bound: dict[str, Any]) -> tuple[Any, ...]:
    """A run's cache key for query `name` with these bound parameters: what lets a diagram take a
    report's rows from the shared cache (visualise/derived.py) instead of reading them again."""
    return (name, *sorted((k, repr(v)) for k, v in bound.items()))


def count(value: Any) -> int:
    """Counts are integers, never blank."""
    return int(value or 0)


def sorted_list(values: Any) -> list[str]:
    return sorted({str(v) for v in (values or []) if v is not None and v != ""})


__all__ = [
    "AS_AT", "COMMON", "ICS", "PLACE", "Context", "Option", "Report", "ReportError", "ReportResult",
    "cache_key", "count", "sorted_list",
]
