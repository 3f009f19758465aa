"""A recognised input table: contract column names, strings, and where each row came from.

Both the partnership's own files and the NHS/ONS files (after mapping) become
`Table`s, so validation and planning are written once, against the model's contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..graph.model import LinkFile, NodeFile
from .read import RawTable

CONTRACT_RANK = 10**12  # the partnership's own files win over published ones (ranked by extract date: ordinal * 100 + n)


@dataclass(frozen=True)
class Published:
    """How a table mapped from an NHS/ONS file differs from a contract file.

    Published tables only fill the columns they have, take no part in conflict
    checks (the newest edition wins), and may carry snapshot evidence of membership.
    """

    format: str  # e.g. "gp-reg-pat-prac-map"
    as_of: dt.date | None = None  # extract date: membership rows are a snapshot on this date
    snapshot: bool = False  # practices.pcn_code rows say "member on as_of", not dated history
    owned_links: bool = False  # link rows replace the source node's set (a complete extract)


@dataclass
class Table:
    spec: NodeFile | LinkFile
    raw: RawTable
    frame: pd.DataFrame  # contract column names; str cells, '' = blank, stripped
    lines: np.ndarray  # row number per frame row, as the user sees it
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> column in the user's file
    published: Published | None = None
    rank: int = CONTRACT_RANK

    @property
    def display(self) -> str:
        return self.raw.display

    def user_column(self, name: str) -> str:
        return self.columns.get(name, name)
