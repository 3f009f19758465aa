"""The load audit: one JSON line per load attempt, beside the store (or at `ICPMAP_AUDIT`).

Shared by the CLI (`icpmap load`, `icpmap copy`, `icpmap forget`, `icpmap loads`) and the
service (`POST /loads`, `GET /loads`). Each entry says when, who (the API key's name, or
the local user for the CLI), how (`via`: api, cli, copy), which files with their size and
SHA-256 and rows, the outcome (`loaded`, `refused`, or `forgotten` for an erasure), the
counts the loader reported, and for a refused load how many problems it had. Appends are
serialised in the process and made with one `write` on an `O_APPEND` file, so lines never
interleave, even between processes.

The audit holds no personal data: file names, digests and counts only; an erasure
records the person's id (a code), never their name.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()
SUFFIX = ".loads.jsonl"


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def os_user() -> str:
    """Who is running this command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): the numeric id
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def default_path(location: str | None = None, db: str | os.PathLike[str] | None = None) -> Path:
    """`ICPMAP_AUDIT`, else beside the embedded store (`<store>.loads.jsonl`), else the data dir (Neo4j)."""
    env = os.environ.get("ICPMAP_AUDIT", "").strip()
    if env:
        return Path(env).expanduser()
    from ..graph.config import beside_store

    return beside_store(SUFFIX, db, location)


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


# -- entries for loads made outside the service ---------------------------------------------------


def file_entries(paths: Sequence[Path | str], hashed: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Each input file (folders expanded as the loader does) with its size and SHA-256.

    `hashed`: the files the loader has read, by name, whose SHA-256 it took as it read them:
    they are not read again (a registrations file is 75 MB)."""
    from ..loaders.problems import Problems
    from ..loaders.read import expand

    out = []
    for path in expand(paths, Problems()):
        if hashed and str(path) in hashed:
            try:
                size = path.stat().st_size
            except OSError:
                continue
            out.append({"name": str(path), "bytes": size, "sha256": None, "rows": None})
            continue
        digest, size = hashlib.sha256(), 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError:
            continue
        out.append({"name": str(path), "bytes": size, "sha256": digest.hexdigest(), "rows": None})
    return out


def _by_file(report: Any) -> dict[str, tuple[int, str]]:
    """(rows read, SHA-256) per file from a `LoadReport` (a workbook's sheets added up)."""
    out: dict[str, tuple[int, str]] = {}
    for f in getattr(report, "files", []) or []:
        # `<file> [<sheet>]`: the last ` [` starts the sheet (a file's own name may hold one)
        name = str(f.path).rsplit(" [", 1)[0] if str(f.path).endswith("]") else str(f.path)
        rows, _ = out.get(name, (0, ""))
        out[name] = (rows + int(f.rows_read), str(f.sha256))
    return out


def load_entry(paths: Sequence[Path | str], *, by: str, via: str, report: Any = None, error: Any = None,
               key_id: str | None = None, files: Iterable[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The audit entry of one load: `report` (a LoadReport) when it loaded, `error` (a LoadError) when refused."""
    loaded = _by_file(report) if report is not None else {}
    listed = list(files) if files is not None else file_entries(paths, loaded)
    entry: dict[str, Any] = {"id": new_id(), "at": now(), "by": by, "via": via, "key_id": key_id, "files": listed}
    if report is not None:
        for f in listed:
            if f["name"] in loaded:  # what the loader read, hashed as it read it
                f["rows"], f["sha256"] = loaded[f["name"]]
        as_dict = report.as_dict() if hasattr(report, "as_dict") else dict(report)
        entry.update(status="loaded", report=json.loads(json.dumps(as_dict, default=str)))
    else:
        total = getattr(error, "total", None)
        entry.update(status="refused", problems=int(total) if isinstance(total, int) else None)
    return entry


def record_load(path: Path, paths: Sequence[Path | str], *, by: str | None = None, via: str = "cli",
                report: Any = None, error: Any = None) -> dict[str, Any]:
    """Build and append the entry of a load made by the CLI (`by` defaults to the OS user)."""
    from ..errors import UserError

    entry = load_entry(paths, by=by or os_user(), via=via, report=report, error=error)
    try:
        record(path, entry)
    except OSError as exc:
        outcome = "The load was made" if report is not None else "The load was refused"
        raise UserError(f"{outcome}, but it could not be recorded in the load audit at {path}: "
                        f"{exc.strerror or exc}.") from None
    return entry
