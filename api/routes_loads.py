"""Loads through the service: `POST /loads` (admin) and the load audit, `GET /loads`.

Uploads are streamed to a private temporary folder under their own (sanitised) names,
with the size limit enforced as the bytes arrive (see `security.EdgeMiddleware`), then
given to the same all-or-nothing loader as `icpmap load`. One load at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from ..graph import Store
from ..safety import audit
from .auth import Principal
from .deps import admin, get_store, settings
from .errors import Problem
from .render import json_response
from .routes_api import ERRORS

router = APIRouter()

ALLOWED = (".csv", ".xlsx")
MAX_FILES = 100
CHUNK = 1024 * 1024
_LOAD_LOCK = threading.Lock()


class LoadProblemOut(BaseModel):
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str


class LoadFileOut(BaseModel):
    name: str
    bytes: int
    sha256: str
    rows: int | None = Field(None, description="Data lines in a CSV (not counted for workbooks).")


class LoadOut(BaseModel):
    id: str
    status: str
    at: str
    by: str
    files: list[LoadFileOut]
    report: dict[str, Any]


class AuditEntry(BaseModel):
    id: str
    at: str
    by: str = Field(description="The API key's name, or the local user for the command line.")
    via: str | None = Field(None, description="api, cli or copy.")
    key_id: str | None = Field(None, description="The id of the API key used (loads through the service).")
    status: str = Field(description="loaded, refused, or forgotten (a person erased: `person_id`).")
    files: list[LoadFileOut]
    report: dict[str, Any] | None = None
    problems: int | None = None
    person_id: str | None = None


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "minItems": 1,
                                  "description": "CSV files of the input format, or a workbook (.xlsx)."},
                    },
                }
            }
        },
    }
}


@dataclass
class Upload:
    folder: Path
    files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [self.folder / f["name"] for f in self.files]


def clean_name(raw: str | None) -> str:
    """A file name safe to create in our folder: the last path part, tame characters, .csv/.xlsx."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[^\w .()-]+", "_", name).strip(" .")
    if not name.lower().endswith(ALLOWED) or len(name) <= 4:
        raise Problem(415, f"Upload CSV files (.csv) or an Excel workbook (.xlsx); {raw!r} is neither.",
                      title="Unsupported Media Type")
    stem, _, ext = name.rpartition(".")
    return f"{stem[:115].rstrip(' .')}.{ext.lower()}"  # at most 120 characters, the extension kept


async def receive_upload(request: Request) -> Upload:
    """Stream the multipart body into a temporary folder; the caller removes `folder`."""
    conf = settings(request)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Problem(415, "Send the files as multipart/form-data, in a field named `files`.",
                      title="Unsupported Media Type")
    folder = Path(tempfile.mkdtemp(prefix="icpmap-upload-"))
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=20)
        try:
            uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
            if not uploads:
                raise Problem(400, "No files were sent: put them in a multipart field named `files`.")
            upload = Upload(folder)
            rows_total = 0
            seen: set[str] = set()
            for item in uploads:
                name = clean_name(item.filename)
                if name.lower() in seen:
                    raise Problem(400, f"Two files are named {name!r}; send each file once.")
                seen.add(name.lower())
                digest, size, lines = hashlib.sha256(), 0, 0
                with (folder / name).open("wb") as out:
                    while chunk := await item.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        lines += chunk.count(b"\n")
                        out.write(chunk)
                is_csv = name.endswith(".csv")
                rows = max(lines - 1, 0) if is_csv else None
                rows_total += rows or 0
                if rows_total > conf.max_upload_rows:
                    raise Problem(413, f"The upload has more than {conf.max_upload_rows:,} rows, the limit of this "
                                       "service; load it with `icpmap load` instead.", title="Content Too Large")
                upload.files.append({"name": name, "bytes": size, "sha256": digest.hexdigest(), "rows": rows})
        finally:
            await form.close()
        return upload
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _plain_report(report: Any) -> dict[str, Any]:
    from .render import plain_json

    if report is None:
        return {}
    for attr in ("as_dict", "to_dict"):
        method = getattr(report, attr, None)
        if callable(method):
            return plain_json(method())
    if is_dataclass(report) and not isinstance(report, type):
        return plain_json(asdict(report))
    if isinstance(report, dict):
        return plain_json(report)
    return plain_json(getattr(report, "__dict__", {"summary": str(report)}))


