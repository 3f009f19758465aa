"""The query library: one `.cypher` file per named query, with a short header.

A query file starts with `//` header lines, then the Cypher:

    // name: place-members
    // description: The organisations in a Place's partnership, with their role.
    // param: place string required -- the Place's ONS code
    // param: as_at date = today -- memberships current on this date
    // columns: organisation_code, organisation_name, sector, statutory, role, boards

The same text runs on both engines, so it is written in the portable subset of
`shared/docs/engines.md` (relationship types `FOR` and `IN` are backtick-quoted).
The registry (`queries()`, `get()`) is what the CLI and the API list and run.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import UserError

QUERY_DIR = Path(__file__).parent
PARAM_TYPES = ("string", "date", "int", "float", "bool", "list", "json")


class QueryError(UserError, ValueError):
    """A bad query file, an unknown query, or a parameter that does not fit."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    required: bool = False
    default: str | None = None  # as written in the header; `today` for dates
    help: str = ""

    def convert(self, value: Any) -> Any:
        """Turn a value from the command line, a URL or JSON into the declared type."""
        if value is None or value == "":
            return None
        try:
            if self.type == "date":
                return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            if self.type == "int":
                return int(value)
            if self.type == "float":
                return float(value)
            if self.type == "bool":
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in {"true", "yes", "y", "1"}:
                    return True
                if text in {"false", "no", "n", "0"}:
                    return False
                raise ValueError(value)
            if self.type == "list":
                return value if isinstance(value, list) else [v.strip() for v in str(value).split(";") if v.strip()]
            if self.type == "json":
                return json.loads(value) if isinstance(value, str) else value
            return str(value)
        except (ValueError, TypeError):
            raise QueryError(f"Parameter {self.name} must be a {self.type}; got {value!r}.") from None

    def default_value(self) -> Any:
        if self.default is None:
            return None
        if self.type == "date" and self.default == "today":
            return dt.date.today()
        return self.convert(self.default)


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    text: str
    path: Path
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def bind(self, given: dict[str, Any] | None = None) -> dict[str, Any]:
        """Parameters for a run: given values converted, defaults filled, unknown names refused."""
        given = dict(given or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise QueryError(f"Query {self.name} has no parameter {', '.join(unknown)}; it takes: {', '.join(known) or 'none'}.")
        bound: dict[str, Any] = {}
        for p in self.params:
            value = p.convert(given[p.name]) if p.name in given else p.default_value()
            if value is None and p.required:
                raise QueryError(f"Query {self.name} needs --param {p.name}=... ({p.help or p.type}).")
            bound[p.name] = value
        return bound


def parse(path: Path) -> Query:
    """Read a query file: header lines, then the Cypher text."""
    header: dict[str, list[str]] = {}
    body: list[str] = []
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("//"):
            key, sep, value = stripped[2:].strip().partition(":")
            if sep:
                header.setdefault(key.strip().lower(), []).append(value.strip())
            continue
        in_header = False
        body.append(line)
    text = "\n".join(body).strip().rstrip(";")
    if "name" not in header or not text:
        raise QueryError(f"{path.name}: a query file needs a `// name:` header and a query.")
    params = tuple(_param(path, spec) for spec in header.get("param", []))
    columns = tuple(c.strip() for c in ",".join(header.get("columns", [])).split(",") if c.strip())
    extra = {k: " ".join(v) for k, v in header.items() if k not in {"name", "description", "param", "columns"}}
    return Query(header["name"][0], " ".join(header.get("description", [])), text, path, params, columns, extra)


def _param(path: Path, spec: str) -> Param:
    """`NAME TYPE [required] [= DEFAULT] [-- help]`."""
    spec, _, help_text = spec.partition("--")
    spec, _, default = spec.partition("=")
    words = spec.split()
    if not words:
        raise QueryError(f"{path.name}: empty param header")
    name, kind = words[0], (words[1] if len(words) > 1 else "string")
    if kind not in PARAM_TYPES:
        raise QueryError(f"{path.name}: param {name} has unknown type {kind}")
    return Param(name, kind, "required" in words[2:], default.strip() or None, help_text.strip())


@cache
def queries() -> dict[str, Query]:
    """Every query of the library, by name (files under `cypher/`, reports included)."""
    found: dict[str, Query] = {}
    for path in sorted(QUERY_DIR.rglob("*.cypher")):
        query = parse(path)
        if query.name in found:
            raise QueryError(f"Two query files are named {query.name}: {found[query.name].path.name} and {path.name}")
        found[query.name] = query
    return found


def get(name: str) -> Query:
    try:
        return queries()[name]
    except KeyError:
        raise QueryError(f"No query named {name!r}. `icpmap queries` lists them.") from None


__all__ = ["Param", "Query", "QueryError", "get", "parse", "queries"]
