"""Maps over HTTP (viewer and up): a Place's or an ICS's map as the self-contained page `icpmap map` writes.

The page is served with its own CSP (its script allowed by hash, no network) and may be framed
by the dashboard only, sandboxed, like the diagrams (`routes_reports.diagram_csp`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import HTMLResponse, Response

from ..errors import UserError
from ..graph import Store
from .auth import Principal
from .deps import get_store, viewer
from .errors import Problem
from .routes_api import ERRORS, NOT_FOUND, PlaceCode
from .routes_reports import ICS_CODE, diagram_csp

router = APIRouter()

PCN_CODE = r"^[A-Za-z0-9_.-]{1,64}$"
HTML: dict[int | str, dict[str, Any]] = {
    200: {"description": "A self-contained, offline HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}},
    400: {"description": "A footprint PCN that is not on this map.", "content": {"application/problem+json": {}}},
}
FOOTPRINT = Query(None, pattern=PCN_CODE, max_length=64,
                  description="Show this PCN's patient footprint (a PCN with a practice on the map).")


def _page(store: Store, scope: str, code: str, as_at: dt.date | None, footprint: str | None) -> tuple[bytes, str]:
    from ..visualise.map_page import render_map_html
    from ..visualise.mapdata import build_map

    try:
        data = build_map(store, as_at=as_at, select=footprint, **{scope: code})
    except UserError as exc:
        message = str(exc)
        raise Problem(404 if message.startswith("No ") else 400, message) from None
    base = "/places" if scope == "place" else "/ics"
    label = "Network diagram of this Place" if scope == "place" else "Network diagram of this ICS"
    html = render_map_html(data, [{"label": label, "href": f"{base}/{code}/network.html"}])
    return html.encode("utf-8"), diagram_csp(html)


async def _serve(request: Request, store: Store, scope: str, code: str, as_at: dt.date | None,
                 footprint: str | None) -> Response:
    cache = request.app.state.cache
    key = ("map.html", scope, code, as_at or dt.date.today(), footprint)
    body, csp = await cache.aget(key, lambda: _page(store, scope, code, as_at, footprint))
    return Response(body, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": csp, "X-Frame-Options": "SAMEORIGIN"})


@router.get("/places/{code}/map.html", tags=["places"], response_class=HTMLResponse,
            responses={**ERRORS, **NOT_FOUND, **HTML}, summary="A Place's map (self-contained HTML)")
async def get_place_map(code: PlaceCode, request: Request, as_at: dt.date | None = Query(None),
                        footprint: str | None = FOOTPRINT, _: Principal = Depends(viewer),
                        store: Store = Depends(get_store)) -> Response:
    """Its boundary and neighbourhoods, its practices coloured by PCN, the PCNs that are not
    coterminous, and (with `footprint`) a PCN's patients by Area."""
    return await _serve(request, store, "place", code, as_at, footprint)


@router.get("/ics/{code}/map.html", tags=["places"], response_class=HTMLResponse,
            responses={**ERRORS, **NOT_FOUND, **HTML}, summary="An ICS's map (self-contained HTML)")
async def get_ics_map(request: Request, code: str = Path(..., pattern=ICS_CODE, description="The ICS's ODS code."),
                      as_at: dt.date | None = Query(None), footprint: str | None = FOOTPRINT,
                      _: Principal = Depends(viewer), store: Store = Depends(get_store)) -> Response:
    """Every Place of the ICS on one map, as the Place map draws one."""
    return await _serve(request, store, "ics", code, as_at, footprint)
