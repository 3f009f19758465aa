"""Cell-level validation: required values, types and vocabularies, column by column.

Works on distinct values (see `parse.parse_series`), so it stays vectorised on big
files. Rows with a problem are reported and marked, never silently dropped: any
problem stops the whole load.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ..graph.model import RELS, VOCABULARIES, LinkFile, NodeFile, Prop
from . import parse
from .geometry import parse_geometry
from .problems import Problems
from .tables import Table

KEY = Prop("key")  # a reference to another node: a non-blank string


@dataclass
class Typed:
    """A table's values as Python values (None for blank), ready to plan."""

    table: Table
    number: int  # position in the load, for precedence among equals
    values: dict[str, pd.Series]

    @property
    def lines(self) -> np.ndarray:
        return self.table.lines

    def has(self, column: str) -> bool:
        return column in self.values


def column_props(spec: NodeFile | LinkFile) -> dict[str, Prop]:
    """The model type of each column of a contract file."""
    out: dict[str, Prop] = {}
    if isinstance(spec, NodeFile):
        for p in spec.node.props:
            out[p.name] = p
        for ref in spec.refs:
            out[ref.column.name] = KEY
            for c in ref.props:
                out[c.name] = RELS[ref.rel].prop(c.target_prop)
    else:
        out[spec.source.column] = KEY
        out[spec.target.column] = KEY
        for c in spec.props:
            out[c.name] = RELS[spec.rel].prop(c.target_prop)
    return out


def required_columns(table: Table) -> set[str]:
    spec = table.spec
    if isinstance(spec, NodeFile):
        if table.published is not None:
            return {spec.node.key}
        return {c.name for c in spec.columns() if c.required}
    return {c.name for c in spec.columns() if c.required}


def _parser(prop: Prop):
    if prop.vocabulary:
        return partial(parse.parse_vocab, allowed=VOCABULARIES[prop.vocabulary])
    if prop.format is not None:
        return FORMAT_PARSERS[prop.format]
    found = {
        "date": parse.parse_date, "bool": parse.parse_bool, "int": parse.parse_int, "float": parse.parse_float,
    }.get(prop.type)
    if found is not None and prop.bounds is not None:
        return partial(parse.parse_bounded, parse=found, low=prop.bounds[0], high=prop.bounds[1])
    return found


FORMAT_PARSERS = {"geojson": parse_geometry}  # graph.model.TEXT_FORMATS


def _split_many(values: pd.Series) -> pd.Series:
    def split(text: str) -> list[str]:
        return [part.strip() for part in text.split(";") if part.strip()]

    codes, uniques = pd.factorize(values)
    table = np.empty(len(uniques) + 1, dtype=object)
    for i, u in enumerate(uniques):
        table[i] = split(u)
    table[-1] = []
    return pd.Series(table[codes], index=values.index, dtype=object)


def validate(table: Table, number: int, problems: Problems) -> Typed:
    props = column_props(table.spec)
    required = required_columns(table)
    many = {c.name for c in table.spec.columns() if c.many}
    blank_ok = {c.name for c in table.spec.columns() if c.blank_ok}
    values: dict[str, pd.Series] = {}
    lines = table.lines
    for name in table.frame.columns:
        raw = table.frame[name]
        blank = (raw == "").to_numpy()
        user_col = table.user_column(name)
        if name in required and name not in blank_ok and blank.any():
            at = np.flatnonzero(blank)
            problems.add_rows(table.display, lines[at], user_col, [""] * len(at), "a value is required here")
        if name in many:
            values[name] = _split_many(raw)
            continue
        prop = props[name]
        parser = _parser(prop)
        if parser is None:  # strings and keys (categorical: blank becomes missing)
            values[name] = raw.where(~blank) if blank.any() else raw
            continue
        filled = raw.where(~blank) if blank.any() else raw  # NaN for blank: factorize leaves it out
        codes, parsed, errors = parse.parse_distinct(filled, parser)
        failed = np.array([e is not None for e in errors], dtype=bool)
        if failed.any():
            at = np.flatnonzero(failed[codes])
            problems.add_rows(table.display, lines[at], user_col, raw.iloc[at].tolist(), errors[codes[at]].tolist())
        # A published file's complete count column stays numeric (a million numbers, not a
        # million Python objects); the partnership's own files keep Python values, which
        # their conflict messages show.
        numbers = parse.numeric_column(codes, parsed, prop.type) if table.published is not None else None
        if numbers is not None:
            values[name] = pd.Series(numbers, index=raw.index, copy=False)
        else:
            values[name] = pd.Series(parsed[codes], index=raw.index, dtype=object, copy=False)
    return Typed(table, number, values)
