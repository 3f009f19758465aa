"""The load audit: one JSON line per load attempt, beside the store (or at `ICPMAP_AUDIT`).

Each entry says when, who (the key's name, or the local user), which files with their
size and SHA-256, the outcome (`loaded` or `refused`), the row counts the loader
reported, and for a refused load how many problems it had. Appends are serialised in
the process and made with one `write` on an `O_APPEND` file, so lines never interleave.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import uuid
from collections import deque
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def record(path: Path, entry: dict[str, Any]) -> None:
    line = (json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":")) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def entries(path: Path, limit: int = 100) -> list[dict[str, Any]]:
    """The latest `limit` entries, newest first. Lines that do not parse are skipped."""
    if not path.exists():
        return []
    latest: deque[dict[str, Any]] = deque(maxlen=limit)
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                latest.append(item)
    return list(reversed(latest))
