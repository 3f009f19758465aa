"""NHS and ONS files as published (being written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def identify(raw: Any) -> Any:
    return None


def headerless_columns(path: Path, first: list[str]) -> list[str] | None:
    return None
