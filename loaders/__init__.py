"""Loaders: the partnership's input files and the NHS/ONS files as published, into the graph.

`load_paths(store, paths)` reads folders of CSVs, workbooks and single files,
validates everything, and writes it in one all-or-nothing transaction; it raises
`LoadError` (every problem, nothing written) or returns a `LoadReport`.
"""

from __future__ import annotations

from .load import Progress, load_paths
from .problems import LoadError, Problem
from .report import FileReport, LoadReport, TableCounts

__all__ = ["FileReport", "LoadError", "LoadReport", "Problem", "Progress", "TableCounts", "load_paths"]
