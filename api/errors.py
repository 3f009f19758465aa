"""Every error as RFC 9457 problem details (`application/problem+json`), never a stack trace.

Dashboard pages (`/`, `/login`, `/dashboard/...`) get the same information as a plain
HTML page instead; a dashboard page that needs a key sends the browser to `/login`.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from ..errors import UserError

log = logging.getLogger("icpmap.api")

PROBLEM = "application/problem+json"
DASHBOARD_PREFIXES = ("/dashboard", "/login", "/logout")


class Problem(StarletteHTTPException):
    """An HTTP error with a title, a human detail and optional extension members."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, type_: str = "about:blank",
                 headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.title = title or _phrase(status)
        self.type = type_
        self.extensions = extensions


class LoginRequired(Exception):
    """A dashboard page needs a key: send the browser to the login page."""


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(status: int, title: str, detail: str | None = None, *, type_: str = "about:blank",
                 instance: str | None = None, **extensions: Any) -> bytes:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")


def problem(status: int, detail: str | None = None, *, title: str | None = None, instance: str | None = None,
            headers: dict[str, str] | None = None, type_: str = "about:blank", **extensions: Any) -> Response:
    return Response(problem_body(status, title or _phrase(status), detail, type_=type_, instance=instance,
                                 **extensions), status_code=status, media_type=PROBLEM, headers=headers)


def is_dashboard(request: Request) -> bool:
    path = request.url.path
    return path == "/" or path.startswith(DASHBOARD_PREFIXES)


def _render(request: Request, status: int, detail: str | None, *, title: str | None = None,
            headers: dict[str, str] | None = None, **extensions: Any) -> Response:
    if is_dashboard(request):
        from .pages import error_page

        return error_page(request, status, title or _phrase(status), detail, extensions.get("errors"), headers)
    return problem(status, detail, title=title, instance=request.url.path, headers=headers, **extensions)


def user_error_status(exc: UserError) -> tuple[int, dict[str, str] | None]:
    from ..graph import ReadOnlyViolation, StoreBusy

    if isinstance(exc, ReadOnlyViolation):
        return 403, None
    if isinstance(exc, StoreBusy):
        return 503, {"Retry-After": "5"}
    return 400, None


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, Problem):
            return _render(request, exc.status_code, str(exc.detail), title=exc.title, headers=exc.headers,
                           **exc.extensions)
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != _phrase(exc.status_code) else None
        if exc.status_code == 404 and detail is None:
            detail = f"Nothing is at {request.url.path}."
        if exc.status_code == 405 and detail is None:
            detail = f"{request.method} is not allowed on {request.url.path}."
        return _render(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", "")),
             "type": str(e.get("type", ""))}
            for e in exc.errors()[:50]
        ]
        where = "; ".join(f"{e['location']}: {e['message']}" for e in errors[:5])
        return _render(request, 422, f"The request does not fit: {where}", errors=errors)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        status, headers = user_error_status(exc)
        return _render(request, status, str(exc), headers=headers)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def internal_error_body(path: str) -> bytes:
    return problem_body(500, "Internal Server Error",
                        "The service could not complete this request. The error has been logged.", instance=path)
