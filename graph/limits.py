"""What one user-written query may take: time, rows, memory, answer size."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .store import StoreError


@dataclass(frozen=True)
class Limits:
    """What one user query may take."""

    timeout_s: float = 10.0
    max_rows: int = 1000
    max_memory_mb: int = int(os.environ.get("ICPMAP_QUERY_MEMORY_MB", "1024"))
    max_answer_mb: int = 64

    def grace_s(self) -> float:
        """How long past its timeout a query may take to stop by itself before it is killed."""
        return min(0.25, self.timeout_s * 0.5)


class QueryStopped(StoreError):
    """The query passed its time or memory limit and its process was stopped."""
