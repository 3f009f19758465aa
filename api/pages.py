"""The dashboard: server-rendered pages (Jinja2, autoescaped), no script from any other host.

`/` every Place and its assurance; `/dashboard/places/{code}` a Place with its diagram,
gaps and downloads; `/dashboard/overview` the ICS view; `/dashboard/query` (analyst) and
`/dashboard/upload` (admin). The key is asked once at `/login`; the http-only, secure,
same-site cookie then holds a server-side session id (`sessions.py`), never the key.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..errors import UserError
from ..graph import Store
from ..reports import tabular
from ..reports.changes import LABELS as CHANGE_LABELS
from . import data, reporting
from .auth import Principal
from .crosssite import UNKNOWN, source_matches
from .deps import COOKIE, caller, get_store, page_admin, page_analyst, page_viewer, settings
from .errors import Problem
from .routes_api import PLACE_CODE

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["cell"] = tabular.cell_text
templates.env.globals["today"] = dt.date.today

router = APIRouter(include_in_schema=False)
CHANGE_KIND_LABELS = CHANGE_LABELS  # the changes report's own words for its kinds


def render(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    try:
        user = caller(request)
    except Problem:
        user = None
    return templates.TemplateResponse(request, template, {"user": user, **context}, status_code=status,
                                      headers=headers)


def error_page(request: Request, status: int, title: str, detail: str | None, errors: Any = None,
               headers: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "error.html", status=status, headers=headers, title=title, status_code=status,
                  detail=detail, errors=errors if isinstance(errors, list) else None)


# -- sign in and out ---------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in page: paste an API key once; a session cookie holds the sign-in."""
    return render(request, "login.html", title="Sign in", next=_safe_next(next), error=None)


@router.post("/login")
async def login(request: Request, key: str = Form("", max_length=512), next: str = Form("/", max_length=2048)) -> Response:
    """Sign in with a key (from our own origin only)."""
    target = _safe_next(next)
    if source_matches(request.headers) is not True:  # sign-in from another site's form (login CSRF)
        raise Problem(403, UNKNOWN)
    conf = settings(request)
    record = conf.keys.verify(key) if key.strip() else None
    if record is None:
        return render(request, "login.html", status=401, title="Sign in", next=target,
                      error="That key is not valid, or has been revoked.")
    old = request.cookies.get(COOKIE)
    if old:
        conf.sessions.end(old)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, conf.sessions.create(record.id), max_age=int(conf.sessions.ttl_s), path="/",
                        secure=True, httponly=True, samesite="strict")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out: the session ends on the server."""
    if source_matches(request.headers) is not True:
        raise Problem(403, UNKNOWN)
    token = request.cookies.get(COOKIE)
    if token:
        settings(request).sessions.end(token)  # the id is dead even if a copy of the cookie survives
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


# -- pages ------------------------------------------------------------------------------------------------


def _status_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        out[r["place_code"]][r["status"]] += 1
    return {k: dict(v) for k, v in out.items()}


@router.get("/")
def home(request: Request, user: Principal = Depends(page_viewer), store: Store = Depends(get_store)) -> HTMLResponse:
    """Every Place and its status on the seven core features."""
    cache: data.Cache = request.app.state.cache
    places = cache.get(("places-list",), lambda: data.places(store))
    assurance = cache.get(("report", "assurance", ()), lambda: reporting.rows(store, "assurance"))
    return render(request, "home.html", title="Places", places=places, statuses=_status_counts(assurance),
                  features=reporting.FEATURES)


def _page_date(value: str | None, name: str) -> dt.date | None:
    """A date from the page's URL (`?as_at=2024-03-31`): blank is none, anything else is a clear 400."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Problem(400, f"{name} must be a date as YYYY-MM-DD; got {value[:40]!r}.") from None