def _problem_items(exc: Any, folder: Path) -> list[dict[str, Any]]:
    items = []
    for p in getattr(exc, "problems", []):
        file = str(getattr(p, "file", "") or "")
        if file.startswith(str(folder)):
            file = file[len(str(folder)):].lstrip("/\\")
        items.append({"file": file, "row": getattr(p, "row", None), "column": getattr(p, "column", None),
                      "value": None if getattr(p, "value", None) is None else str(p.value),
                      "message": str(getattr(p, "message", p))})
    return items


def run_load(request: Request, store: Store, upload: Upload, principal: Principal) -> dict[str, Any]:
    """Load the uploaded files, all or nothing; record the attempt. Returns the outcome.

    Raises `Problem` 409 when another load is running; a refused load is an outcome with
    `status: refused` and the problems, not an exception.
    """
    from ..loaders import LoadError
    from ..loaders.intake import load as load_checked

    conf = settings(request)
    if not _LOAD_LOCK.acquire(blocking=False):
        raise Problem(409, "Another load is running on this service; try again when it has finished.",
                      headers={"Retry-After": "10"})
    entry: dict[str, Any] = {"id": audit.new_id(), "at": audit.now(), "by": principal.name, "via": "api",
                             "key_id": principal.key_id, "files": upload.files}
    try:
        try:
            report = load_checked(store, upload.paths)
        except LoadError as exc:
            items = _problem_items(exc, upload.folder)
            total = int(getattr(exc, "total", len(items)) or len(items))
            entry.update(status="refused", problems=total)
            audit.record(conf.audit_path, entry)
            return {**entry, "errors": items}
        finally:
            request.app.state.cache.invalidate()
        plain = json.loads(json.dumps(_plain_report(report)).replace(json.dumps(str(upload.folder))[1:-1] + "/", ""))
        entry.update(status="loaded", report=plain)
        audit.record(conf.audit_path, entry)
        return entry
    finally:
        _LOAD_LOCK.release()


@router.post("/loads", response_model=LoadOut, tags=["loads"], openapi_extra=UPLOAD_BODY,
             responses={**ERRORS,
                        400: {"description": "No files, or two with one name.",
                              "content": {"application/problem+json": {}}},
                        409: {"description": "Another load is running.", "content": {"application/problem+json": {}}},
                        413: {"description": "Upload too large.", "content": {"application/problem+json": {}}},
                        415: {"description": "Not CSV or XLSX.", "content": {"application/problem+json": {}}},
                        422: {"description": "The files have problems; nothing was loaded. `errors` lists each "
                                             "with file, row, column, value and message.",
                              "content": {"application/problem+json": {}}}},
             summary="Load CSV files or a workbook (admin), all or nothing")
async def post_load(request: Request, principal: Principal = Depends(admin),
                    store: Store = Depends(get_store)) -> Response:
    upload = await receive_upload(request)
    try:
        outcome = await run_in_threadpool(run_load, request, store, upload, principal)
    finally:
        shutil.rmtree(upload.folder, ignore_errors=True)
    if outcome["status"] == "refused":
        n = outcome["problems"]
        raise Problem(422, f"{n} problem{'s' if n != 1 else ''} found in the files; nothing was loaded.",
                      title="Load refused", load_id=outcome["id"], errors=outcome["errors"])
    return json_response({k: outcome[k] for k in ("id", "status", "at", "by", "files", "report")})


@router.get("/loads", response_model=list[AuditEntry], tags=["loads"], responses=ERRORS,
            summary="The load audit, newest first (admin)")
def list_loads(request: Request, limit: int = Query(100, ge=1, le=10_000), _: Principal = Depends(admin)) -> Response:
    conf = settings(request)
    return json_response([_entry_out(e) for e in audit.entries(conf.audit_path, limit)])


def _entry_out(e: dict[str, Any]) -> dict[str, Any]:
    """An audit line in the published shape, whoever wrote it (this service or the CLI)."""

    def as_int(value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    files = []
    for f in e.get("files") or []:
        if isinstance(f, dict):
            files.append({"name": str(f.get("name") or f.get("path") or ""), "bytes": as_int(f.get("bytes")) or 0,
                          "sha256": str(f.get("sha256") or ""), "rows": as_int(f.get("rows"))})
    report = e.get("report")
    def as_str(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    return {"id": str(e.get("id", "")), "at": str(e.get("at", "")), "by": str(e.get("by", "")),
            "via": as_str(e.get("via")) or ("api" if e.get("key_id") else None), "key_id": as_str(e.get("key_id")),
            "status": str(e.get("status", "")), "files": files,
            "report": report if isinstance(report, dict) else None, "problems": as_int(e.get("problems")),
            "person_id": as_str(e.get("person_id"))}
