"""Board papers over HTTP: a Place profile and an ICS pack, as Word or PDF (viewer and up).

The same papers as `icpmap profile`. People's names are in them exactly as in every other
response: a caller is past `viewer` only with a valid key (or a dashboard session), or as
the local user of single-user mode, and such a caller sees names (`GET /places/{code}` does
the same); anyone else gets 401 and no paper.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from ..graph import Store
from . import data
from .auth import Principal
from .deps import get_store, viewer
from .errors import Problem
from .render import safe_filename
from .routes_api import ERRORS, PlaceCode
from .routes_reports import ICS_CODE

router = APIRouter()

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
PAPER: dict[int | str, dict[str, Any]] = {
    200: {"description": "The paper, as a download: Word (.docx) or PDF.",
          "content": {MEDIA["docx"]: {"schema": {"type": "string", "format": "binary"}},
                      MEDIA["pdf"]: {"schema": {"type": "string", "format": "binary"}}}},
    404: {"description": "No such Place or ICS.", "content": {"application/problem+json": {}}},
}
Format = Literal["docx", "pdf"]
SINCE = ("Compare with this date: the headline figures' change and what changed since (the changes report). "
         "On or before the as-at date; default: no comparison.")


def _window(day: dt.date, since: dt.date | None) -> None:
    if since is not None and since > day:
        raise Problem(422, f"since ({since.isoformat()}) is after the as-at date ({day.isoformat()}).")


def may_see_names(principal: Principal) -> bool:
    """Names go to every caller the `viewer` dependency let through (see the module's docstring)."""
    return principal is not None


def _paper(request: Request, store: Store, key: tuple[Any, ...], make: Any, fmt: str, filename: str) -> Response:
    """A paper from the service's cache (valid until the next load), else made now."""
    from ..papers import render

    def compute() -> bytes:
        return render(make(), fmt)

    body = request.app.state.cache.get((*key, fmt), compute)
    return Response(body, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{safe_filename(filename)}.{fmt}"'})


@router.get("/places/{code}/profile.{fmt}", tags=["papers"], responses={**ERRORS, **PAPER},
            response_class=Response, summary="A Place's partnership profile: a board paper (Word or PDF)")
def place_profile(
    code: PlaceCode,
    request: Request,
    fmt: Format = Path(..., description="docx (Word) or pdf"),
    as_at: dt.date | None = Query(None, description="What is current on this date (default: today)."),
    since: dt.date | None = Query(None, description=SINCE),
    principal: Principal = Depends(viewer),
    store: Store = Depends(get_store),
) -> Response:
    """As `icpmap profile --place CODE`: headline figures, the partnership diagram, the seven core
    features, unsigned parties, missing links, breadth, the place lead, coterminosity, milestones."""
    from ..papers import place_profile as build

    if data.place_exists(store, code) is None:
        raise Problem(404, f"No Place has the code {code!r}.")
    names = may_see_names(principal)
    day = as_at or dt.date.today()
    _window(day, since)
    audit = request.app.state.settings.audit_path
    return _paper(request, store, ("paper", "place", code, day, since, names),
                  lambda: build(store, code, as_at=day, since=since, names=names, audit_path=audit),
                  fmt, f"{code}-profile-{day.isoformat()}")


@router.get("/ics/{code}/pack.{fmt}", tags=["papers"], responses={**ERRORS, **PAPER},
            response_class=Response, summary="An ICS pack: every Place's partnership, a board paper (Word or PDF)")
def ics_pack(
    request: Request,
    code: str = Path(..., pattern=ICS_CODE, description="The ICS's ODS code, e.g. QYG."),
    fmt: Format = Path(..., description="docx (Word) or pdf"),
    as_at: dt.date | None = Query(None, description="What is current on this date (default: today)."),
    since: dt.date | None = Query(None, description=SINCE),
    principal: Principal = Depends(viewer),
    store: Store = Depends(get_store),
) -> Response:
    """As `icpmap profile --ics CODE`: the assurance matrix, signatures outstanding and coterminosity
    by Place, the chase list of unsigned parties, then one profile per Place."""
    from ..errors import UserError
    from ..papers import ics_pack as build

    names = may_see_names(principal)
    day = as_at or dt.date.today()
    _window(day, since)
    audit = request.app.state.settings.audit_path

    def make() -> Any:
        try:
            return build(store, code, as_at=day, since=since, names=names, audit_path=audit)
        except UserError as exc:
            if "No ICS" in str(exc) or "no Places" in str(exc):
                raise Problem(404, str(exc)) from None
            raise

    return _paper(request, store, ("paper", "ics", code, day, since, names), make, fmt, f"{code}-pack-{day.isoformat()}")
