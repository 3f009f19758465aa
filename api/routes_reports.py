"""Reports, assurance and network diagrams over HTTP (viewer and up)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, Response

from ..graph import Store
from . import data, reporting
from .auth import Principal
from .deps import get_store, viewer
from .errors import Problem
from .render import XLSX, json_bytes, json_bytes_str_keys, table_response
from .routes_api import ERRORS, NOT_FOUND, PLACE_CODE, PlaceCode

ICS_CODE = r"^[A-Za-z0-9]{1,16}$"  # an ICB's ODS code, e.g. QYG

router = APIRouter()

BAD_OPTION: dict[int | str, dict[str, Any]] = {
    400: {"description": "An option that does not fit the report.", "content": {"application/problem+json": {}}},
}
TABLE_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The rows: JSON, or a CSV or XLSX download (`format`).",
          "content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}},
                      XLSX: {"schema": {"type": "string", "format": "binary"}}}},
}


class OptionOut(BaseModel):
    name: str
    type: str
    help: str
    choices: list[str]


class ReportInfo(BaseModel):
    name: str
    description: str
    columns: list[str]
    options: list[OptionOut]


class ReportOut(BaseModel):
    name: str
    columns: list[str]
    rows: list[dict[str, Any]]


class FeatureOut(BaseModel):
    feature: int
    name: str
    status: str
    evidence: str


class AssuranceRow(BaseModel):
    place_code: str
    place_name: str | None
    met: int
    partial: int
    not_met: int
    features: list[FeatureOut]


class NetworkNode(BaseModel):
    id: str
    kind: str
    code: str
    label: str
    sector: str | None
    weight: int
    info: dict[str, Any]


class NetworkEdge(BaseModel):
    source: str
    target: str
    kind: str
    label: str
    info: dict[str, Any]


class NetworkOut(BaseModel):
    scope: str
    code: str
    title: str
    as_at: dt.date
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


ALIASES = {"from_date": "from", "to_date": "to"}  # the query parameters' names


def _cache(request: Request) -> data.Cache:
    return request.app.state.cache


def _check_place(store: Store, code: str) -> None:
    if data.place_exists(store, code) is None:
        raise Problem(404, f"No Place has the code {code!r}.")


# -- reports -------------------------------------------------------------------------------------------------


@router.get("/reports", response_model=list[ReportInfo], tags=["reports"], responses=ERRORS,
            summary="The reports and their options")
async def list_reports(_: Principal = Depends(viewer)) -> Response:
    out = []
    for report in reporting.catalogue().values():
        out.append({"name": report.name, "description": report.description, "columns": list(report.columns),
                    "options": [{"name": o.query_name, "type": o.type, "help": o.help, "choices": list(o.choices)}
                                for o in report.options]})
    return Response(json_bytes(out), media_type="application/json")


@router.get("/reports/{name}", response_model=ReportOut, tags=["reports"],
            responses={**ERRORS, **BAD_OPTION, **TABLE_FORMATS,
                       404: {"description": "No such report.", "content": {"application/problem+json": {}}}},
            summary="Run a report, as JSON, CSV or XLSX")
async def get_report(
    request: Request,
    name: str = Path(..., max_length=64, description="A report name from GET /reports."),
    place: str | None = Query(None, pattern=PLACE_CODE, description="A Place's ONS code (default: every Place)."),
    ics: str | None = Query(None, pattern=ICS_CODE, description="An ICS's ODS code, e.g. QYG: only its Places "
                                                                 "(default: every ICS)."),
    as_at: dt.date | None = Query(None, description="Memberships and roles current on this date (default: today)."),
    by: Literal["practices", "patients"] | None = Query(None, description="coterminosity: measure by"),
    level: Literal["place", "neighbourhood"] | None = Query(None, description="coterminosity: footprint level"),
    threshold: float | None = Query(None, gt=0, le=1, description="coterminosity: share that counts as coterminous"),
    view: Literal["pcns", "neighbourhoods"] | None = Query(None, description="coterminosity: one row per"),
    from_date: dt.date | None = Query(None, alias="from", description="changes, progress: the first day"),
    to_date: dt.date | None = Query(None, alias="to", description="changes, progress: the last day (default: today)"),
    every: Literal["month", "quarter"] | None = Query(None, description="progress: one row per month or quarter"),
    format: Literal["json", "csv", "xlsx"] = Query("json", description="json, csv or xlsx"),
    _: Principal = Depends(viewer),
    store: Store = Depends(get_store),
) -> Response:
    report = reporting.catalogue().get(name)
    if report is None:
        raise Problem(404, f"No report is named {name!r}; GET /reports lists them.")
    options = {"place": place, "ics": ics, "as_at": as_at, "by": by, "level": level, "threshold": threshold,
               "view": view, "from_date": from_date, "to_date": to_date, "every": every}
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(k for k in given if report.option(k) is None and not any(k in o.aliases for o in report.options))
    if unknown:
        raise Problem(400, f"The {name} report takes no {', '.join(ALIASES.get(k, k) for k in unknown)} option; "
                           f"it takes: {', '.join(o.query_name for o in report.options) or 'none'}.")
    key = ("report", name, tuple(sorted((k, str(v)) for k, v in given.items())), dt.date.today(), format)

    def compute() -> tuple[bytes, str, dict[str, str]]:
        result = reporting.run(store, name, **given)
        response = table_response(format, name, result.columns, result.rows)
        return bytes(response.body), response.media_type or "application/json", dict(response.headers)

    body, media_type, headers = await _cache(request).aget(key, compute)
    headers = {k: v for k, v in headers.items() if k.lower() == "content-disposition"}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/assurance", response_model=list[AssuranceRow], tags=["reports"],
            responses={**ERRORS, **BAD_OPTION, **TABLE_FORMATS}, summary="Every Place against the seven core features")
async def get_assurance(request: Request, format: Literal["json", "csv", "xlsx"] = Query("json"),
                        ics: str | None = Query(None, pattern=ICS_CODE, description="Only this ICS's Places."),
                        _: Principal = Depends(viewer), store: Store = Depends(get_store)) -> Response:
    def compute() -> list[dict[str, Any]]:
        return reporting.assurance_matrix(store, ics)

    matrix = await _cache(request).aget(("assurance", ics, dt.date.today()), compute)
    if format == "json":
        return Response(json_bytes(matrix), media_type="application/json")
    columns = ["place_code", "place_name", "met", "partial", "not_met"] + [
        f"{n}_{reporting.FEATURE_NAMES[n].lower().replace(' ', '_')}" for n in sorted(reporting.FEATURE_NAMES)]
    rows = []
    for p in matrix:
        status = {f["feature"]: f["status"] for f in p["features"]}
        rows.append([p["place_code"], p["place_name"], p["met"], p["partial"], p["not_met"],
                     *(status.get(n, "") for n in sorted(reporting.FEATURE_NAMES))])
    return table_response(format, "assurance", columns, rows)


# -- network diagrams ----------------------------------------------------------------------------------------


def _graph(store: Store, code: str, as_at: dt.date | None, scope: str = "place", history: bool = False) -> Any:
    from ..visualise.graph import build_graph

    return build_graph(store, as_at=as_at, history=history, **{scope: code})


@router.get("/places/{code}/network", response_model=NetworkOut, tags=["places"],
            responses={**ERRORS, **NOT_FOUND}, summary="A Place's partnership network: nodes and edges")
async def get_network(code: PlaceCode, request: Request, as_at: dt.date | None = Query(None),
                      _: Principal = Depends(viewer), store: Store = Depends(get_store)) -> Response:
    key = ("network", code, as_at or dt.date.today())
    cache = _cache(request)

    def compute() -> bytes | None:
        from ..visualise.graph import UnknownScope

        try:
            return json_bytes_str_keys(_graph(store, code, as_at).to_dict())
        except UnknownScope:
            return None

    body = await cache.aget(key, compute)
    if body is None:
        raise Problem(404, f"No Place has the code {code!r}.")
    return Response(body, media_type="application/json")


_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', re.IGNORECASE)
# Only this route may run inline script: the diagram's own, allowed by hash in its CSP.
# The page may be framed by our dashboard only, and is sandboxed (an opaque origin,
# so even a script that slipped in could not read the dashboard or call the API).
FALLBACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data: blob:"


def diagram_csp(html: str) -> str:
    match = _META_CSP.search(html)
    policy = match.group(1) if match else FALLBACK_CSP
    policy = policy.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&").rstrip("; ")
    return f"{policy}; frame-ancestors 'self'; sandbox allow-scripts allow-downloads"


@router.get("/places/{code}/network.html", tags=["places"], response_class=HTMLResponse,
            responses={**ERRORS, **NOT_FOUND, 200: {"description": "A self-contained, offline HTML page.",
                                                     "content": {"text/html": {"schema": {"type": "string"}}}}},
            summary="A Place's partnership diagram (self-contained HTML)")
async def get_network_html(code: PlaceCode, request: Request, as_at: dt.date | None = Query(None),
                     _: Principal = Depends(viewer), store: Store = Depends(get_store)) -> Response:
    from ..visualise.page import render_html

    def compute() -> tuple[bytes, str] | None:
        from ..visualise.graph import UnknownScope

        try:
            html = render_html(_graph(store, code, as_at, history=True))
        except UnknownScope:
            return None
        return html.encode("utf-8"), diagram_csp(html)

    made = await _cache(request).aget(("network.html", code, as_at or dt.date.today()), compute)
    if made is None:
        raise Problem(404, f"No Place has the code {code!r}.")
    body, csp = made
    return Response(body, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": csp, "X-Frame-Options": "SAMEORIGIN"})



# -- an ICS's diagram (every Place of the ICS, as `icpmap visualise --ics`) -----------------------------------


@router.get("/ics/{code}/network", response_model=NetworkOut, tags=["places"],
            responses={**ERRORS, **NOT_FOUND}, summary="An ICS's partnership network: nodes and edges")
async def get_ics_network(request: Request, code: str = Path(..., pattern=ICS_CODE, description="The ICS's ODS code."),
                          as_at: dt.date | None = Query(None),
                          _: Principal = Depends(viewer), store: Store = Depends(get_store)) -> Response:
    body = await _cache(request).aget(("ics-network", code, as_at or dt.date.today()),
                                      lambda: json_bytes_str_keys(_ics_graph(store, code, as_at).to_dict()))
    return Response(body, media_type="application/json")


@router.get("/ics/{code}/network.html", tags=["places"], response_class=HTMLResponse,
            responses={**ERRORS, **NOT_FOUND, 200: {"description": "A self-contained, offline HTML page.",
                                                     "content": {"text/html": {"schema": {"type": "string"}}}}},
            summary="An ICS's partnership diagram (self-contained HTML)")
async def get_ics_network_html(request: Request, code: str = Path(..., pattern=ICS_CODE),
                               as_at: dt.date | None = Query(None),
                               _: Principal = Depends(viewer), store: Store = Depends(get_store)) -> Response:
    from ..visualise.page import render_html

    def compute() -> tuple[bytes, str]:
        html = render_html(_ics_graph(store, code, as_at, history=True))
        return html.encode("utf-8"), diagram_csp(html)

    body, csp = await _cache(request).aget(("ics-network.html", code, as_at or dt.date.today()), compute)
    return Response(body, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": csp, "X-Frame-Options": "SAMEORIGIN"})


def _ics_graph(store: Store, code: str, as_at: dt.date | None, history: bool = False) -> Any:
    from ..errors import UserError

    try:
        return _graph(store, code, as_at, scope="ics", history=history)
    except UserError as exc:
        if "No ICS" in str(exc):
            raise Problem(404, str(exc)) from None
        raise