@router.get("/dashboard/places/{code}")
def place_page(code: str, request: Request, as_at: str | None = None, since: str | None = None,
               user: Principal = Depends(page_viewer), store: Store = Depends(get_store)) -> HTMLResponse:
    """A Place as at a date (`?as_at=`, default today): every table, the diagram and every download follow
    it, and "what changed" since `?since=` (default 90 days before it) comes first."""
    import re

    if not re.fullmatch(PLACE_CODE, code):
        raise Problem(404, "No Place has that code.")
    day = _page_date(as_at, "as_at") or dt.date.today()
    start = _page_date(since, "since") or day - dt.timedelta(days=reporting.SINCE_DAYS)
    if start > day:
        raise Problem(400, f"since ({start.isoformat()}) is after as_at ({day.isoformat()}).")
    cache: data.Cache = request.app.state.cache
    detail = cache.get(("place-detail", code, day), lambda: data.place_detail(store, code, day))
    if detail is None:
        raise Problem(404, f"No Place has the code {code!r}.")
    sections = cache.get(("place-sections", code, day), lambda: reporting.place_sections(store, code, day))
    changes = cache.get(("place-changes", code, start, day), lambda: reporting.place_changes(store, code, start, day))
    latest = None if changes else cache.get(("latest-change", code, day),
                                            lambda: reporting.latest_change(store, code, day))
    dated = day != dt.date.today()
    return render(request, "place.html", title=detail["name"] or code, place=detail, s=sections,
                  downloads=reporting.PLACE_DOWNLOADS, as_at=day, since=start, changes=changes, latest=latest,
                  query={"as_at": day.isoformat()} if dated else {},
                  kinds=CHANGE_KIND_LABELS)


@router.get("/dashboard/overview")
def overview(request: Request, user: Principal = Depends(page_viewer), store: Store = Depends(get_store)) -> HTMLResponse:
    """The ICS overview: every Place against the seven features, MOU status and timeline."""
    cache: data.Cache = request.app.state.cache
    view = cache.get(("overview",), lambda: reporting.overview(store))
    return render(request, "overview.html", title="ICS overview", v=view, features=reporting.FEATURES)


@router.get("/dashboard/query")
async def query_form(request: Request, user: Principal = Depends(page_analyst)) -> HTMLResponse:
    """The read-only Cypher form."""
    return render(request, "query.html", title="Query", cypher="MATCH (p:Place) RETURN p.code, p.name ORDER BY p.code",
                  result=None, error=None)


@router.post("/dashboard/query")
def query_run(request: Request, cypher: str = Form(..., max_length=100_000), user: Principal = Depends(page_analyst),
              store: Store = Depends(get_store)) -> HTMLResponse:
    """Run read-only Cypher from the form (as POST /query)."""
    conf = settings(request)
    try:  # the row cap applies while fetching: no more than it is ever read
        result = store.user_query(cypher, {}, timeout=conf.dashboard_query_timeout_s, max_rows=conf.max_query_rows)
    except UserError as exc:
        from .errors import user_error_status

        return render(request, "query.html", status=user_error_status(exc)[0], title="Query", cypher=cypher,
                      result=None, error=str(exc))
    return render(request, "query.html", title="Query", cypher=cypher, result=result, rows=result.rows,
                  truncated=result.truncated, error=None)


@router.get("/dashboard/upload")
async def upload_form(request: Request, user: Principal = Depends(page_admin)) -> HTMLResponse:
    """The upload form for CSV files or a workbook."""
    from ..safety import audit

    conf = settings(request)
    recent = await run_in_threadpool(audit.entries, conf.audit_path, 20)
    return render(request, "upload.html", title="Load data", outcome=None, recent=recent,
                  limit_mb=conf.max_upload_bytes / (1024 * 1024))


@router.post("/dashboard/upload")
async def upload_run(request: Request, user: Principal = Depends(page_admin),
                     store: Store = Depends(get_store)) -> HTMLResponse:
    """Load the uploaded files (as POST /loads), all or nothing."""
    import shutil

    from ..safety import audit
    from .routes_loads import receive_upload, run_load

    conf = settings(request)
    upload = await receive_upload(request)
    try:
        outcome = await run_in_threadpool(run_load, request, store, upload, user)
    finally:
        shutil.rmtree(upload.folder, ignore_errors=True)
    recent = await run_in_threadpool(audit.entries, conf.audit_path, 20)
    return render(request, "upload.html", status=200 if outcome["status"] == "loaded" else 422, title="Load data",
                  outcome=outcome, recent=recent, limit_mb=conf.max_upload_bytes / (1024 * 1024))


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI schema (no CDN)."""
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                 "type": (p.get("schema") or {}).get("type") or "any", "description": p.get("description", "")}
                for p in op.get("parameters", [])
            ]
            operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                               "description": op.get("description", ""), "params": params,
                               "responses": sorted(op.get("responses", {}))})
    return render(request, "docs.html", title="API reference", operations=operations,
                  description=schema.get("info", {}).get("description", ""))


